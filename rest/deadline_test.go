package rest_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/wirecord/wirecord/rest"
	"github.com/wirecord/wirecord/rest/ratelimittest"
)

// plainClock is a Clock that is not a rest.DeadlineClock: only Now and
// NewTimer of the clock inside. afterNow, when set, runs once right after
// the next Now has read the time, as a goroutine descheduled there while
// the clock moves on would see it.
type plainClock struct {
	c        rest.Clock
	mu       sync.Mutex
	afterNow func()
}

func (p *plainClock) Now() time.Time {
	t := p.c.Now()
	p.mu.Lock()
	f := p.afterNow
	p.afterNow = nil
	p.mu.Unlock()
	if f != nil {
		f()
	}
	return t
}

func (p *plainClock) NewTimer(d time.Duration) rest.Timer { return p.c.NewTimer(d) }

func (p *plainClock) arm(f func()) {
	p.mu.Lock()
	p.afterNow = f
	p.mu.Unlock()
}

// deadlineClock is plainClock that is a rest.DeadlineClock too.
type deadlineClock struct {
	*plainClock
	dc rest.DeadlineClock
}

func (d deadlineClock) NewTimerAt(t time.Time) rest.Timer { return d.dc.NewTimerAt(t) }

// A waiter that read the clock, then was held up while the clock passed
// the end of its wait, is granted at once when it gets to its timer,
// not a whole wait later: with a DeadlineClock and without one.
func TestAWaitComputedFromAStaleNowEndsAtItsDeadline(t *testing.T) {
	route := rest.Route{Key: "POST /channels/:major/messages", Major: "1"}
	for _, tc := range []struct {
		name string
		make func(*ratelimittest.FakeClock) (rest.Clock, *plainClock)
	}{
		{"DeadlineClock", func(fc *ratelimittest.FakeClock) (rest.Clock, *plainClock) {
			p := &plainClock{c: fc}
			return deadlineClock{p, fc}, p
		}},
		{"a Clock that is not one", func(fc *ratelimittest.FakeClock) (rest.Clock, *plainClock) {
			p := &plainClock{c: fc}
			return p, p
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fc := ratelimittest.NewFakeClock(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
			clock, hook := tc.make(fc)
			l := rest.NewLimiter(rest.LimiterConfig{GlobalPerSecond: 1000, MaxWait: time.Hour, Clock: clock})
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			p, err := l.Acquire(ctx, route)
			if err != nil {
				t.Fatal(err)
			}
			// A 1-per-window bucket, spent: the next waits 2 s.
			l.Release(p, rest.Answer{At: fc.Now(), Sent: true, Status: 200,
				Headers: rest.Headers{Bucket: "h", Limit: 1, Remaining: 0, ResetAfter: 2 * time.Second}})
			// The waiter reads the clock, then the clock moves 3 s on
			// before its timer is made.
			hook.arm(func() { fc.Advance(3 * time.Second) })
			done := make(chan error, 1)
			go func() {
				p, err := l.Acquire(ctx, route)
				if err == nil {
					l.Release(p, rest.Answer{At: fc.Now(), Sent: true, Status: 200,
						Headers: rest.Headers{Bucket: "h", Limit: 1, Remaining: 1, ResetAfter: 2 * time.Second}})
				}
				done <- err
			}()
			select {
			case err := <-done:
				if err != nil {
					t.Fatal(err)
				}
			case <-time.After(2 * time.Second):
				t.Fatalf("the wait ended 2 s after the answer and the clock is 3 s on, yet Acquire still waits (%d timers pending)", fc.Timers())
			}
		})
	}
}

// On the system clock a wait ends at its deadline: never before the
// window's end (measured from the answer's arrival), and not grossly after.
func TestAWaitOnTheSystemClockEndsAtTheWindowsEnd(t *testing.T) {
	route := rest.Route{Key: "POST /channels/:major/messages", Major: "1"}
	l := rest.NewLimiter(rest.LimiterConfig{GlobalPerSecond: 1000, MaxWait: time.Hour})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	const window = 150 * time.Millisecond
	for i := range 5 {
		p, err := l.Acquire(ctx, route)
		if err != nil {
			t.Fatal(err)
		}
		at := time.Now()
		l.Release(p, rest.Answer{At: at, Sent: true, Status: 200,
			Headers: rest.Headers{Bucket: "h", Limit: 1, Remaining: 0, ResetAfter: window}})
		// Descheduled a while before asking again: the wait left is shorter.
		time.Sleep(time.Duration(i) * window / 5)
		p, err = l.Acquire(ctx, route)
		if err != nil {
			t.Fatal(err)
		}
		waited := time.Since(at)
		l.Release(p, rest.Answer{At: time.Now(), Sent: true, Status: 200,
			Headers: rest.Headers{Bucket: "h", Limit: 1, Remaining: 1, ResetAfter: window}})
		if waited < window {
			t.Errorf("round %d: granted %v after the answer, before the window's end at %v", i, waited, window)
		}
		// Only a gross overrun counts: on a loaded machine a goroutine can
		// wake a good while after its timer.
		if waited > window+3*time.Second {
			t.Errorf("round %d: granted %v after the answer, the window ended at %v", i, waited, window)
		}
		time.Sleep(window) // the next round starts with the window refilled
	}
}
