package main

import (
	"context"
	"encoding/json"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/wirecord/wirecord/discord"
	"github.com/wirecord/wirecord/discordtest"
)

func TestSlashcommandRegistersRollAndAnswersWithAnEmbed(t *testing.T) {
	s := discordtest.NewServer(discordtest.WithGuilds(1, 1))
	defer s.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	env := map[string]string{"DISCORD_TOKEN": s.Token, "DISCORD_API": s.APIURL}
	done := make(chan error, 1)
	go func() { done <- run(ctx, func(k string) string { return env[k] }, io.Discard) }()

	// The command is registered with PUT /applications/{id}/commands; the
	// fake checks the body against Discord's schema, so a bad command
	// would be refused with 50035.
	app, _ := s.Application()
	registered := func(r discordtest.Record) bool {
		return r.Kind == discordtest.KindREST && strings.Contains(r.Detail, "PUT /api/v10/applications/"+app.String()+"/commands -> 200")
	}
	if _, err := s.Wait(ctx, registered); err != nil {
		t.Fatalf("the command was never registered: %v", err)
	}
	for _, v := range s.Violations() {
		t.Errorf("violation: %+v", v)
	}

	g := s.Guilds()[0]
	it, err := s.Interact(s.Channels(g.ID)[0].ID, s.Members(g.ID)[1].User.ID, "roll")
	if err != nil {
		t.Fatal(err)
	}
	var resp *discord.InteractionResponse
	if _, err := s.Wait(ctx, func(discordtest.Record) bool {
		resp, _ = s.InteractionResponse(it.ID)
		return resp != nil
	}); err != nil {
		t.Fatalf("no answer to the interaction: %v", err)
	}
	if resp.Type != discord.InteractionResponseChannelMessageWithSource || resp.Data == nil || len(resp.Data.Embeds) != 1 {
		b, _ := json.Marshal(resp)
		t.Fatalf("answer %s, want one embed in a channel message", b)
	}
	e := resp.Data.Embeds[0]
	if !strings.HasPrefix(e.Title, "🎲 ") || !strings.Contains(e.Description, "6-sided") {
		t.Errorf("embed %q / %q", e.Title, e.Description)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("run: %v", err)
	}
}
