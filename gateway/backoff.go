package gateway

import "time"

// backoff computes reconnect waits: the first reconnect after a healthy
// session is immediate; each further failure doubles the wait from min up
// to max, and the wait is jittered into [d/2, d) so that many shards
// dropped at once do not come back in step.
type backoff struct {
	min, max time.Duration
	// failures counts connections in a row that ended before becoming
	// healthy (ready and one heartbeat acknowledged).
	failures int
}

// next returns the wait before the next attempt and counts this failure.
func (b *backoff) next(rand func() float64) time.Duration {
	n := b.failures
	b.failures++
	if n == 0 {
		return 0
	}
	d := b.min
	for i := 1; i < n && d < b.max; i++ {
		d *= 2
	}
	if d > b.max {
		d = b.max
	}
	half := d / 2
	return half + time.Duration(rand()*float64(d-half))
}

// reset forgets past failures, after a healthy session.
func (b *backoff) reset() { b.failures = 0 }
