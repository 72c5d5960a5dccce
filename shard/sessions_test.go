package shard_test

import (
	"testing"
	"time"

	"github.com/wirecord/wirecord/discordtest"
	"github.com/wirecord/wirecord/gateway"
	"github.com/wirecord/wirecord/shard"
)

// An exported session of another shard count cannot be resumed (it routes
// other guilds): its shard identifies afresh, and the user is told with a
// SessionRestarted before that shard's Ready, never silently.
func TestExportedSessionOfAnotherShardCountIsAnnounced(t *testing.T) {
	s := fastFake(t, discordtest.WithShards(2), discordtest.WithMaxConcurrency(2))
	cfg := fastConfig(s)
	cfg.ShardCount = 1
	a := newManager(t, cfg)
	ctx := within(t, 30*time.Second)
	startReady(t, ctx, a)
	if err := a.Close(ctx, gateway.CloseKeepSession); err != nil {
		t.Fatal(err)
	}
	sessions := a.Sessions()
	if len(sessions) != 1 {
		t.Fatalf("sessions %v", sessions)
	}
	cfg.ShardCount = 2
	cfg.Sessions = sessions
	b := newManager(t, cfg)
	cb := newCollector(b)
	startReady(t, ctx, b)
	if err := cb.waitUntil(ctx, "SessionRestarted", func() bool {
		for _, ev := range cb.events {
			if _, ok := ev.(*shard.SessionRestarted); ok {
				return true
			}
		}
		return false
	}); err != nil {
		t.Fatal(err)
	}
	cb.mu.Lock()
	defer cb.mu.Unlock()
	var restarted []*shard.SessionRestarted
	for _, ev := range cb.events {
		if ev.Shard() != 0 {
			continue
		}
		switch ev := ev.(type) {
		case *shard.SessionRestarted:
			restarted = append(restarted, ev)
		case *shard.Ready:
			if len(restarted) == 0 {
				t.Error("shard 0's Ready came before the SessionRestarted")
			}
		}
	}
	if len(restarted) != 1 {
		t.Fatalf("%d SessionRestarted for shard 0, want 1", len(restarted))
	}
	if r := restarted[0]; r.Previous.ID != sessions[0].ID || r.Previous.ShardCount != 1 || r.MissedAfter != sessions[0].Seq {
		t.Errorf("SessionRestarted %+v, want the exported session %+v", r, sessions[0])
	}
}
