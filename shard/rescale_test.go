package shard_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/wirecord/wirecord/discord"
	"github.com/wirecord/wirecord/discordtest"
	"github.com/wirecord/wirecord/shard"
)

// rescaleFake is a fake Discord with quick identify windows, and a config
// whose queue matches them.
func rescaleFake(t *testing.T, shards, guilds int, opts ...discordtest.Option) (*discordtest.Server, shard.ManagerConfig) {
	t.Helper()
	s := startFake(t, append([]discordtest.Option{discordtest.WithShards(shards), discordtest.WithMaxConcurrency(16),
		discordtest.WithGuilds(guilds, 2), discordtest.WithIdentifyInterval(100 * time.Millisecond),
		discordtest.WithSendLimit(1000, time.Minute)}, opts...)...)
	cfg := managerConfig(s)
	cfg.Intents |= discord.IntentGuildMessageReactions
	cfg.Queue = shard.NewLocalQueue(16, shard.WithInterval(150*time.Millisecond))
	return s, cfg
}

// tally counts the dispatches user code saw, by what they are about.
type tally struct {
	mu           sync.Mutex
	guildCreates map[discord.GuildID]int
	reactions    map[string]int // "ADD 👍" or "REMOVE 👍" of one message and user
	changed      chan struct{}
}

func newTally(m *shard.Manager) *tally {
	c := &tally{guildCreates: map[discord.GuildID]int{}, reactions: map[string]int{}, changed: make(chan struct{})}
	m.OnDispatch("", func(ctx context.Context, d *shard.Dispatch) {
		var f struct {
			ID        discord.GuildID   `json:"id"`
			MessageID discord.MessageID `json:"message_id"`
			UserID    discord.UserID    `json:"user_id"`
			Emoji     struct{ Name string }
		}
		json.Unmarshal(d.Data, &f)
		c.mu.Lock()
		switch d.Name {
		case discord.EventGuildCreate:
			c.guildCreates[f.ID]++
		case discord.EventMessageReactionAdd:
			c.reactions[fmt.Sprintf("ADD %v %v %s", f.MessageID, f.UserID, f.Emoji.Name)]++
		case discord.EventMessageReactionRemove:
			c.reactions[fmt.Sprintf("REMOVE %v %v %s", f.MessageID, f.UserID, f.Emoji.Name)]++
		}
		close(c.changed)
		c.changed = make(chan struct{})
		c.mu.Unlock()
	})
	return c
}

func (c *tally) waitUntil(ctx context.Context, what string, cond func() bool) error {
	for {
		c.mu.Lock()
		ok, ch := cond(), c.changed
		c.mu.Unlock()
		if ok {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("waiting for %s: %w", what, ctx.Err())
		}
	}
}

// sayIn posts n messages in a guild's first channel.
func sayIn(t *testing.T, s *discordtest.Server, g discord.GuildID, prefix string, n int) []discord.MessageID {
	t.Helper()
	ch := s.Channels(g)[0]
	user := s.Members(g)[1].User.ID
	var ids []discord.MessageID
	for i := 0; i < n; i++ {
		msg, err := s.Say(ch.ID, user, fmt.Sprintf("%s %d", prefix, i))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, msg.ID)
	}
	return ids
}

// sayEverywhere posts one message in every guild, and returns the ids.
func sayEverywhere(t *testing.T, s *discordtest.Server, prefix string) []discord.MessageID {
	t.Helper()
	var ids []discord.MessageID
	for _, g := range s.Guilds() {
		ids = append(ids, sayIn(t, s, g.ID, prefix, 1)...)
	}
	return ids
}

func shardOf(g discord.GuildID, count int) int { return int((uint64(g) >> 22) % uint64(count)) }

// The old set's queued events are delivered at the switch: with a handler
// slower than the traffic, the messages said just before a rescale are in
// the old set's queue, and the new set never had them.
func TestRescaleDeliversWhatTheOldSetStillHeld(t *testing.T) {
	for _, hc := range []int{1, 4} {
		t.Run(fmt.Sprintf("HandlerConcurrency %d", hc), func(t *testing.T) {
			s, cfg := rescaleFake(t, 1, 4)
			cfg.HandlerConcurrency = hc
			m := newManager(t, cfg)
			shard.On(m, func(ctx context.Context, e *discord.MessageCreate) { time.Sleep(20 * time.Millisecond) })
			c := newCollector(m)
			ctx := within(t, 30*time.Second)
			startReady(t, ctx, m)
			ids := say(t, s, "just before", 10)
			if err := m.Rescale(ctx, 2); err != nil {
				t.Fatal(err)
			}
			if err := c.waitMessages(ctx, ids); err != nil {
				t.Fatal(err)
			}
			c.messagesOnce(t)
		})
	}
}

// The new sessions' GUILD_CREATEs restate what the old set reported: they
// are not delivered, also when they come after READY (as Discord's do)
// and after the switch.
func TestRescaleDeliversEachGuildCreateOnce(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(s *discordtest.Server, m *shard.Manager)
	}{
		{"plain", func(*discordtest.Server, *shard.Manager) {}},
		{"slow Ready handler", func(s *discordtest.Server, m *shard.Manager) {
			m.OnEvent(func(ctx context.Context, ev shard.Event) {
				if _, ok := ev.(*shard.Ready); ok {
					time.Sleep(50 * time.Millisecond)
				}
			})
		}},
		{"GUILD_CREATEs held after READY", func(s *discordtest.Server, m *shard.Manager) {
			s.SetGuildCreateDelay(300 * time.Millisecond)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, cfg := rescaleFake(t, 2, 16)
			m := newManager(t, cfg)
			tl := newTally(m)
			c := newCollector(m)
			ctx := within(t, 30*time.Second)
			startReady(t, ctx, m)
			if err := tl.waitUntil(ctx, "every GUILD_CREATE", func() bool { return len(tl.guildCreates) == 16 }); err != nil {
				t.Fatal(err)
			}
			tc.setup(s, m)
			if err := m.Rescale(ctx, 5); err != nil {
				t.Fatal(err)
			}
			// A message in every guild, after its GUILD_CREATE on the new
			// session: once they are in, every GUILD_CREATE is too.
			if err := c.waitMessages(ctx, sayEverywhere(t, s, "after")); err != nil {
				t.Fatal(err)
			}
			tl.mu.Lock()
			defer tl.mu.Unlock()
			for _, g := range s.Guilds() {
				if n := tl.guildCreates[g.ID]; n != 1 {
					t.Errorf("guild %v: %d GUILD_CREATEs delivered, want 1", g.ID, n)
				}
			}
		})
	}
}

// A reaction removed and added again after a rescale is delivered each
// time: whether the first add came before the rescale, during it but
// before the new session of its guild existed (the old set delivered it,
// the new set never had it), or while both sessions were up (both had it:
// delivered once).
func TestRescaleDeliversAReactionRemovedAndAddedAgain(t *testing.T) {
	for _, when := range []string{"before the rescale", "before the new session", "while both sessions are up"} {
		t.Run(when, func(t *testing.T) {
			s, cfg := rescaleFake(t, 1, 8)
			// The new shard 0 shares rate-limit key 0 with the old one and
			// waits its interval; the new shard 1 identifies at once.
			cfg.Queue = shard.NewLocalQueue(16, shard.WithInterval(2*time.Second))
			m := newManager(t, cfg)
			tl := newTally(m)
			c := newCollector(m)
			ctx := within(t, 30*time.Second)
			startReady(t, ctx, m)
			var g discord.GuildID
			for _, gg := range s.Guilds() {
				if shardOf(gg.ID, 2) == 0 {
					g = gg.ID
				}
			}
			ch := s.Channels(g)[0].ID
			user := s.Members(g)[1].User.ID
			msg := sayIn(t, s, g, "react to me", 1)[0]
			if err := c.waitMessages(ctx, []discord.MessageID{msg}); err != nil {
				t.Fatal(err)
			}
			add := fmt.Sprintf("ADD %v %v 👍", msg, user)
			remove := fmt.Sprintf("REMOVE %v %v 👍", msg, user)
			react := func() {
				if err := s.React(ch, msg, user, "👍"); err != nil {
					t.Error(err)
				}
			}
			old := m.Shard(0)
			var once sync.Once
			switch when {
			case "before the rescale":
				react()
				if err := tl.waitUntil(ctx, "the first add", func() bool { return tl.reactions[add] == 1 }); err != nil {
					t.Fatal(err)
				}
			case "before the new session":
				// New shard 1 is ready; new shard 0, the guild's, waits.
				m.OnEvent(func(ctx context.Context, ev shard.Event) {
					sh, _ := shard.FromContext(ctx)
					if _, ok := ev.(*shard.Ready); ok && sh != old && sh.ID() == 1 {
						once.Do(react)
					}
				})
			case "while both sessions are up":
				m.OnEvent(func(ctx context.Context, ev shard.Event) {
					sh, _ := shard.FromContext(ctx)
					if _, ok := ev.(*shard.Ready); ok && sh != old && sh.ID() == 0 {
						once.Do(react)
					}
				})
			}
			if err := m.Rescale(ctx, 2); err != nil {
				t.Fatal(err)
			}
			if err := tl.waitUntil(ctx, "the first add", func() bool { return tl.reactions[add] >= 1 }); err != nil {
				t.Fatal(err)
			}
			if err := s.Unreact(ch, msg, user, "👍"); err != nil {
				t.Fatal(err)
			}
			react()
			// A message after them: once it is in, so are they.
			if err := c.waitMessages(ctx, sayIn(t, s, g, "after", 1)); err != nil {
				t.Fatal(err)
			}
			tl.mu.Lock()
			defer tl.mu.Unlock()
			if tl.reactions[add] != 2 || tl.reactions[remove] != 1 {
				t.Errorf("delivered %d adds and %d removes, want 2 and 1", tl.reactions[add], tl.reactions[remove])
			}
		})
	}
}

// messagesOnce reports messages delivered more than once (exactlyOnce
// without the order checks, for HandlerConcurrency > 1).
func (c *collector) messagesOnce(t *testing.T) {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	for id, n := range c.messages {
		if n != 1 {
			t.Errorf("message %v delivered %d times", id, n)
		}
	}
}

// A new shard holds at most HandoffBuffer dispatches before the switch;
// the rest wait in its queue and at Discord, and reach its pump after the
// switch: those the old set delivered are late duplicates and are not
// delivered again. The GUILD_CREATEs (and so the events behind them) are
// held 300 ms, so that the old set has every message before any new shard
// can be ready: each of the 30 is in the old set's record, 4 of them in
// the new shard's buffer and 26 late.
func TestRescaleHoldsAtMostHandoffBufferAndLeavesOutLateDuplicates(t *testing.T) {
	const buffer, n = 4, 30
	s, cfg := rescaleFake(t, 1, 8)
	cfg.HandoffBuffer = buffer
	m := newManager(t, cfg)
	h := newHold()
	shard.On(m, func(ctx context.Context, e *discord.MessageCreate) {
		if e.Content == "hold 0" {
			h.Wait(ctx)
		}
	})
	c := newCollector(m)
	ctx := within(t, 30*time.Second)
	startReady(t, ctx, m)
	ids := say(t, s, "hold", 1)
	<-h.entered
	s.SetGuildCreateDelay(300 * time.Millisecond)
	rescaled := make(chan error, 1)
	go func() { rescaled <- m.Rescale(ctx, 2) }()
	if _, err := s.WaitKind(ctx, discordtest.KindIdentified, 3); err != nil {
		t.Fatal(err)
	}
	ids = append(ids, say(t, s, "during", n)...)
	// The switch waits for the held handler; meanwhile the new shard
	// fills its buffer. Polling a counter, bounded: nothing else says
	// when the buffer is full.
	for deadline := time.Now().Add(10 * time.Second); m.Stats().HandoffHeldMax < buffer; {
		if time.Now().After(deadline) {
			t.Fatalf("the new shard held %d dispatches and no more, want %d", m.Stats().HandoffHeldMax, buffer)
		}
		time.Sleep(5 * time.Millisecond)
	}
	close(h.release)
	if err := <-rescaled; err != nil {
		t.Fatal(err)
	}
	ids = append(ids, sayEverywhere(t, s, "after")...)
	if err := c.waitMessages(ctx, ids); err != nil {
		t.Fatal(err)
	}
	c.exactlyOnce(t)
	st := m.Stats()
	if st.HandoffHeldMax != buffer {
		t.Errorf("a new shard held at most %d dispatches, want HandoffBuffer (%d) reached and never passed", st.HandoffHeldMax, buffer)
	}
	if st.HandoffDuplicates != n {
		t.Errorf("%d duplicates left out, want %d (%d held, %d late)", st.HandoffDuplicates, n, buffer, n-buffer)
	}
}
