package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/wirecord/wirecord/gateway"
	"github.com/wirecord/wirecord/internal/benchload"
	"github.com/wirecord/wirecord/shard"
)

func runBench(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "bench", "bench [--events N] [--compress LIST] [--shards S] [--rounds R] [--cpuprofile DIR] [--json]\n"+
		"       wirecord bench --identify S [--max-concurrency M] [--json]\n"+
		"       wirecord bench --heartbeat [--heartbeat-samples N] [--heartbeat-window W] [--heartbeat-in-process] [--json]")
	events := fs.Int("events", 50000, "MESSAGE_CREATE events streamed per run")
	comps := fs.String("compress", "none,zlib-stream,zstd-stream", "transport compressions to measure, comma-separated")
	shards := fs.Int("shards", 0, "also run S idle shards after READY and ten ~30 KB GUILD_CREATE each, and report peak RSS per shard")
	rounds := fs.Int("rounds", 1, "run each client and compression R times and report the median round (by CPU per event, or peak RSS per shard)")
	seed := fs.Uint64("seed", 1, "seed of the generated messages")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	timeout := fs.Duration("timeout", 5*time.Minute, "give up on one run after this long")
	idle := fs.Duration("idle", 500*time.Millisecond, "with --shards: how long the shards idle before their live heap is read")
	profDir := fs.String("cpuprofile", "", "write each streaming run's CPU profile to `DIR`/CLIENT-COMPRESSION.pprof")
	identify := fs.Int("identify", 0, "instead: time S shards from Start to all READY against a fake Discord enforcing the 5 s identify window, next to Discord's floor; fails on any broken rule")
	maxConc := fs.Int("max-concurrency", 4, "with --identify: the max_concurrency GET /gateway/bot says")
	heartbeat := fs.Bool("heartbeat", false, "instead: one shard's heartbeat round trip p50/p99, idle and while it streams events as fast as it handles them (50 ms heartbeats)")
	hbSamples := fs.Int("heartbeat-samples", 200, "with --heartbeat: round trips collected per phase")
	hbWindow := fs.Int("heartbeat-window", 64, "with --heartbeat: events sent and not yet handled, at most, while streaming")
	hbInProcess := fs.Bool("heartbeat-in-process", false, "with --heartbeat: run the gateway in this process (its goroutines then share the shard's processors) instead of in a process of its own, as Discord is")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *identify != 0 || *heartbeat {
		if *identify < 0 || *maxConc < 1 || *hbSamples < 1 || *hbWindow < 1 || *timeout <= 0 {
			return usagef("--identify, --max-concurrency, --heartbeat-samples and --heartbeat-window must be at least 1, --timeout positive")
		}
		hb := benchload.HeartbeatConfig{Samples: *hbSamples, Window: *hbWindow, Seed: *seed, Timeout: *timeout}
		if !*hbInProcess {
			hb.ServerCommand = selfCommand
		}
		return runBenchModes(ctx, e, *identify, *maxConc, *heartbeat, hb, *asJSON)
	}
	if *events < 1 || *shards < 0 || *rounds < 1 || *timeout <= 0 || *idle <= 0 {
		return usagef("--events and --rounds must be at least 1, --shards not negative, --timeout and --idle positive")
	}
	cfg := benchload.Config{Seed: *seed, Events: *events, Shards: *shards, Rounds: *rounds, Timeout: *timeout, Idle: *idle}
	for _, c := range strings.Split(*comps, ",") {
		comp := gateway.Compression(strings.TrimSpace(c))
		switch comp {
		case gateway.CompressNone, gateway.CompressZlib, gateway.CompressZstd:
			cfg.Compressions = append(cfg.Compressions, comp)
		default:
			return usagef("--compress: unknown compression %q: use none, zlib-stream or zstd-stream", c)
		}
	}
	if e.stderrIsTerminal {
		cfg.Progress = e.stderr
	}
	if *profDir != "" {
		if err := os.MkdirAll(*profDir, 0o755); err != nil {
			return fmt.Errorf("--cpuprofile: %w", err)
		}
		cfg.CPUProfile = func(name string) (io.WriteCloser, error) {
			return os.Create(filepath.Join(*profDir, name+".pprof"))
		}
	}
	rep, err := benchload.Run(ctx, cfg)
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return err
		}
	} else {
		rep.Print(e.stdout)
	}
	var failed []string
	for _, r := range rep.Results {
		if r.Err != "" {
			failed = append(failed, r.Client+" "+string(r.Compression))
		}
	}
	for _, r := range rep.Shards {
		if r.Err != "" {
			failed = append(failed, fmt.Sprintf("%s %s %d shards", r.Client, r.Compression, r.Shards))
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("%d runs failed (%s); their errors are in the report", len(failed), strings.Join(failed, ", "))
	}
	return nil
}

// modesReport is the JSON of --identify and --heartbeat.
type modesReport struct {
	Identify  *benchload.IdentifyResult  `json:"identify,omitempty"`
	Heartbeat *benchload.HeartbeatResult `json:"heartbeat,omitempty"`
}

// runBenchModes runs the identify measurement (shards > 0) and the
// heartbeat one, and prints a line for each (or JSON). Broken rules at the
// fake Discord fail the command.
func runBenchModes(ctx context.Context, e *env, shards, maxConc int, heartbeat bool, hb benchload.HeartbeatConfig, asJSON bool) error {
	var rep modesReport
	if shards > 0 {
		if e.stderrIsTerminal {
			floor := benchload.IdentifyFloor(shards, maxConc, shard.IdentifyInterval)
			fmt.Fprintf(e.stderr, "identifying %d shards, max_concurrency %d (at least %v)...\n", shards, maxConc, floor)
		}
		res, err := benchload.RunIdentify(ctx, benchload.IdentifyConfig{Shards: shards, MaxConcurrency: maxConc, Timeout: hb.Timeout})
		if err != nil {
			return fmt.Errorf("bench --identify: %w", err)
		}
		rep.Identify = res
		if !asJSON {
			res.Print(e.stdout)
		}
	}
	if heartbeat {
		if e.stderrIsTerminal {
			fmt.Fprintf(e.stderr, "collecting %d heartbeat round trips idle, then %d streaming...\n", hb.Samples, hb.Samples)
		}
		res, err := benchload.RunHeartbeat(ctx, hb)
		if err != nil {
			return fmt.Errorf("bench --heartbeat: %w", err)
		}
		rep.Heartbeat = res
		if !asJSON {
			res.Print(e.stdout)
		}
	}
	if asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return err
		}
	}
	if rep.Identify != nil && len(rep.Identify.Violations) > 0 {
		return fmt.Errorf("bench --identify: the fake Discord saw %d rules broken (%d of the identify window): %s",
			len(rep.Identify.Violations), rep.Identify.IdentifyViolations, strings.Join(rep.Identify.Violations, "; "))
	}
	return nil
}

// stderrIsTerminal reports whether os.Stderr is a terminal.
func stderrIsTerminal() bool { return isTerminal(os.Stderr) }

// selfCommand runs this program again, as the heartbeat measurement's
// gateway (main checks benchload.IsHeartbeatServer first).
func selfCommand(ctx context.Context) *exec.Cmd {
	self, err := os.Executable()
	if err != nil {
		self = os.Args[0]
	}
	return exec.CommandContext(ctx, self)
}
