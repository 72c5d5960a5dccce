package main

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wirecord/wirecord/cluster"
	"github.com/wirecord/wirecord/discordtest"
)

// syncBuffer is an output tests can wait on.
type syncBuffer struct {
	mu      sync.Mutex
	b       bytes.Buffer
	changed chan struct{}
}

func newSyncBuffer() *syncBuffer { return &syncBuffer{changed: make(chan struct{})} }

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n, err := s.b.Write(p)
	close(s.changed)
	s.changed = make(chan struct{})
	return n, err
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitFor waits until the output holds want.
func (s *syncBuffer) waitFor(ctx context.Context, t *testing.T, want string) {
	t.Helper()
	for {
		s.mu.Lock()
		ok := strings.Contains(s.b.String(), want)
		ch := s.changed
		s.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-ch:
		case <-ctx.Done():
			t.Fatalf("output never held %q; it was:\n%s", want, s.String())
		}
	}
}

type running struct {
	stdout, stderr *syncBuffer
	done           chan int
	cancel         context.CancelFunc
}

// start runs a command line in the background.
func start(ctx context.Context, vars map[string]string, args ...string) *running {
	ctx, cancel := context.WithCancel(ctx)
	r := &running{stdout: newSyncBuffer(), stderr: newSyncBuffer(), done: make(chan int, 1), cancel: cancel}
	e := &env{stdout: r.stdout, stderr: r.stderr, getenv: func(k string) string { return vars[k] }, logLevel: 8}
	go func() { r.done <- run(ctx, e, args) }()
	return r
}

// wait waits for the command's exit code.
func (r *running) wait(t *testing.T, ctx context.Context) int {
	t.Helper()
	select {
	case code := <-r.done:
		return code
	case <-ctx.Done():
		t.Fatalf("the command did not end; stderr:\n%s", r.stderr.String())
		return -1
	}
}

func TestNodeRunsShardsAndStatusAndTailSeeThem(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 45*time.Second)
	defer cancel()
	tc, err := cluster.StartTestCluster(ctx, 1, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tc.Shutdown)
	srv := discordtest.NewServer(discordtest.WithShards(2), discordtest.WithMaxConcurrency(2), discordtest.WithGuilds(2, 2))
	t.Cleanup(srv.Close)
	vars := map[string]string{"DISCORD_TOKEN": srv.Token, "DISCORD_API": srv.APIURL}

	node := start(ctx, vars, "node", "--nats", tc.URL(), "--id", "n1", "--lease", "2s")
	node.stdout.waitFor(ctx, t, "node n1: 2 shards in the cluster")
	if _, err := srv.WaitKind(ctx, discordtest.KindIdentified, 2); err != nil {
		t.Fatal(err)
	}

	tail := start(ctx, vars, "tail", "--nats", tc.URL(), "--json", "--from-start", "--events", "READY")
	tail.stdout.waitFor(ctx, t, `"t":"READY","s":1,"shard":0`)
	tail.stdout.waitFor(ctx, t, `"t":"READY","s":1,"shard":1`)
	tail.cancel()
	if code := tail.wait(t, ctx); code != exitOK {
		t.Errorf("tail ended with %d, want 0; stderr:\n%s", code, tail.stderr.String())
	}

	// Status names the node, both shards and their sessions.
	session := srv.ConnForShard(1).SessionID()
	for {
		st := start(ctx, nil, "node", "status", "--nats", tc.URL())
		code := st.wait(t, ctx)
		out := st.stdout.String()
		if code != exitOK {
			t.Fatalf("status ended with %d; stderr:\n%s", code, st.stderr.String())
		}
		if strings.Contains(out, "2 shards, 1 live nodes") && strings.Contains(out, session) {
			for _, want := range []string{"n1", "SHARD", "PUBLISHED SEQ"} {
				if !strings.Contains(out, want) {
					t.Errorf("status does not say %q:\n%s", want, out)
				}
			}
			break
		}
		select {
		case <-ctx.Done():
			t.Fatalf("status never showed the node and shard 1's session %s:\n%s", session, out)
		case <-time.After(50 * time.Millisecond): // sessions are stored at READY: ask again
		}
	}

	// Interrupted, the node hands its shards over and exits 0.
	node.cancel()
	if code := node.wait(t, ctx); code != exitOK {
		t.Errorf("node ended with %d, want 0; stderr:\n%s", code, node.stderr.String())
	}
	if strings.Contains(node.stderr.String()+node.stdout.String(), srv.Token) {
		t.Error("the node printed the token")
	}
}

func TestCommandLineMistakesAreUsageErrors(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	for _, tc := range []struct {
		name string
		vars map[string]string
		args []string
		want string
	}{
		{"no token", nil, []string{"node", "--nats", "nats://127.0.0.1:1"}, "DISCORD_TOKEN"},
		{"bad shards", map[string]string{"DISCORD_TOKEN": "x"}, []string{"node", "--shards", "zero"}, "--shards"},
		{"short lease", map[string]string{"DISCORD_TOKEN": "x"}, []string{"node", "--lease", "10ms"}, "--lease"},
		{"bad replicas", map[string]string{"DISCORD_TOKEN": "x"}, []string{"node", "--replicas", "2"}, "--replicas"},
		{"bad event name", nil, []string{"tail", "--json", "--events", "A.B"}, "--events"},
		{"unknown command", nil, []string{"nodes"}, "unknown command"},
	} {
		r := start(ctx, tc.vars, tc.args...)
		if code := r.wait(t, ctx); code != exitUsage || !strings.Contains(r.stderr.String(), tc.want) {
			t.Errorf("%s: exit %d, stderr %q; want %d and %q", tc.name, code, r.stderr.String(), exitUsage, tc.want)
		}
	}
}

func TestRedactURLDropsCredentials(t *testing.T) {
	got := redactURL("nats://user:secret@a:4222,nats://b:4222")
	if strings.Contains(got, "secret") || !strings.Contains(got, "b:4222") {
		t.Errorf("redactURL = %q", got)
	}
}
