// Command wirecord is the command-line face of the wirecord library.
//
//	wirecord demo      run a sharded bot against an embedded fake Discord
//	wirecord tail      print messages (or every event) from a bot's gateway
//	wirecord gateway   show what GET /gateway/bot says for a token
//	wirecord fake      run the fake Discord standalone
//	wirecord bench     measure events/s, CPU, allocations and memory per event and per shard;
//	                   --identify: time to all READY; --heartbeat: heartbeat round trips
//	wirecord node      run a cluster node on NATS (runs wirecord-cluster)
//
// Every command takes --help.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/wirecord/wirecord/internal/benchload"
)

// Exit codes.
const (
	exitOK    = 0
	exitError = 1 // the command failed: a fatal gateway close, a REST error
	exitUsage = 2 // bad flags or missing configuration
)

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, env *env, args []string) error
}

var commands = []command{
	{"demo", "run a sharded bot against an embedded fake Discord (no token, no network)", runDemo},
	{"tail", "print messages, or every event with --json, from a bot's gateway", runTail},
	{"gateway", "show the gateway URL, recommended shards and session start budget for a token", runGateway},
	{"fake", "run the fake Discord (gateway and REST) until interrupted", runFake},
	{"bench", "measure CPU, allocations and memory per event and per shard against the floors", runBench},
	{"node", "run a node of a bot's cluster on NATS; 'node status' shows who runs which shard (runs wirecord-cluster)", runNode},
}

// env is what a command may touch: output streams and the environment,
// injectable for tests.
type env struct {
	stdout, stderr io.Writer
	getenv         func(string) string
	// isTerminal reports whether stdout is a terminal, stderrIsTerminal
	// whether stderr is (for progress lines).
	isTerminal       bool
	stderrIsTerminal bool
	logLevel         slog.Level
}

func (e *env) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: e.logLevel}))
}

// usageError is a problem with how the command was called.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

func main() {
	serveHeartbeatGateway()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	e := &env{stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv, isTerminal: isTerminal(os.Stdout),
		stderrIsTerminal: stderrIsTerminal()}
	os.Exit(run(ctx, e, os.Args[1:]))
}

// serveHeartbeatGateway serves and exits if wirecord bench --heartbeat
// started this process as its gateway (see selfCommand).
func serveHeartbeatGateway() {
	if !benchload.IsHeartbeatServer() {
		return
	}
	if err := benchload.HeartbeatServerMain(os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "wirecord:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// run runs the command line args and returns the exit code.
func run(ctx context.Context, e *env, args []string) int {
	global := flag.NewFlagSet("wirecord", flag.ContinueOnError)
	global.SetOutput(e.stderr)
	level := global.String("log-level", "warn", "log level: debug, info, warn or error")
	global.Usage = func() { printUsage(e.stderr) }
	if err := global.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if err := e.logLevel.UnmarshalText([]byte(*level)); err != nil {
		fmt.Fprintf(e.stderr, "wirecord: bad --log-level %q: use debug, info, warn or error\n", *level)
		return exitUsage
	}
	rest := global.Args()
	if len(rest) == 0 {
		printUsage(e.stderr)
		return exitUsage
	}
	name, cargs := rest[0], rest[1:]
	if name == "help" {
		printUsage(e.stdout)
		return exitOK
	}
	for _, c := range commands {
		if c.name != name {
			continue
		}
		err := c.run(ctx, e, cargs)
		var ue *usageError
		var ec *exitCodeError
		switch {
		case err == nil, errors.Is(err, flag.ErrHelp):
			return exitOK
		case errors.As(err, &ec):
			return ec.code // wirecord-cluster said why
		case errors.As(err, &ue):
			fmt.Fprintf(e.stderr, "wirecord %s: %v\n", name, err)
			return exitUsage
		default:
			fmt.Fprintf(e.stderr, "wirecord %s: %v\n", name, err)
			return exitError
		}
	}
	fmt.Fprintf(e.stderr, "wirecord: unknown command %q\n\n", name)
	printUsage(e.stderr)
	return exitUsage
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "usage: wirecord [--log-level LEVEL] COMMAND [flags]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "commands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run 'wirecord COMMAND --help' for a command's flags. Start with: wirecord demo")
}

// newFlags returns a flag set for a subcommand whose --help prints a
// summary and the flags.
func newFlags(e *env, name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "usage: wirecord %s\n\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args, turning flag errors into usage errors (the flag
// package already printed them).
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usagef("%v", err)
	}
	if fs.NArg() > 0 {
		return usagef("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	return nil
}
