package shard_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/wirecord/wirecord/discord"
	"github.com/wirecord/wirecord/gateway"
	"github.com/wirecord/wirecord/shard"
)

// A configuration printed or logged by mistake must not carry the token.
func TestConfigsPrintAndLogWithoutTheToken(t *testing.T) {
	const token = "MTIz.secret-bot-token"
	mc := shard.ManagerConfig{Token: discord.NewToken(token), Intents: discord.IntentGuilds, ShardCount: 2,
		Gateway: gateway.Config{Token: discord.NewToken(token), URL: "wss://gateway.example"}}
	sc := shard.Config{Gateway: gateway.Config{Token: discord.NewToken(token), ShardCount: 1}}
	for _, v := range []any{mc, &mc, sc, &sc} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
			if out := fmt.Sprintf(verb, v); strings.Contains(out, token) {
				t.Errorf("%s of %T shows the token: %s", verb, v, out)
			}
		}
		var buf bytes.Buffer
		for _, h := range []slog.Handler{slog.NewTextHandler(&buf, nil), slog.NewJSONHandler(&buf, nil)} {
			slog.New(h).Info("config", "cfg", v)
		}
		if strings.Contains(buf.String(), "!ERROR") || !strings.Contains(buf.String(), "[redacted]") {
			t.Errorf("logging %T does not show a redacted token: %s", v, buf.String())
		}
		if strings.Contains(buf.String(), token) {
			t.Errorf("logging %T shows the token: %s", v, buf.String())
		}
	}
	if s := mc.String(); !strings.Contains(s, "[redacted]") || !strings.Contains(s, "ShardCount:2") {
		t.Errorf("String() = %s", s)
	}
}
