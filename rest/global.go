package rest

import "time"

// globalWindow keeps the global limit before requests are sent: at most
// limit requests per second (PROTOCOL.md §13).
//
// A request holds its place from the moment it is let through until a
// second after its answer arrived. Discord counts it when it reaches
// Discord, which is somewhere between the two; counting from the answer
// means that however long the request took to get there, no second at
// Discord's end ever holds more than limit requests.
type globalWindow struct {
	limit    int
	inflight int
	// done queues the answers of the last second, oldest first from
	// done[head], by millisecond (rounded up, so a place is held a
	// little longer, never shorter): at most a thousand entries whatever
	// the limit. recent is their sum.
	done   []answered
	head   int
	recent int
	// until holds every request after a global 429.
	until time.Time
	wake  chan struct{}
}

type answered struct {
	at time.Time
	n  int
}

func newGlobalWindow(limit int) globalWindow {
	return globalWindow{limit: limit, done: make([]answered, 0, min(limit, 1024))}
}

// ready says whether a request may go now, as bucket.ready does.
func (g *globalWindow) ready(now time.Time) (time.Duration, bool) {
	if now.Before(g.until) {
		return g.until.Sub(now), true
	}
	for g.head < len(g.done) && !now.Before(g.done[g.head].at.Add(time.Second)) {
		g.recent -= g.done[g.head].n
		g.head++
	}
	if g.head > 0 && g.head >= len(g.done)/2 {
		g.done = g.done[:copy(g.done, g.done[g.head:])]
		g.head = 0
	}
	if g.inflight+g.recent < g.limit {
		return 0, true
	}
	if g.recent > 0 {
		return g.done[g.head].at.Add(time.Second).Sub(now), true
	}
	return 0, false
}

// finish ends a request; sent says it reached Discord and counts for a
// second from now.
func (g *globalWindow) finish(now time.Time, sent bool) {
	g.inflight--
	if sent {
		at := now.Truncate(time.Millisecond)
		if at.Before(now) {
			at = at.Add(time.Millisecond)
		}
		if n := len(g.done); n > g.head && !g.done[n-1].at.Before(at) {
			g.done[n-1].n++
		} else {
			g.done = append(g.done, answered{at, 1})
		}
		g.recent++
	}
	if g.wake != nil {
		close(g.wake)
		g.wake = nil
	}
}

func (g *globalWindow) waiter() chan struct{} {
	if g.wake == nil {
		g.wake = make(chan struct{})
	}
	return g.wake
}
