package shard_test

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/wirecord/wirecord/discord"
	"github.com/wirecord/wirecord/discordtest"
	"github.com/wirecord/wirecord/gateway"
	"github.com/wirecord/wirecord/shard"
)

// guildsByShard returns a guild of each shard of count, by shard id.
func guildsByShard(s *discordtest.Server, count int) map[int]discord.GuildID {
	out := map[int]discord.GuildID{}
	for _, g := range s.Guilds() {
		if _, ok := out[shardOf(g.ID, count)]; !ok {
			out[shardOf(g.ID, count)] = g.ID
		}
	}
	return out
}

// waitOldSetClosed waits until the client has closed each of conns with
// 1000: the switch has closed the old set.
func waitOldSetClosed(ctx context.Context, s *discordtest.Server, conns []*discordtest.Conn) error {
	for _, c := range conns {
		select {
		case <-c.Done():
		case <-ctx.Done():
			return errors.New("the old set was never closed: the switch did not begin")
		}
		if _, recv := c.CloseCodes(); recv != 1000 {
			return errors.New("an old connection ended without the client's 1000")
		}
	}
	return nil
}

// hold is a handler gate: Wait blocks the handler until Release, the
// handler's context ends, or a long fallback (so that a broken Manager
// fails the test instead of hanging it).
type hold struct {
	entered, release chan struct{}
}

func newHold() *hold { return &hold{entered: make(chan struct{}), release: make(chan struct{})} }

func (h *hold) Wait(ctx context.Context) {
	close(h.entered)
	select {
	case <-h.release:
	case <-ctx.Done():
	case <-time.After(10 * time.Second):
	}
}

// While the switch waits for an old handler that blocks, every other old
// shard still delivers what it holds: no lock spans user code.
func TestABlockedHandlerStallsNoOtherShardDuringTheSwitch(t *testing.T) {
	s, cfg := rescaleFake(t, 2, 8)
	m := newManager(t, cfg)
	a, b := newHold(), newHold()
	shard.On(m, func(ctx context.Context, e *discord.MessageCreate) {
		switch e.Content {
		case "hold-a 0":
			a.Wait(ctx)
		case "hold-b 0":
			b.Wait(ctx)
		}
	})
	c := newCollector(m)
	ctx := within(t, 30*time.Second)
	startReady(t, ctx, m)
	gs := guildsByShard(s, 2)
	oldConns := s.Conns()
	sayIn(t, s, gs[0], "hold-a", 1)
	sayIn(t, s, gs[1], "hold-b", 1)
	<-a.entered
	<-b.entered
	queued := sayIn(t, s, gs[1], "queued", 5) // behind hold-b, on old shard 1
	rescaled := make(chan error, 1)
	go func() { rescaled <- m.Rescale(ctx, 3) }()
	wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := waitOldSetClosed(wctx, s, oldConns); err != nil {
		t.Fatal(err)
	}
	close(b.release)
	if err := c.waitMessages(wctx, queued); err != nil {
		t.Fatalf("old shard 1 stalled while old shard 0's handler blocked: %v", err)
	}
	select {
	case err := <-rescaled:
		t.Fatalf("Rescale returned (%v) while an old handler still ran", err)
	default:
	}
	close(a.release)
	if err := <-rescaled; err != nil {
		t.Fatal(err)
	}
	if err := c.waitMessages(ctx, sayEverywhere(t, s, "after")); err != nil {
		t.Fatal(err)
	}
	c.exactlyOnce(t)
}

// With HandlerConcurrency > 1 the switch waits for the old set's running
// handlers too: Rescale never returns while one runs. The handler runs on
// until its shard has stopped, then watches for Rescale returning: that
// window can only catch a Rescale that does not wait, never fail a
// correct one.
func TestRescaleReturnsOnlyAfterEveryOldHandler(t *testing.T) {
	s, cfg := rescaleFake(t, 1, 4)
	cfg.HandlerConcurrency = 4
	m := newManager(t, cfg)
	returned := make(chan struct{})
	entered := make(chan struct{})
	violated := make(chan bool, 1)
	var old *shard.Shard
	shard.On(m, func(ctx context.Context, e *discord.MessageCreate) {
		if e.Content != "hold 0" {
			return
		}
		close(entered)
		<-old.Done()
		select {
		case <-returned:
			violated <- true
		case <-time.After(300 * time.Millisecond):
			violated <- false
		}
	})
	ctx := within(t, 30*time.Second)
	startReady(t, ctx, m)
	old = m.Shard(0)
	say(t, s, "hold", 1)
	<-entered
	rescaled := make(chan error, 1)
	go func() { err := m.Rescale(ctx, 2); close(returned); rescaled <- err }()
	if <-violated {
		t.Fatal("Rescale returned while an old handler still ran")
	}
	if err := <-rescaled; err != nil {
		t.Fatal(err)
	}
}

// Rescale returns within moments of its ctx ending, also while its switch
// waits for a handler; the switch then completes when the handler returns.
func TestRescaleReturnsSoonAfterItsContextEnds(t *testing.T) {
	s, cfg := rescaleFake(t, 1, 4)
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
	say(t, s, "hold", 1)
	<-h.entered
	const limit = 500 * time.Millisecond
	rctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	start := time.Now()
	err := m.Rescale(rctx, 2)
	took := time.Since(start)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Rescale = %v, want its ctx's error", err)
	}
	if took > limit+200*time.Millisecond {
		t.Errorf("Rescale returned %v after its ctx ended", took-limit)
	}
	close(h.release)
	// The switch goes on: a message said now is delivered by the new set.
	after := say(t, s, "after", 3)
	if err := c.waitMessages(ctx, after); err != nil {
		t.Fatal(err)
	}
	c.exactlyOnce(t)
	if n := m.ShardCount(); n != 2 {
		t.Errorf("shard count %d after the switch, want 2", n)
	}
}

// A second Rescale waits for the first, but no longer than its own ctx;
// the first returns as soon as its ctx ends too.
func TestSecondRescaleWaitsNoLongerThanItsContext(t *testing.T) {
	s, cfg := rescaleFake(t, 1, 2)
	// One key, a minute apart: the new set's shard waits a minute.
	cfg.Queue = shard.NewLocalQueue(1, shard.WithInterval(time.Minute))
	m := newManager(t, cfg)
	ctx := within(t, 30*time.Second)
	startReady(t, ctx, m)
	firstCtx, cancelFirst := context.WithCancel(ctx)
	defer cancelFirst()
	first := make(chan error, 1)
	go func() { first <- m.Rescale(firstCtx, 2) }()
	if _, err := s.WaitKind(ctx, discordtest.KindConnected, 2); err != nil {
		t.Fatal(err)
	}
	const limit = 300 * time.Millisecond
	sctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	start := time.Now()
	err := m.Rescale(sctx, 3)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("second Rescale = %v, want its ctx's error", err)
	}
	if late := time.Since(start) - limit; late > 200*time.Millisecond {
		t.Errorf("second Rescale returned %v after its ctx ended", late)
	}
	start = time.Now()
	cancelFirst()
	if err := <-first; !errors.Is(err, context.Canceled) {
		t.Errorf("first Rescale = %v, want context.Canceled", err)
	}
	if d := time.Since(start); d > 200*time.Millisecond {
		t.Errorf("first Rescale returned %v after its ctx ended", d)
	}
	if n := m.ShardCount(); n != 1 {
		t.Errorf("shard count %d after two abandoned rescales, want 1", n)
	}
}

// WaitReady returns the fatal error of a shard that stopped during start,
// at once, rather than waiting out its ctx.
func TestWaitReadyReturnsAFatalErrorAtOnce(t *testing.T) {
	s := fastFake(t)
	cfg := fastConfig(s)
	cfg.Token = discord.NewToken("not-the-token")
	cfg.ShardCount = 1
	m := newManager(t, cfg)
	ctx := within(t, 20*time.Second)
	if err := m.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer m.Close(context.Background(), gateway.CloseEndSession)
	wctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	err := m.WaitReady(wctx)
	var ce *gateway.CloseError
	if !errors.As(err, &ce) || ce.Code != discord.CloseAuthenticationFailed {
		t.Fatalf("WaitReady = %v, want the 4004", err)
	}
}

// Handler contexts end on Close: a handler that waits on its ctx returns,
// and Close returns without waiting out its own ctx.
func TestHandlerContextsEndOnClose(t *testing.T) {
	s := fastFake(t)
	m := newManager(t, fastConfig(s))
	h := newHold()
	ended := make(chan error, 1)
	shard.On(m, func(ctx context.Context, e *discord.MessageCreate) {
		close(h.entered)
		select {
		case <-ctx.Done():
			ended <- ctx.Err()
		case <-time.After(10 * time.Second): // fallback: a broken Manager fails, not hangs
			ended <- errors.New("the handler's ctx never ended")
		}
	})
	ctx := within(t, 20*time.Second)
	startReady(t, ctx, m)
	say(t, s, "wait for close", 1)
	<-h.entered
	cctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if err := m.Close(cctx, gateway.CloseEndSession); err != nil {
		t.Fatalf("Close = %v: the handler's ctx never ended", err)
	}
	if err := <-ended; !errors.Is(err, context.Canceled) {
		t.Errorf("handler ctx ended with %v", err)
	}
}

// A typed waiter decodes before any handler sees the dispatch: raw
// handlers see the decode error, and nothing writes to the event after
// they have it (the race detector watches).
func TestTypedWaitForDecodesBeforeHandlersSeeTheDispatch(t *testing.T) {
	s := fastFake(t)
	m := newManager(t, fastConfig(s))
	type seen struct {
		d   *shard.Dispatch
		err error
	}
	raw := make(chan seen, 16)
	m.OnDispatch(discord.EventMessageCreate, func(ctx context.Context, d *shard.Dispatch) { raw <- seen{d, d.Err} })
	ctx := within(t, 20*time.Second)
	startReady(t, ctx, m)
	probed := make(chan struct{}, 1)
	go shard.WaitFor(ctx, m, func(e *discord.MessageCreate) bool {
		if e.Content == "probe 0" {
			select {
			case probed <- struct{}{}:
			default:
			}
		}
		return false
	})
	// WaitFor registers on its own goroutine: probe until it answers.
	for registered := false; !registered; {
		say(t, s, "probe", 1)
		select {
		case <-probed:
			registered = true
		case <-time.After(100 * time.Millisecond):
		case <-ctx.Done():
			t.Fatal("the waiter never saw a probe")
		}
	}
	for {
		got := <-raw
		if got.d.Err != nil || string(got.d.Data) == "" {
			continue
		}
		if strings.Contains(string(got.d.Data), `"probe 0"`) {
			break
		}
	}
	for len(raw) > 0 {
		<-raw
	}
	s.ConnForShard(0).SendEvent(discord.EventMessageCreate, map[string]any{"id": []int{1}})
	var got seen
	for got = <-raw; strings.Contains(string(got.d.Data), "probe"); got = <-raw {
	}
	if got.err == nil {
		t.Error("the raw handler saw Err = nil on a dispatch a typed waiter could not decode")
	}
	say(t, s, "later", 1)
	<-raw
	if got.d.Err != got.err {
		t.Errorf("Err changed after the handler had the dispatch: %v, then %v", got.err, got.d.Err)
	}
}

// shardGoroutines counts the goroutines running code of package shard.
func shardGoroutines() (int, string) {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	var stacks []string
	for _, g := range strings.Split(string(buf), "\n\n") {
		if strings.Contains(g, "github.com/wirecord/wirecord/shard.") {
			stacks = append(stacks, g)
		}
	}
	return len(stacks), strings.Join(stacks, "\n\n")
}

// checkNoLeak fails the test when, a bounded wait after Close, more
// goroutines of package shard run than before the test.
func checkNoLeak(t *testing.T, before int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		n, stacks := shardGoroutines()
		if n <= before {
			return
		}
		if time.Now().After(deadline) {
			t.Errorf("%d goroutines of package shard outlived Close (%d before):\n%s", n, before, stacks)
			return
		}
		time.Sleep(10 * time.Millisecond) // polling a count, bounded: nothing else says when a goroutine is gone
	}
}

// No goroutine outlives Close, whatever the Manager was doing.
func TestNoGoroutineOutlivesClose(t *testing.T) {
	for _, tc := range []struct {
		name string
		run  func(t *testing.T, ctx context.Context, s *discordtest.Server, m *shard.Manager)
	}{
		{"running", func(t *testing.T, ctx context.Context, s *discordtest.Server, m *shard.Manager) {}},
		{"during a rescale's bring-up", func(t *testing.T, ctx context.Context, s *discordtest.Server, m *shard.Manager) {
			go m.Rescale(ctx, 3)
			if _, err := s.WaitKind(ctx, discordtest.KindConnected, 3); err != nil {
				t.Fatal(err)
			}
		}},
		{"during a switch that waits for a handler", func(t *testing.T, ctx context.Context, s *discordtest.Server, m *shard.Manager) {
			h := newHold()
			shard.On(m, func(ctx context.Context, e *discord.MessageCreate) {
				if e.Content == "hold 0" {
					h.Wait(ctx)
				}
			})
			oldConns := s.Conns()
			say(t, s, "hold", 1)
			<-h.entered
			go m.Rescale(ctx, 3)
			if err := waitOldSetClosed(ctx, s, oldConns); err != nil {
				t.Fatal(err)
			}
		}},
		{"after a rescale with concurrent handlers", func(t *testing.T, ctx context.Context, s *discordtest.Server, m *shard.Manager) {
			say(t, s, "before", 5)
			if err := m.Rescale(ctx, 3); err != nil {
				t.Fatal(err)
			}
			say(t, s, "after", 5)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before, _ := shardGoroutines()
			s, cfg := rescaleFake(t, 2, 6)
			cfg.HandlerConcurrency = 3
			cfg.ShardCount = 2
			cfg.Gateway.URL = s.GatewayURL
			m := newManager(t, cfg)
			ctx := within(t, 20*time.Second)
			startReady(t, ctx, m)
			tc.run(t, ctx, s, m)
			cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			defer cancel()
			if err := m.Close(cctx, gateway.CloseEndSession); err != nil {
				t.Fatalf("Close: %v", err)
			}
			checkNoLeak(t, before)
		})
	}
}
