//go:build unix

package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/wirecord/wirecord/cluster"
	"github.com/wirecord/wirecord/discordtest"
)

// buildOnce builds wirecord-cluster once for the tests that run it as
// processes.
var buildOnce = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "wirecord-cluster-bin-")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "wirecord-cluster")
	out, err := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		return "", &buildError{string(out), err}
	}
	return bin, nil
})

type buildError struct {
	out string
	err error
}

func (e *buildError) Error() string { return "go build: " + e.err.Error() + "\n" + e.out }

// process is one wirecord-cluster node process.
type process struct {
	id  string
	cmd *exec.Cmd
	out *syncBuffer
}

func startProcess(t *testing.T, bin, id string, env []string, args ...string) *process {
	t.Helper()
	p := &process{id: id, out: newSyncBuffer()}
	p.cmd = exec.Command(bin, append([]string{"node", "--id", id}, args...)...)
	p.cmd.Env = append(os.Environ(), env...)
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		p.cmd.Wait()
		close(done)
	}()
	t.Cleanup(func() {
		p.cmd.Process.Signal(os.Interrupt)
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			p.cmd.Process.Kill()
			<-done
			t.Errorf("node %s did not stop within 10 s of an interrupt:\n%s", id, p.out.String())
		}
	})
	return p
}

func TestThreeNodeProcessesOneKilledWithSIGKILLItsShardsResumeElsewhere(t *testing.T) {
	const shards = 4
	bin, err := buildOnce()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	tc, err := cluster.StartTestCluster(ctx, 1, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tc.Shutdown)
	// max_concurrency 4: the four shards identify at once, so the test
	// needs no identify-queue wait.
	// The three start together, before any of them serves the REST
	// limiter, so each asks GET /gateway/bot alone: the fake allows the
	// three at once (cluster's TestThreeProcessesOnOneTokenNeedOneLimiter
	// measures what the shared limiter changes).
	srv := discordtest.NewServer(discordtest.WithShards(shards), discordtest.WithMaxConcurrency(shards), discordtest.WithGuilds(2*shards, 2),
		discordtest.WithRouteLimit(discordtest.RouteGetGatewayBot, discordtest.RouteLimit{Bucket: "gateway-bot", Limit: 3, Window: 5 * time.Second}))
	t.Cleanup(srv.Close)
	env := []string{"DISCORD_TOKEN=" + srv.Token, "DISCORD_API=" + srv.APIURL}
	var procs []*process
	for _, id := range []string{"p1", "p2", "p3"} {
		procs = append(procs, startProcess(t, bin, id, env, "--nats", tc.URL(), "--lease", "2s", "--shards", "4"))
	}
	nc, err := nats.Connect(tc.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()

	// Every shard runs, with a stored session, none on a node above its
	// fair share (2 of 4 on 3 nodes).
	var st *cluster.Status
	waitStatus := func(what string, ok func(*cluster.Status) bool) {
		t.Helper()
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			st, err = cluster.ReadStatus(ctx, nc, "")
			if err == nil && ok(st) {
				return
			}
			select {
			case <-ctx.Done():
				for _, p := range procs {
					t.Logf("node %s:\n%s", p.id, p.out.String())
				}
				t.Fatalf("not within the test's time: %s (last status %+v, %v)", what, st, err)
			case <-tick.C:
			}
		}
	}
	shared := func(nodes int) func(*cluster.Status) bool {
		return func(st *cluster.Status) bool {
			held := map[string]int{}
			for _, s := range st.Shards {
				if s.Node == "" || s.Session == "" {
					return false
				}
				held[s.Node]++
			}
			for _, n := range held {
				if n > (shards+nodes-1)/nodes {
					return false
				}
			}
			return len(st.Shards) == shards && len(held) <= nodes
		}
	}
	waitStatus("4 shards over 3 node processes", shared(3))

	stop := srv.StartChatter(20)
	defer stop()
	// Kill a process that runs shards, as a crash would.
	victim := procs[slices.IndexFunc(procs, func(p *process) bool {
		return slices.ContainsFunc(st.Shards, func(s cluster.ShardStatus) bool { return s.Node == p.id })
	})]
	var moved []int
	for _, s := range st.Shards {
		if s.Node == victim.id {
			moved = append(moved, s.ID)
		}
	}
	// Once it has published some of the users' messages (READY and the
	// GUILD_CREATEs are 1 to 3), so the new owners resume from the
	// stream's record.
	waitStatus("the victim publishes messages", func(st *cluster.Status) bool {
		for _, s := range st.Shards {
			if slices.Contains(moved, s.ID) && s.PublishedSeq <= 3 {
				return false
			}
		}
		return true
	})
	published := map[int]int64{}
	for _, s := range st.Shards {
		published[s.ID] = s.PublishedSeq
	}
	base := len(srv.Records())
	killed := time.Now()
	if err := victim.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	for _, id := range moved {
		r, err := srv.Wait(ctx, func(r discordtest.Record) bool {
			return r.Seq > base && r.Shard == id && (r.Kind == discordtest.KindResumed || r.Kind == discordtest.KindIdentified)
		})
		if err != nil {
			t.Fatalf("shard %d never came back: %v", id, err)
		}
		if r.Kind != discordtest.KindResumed || strings.Contains(r.Detail, "refused") {
			t.Errorf("shard %d came back with %s (%s), want resumed", id, r.Kind, r.Detail)
		}
		t.Logf("shard %d (published up to %d before the kill): %s %v after the kill", id, published[id], r.Detail, r.Time.Sub(killed).Round(time.Millisecond))
	}
	waitStatus("4 shards over the 2 processes left", func(st *cluster.Status) bool {
		for _, s := range st.Shards {
			if s.Node == victim.id {
				return false
			}
		}
		return shared(2)(st)
	})
	accepted := 0
	for _, r := range srv.Identifies() {
		if r.Accepted {
			accepted++
		}
	}
	if accepted != shards {
		t.Errorf("%d IDENTIFYs accepted, want %d: the moved shards resume", accepted, shards)
	}
	for _, v := range srv.Violations() {
		t.Errorf("violation: %s shard %d: %s", v.Rule, v.Shard, v.Detail)
	}
}
