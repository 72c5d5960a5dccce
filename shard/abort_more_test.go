package shard_test

import (
	"context"
	"testing"
	"time"

	"github.com/wirecord/wirecord/discord"
	"github.com/wirecord/wirecord/gateway"
	"github.com/wirecord/wirecord/shard"
)

// blockQueue never grants an IDENTIFY: Wait returns only when its
// context ends, and says so on cancelled.
type blockQueue struct {
	waiting   chan struct{} // closed when Wait is first called
	cancelled chan struct{} // closed when a Wait's context ended
}

func (q *blockQueue) Wait(ctx context.Context, shardID int) error {
	select {
	case <-q.waiting:
	default:
		close(q.waiting)
	}
	<-ctx.Done()
	select {
	case <-q.cancelled:
	default:
		close(q.cancelled)
	}
	return ctx.Err()
}

// Abort stops a shard at once wherever it is: before Run, or waiting for
// its IDENTIFY permit (the queue's wait is given up, no IDENTIFY goes
// out). Run returns nil, and no connection is left open at the fake.
func TestAbortBeforeRunAndWhileWaitingForTheIdentifyPermitStopsAtOnce(t *testing.T) {
	for _, tc := range []struct {
		name      string
		beforeRun bool
	}{
		{name: "before Run", beforeRun: true},
		{name: "waiting for the identify permit"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := fastFake(t)
			q := &blockQueue{waiting: make(chan struct{}), cancelled: make(chan struct{})}
			cfg := shard.Config{Gateway: gateway.Config{URL: s.GatewayURL, Token: discord.NewToken(s.Token),
				Intents: discord.IntentGuilds, CloseTimeout: time.Hour}, Queue: q, Logger: testLogger()}
			sh, err := shard.New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			ctx := within(t, 20*time.Second)
			if tc.beforeRun {
				sh.Abort()
			}
			go sh.Run(ctx)
			if !tc.beforeRun {
				select {
				case <-q.waiting:
				case <-ctx.Done():
					t.Fatal("the shard never asked for an identify permit")
				}
				sh.Abort()
				select {
				case <-q.cancelled:
				case <-ctx.Done():
					t.Fatal("the identify wait was not given up after Abort")
				}
			}
			for range sh.Events() {
			}
			select {
			case <-sh.Done():
			case <-ctx.Done():
				t.Fatal("Run did not return after Abort")
			}
			if err := sh.Err(); err != nil {
				t.Errorf("Err = %v after Abort, want nil", err)
			}
			if n := len(s.Identifies()); n != 0 {
				t.Errorf("%d IDENTIFYs after Abort, want none", n)
			}
			if n := len(s.AllConns()); tc.beforeRun && n != 0 {
				t.Errorf("%d connections after an Abort before Run, want none", n)
			}
			for _, c := range s.AllConns() {
				select {
				case <-c.Done():
				case <-ctx.Done():
					t.Fatalf("connection %d still open after Abort", c.ID())
				}
			}
			if err := sh.UpdatePresence(ctx, discord.UpdatePresence{Status: discord.StatusOnline}); err == nil {
				t.Error("a command after Abort succeeded, want an error")
			}
		})
	}
}
