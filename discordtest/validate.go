package discordtest

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// maxBody is Discord's largest request (PROTOCOL.md §14: 25 MiB).
const maxBody = 25 << 20

// Discord documents the shape of a 50035 answer but not its codes
// (PROTOCOL.md §13). The codes and messages used here are the ones
// Discord's answers show in public bug reports: BASE_TYPE_REQUIRED "This
// field is required", BASE_TYPE_MAX_LENGTH / BASE_TYPE_MIN_LENGTH /
// BASE_TYPE_BAD_LENGTH "Must be between 1 and 80 in length.",
// NUMBER_TYPE_COERCE `Value "x" is not int.` and `... is not snowflake.`,
// NUMBER_TYPE_MIN / NUMBER_TYPE_MAX "int value should be greater than or
// equal to 8000.", BASE_TYPE_CHOICES "Value must be one of {1, 2}.",
// LIST_ITEM_VALUE_REQUIRED and `Could not interpret "x" as string.`.
// The codes for a string, boolean, list, object, date or URL of the wrong
// form (BASE_TYPE_STRING, BOOLEAN_TYPE_CONVERT, LIST_TYPE_CONVERT,
// DICT_TYPE_CONVERT, MODEL_TYPE_CONVERT, DATE_TYPE_PARSE,
// URL_TYPE_INVALID_URL) follow the same naming and are our inference.

// RuleInvalidFormBody is a REST request its operation's schema refuses,
// answered 400 with code 50035: a test can ask Violations whether the bot
// under test sent any payload Discord would refuse.
const RuleInvalidFormBody Rule = "invalid form body (50035)"

// fieldError is one entry of a 50035 answer: where, Discord's code and its
// message.
type fieldError struct {
	Path    []string
	Code    string
	Message string
	choices []string // the allowed values of a BASE_TYPE_CHOICES
}

// formErrors is Discord's "errors" object: the field path as nested keys
// (array indices as "0", "1"...), each leaf {"_errors": [{code, message}]}.
func formErrors(errs []fieldError) map[string]any {
	root := map[string]any{}
	for _, e := range errs {
		m := root
		for _, k := range e.Path {
			next, _ := m[k].(map[string]any)
			if next == nil {
				next = map[string]any{}
				m[k] = next
			}
			m = next
		}
		list, _ := m["_errors"].([]any)
		m["_errors"] = append(list, map[string]any{"code": e.Code, "message": e.Message})
	}
	return root
}

// checkRequest checks a request against its operation in Discord's spec:
// the Authorization header, path parameters, query parameters and the
// body (JSON, or multipart/form-data with payload_json). When the request
// is refused it writes Discord's answer (401, or 400 with code 50035 and
// the nested field errors) and returns false. A multipart or url-encoded
// body is handed on as JSON, so the world model's handlers read one form.
// Requests the spec does not know pass unchecked.
func (s *Server) checkRequest(w http.ResponseWriter, r *http.Request) (*operation, bool) {
	op, params := findOperation(r.Method, r.URL.Path)
	if op == nil {
		return nil, true
	}
	if !s.authorized(op, r.Header.Get("Authorization")) {
		apiError(w, http.StatusUnauthorized, codeGeneral, "401: Unauthorized")
		return op, false
	}
	// Path, query and form values are text, which Discord reads as the
	// type the schema wants ("42", "true"); JSON is taken as it is.
	text, js := checker{lenient: true}, checker{}
	for _, p := range op.Params {
		text.check(p.Node, params[p.Name], []string{p.Name}, false)
	}
	q := r.URL.Query()
	for _, p := range op.Query {
		vals, ok := q[p.Name]
		switch {
		case !ok && p.Required:
			text.fail([]string{p.Name}, "BASE_TYPE_REQUIRED", "This field is required")
		case ok && accepts(p.Node, tArray):
			// Arrays repeat the key (PROTOCOL.md §13).
			list := make([]any, len(vals))
			for i, x := range vals {
				list[i] = x
			}
			text.check(p.Node, list, []string{p.Name}, false)
		case ok:
			text.check(p.Node, vals[0], []string{p.Name}, false)
		}
	}
	if op.Body != 0 || op.Multipart != 0 {
		body, ok := readBody(w, r, op)
		if !ok {
			return op, false
		}
		switch b := body.(type) {
		case nil:
		case formBody:
			schema := op.Multipart
			if schema == 0 {
				schema = op.Body
			}
			body = text.check(schema, map[string]any(b), nil, false)
		default:
			body = js.check(op.Body, b, nil, false)
		}
		if body != nil && len(text.errs)+len(js.errs) == 0 {
			for _, r := range beyondSchema {
				if r.ops == nil || slices.Contains(r.ops, op.ID) {
					r.rule(&js, body)
				}
			}
		}
		if body != nil && len(text.errs)+len(js.errs) == 0 {
			// Hand the handler JSON as Discord reads it, whatever form it
			// came in: form fields and numbers sent as text typed.
			b, _ := json.Marshal(body)
			r.Body = io.NopCloser(bytes.NewReader(b))
			r.ContentLength = int64(len(b))
			r.Header.Set("Content-Type", "application/json")
		}
	}
	if errs := append(text.errs, js.errs...); len(errs) > 0 {
		writeJSON(w, http.StatusBadRequest, map[string]any{
			"code": codeInvalidFormBody, "message": "Invalid Form Body", "errors": formErrors(errs)})
		var detail []string
		for _, e := range errs {
			detail = append(detail, strings.Join(e.Path, ".")+": "+e.Code)
		}
		// The template, not the path: webhook and interaction tokens stay out.
		s.rec.violation(RuleInvalidFormBody, 0, -1, op.route()+": "+strings.Join(detail, ", "))
		return op, false
	}
	return op, true
}

// authorized applies the operation's security requirement. The fake
// knows one bot token; any Bearer token stands for an OAuth2 grant.
func (s *Server) authorized(op *operation, h string) bool {
	bot := h == "Bot "+s.Token
	bearer := strings.HasPrefix(h, "Bearer ") && len(h) > len("Bearer ")
	switch op.Auth {
	case authPathToken, authPublic:
		return h == "" || bot || bearer
	case authBotOrBearer:
		return bot || bearer
	case authBearer:
		return bearer
	}
	return bot
}

// formBody is a multipart or url-encoded body turned into an object:
// payload_json's fields, other text fields as strings and each file as
// its file name.
type formBody map[string]any

// readBody reads and decodes a request body: nil when there is none to
// check. It writes Discord's answer and returns false for one that cannot
// be read.
func readBody(w http.ResponseWriter, r *http.Request, op *operation) (any, bool) {
	b, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil || len(b) > maxBody {
		apiError(w, http.StatusRequestEntityTooLarge, 40005, "Request entity too large")
		return nil, false
	}
	r.Body = io.NopCloser(bytes.NewReader(b))
	badJSON := func() (any, bool) {
		apiError(w, http.StatusBadRequest, codeInvalidJSON, "The request body contains invalid JSON.")
		return nil, false
	}
	ct, ctParams, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch {
	case ct == "multipart/form-data":
		f := formBody{}
		mr := multipart.NewReader(bytes.NewReader(b), ctParams["boundary"])
		for {
			part, err := mr.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				apiError(w, http.StatusBadRequest, codeInvalidFormBody, "Invalid Form Body")
				return nil, false
			}
			data, _ := io.ReadAll(part)
			switch {
			case part.FormName() == "payload_json":
				var payload map[string]any
				if decodeJSON(data, &payload) != nil {
					return badJSON()
				}
				for k, v := range payload {
					f[k] = v
				}
			case part.FileName() != "":
				f[part.FormName()] = part.FileName()
			default:
				f[part.FormName()] = string(data)
			}
		}
		return f, true
	case ct == "application/x-www-form-urlencoded":
		vals, err := url.ParseQuery(string(b))
		if err != nil {
			apiError(w, http.StatusBadRequest, codeInvalidFormBody, "Invalid Form Body")
			return nil, false
		}
		f := formBody{}
		for k, v := range vals {
			f[k] = v[0]
		}
		return f, true
	case ct != "" && ct != "application/json":
		// Left to the Content-Type rule of serveRoute (PROTOCOL.md §13).
		return nil, true
	}
	if op.Body == 0 {
		return nil, true
	}
	if len(bytes.TrimSpace(b)) == 0 {
		b = []byte("{}") // Discord reads an empty body as an empty object
	}
	var v any
	if decodeJSON(b, &v) != nil {
		return badJSON()
	}
	return v, true
}

func decodeJSON(b []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if err := d.Decode(v); err != nil {
		return err
	}
	if d.More() {
		return fmt.Errorf("trailing data")
	}
	return nil
}

// accepts reports whether node n (following Refs) takes JSON type t.
func accepts(n int32, t kind) bool {
	for n != 0 {
		nd := &specNodes[n]
		if nd.Type&^tNull != 0 {
			return nd.Type&t != 0
		}
		n = nd.Ref
	}
	return false
}

// checker walks a value against schema nodes, collecting field errors
// with Discord's codes and messages.
type checker struct {
	errs []fieldError
	// lenient reads text as the type the schema wants, as Discord does
	// for path, query and form values ("true", "1", "42").
	lenient bool
}

func (c *checker) fail(path []string, code, format string, args ...any) {
	c.errs = append(c.errs, fieldError{Path: slices.Clone(path), Code: code, Message: fmt.Sprintf(format, args...)})
}

// jsonKind is the JSON type of a decoded value.
func jsonKind(v any) kind {
	switch v := v.(type) {
	case nil:
		return tNull
	case string:
		return tString
	case bool:
		return tBoolean
	case json.Number:
		if _, err := strconv.ParseInt(v.String(), 10, 64); err == nil {
			return tInteger | tNumber
		}
		if f, err := v.Float64(); err == nil && f == float64(int64(f)) {
			return tInteger | tNumber
		}
		return tNumber
	case []any:
		return tArray
	case map[string]any:
		return tObject
	}
	return 0
}

// check validates v against node n at path and returns v as Discord
// reads it ("42" as a number where the schema wants one); v itself is
// never changed. item says v is an array element, which changes
// Discord's wording for a missing value.
func (c *checker) check(n int32, v any, path []string, item bool) any {
	if n == 0 {
		return v
	}
	nd := &specNodes[n]
	if v == nil {
		if nd.Type&tNull != 0 || nd.Type == 0 && nullable(n) {
			return nil
		}
		if item {
			c.fail(path, "LIST_ITEM_VALUE_REQUIRED", "List item values of ModelType are required")
		} else {
			c.fail(path, "BASE_TYPE_REQUIRED", "This field is required")
		}
		return nil
	}
	if want := nd.Type &^ tNull; want != 0 {
		coerced, ok := c.coerce(nd, want, v)
		if !ok {
			c.typeError(nd, want, v, path)
			return v
		}
		v = coerced
	} else if nd.Type == tNull && nd.Ref == 0 && len(nd.OneOf)+len(nd.AnyOf)+len(nd.AllOf) == 0 {
		c.fail(path, "BASE_TYPE_CHOICES", "Value must be null.")
		return v
	}
	v, ok := c.constraints(nd, v, path)
	if !ok {
		return v // one error per field: the enum named here is the one to report
	}
	if nd.Ref != 0 {
		v = c.check(nd.Ref, v, path, item)
	}
	for _, a := range nd.AllOf {
		v = c.check(a, v, path, item)
	}
	if len(nd.OneOf) > 0 {
		v = c.union(nd.OneOf, v, path, item)
	}
	if len(nd.AnyOf) > 0 {
		v = c.union(nd.AnyOf, v, path, item)
	}
	return v
}

// nullable reports whether a node without a type of its own takes null
// through its Ref or a branch.
func nullable(n int32) bool {
	nd := &specNodes[n]
	if nd.Type != 0 {
		return nd.Type&tNull != 0
	}
	if nd.Ref != 0 && nullable(nd.Ref) {
		return true
	}
	for _, b := range append(slices.Clone(nd.OneOf), nd.AnyOf...) {
		if nullable(b) {
			return true
		}
	}
	return nd.Ref == 0 && len(nd.OneOf)+len(nd.AnyOf)+len(nd.AllOf) == 0
}

// coerce returns v as the schema's type where Discord would read it so:
// numbers given as text, snowflakes given as numbers, and (for path,
// query and form values) booleans and lists given as text.
func (c *checker) coerce(nd *node, want kind, v any) (any, bool) {
	got := jsonKind(v)
	if got&want != 0 {
		return v, true
	}
	switch s := v.(type) {
	case string:
		if want&(tInteger|tNumber) != 0 {
			if k := jsonKind(json.Number(s)); k&want != 0 && validNumber(s) {
				return json.Number(s), true
			}
		}
		if want&tBoolean != 0 && c.lenient {
			switch s {
			case "True", "true", "1":
				return true, true
			case "False", "false", "0":
				return false, true
			}
		}
		if want&(tObject|tArray) != 0 && c.lenient {
			// A form field may carry JSON (attachments, embeds...).
			var x any
			if decodeJSON([]byte(s), &x) == nil && jsonKind(x)&want != 0 {
				return x, true
			}
		}
		if want&tArray != 0 && c.lenient {
			return []any{s}, true // a query list given once
		}
	case json.Number:
		// Discord takes a snowflake sent as a JSON number (PROTOCOL.md §13).
		if want&tString != 0 && nd.Format == fSnowflake && got&tInteger != 0 {
			return s.String(), true
		}
	}
	return v, false
}

// validNumber reports whether s is a number as JSON writes one (not
// "NaN" or "0x10", which strconv would read).
func validNumber(s string) bool {
	return s != "" && (s[0] == '-' || s[0] >= '0' && s[0] <= '9') && json.Valid([]byte(s))
}

// typeError reports v as not of the wanted type, in Discord's words.
func (c *checker) typeError(nd *node, want kind, v any, path []string) {
	text := fmt.Sprint(v)
	if b, err := json.Marshal(v); err == nil && jsonKind(v) != tString {
		text = string(b)
	}
	switch {
	case want&tString != 0 && nd.Format == fSnowflake:
		c.fail(path, "NUMBER_TYPE_COERCE", "Value %q is not snowflake.", text)
	case want&tInteger != 0:
		c.fail(path, "NUMBER_TYPE_COERCE", "Value %q is not int.", text)
	case want&tNumber != 0:
		c.fail(path, "NUMBER_TYPE_COERCE", "Value %q is not a valid float.", text)
	case want&tString != 0:
		c.fail(path, "BASE_TYPE_STRING", "Could not interpret %q as string.", text)
	case want&tBoolean != 0:
		c.fail(path, "BOOLEAN_TYPE_CONVERT", "Must be either true or false.")
	case want&tArray != 0:
		c.fail(path, "LIST_TYPE_CONVERT", "Only iterables may be used in a ListType")
	case want&tObject != 0 && nd.Extra != 0:
		c.fail(path, "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")
	default:
		c.fail(path, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType")
	}
}

// lengthError reports a length (of a string, list or object) outside
// [min, max]; max 0 means no upper bound.
func (c *checker) lengthError(path []string, n, min, max int) {
	switch {
	case (min > 0 && n < min || max > 0 && n > max) && min > 0 && max > 0:
		c.fail(path, "BASE_TYPE_BAD_LENGTH", "Must be between %d and %d in length.", min, max)
	case min > 0 && n < min:
		c.fail(path, "BASE_TYPE_MIN_LENGTH", "Must be %d or more in length.", min)
	case max > 0 && n > max:
		c.fail(path, "BASE_TYPE_MAX_LENGTH", "Must be %d or fewer in length.", max)
	}
}

// constraints checks everything but the type, which v already has, and
// returns v with its elements as Discord reads them (in new containers).
// It returns false when v is not one of the node's enum values.
func (c *checker) constraints(nd *node, v any, path []string) (any, bool) {
	if len(nd.Enum) > 0 && !slices.Contains(nd.Enum, fmt.Sprint(v)) {
		c.choice(path, nd.Enum)
		return v, false
	}
	switch v := v.(type) {
	case string:
		c.lengthError(path, utf8.RuneCountInString(v), nd.MinLen, nd.MaxLen)
		if nd.Pattern != "" && !patternOf(nd.Pattern).MatchString(v) {
			if e := nd.PatternError; e[0] != "" {
				c.fail(path, e[0], "%s", e[1])
			} else {
				c.fail(path, "STRING_TYPE_REGEX", "String value did not match validation regex.")
			}
		}
		switch nd.Format {
		case fSnowflake:
			if !isSnowflake(v) {
				c.fail(path, "NUMBER_TYPE_COERCE", "Value %q is not snowflake.", v)
			}
		case fDateTime:
			if _, err := time.Parse(time.RFC3339, v); err != nil {
				c.fail(path, "DATE_TYPE_PARSE", "Could not parse %q. Should be ISO8601.", v)
			}
		case fURI:
			if u, err := url.Parse(v); err != nil || u.Scheme == "" || u.Host == "" && u.Opaque == "" {
				c.fail(path, "URL_TYPE_INVALID_URL", "Not a well formed URL.")
			}
		}
	case json.Number:
		f, _ := v.Float64()
		what := "int"
		if nd.Type&tInteger == 0 {
			what = "float"
		}
		if min, err := strconv.ParseFloat(nd.Min, 64); err == nil && f < min {
			c.fail(path, "NUMBER_TYPE_MIN", "%s value should be greater than or equal to %s.", what, nd.Min)
		}
		if max, err := strconv.ParseFloat(nd.Max, 64); err == nil && f > max {
			c.fail(path, "NUMBER_TYPE_MAX", "%s value should be less than or equal to %s.", what, nd.Max)
		}
	case []any:
		c.lengthError(path, len(v), nd.MinItems, nd.MaxItems)
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = c.check(nd.Items, x, append(path, strconv.Itoa(i)), true)
		}
		return out, true
	case map[string]any:
		c.lengthError(path, len(v), nd.MinProps, nd.MaxProps)
		out := maps.Clone(v)
		for _, r := range nd.Required {
			if _, ok := v[r]; !ok {
				c.fail(append(path, r), "BASE_TYPE_REQUIRED", "This field is required")
			}
		}
		for _, p := range nd.Props {
			if x, ok := v[p.Name]; ok {
				out[p.Name] = c.check(p.Node, x, append(path, p.Name), false)
			}
		}
		// Discord ignores fields it does not know (it adds fields weekly
		// and old clients keep sending removed ones), so the fake does
		// too; only a schema with additionalProperties checks the rest.
		if nd.Extra != 0 {
			for _, k := range sortedKeys(v) {
				if !slices.ContainsFunc(nd.Props, func(p prop) bool { return p.Name == k }) {
					out[k] = c.check(nd.Extra, v[k], append(path, k), false)
				}
			}
		}
		return out, true
	}
	return v, true
}

// beyondSchema are Discord's rules that no schema of the spec can state,
// applied (to the operations named, or all) once a body passes its
// schema, so its fields have their types.
var beyondSchema = []struct {
	ops  []string
	rule func(c *checker, body any)
}{
	{nil, func(c *checker, body any) { c.embedSize(body, nil) }},
	{[]string{"create_application_command", "create_guild_application_command",
		"bulk_set_application_commands", "bulk_set_guild_application_commands"}, (*checker).chatInputNames},
}

// commandNamePattern is the docs' rule for names of CHAT_INPUT commands,
// the same the overlay gives option names (genchecks).
const commandNamePattern = `^[-_'\p{Ll}\p{Lm}\p{Lo}\p{N}\p{Devanagari}\p{Thai}]*$`

// chatInputNames holds slash commands (type 1, the default) to the naming
// rule; context-menu commands (types 2 and 3) may have capitals and
// spaces, which is why the spec's one command schema cannot say it.
func (c *checker) chatInputNames(body any) {
	check := func(cmd any, path []string) {
		m, _ := cmd.(map[string]any)
		name, _ := m["name"].(string)
		if t, typed := m["type"]; typed && t != nil && fmt.Sprint(t) != "1" {
			return
		}
		if !patternOf(commandNamePattern).MatchString(name) {
			c.fail(append(path, "name"), "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")
		}
	}
	if list, ok := body.([]any); ok {
		for i, cmd := range list {
			check(cmd, []string{strconv.Itoa(i)})
		}
		return
	}
	check(body, nil)
}

// maxEmbedText is the most text a message's embeds may carry in all
// (PROTOCOL.md §14), a rule no single schema can state.
const maxEmbedText = 6000

// embedSize applies the combined embed limit to every "embeds" list in
// a body (a message, a webhook's, an interaction answer's data). It runs
// once the schema holds, so the fields have their types. The code is our
// inference; Discord documents the limit, not its error.
func (c *checker) embedSize(v any, path []string) {
	switch v := v.(type) {
	case []any:
		for i, x := range v {
			c.embedSize(x, append(path, strconv.Itoa(i)))
		}
	case map[string]any:
		for _, k := range sortedKeys(v) {
			if list, ok := v[k].([]any); ok && k == "embeds" {
				n := 0
				for _, e := range list {
					n += embedText(e)
				}
				if n > maxEmbedText {
					c.fail(append(path, k), "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of %d", maxEmbedText)
				}
				continue
			}
			c.embedSize(v[k], append(path, k))
		}
	}
}

// embedText counts the characters Discord counts in one embed: title,
// description, field names and values, footer text and author name.
func embedText(e any) int {
	m, _ := e.(map[string]any)
	text := func(v any, key string) int {
		o, _ := v.(map[string]any)
		s, _ := o[key].(string)
		return utf8.RuneCountInString(s)
	}
	n := text(m, "title") + text(m, "description") + text(m["footer"], "text") + text(m["author"], "name")
	fields, _ := m["fields"].([]any)
	for _, f := range fields {
		n += text(f, "name") + text(f, "value")
	}
	return n
}

// union checks v against oneOf/anyOf branches: valid when one branch
// accepts it. When every branch refuses the same discriminator (a
// property with fixed values, such as a component's "type"), the answer
// names every value it takes, as Discord's does. Otherwise the errors of
// the branch that came closest are reported, a branch whose discriminator
// does not match counting as far.
func (c *checker) union(branches []int32, v any, path []string, item bool) any {
	var best []fieldError
	bestScore := -1
	disc, choices, all := "", []string(nil), true
	for _, b := range branches {
		sub := checker{lenient: c.lenient}
		read := sub.check(b, v, path, item)
		if len(sub.errs) == 0 {
			return read // as the branch that takes it reads it
		}
		score, found := len(sub.errs), false
		for _, e := range sub.errs {
			if e.choices != nil && len(e.Path) == len(path)+1 {
				score += 1000
				found = found || disc == "" || disc == e.Path[len(path)]
				disc = e.Path[len(path)]
				choices = append(choices, e.choices...)
			}
		}
		all = all && found
		if bestScore < 0 || score < bestScore {
			best, bestScore = sub.errs, score
		}
	}
	if all && disc != "" {
		slices.SortFunc(choices, func(a, b string) int {
			x, errA := strconv.ParseFloat(a, 64)
			y, errB := strconv.ParseFloat(b, 64)
			if errA == nil && errB == nil {
				return cmp.Compare(x, y)
			}
			return strings.Compare(a, b)
		})
		c.choice(append(path, disc), slices.Compact(choices))
		return v
	}
	c.errs = append(c.errs, best...)
	return v
}

// choice reports a value outside its allowed set.
func (c *checker) choice(path []string, allowed []string) {
	c.errs = append(c.errs, fieldError{Path: slices.Clone(path), Code: "BASE_TYPE_CHOICES",
		Message: "Value must be one of {" + strings.Join(allowed, ", ") + "}.", choices: allowed})
}

// patterns caches the spec's regular expressions, compiled once each.
var patterns sync.Map // string -> *regexp.Regexp

func patternOf(expr string) *regexp.Regexp {
	if re, ok := patterns.Load(expr); ok {
		return re.(*regexp.Regexp)
	}
	re := regexp.MustCompile(expr) // genchecks refuses a pattern Go cannot compile
	patterns.Store(expr, re)
	return re
}

func isSnowflake(s string) bool {
	if s == "" || len(s) > 20 || len(s) > 1 && s[0] == '0' {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	_, err := strconv.ParseUint(s, 10, 64)
	return err == nil
}

func sortedKeys(m map[string]any) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}
