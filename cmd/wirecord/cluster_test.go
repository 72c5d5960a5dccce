package main

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestNodeWithoutWirecordClusterSaysHowToInstallIt(t *testing.T) {
	t.Setenv("PATH", t.TempDir()) // no wirecord-cluster anywhere
	r := runCmd(t, nil, "node", "status")
	if r.code != exitError || !strings.Contains(r.stderr.String(), "go install github.com/wirecord/wirecord/cluster/cmd/wirecord-cluster") {
		t.Errorf("exit %d, stderr %q; want %d and how to install wirecord-cluster", r.code, r.stderr, exitError)
	}
}

func TestNodeAndTailWithNATSRunWirecordClusterAndKeepItsExitCode(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the stand-in for wirecord-cluster is a shell script")
	}
	stand := filepath.Join(t.TempDir(), "wirecord-cluster")
	if err := os.WriteFile(stand, []byte("#!/bin/sh\necho \"args: $*\"\nexit 3\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{"WIRECORD_CLUSTER": stand}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"node", "--nats", "nats://127.0.0.1:4222", "--shards", "4"}, "args: --log-level WARN node --nats nats://127.0.0.1:4222 --shards 4"},
		{[]string{"node", "status", "--watch", "1s"}, "args: --log-level WARN node status --watch 1s"},
		{[]string{"tail", "--nats", "nats://127.0.0.1:4222", "--json"}, "args: --log-level WARN tail --nats nats://127.0.0.1:4222 --json"},
	} {
		r := runCmd(t, vars, tc.args...)
		if r.code != 3 || strings.TrimSpace(r.stdout.String()) != tc.want {
			t.Errorf("wirecord %v: exit %d, stdout %q; want 3 and %q", tc.args, r.code, r.stdout, tc.want)
		}
	}
}
