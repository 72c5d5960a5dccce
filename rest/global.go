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
	// done is a ring of the answer times of the last second.
	done    []time.Time
	head, n int
	// until holds every request after a global 429.
	until time.Time
	wake  chan struct{}
}

func newGlobalWindow(limit int) globalWindow {
	return globalWindow{limit: limit, done: make([]time.Time, limit)}
}

// ready says whether a request may go now, as bucket.ready does.
func (g *globalWindow) ready(now time.Time) (time.Duration, bool) {
	if now.Before(g.until) {
		return g.until.Sub(now), true
	}
	for g.n > 0 && !now.Before(g.done[g.head].Add(time.Second)) {
		g.head = (g.head + 1) % len(g.done)
		g.n--
	}
	if g.inflight+g.n < g.limit {
		return 0, true
	}
	if g.n > 0 {
		return g.done[g.head].Add(time.Second).Sub(now), true
	}
	return 0, false
}

// finish ends a request; sent says it reached the network and counts for
// a second from now.
func (g *globalWindow) finish(now time.Time, sent bool) {
	g.inflight--
	if sent {
		if g.n == len(g.done) { // not reached: inflight+n <= limit
			g.head = (g.head + 1) % len(g.done)
			g.n--
		}
		g.done[(g.head+g.n)%len(g.done)] = now
		g.n++
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
