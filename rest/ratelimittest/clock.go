package ratelimittest

import (
	"context"
	"sync"
	"time"

	"github.com/wirecord/wirecord/rest"
)

// FakeClock is a rest.Clock whose time moves only when told. Its timers
// fire in Advance, and WaitForTimers tells a test that a caller is
// waiting on one.
type FakeClock struct {
	mu      sync.Mutex
	now     time.Time
	timers  map[*fakeTimer]struct{}
	changed chan struct{}
}

// NewFakeClock returns a clock reading start.
func NewFakeClock(start time.Time) *FakeClock {
	return &FakeClock{now: start, timers: map[*fakeTimer]struct{}{}, changed: make(chan struct{})}
}

// Now returns the clock's time.
func (c *FakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// NewTimer returns a timer that fires when the clock reaches now+d.
func (c *FakeClock) NewTimer(d time.Duration) rest.Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.timerAtLocked(c.now.Add(d))
}

// timerAtLocked makes a timer firing at at; c.mu is held.
func (c *FakeClock) timerAtLocked(at time.Time) rest.Timer {
	t := &fakeTimer{c: c, at: at, ch: make(chan time.Time, 1)}
	if !at.After(c.now) {
		t.ch <- c.now
		return t
	}
	c.timers[t] = struct{}{}
	c.signal()
	return t
}

// NewTimerAt returns a timer that fires when the clock reaches t (at
// once if it has): it makes FakeClock a rest.DeadlineClock.
func (c *FakeClock) NewTimerAt(t time.Time) rest.Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.timerAtLocked(t)
}

// Advance moves the clock on by d and fires the timers due.
func (c *FakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	for t := range c.timers {
		if !t.at.After(c.now) {
			t.ch <- c.now
			delete(c.timers, t)
		}
	}
	c.signal()
}

// Timers returns how many timers are pending.
func (c *FakeClock) Timers() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.timers)
}

// WaitForTimers blocks until at least n timers are pending (callers are
// waiting on them), or ctx ends.
func (c *FakeClock) WaitForTimers(ctx context.Context, n int) error {
	for {
		c.mu.Lock()
		got, ch := len(c.timers), c.changed
		c.mu.Unlock()
		if got >= n {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func (c *FakeClock) signal() {
	close(c.changed)
	c.changed = make(chan struct{})
}

type fakeTimer struct {
	c  *FakeClock
	at time.Time
	ch chan time.Time
}

func (t *fakeTimer) C() <-chan time.Time { return t.ch }

func (t *fakeTimer) Stop() bool {
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	_, pending := t.c.timers[t]
	delete(t.c.timers, t)
	t.c.signal()
	return pending
}
