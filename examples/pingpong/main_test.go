package main

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/wirecord/wirecord/discordtest"
)

func TestPingpongAnswersPingAgainstTheFake(t *testing.T) {
	s := discordtest.NewServer(discordtest.WithGuilds(1, 1))
	defer s.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	env := map[string]string{"DISCORD_TOKEN": s.Token, "DISCORD_API": s.APIURL}
	done := make(chan error, 1)
	go func() { done <- run(ctx, func(k string) string { return env[k] }, io.Discard) }()
	if _, err := s.WaitKind(ctx, discordtest.KindIdentified, 1); err != nil {
		t.Fatal(err)
	}
	g := s.Guilds()[0]
	ch := s.Channels(g.ID)[0]
	s.Say(ch.ID, s.Members(g.ID)[1].User.ID, "ping")
	_, bot := s.Application()
	// The bot's answer is a message the server records.
	if _, err := s.Wait(ctx, func(r discordtest.Record) bool {
		return r.Kind == discordtest.KindMessage && contains(r.Detail, "author="+bot.Username) && contains(r.Detail, `"pong"`)
	}); err != nil {
		t.Fatal(err)
	}
	msgs := s.Messages(ch.ID)
	if last := msgs[len(msgs)-1]; last.Content != "pong" || last.Author.ID != bot.ID {
		t.Errorf("last message %q by %v", last.Content, last.Author.ID)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("run: %v", err)
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
