package cluster

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/wirecord/wirecord/shard"
	"github.com/wirecord/wirecord/shard/queuetest"
)

var bucketSeq atomic.Int64

func uniqueBucket(prefix string) string {
	return fmt.Sprintf("%s_%d", prefix, bucketSeq.Add(1))
}

// connectEach opens one connection to each server of tc, as nodes on
// different machines would.
func connectEach(t *testing.T, tc *TestCluster) []jetstream.JetStream {
	t.Helper()
	var out []jetstream.JetStream
	for _, s := range tc.Servers {
		nc, err := nats.Connect(s.ClientURL())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(nc.Close)
		js, err := jetstream.New(nc)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, js)
	}
	return out
}

func newQueue(t *testing.T, js jetstream.JetStream, cfg QueueConfig) *IdentifyQueue {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	q, err := NewIdentifyQueue(ctx, js, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func TestIdentifyQueuePassesQueuetest(t *testing.T) {
	tc := startCluster(t, 1)
	js := connectEach(t, tc)[0]
	queuetest.Run(t, func(maxConcurrency int, interval time.Duration) shard.IdentifyQueue {
		return newQueue(t, js, QueueConfig{Bucket: uniqueBucket("q"), MaxConcurrency: maxConcurrency,
			Interval: interval, Storage: Storage{Memory: true}})
	})
}

// spread hands each Wait to the next node in turn, so the suite's callers
// of one key are on different nodes.
type spread struct {
	mu    sync.Mutex
	next  int
	nodes []shard.IdentifyQueue
}

func (s *spread) Wait(ctx context.Context, shardID int) error {
	s.mu.Lock()
	q := s.nodes[s.next%len(s.nodes)]
	s.next++
	s.mu.Unlock()
	return q.Wait(ctx, shardID)
}

func TestIdentifyQueueAcrossThreeNodesPassesQueuetest(t *testing.T) {
	tc := startCluster(t, 3)
	jss := connectEach(t, tc)
	queuetest.Run(t, func(maxConcurrency int, interval time.Duration) shard.IdentifyQueue {
		bucket := uniqueBucket("q3")
		s := &spread{}
		for _, js := range jss {
			s.nodes = append(s.nodes, newQueue(t, js, QueueConfig{Bucket: bucket, MaxConcurrency: maxConcurrency,
				Interval: interval, Storage: Storage{Memory: true, Replicas: 3}}))
		}
		return s
	})
}

// waitAsync calls q.Wait in a goroutine; the channel receives its result.
func waitAsync(ctx context.Context, q shard.IdentifyQueue, shardID int) <-chan error {
	c := make(chan error, 1)
	go func() { c <- q.Wait(ctx, shardID) }()
	return c
}

func TestIdentifyOnAnotherNodeWaitsForTheKeysWindow(t *testing.T) {
	tc := startCluster(t, 1)
	jss := connectEach(t, tc)
	clock := newFakeClock()
	bucket := uniqueBucket("w")
	cfg := QueueConfig{Bucket: bucket, MaxConcurrency: 2, Clock: clock, Storage: Storage{Memory: true}}
	a, b := newQueue(t, jss[0], cfg), newQueue(t, jss[0], cfg)
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()

	if err := a.Wait(ctx, 0); err != nil {
		t.Fatal(err)
	}
	// Another key is free at once, on either node.
	if err := b.Wait(ctx, 1); err != nil {
		t.Fatal(err)
	}
	// Shard 2 has key 0: node b waits for a's window.
	got := waitAsync(ctx, b, 2)
	clock.waitTimers(t, ctx, 1)
	clock.Advance(DefaultIdentifyInterval - time.Millisecond)
	clock.waitTimers(t, ctx, 1) // its timer is not due yet
	select {
	case err := <-got:
		t.Fatalf("shard 2 granted %v before key 0's window passed (err %v)", DefaultIdentifyInterval-time.Millisecond, err)
	default:
	}
	clock.Advance(time.Millisecond)
	if err := <-got; err != nil {
		t.Fatal(err)
	}
}

// An IDENTIFY written late moves its key's grant: the next grant on that
// key, from any node, waits a full interval from the write.
func TestAGrantMovesToItsLateWrite(t *testing.T) {
	tc := startCluster(t, 1)
	jss := connectEach(t, tc)
	clock := newFakeClock()
	cfg := QueueConfig{Bucket: uniqueBucket("late"), MaxConcurrency: 2, Clock: clock, Storage: Storage{Memory: true}}
	a, b := newQueue(t, jss[0], cfg), newQueue(t, jss[0], cfg)
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()

	if err := a.Wait(ctx, 0); err != nil {
		t.Fatal(err)
	}
	clock.Advance(2 * time.Second)
	a.mu.Lock()
	ref, ok := a.granted[0]
	a.mu.Unlock()
	if !ok {
		t.Fatal("the grant of shard 0 is not remembered")
	}
	// IdentifySent's background write, run here to know when it is done.
	if err := a.moveGrant(ctx, ref, clock.Now()); err != nil {
		t.Fatal(err)
	}
	got := waitAsync(ctx, b, 2) // key 0, on the other node
	clock.waitTimers(t, ctx, 1)
	clock.Advance(DefaultIdentifyInterval - time.Second) // an interval after the grant, not after the write
	clock.waitTimers(t, ctx, 1)
	select {
	case err := <-got:
		t.Fatalf("shard 2 granted %v after the write (err %v), want an interval", DefaultIdentifyInterval-time.Second, err)
	default:
	}
	clock.Advance(time.Second)
	if err := <-got; err != nil {
		t.Fatal(err)
	}
	// A second notice for the same grant, or one on time, changes nothing.
	a.IdentifySent(0, clock.Now().Add(time.Hour))
	a.mu.Lock()
	_, still := a.granted[0]
	a.mu.Unlock()
	if still {
		t.Fatal("IdentifySent kept the grant it moved")
	}
}

func TestSessionStartBudgetIsSharedAndWaitsForTheReset(t *testing.T) {
	tc := startCluster(t, 1)
	js := connectEach(t, tc)[0]
	clock := newFakeClock()
	var refreshed atomic.Int64
	cfg := QueueConfig{Bucket: uniqueBucket("b"), MaxConcurrency: 16, Clock: clock, Storage: Storage{Memory: true},
		SessionStartLimit: &shard.SessionStartLimit{Total: 1000, Remaining: 2, ResetAfter: time.Hour},
		Refresh: func(context.Context) (shard.SessionStartLimit, error) {
			refreshed.Add(1)
			return shard.SessionStartLimit{Total: 1000, Remaining: 1000, ResetAfter: 24 * time.Hour}, nil
		}}
	a := newQueue(t, js, cfg)
	// The second node's own figure is not used: the bucket has one.
	cfg2 := cfg
	cfg2.SessionStartLimit = &shard.SessionStartLimit{Total: 1000, Remaining: 1000, ResetAfter: time.Hour}
	b := newQueue(t, js, cfg2)
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()

	if err := a.Wait(ctx, 0); err != nil {
		t.Fatal(err)
	}
	if err := b.Wait(ctx, 1); err != nil {
		t.Fatal(err)
	}
	third := waitAsync(ctx, b, 2)
	clock.waitTimers(t, ctx, 1)
	select {
	case err := <-third:
		t.Fatalf("a third session started on a budget of 2 (err %v)", err)
	default:
	}
	clock.Advance(time.Hour)
	if err := <-third; err != nil {
		t.Fatal(err)
	}
	if n := refreshed.Load(); n != 1 {
		t.Errorf("the budget was refreshed %d times at its reset, want once", n)
	}
	if err := a.Wait(ctx, 3); err != nil {
		t.Fatalf("after the reset: %v", err)
	}
}

func TestIdentifyQueueRefusesANegativeShard(t *testing.T) {
	tc := startCluster(t, 1)
	q := newQueue(t, connectEach(t, tc)[0], QueueConfig{Bucket: uniqueBucket("n"), Storage: Storage{Memory: true}})
	if err := q.Wait(t.Context(), -1); err == nil {
		t.Error("Wait(-1) = nil, want an error")
	}
}

// A rate-limit key or the session start budget holding something no
// node wrote (a hand edit, a tool) holds the shards back no longer than
// a grant would: reading it again never gives anything else.
func TestIdentifyQueueOverwritesAKeyNoNodeWrote(t *testing.T) {
	tc := startCluster(t, 1)
	js := connectEach(t, tc)[0]
	const interval = 300 * time.Millisecond
	for name, tt := range map[string]struct{ key, val string }{
		"a key that is not json":        {"key.0", "junk"},
		"a key of another shape":        {"key.0", `{"at":0}`},
		"a grant in the year 2500":      {"key.0", `{"at":9000000000000000000,"shard":0,"token":"x","confirmed":true}`},
		"a budget that is not json":     {budgetKey, "junk"},
		"a budget with no reset":        {budgetKey, `{"remaining":0}`},
		"a budget of another shape (0)": {budgetKey, `[]`},
	} {
		t.Run(name, func(t *testing.T) {
			cfg := QueueConfig{Bucket: uniqueBucket("c"), Interval: interval, Storage: Storage{Memory: true},
				SessionStartLimit: &shard.SessionStartLimit{Total: 10, Remaining: 10, ResetAfter: time.Hour}}
			q := newQueue(t, js, cfg)
			ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
			defer cancel()
			if _, err := q.kv.Put(ctx, tt.key, []byte(tt.val)); err != nil {
				t.Fatal(err)
			}
			began := time.Now()
			if err := q.Wait(ctx, 0); err != nil {
				t.Fatalf("Wait with %s = %q: %v", tt.key, tt.val, err)
			}
			// The key's window still holds, from when it was written.
			if tt.key != budgetKey && time.Since(began) < interval/2 {
				t.Errorf("granted %v after an unreadable key was written, want about %v", time.Since(began), interval)
			}
			if err := q.Wait(ctx, 1); err != nil {
				t.Fatalf("the next Wait: %v", err)
			}
		})
	}
}
