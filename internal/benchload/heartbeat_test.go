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
	checkLegs(t, res)
}

// checkLegs fails unless every round trip of both phases was found in the
// gateway's record and cut into legs that take time.
func checkLegs(t *testing.T, res *HeartbeatResult) {
	t.Helper()
	for _, c := range []struct {
		phase string
		legs  RoundTripLegs
		all   LatencyStats
	}{{"idle", res.Legs.Idle, res.Idle}, {"streaming", res.Legs.Streaming, res.Streaming}} {
		l := c.legs
		if l.Samples != c.all.Samples {
			t.Errorf("%s: %d of %d round trips found in the gateway's record", c.phase, l.Samples, c.all.Samples)
		}
		if l.InGateway.P50Ms <= 0 || l.ToHandling.P50Ms <= 0 || l.ToGateway.MaxMs > c.all.MaxMs {
			t.Errorf("%s: legs %+v do not fit round trips %+v", c.phase, l, c.all)
		}
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
	checkLegs(t, res)
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

// Three heartbeats 50 ms apart; the gateway's record holds the first and
// the third, and a leg whose ACK was written after the report. Each
// round trip is cut at its own heartbeat's leg, the second one is left
// out, and the time to the gateway is what the other legs leave of it.
func TestCutLegsFindsEachRoundTripsOwnHeartbeat(t *testing.T) {
	ms := func(f float64) int64 { return int64(f * float64(time.Millisecond)) }
	legs := []hbLeg{
		{Read: ms(0.2), Written: ms(0.3)},   // heartbeat sent at 0
		{Read: ms(100.5), Written: ms(101)}, // sent at 100
		{Read: ms(130), Written: ms(160)},   // a later one, written after every report
	}
	samples := []hbSample{
		{d: time.Millisecond, at: ms(1)},         // 0.2 to, 0.1 in, 0.7 back
		{d: 2 * time.Millisecond, at: ms(52)},    // sent at 50: not recorded
		{d: 2 * time.Millisecond, at: ms(102)},   // 0.5 to, 0.5 in, 1 back
		{d: time.Millisecond / 2, at: ms(101.5)}, // legs longer than d: to is 0
	}
	got := cutLegs(samples, legs, 50*time.Millisecond)
	want := RoundTripLegs{Samples: 3,
		ToGateway:  latencyStats([]time.Duration{0, 200 * time.Microsecond, 500 * time.Microsecond}),
		InGateway:  latencyStats([]time.Duration{100 * time.Microsecond, 500 * time.Microsecond, 500 * time.Microsecond}),
		ToHandling: latencyStats([]time.Duration{700 * time.Microsecond, time.Millisecond, 500 * time.Microsecond}),
	}
	if got != want {
		t.Errorf("cutLegs =\n%+v, want\n%+v", got, want)
	}
	if got := cutLegs(samples, nil, 50*time.Millisecond); got.Samples != 0 {
		t.Errorf("with no record, %d samples cut", got.Samples)
	}
}
