package benchload

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/wirecord/wirecord/discord"
	"github.com/wirecord/wirecord/discordtest"
	"github.com/wirecord/wirecord/gateway"
	"github.com/wirecord/wirecord/rest"
	"github.com/wirecord/wirecord/shard"
)

// IdentifyConfig says what RunIdentify measures.
type IdentifyConfig struct {
	// Shards is the shard count, and what GET /gateway/bot recommends.
	Shards int
	// MaxConcurrency is the max_concurrency GET /gateway/bot says.
	// Default 4.
	MaxConcurrency int
	// Timeout bounds the run. Default 5 minutes.
	Timeout time.Duration

	// interval, when set, shortens the identify window the server
	// enforces (default Discord's 5 s), and the Manager gets a LocalQueue
	// of that window plus the default queue's 100 ms margin instead of its
	// default queue. Tests only.
	interval time.Duration
}

// identifyMargin is what shard.LocalQueue adds to the window by default.
const identifyMargin = 100 * time.Millisecond

// IdentifyResult is how long a Manager took to bring every shard to READY
// against a fake Discord that enforces the identify window, next to the
// least time Discord allows.
type IdentifyResult struct {
	Shards         int `json:"shards"`
	MaxConcurrency int `json:"max_concurrency"`
	// Seconds is from Manager.Start to WaitReady returning.
	Seconds float64 `json:"seconds"`
	// FloorSeconds is (ceil(Shards/MaxConcurrency) - 1) x the window: the
	// last wave may identify no sooner. VsFloor is Seconds over it (0 when
	// the floor is 0).
	FloorSeconds    float64 `json:"floor_seconds"`
	IntervalSeconds float64 `json:"interval_seconds"`
	VsFloor         float64 `json:"vs_floor"`
	// Ready is how many distinct shards reported READY; Identifies how
	// many IDENTIFYs the server received (accepted or not).
	Ready      int `json:"ready"`
	Identifies int `json:"identifies"`
	// Violations are the rules the fake Discord saw broken, of which
	// IdentifyViolations were of the identify window.
	Violations         []string `json:"violations"`
	IdentifyViolations int      `json:"identify_violations"`
}

// IdentifyFloor is the least time Discord's identify window allows for
// shards with max_concurrency: one wave of maxConcurrency IDENTIFYs per
// interval, the first at once.
func IdentifyFloor(shards, maxConcurrency int, interval time.Duration) time.Duration {
	if shards < 1 || maxConcurrency < 1 {
		return 0
	}
	waves := (shards + maxConcurrency - 1) / maxConcurrency
	return time.Duration(waves-1) * interval
}

// RunIdentify starts a fake Discord recommending cfg.Shards shards with
// cfg.MaxConcurrency, and a shard.Manager with its default identify queue
// (built from GET /gateway/bot), and measures how long the Manager takes
// from Start until every shard is READY. An error means the run did not
// finish; broken rules are in the result's Violations.
func RunIdentify(ctx context.Context, cfg IdentifyConfig) (*IdentifyResult, error) {
	if cfg.Shards < 1 {
		return nil, fmt.Errorf("benchload: identify: %d shards: want at least 1", cfg.Shards)
	}
	if cfg.MaxConcurrency <= 0 {
		cfg.MaxConcurrency = 4
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 5 * time.Minute
	}
	interval := shard.IdentifyInterval
	opts := []discordtest.Option{discordtest.WithShards(cfg.Shards), discordtest.WithMaxConcurrency(cfg.MaxConcurrency)}
	var queue shard.IdentifyQueue // nil: the Manager's default
	if cfg.interval > 0 {
		interval = cfg.interval
		opts = append(opts, discordtest.WithIdentifyInterval(interval))
		queue = shard.NewLocalQueue(cfg.MaxConcurrency, shard.WithInterval(interval+identifyMargin))
	}
	srv, err := discordtest.Start(opts...)
	if err != nil {
		return nil, fmt.Errorf("benchload: identify: %w", err)
	}
	defer srv.Close()

	ctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()
	m, err := shard.NewManager(shard.ManagerConfig{
		Token:      discord.NewToken(srv.Token),
		Intents:    discord.IntentGuilds,
		ShardCount: cfg.Shards,
		REST:       rest.New(srv.Token, rest.WithBaseURL(srv.APIURL)),
		Queue:      queue,
	})
	if err != nil {
		return nil, fmt.Errorf("benchload: identify: %w", err)
	}
	var mu sync.Mutex
	ready := map[int]bool{}
	m.OnEvent(func(ctx context.Context, ev shard.Event) {
		if r, ok := ev.(*shard.Ready); ok {
			mu.Lock()
			ready[r.ShardID] = true
			mu.Unlock()
		}
	})
	start := time.Now()
	if err := m.Start(ctx); err != nil {
		return nil, fmt.Errorf("benchload: identify: start: %w", err)
	}
	waitErr := m.WaitReady(ctx)
	took := time.Since(start)
	cctx, ccancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer ccancel()
	m.Close(cctx, gateway.CloseEndSession)
	if waitErr != nil {
		return nil, fmt.Errorf("benchload: identify: %d shards not all READY after %v: %w", cfg.Shards, took.Round(time.Millisecond), waitErr)
	}

	floor := IdentifyFloor(cfg.Shards, cfg.MaxConcurrency, interval)
	res := &IdentifyResult{
		Shards: cfg.Shards, MaxConcurrency: cfg.MaxConcurrency,
		Seconds: took.Seconds(), FloorSeconds: floor.Seconds(), IntervalSeconds: interval.Seconds(),
		Identifies: len(srv.Identifies()), Violations: []string{},
	}
	if floor > 0 {
		res.VsFloor = took.Seconds() / floor.Seconds()
	}
	mu.Lock()
	res.Ready = len(ready)
	mu.Unlock()
	for _, v := range srv.Violations() {
		res.Violations = append(res.Violations, fmt.Sprintf("shard %d: %s: %s", v.Shard, v.Rule, v.Detail))
		if v.Rule == discordtest.RuleIdentifyConcurrency {
			res.IdentifyViolations++
		}
	}
	return res, nil
}

// Print writes the result as one line, then any violation.
func (r *IdentifyResult) Print(w io.Writer) {
	fmt.Fprintf(w, "%d shards, max_concurrency %d: all READY in %.2f s; Discord's floor (%d/%d rounded up - 1) x %g s = %.2f s: %s; identify violations: %d",
		r.Shards, r.MaxConcurrency, r.Seconds, r.Shards, r.MaxConcurrency, r.IntervalSeconds, r.FloorSeconds, ratio(r.VsFloor), r.IdentifyViolations)
	if other := len(r.Violations) - r.IdentifyViolations; other > 0 {
		fmt.Fprintf(w, ", other violations: %d", other)
	}
	fmt.Fprintln(w)
	for _, v := range r.Violations {
		fmt.Fprintln(w, "violation:", v)
	}
}
