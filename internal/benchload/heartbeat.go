package benchload

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"os/exec"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wirecord/wirecord/discord"
	"github.com/wirecord/wirecord/gateway"
	"github.com/wirecord/wirecord/shard"
)

// HeartbeatConfig says what RunHeartbeat measures. Zero values mean the
// defaults.
type HeartbeatConfig struct {
	// Samples is how many heartbeat round trips each phase collects.
	// Default 200.
	Samples int
	// Interval is the heartbeat interval the server sends in Hello.
	// Default 50 ms.
	Interval time.Duration
	// Window is how many events may be sent and not yet handled while
	// streaming: the server sends as fast as the shard handles events,
	// with at most Window of them between its socket and the handler, and
	// sends each ACK before its next event. An ACK then waits only for
	// the events already in the socket ahead of it. Default 64.
	Window int
	// Seed chooses the generated messages. Default 1.
	Seed uint64
	// Timeout bounds the run. Default 5 minutes.
	Timeout time.Duration
	// ServerCommand, when set, runs the gateway in another process, as
	// Discord is: the command it returns must start a program whose main
	// calls HeartbeatServerMain when IsHeartbeatServer (wirecord does).
	// Nil runs it in this process, where its goroutines share the
	// shard's processors.
	ServerCommand func(context.Context) *exec.Cmd
}

// LatencyStats summarise one phase's heartbeat round trips.
type LatencyStats struct {
	Samples int     `json:"samples"`
	P50Ms   float64 `json:"p50_ms"`
	P99Ms   float64 `json:"p99_ms"`
	MaxMs   float64 `json:"max_ms"`
}

// HeartbeatResult is one shard's heartbeat round trips idle and while it
// streams events as fast as it handles them.
type HeartbeatResult struct {
	IntervalMs float64      `json:"interval_ms"`
	Window     int          `json:"window"`
	Idle       LatencyStats `json:"idle"`
	Streaming  LatencyStats `json:"streaming"`
	// Events were handled during the streaming phase, EventsPerSecond
	// over its wall time.
	Events          int64   `json:"events"`
	EventsPerSecond float64 `json:"events_per_second"`
	// Reconnects counts connections the shard remade (a zombie, say).
	Reconnects int64 `json:"reconnects"`
	// Legs split each phase's round trips at the gateway, from the
	// times it read each heartbeat and began to write its ACK: what was
	// spent before the gateway read the heartbeat, in the gateway, and
	// from the ACK's writing to the shard's Metrics.Latency report (the
	// shard's own share: its socket, reader and event loop; see
	// cutLegs). The two processes' wall clocks are the machine's one
	// clock.
	Legs struct {
		Idle      RoundTripLegs `json:"idle"`
		Streaming RoundTripLegs `json:"streaming"`
	} `json:"legs"`
	// Source says where the round trips were read.
	Source string `json:"source"`
}

// RoundTripLegs are one phase's round trips cut at the gateway. Samples
// counts the round trips whose heartbeat the gateway's record holds.
type RoundTripLegs struct {
	Samples    int          `json:"samples"`
	ToGateway  LatencyStats `json:"to_gateway"`
	InGateway  LatencyStats `json:"in_gateway"`
	ToHandling LatencyStats `json:"to_handling"`
}

// hbLeg is when the gateway had read one heartbeat and when it began to
// write its ACK (Unix ns, wall clock).
type hbLeg struct{ Read, Written int64 }

// hbSample is one round trip as the shard saw it: its length, and when
// Metrics.Latency was called (Unix ns, wall clock), right after the
// engine read the ACK.
type hbSample struct {
	d  time.Duration
	at int64
}

// cutLegs splits each sample at the gateway's leg for its heartbeat: the
// last one whose ACK's write began by the time the shard reported the
// round trip. The heartbeat was sent d before the report, less the time
// the shard's loop took from reading the ACK to reporting it (the events
// of the same read ahead of it): the leg must have read it no earlier
// than that, give or take half an interval, or the sample is left out.
// The time until the gateway read the heartbeat is what the other two
// legs leave of d (at least 0): a little short, by that same time, which
// the leg back to the shard carries instead.
func cutLegs(samples []hbSample, legs []hbLeg, interval time.Duration) RoundTripLegs {
	var to, in, back []time.Duration
	for _, s := range samples {
		i, found := slices.BinarySearchFunc(legs, s.at, func(l hbLeg, t int64) int { return cmp.Compare(l.Written, t) })
		if found {
			i++
		}
		if i == 0 {
			continue
		}
		l := legs[i-1]
		if l.Read < s.at-int64(s.d)-int64(interval/2) {
			continue // its heartbeat is not in the gateway's record
		}
		g, b := time.Duration(l.Written-l.Read), time.Duration(s.at-l.Written)
		to = append(to, max(s.d-g-b, 0))
		in = append(in, g)
		back = append(back, b)
	}
	return RoundTripLegs{Samples: len(to), ToGateway: latencyStats(to), InGateway: latencyStats(in), ToHandling: latencyStats(back)}
}

// latencySource is HeartbeatResult.Source.
const latencySource = "shard.Metrics.Latency, called once per heartbeat ACK"

// hbMetrics is the shard's Metrics: it keeps the round trips of the phase
// under way. The first ACK of a phase is dropped: its heartbeat may have
// been sent in the previous one.
type hbMetrics struct {
	mu      sync.Mutex
	phase   int // 0: warming up, 1: idle, 2: streaming, 3: done
	skip    bool
	want    int
	samples [3][]hbSample
	full    chan struct{} // signalled when the phase has want samples

	reconnects atomic.Int64
}

func (h *hbMetrics) Latency(_ int, d time.Duration) {
	at := time.Now().UnixNano()
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.skip {
		h.skip = false
		return
	}
	if h.phase < 1 || h.phase > 2 {
		return
	}
	s := &h.samples[h.phase]
	if len(*s) < h.want {
		*s = append(*s, hbSample{d, at})
		if len(*s) == h.want {
			signal(h.full)
		}
	}
}

func (h *hbMetrics) Reconnect(int, string) { h.reconnects.Add(1) }
func (*hbMetrics) Session(int, string)     {}
func (*hbMetrics) QueueDepth(int, int)     {}
func (*hbMetrics) Event(int, string)       {}
func (h *hbMetrics) setPhase(p int)        { h.mu.Lock(); h.phase, h.skip = p, true; h.mu.Unlock() }
func signal(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}
func (h *hbMetrics) phaseSamples(p int) []hbSample {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.samples[p])
}

func durations(s []hbSample) []time.Duration {
	d := make([]time.Duration, len(s))
	for i := range s {
		d[i] = s[i].d
	}
	return d
}

// waitFull waits for the phase under way to have its samples.
func (h *hbMetrics) waitFull(ctx context.Context, fatal <-chan error) error {
	select {
	case <-h.full:
		return nil
	case err := <-fatal:
		return fmt.Errorf("the shard stopped: %w", err)
	case <-ctx.Done():
		return ctx.Err()
	}
}

// RunHeartbeat starts a minimal gateway on 127.0.0.1 (hbServer) with a
// short heartbeat interval and one shard, collects heartbeat round trips
// while the shard idles, then while the server sends it MESSAGE_CREATEs
// (seeded, 1.7 KB on average, decoded by a typed handler) as fast as the
// shard handles them.
func RunHeartbeat(ctx context.Context, cfg HeartbeatConfig) (*HeartbeatResult, error) {
	if cfg.Samples <= 0 {
		cfg.Samples = 200
	}
	if cfg.Interval <= 0 {
		cfg.Interval = 50 * time.Millisecond
	}
	if cfg.Window <= 0 {
		cfg.Window = 64
	}
	if cfg.Seed == 0 {
		cfg.Seed = 1
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 5 * time.Minute
	}
	ctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()

	var srv hbGateway
	var err error
	if cfg.ServerCommand != nil {
		srv, err = startHBProcess(ctx, cfg.ServerCommand(ctx), int(cfg.Interval/time.Millisecond), cfg.Window, cfg.Seed)
	} else if msgs, merr := hbMessages(cfg.Seed); merr != nil {
		err = merr
	} else {
		srv, err = newHBServer(int(cfg.Interval/time.Millisecond), msgs, cfg.Window)
	}
	if err != nil {
		return nil, fmt.Errorf("benchload: heartbeat: %w", err)
	}
	defer srv.Close()

	// The engine lets heartbeats take at most half of the send budget.
	sendLimit := max(gateway.DefaultSendLimit, int(4*time.Minute/cfg.Interval))
	met := &hbMetrics{want: cfg.Samples, full: make(chan struct{}, 1)}
	m, err := shard.NewManager(shard.ManagerConfig{
		Token:      discord.NewToken(Token),
		Intents:    discord.IntentGuilds | discord.IntentGuildMessages | discord.IntentMessageContent,
		ShardCount: 1,
		Gateway:    gateway.Config{URL: srv.url(), Compression: gateway.CompressNone, SendLimit: sendLimit, SendWindow: time.Minute},
		Queue:      instantQueue{1},
		Metrics:    met,
	})
	if err != nil {
		return nil, fmt.Errorf("benchload: heartbeat: %w", err)
	}
	var handled atomic.Int64
	shard.On(m, func(ctx context.Context, e *discord.MessageCreate) {
		handled.Add(1)
		srv.handled()
	})
	if err := m.Start(ctx); err != nil {
		return nil, fmt.Errorf("benchload: heartbeat: start: %w", err)
	}
	defer func() {
		cctx, ccancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer ccancel()
		m.Close(cctx, gateway.CloseEndSession)
	}()
	if err := m.WaitReady(ctx); err != nil {
		return nil, fmt.Errorf("benchload: heartbeat: shard not READY: %w", err)
	}

	met.setPhase(1)
	if err := met.waitFull(ctx, m.Fatal()); err != nil {
		return nil, fmt.Errorf("benchload: heartbeat: idle phase: %w", err)
	}

	met.setPhase(2)
	start := time.Now()
	before := handled.Load()
	srv.startStreaming()
	err = met.waitFull(ctx, m.Fatal())
	took := time.Since(start)
	events := handled.Load() - before
	met.setPhase(3)
	srv.stopStreaming()
	if err != nil {
		return nil, fmt.Errorf("benchload: heartbeat: streaming phase (%d events handled): %w", events, err)
	}
	legs, err := srv.recordedLegs(ctx)
	if err != nil {
		return nil, fmt.Errorf("benchload: heartbeat: the gateway's record: %w", err)
	}
	idle, streaming := met.phaseSamples(1), met.phaseSamples(2)
	res := &HeartbeatResult{
		IntervalMs: float64(cfg.Interval) / float64(time.Millisecond), Window: cfg.Window,
		Idle: latencyStats(durations(idle)), Streaming: latencyStats(durations(streaming)),
		Events: events, EventsPerSecond: float64(events) / took.Seconds(),
		Reconnects: met.reconnects.Load(), Source: latencySource,
	}
	res.Legs.Idle, res.Legs.Streaming = cutLegs(idle, legs, cfg.Interval), cutLegs(streaming, legs, cfg.Interval)
	return res, nil
}

// latencyStats sorts d and reads its percentiles (nearest rank).
func latencyStats(d []time.Duration) LatencyStats {
	if len(d) == 0 {
		return LatencyStats{}
	}
	slices.Sort(d)
	rank := func(p float64) float64 {
		i := int(p*float64(len(d))+0.999999) - 1
		return ms(d[min(max(i, 0), len(d)-1)])
	}
	return LatencyStats{Samples: len(d), P50Ms: rank(0.50), P99Ms: rank(0.99), MaxMs: ms(d[len(d)-1])}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// Print writes the result as one line.
func (r *HeartbeatResult) Print(w io.Writer) {
	fmt.Fprintf(w, "heartbeat round trip: idle p50 %.2f ms p99 %.2f ms; streaming (%.0f events/s) p50 %.2f ms p99 %.2f ms: p99 %+.2f ms\n",
		r.Idle.P50Ms, r.Idle.P99Ms, r.EventsPerSecond, r.Streaming.P50Ms, r.Streaming.P99Ms, r.Streaming.P99Ms-r.Idle.P99Ms)
	li, ls := r.Legs.Idle, r.Legs.Streaming
	fmt.Fprintf(w, "p99 idle -> streaming: until the gateway read the heartbeat %.2f -> %.2f ms, in the gateway %.2f -> %.2f ms, from its ACK to the shard's report %.2f -> %.2f ms\n",
		li.ToGateway.P99Ms, ls.ToGateway.P99Ms, li.InGateway.P99Ms, ls.InGateway.P99Ms, li.ToHandling.P99Ms, ls.ToHandling.P99Ms)
	fmt.Fprintf(w, "(%d samples a phase (%d and %d found in the gateway's record), heartbeat every %g ms, at most %d events queued ahead of an ACK, %d reconnects; round trips from %s)\n",
		r.Idle.Samples, li.Samples, ls.Samples, r.IntervalMs, r.Window, r.Reconnects, r.Source)
}
