package main

import (
	"context"
	"strings"
	"testing"

	"github.com/wirecord/wirecord/discord"
	"github.com/wirecord/wirecord/discordtest"
)

func TestDMSendsAMessageThroughTheFake(t *testing.T) {
	s := discordtest.NewServer()
	defer s.Close()
	u := s.AddUser("friend")
	env := map[string]string{"DISCORD_TOKEN": s.Token, "DISCORD_API": s.APIURL}
	var out strings.Builder
	if err := run(context.Background(), func(k string) string { return env[k] }, &out, u.ID.String(), "hi there"); err != nil {
		t.Fatal(err)
	}
	var dm discord.ChannelID
	for _, call := range s.RESTCalls() {
		if call.Route == discordtest.RouteCreateMessage && call.Status == 200 {
			parts := strings.Split(call.Path, "/")
			id, _ := discord.ParseSnowflake(parts[4])
			dm = discord.ChannelID(id)
		}
	}
	msgs := s.Messages(dm)
	if len(msgs) != 1 || msgs[0].Content != "hi there" || !strings.Contains(out.String(), "sent message") {
		t.Errorf("messages %+v, output %q", msgs, out.String())
	}
	if err := run(context.Background(), func(k string) string { return env[k] }, &out, "nope", "x"); err == nil {
		t.Error("a bad user id was accepted")
	}
	if err := run(context.Background(), func(string) string { return "" }, &out, u.ID.String(), "x"); err == nil {
		t.Error("ran without a token")
	}
}
