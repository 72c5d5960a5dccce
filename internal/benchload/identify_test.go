package benchload

import (
	"context"
	"testing"
	"time"
)

// TestIdentifyBringsEveryShardReadyNoSoonerThanTheWindowAllows runs the
// identify measurement with a 200 ms window: every shard must be READY,
// the fake must have seen no broken rule, and the time taken cannot be
// below the floor the window sets (only a lower bound: it cannot flake).
func TestIdentifyBringsEveryShardReadyNoSoonerThanTheWindowAllows(t *testing.T) {
	const window = 200 * time.Millisecond
	res, err := RunIdentify(context.Background(), IdentifyConfig{Shards: 4, MaxConcurrency: 2, Timeout: time.Minute, interval: window})
	if err != nil {
		t.Fatal(err)
	}
	if res.Ready != 4 || res.Identifies != 4 {
		t.Errorf("%d shards READY after %d IDENTIFYs, want 4 and 4", res.Ready, res.Identifies)
	}
	if len(res.Violations) != 0 || res.IdentifyViolations != 0 {
		t.Errorf("violations: %q", res.Violations)
	}
	floor := IdentifyFloor(4, 2, window)
	if floor != window || res.FloorSeconds != window.Seconds() {
		t.Errorf("floor %v (%v s in the result), want one window, %v", floor, res.FloorSeconds, window)
	}
	if res.Seconds < floor.Seconds() {
		t.Errorf("all READY in %.3f s, under the floor %.3f s: the window was not kept", res.Seconds, floor.Seconds())
	}
}

func TestIdentifyFloorIsOneWindowPerWaveAfterTheFirst(t *testing.T) {
	for _, tc := range []struct {
		shards, conc int
		want         time.Duration
	}{{1, 1, 0}, {4, 4, 0}, {5, 4, 5 * time.Second}, {16, 4, 15 * time.Second}, {16, 1, 75 * time.Second}, {3, 16, 0}, {0, 4, 0}} {
		if got := IdentifyFloor(tc.shards, tc.conc, 5*time.Second); got != tc.want {
			t.Errorf("IdentifyFloor(%d, %d, 5s) = %v, want %v", tc.shards, tc.conc, got, tc.want)
		}
	}
}
