package benchload

import (
	"context"
	"testing"
	"time"
)

// TestHeartbeatCollectsBothPhasesAndStreamsEvents runs the heartbeat
// measurement with few samples: each phase must have its samples, and
// the streaming phase must really have delivered events. It judges no
// timing.
func TestHeartbeatCollectsBothPhasesAndStreamsEvents(t *testing.T) {
	res, err := RunHeartbeat(context.Background(), HeartbeatConfig{Samples: 8, Interval: 100 * time.Millisecond, Window: 32, Timeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if res.Idle.Samples != 8 || res.Streaming.Samples != 8 {
		t.Errorf("%d idle and %d streaming samples, want 8 each", res.Idle.Samples, res.Streaming.Samples)
	}
	if res.Idle.P50Ms <= 0 || res.Streaming.P50Ms <= 0 || res.Streaming.P99Ms < res.Streaming.P50Ms {
		t.Errorf("percentiles missing or out of order: %+v", res)
	}
	if res.Events < 1 || res.EventsPerSecond <= 0 {
		t.Errorf("the streaming phase handled %d events (%.0f/s), want some", res.Events, res.EventsPerSecond)
	}
}

func TestLatencyStatsReadsNearestRankPercentiles(t *testing.T) {
	d := make([]time.Duration, 100)
	for i := range d {
		d[i] = time.Duration(100-i) * time.Millisecond // 100 ms down to 1 ms
	}
	got := latencyStats(d)
	if got != (LatencyStats{Samples: 100, P50Ms: 50, P99Ms: 99, MaxMs: 100}) {
		t.Errorf("latencyStats = %+v, want 100 samples, p50 50, p99 99, max 100", got)
	}
	if (latencyStats(nil) != LatencyStats{}) {
		t.Error("no samples: want zero stats")
	}
}
