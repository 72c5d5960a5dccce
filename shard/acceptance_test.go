package shard_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/wirecord/wirecord/discord"
	"github.com/wirecord/wirecord/gateway"
	"github.com/wirecord/wirecord/shard"
)

// The acceptance run of issue 12: a rescale 4 -> 8 -> 3 under steady
// chatter and reactions, with a handler slower than the traffic: every
// message and every reaction is delivered exactly once, GUILD_CREATE once
// per guild, no new shard holds more than HandoffBuffer dispatches, and no
// goroutine outlives Close.
func TestRescaleFourEightThreeUnderChatterDeliversEverythingOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("a few seconds of traffic across two rescales")
	}
	for _, hc := range []int{1, 4} {
		t.Run(fmt.Sprintf("HandlerConcurrency %d", hc), func(t *testing.T) {
			before, _ := shardGoroutines()
			const guilds, handoffBuffer = 24, 16
			s, cfg := rescaleFake(t, 4, guilds)
			cfg.HandlerConcurrency = hc
			cfg.HandoffBuffer = handoffBuffer
			m := newManager(t, cfg)
			// Slower than the traffic: 200 messages/s over at most 8
			// shards, 25 ms each.
			shard.On(m, func(ctx context.Context, e *discord.MessageCreate) { time.Sleep(25 * time.Millisecond) })
			c := newCollector(m)
			tl := newTally(m)
			ctx := within(t, 120*time.Second)
			startReady(t, ctx, m)
			if err := tl.waitUntil(ctx, "every GUILD_CREATE", func() bool { return len(tl.guildCreates) == guilds }); err != nil {
				t.Fatal(err)
			}
			// A message per guild for reactions to land on.
			targets := map[discord.GuildID]discord.MessageID{}
			for _, g := range s.Guilds() {
				targets[g.ID] = sayIn(t, s, g.ID, "react here", 1)[0]
			}
			if err := c.waitMessages(ctx, mapValues(targets)); err != nil {
				t.Fatal(err)
			}

			stopChatter := s.StartChatter(200)
			var sentMu sync.Mutex
			sent := map[string]int{}
			stopReact := make(chan struct{})
			reacted := make(chan struct{})
			go func() {
				defer close(reacted)
				on := map[string]bool{}
				tick := time.NewTicker(5 * time.Millisecond)
				defer tick.Stop()
				for i := 0; ; i++ {
					select {
					case <-stopReact:
						return
					case <-tick.C:
					}
					g := s.Guilds()[i%guilds].ID
					msg, user := targets[g], s.Members(g)[1].User.ID
					ch := s.Channels(g)[0].ID
					emoji := []string{"👍", "🎉", "👀"}[i/guilds%3]
					reaction := fmt.Sprintf("%v %v %s", msg, user, emoji)
					var err error
					k := "ADD " + reaction
					if on[reaction] {
						err, k = s.Unreact(ch, msg, user, emoji), "REMOVE "+reaction
					} else {
						err = s.React(ch, msg, user, emoji)
					}
					if err != nil {
						t.Error(err)
						return
					}
					on[reaction] = !on[reaction]
					sentMu.Lock()
					sent[k]++
					sentMu.Unlock()
				}
			}()
			progress := func(what string, n int) {
				t.Helper()
				c.mu.Lock()
				seen := len(c.messages)
				c.mu.Unlock()
				if err := c.waitUntil(ctx, what, func() bool { return len(c.messages) >= seen+n }); err != nil {
					t.Fatal(err)
				}
			}
			progress("traffic on 4 shards", 20)
			if err := m.Rescale(ctx, 8); err != nil {
				t.Fatal(err)
			}
			progress("traffic on 8 shards", 20)
			if err := m.Rescale(ctx, 3); err != nil {
				t.Fatal(err)
			}
			progress("traffic on 3 shards", 20)
			stopChatter()
			close(stopReact)
			<-reacted

			// Everything said, and one message per guild after it.
			var all []discord.MessageID
			for _, g := range s.Guilds() {
				for _, ch := range s.Channels(g.ID) {
					for _, msg := range s.Messages(ch.ID) {
						all = append(all, msg.ID)
					}
				}
			}
			all = append(all, sayEverywhere(t, s, "the end")...)
			if err := c.waitMessages(ctx, all); err != nil {
				c.mu.Lock()
				missing := 0
				for _, id := range all {
					if c.messages[id] == 0 {
						missing++
					}
				}
				c.mu.Unlock()
				t.Fatalf("%v (%d of %d messages never delivered)", err, missing, len(all))
			}
			if m.ShardCount() != 3 {
				t.Errorf("shard count %d, want 3", m.ShardCount())
			}
			c.messagesOnce(t)
			// With HandlerConcurrency > 1 a reaction's handler may still
			// run when the last message is in: wait for the count, then
			// compare each one.
			sentMu.Lock()
			reactions := 0
			for _, n := range sent {
				reactions += n
			}
			if err := tl.waitUntil(ctx, "every reaction", func() bool {
				got := 0
				for _, n := range tl.reactions {
					got += n
				}
				return got >= reactions
			}); err != nil {
				t.Error(err)
			}
			tl.mu.Lock()
			for k, n := range sent {
				if got := tl.reactions[k]; got != n {
					t.Errorf("%s: delivered %d times, sent %d", k, got, n)
				}
			}
			for k, n := range tl.reactions {
				if sent[k] == 0 {
					t.Errorf("%s: delivered %d times, never sent", k, n)
				}
			}
			for _, g := range s.Guilds() {
				if n := tl.guildCreates[g.ID]; n != 1 {
					t.Errorf("guild %v: %d GUILD_CREATEs, want 1", g.ID, n)
				}
			}
			sentMu.Unlock()
			tl.mu.Unlock()
			st := m.Stats()
			if st.HandoffHeldMax > handoffBuffer {
				t.Errorf("a new shard held %d dispatches, over HandoffBuffer %d", st.HandoffHeldMax, handoffBuffer)
			}
			if st.HandoffUnrecorded != 0 || st.Rescales != 2 {
				t.Errorf("stats %+v", st)
			}
			t.Logf("%d messages, %d reactions; %+v", len(all), reactions, st)
			if v := s.Violations(); len(v) != 0 {
				t.Errorf("violations %v", v)
			}
			cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			defer cancel()
			if err := m.Close(cctx, gateway.CloseEndSession); err != nil {
				t.Fatal(err)
			}
			checkNoLeak(t, before)
		})
	}
}

func mapValues[K comparable, V any](m map[K]V) []V {
	var out []V
	for _, v := range m {
		out = append(out, v)
	}
	return out
}
