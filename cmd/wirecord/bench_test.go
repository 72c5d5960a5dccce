package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wirecord/wirecord/internal/benchload"
)

// TestBenchDeliversEveryEventToEveryClient runs `wirecord bench` with a
// tiny workload and checks the report's shape: a result for every client
// and compression, each having delivered every event, and a shard run per
// compression that delivered every GUILD_CREATE. It counts, it does not
// judge timings.
func TestBenchDeliversEveryEventToEveryClient(t *testing.T) {
	start := time.Now()
	r := runCmd(t, nil, "bench", "--events", "120", "--shards", "2", "--idle", "50ms", "--json")
	if r.code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	var rep benchload.Report
	if err := json.Unmarshal([]byte(r.stdout.String()), &rep); err != nil {
		t.Fatalf("the report is not JSON: %v\n%s", err, r.stdout)
	}
	clients := []string{"floor-inflate", "floor-decode", "wirecord-raw", "wirecord-fields", "wirecord"}
	comps := []string{"none", "zlib-stream", "zstd-stream"}
	if len(rep.Results) != len(clients)*len(comps) || len(rep.Streams) != len(comps) {
		t.Fatalf("%d results and %d streams, want %d and %d", len(rep.Results), len(rep.Streams), len(clients)*len(comps), len(comps))
	}
	for i, res := range rep.Results {
		want := clients[i%len(clients)] + " " + comps[i/len(clients)]
		if got := res.Client + " " + string(res.Compression); got != want {
			t.Errorf("result %d is %s, want %s", i, got, want)
		}
		if res.Err != "" || res.Events != 120 || res.Delivered != 120 {
			t.Errorf("%s: delivered %d of %d events, error %q", want, res.Delivered, res.Events, res.Err)
		}
		if res.EventsPerSecond <= 0 || res.CPUMicrosPerEvent <= 0 || res.PeakRSSMiB <= 0 {
			t.Errorf("%s: figures missing: %+v", want, res)
		}
		if res.Client != "floor-inflate" && res.VsFloorDecode <= 0 {
			t.Errorf("%s: no ratio to floor-decode", want)
		}
	}
	if len(rep.Shards) != 3*len(comps) {
		t.Fatalf("%d shard runs, want %d (wirecord-raw, wirecord-fields and wirecord on each compression)", len(rep.Shards), 3*len(comps))
	}
	for _, s := range rep.Shards {
		if !strings.HasPrefix(s.Client, "wirecord") || s.Err != "" || s.Shards != 2 || s.Delivered != 2*10 || s.PeakRSSPerShardKiB == 0 {
			t.Errorf("shard run %+v: want wirecord, 2 shards, 20 GUILD_CREATE delivered", s)
		}
	}
	t.Logf("took %v", time.Since(start))
}

func TestBenchPrintsTablesWithRatios(t *testing.T) {
	r := runCmd(t, nil, "bench", "--events", "100", "--compress", "zlib-stream")
	out := r.stdout.String()
	if r.code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", r.code, out, r.stderr)
	}
	for _, want := range []string{"CPU µs/event", "vs floor-decode", "floor-inflate", "wirecord  zlib-stream", "ratio to floor-decode"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "none") || r.stderr.String() != "" {
		t.Errorf("--compress zlib-stream measured more, or wrote progress to a non-terminal:\n%s\nstderr: %s", out, r.stderr)
	}
}

func TestBenchWritesACPUProfilePerStreamingRun(t *testing.T) {
	dir := t.TempDir()
	r := runCmd(t, nil, "bench", "--events", "100", "--compress", "none", "--cpuprofile", dir)
	if r.code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	for _, name := range []string{"floor-inflate-none", "floor-decode-none", "wirecord-raw-none", "wirecord-none"} {
		fi, err := os.Stat(filepath.Join(dir, name+".pprof"))
		if err != nil || fi.Size() == 0 {
			t.Errorf("%s.pprof: %v", name, err)
		}
	}
}

// TestBenchIdentifyBringsEveryShardReadyWithinTheRules runs `bench
// --identify` on one wave (no 5 s wait): every shard READY, nothing
// broken, the floor zero, in the text line and in the JSON.
func TestBenchIdentifyBringsEveryShardReadyWithinTheRules(t *testing.T) {
	r := runCmd(t, nil, "bench", "--identify", "3", "--max-concurrency", "4", "--json")
	if r.code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	var rep struct {
		Identify  *benchload.IdentifyResult  `json:"identify"`
		Heartbeat *benchload.HeartbeatResult `json:"heartbeat"`
	}
	if err := json.Unmarshal([]byte(r.stdout.String()), &rep); err != nil {
		t.Fatalf("the report is not JSON: %v\n%s", err, r.stdout)
	}
	if rep.Identify == nil || rep.Heartbeat != nil {
		t.Fatalf("want only an identify result:\n%s", r.stdout)
	}
	if id := rep.Identify; id.Shards != 3 || id.MaxConcurrency != 4 || id.Ready != 3 || len(id.Violations) != 0 || id.FloorSeconds != 0 || id.Seconds <= 0 {
		t.Errorf("identify result %+v: want 3 shards READY, max_concurrency 4, no violations, floor 0", id)
	}

	r = runCmd(t, nil, "bench", "--identify", "2", "--max-concurrency", "2")
	if want := "2 shards, max_concurrency 2: all READY in "; r.code != exitOK || !strings.HasPrefix(r.stdout.String(), want) ||
		!strings.Contains(r.stdout.String(), "identify violations: 0\n") {
		t.Errorf("exit %d, output %q: want a line starting %q and ending with no violations", r.code, r.stdout, want)
	}
}

// TestBenchHeartbeatReportsBothPhases runs `bench --heartbeat` with a few
// samples: both phases have them and the streaming phase handled events.
func TestBenchHeartbeatReportsBothPhases(t *testing.T) {
	r := runCmd(t, nil, "bench", "--heartbeat", "--heartbeat-samples", "4", "--heartbeat-window", "16")
	out := r.stdout.String()
	if r.code != exitOK || !strings.HasPrefix(out, "heartbeat round trip: idle p50 ") || !strings.Contains(out, "; streaming (") ||
		!strings.Contains(out, "\np99 idle -> streaming: until the gateway read the heartbeat ") {
		t.Fatalf("exit %d\n%s\n%s", r.code, out, r.stderr)
	}
	r = runCmd(t, nil, "bench", "--heartbeat", "--heartbeat-samples", "4", "--json")
	var rep struct {
		Heartbeat *benchload.HeartbeatResult `json:"heartbeat"`
	}
	if err := json.Unmarshal([]byte(r.stdout.String()), &rep); err != nil || rep.Heartbeat == nil {
		t.Fatalf("exit %d, no heartbeat result in the JSON: %v\n%s", r.code, err, r.stdout)
	}
	if hb := rep.Heartbeat; hb.Idle.Samples != 4 || hb.Streaming.Samples != 4 || hb.Events < 1 || hb.Window != 64 ||
		hb.Legs.Idle.Samples != 4 || hb.Legs.Streaming.Samples != 4 {
		t.Errorf("heartbeat result %+v: want 4 samples a phase, each cut into legs, events handled, the default window 64", hb)
	}
}

func TestBenchModesRefuseBadNumbers(t *testing.T) {
	for _, args := range [][]string{
		{"--identify", "-1"},
		{"--identify", "4", "--max-concurrency", "0"},
		{"--heartbeat", "--heartbeat-samples", "0"},
		{"--heartbeat", "--heartbeat-window", "0"},
	} {
		if r := runCmd(t, nil, append([]string{"bench"}, args...)...); r.code != exitUsage {
			t.Errorf("bench %v: exit %d, want %d (usage)\n%s", args, r.code, exitUsage, r.stderr)
		}
	}
}
