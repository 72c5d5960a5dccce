package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"
)

// clusterBinary is the command that holds the cluster commands. It is
// built from the cluster module (which needs NATS), so that wirecord
// itself, and every program built on the library, never links NATS.
const clusterBinary = "wirecord-cluster"

// installCluster says how to get clusterBinary.
const installCluster = "go install github.com/wirecord/wirecord/cluster/cmd/wirecord-cluster@latest" +
	" (in a clone: go install ./cluster/cmd/wirecord-cluster)"

// exitCodeError carries the exit code of a command wirecord ran.
type exitCodeError struct{ code int }

func (e *exitCodeError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// findCluster finds clusterBinary: $WIRECORD_CLUSTER when set, else
// beside the running wirecord (where go install puts both), else on PATH.
func (e *env) findCluster() (string, error) {
	if p := e.getenv("WIRECORD_CLUSTER"); p != "" {
		return p, nil
	}
	if self, err := os.Executable(); err == nil {
		p := filepath.Join(filepath.Dir(self), clusterBinary)
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			return p, nil
		}
	}
	p, err := exec.LookPath(clusterBinary)
	if err != nil {
		return "", fmt.Errorf("this command needs %s, which holds the parts that use NATS and is installed apart: %s", clusterBinary, installCluster)
	}
	return p, nil
}

// runCluster runs clusterBinary with args, its output as wirecord's, and
// returns its exit status. When ctx ends (Ctrl-C, SIGTERM) it is
// interrupted, so that a node hands its shards over before it exits.
func runCluster(ctx context.Context, e *env, args []string) error {
	path, err := e.findCluster()
	if err != nil {
		return err
	}
	argv := append([]string{"--log-level", e.logLevel.String()}, args...)
	if e.stdout == os.Stdout && e.stderr == os.Stderr {
		// Become wirecord-cluster where the system allows it (not on
		// Windows): signals, kill -9 included, then reach the node itself.
		// Where it does not, run it as a child.
		syscall.Exec(path, append([]string{path}, argv...), os.Environ())
	}
	cmd := exec.CommandContext(ctx, path, argv...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, e.stdout, e.stderr
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	// A node's handover is bounded by its lease time; past this, kill it.
	cmd.WaitDelay = time.Minute
	err = cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ee) && ee.ExitCode() >= 0:
		if ee.ExitCode() == exitOK {
			return nil
		}
		return &exitCodeError{ee.ExitCode()}
	case ctx.Err() != nil && errors.As(err, &ee):
		return nil // interrupted, as asked
	}
	return fmt.Errorf("running %s: %w", path, err)
}

func runNode(ctx context.Context, e *env, args []string) error {
	return runCluster(ctx, e, append([]string{"node"}, args...))
}
