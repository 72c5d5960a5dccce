package shard_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wirecord/wirecord/discord"
	"github.com/wirecord/wirecord/discordtest"
	"github.com/wirecord/wirecord/shard"
)

// A handler that holds the event queue when the connection drops must not
// keep the new connection from reading its 101 and Hello: the shard
// resumes on its second connection, however long the handler takes.
func TestSlowHandlerAfterADropResumesOnTheFirstRedial(t *testing.T) {
	s := fastFake(t)
	cfg := fastConfig(s)
	cfg.EventBuffer = 1
	cfg.Gateway.HandshakeTimeout = 300 * time.Millisecond
	m := newManager(t, cfg)
	release := make(chan struct{})
	blocked := make(chan struct{})
	var once sync.Once
	shard.On(m, func(ctx context.Context, e *discord.MessageCreate) {
		once.Do(func() { close(blocked); <-release })
	})
	c := newCollector(m)
	ctx := within(t, 30*time.Second)
	startReady(t, ctx, m)
	ids := say(t, s, "before", 5)
	<-blocked
	s.ConnForShard(0).Drop()
	// The shard finds the drop at a heartbeat, dials again and must resume
	// while the handler still holds the queue.
	wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	_, err := s.Wait(wctx, func(r discordtest.Record) bool {
		return r.Kind == discordtest.KindResumed && strings.HasPrefix(r.Detail, "session=")
	})
	cancel()
	close(release)
	if err != nil {
		t.Fatalf("no resume while the handler held the queue: %v (%d connections)", err, len(s.AllConns()))
	}
	if err := c.waitMessages(ctx, ids); err != nil {
		t.Fatal(err)
	}
	c.exactlyOnce(t)
	if n := len(s.AllConns()); n != 2 {
		t.Errorf("%d connections for one drop, want 2", n)
	}
}
