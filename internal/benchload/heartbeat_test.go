package benchload

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"testing"
	"time"
)

// TestMain serves as the heartbeat measurement's gateway process when a
// test started this binary as one.
func TestMain(m *testing.M) {
	if IsHeartbeatServer() {
		if err := HeartbeatServerMain(os.Stdin, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

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

// The same with the gateway in a process of its own, as wirecord bench
// runs it: events must flow both ways (the handler's credits reach the
// server process, or the stream stalls at the window), and the process
// must be gone when RunHeartbeat returns.
func TestHeartbeatWithTheGatewayInAnotherProcess(t *testing.T) {
	var cmd *exec.Cmd
	res, err := RunHeartbeat(context.Background(), HeartbeatConfig{Samples: 8, Interval: 100 * time.Millisecond, Window: 32, Timeout: time.Minute,
		ServerCommand: func(ctx context.Context) *exec.Cmd {
			cmd = exec.CommandContext(ctx, os.Args[0])
			return cmd
		}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Idle.Samples != 8 || res.Streaming.Samples != 8 {
		t.Errorf("%d idle and %d streaming samples, want 8 each", res.Idle.Samples, res.Streaming.Samples)
	}
	// 32 events would pass without a credit; a streaming phase of 8
	// heartbeats at 100 ms handles far more unless credits are lost.
	if res.Events <= 32 {
		t.Errorf("the streaming phase handled %d events, want more than the window of 32", res.Events)
	}
	if cmd == nil || cmd.ProcessState == nil || !cmd.ProcessState.Exited() {
		t.Errorf("the gateway process was not waited for: %v", cmd)
	}
}

// A gateway process that does not print its URL is an error, not a hang.
func TestHeartbeatGatewayProcessThatPrintsNoURL(t *testing.T) {
	_, err := RunHeartbeat(context.Background(), HeartbeatConfig{Samples: 8, Timeout: time.Minute,
		ServerCommand: func(ctx context.Context) *exec.Cmd { return exec.CommandContext(ctx, "true") }})
	if err == nil {
		t.Fatal("RunHeartbeat succeeded with a gateway process that printed nothing")
	}
	t.Log(err)
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
