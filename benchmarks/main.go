// Command benchmarks runs the workload of `wirecord bench` through
// wirecord and through other Go libraries for Discord's gateway (disgo,
// discordgo), on the identical byte stream, and prints one comparison
// table. It is a module of its own so that the library gains no
// dependency.
//
//	cd benchmarks && go run . [--events N] [--shards S] [--compress LIST] [--rounds R] [--json]
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/wirecord/wirecord/gateway"
	"github.com/wirecord/wirecord/internal/benchload"
)

// clients are measured in this order: the floors first, since every
// other figure is a ratio to floor-decode.
var clients = []benchload.Client{benchload.FloorInflate, benchload.FloorDecode, benchload.WirecordRaw, benchload.WirecordFields, benchload.Wirecord, disgoClient, discordgoClient}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr, isTerminal(os.Stderr)); err != nil {
		fmt.Fprintln(os.Stderr, "benchmarks:", err)
		os.Exit(1)
	}
}

func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer, progress bool) error {
	fs := flag.NewFlagSet("benchmarks", flag.ContinueOnError)
	fs.SetOutput(stderr)
	events := fs.Int("events", 50000, "MESSAGE_CREATE events streamed per run")
	comps := fs.String("compress", "none,zlib-stream,zstd-stream", "transport compressions, comma-separated (a client that does not speak one is skipped)")
	shards := fs.Int("shards", 0, "also run S idle shards per client after READY and ten ~30 KB GUILD_CREATE each")
	rounds := fs.Int("rounds", 1, "run each cell R times and report the median round (by CPU per event, or peak RSS per shard)")
	only := fs.String("clients", "", "measure only these clients, comma-separated (the floors always run)")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	timeout := fs.Duration("timeout", 5*time.Minute, "give up on one run after this long")
	idle := fs.Duration("idle", 500*time.Millisecond, "with --shards: how long the shards idle before their live heap is read")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg := benchload.Config{Events: *events, Shards: *shards, Rounds: *rounds, Timeout: *timeout, Idle: *idle}
	for _, c := range strings.Split(*comps, ",") {
		cfg.Compressions = append(cfg.Compressions, gateway.Compression(strings.TrimSpace(c)))
	}
	for _, c := range clients {
		if c.Floor || *only == "" || strings.Contains(","+*only+",", ","+c.Name+",") {
			cfg.Clients = append(cfg.Clients, c)
		}
	}
	if progress {
		cfg.Progress = stderr
	}
	rep, err := benchload.Run(ctx, cfg)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	rep.Print(stdout)
	return nil
}
