package benchload

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"runtime/pprof"
	"slices"
	"sync"
	"time"

	"github.com/wirecord/wirecord/gateway"
)

// Config says what Run measures. Zero values mean the defaults.
type Config struct {
	// Seed chooses the generated messages. Default 1.
	Seed uint64
	// Events is how many MESSAGE_CREATE each streaming run delivers.
	// Default 50000. Zero with Shards > 0 and NoStream skips streaming.
	Events int
	// NoStream skips the streaming runs (only the shard run).
	NoStream bool
	// Compressions to measure, in order. Default: none, zlib-stream,
	// zstd-stream.
	Compressions []gateway.Compression
	// Clients to measure, in order. Default: FloorInflate, FloorDecode,
	// WirecordRaw, WirecordFields, Wirecord. Floors take no part in the
	// shard run.
	Clients []Client
	// Rounds runs each (client, compression) this many times, the clients
	// of a compression interleaved (each once, then again), and reports
	// the round with the median CPU per event, and the median of its
	// ratios to floor-decode within a round (for a shard run, the median
	// peak RSS per shard). Default 1.
	Rounds int
	// Shards, when positive, adds a shard run per client and compression:
	// Shards idle shards in one process after READY and GuildsPerShard
	// GUILD_CREATE (about 30 KB each, default 10).
	Shards         int
	GuildsPerShard int
	// Idle is how long the shards idle after the last GUILD_CREATE before
	// their live heap is read. Default 500 ms.
	Idle time.Duration
	// Timeout bounds one run. Default 5 minutes.
	Timeout time.Duration
	// Progress, when set, receives a progress line, redrawn in place
	// (a terminal's stderr).
	Progress io.Writer
	// CPUProfile, when set, is asked for a writer for each streaming
	// run's CPU profile (runtime/pprof, the streaming phase only), named
	// for the client and compression ("wirecord-zstd-stream").
	CPUProfile func(name string) (io.WriteCloser, error)
}

func (c *Config) defaults() {
	if c.Seed == 0 {
		c.Seed = 1
	}
	if c.Events <= 0 {
		c.Events = 50000
	}
	if len(c.Compressions) == 0 {
		c.Compressions = Compressions
	}
	if len(c.Clients) == 0 {
		c.Clients = []Client{FloorInflate, FloorDecode, WirecordRaw, WirecordFields, Wirecord}
	}
	if c.Rounds <= 0 {
		c.Rounds = 1
	}
	if c.GuildsPerShard <= 0 {
		c.GuildsPerShard = 10
	}
	if c.Timeout <= 0 {
		c.Timeout = 5 * time.Minute
	}
	if c.Idle <= 0 {
		c.Idle = 500 * time.Millisecond
	}
}

// Report is what Run measured.
type Report struct {
	Taken     time.Time `json:"taken"`
	GoVersion string    `json:"go_version"`
	OS        string    `json:"os"`
	Arch      string    `json:"arch"`
	CPUs      int       `json:"cpus"`
	Seed      uint64    `json:"seed"`
	Events    int       `json:"events"`
	Rounds    int       `json:"rounds"`
	// Streams describe the byte streams, one per compression.
	Streams []StreamInfo  `json:"streams"`
	Results []Result      `json:"results"`
	Shards  []ShardResult `json:"shards,omitempty"`
}

// StreamInfo describes one compression's stream of events.
type StreamInfo struct {
	Compression gateway.Compression `json:"compression"`
	Events      int                 `json:"events"`
	// JSONBytesPerEvent and WireBytesPerEvent are averages.
	JSONBytesPerEvent float64 `json:"json_bytes_per_event"`
	WireBytesPerEvent float64 `json:"wire_bytes_per_event"`
}

// Result is one client streaming one compression.
type Result struct {
	Client      string              `json:"client"`
	Compression gateway.Compression `json:"compression"`
	Events      int                 `json:"events"`
	Delivered   int64               `json:"delivered"`
	Seconds     float64             `json:"seconds"`
	// EventsPerSecond is delivered events over the streaming phase's wall
	// time; CPUMicrosPerEvent the process's user+sys CPU over the same
	// phase per event (the server only copies pre-built bytes).
	EventsPerSecond   float64 `json:"events_per_second"`
	CPUMicrosPerEvent float64 `json:"cpu_us_per_event"`
	AllocsPerEvent    float64 `json:"allocs_per_event"`
	BytesPerEvent     float64 `json:"alloc_bytes_per_event"`
	// GCsPer1000 is garbage-collection cycles per thousand events.
	GCsPer1000 float64 `json:"gcs_per_1000_events"`
	// PeakRSSMiB is the process's peak resident memory during the run,
	// less the server's pre-built stream.
	PeakRSSMiB float64 `json:"peak_rss_mib"`
	// VsFloorDecode is CPUMicrosPerEvent over floor-decode's on the same
	// compression in the same run (0 without a floor-decode result).
	VsFloorDecode float64 `json:"vs_floor_decode,omitempty"`
	Err           string  `json:"error,omitempty"`
}

// ShardResult is one client running idle shards.
type ShardResult struct {
	Client      string              `json:"client"`
	Compression gateway.Compression `json:"compression"`
	Shards      int                 `json:"shards"`
	Guilds      int                 `json:"guild_creates"`
	Delivered   int64               `json:"delivered"`
	// Seconds is the time from start until every GUILD_CREATE was
	// delivered.
	Seconds float64 `json:"seconds"`
	// PeakRSSPerShardKiB is the rise of the process's peak RSS over its
	// RSS before the shards started, per shard. HeapPerShardKiB is the
	// live heap after a GC while idle, over the heap before, per shard.
	PeakRSSPerShardKiB float64 `json:"peak_rss_per_shard_kib"`
	HeapPerShardKiB    float64 `json:"heap_per_shard_kib"`
	PeakRSSMiB         float64 `json:"peak_rss_mib"`
	Err                string  `json:"error,omitempty"`
}

// Run measures cfg.Clients on each compression.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	cfg.defaults()
	srv, err := NewServer()
	if err != nil {
		return nil, err
	}
	defer srv.Close()
	rep := &Report{Taken: time.Now().UTC(), GoVersion: runtime.Version(), OS: runtime.GOOS, Arch: runtime.GOARCH,
		CPUs: runtime.NumCPU(), Seed: cfg.Seed, Events: cfg.Events, Rounds: cfg.Rounds}
	if !cfg.NoStream {
		for _, comp := range cfg.Compressions {
			st, err := MessageStream(cfg.Seed, cfg.Events, comp, srv.URL)
			if err != nil {
				return nil, err
			}
			rep.Streams = append(rep.Streams, StreamInfo{Compression: comp, Events: st.Events,
				JSONBytesPerEvent: float64(st.EventBytes) / float64(st.Events),
				WireBytesPerEvent: float64(st.WireBytes) / float64(st.Events)})
			// Rounds are interleaved (every client once, then again), so
			// that a slow minute of the machine falls on every client
			// alike, and each ratio is taken within its round.
			var clients []Client
			for _, c := range cfg.Clients {
				if c.Supports(comp) {
					clients = append(clients, c)
				}
			}
			rounds := make([][]Result, len(clients))
			for range cfg.Rounds {
				for i, c := range clients {
					rounds[i] = append(rounds[i], streamRun(ctx, cfg, srv, st, c))
					if ctx.Err() != nil {
						break
					}
				}
				if ctx.Err() != nil {
					break
				}
			}
			st.Release()
			rep.Results = append(rep.Results, medianRounds(rounds)...)
			if ctx.Err() != nil {
				return rep, ctx.Err()
			}
		}
	}
	if cfg.Shards > 0 {
		for _, comp := range cfg.Compressions {
			streams := make([]*Stream, cfg.Shards)
			release := func() {
				for _, st := range streams {
					if st != nil {
						st.Release()
					}
				}
			}
			for id := range streams {
				st, err := ShardStream(cfg.Seed, id, cfg.Shards, cfg.GuildsPerShard, comp, srv.URL)
				if err != nil {
					release()
					return nil, err
				}
				streams[id] = st
			}
			for _, c := range cfg.Clients {
				if c.Floor || !c.Supports(comp) {
					continue
				}
				rounds := make([]ShardResult, 0, cfg.Rounds)
				for range cfg.Rounds {
					rounds = append(rounds, shardRun(ctx, cfg, srv, streams, c))
					if ctx.Err() != nil {
						break
					}
				}
				rep.Shards = append(rep.Shards, medianShard(rounds))
				if ctx.Err() != nil {
					release()
					return rep, ctx.Err()
				}
			}
			release()
		}
	}
	return rep, nil
}

// medianRounds returns, per client, its round with the median CPU per
// event, with VsFloorDecode the median of its ratios to floor-decode's
// CPU in the same round (rounds[i][r] is client i's round r).
func medianRounds(rounds [][]Result) []Result {
	floor := -1
	for i, rs := range rounds {
		if len(rs) > 0 && rs[0].Client == FloorDecode.Name {
			floor = i
		}
	}
	out := make([]Result, 0, len(rounds))
	for _, rs := range rounds {
		var ratios []float64
		for r, x := range rs {
			if floor >= 0 && r < len(rounds[floor]) && x.Err == "" && rounds[floor][r].Err == "" && rounds[floor][r].CPUMicrosPerEvent > 0 {
				ratios = append(ratios, x.CPUMicrosPerEvent/rounds[floor][r].CPUMicrosPerEvent)
			}
		}
		if len(rs) == 0 {
			continue
		}
		m := median(slices.Clone(rs))
		if m.Err == "" && len(ratios) > 0 {
			slices.Sort(ratios)
			m.VsFloorDecode = ratios[len(ratios)/2]
		}
		out = append(out, m)
	}
	return out
}

// median returns the round with the median CPU per event; a failed round
// wins, so that a failure is never hidden.
func median(rs []Result) Result {
	for _, r := range rs {
		if r.Err != "" {
			return r
		}
	}
	slices.SortFunc(rs, func(a, b Result) int {
		switch {
		case a.CPUMicrosPerEvent < b.CPUMicrosPerEvent:
			return -1
		case a.CPUMicrosPerEvent > b.CPUMicrosPerEvent:
			return 1
		}
		return 0
	})
	return rs[len(rs)/2]
}

// medianShard returns the round with the median peak RSS per shard; a
// failed round wins.
func medianShard(rs []ShardResult) ShardResult {
	for _, r := range rs {
		if r.Err != "" {
			return r
		}
	}
	slices.SortFunc(rs, func(a, b ShardResult) int {
		switch {
		case a.PeakRSSPerShardKiB < b.PeakRSSPerShardKiB:
			return -1
		case a.PeakRSSPerShardKiB > b.PeakRSSPerShardKiB:
			return 1
		}
		return 0
	})
	return rs[len(rs)/2]
}

// sample is what the process has used so far.
type sample struct {
	at          time.Time
	cpu         time.Duration
	allocs      uint64
	allocBytes  uint64
	heapObjects uint64
	gcs         uint64
}

var sampleNames = []string{"/gc/heap/allocs:objects", "/gc/heap/allocs:bytes", "/memory/classes/heap/objects:bytes", "/gc/cycles/total:gc-cycles"}

func takeSample() sample {
	ms := make([]metrics.Sample, len(sampleNames))
	for i, n := range sampleNames {
		ms[i].Name = n
	}
	metrics.Read(ms)
	cpu, _ := processCPU()
	return sample{at: time.Now(), cpu: cpu, allocs: ms[0].Value.Uint64(), allocBytes: ms[1].Value.Uint64(),
		heapObjects: ms[2].Value.Uint64(), gcs: ms[3].Value.Uint64()}
}

// settle leaves the heap as small as it gets between runs.
func settle() {
	runtime.GC()
	debug.FreeOSMemory()
}

// started runs c in the background and returns its session and a way to
// stop it and collect its error.
func started(ctx context.Context, srv *Server, st *Stream, c Client, shards, want int) (*Session, <-chan error, context.CancelFunc) {
	sess := newSession(srv, st, shards, want)
	cctx, cancel := context.WithCancel(ctx)
	errc := make(chan error, 1)
	go func() { errc <- c.Run(cctx, sess) }()
	return sess, errc, cancel
}

// stop ends the client and waits for it a while.
func stop(cancel context.CancelFunc, errc <-chan error) error {
	cancel()
	select {
	case err := <-errc:
		return err
	case <-time.After(30 * time.Second):
		return errors.New("benchload: the client did not stop within 30 s of its context ending")
	}
}

// progress redraws a line with the deliveries until done is closed.
func progress(w io.Writer, label string, sess *Session, done <-chan struct{}) (wait func()) {
	if w == nil {
		return func() {}
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				fmt.Fprint(w, "\r\x1b[K")
				return
			case <-t.C:
				fmt.Fprintf(w, "\r\x1b[Kbench: %s %d/%d", label, sess.Delivered(), sess.Want)
			}
		}
	}()
	return wg.Wait
}

// await waits for ch, the client's failure, the timeout or ctx.
func await(ctx context.Context, ch <-chan struct{}, errc <-chan error, timeout <-chan time.Time, what string) error {
	select {
	case <-ch:
		return nil
	case err := <-errc:
		if err == nil {
			err = errors.New("the client stopped")
		}
		return fmt.Errorf("%s: %w", what, err)
	case <-timeout:
		return fmt.Errorf("%s: timed out", what)
	case <-ctx.Done():
		return ctx.Err()
	}
}

func streamRun(ctx context.Context, cfg Config, srv *Server, st *Stream, c Client) Result {
	res := Result{Client: c.Name, Compression: st.Compression, Events: st.Events}
	release := srv.serve([]*Stream{st}, true, 1)
	settle()
	resetPeakRSS()
	timeout := time.After(cfg.Timeout)
	sess, errc, cancel := started(ctx, srv, st, c, 1, st.Events)
	fail := func(err error) Result {
		release()
		stop(cancel, errc)
		srv.dropAll()
		res.Delivered = sess.Delivered()
		res.Err = err.Error()
		return res
	}
	if err := await(ctx, sess.ready, errc, timeout, "waiting for READY"); err != nil {
		return fail(err)
	}
	done := make(chan struct{})
	wait := progress(cfg.Progress, c.Name+" "+string(st.Compression), sess, done)
	var prof io.WriteCloser
	if cfg.CPUProfile != nil {
		w, err := cfg.CPUProfile(c.Name + "-" + string(st.Compression))
		if err != nil {
			return fail(err)
		}
		if err := pprof.StartCPUProfile(w); err != nil {
			w.Close()
			return fail(err)
		}
		prof = w
	}
	t0 := takeSample()
	release()
	err := await(ctx, sess.done, errc, timeout, "streaming")
	t1 := takeSample()
	if prof != nil {
		pprof.StopCPUProfile()
		if cerr := prof.Close(); cerr != nil && err == nil {
			err = cerr
		}
	}
	close(done)
	wait()
	if err != nil {
		return fail(err)
	}
	_, peak, _ := rss()
	if serr := stop(cancel, errc); serr != nil && !errors.Is(serr, context.Canceled) {
		res.Err = "stopping: " + serr.Error()
	}
	srv.dropAll()
	if err := srv.check(ctx, 1); err != nil {
		res.Err = err.Error()
	}
	n := float64(sess.Delivered())
	res.Delivered = sess.Delivered()
	wall := t1.at.Sub(t0.at)
	res.Seconds = wall.Seconds()
	res.EventsPerSecond = n / wall.Seconds()
	res.CPUMicrosPerEvent = float64((t1.cpu - t0.cpu).Microseconds()) / n
	res.AllocsPerEvent = float64(t1.allocs-t0.allocs) / n
	res.BytesPerEvent = float64(t1.allocBytes-t0.allocBytes) / n
	res.GCsPer1000 = float64(t1.gcs-t0.gcs) / n * 1000
	res.PeakRSSMiB = float64(int64(peak)-int64(st.Size())) / (1 << 20)
	return res
}

func shardRun(ctx context.Context, cfg Config, srv *Server, streams []*Stream, c Client) ShardResult {
	st := streams[0]
	res := ShardResult{Client: c.Name, Compression: st.Compression, Shards: cfg.Shards, Guilds: st.Events}
	want := cfg.Shards * st.Events
	size := 0
	for _, s := range streams {
		size += s.Size()
	}
	srv.serve(streams, false, cfg.Shards)
	settle()
	resetPeakRSS()
	base, _, _ := rss()
	before := takeSample()
	timeout := time.After(cfg.Timeout)
	sess, errc, cancel := started(ctx, srv, st, c, cfg.Shards, want)
	done := make(chan struct{})
	wait := progress(cfg.Progress, fmt.Sprintf("%s %s %d shards: GUILD_CREATE", c.Name, st.Compression, cfg.Shards), sess, done)
	err := await(ctx, sess.done, errc, timeout, "waiting for every GUILD_CREATE")
	close(done)
	wait()
	res.Delivered = sess.Delivered()
	if err != nil {
		stop(cancel, errc)
		srv.dropAll()
		res.Err = err.Error()
		return res
	}
	res.Seconds = time.Since(before.at).Seconds()
	// Idle: let the shards settle, then see what stays.
	select {
	case <-time.After(cfg.Idle):
	case <-ctx.Done():
	}
	runtime.GC()
	after := takeSample()
	_, peak, _ := rss()
	if serr := stop(cancel, errc); serr != nil && !errors.Is(serr, context.Canceled) {
		res.Err = "stopping: " + serr.Error()
	}
	srv.dropAll()
	if err := srv.check(ctx, cfg.Shards); err != nil {
		res.Err = err.Error()
	}
	res.PeakRSSPerShardKiB = float64(int64(peak)-int64(base)) / float64(cfg.Shards) / 1024
	res.HeapPerShardKiB = float64(int64(after.heapObjects)-int64(before.heapObjects)) / float64(cfg.Shards) / 1024
	res.PeakRSSMiB = float64(int64(peak)-int64(size)) / (1 << 20)
	return res
}
