package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/wirecord/wirecord/gateway"
	"github.com/wirecord/wirecord/internal/benchload"
)

func runBench(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "bench", "bench [--events N] [--compress LIST] [--shards S] [--rounds R] [--cpuprofile DIR] [--json]")
	events := fs.Int("events", 50000, "MESSAGE_CREATE events streamed per run")
	comps := fs.String("compress", "none,zlib-stream,zstd-stream", "transport compressions to measure, comma-separated")
	shards := fs.Int("shards", 0, "also run S idle shards after READY and ten ~30 KB GUILD_CREATE each, and report peak RSS per shard")
	rounds := fs.Int("rounds", 1, "run each client and compression R times and report the median round (by CPU per event, or peak RSS per shard)")
	seed := fs.Uint64("seed", 1, "seed of the generated messages")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	timeout := fs.Duration("timeout", 5*time.Minute, "give up on one run after this long")
	idle := fs.Duration("idle", 500*time.Millisecond, "with --shards: how long the shards idle before their live heap is read")
	profDir := fs.String("cpuprofile", "", "write each streaming run's CPU profile to `DIR`/CLIENT-COMPRESSION.pprof")
	if err := parseFlags(fs, args); err != nil {
		return err
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

// stderrIsTerminal reports whether os.Stderr is a terminal.
func stderrIsTerminal() bool { return isTerminal(os.Stderr) }
