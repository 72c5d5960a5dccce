package cluster

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// startCluster starts n in-process servers for one test.
func startCluster(t *testing.T, n int) *TestCluster {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	tc, err := StartTestCluster(ctx, n, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tc.Shutdown)
	return tc
}

func TestEmbeddedServerListensOnLoopbackOnly(t *testing.T) {
	tc := startCluster(t, 1)
	if u := tc.Servers[0].ClientURL(); !strings.HasPrefix(u, "nats://127.0.0.1:") {
		t.Errorf("client URL %q, want loopback", u)
	}
}

func TestEmbeddedServerNeedsAStoreDir(t *testing.T) {
	if _, err := StartServer(t.Context(), ServerConfig{}); err == nil || !strings.Contains(err.Error(), "StoreDir") {
		t.Errorf("StartServer without StoreDir: %v, want an error naming StoreDir", err)
	}
}

func TestThreeServerClusterReplicatesAndSurvivesOneServer(t *testing.T) {
	tc := startCluster(t, 3)
	for _, s := range tc.Servers {
		if !strings.HasPrefix(s.RouteURL(), "nats-route://127.0.0.1:") {
			t.Errorf("route URL %q, want loopback", s.RouteURL())
		}
	}
	nc, err := tc.Connect()
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, _ := jetstream.New(nc)
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	kv, err := js.CreateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: "t", Replicas: 3, Storage: jetstream.MemoryStorage})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := kv.Put(ctx, "k", []byte("v")); err != nil {
		t.Fatal(err)
	}
	tc.Servers[0].Shutdown()
	// The two left elect leaders and still answer.
	for {
		// One try at a time: a request sent as the connection moved to
		// another server gets no answer.
		c, cancelTry := context.WithTimeout(ctx, time.Second)
		e, err := kv.Get(c, "k")
		cancelTry()
		if err == nil {
			if string(e.Value()) != "v" {
				t.Fatalf("k = %q after a server died, want v", e.Value())
			}
			break
		}
		select {
		case <-ctx.Done():
			t.Fatalf("the bucket did not answer after one of three servers died: %v", err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}
