package rest

import "time"

// bucketKey names a bucket: Discord's hash and the major parameter. A
// route whose bucket is not known yet has a provisional bucket of its own,
// keyed by its route key (hash empty).
type bucketKey struct{ hash, route, major string }

// bucket is one budget of Discord's: limit requests per window, per major
// parameter. Everything in it is guarded by the limiter's mutex.
//
// The window's end is only ever learnt from an answer: resetAt is the
// answer's arrival plus its X-RateLimit-Reset-After, so a slow answer
// makes the window look longer, never shorter. When that end has passed
// the bucket opens a new window of limit requests (less those still in
// flight, which may land in it) whose end is unknown again until one of
// its answers arrives; until then no further window is opened, however
// long the answers take.
type bucket struct {
	key bucketKey
	// limit is X-RateLimit-Limit; 0 until an answer said it, and then
	// requests go one at a time.
	limit int
	// window is the longest reset-after seen: about the window's length.
	window time.Duration
	// remaining is how many more requests the current window allows.
	remaining int
	// inflight counts requests let through and not yet answered.
	inflight int
	// resetAt is the current window's end; zero while no answer of the
	// window has said it.
	resetAt time.Time
	// windowStart is when the current window opened (the previous
	// resetAt); zero before the first.
	windowStart time.Time
	// pausedUntil holds the bucket after a 429 of its own (scope user or
	// shared) for retry_after.
	pausedUntil time.Time
	// seq numbers the bucket's windows, unique across the limiter, so a
	// permit knows whether its window is still the current one; prevSeq
	// is the window before.
	seq, prevSeq uint64
	// unlimited is set for a route answered without bucket headers.
	unlimited bool
	// routes counts the routes that use the bucket.
	routes int
	used   time.Time
	// wake is closed when an answer may let waiters go.
	wake chan struct{}
}

// resetPrecision covers Reset-After's rounding to milliseconds.
const resetPrecision = time.Millisecond

// ready says whether a request may go now: (0, true); or how long to wait
// (d, true); or (0, false): wait for an answer.
func (b *bucket) ready(now time.Time, nextSeq func() uint64) (time.Duration, bool) {
	if now.Before(b.pausedUntil) {
		return b.pausedUntil.Sub(now), true
	}
	if b.unlimited {
		return 0, true
	}
	if !b.resetAt.IsZero() && !now.Before(b.resetAt) {
		b.windowStart, b.resetAt = b.resetAt, time.Time{}
		b.remaining = max(b.limit, 1) - b.inflight
		b.prevSeq, b.seq = b.seq, nextSeq()
	}
	if b.remaining > 0 {
		return 0, true
	}
	if b.resetAt.IsZero() {
		if b.inflight > 0 {
			return 0, false
		}
		if b.limit == 0 {
			// The first request of the route learnt nothing: the next
			// one tries.
			b.remaining = 1
			return 0, true
		}
		// Nothing in flight can say when the window ends (every request
		// of it failed): assume it lasts a whole window from now.
		b.resetAt = now.Add(max(b.window, time.Second) + resetPrecision)
	}
	return b.resetAt.Sub(now), true
}

// take spends one request of the window.
func (b *bucket) take() {
	b.inflight++
	if !b.unlimited {
		b.remaining--
	}
}

// update learns from an answer's headers, which arrived at at, to a
// request let through in window seq. The answer's request is no longer
// counted in flight.
func (b *bucket) update(h Headers, at time.Time, seq uint64, nextSeq func() uint64) {
	known := b.limit > 0
	b.limit = h.Limit
	b.unlimited = false
	b.window = max(b.window, h.ResetAfter)
	end := at.Add(h.ResetAfter + resetPrecision)
	// Answers of one window name about the same end; they differ by their
	// time in flight. Half a window tells windows apart.
	tol := b.window / 2
	free := max(h.Remaining-b.inflight, 0)
	switch {
	case !b.windowStart.IsZero() && !end.After(b.windowStart.Add(tol)):
		// A late answer of an earlier window: it says nothing of this
		// one, but if it was in flight when this window opened, it was
		// counted against it in case it landed there; it did not.
		if seq == b.prevSeq && b.remaining < b.limit {
			b.remaining++
		}
	case b.resetAt.IsZero():
		b.resetAt = end
		if known {
			b.remaining = min(b.remaining, free)
		} else {
			b.remaining = free
		}
	case end.After(b.resetAt.Add(tol)):
		// Discord's window turned before ours did: this answer is of the
		// next one.
		b.windowStart, b.resetAt, b.remaining = b.resetAt, end, free
		b.prevSeq, b.seq = b.seq, nextSeq()
	default:
		b.resetAt = maxTime(b.resetAt, end)
		b.remaining = min(b.remaining, free)
	}
}

// failed notes a request that got no answer (a network error): Discord
// may have counted it, so its request stays spent.
func (b *bucket) failed(at time.Time) {
	switch {
	case b.unlimited:
	case b.limit == 0:
		// The first request of a route learnt nothing: the next may try.
		if b.inflight == 0 && b.remaining <= 0 {
			b.remaining = 1
		}
	case b.resetAt.IsZero() && b.inflight == 0:
		b.resetAt = at.Add(b.window + resetPrecision)
	}
}

// refund gives back a request that Discord did not count, if its window
// is still the current one.
func (b *bucket) refund(seq uint64) {
	if seq == b.seq && !b.unlimited {
		b.remaining++
	}
}

// pause holds the bucket until t (a 429 of its own). After it the window
// goes on as the 429's headers said.
func (b *bucket) pause(t time.Time) {
	b.pausedUntil = maxTime(b.pausedUntil, t)
}

// waiter returns the channel closed at the bucket's next answer.
func (b *bucket) waiter() chan struct{} {
	if b.wake == nil {
		b.wake = make(chan struct{})
	}
	return b.wake
}

func (b *bucket) notify() {
	if b.wake != nil {
		close(b.wake)
		b.wake = nil
	}
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
