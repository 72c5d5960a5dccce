package shard_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/wirecord/wirecord/discord"
	"github.com/wirecord/wirecord/discordtest"
	"github.com/wirecord/wirecord/gateway"
	"github.com/wirecord/wirecord/shard"
)

// returnSlack is how long after its ctx ends a blocking call may take to
// return: scheduling on a loaded machine under -race, not waiting. Calls
// measure 0.1 to 2 ms; 75 ms was seen once on two cores with two busy
// loops beside. What it must catch is a call that waits on something
// else than its ctx: seconds, in issue 12.
const returnSlack = 200 * time.Millisecond

// Every call that blocks returns within moments of its ctx ending, with
// the ctx's error, wherever it waits: on REST, on the identify queue, on
// a shard coming up, on a handler, on another Rescale, on an event.
func TestEveryBlockingCallReturnsSoonAfterItsContextEnds(t *testing.T) {
	// slowREST: every REST answer is held longer than any ctx here.
	slowREST := func(t *testing.T) (*discordtest.Server, shard.ManagerConfig) {
		return rescaleFake(t, 1, 2, discordtest.WithAnswerDelay(time.Second))
	}
	// running: a Manager of one shard, ready, that needs no REST.
	running := func(t *testing.T, s *discordtest.Server, cfg shard.ManagerConfig) *shard.Manager {
		cfg.ShardCount, cfg.Gateway.URL = 1, s.GatewayURL
		m := newManager(t, cfg)
		startReady(t, within(t, 20*time.Second), m)
		return m
	}
	// slowQueue: one key, a minute between IDENTIFYs.
	slowQueue := func(t *testing.T) (*discordtest.Server, shard.ManagerConfig) {
		s, cfg := rescaleFake(t, 1, 2)
		cfg.Queue = shard.NewLocalQueue(1, shard.WithInterval(time.Minute))
		return s, cfg
	}
	for _, tc := range []struct {
		name string
		// setup returns the call, blocked until its ctx ends.
		setup func(t *testing.T) func(ctx context.Context) error
	}{
		{"Manager.Start waiting for GET /gateway/bot", func(t *testing.T) func(context.Context) error {
			_, cfg := slowREST(t)
			m := newManager(t, cfg)
			t.Cleanup(func() { m.Close(context.Background(), 0) })
			return m.Start
		}},
		{"Manager.Run waiting for GET /gateway/bot", func(t *testing.T) func(context.Context) error {
			_, cfg := slowREST(t)
			m := newManager(t, cfg)
			t.Cleanup(func() { m.Close(context.Background(), 0) })
			return m.Run
		}},
		{"Manager.Rescale(0) waiting for GET /gateway/bot", func(t *testing.T) func(context.Context) error {
			s, cfg := slowREST(t)
			m := running(t, s, cfg)
			return func(ctx context.Context) error { return m.Rescale(ctx, 0) }
		}},
		{"Manager.Rescale with its new shard in the identify queue", func(t *testing.T) func(context.Context) error {
			s, cfg := slowQueue(t)
			m := running(t, s, cfg)
			return func(ctx context.Context) error { return m.Rescale(ctx, 2) }
		}},
		{"Manager.Rescale waiting for another Rescale", func(t *testing.T) func(context.Context) error {
			s, cfg := slowQueue(t)
			m := running(t, s, cfg)
			first, cancel := context.WithCancel(context.Background())
			t.Cleanup(cancel)
			go m.Rescale(first, 2)
			if _, err := s.WaitKind(within(t, 10*time.Second), discordtest.KindConnected, 2); err != nil {
				t.Fatal(err)
			}
			return func(ctx context.Context) error { return m.Rescale(ctx, 3) }
		}},
		{"Manager.Rescale while an old handler holds its shard", func(t *testing.T) func(context.Context) error {
			s, cfg := rescaleFake(t, 1, 2)
			h := newHold()
			cfg.ShardCount, cfg.Gateway.URL = 1, s.GatewayURL
			m := newManager(t, cfg)
			shard.On(m, func(ctx context.Context, e *discord.MessageCreate) {
				if e.Content == "hold 0" {
					<-h.release // ignores its ctx: the switch must not wait for it past Rescale's
				}
			})
			startReady(t, within(t, 20*time.Second), m)
			t.Cleanup(func() { close(h.release) }) // before startReady's Close: cleanups run last first
			say(t, s, "hold", 1)
			return func(ctx context.Context) error { return m.Rescale(ctx, 2) }
		}},
		{"Manager.WaitReady with a shard in the identify queue", func(t *testing.T) func(context.Context) error {
			s, cfg := slowQueue(t)
			cfg.ShardCount, cfg.Gateway.URL = 2, s.GatewayURL
			m := newManager(t, cfg)
			if err := m.Start(within(t, 10*time.Second)); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { m.Close(context.Background(), 0) })
			return m.WaitReady
		}},
		{"Manager.WaitFor an event that never comes", func(t *testing.T) func(context.Context) error {
			s, cfg := rescaleFake(t, 1, 2)
			m := running(t, s, cfg)
			return func(ctx context.Context) error {
				_, err := m.WaitFor(ctx, func(shard.Event) bool { return false })
				return err
			}
		}},
		{"typed WaitFor an event that never comes", func(t *testing.T) func(context.Context) error {
			s, cfg := rescaleFake(t, 1, 2)
			m := running(t, s, cfg)
			return func(ctx context.Context) error {
				_, err := shard.WaitFor(ctx, m, func(*discord.MessageCreate) bool { return false })
				return err
			}
		}},
		{"Manager.Close with a handler that ignores its ctx", func(t *testing.T) func(context.Context) error {
			s, cfg := rescaleFake(t, 1, 2)
			release := make(chan struct{})
			entered := make(chan struct{})
			cfg.ShardCount, cfg.Gateway.URL = 1, s.GatewayURL
			m := newManager(t, cfg)
			shard.On(m, func(ctx context.Context, e *discord.MessageCreate) {
				close(entered)
				<-release
			})
			startReady(t, within(t, 20*time.Second), m)
			t.Cleanup(func() { close(release) }) // before startReady's Close: cleanups run last first
			say(t, s, "hold", 1)
			<-entered
			return func(ctx context.Context) error { return m.Close(ctx, gateway.CloseEndSession) }
		}},
		{"Shard.Close while nobody drains Events", func(t *testing.T) func(context.Context) error {
			s := fastFake(t)
			sh, err := shard.New(shard.Config{Gateway: gateway.Config{URL: s.GatewayURL, Token: discord.NewToken(s.Token),
				Intents: discord.IntentGuilds}, EventBuffer: 1, Logger: testLogger()})
			if err != nil {
				t.Fatal(err)
			}
			go sh.Run(context.Background())
			t.Cleanup(func() {
				for range sh.Events() {
				}
			})
			// READY makes two events (Ready and its dispatch): the queue
			// of one is full. Polling a gauge, bounded: nothing else says.
			for deadline := time.Now().Add(10 * time.Second); sh.QueueDepth() < 2; {
				if time.Now().After(deadline) {
					t.Fatalf("queue depth %d, want the queue full", sh.QueueDepth())
				}
				time.Sleep(5 * time.Millisecond)
			}
			return func(ctx context.Context) error { return sh.Close(ctx, gateway.CloseEndSession) }
		}},
		{"Shard.Send before the shard runs", func(t *testing.T) func(context.Context) error {
			sh, err := shard.New(shard.Config{Gateway: gateway.Config{URL: "wss://gateway.discord.gg", Token: discord.NewToken("t")}})
			if err != nil {
				t.Fatal(err)
			}
			return func(ctx context.Context) error {
				return sh.UpdatePresence(ctx, discord.UpdatePresence{Status: "online"})
			}
		}},
		{"LocalQueue.Wait for a key spent a minute ago", func(t *testing.T) func(context.Context) error {
			q := shard.NewLocalQueue(1, shard.WithInterval(time.Minute))
			if err := q.Wait(within(t, time.Second), 0); err != nil {
				t.Fatal(err)
			}
			return func(ctx context.Context) error { return q.Wait(ctx, 1) }
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			call := tc.setup(t)
			const blockFor = 150 * time.Millisecond
			ctx, cancel := context.WithTimeout(context.Background(), blockFor)
			defer cancel()
			deadline, _ := ctx.Deadline()
			err := call(ctx)
			late := time.Since(deadline)
			if !errors.Is(err, context.DeadlineExceeded) {
				if late < 0 {
					t.Fatalf("returned %v before its ctx ended, with %v: the row does not block", -late, err)
				}
				t.Errorf("returned %v, want the ctx's error", err)
			}
			if late > returnSlack {
				t.Errorf("returned %v after its ctx ended, want at most %v", late, returnSlack)
			}
			t.Logf("returned %v after its ctx ended", late.Round(time.Microsecond))
		})
	}
}
