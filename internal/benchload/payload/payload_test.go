package payload

import (
	"bytes"
	"encoding/json"
	"testing"
	"unicode/utf8"

	"github.com/wirecord/wirecord/discord"
)

// TestMessagesAreSeededRealisticAndDecodeIntoOurModels pins the workload:
// the same seed gives the same bytes, every payload is a MESSAGE_CREATE
// that decodes into discord.MessageCreate, and the mix has what real
// traffic has.
func TestMessagesAreSeededRealisticAndDecodeIntoOurModels(t *testing.T) {
	const n = 1000
	var total int
	var replies, embeds, mentions, attachments, nonASCII, members int
	for seq := 2; seq < n+2; seq++ {
		p := MessageCreate(1, seq)
		if !bytes.Equal(p, MessageCreate(1, seq)) {
			t.Fatalf("seq %d: two calls gave different bytes", seq)
		}
		if seq == 2 && bytes.Equal(p, MessageCreate(2, seq)) {
			t.Fatal("seeds 1 and 2 gave the same message")
		}
		var env struct {
			Op int             `json:"op"`
			S  int             `json:"s"`
			T  string          `json:"t"`
			D  json.RawMessage `json:"d"`
		}
		if err := json.Unmarshal(p, &env); err != nil || env.Op != 0 || env.S != seq || env.T != "MESSAGE_CREATE" {
			t.Fatalf("seq %d: envelope %+v, %v:\n%s", seq, env, err, p)
		}
		var m discord.MessageCreate
		if err := json.Unmarshal(env.D, &m); err != nil {
			t.Fatalf("seq %d: does not decode into discord.MessageCreate: %v\n%s", seq, err, env.D)
		}
		if m.ID == 0 || m.ChannelID == 0 || m.Author.ID == 0 || m.GuildID == 0 || m.Content == "" {
			t.Fatalf("seq %d: ids or content missing: %+v", seq, m)
		}
		total += len(p)
		if m.ReferencedMessage != nil && m.ReferencedMessage.Author.ID != 0 {
			replies++
		}
		if len(m.Embeds) > 0 {
			embeds++
		}
		if len(m.Mentions) > 0 && m.Mentions[0].Member != nil {
			mentions++
		}
		if len(m.Attachments) > 0 {
			attachments++
		}
		if m.Member != nil && len(m.Member.Roles) > 0 {
			members++
		}
		for _, r := range m.Content {
			if r >= utf8.RuneSelf {
				nonASCII++
				break
			}
		}
	}
	avg := total / n
	if avg < 1200 || avg > 2000 {
		t.Errorf("average MESSAGE_CREATE is %d bytes, want about 1.5 KiB", avg)
	}
	for name, got := range map[string]int{"replies": replies, "embeds": embeds, "mentions with members": mentions,
		"attachments": attachments, "non-ASCII content": nonASCII, "members with roles": members} {
		if got < n/50 || got == n {
			t.Errorf("%d of %d messages have %s: want some, not all", got, n, name)
		}
	}
}

func TestGuildCreateIsAbout30KBAndDecodes(t *testing.T) {
	p := GuildCreate(1, 2, guildBase)
	if len(p) < 25000 || len(p) > 40000 {
		t.Errorf("GUILD_CREATE is %d bytes, want about 30 KB", len(p))
	}
	var env struct {
		D discord.GuildCreate `json:"d"`
	}
	if err := json.Unmarshal(p, &env); err != nil {
		t.Fatal(err)
	}
	if g := env.D; g.ID != guildBase || len(g.Members) == 0 || len(g.Channels) == 0 || len(g.Roles) == 0 || len(g.Presences) == 0 {
		t.Errorf("guild %v with %d members, %d channels, %d roles, %d presences", g.ID, len(g.Members), len(g.Channels), len(g.Roles), len(g.Presences))
	}
	var r struct {
		D discord.Ready `json:"d"`
	}
	if err := json.Unmarshal(Ready(3, 4, []uint64{guildBase}, "ws://127.0.0.1:1/"), &r); err != nil || r.D.SessionID == "" || len(r.D.Guilds) != 1 {
		t.Errorf("READY: %+v, %v", r.D, err)
	}
}
