package rest

import "time"

// Clock is the limiter's source of time. The default reads the system
// clock; tests give a fake one (ratelimittest.FakeClock) so that timing
// rules are checked without waiting.
type Clock interface {
	Now() time.Time
	// NewTimer returns a timer that fires once after d.
	NewTimer(d time.Duration) Timer
}

// DeadlineClock is a Clock that can also time a timer to an instant. The
// limiter uses it when its Clock has it: a deadline computed from a Now
// read earlier then holds even if the clock moved on in between (a fake
// clock advanced by a test, or a goroutine descheduled under load), where
// NewTimer(d) would count d from the later instant.
type DeadlineClock interface {
	Clock
	// NewTimerAt returns a timer that fires once the clock reaches t (at
	// once if it has).
	NewTimerAt(t time.Time) Timer
}

// newTimerAt returns a timer firing when c reaches t.
func newTimerAt(c Clock, t time.Time) Timer {
	if dc, ok := c.(DeadlineClock); ok {
		return dc.NewTimerAt(t)
	}
	return c.NewTimer(t.Sub(c.Now()))
}

// Timer is a Clock's one-shot timer.
type Timer interface {
	C() <-chan time.Time
	// Stop ends the timer; it reports whether it stopped it before it
	// fired.
	Stop() bool
}

type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

func (systemClock) NewTimer(d time.Duration) Timer { return systemTimer{time.NewTimer(d)} }

type systemTimer struct{ t *time.Timer }

func (t systemTimer) C() <-chan time.Time { return t.t.C }
func (t systemTimer) Stop() bool          { return t.t.Stop() }

// SystemClock is the Clock that reads the system's time.
var SystemClock Clock = systemClock{}
