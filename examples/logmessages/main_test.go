package main

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wirecord/wirecord/discordtest"
)

type lockedBuilder struct {
	mu sync.Mutex
	b  strings.Builder
	ch chan struct{}
}

func (l *lockedBuilder) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	n, err := l.b.Write(p)
	select {
	case l.ch <- struct{}{}:
	default:
	}
	return n, err
}

func (l *lockedBuilder) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestLogmessagesLogsEveryMessageAgainstTheFake(t *testing.T) {
	s := discordtest.NewServer(discordtest.WithGuilds(2, 1), discordtest.WithShards(2), discordtest.WithMaxConcurrency(2))
	defer s.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	out := &lockedBuilder{ch: make(chan struct{}, 1)}
	env := map[string]string{"DISCORD_TOKEN": s.Token, "DISCORD_API": s.APIURL}
	done := make(chan error, 1)
	go func() { done <- run(ctx, func(k string) string { return env[k] }, out) }()
	if _, err := s.WaitKind(ctx, discordtest.KindIdentified, 2); err != nil {
		t.Fatal(err)
	}
	var want []string
	for i, g := range s.Guilds() {
		u := s.Members(g.ID)[1].User
		text := []string{"first guild", "second guild"}[i]
		s.Say(s.Channels(g.ID)[0].ID, u.ID, text)
		want = append(want, u.Username+": "+text)
	}
	for {
		got := out.String()
		if strings.Contains(got, want[0]) && strings.Contains(got, want[1]) {
			break
		}
		select {
		case <-out.ch:
		case <-ctx.Done():
			t.Fatalf("logged %q, want %q", got, want)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("run: %v", err)
	}
}
