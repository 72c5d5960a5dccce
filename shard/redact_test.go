package shard_test

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/wirecord/wirecord/discord"
	"github.com/wirecord/wirecord/gateway"
	"github.com/wirecord/wirecord/rest"
	"github.com/wirecord/wirecord/shard"
)

// TestNothingHoldingATokenPrintsIt prints and logs every exported value
// that holds the bot token, alone and inside a user's struct (exported and
// unexported fields, where fmt cannot call their methods), with every fmt
// verb and both slog handlers, and finds no token (DESIGN.md, "Secrets stay
// secret").
func TestNothingHoldingATokenPrintsIt(t *testing.T) {
	const secret = "MTIz.hostile-printing-token.XYZ"
	tok := discord.NewToken(secret)
	restc := rest.New(secret)
	gc := gateway.Config{Token: tok, URL: "wss://gateway.discord.gg/", Intents: discord.IntentGuilds, ShardCount: 2}
	eng, err := gateway.New(gc)
	if err != nil {
		t.Fatal(err)
	}
	sc := shard.Config{Gateway: gc}
	sh, err := shard.New(sc)
	if err != nil {
		t.Fatal(err)
	}
	mc := shard.ManagerConfig{Token: tok, Intents: discord.IntentGuilds, ShardCount: 2, Gateway: gc, REST: restc}
	mgr, err := shard.NewManager(mc)
	if err != nil {
		t.Fatal(err)
	}
	id := discord.Identify{Token: tok, Intents: discord.IntentGuilds, Shard: &[2]int{0, 2}}
	rs := discord.Resume{Token: tok, SessionID: "s", Seq: 3}

	// A user's bot, holding all of it where fmt cannot call methods.
	type hidden struct {
		restc    *rest.Client
		engine   *gateway.Engine
		gateway  gateway.Config
		shard    *shard.Shard
		shardCfg shard.Config
		manager  *shard.Manager
		mgrCfg   shard.ManagerConfig
		identify discord.Identify
		resume   *discord.Resume
		token    discord.Token
		any      any
	}
	// The same in exported fields, where fmt calls their methods and
	// slog's JSON handler uses encoding/json.
	type shown struct {
		REST     *rest.Client
		Engine   *gateway.Engine
		Gateway  gateway.Config
		Shard    *shard.Shard
		ShardCfg shard.Config
		Manager  *shard.Manager
		MgrCfg   *shard.ManagerConfig
		Token    discord.Token
	}
	h := hidden{restc, eng, gc, sh, sc, mgr, mc, id, &rs, tok, gc}
	values := map[string]any{
		"*rest.Client":    restc,
		"*gateway.Engine": eng, "gateway.Config": gc, "*gateway.Config": &gc,
		"*shard.Shard": sh, "shard.Config": sc, "*shard.Config": &sc,
		"*shard.Manager": mgr, "shard.ManagerConfig": mc, "*shard.ManagerConfig": &mc,
		"discord.Identify": id, "*discord.Identify": &id, "discord.Resume": rs, "*discord.Resume": &rs,
		"discord.Token": tok, "*discord.Token": &tok,
		"user struct, unexported fields": h, "*user struct, unexported fields": &h,
		"user struct, exported fields": shown{restc, eng, gc, sh, sc, mgr, &mc, tok},
		"slice of them":                []any{restc, eng, gc, sh, mgr, mc, id, rs, h},
	}
	leaks := func(out string) bool {
		return strings.Contains(out, secret) || strings.Contains(out, hex.EncodeToString([]byte(secret))) ||
			strings.Contains(strings.ToLower(out), strings.ToLower(fmt.Sprintf("% x", secret)))
	}
	for name, v := range values {
		t.Run(name, func(t *testing.T) {
			for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "% x", "%d"} {
				if out := fmt.Sprintf(verb, v); leaks(out) {
					t.Errorf("fmt %s prints the token: %s", verb, out)
				}
			}
			for _, hname := range []string{"text", "json"} {
				var buf bytes.Buffer
				var handler slog.Handler = slog.NewTextHandler(&buf, nil)
				if hname == "json" {
					handler = slog.NewJSONHandler(&buf, nil)
				}
				slog.New(handler).Info("printing", "value", v, slog.Group("group", "value", v))
				if buf.Len() == 0 || leaks(buf.String()) {
					t.Errorf("slog %s handler logs the token: %s", hname, buf.String())
				}
			}
		})
	}
	// The redaction still says something, and the wire still has the token.
	if s := fmt.Sprint(restc, " ", eng, " ", sh, " ", mgr); !strings.Contains(s, "rest.Client{") ||
		!strings.Contains(s, "state:disconnected") || !strings.Contains(s, "shard.Shard{id:0") || !strings.Contains(s, "GUILDS") {
		t.Errorf("printed as %s", s)
	}
	if tok.Reveal() != secret || !strings.Contains(fmt.Sprint(tok), "[redacted]") {
		t.Errorf("token %q prints as %v", tok.Reveal(), tok)
	}
}
