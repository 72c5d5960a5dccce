package gateway

import "time"

// sendLimiter enforces Discord's per-connection budget of payloads sent
// (120 per 60 s, PROTOCOL.md §7) as a sliding window over the times of the
// last sends. Heartbeats always go out; commands only while the window
// leaves room for the heartbeats still to come (the reserve), so user
// commands can never delay a heartbeat or push the connection into 4008.
type sendLimiter struct {
	limit  int
	window time.Duration
	times  []time.Time // ring of send times, oldest at head
	head   int
	n      int
}

func newSendLimiter(limit int, window time.Duration) sendLimiter {
	return sendLimiter{limit: limit, window: window, times: make([]time.Time, limit)}
}

func (l *sendLimiter) reset() { l.head, l.n = 0, 0 }

func (l *sendLimiter) prune(now time.Time) {
	for l.n > 0 && !now.Before(l.times[l.head].Add(l.window)) {
		l.head = (l.head + 1) % len(l.times)
		l.n--
	}
}

// record notes a send at now. Past the limit (only heartbeats can get
// there, and only with a misconfigured window) the oldest entry is dropped.
func (l *sendLimiter) record(now time.Time) {
	l.prune(now)
	if l.n == len(l.times) {
		l.head = (l.head + 1) % len(l.times)
		l.n--
	}
	l.times[(l.head+l.n)%len(l.times)] = now
	l.n++
}

// allow reports whether a command may be sent at now while keeping reserve
// slots free, and if not, how long until it may.
func (l *sendLimiter) allow(now time.Time, reserve int) (bool, time.Duration) {
	l.prune(now)
	budget := l.limit - reserve
	if budget < 1 {
		budget = 1
	}
	if l.n < budget {
		return true, 0
	}
	// The command fits once the (n-budget+1) oldest sends leave the window.
	oldest := l.times[(l.head+l.n-budget)%len(l.times)]
	return false, oldest.Add(l.window).Sub(now)
}

// heartbeatReserve is how many slots of the window to keep for heartbeats:
// one per interval that fits in the window, one for the first, and two for
// heartbeats Discord asks for with op 1. It never takes more than half the
// budget.
func heartbeatReserve(limit int, window, interval time.Duration) int {
	r := 3
	if interval > 0 {
		r = int((window+interval-1)/interval) + 3
	}
	if r > limit/2 {
		r = limit / 2
	}
	return r
}
