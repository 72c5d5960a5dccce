package cluster

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wirecord/wirecord/rest"
	"github.com/wirecord/wirecord/rest/ratelimittest"
)

// The limiter served over NATS keeps Discord's rules as the in-memory one
// does: every call of the factory serves a fresh rest.NewLimiter(cfg)
// (so the suite's fake clock drives it) under a prefix of its own on one
// embedded NATS server, and gives the suite a strict RemoteLimiter on
// another connection, as another process would have.
func TestRemoteLimiterPassesRatelimittest(t *testing.T) {
	tc := startCluster(t, 1)
	var served atomic.Int64
	ratelimittest.Run(t, func(cfg rest.LimiterConfig) rest.Limiter {
		prefix := fmt.Sprintf("conf%d", served.Add(1))
		serve, err := tc.Connect()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(serve.Close)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() {
			done <- ServeLimiter(ctx, LimiterServerConfig{
				NATS: serve, Prefix: prefix, LeaseTTL: testLease, Storage: Storage{Memory: true},
				NewLimiter: func() rest.Limiter { return rest.NewLimiter(cfg) },
			})
		}()
		t.Cleanup(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("ServeLimiter %s: %v", prefix, err)
			}
		})
		nc, err := tc.Connect()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(nc.Close)
		l, err := NewRemoteLimiter(RemoteLimiterConfig{NATS: nc, Prefix: prefix, Strict: true})
		if err != nil {
			t.Fatal(err)
		}
		// Served once the server answers: a request that is not an
		// acquire is answered so, and takes nothing from the limiter.
		n := names{prefix}
		eventually(t, 10*time.Second, "the limiter "+prefix+" is served", func() bool {
			_, err := nc.Request(n.limiterAcquire(), []byte("{}"), time.Second)
			return err == nil
		})
		return l
	})
}
