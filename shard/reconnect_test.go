package shard_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wirecord/wirecord/discord"
	"github.com/wirecord/wirecord/discordtest"
	"github.com/wirecord/wirecord/gateway"
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

// Close(CloseEndSession) while a shard is on its way to resume (here,
// between a drop and the redial) resumes the session and then ends it
// with 1000: Discord ends a session only on a 1000 or 1001, so forgetting
// it would leave the bot online until Discord times it out.
func TestEndSessionDuringAReconnectResumesThenClosesWith1000(t *testing.T) {
	s := fastFake(t)
	sh, err := shard.New(shard.Config{Gateway: gateway.Config{URL: s.GatewayURL, Token: discord.NewToken(s.Token),
		Intents: discord.IntentGuilds, BackoffMin: 100 * time.Millisecond, BackoffMax: 200 * time.Millisecond,
		SendLimit: 1000, SendWindow: time.Minute}, Logger: testLogger()})
	if err != nil {
		t.Fatal(err)
	}
	ctx := within(t, 20*time.Second)
	ran := make(chan error, 1)
	go func() { ran <- sh.Run(ctx) }()
	closed := make(chan error, 1)
	for ev := range sh.Events() {
		switch ev := ev.(type) {
		case *shard.Ready:
			s.ConnForShard(0).Drop()
		case *shard.Reconnecting:
			go func() { closed <- sh.Close(ctx, gateway.CloseEndSession) }()
		case *shard.Stopped:
			if ev.Err != nil {
				t.Errorf("stopped with %v", ev.Err)
			}
		}
	}
	if err := <-ran; err != nil {
		t.Fatalf("Run = %v", err)
	}
	if err := <-closed; err != nil {
		t.Fatalf("Close = %v", err)
	}
	conns := s.AllConns()
	if len(conns) != 2 {
		t.Fatalf("%d connections, want 2 (the dropped one and the resume)", len(conns))
	}
	if _, err := s.WaitKind(ctx, discordtest.KindResumed, 1); err != nil {
		t.Fatalf("no RESUME: %v", err)
	}
	last := conns[len(conns)-1]
	<-last.Done()
	if _, recv := last.CloseCodes(); recv != 1000 {
		t.Errorf("the resumed connection was closed with %d, want 1000", recv)
	}
	if n := len(s.Identifies()); n != 1 {
		t.Errorf("%d IDENTIFYs, want 1: ending a session must not start another", n)
	}
}
