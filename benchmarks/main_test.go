package main

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/wirecord/wirecord/internal/benchload"
)

// TestEveryLibraryGetsEveryEvent runs the comparison on a tiny stream:
// each client must deliver every MESSAGE_CREATE on each compression it
// speaks, and every GUILD_CREATE of two shards. It counts; it does not
// judge timings.
func TestEveryLibraryGetsEveryEvent(t *testing.T) {
	args := []string{"--events", "200", "--shards", "2", "--idle", "50ms", "--json"}
	want := map[string]int{"floor-inflate": 3, "floor-decode": 3, "wirecord-raw": 3, "wirecord-fields": 3, "wirecord": 3, "disgo": 1, "discordgo": 1}
	if raceDetector {
		// disgo races with itself when closed (see race_on_test.go).
		t.Log("race detector on: disgo is left out")
		args = append(args, "--clients", "wirecord-raw,wirecord-fields,wirecord,discordgo")
		delete(want, "disgo")
	}
	var out, errOut bytes.Buffer
	if err := run(context.Background(), args, &out, &errOut, false); err != nil {
		t.Fatalf("%v\n%s", err, errOut.String())
	}
	var rep benchload.Report
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, r := range rep.Results {
		seen[r.Client]++
		if r.Err != "" || r.Delivered != 200 {
			t.Errorf("%s %s: %d of 200 delivered, error %q", r.Client, r.Compression, r.Delivered, r.Err)
		}
	}
	for name, n := range want {
		if seen[name] != n {
			t.Errorf("%s ran %d times, want %d (once per compression it speaks)", name, seen[name], n)
		}
	}
	if len(seen) != len(want) {
		t.Errorf("clients %v, want %v", seen, want)
	}
	shards := map[string]bool{}
	for _, r := range rep.Shards {
		shards[r.Client] = true
		if r.Err != "" || r.Delivered != 20 {
			t.Errorf("%s %s shards: %d of 20 GUILD_CREATE delivered, error %q", r.Client, r.Compression, r.Delivered, r.Err)
		}
	}
	for name := range want {
		if !shards[name] && name != "floor-inflate" && name != "floor-decode" {
			t.Errorf("no shard run for %s", name)
		}
	}
}
