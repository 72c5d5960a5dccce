package shard_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wirecord/wirecord/discord"
	"github.com/wirecord/wirecord/discordtest"
	"github.com/wirecord/wirecord/gateway"
	"github.com/wirecord/wirecord/rest"
	"github.com/wirecord/wirecord/shard"
)

// testLogger logs to stderr when WIRECORD_TEST_LOG is set, else nowhere.
func testLogger() *slog.Logger {
	if os.Getenv("WIRECORD_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.DiscardHandler)
}

func startFake(t *testing.T, opts ...discordtest.Option) *discordtest.Server {
	t.Helper()
	s := discordtest.NewServer(opts...)
	t.Cleanup(s.Close)
	return s
}

func managerConfig(s *discordtest.Server) shard.ManagerConfig {
	return shard.ManagerConfig{
		Token:   discord.NewToken(s.Token),
		Intents: discord.IntentGuilds | discord.IntentGuildMessages | discord.IntentDirectMessages | discord.IntentMessageContent,
		REST:    rest.New(s.Token, rest.WithBaseURL(s.APIURL)),
		Logger:  testLogger(),
		Gateway: gateway.Config{Compression: gateway.CompressZlib},
	}
}

// newManager is shard.NewManager that fails the test on error.
func newManager(t *testing.T, cfg shard.ManagerConfig) *shard.Manager {
	t.Helper()
	m, err := shard.NewManager(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// startReady starts m, closes it when the test ends (before the fake,
// which was started first), and waits until every shard is ready.
func startReady(t *testing.T, ctx context.Context, m *shard.Manager) {
	t.Helper()
	if err := m.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close(context.Background(), gateway.CloseEndSession) })
	if err := m.WaitReady(ctx); err != nil {
		t.Fatal(err)
	}
}

func within(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// collector records what user code saw, and lets a test wait for a
// condition on it without sleeping.
type collector struct {
	mu       sync.Mutex
	messages map[discord.MessageID]int
	contents []string
	// seqs lists each shard's dispatch sequence numbers, per session.
	seqs     map[*shard.Shard][][]int64
	events   []shard.Event
	changed  chan struct{}
	problems []string
}

func newCollector(m *shard.Manager) *collector {
	c := &collector{messages: map[discord.MessageID]int{}, seqs: map[*shard.Shard][][]int64{}, changed: make(chan struct{})}
	shard.On(m, func(ctx context.Context, e *discord.MessageCreate) {
		c.mu.Lock()
		c.messages[e.ID]++
		c.contents = append(c.contents, e.Content)
		c.mu.Unlock()
		c.notify()
	})
	m.OnEvent(func(ctx context.Context, ev shard.Event) {
		sh, _ := shard.FromContext(ctx)
		c.mu.Lock()
		switch ev := ev.(type) {
		case *shard.Dispatch:
			if ev.Name == discord.EventReady {
				// A new session counts from 1.
				c.seqs[sh] = append(c.seqs[sh], nil)
			}
			runs := c.seqs[sh]
			if len(runs) == 0 {
				runs = append(runs, nil)
			}
			run := runs[len(runs)-1]
			if n := len(run); n > 0 && ev.Seq <= run[n-1] {
				c.problems = append(c.problems, fmt.Sprintf("shard %d: seq %d after %d", ev.ShardID, ev.Seq, run[n-1]))
			}
			runs[len(runs)-1] = append(run, ev.Seq)
			c.seqs[sh] = runs
		}
		if _, ok := ev.(*shard.Dispatch); !ok {
			c.events = append(c.events, ev)
		}
		c.mu.Unlock()
		c.notify()
	})
	return c
}

func (c *collector) notify() {
	c.mu.Lock()
	close(c.changed)
	c.changed = make(chan struct{})
	c.mu.Unlock()
}

// waitUntil waits until cond (called with the lock held) holds.
func (c *collector) waitUntil(ctx context.Context, what string, cond func() bool) error {
	for {
		c.mu.Lock()
		ok := cond()
		ch := c.changed
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

// waitMessages waits until every id was delivered at least once.
func (c *collector) waitMessages(ctx context.Context, ids []discord.MessageID) error {
	return c.waitUntil(ctx, fmt.Sprintf("%d messages", len(ids)), func() bool {
		for _, id := range ids {
			if c.messages[id] == 0 {
				return false
			}
		}
		return true
	})
}

// exactlyOnce reports messages delivered more than once, and the sequence
// problems seen.
func (c *collector) exactlyOnce(t *testing.T) {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	for id, n := range c.messages {
		if n != 1 {
			t.Errorf("message %v delivered %d times", id, n)
		}
	}
	for _, p := range c.problems {
		t.Error(p)
	}
}

// gapFree checks that within each session each shard saw 1, 2, 3, ...
func (c *collector) gapFree(t *testing.T) {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	for s, runs := range c.seqs {
		sh := s.ID()
		for _, run := range runs {
			for i, s := range run {
				if s != int64(i+1) {
					t.Errorf("shard %d session saw seqs %v: want 1, 2, 3, ... with none missing or twice", sh, run)
					break
				}
			}
		}
	}
}

func (c *collector) count(kind string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, ev := range c.events {
		if strings.TrimPrefix(fmt.Sprintf("%T", ev), "*shard.") == kind {
			n++
		}
	}
	return n
}

// say posts n messages from a member in the first guild's channel.
func say(t *testing.T, s *discordtest.Server, prefix string, n int) []discord.MessageID {
	t.Helper()
	g := s.Guilds()[0]
	ch := s.Channels(g.ID)[0]
	user := s.Members(g.ID)[1].User.ID
	var ids []discord.MessageID
	for i := 0; i < n; i++ {
		m, err := s.Say(ch.ID, user, fmt.Sprintf("%s %d", prefix, i))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, m.ID)
	}
	return ids
}

func sortedKeys(m map[int]int) []int {
	var out []int
	for k := range m {
		out = append(out, k)
	}
	sort.Ints(out)
	return out
}
