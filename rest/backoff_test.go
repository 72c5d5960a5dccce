package rest

import (
	"testing"
	"time"
)

// Back-off after a 5xx is short, exponential, jittered and capped.
func TestBackoffIsShortJitteredExponentialAndCapped(t *testing.T) {
	for _, tc := range []struct {
		attempt  int
		min, max time.Duration
	}{
		{0, 25 * time.Millisecond, 50 * time.Millisecond},
		{1, 50 * time.Millisecond, 100 * time.Millisecond},
		{3, 200 * time.Millisecond, 400 * time.Millisecond},
		{5, 800 * time.Millisecond, 1600 * time.Millisecond},
		{6, time.Second, 2 * time.Second},
		{40, time.Second, 2 * time.Second},
	} {
		seen := map[time.Duration]bool{}
		for range 200 {
			d := backoff(tc.attempt)
			if d < tc.min || d > tc.max {
				t.Fatalf("backoff(%d) = %v, want within [%v, %v]", tc.attempt, d, tc.min, tc.max)
			}
			seen[d] = true
		}
		if len(seen) < 10 {
			t.Errorf("backoff(%d) took %d values in 200 draws: not jittered", tc.attempt, len(seen))
		}
	}
}
