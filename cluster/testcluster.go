package cluster

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
)

// TestCluster is a NATS cluster of in-process servers on 127.0.0.1 with
// random ports and JetStream in a temporary directory: for tests, and to
// try cluster mode on one machine.
type TestCluster struct {
	Servers []*Server
	dir     string
}

// StartTestCluster starts n clustered servers (n = 1: a single server)
// and waits until JetStream has a leader. dir holds their stores; it is
// removed by Shutdown only if StartTestCluster created it (dir == "").
func StartTestCluster(ctx context.Context, n int, dir string) (*TestCluster, error) {
	if n < 1 {
		return nil, fmt.Errorf("cluster: a test cluster needs at least one server, not %d", n)
	}
	tc := &TestCluster{}
	if dir == "" {
		d, err := os.MkdirTemp("", "wirecord-nats-")
		if err != nil {
			return nil, fmt.Errorf("cluster: test cluster: %w", err)
		}
		dir, tc.dir = d, d
	}
	// A JetStream cluster needs its routes configured from the start, so
	// the route ports are chosen first: free ones, on loopback.
	var ports []int
	var routes []string
	if n > 1 {
		for range n {
			p, err := freePort()
			if err != nil {
				tc.Shutdown()
				return nil, err
			}
			ports = append(ports, p)
			routes = append(routes, fmt.Sprintf("nats-route://127.0.0.1:%d", p))
		}
	}
	for i := range n {
		cfg := ServerConfig{
			Name:     fmt.Sprintf("n%d", i+1),
			StoreDir: filepath.Join(dir, fmt.Sprintf("n%d", i+1)),
		}
		if n > 1 {
			cfg.Cluster = "wirecord-test"
			cfg.ClusterPort = ports[i]
			cfg.Routes = routes
		}
		s, err := StartServer(ctx, cfg)
		if err != nil {
			tc.Shutdown()
			return nil, err
		}
		tc.Servers = append(tc.Servers, s)
	}
	nc, err := tc.Connect()
	if err != nil {
		tc.Shutdown()
		return nil, err
	}
	defer nc.Close()
	if err := WaitJetStream(ctx, nc); err != nil {
		tc.Shutdown()
		return nil, err
	}
	return tc, nil
}

// freePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("cluster: test cluster: finding a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// URL is every server's client URL, comma-separated, as nats.Connect takes it.
func (tc *TestCluster) URL() string {
	var urls []string
	for _, s := range tc.Servers {
		urls = append(urls, s.ClientURL())
	}
	return strings.Join(urls, ",")
}

// Connect opens a client connection to the cluster that reconnects
// quickly, as tests want.
func (tc *TestCluster) Connect(opts ...nats.Option) (*nats.Conn, error) {
	opts = append([]nats.Option{
		nats.MaxReconnects(-1),
		nats.ReconnectWait(50 * time.Millisecond),
	}, opts...)
	nc, err := nats.Connect(tc.URL(), opts...)
	if err != nil {
		return nil, fmt.Errorf("cluster: connecting to the test cluster: %w", err)
	}
	return nc, nil
}

// Shutdown stops every server and removes the store directory it made.
func (tc *TestCluster) Shutdown() {
	for _, s := range tc.Servers {
		s.Shutdown()
	}
	if tc.dir != "" {
		os.RemoveAll(tc.dir)
	}
}
