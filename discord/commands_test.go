package discord

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"strings"
	"testing"
)

// jsonEquivalent compares two JSON documents by value.
func jsonEquivalent(t *testing.T, got, want []byte) bool {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("got invalid JSON %s: %v", got, err)
	}
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatalf("want invalid JSON %s: %v", want, err)
	}
	return reflect.DeepEqual(g, w)
}

func TestCommandsMarshalToDiscordsDocumentedJSON(t *testing.T) {
	all := ""
	for _, tc := range []struct {
		name string
		cmd  Command
		op   Opcode
		want string
	}{
		// Expected encodings written from PROTOCOL.md's command shapes.
		{"identify with every option", Identify{
			Token:          NewToken("t0k"),
			Properties:     IdentifyProperties{OS: "freebsd", Browser: "wirecord", Device: "wirecord"},
			Compress:       true,
			LargeThreshold: 100,
			Shard:          &[2]int{3, 8},
			Presence: &UpdatePresence{Since: ptr[int64](1718000000000), Status: StatusIdle, AFK: true,
				Activities: []Activity{{Name: "the kiln", Type: ActivityWatching}}},
			Intents: IntentGuilds | IntentGuildMessages | IntentMessageContent,
		}, OpIdentify, `{"token":"t0k","properties":{"os":"freebsd","browser":"wirecord","device":"wirecord"},
			"compress":true,"large_threshold":100,"shard":[3,8],
			"presence":{"since":1718000000000,"activities":[{"name":"the kiln","type":3}],"status":"idle","afk":true},
			"intents":33281}`},
		{"identify minimal (the shape of PROTOCOL.md §5)", Identify{Token: NewToken("a6b1c9d2e7f34088"), Intents: 37377,
			Properties: IdentifyProperties{OS: "openbsd", Browser: "lampbot", Device: "lampbot"}}, OpIdentify,
			`{"token":"a6b1c9d2e7f34088","intents":37377,"properties":{"os":"openbsd","browser":"lampbot","device":"lampbot"}}`},
		{"resume", Resume{Token: NewToken("t0k"), SessionID: "5f1c0e7d2b9a", Seq: 4242}, OpResume,
			`{"token":"t0k","session_id":"5f1c0e7d2b9a","seq":4242}`},
		{"request guild members by query", RequestGuildMembers{GuildID: 1182004418843037706, Query: &all, Limit: 0}, OpRequestGuildMembers,
			`{"guild_id":"1182004418843037706","query":"","limit":0}`},
		{"request guild members by id", RequestGuildMembers{GuildID: 1, UserIDs: []UserID{2, 3}, Presences: true, Nonce: "n"}, OpRequestGuildMembers,
			`{"guild_id":"1","limit":0,"presences":true,"user_ids":["2","3"],"nonce":"n"}`},
		{"request soundboard sounds", RequestSoundboardSounds{GuildIDs: []GuildID{1182004418843037706, 1182004418843037999}}, OpRequestSoundboardSounds,
			`{"guild_ids":["1182004418843037706","1182004418843037999"]}`},
		{"request channel info", RequestChannelInfo{GuildID: 1182004418843037706,
			Fields: []string{ChannelInfoFieldStatus, ChannelInfoFieldVoiceStartTime}}, OpRequestChannelInfo,
			`{"guild_id":"1182004418843037706","fields":["status","voice_start_time"]}`},
		{"update voice state joins a channel", UpdateVoiceState{GuildID: 1182004418843037706, ChannelID: 1182004419300000020, SelfDeaf: true}, OpVoiceStateUpdate,
			`{"guild_id":"1182004418843037706","channel_id":"1182004419300000020","self_mute":false,"self_deaf":true}`},
		{"update voice state with zero channel leaves (null)", UpdateVoiceState{GuildID: 1182004418843037706, SelfMute: true}, OpVoiceStateUpdate,
			`{"guild_id":"1182004418843037706","channel_id":null,"self_mute":true,"self_deaf":false}`},
		{"update presence", UpdatePresence{Since: ptr[int64](1718000000000), Status: StatusDND,
			Activities: []Activity{{Name: "kiln logs", Type: ActivityListening}}}, OpPresenceUpdate,
			`{"since":1718000000000,"activities":[{"name":"kiln logs","type":2}],"status":"dnd","afk":false}`},
		{"update presence without activities sends [] and since null", UpdatePresence{Status: StatusIdle}, OpPresenceUpdate,
			`{"since":null,"activities":[],"status":"idle","afk":false}`},
		{"update presence custom status", UpdatePresence{Status: StatusOnline,
			Activities: []Activity{{Name: "Custom Status", Type: ActivityCustom, State: "fixing bugs"}}}, OpPresenceUpdate,
			`{"since":null,"activities":[{"name":"Custom Status","type":4,"state":"fixing bugs"}],"status":"online","afk":false}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.cmd.Op() != tc.op {
				t.Errorf("op %v, want %v", tc.cmd.Op(), tc.op)
			}
			got, err := json.Marshal(tc.cmd)
			if err != nil {
				t.Fatal(err)
			}
			if !jsonEquivalent(t, got, []byte(tc.want)) {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
			// A pointer is a Command too, and encodes the same.
			ptrCmd := reflect.New(reflect.TypeOf(tc.cmd))
			ptrCmd.Elem().Set(reflect.ValueOf(tc.cmd))
			pc, ok := ptrCmd.Interface().(Command)
			if !ok || pc.Op() != tc.op {
				t.Fatalf("*%T is not a Command", tc.cmd)
			}
			if pj, _ := json.Marshal(pc); !bytes.Equal(pj, got) {
				t.Errorf("pointer encodes as %s", pj)
			}
		})
	}
}

func TestPresenceInsideIdentifyKeepsActivitiesAnArray(t *testing.T) {
	b, err := json.Marshal(Identify{Token: NewToken("t"), Presence: &UpdatePresence{Status: StatusOnline}})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte(`"presence":{"since":null,"activities":[],"status":"online","afk":false}`)) {
		t.Errorf("identify encodes as %s", b)
	}
}

func TestHelloDecodesTheHeartbeatInterval(t *testing.T) {
	var h Hello
	if err := json.Unmarshal([]byte(`{"heartbeat_interval":41250,"_trace":["gateway-prd-1"]}`), &h); err != nil {
		t.Fatal(err)
	}
	if h.HeartbeatInterval != 41250 {
		t.Errorf("interval %d", h.HeartbeatInterval)
	}
}

func TestCommandValidation(t *testing.T) {
	all, prefix := "", "ab"
	ids := func(n int) []UserID {
		out := make([]UserID, n)
		for i := range out {
			out[i] = UserID(i + 1)
		}
		return out
	}
	type validator interface{ Validate() error }
	for _, tc := range []struct {
		rule string
		cmd  validator
		ok   bool
	}{
		{"all members: empty query and limit 0", RequestGuildMembers{GuildID: 1, Query: &all}, true},
		{"prefix query with a limit", RequestGuildMembers{GuildID: 1, Query: &prefix, Limit: 10}, true},
		{"user ids", RequestGuildMembers{GuildID: 1, UserIDs: ids(3), Nonce: "abc"}, true},
		{"100 user ids are allowed", RequestGuildMembers{GuildID: 1, UserIDs: ids(100)}, true},
		{"a 32-byte nonce is allowed", RequestGuildMembers{GuildID: 1, Query: &all, Nonce: strings.Repeat("n", 32)}, true},
		{"guild_id is required", RequestGuildMembers{Query: &all}, false},
		{"query or user_ids is required", RequestGuildMembers{GuildID: 1}, false},
		{"query and user_ids exclude each other", RequestGuildMembers{GuildID: 1, Query: &all, UserIDs: ids(1)}, false},
		{"at most 100 user ids", RequestGuildMembers{GuildID: 1, UserIDs: ids(101)}, false},
		{"nonce at most 32 bytes", RequestGuildMembers{GuildID: 1, Query: &all, Nonce: strings.Repeat("n", 33)}, false},
		{"nonce is counted in bytes, not characters", RequestGuildMembers{GuildID: 1, Query: &all, Nonce: strings.Repeat("é", 17)}, false},
		{"limit is not negative", RequestGuildMembers{GuildID: 1, Query: &all, Limit: -1}, false},
		{"voice state needs a guild", UpdateVoiceState{ChannelID: 5}, false},
		{"leaving voice needs only the guild", UpdateVoiceState{GuildID: 1}, true},
		{"soundboard sounds need a guild", RequestSoundboardSounds{}, false},
		{"soundboard sounds for two guilds", RequestSoundboardSounds{GuildIDs: []GuildID{1, 2}}, true},
		{"channel info needs a guild", RequestChannelInfo{Fields: []string{"status"}}, false},
		{"channel info needs a field", RequestChannelInfo{GuildID: 1}, false},
		{"channel info for status", RequestChannelInfo{GuildID: 1, Fields: []string{"status"}}, true},
	} {
		t.Run(tc.rule, func(t *testing.T) {
			err := tc.cmd.Validate()
			if (err == nil) != tc.ok {
				t.Fatalf("Validate() = %v, want ok=%t", err, tc.ok)
			}
			if err != nil && !errors.Is(err, ErrInvalidCommand) {
				t.Errorf("%v does not wrap ErrInvalidCommand", err)
			}
		})
	}
}

// TestTokensNeverPrintOrLog: a token never appears in a log line, an error
// or a printed value (DESIGN.md, "Secrets stay secret"); only the wire
// encoding carries it.
func TestTokensNeverPrintOrLog(t *testing.T) {
	const secret = "MTIz.secret-bot-token.XYZ"
	id := Identify{Token: NewToken(secret), Properties: IdentifyProperties{OS: "linux", Browser: "wirecord", Device: "wirecord"},
		Shard: &[2]int{1, 4}, Intents: IntentGuilds, Presence: &UpdatePresence{Status: StatusOnline}}
	rs := Resume{Token: NewToken(secret), SessionID: "sess-1", Seq: 42}
	vs := VoiceServerUpdate{Token: secret, GuildID: 1, Endpoint: ptr("voice.example:443")}
	type holder struct {
		Identify Identify
		Resume   *Resume
	}
	// Values logged directly: fmt, and both slog handlers, redact.
	direct := map[string]any{
		"Identify": id, "*Identify": &id, "Resume": rs, "*Resume": &rs,
		"VoiceServerUpdate": vs, "*VoiceServerUpdate": &vs,
	}
	// Values nested in other values: fmt and the text handler (which
	// formats with fmt) redact. slog's JSON handler encodes a nested
	// value with encoding/json, which must write the token for the wire,
	// so callers log commands directly, never inside other structs.
	nested := map[string]any{
		"struct holding them": holder{Identify: id, Resume: &rs},
		"slice of them":       []Command{id, &rs},
	}
	check := func(t *testing.T, v any, handlers []string) {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
			if out := fmt.Sprintf(verb, v); strings.Contains(out, secret) {
				t.Errorf("fmt %s prints the token: %s", verb, out)
			}
		}
		for _, hname := range handlers {
			var buf bytes.Buffer
			var h slog.Handler = slog.NewTextHandler(&buf, nil)
			if hname == "json" {
				h = slog.NewJSONHandler(&buf, nil)
			}
			slog.New(h).Info("sending", "cmd", v)
			if strings.Contains(buf.String(), secret) {
				t.Errorf("slog %s handler logs the token: %s", hname, buf.String())
			}
		}
	}
	for name, v := range direct {
		t.Run(name, func(t *testing.T) { check(t, v, []string{"text", "json"}) })
	}
	for name, v := range nested {
		t.Run(name, func(t *testing.T) { check(t, v, []string{"text"}) })
	}
	// Printing still says something useful.
	if s := fmt.Sprint(id); !strings.Contains(s, "[redacted]") || !strings.Contains(s, "GUILDS") || !strings.Contains(s, "[1 4]") {
		t.Errorf("Identify prints as %s", s)
	}
	if s := fmt.Sprintf("%#v", rs); !strings.Contains(s, "sess-1") || !strings.Contains(s, "42") {
		t.Errorf("Resume prints as %s", s)
	}
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("identify", "cmd", id)
	if !strings.Contains(buf.String(), `"token":"[redacted]"`) || !strings.Contains(buf.String(), `"shard_id":1`) {
		t.Errorf("Identify logs as %s", buf.String())
	}
	// An empty token is told apart, without revealing anything.
	if s := fmt.Sprint(Resume{}); !strings.Contains(s, `Token:""`) {
		t.Errorf("empty token prints as %s", s)
	}
	// The wire encoding carries the token.
	for _, v := range []any{id, rs, vs} {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(b, []byte(`"token":"`+secret+`"`)) {
			t.Errorf("json.Marshal(%T) lacks the token: %s", v, b)
		}
	}
}
