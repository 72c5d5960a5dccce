package shard_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wirecord/wirecord/shard"
	"github.com/wirecord/wirecord/shard/queuetest"
)

func TestLocalQueueConformance(t *testing.T) {
	queuetest.Run(t, func(maxConcurrency int, interval time.Duration) shard.IdentifyQueue {
		return shard.NewLocalQueue(maxConcurrency, shard.WithInterval(interval))
	})
}

// fakeClock moves only when told to.
type fakeClock struct {
	mu      sync.Mutex
	now     time.Time
	timers  []fakeTimer
	waiting chan struct{}
}

type fakeTimer struct {
	at time.Time
	ch chan time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), waiting: make(chan struct{}, 100)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan time.Time, 1)
	c.timers = append(c.timers, fakeTimer{c.now.Add(d), ch})
	c.waiting <- struct{}{}
	return ch
}

// advance moves time and fires the timers that are due.
func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	keep := c.timers[:0]
	for _, tm := range c.timers {
		if !tm.at.After(c.now) {
			tm.ch <- c.now
		} else {
			keep = append(keep, tm)
		}
	}
	c.timers = keep
}

func TestSessionStartBudgetWaitsForTheResetAndSaysSo(t *testing.T) {
	clock := newFakeClock()
	var logs bytes.Buffer
	var logMu sync.Mutex
	log := slog.New(slog.NewTextHandler(&lockedWriter{w: &logs, mu: &logMu}, nil))
	refreshed := make(chan struct{}, 1)
	q := shard.NewLocalQueue(16, shard.WithClock(clock), shard.WithQueueLogger(log),
		shard.WithSessionStartLimit(shard.SessionStartLimit{Total: 1000, Remaining: 2, ResetAfter: time.Hour, MaxConcurrency: 16},
			func(ctx context.Context) (shard.SessionStartLimit, error) {
				refreshed <- struct{}{}
				return shard.SessionStartLimit{Total: 1000, Remaining: 1000, ResetAfter: 24 * time.Hour}, nil
			}))
	ctx := context.Background()
	for id := range 2 {
		if err := q.Wait(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	done := make(chan error, 1)
	go func() { done <- q.Wait(ctx, 2) }()
	<-clock.waiting // the third waits on the clock
	select {
	case <-done:
		t.Fatal("a third session started with a budget of two")
	default:
	}
	logMu.Lock()
	line := logs.String()
	logMu.Unlock()
	if !strings.Contains(line, "session start limit exhausted") || !strings.Contains(line, "reset_in=1h0m0s") {
		t.Errorf("log: %q", line)
	}
	clock.advance(time.Hour)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	select {
	case <-refreshed:
	default:
		t.Error("the budget was not refreshed at the reset")
	}
	if q.Granted() != 3 {
		t.Errorf("granted %d", q.Granted())
	}
}

func TestLocalQueueSpacesAKeyByTheInterval(t *testing.T) {
	clock := newFakeClock()
	q := shard.NewLocalQueue(2, shard.WithClock(clock))
	ctx := context.Background()
	q.Wait(ctx, 0)
	done := make(chan error, 1)
	go func() { done <- q.Wait(ctx, 2) }() // key 0 again
	<-clock.waiting
	clock.advance(shard.IdentifyInterval) // not yet: the margin
	select {
	case <-done:
		t.Fatal("granted within 5 s plus the margin")
	default:
	}
	clock.advance(time.Second)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	// Key 1 is free at once.
	if err := q.Wait(ctx, 1); err != nil {
		t.Fatal(err)
	}
}

// An IDENTIFY written late (the shard was slow between the grant and the
// write) moves its key's next slot: Discord counts the window from the
// arrival, so the next grant waits a full interval from the write.
func TestLocalQueueTimesTheNextSlotFromALateWrite(t *testing.T) {
	clock := newFakeClock()
	q := shard.NewLocalQueue(2, shard.WithClock(clock))
	ctx := context.Background()
	if err := q.Wait(ctx, 0); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- q.Wait(ctx, 2) }() // key 0 again: waits for grant + 5.1 s
	<-clock.waiting
	clock.advance(2 * time.Second)
	q.IdentifySent(0, clock.Now())         // written 2 s after its grant
	clock.advance(3500 * time.Millisecond) // 5.5 s after the grant, 3.5 s after the write
	// The waiter's timer fired: it is either granted (wrong) or re-arms
	// its timer to the later slot.
	select {
	case err := <-done:
		t.Fatalf("granted (%v) 3.5 s after the write, want 5 s plus the margin", err)
	case <-clock.waiting:
	}
	clock.advance(1700 * time.Millisecond) // 5.2 s after the write
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	// A write on time changes nothing, and key 1 is free at once.
	q.IdentifySent(1, clock.Now().Add(-time.Hour))
	if err := q.Wait(ctx, 1); err != nil {
		t.Fatal(err)
	}
}

type lockedWriter struct {
	w  *bytes.Buffer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// A caller whose ctx ends while it waits spends neither a session start nor
// its key's slot: the next caller is granted as if it had never come.
func TestCancelledIdentifyWaitSpendsNothing(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts []shard.QueueOption
	}{
		{"session start", []shard.QueueOption{shard.WithSessionStartLimit(
			shard.SessionStartLimit{Total: 1000, Remaining: 2, ResetAfter: time.Hour, MaxConcurrency: 1}, nil)}},
		{"slot", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clock := newFakeClock()
			q := shard.NewLocalQueue(1, append([]shard.QueueOption{shard.WithClock(clock)}, tc.opts...)...)
			ctx := context.Background()
			if err := q.Wait(ctx, 0); err != nil {
				t.Fatal(err)
			}
			cctx, cancel := context.WithCancel(ctx)
			cancelled := make(chan error, 1)
			go func() { cancelled <- q.Wait(cctx, 1) }()
			<-clock.waiting // it waits for key 0's interval
			cancel()
			if err := <-cancelled; !errors.Is(err, context.Canceled) {
				t.Fatalf("cancelled Wait = %v", err)
			}
			done := make(chan error, 1)
			go func() { done <- q.Wait(ctx, 2) }()
			<-clock.waiting
			clock.advance(shard.IdentifyInterval + time.Second)
			select {
			case err := <-done:
				if err != nil {
					t.Fatal(err)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("the next caller was not granted one interval after the first IDENTIFY")
			}
			if q.Granted() != 2 {
				t.Errorf("granted %d, want 2", q.Granted())
			}
		})
	}
}

// The queue keeps state only for keys in use: a max_concurrency of 1e14
// (a hostile GET /gateway/bot) neither panics nor allocates per key.
func TestLocalQueueStateFollowsKeysInUse(t *testing.T) {
	q := shard.NewLocalQueue(1e14)
	ctx := within(t, 5*time.Second)
	for id := range 3 {
		if err := q.Wait(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	if q.Granted() != 3 {
		t.Errorf("granted %d", q.Granted())
	}
}
