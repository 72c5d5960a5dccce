// Command wirecord-cluster runs a bot's shards across machines on NATS:
//
//	wirecord-cluster node          run a node: claim a fair share of the shards, resume moved ones
//	wirecord-cluster node status   which node runs which shard, lease ages, sessions, sequences
//	wirecord-cluster tail          print the events the nodes publish to the stream
//
// It lives in the cluster module, so that the wirecord command (and the
// library) never pull NATS in; `wirecord node` and `wirecord tail --nats`
// run it when it is installed beside wirecord or on PATH:
//
//	go install github.com/wirecord/wirecord/cluster/cmd/wirecord-cluster@latest
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
)

// Exit codes, as for wirecord.
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
)

// env is what a command may touch, injectable for tests.
type env struct {
	stdout, stderr io.Writer
	getenv         func(string) string
	logLevel       slog.Level
}

func (e *env) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: e.logLevel}))
}

// usageError is a problem with how the command was called.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	e := &env{stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv}
	os.Exit(run(ctx, e, os.Args[1:]))
}

const usage = `usage: wirecord-cluster [--log-level LEVEL] COMMAND [flags]

commands:
  node          run a node of the bot's cluster (embedded NATS unless --nats)
  node status   show which node runs which shard, lease ages, sessions and sequences
  tail          print the events in the cluster's stream

Run 'wirecord-cluster COMMAND --help' for a command's flags.
`

func run(ctx context.Context, e *env, args []string) int {
	global := flag.NewFlagSet("wirecord-cluster", flag.ContinueOnError)
	global.SetOutput(e.stderr)
	level := global.String("log-level", "info", "log level: debug, info, warn or error")
	global.Usage = func() { fmt.Fprint(e.stderr, usage) }
	if err := global.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if err := e.logLevel.UnmarshalText([]byte(*level)); err != nil {
		fmt.Fprintf(e.stderr, "wirecord-cluster: bad --log-level %q: use debug, info, warn or error\n", *level)
		return exitUsage
	}
	rest := global.Args()
	if len(rest) == 0 {
		fmt.Fprint(e.stderr, usage)
		return exitUsage
	}
	var (
		name string
		cmd  func(context.Context, *env, []string) error
	)
	switch {
	case rest[0] == "node" && len(rest) > 1 && rest[1] == "status":
		name, cmd, rest = "node status", runStatus, rest[2:]
	case rest[0] == "node":
		name, cmd, rest = "node", runNode, rest[1:]
	case rest[0] == "tail":
		name, cmd, rest = "tail", runTail, rest[1:]
	case rest[0] == "help":
		fmt.Fprint(e.stdout, usage)
		return exitOK
	default:
		fmt.Fprintf(e.stderr, "wirecord-cluster: unknown command %q\n\n%s", rest[0], usage)
		return exitUsage
	}
	err := cmd(ctx, e, rest)
	var ue *usageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintf(e.stderr, "wirecord %s: %v\n", name, err)
		return exitUsage
	default:
		fmt.Fprintf(e.stderr, "wirecord %s: %v\n", name, err)
		return exitError
	}
}

// newFlags returns a subcommand's flag set, whose --help prints the
// synopsis and the flags.
func newFlags(e *env, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(synopsis, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "usage: wirecord %s\n\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

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
