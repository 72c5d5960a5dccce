package rest

import "time"

// invalidBudget counts the answers Cloudflare counts toward its IP ban
// (401, 403, and 429 but for scope shared) over a sliding window, in
// slots of a 600th of the window.
type invalidBudget struct {
	limit  int
	window time.Duration
	slot   time.Duration
	counts [invalidSlots]int
	epoch  time.Time
	last   int64 // the slot of the last advance
	count  int
	// slowAt and refuseAt are the counts from which requests are spaced
	// out, and refused.
	slowAt, refuseAt int
	// spacing is the gap between requests once slowed: at that pace even
	// requests that all came back invalid would not reach refuseAt
	// before the window turns.
	spacing  time.Duration
	lastSlow time.Time
}

const invalidSlots = 600

func newInvalidBudget(limit int, window time.Duration) invalidBudget {
	v := invalidBudget{limit: limit, window: window, slot: max(window/invalidSlots, time.Nanosecond),
		slowAt: limit * 8 / 10, refuseAt: limit * 95 / 100}
	v.refuseAt = max(v.refuseAt, 1)
	v.slowAt = min(v.slowAt, v.refuseAt-1)
	v.spacing = window / time.Duration(max(v.refuseAt-v.slowAt, 1))
	return v
}

func (v *invalidBudget) advance(now time.Time) int64 {
	if v.epoch.IsZero() {
		v.epoch = now
	}
	idx := int64(now.Sub(v.epoch) / v.slot)
	if idx <= v.last {
		return v.last
	}
	if idx-v.last >= invalidSlots {
		v.counts = [invalidSlots]int{}
		v.count = 0
	} else {
		for i := v.last + 1; i <= idx; i++ {
			v.count -= v.counts[i%invalidSlots]
			v.counts[i%invalidSlots] = 0
		}
	}
	v.last = idx
	return idx
}

func (v *invalidBudget) add(now time.Time) {
	idx := v.advance(now)
	v.counts[idx%invalidSlots]++
	v.count++
}

// check says whether a request may go: a wait while slowed, or refuse
// with the time until enough invalid answers have aged out.
func (v *invalidBudget) check(now time.Time) (wait time.Duration, refuse bool, retry time.Duration) {
	idx := v.advance(now)
	if v.count >= v.refuseAt {
		// Walk from the oldest slot until the count drops below
		// refuseAt.
		left := v.count
		for i := idx - invalidSlots + 1; i <= idx; i++ {
			left -= v.counts[((i%invalidSlots)+invalidSlots)%invalidSlots]
			if left < v.refuseAt {
				expires := v.epoch.Add(time.Duration(i+invalidSlots) * v.slot)
				return 0, true, max(expires.Sub(now), v.slot)
			}
		}
		return 0, true, v.window
	}
	if v.count >= v.slowAt && !v.lastSlow.IsZero() {
		if next := v.lastSlow.Add(v.spacing); now.Before(next) {
			return next.Sub(now), false, 0
		}
	}
	return 0, false, 0
}

// admitted notes a request let through.
func (v *invalidBudget) admitted(now time.Time) {
	if v.count >= v.slowAt {
		v.lastSlow = now
	} else {
		v.lastSlow = time.Time{}
	}
}
