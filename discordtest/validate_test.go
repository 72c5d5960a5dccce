package discordtest

import (
	"bytes"
	"encoding/json"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/wirecord/wirecord/discord"
)

// send makes a REST request with the given Authorization header ("" for
// none) and a body that is either JSON (any) or already encoded (a
// *multipart.Writer's bytes, with its content type).
func send(t *testing.T, s *Server, method, path, auth string, body any) (*http.Response, []byte) {
	t.Helper()
	var r io.Reader
	ct := ""
	switch b := body.(type) {
	case nil:
	case encoded:
		r, ct = bytes.NewReader(b.data), b.contentType
	default:
		data, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		r, ct = bytes.NewReader(data), "application/json"
	}
	req, err := http.NewRequest(method, s.APIURL+path, r)
	if err != nil {
		t.Fatal(err)
	}
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp, data
}

// encoded is a request body already in its wire form.
type encoded struct {
	data        []byte
	contentType string
}

// multipartBody builds a multipart/form-data body: payload_json and one
// file per name in files.
func multipartBody(t *testing.T, payload any, files ...string) encoded {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	if payload != nil {
		p, _ := json.Marshal(payload)
		if err := w.WriteField("payload_json", string(p)); err != nil {
			t.Fatal(err)
		}
	}
	for i, name := range files {
		f, err := w.CreateFormFile("files["+string(rune('0'+i))+"]", name)
		if err != nil {
			t.Fatal(err)
		}
		f.Write([]byte("file contents"))
	}
	w.Close()
	return encoded{b.Bytes(), w.FormDataContentType()}
}

// authFor is a header an operation accepts.
func authFor(s *Server, op *operation) string {
	if op.Auth == authBearer {
		return "Bearer oauth2.access.token"
	}
	return "Bot " + s.Token
}

// concretePath fills an operation's template with values its parameters
// accept (synthesised from their schemas).
func concretePath(op *operation) string {
	path := op.Path
	var n discord.Snowflake = 175928847299117063
	for _, p := range op.Params {
		v := synth(p.Node, func() discord.Snowflake { n++; return n }, 0)
		text := ""
		switch v := v.(type) {
		case string:
			text = v
		case json.Number:
			text = v.String()
		}
		if text == "" {
			text = "x"
		}
		path = strings.Replace(path, "{"+p.Name+"}", text, 1)
	}
	return path
}

// validAgainst checks a JSON document against node n, as a client would
// receive it.
func validAgainst(t *testing.T, n int32, data []byte) []fieldError {
	t.Helper()
	var v any
	if err := decodeJSON(data, &v); err != nil {
		t.Fatalf("%s: %v", data, err)
	}
	var c checker
	c.check(n, v, nil, false)
	return c.errs
}

func TestEveryOperationIsRecognisedAndAnswered(t *testing.T) {
	if len(specOperations) != 242 {
		t.Fatalf("%d operations in spec_gen.go, want Discord's 242", len(specOperations))
	}
	// Every operation once, back to back: the reaction routes' 1 per
	// 250 ms would answer 429s that are not what this test is about.
	loose := RouteLimit{Bucket: "reactions", Limit: 1000, Window: time.Second}
	s := NewServer(WithGuilds(1, 1), WithGlobalLimit(0),
		WithRouteLimit(RouteCreateReaction, loose), WithRouteLimit(RouteDeleteOwnReaction, loose),
		WithRouteLimit(RouteDeleteReaction, loose))
	defer s.Close()
	// The operations the world model answers itself.
	world := map[*operation]bool{}
	for _, rt := range []string{RouteGetGateway, RouteGetGatewayBot, RouteGetCurrentUser, RouteCreateDM,
		RouteGetChannel, RouteListMessages, RouteCreateMessage, RouteGetMessage, RouteEditMessage,
		RouteDeleteMessage, RouteCreateReaction, RouteDeleteOwnReaction, RouteDeleteReaction,
		RouteGetReactions, RouteGetGuild, RouteListMembers, RouteGetMember, RouteInteractionReply,
		RouteFollowup, RouteGetOriginal, RouteEditOriginal, RouteDeleteOriginal} {
		method, path, _ := strings.Cut(rt, " ")
		op, _ := findOperation(method, templateParam.ReplaceAllString(path, "1"))
		if op == nil {
			t.Fatalf("the world model's route %s is not in the spec", rt)
		}
		world[op] = true
	}
	synthesised := 0
	for i := range specOperations {
		op := &specOperations[i]
		path := concretePath(op)
		if got, _ := findOperation(op.Method, "/api/v10"+path); got != op {
			t.Errorf("%s %s found %v, want %s", op.Method, path, got, op.ID)
			continue
		}
		// A minimal valid request: the schema's own synthesised body and
		// required query parameters.
		var body any
		newID := s.world.newID
		switch {
		case op.Body != 0:
			body = synth(op.Body, newID, 0)
		case op.Multipart != 0:
			body = multipartBody(t, synth(op.Multipart, newID, 0))
		}
		var q []string
		for _, p := range op.Query {
			if p.Required {
				q = append(q, p.Name+"=x")
			}
		}
		if len(q) > 0 {
			path += "?" + strings.Join(q, "&")
		}
		before := len(s.RESTCalls())
		resp, data := send(t, s, op.Method, path, authFor(s, op), body)
		if resp.StatusCode == http.StatusNotFound && decodeErr(t, data).Code == codeGeneral || resp.StatusCode == http.StatusMethodNotAllowed {
			t.Errorf("%s %s (%s): %d %s, not recognised", op.Method, path, op.ID, resp.StatusCode, data)
			continue
		}
		calls := s.RESTCalls()
		if len(calls) != before+1 || calls[len(calls)-1].Path != "/api/v10"+strings.Split(path, "?")[0] {
			t.Fatalf("%s: the call was not recorded: %+v", op.ID, calls[before:])
		}
		if world[op] {
			continue // answered from the world model, which knows none of these ids
		}
		if resp.StatusCode == http.StatusBadRequest && decodeErr(t, data).Code == codeInvalidFormBody {
			t.Errorf("%s %s (%s): its synthesised request was refused: %s", op.Method, path, op.ID, data)
			continue
		}
		if calls[len(calls)-1].Route != op.route() {
			t.Errorf("%s recorded as route %q, want %q", op.ID, calls[len(calls)-1].Route, op.route())
		}
		synthesised++
		if resp.StatusCode != op.Status {
			t.Errorf("%s %s (%s): status %d, want the spec's %d: %s", op.Method, path, op.ID, resp.StatusCode, op.Status, data)
			continue
		}
		switch {
		case op.Status == http.StatusNoContent || op.Response == 0:
			if len(data) != 0 {
				t.Errorf("%s: %d with a body %q", op.ID, op.Status, data)
			}
		case op.ResponseType == "application/json":
			if errs := validAgainst(t, op.Response, data); len(errs) > 0 {
				t.Errorf("%s: the synthesised answer breaks its schema: %v\n%s", op.ID, errs, data)
			}
		case resp.Header.Get("Content-Type") != op.ResponseType:
			t.Errorf("%s: Content-Type %q, want %q", op.ID, resp.Header.Get("Content-Type"), op.ResponseType)
		case op.ResponseType == "image/png":
			if _, err := png.Decode(bytes.NewReader(data)); err != nil {
				t.Errorf("%s: not a PNG: %v", op.ID, err)
			}
		}
	}
	for _, v := range s.Violations() {
		t.Errorf("a valid request was recorded as a violation: %v", v)
	}
	t.Logf("%d operations, %d answered by synthesis, the rest by the world model", len(specOperations), synthesised)
	if synthesised < 200 {
		t.Errorf("only %d operations synthesised", synthesised)
	}
}

func TestSynthesisedResponsesMatchTheirSchemas(t *testing.T) {
	var n discord.Snowflake = 1
	newID := func() discord.Snowflake { n++; return n }
	for _, op := range specOperations {
		if op.Response == 0 || op.ResponseType != "application/json" {
			continue
		}
		data, err := json.Marshal(synth(op.Response, newID, 0))
		if err != nil {
			t.Fatalf("%s: %v", op.ID, err)
		}
		if errs := validAgainst(t, op.Response, data); len(errs) > 0 {
			t.Errorf("%s: %v\n%s", op.ID, errs, data)
		}
	}
}

// Every schema, requests' included, has a value synthesis finds and the
// validator accepts; it also walks every node, so a cycle in the table
// would show here.
func TestEverySchemaNodeHasAValidSynthesisedValue(t *testing.T) {
	var n discord.Snowflake = 1
	newID := func() discord.Snowflake { n++; return n }
	for i := range specNodes {
		data, err := json.Marshal(synth(int32(i), newID, 0))
		if err != nil {
			t.Fatalf("node %d: %v", i, err)
		}
		if errs := validAgainst(t, int32(i), data); len(errs) > 0 {
			t.Errorf("node %d %+v: %s refused: %v", i, specNodes[i], data, errs)
		}
	}
}

// fieldErr is Discord's leaf for one field error.
func fieldErr(code, message string) map[string]any {
	return map[string]any{"_errors": []any{map[string]any{"code": code, "message": message}}}
}

// at nests v under the keys of a dotted path ("embeds.0.title").
func at(path string, v map[string]any) map[string]any {
	keys := strings.Split(path, ".")
	for i := len(keys) - 1; i >= 0; i-- {
		v = map[string]any{keys[i]: v}
	}
	return v
}

func TestInvalidBodiesAnswer50035WithTheFieldPath(t *testing.T) {
	// Refused requests count towards the limits, as at Discord; lift the
	// global and message limits so every row's two requests are answered.
	s := NewServer(WithGuilds(1, 2), WithGlobalLimit(0), WithRouteLimit(RouteCreateMessage, RouteLimit{}))
	defer s.Close()
	g := s.Guilds()[0]
	ch := s.Channels(g.ID)[0]
	app, bot := s.Application()
	user := s.Members(g.ID)[1].User.ID
	it, err := s.Interact(ch.ID, user, "hello")
	if err != nil {
		t.Fatal(err)
	}
	msgs := "/channels/" + ch.ID.String() + "/messages"
	sent, err := s.createMessage(ch.ID, bot.ID, discord.MessageSend{Content: "first"})
	if err != nil {
		t.Fatal(err)
	}
	callback := "/interactions/" + it.ID.String() + "/" + it.Token + "/callback"
	followup := "/webhooks/" + app.String() + "/" + it.Token
	long := func(n int) string { return strings.Repeat("x", n) }
	embed := func(title string) []any { return []any{map[string]any{"title": title}} }
	command := func(optionName string) []any {
		return []any{map[string]any{"name": "ping", "description": "Replies pong", "options": []any{
			map[string]any{"type": 3, "name": optionName, "description": "what to echo"}}}}
	}
	button := func(label string) []any {
		return []any{map[string]any{"type": 1, "components": []any{
			map[string]any{"type": 2, "style": 1, "label": label, "custom_id": "b1"}}}}
	}
	for _, tc := range []struct {
		name, method, path string
		bad                any
		want               map[string]any
		good               any
		goodStatus         int
	}{
		{"create message: embed title", "POST", msgs,
			map[string]any{"embeds": embed(long(257))},
			at("embeds.0.title", fieldErr("BASE_TYPE_MAX_LENGTH", "Must be 256 or fewer in length.")),
			map[string]any{"embeds": embed(long(256))}, 200},
		// The overlay: 2,000 characters for bots, whatever the spec says.
		{"create message: content of 2001", "POST", msgs,
			map[string]any{"content": long(2001)},
			at("content", fieldErr("BASE_TYPE_MAX_LENGTH", "Must be 2000 or fewer in length.")),
			map[string]any{"content": long(2000)}, 200},
		// The world model's edit does not check the length: the overlay does.
		{"edit message: content of 2001", "PATCH", msgs + "/" + sent.ID.String(),
			map[string]any{"content": long(2001)},
			at("content", fieldErr("BASE_TYPE_MAX_LENGTH", "Must be 2000 or fewer in length.")),
			map[string]any{"content": long(2000)}, 200},
		// The embeds' combined text, a limit no one schema states.
		{"create message: embeds over 6000 characters", "POST", msgs,
			map[string]any{"embeds": []any{
				map[string]any{"description": long(4000)},
				map[string]any{"description": long(1000), "title": long(200), "fields": []any{map[string]any{"name": "n", "value": long(800)}}},
			}},
			at("embeds", fieldErr("MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000")),
			map[string]any{"embeds": []any{
				map[string]any{"description": long(4000)},
				map[string]any{"description": long(1000), "title": long(199), "fields": []any{map[string]any{"name": "n", "value": long(800)}}},
			}}, 200},
		{"create interaction response: embeds over 6000 characters", "POST", callback,
			map[string]any{"type": 4, "data": map[string]any{"embeds": []any{
				map[string]any{"description": long(4096), "footer": map[string]any{"text": long(1905)}}}}},
			at("data.embeds", fieldErr("MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000")),
			nil, 0},
		{"create message: button label", "POST", msgs,
			map[string]any{"components": button(long(81))},
			at("components.0.components.0.label", fieldErr("BASE_TYPE_MAX_LENGTH", "Must be 80 or fewer in length.")),
			map[string]any{"components": button("Press")}, 200},
		{"create message: null embed", "POST", msgs,
			map[string]any{"content": "x", "embeds": []any{nil}},
			at("embeds.0", fieldErr("LIST_ITEM_VALUE_REQUIRED", "List item values of ModelType are required")),
			map[string]any{"content": "x", "embeds": []any{}}, 200},
		{"edit channel: name", "PATCH", "/channels/" + ch.ID.String(),
			map[string]any{"name": long(101)},
			at("name", fieldErr("BASE_TYPE_MAX_LENGTH", "Must be 100 or fewer in length.")),
			map[string]any{"name": "general", "topic": nil}, 200},
		{"create guild role: colour", "POST", "/guilds/" + g.ID.String() + "/roles",
			map[string]any{"name": "mods", "color": "red"},
			at("color", fieldErr("NUMBER_TYPE_COERCE", `Value "red" is not int.`)),
			map[string]any{"name": "mods", "color": 0xff0000}, 200},
		{"create guild role: every error at once", "POST", "/guilds/" + g.ID.String() + "/roles",
			map[string]any{"name": long(101), "color": 1 << 24},
			map[string]any{
				"name":  fieldErr("BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length."),
				"color": fieldErr("NUMBER_TYPE_MAX", "int value should be less than or equal to 16777215."),
			},
			// The spec types permissions as an integer; Discord sends and
			// takes them as strings, which it reads as numbers.
			map[string]any{"name": "mods", "permissions": "8"}, 200},
		{"bulk-overwrite commands: option name", "PUT", "/applications/" + app.String() + "/commands",
			command(""),
			at("0.options.0.name", fieldErr("BASE_TYPE_BAD_LENGTH", "Must be between 1 and 32 in length.")),
			command("text"), 200},
		// The overlay: option names are lowercase (PROTOCOL.md §0: docs over spec).
		{"bulk-overwrite commands: option name with capitals", "PUT", "/applications/" + app.String() + "/commands",
			command("Text"),
			at("0.options.0.name", fieldErr("APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")),
			command("texte-à-écho"), 200},
		{"bulk-overwrite commands: slash command name with capitals", "PUT", "/applications/" + app.String() + "/commands",
			[]any{map[string]any{"name": "Ping", "description": "d"}},
			at("0.name", fieldErr("APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")),
			// A context-menu command may be named so.
			[]any{map[string]any{"name": "Report Message", "type": 3}}, 200},
		{"create guild command: slash command name with a space", "POST", "/applications/" + app.String() + "/guilds/" + g.ID.String() + "/commands",
			map[string]any{"name": "two words", "description": "d", "type": 1},
			at("name", fieldErr("APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")),
			map[string]any{"name": "two-words", "description": "d", "type": 1}, 200},
		{"bulk-overwrite commands: missing name", "PUT", "/applications/" + app.String() + "/commands",
			[]any{map[string]any{"description": "no name"}},
			at("0.name", fieldErr("BASE_TYPE_REQUIRED", "This field is required")),
			[]any{}, 200},
		{"create interaction response: type", "POST", callback,
			map[string]any{"type": 99},
			at("type", fieldErr("BASE_TYPE_CHOICES", "Value must be one of {1, 4, 5, 6, 7, 8, 9, 12, 13}.")),
			nil, 0},
		{"create interaction response: embed title", "POST", callback,
			map[string]any{"type": 4, "data": map[string]any{"embeds": embed(long(300))}},
			at("data.embeds.0.title", fieldErr("BASE_TYPE_MAX_LENGTH", "Must be 256 or fewer in length.")),
			map[string]any{"type": 4, "data": map[string]any{"embeds": embed("Pong")}}, 204},
		{"execute webhook: embed field value", "POST", followup,
			map[string]any{"embeds": []any{map[string]any{}, map[string]any{"fields": []any{map[string]any{"name": "a"}}}}},
			at("embeds.1.fields.0.value", fieldErr("BASE_TYPE_REQUIRED", "This field is required")),
			map[string]any{"embeds": []any{map[string]any{"fields": []any{map[string]any{"name": "a", "value": "b"}}}}}, 200},
		{"modify guild member: role id", "PATCH", "/guilds/" + g.ID.String() + "/members/" + user.String(),
			map[string]any{"roles": []any{"abc"}},
			at("roles.0", fieldErr("NUMBER_TYPE_COERCE", `Value "abc" is not snowflake.`)),
			map[string]any{"roles": []any{"175928847299117063"}, "nick": "bob"}, 200},
		{"create thread: name", "POST", "/channels/" + ch.ID.String() + "/threads",
			map[string]any{"name": "", "type": 11},
			at("name", fieldErr("BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")),
			map[string]any{"name": "a thread", "type": 11}, 201},
		{"create guild channel: type", "POST", "/guilds/" + g.ID.String() + "/channels",
			map[string]any{"name": "news", "type": 99},
			at("type", fieldErr("BASE_TYPE_CHOICES", "Value must be one of {0, 2, 4, 5, 13, 14, 15}.")),
			map[string]any{"name": "news", "type": 5}, 201},
		// One row per remaining kind of error.
		{"wrong type: string", "POST", msgs, map[string]any{"content": 5},
			at("content", fieldErr("BASE_TYPE_STRING", `Could not interpret "5" as string.`)), nil, 0},
		{"wrong type: list", "POST", msgs, map[string]any{"embeds": "title"},
			at("embeds", fieldErr("LIST_TYPE_CONVERT", "Only iterables may be used in a ListType")), nil, 0},
		{"wrong type: object", "POST", msgs, map[string]any{"content": "x", "allowed_mentions": []any{}},
			at("allowed_mentions", fieldErr("MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType")), nil, 0},
		{"wrong type: dictionary", "PUT", "/applications/" + app.String() + "/commands",
			[]any{map[string]any{"name": "ping", "description": "d", "name_localizations": "fr"}},
			at("0.name_localizations", fieldErr("DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")), nil, 0},
		{"dictionary value", "PUT", "/applications/" + app.String() + "/commands",
			[]any{map[string]any{"name": "ping", "description": "d", "name_localizations": map[string]any{"fr": ""}}},
			at("0.name_localizations.fr", fieldErr("BASE_TYPE_BAD_LENGTH", "Must be between 1 and 32 in length.")), nil, 0},
		{"date", "POST", msgs, map[string]any{"embeds": []any{map[string]any{"timestamp": "yesterday"}}},
			at("embeds.0.timestamp", fieldErr("DATE_TYPE_PARSE", `Could not parse "yesterday". Should be ISO8601.`)), nil, 0},
		{"URL", "POST", msgs, map[string]any{"embeds": []any{map[string]any{"url": "not a url"}}},
			at("embeds.0.url", fieldErr("URL_TYPE_INVALID_URL", "Not a well formed URL.")), nil, 0},
		{"too few items", "POST", msgs, map[string]any{"components": []any{map[string]any{"type": 1, "components": []any{}}}},
			at("components.0.components", fieldErr("BASE_TYPE_BAD_LENGTH", "Must be between 1 and 5 in length.")), nil, 0},
		{"pattern", "POST", "/webhooks/1/tok/slack", map[string]any{"attachments": []any{map[string]any{"color": "red"}}},
			at("attachments.0.color", fieldErr("STRING_TYPE_REGEX", "String value did not match validation regex.")),
			map[string]any{"attachments": []any{map[string]any{"color": "#ff0000"}}}, 200},
		{"number as text", "POST", "/guilds/" + g.ID.String() + "/roles", map[string]any{"color": "NaN"},
			at("color", fieldErr("NUMBER_TYPE_COERCE", `Value "NaN" is not int.`)),
			map[string]any{"color": "255"}, 200},
		{"query boolean", "GET", "/guilds/" + g.ID.String() + "?with_counts=maybe", nil,
			at("with_counts", fieldErr("BOOLEAN_TYPE_CONVERT", "Must be either true or false.")),
			nil, 0},
		{"path parameter", "GET", "/channels/general", nil,
			at("channel_id", fieldErr("NUMBER_TYPE_COERCE", `Value "general" is not snowflake.`)),
			nil, 0},
		{"query parameter", "GET", msgs + "?limit=500", nil,
			at("limit", fieldErr("NUMBER_TYPE_MAX", "int value should be less than or equal to 100.")),
			nil, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, data := send(t, s, tc.method, tc.path, "Bot "+s.Token, tc.bad)
			var got struct {
				Code    int            `json:"code"`
				Message string         `json:"message"`
				Errors  map[string]any `json:"errors"`
			}
			if err := json.Unmarshal(data, &got); err != nil || resp.StatusCode != 400 || got.Code != 50035 || got.Message != "Invalid Form Body" {
				t.Fatalf("%d %s, want 400 with code 50035", resp.StatusCode, data)
			}
			if v := s.Violations(); len(v) == 0 || v[len(v)-1].Rule != RuleInvalidFormBody || strings.Contains(v[len(v)-1].Detail, it.Token) {
				t.Errorf("violations %v, want the last one %s without a token", v, RuleInvalidFormBody)
			}
			if !reflect.DeepEqual(got.Errors, tc.want) {
				w, _ := json.Marshal(tc.want)
				t.Errorf("errors %s\nwant   %s", mustJSON(got.Errors), w)
			}
			if tc.goodStatus == 0 {
				return
			}
			if resp, data := send(t, s, tc.method, tc.path, "Bot "+s.Token, tc.good); resp.StatusCode != tc.goodStatus {
				t.Errorf("valid body: %d %s, want %d", resp.StatusCode, data, tc.goodStatus)
			}
		})
	}
}

func TestUnknownFieldsAreIgnoredAsDiscordDoes(t *testing.T) {
	s := NewServer(WithGuilds(1, 1))
	defer s.Close()
	ch := s.Channels(s.Guilds()[0].ID)[0]
	resp, data := send(t, s, "POST", "/channels/"+ch.ID.String()+"/messages", "Bot "+s.Token,
		map[string]any{"content": "hi", "no_such_field": map[string]any{"x": 1}})
	if resp.StatusCode != 200 {
		t.Fatalf("%d %s", resp.StatusCode, data)
	}
}

func TestMultipartPayloadJSONIsValidated(t *testing.T) {
	s := NewServer(WithGuilds(1, 1), WithRouteLimit(RouteCreateMessage, RouteLimit{}))
	defer s.Close()
	ch := s.Channels(s.Guilds()[0].ID)[0]
	msgs := "/channels/" + ch.ID.String() + "/messages"
	auth := "Bot " + s.Token

	resp, data := send(t, s, "POST", msgs, auth, multipartBody(t, map[string]any{"content": strings.Repeat("x", 2001)}, "a.txt"))
	if e := decodeErr(t, data); resp.StatusCode != 400 || e.Code != 50035 || !strings.Contains(string(e.Errors), `"content":{"_errors":[{"code":"BASE_TYPE_MAX_LENGTH"`) {
		t.Errorf("long content in payload_json: %d %s", resp.StatusCode, data)
	}
	resp, data = send(t, s, "POST", msgs, auth, multipartBody(t, map[string]any{"embeds": []any{map[string]any{"color": -1}}}, "a.txt"))
	if e := decodeErr(t, data); resp.StatusCode != 400 || !strings.Contains(string(e.Errors), `{"embeds":{"0":{"color":{"_errors":[{"code":"NUMBER_TYPE_MIN"`) {
		t.Errorf("bad embed in payload_json: %d %s", resp.StatusCode, data)
	}
	resp, data = send(t, s, "POST", msgs, auth, multipartBody(t, map[string]any{"content": "with a file"}, "a.txt"))
	if resp.StatusCode != 200 {
		t.Fatalf("valid multipart: %d %s", resp.StatusCode, data)
	}
	// The world model reads the payload_json of a multipart message.
	if got := s.Messages(ch.ID); len(got) != 1 || got[0].Content != "with a file" {
		t.Errorf("messages %+v", got)
	}
	// Without payload_json, fields are form fields, JSON ones included.
	var fb bytes.Buffer
	fw := multipart.NewWriter(&fb)
	fw.WriteField("content", "fields")
	fw.WriteField("embeds", `[{"title": "`+strings.Repeat("x", 257)+`"}]`)
	fw.Close()
	resp, data = send(t, s, "POST", msgs, auth, encoded{fb.Bytes(), fw.FormDataContentType()})
	if e := decodeErr(t, data); resp.StatusCode != 400 || string(e.Errors) != `{"embeds":{"0":{"title":{"_errors":[{"code":"BASE_TYPE_MAX_LENGTH","message":"Must be 256 or fewer in length."}]}}}}` {
		t.Errorf("JSON form field: %d %s", resp.StatusCode, data)
	}
	// Text fields reach the world model typed, as Discord reads them.
	var tb bytes.Buffer
	tw := multipart.NewWriter(&tb)
	tw.WriteField("content", "typed")
	tw.WriteField("tts", "true")
	tw.WriteField("flags", "4")
	tw.Close()
	resp, data = send(t, s, "POST", msgs, auth, encoded{tb.Bytes(), tw.FormDataContentType()})
	var typed discord.Message
	if json.Unmarshal(data, &typed); resp.StatusCode != 200 || typed.Content != "typed" || !typed.TTS {
		t.Errorf("typed form fields: %d %s", resp.StatusCode, data)
	}
	// A url-encoded body is read as text fields.
	form := func(content string) encoded {
		return encoded{[]byte(url.Values{"content": {content}}.Encode()), "application/x-www-form-urlencoded"}
	}
	if resp, data := send(t, s, "POST", msgs, auth, form(strings.Repeat("x", 2001))); resp.StatusCode != 400 || !strings.Contains(string(data), `"content":{"_errors"`) {
		t.Errorf("long url-encoded content: %d %s", resp.StatusCode, data)
	}
	if resp, data := send(t, s, "POST", msgs, auth, form("url-encoded")); resp.StatusCode != 200 || !strings.Contains(string(data), `"content":"url-encoded"`) {
		t.Errorf("url-encoded message: %d %s", resp.StatusCode, data)
	}
	// An operation only the spec knows: a sticker's fields are form
	// fields, its file a file part.
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	w.WriteField("name", "x") // minLength 2
	w.WriteField("tags", "smile")
	f, _ := w.CreateFormFile("file", "s.png")
	f.Write([]byte("png"))
	w.Close()
	resp, data = send(t, s, "POST", "/guilds/"+s.Guilds()[0].ID.String()+"/stickers", auth, encoded{b.Bytes(), w.FormDataContentType()})
	if e := decodeErr(t, data); resp.StatusCode != 400 || string(e.Errors) != `{"name":{"_errors":[{"code":"BASE_TYPE_BAD_LENGTH","message":"Must be between 2 and 30 in length."}]}}` {
		t.Errorf("sticker with a short name: %d %s", resp.StatusCode, data)
	}
}

func TestAuthFollowsTheSpecsSecurity(t *testing.T) {
	s := NewServer(WithGuilds(1, 1), WithGlobalLimit(0))
	defer s.Close()
	g := s.Guilds()[0].ID.String()
	for _, tc := range []struct {
		name, method, path, auth string
		status                   int
	}{
		{"bot token required", "GET", "/guilds/" + g + "/roles", "", 401},
		{"wrong bot token", "GET", "/guilds/" + g + "/roles", "Bot nope", 401},
		{"bot token", "GET", "/guilds/" + g + "/roles", "Bot " + s.Token, 200},
		{"webhook token in the path", "GET", "/webhooks/1/tok", "", 200},
		{"optional auth, wrong token", "GET", "/webhooks/1/tok", "Bot nope", 401},
		{"public resource", "GET", "/sticker-packs", "", 200},
		{"OAuth2 only, bot token", "GET", "/users/@me/guilds/" + g + "/member", "Bot " + s.Token, 401},
		{"OAuth2 only, bearer", "GET", "/users/@me/guilds/" + g + "/member", "Bearer abc", 200},
		{"bot or OAuth2, bearer", "GET", "/users/@me/guilds", "Bearer abc", 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if resp, data := send(t, s, tc.method, tc.path, tc.auth, nil); resp.StatusCode != tc.status {
				t.Errorf("%d %s, want %d", resp.StatusCode, data, tc.status)
			}
		})
	}
}

func TestWebhooksTheWorldDoesNotKeepAreUnknown(t *testing.T) {
	s := NewServer(WithGuilds(1, 1))
	defer s.Close()
	app, _ := s.Application()
	for _, path := range []string{"/webhooks/1/tok?wait=true", "/webhooks/" + app.String() + "/no.such.token"} {
		// Checked against the spec first, then answered by the world.
		if resp, data := send(t, s, "POST", path, "", map[string]any{"content": 5}); resp.StatusCode != 400 || decodeErr(t, data).Code != 50035 {
			t.Errorf("POST %s with a bad body: %d %s", path, resp.StatusCode, data)
		}
		if resp, data := send(t, s, "POST", path, "", map[string]any{"content": "x"}); resp.StatusCode != 404 || decodeErr(t, data).Code != 10015 {
			t.Errorf("POST %s: %d %s, want Unknown Webhook", path, resp.StatusCode, data)
		}
	}
}

func TestSynthesisedAnswersEchoTheRequest(t *testing.T) {
	s := NewServer(WithGuilds(1, 1))
	defer s.Close()
	g := s.Guilds()[0].ID.String()
	resp, data := send(t, s, "POST", "/guilds/"+g+"/roles", "Bot "+s.Token,
		map[string]any{"name": "mods", "color": 255, "hoist": true, "no_such_field": 1})
	var role map[string]any
	json.Unmarshal(data, &role)
	if resp.StatusCode != 200 || role["name"] != "mods" || role["color"] != float64(255) || role["hoist"] != true || role["no_such_field"] != nil {
		t.Fatalf("created role: %d %s", resp.StatusCode, data)
	}
	op, _ := findOperation("POST", "/guilds/1/roles")
	if errs := validAgainst(t, op.Response, data); len(errs) > 0 {
		t.Errorf("answer %s breaks its schema: %v", data, errs)
	}
	// A path ending in an id answers that resource.
	resp, data = send(t, s, "GET", "/guilds/"+g+"/roles/175928847299117063", "Bot "+s.Token, nil)
	if !strings.Contains(string(data), `"id":"175928847299117063"`) {
		t.Errorf("get role: %d %s", resp.StatusCode, data)
	}
}

func TestLiteralSegmentsWinOverParameters(t *testing.T) {
	for _, tc := range []struct{ method, path, id string }{
		{"POST", "/api/v10/channels/1/messages/bulk-delete", "bulk_delete_messages"},
		{"GET", "/api/v10/channels/1/messages/2", "get_message"},
		{"DELETE", "/api/v10/channels/1/messages/2/reactions/%F0%9F%91%8D/@me", "delete_my_message_reaction"},
		{"DELETE", "/api/v10/channels/1/messages/2/reactions/👍/3", "delete_user_message_reaction"},
		{"GET", "/api/v9/users/@me", "get_my_user"},
		{"GET", "/api/v10/users/4", "get_user"},
		{"PATCH", "/api/v10/webhooks/1/tok/messages/@original", "update_original_webhook_message"},
	} {
		op, _ := findOperation(tc.method, tc.path)
		if op == nil || op.ID != tc.id {
			t.Errorf("%s %s = %+v, want %s", tc.method, tc.path, op, tc.id)
		}
	}
}

func TestCommandNamesAndOptionNamesFollowOneRule(t *testing.T) {
	found := 0
	for _, nd := range specNodes {
		if nd.PatternError[0] == "APPLICATION_COMMAND_INVALID_NAME" {
			found++
			if nd.Pattern != commandNamePattern {
				t.Errorf("option names match %q, command names %q", nd.Pattern, commandNamePattern)
			}
		}
	}
	if found == 0 {
		t.Error("no option name carries the overlay's pattern")
	}
}

// The spec lives beside the repository, as ../shared/discord-api-spec.
const specFile = "../../shared/discord-api-spec/openapi.json"

func TestSpecGenIsCurrent(t *testing.T) {
	if _, err := os.Stat(specFile); err != nil {
		t.Skipf("Discord's spec is not at %s (clone discord-api-spec beside the repository): %v", specFile, err)
	}
	out := filepath.Join(t.TempDir(), "spec_gen.go")
	cmd := exec.Command("go", "run", "./internal/genchecks", "-spec", specFile, "-o", out)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("genchecks: %v\n%s", err, msg)
	}
	want, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	have, err := os.ReadFile("spec_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(have, want) {
		t.Errorf("spec_gen.go is stale: run go generate ./discordtest/")
	}
}
