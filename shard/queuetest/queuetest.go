// Package queuetest checks an identify queue against Discord's rules. A
// queue that replaces shard.LocalQueue (one shared through Redis or NATS,
// for a bot split over machines) runs the suite against itself:
//
//	func TestMyQueue(t *testing.T) {
//		queuetest.Run(t, func(maxConcurrency int, interval time.Duration) shard.IdentifyQueue {
//			return myqueue.New(maxConcurrency, interval)
//		})
//	}
//
// The suite uses real time with short intervals and asserts lower bounds
// (an IDENTIFY never comes too early) and generous upper bounds.
package queuetest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/wirecord/wirecord/shard"
)

// Factory returns a fresh queue for maxConcurrency rate-limit keys that
// allows one IDENTIFY per key per interval.
type Factory func(maxConcurrency int, interval time.Duration) shard.IdentifyQueue

const interval = 150 * time.Millisecond

// Run runs every rule as a subtest.
func Run(t *testing.T, newQueue Factory) {
	t.Run("FirstIdentifyOfEachKeyIsImmediate", func(t *testing.T) { firstIsImmediate(t, newQueue) })
	t.Run("OneIdentifyPerIntervalPerKey", func(t *testing.T) { spacedPerKey(t, newQueue) })
	t.Run("KeysRunInParallel", func(t *testing.T) { keysInParallel(t, newQueue) })
	t.Run("EveryCallerIsGrantedOnce", func(t *testing.T) { everyCallerOnce(t, newQueue) })
	t.Run("ContextEndsTheWait", func(t *testing.T) { contextEnds(t, newQueue) })
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

// grantTimes calls Wait for each shard id concurrently and returns when
// each was granted.
func grantTimes(t *testing.T, q shard.IdentifyQueue, ids []int) map[int]time.Time {
	t.Helper()
	var mu sync.Mutex
	out := map[int]time.Time{}
	var wg sync.WaitGroup
	for _, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := q.Wait(ctx(t), id); err != nil {
				t.Errorf("Wait(%d): %v", id, err)
				return
			}
			mu.Lock()
			out[id] = time.Now()
			mu.Unlock()
		}()
	}
	wg.Wait()
	return out
}

func firstIsImmediate(t *testing.T, newQueue Factory) {
	q := newQueue(4, time.Hour)
	start := time.Now()
	grantTimes(t, q, []int{0, 1, 2, 3})
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("the first IDENTIFY of four keys took %v", d)
	}
}

func spacedPerKey(t *testing.T, newQueue Factory) {
	q := newQueue(2, interval)
	times := grantTimes(t, q, []int{0, 2, 4, 6}) // all key 0
	var ts []time.Time
	for _, tm := range times {
		ts = append(ts, tm)
	}
	for i := range ts {
		for j := range ts {
			if i != j {
				// Grants are observed when the waiting goroutines wake, a
				// little after the queue allowed them: allow 10%.
				if d := ts[i].Sub(ts[j]).Abs(); d < interval*9/10 {
					t.Errorf("two IDENTIFYs of one key %v apart, want at least %v", d.Abs(), interval)
				}
			}
		}
	}
}

func keysInParallel(t *testing.T, newQueue Factory) {
	q := newQueue(4, interval)
	start := time.Now()
	grantTimes(t, q, []int{0, 1, 2, 3, 4, 5, 6, 7}) // two per key
	took := time.Since(start)
	if took < interval {
		t.Errorf("8 shards over 4 keys in %v: a key identified twice within %v", took, interval)
	}
	if took > 4*interval+2*time.Second {
		t.Errorf("8 shards over 4 keys took %v: keys are not served in parallel", took)
	}
}

func everyCallerOnce(t *testing.T, newQueue Factory) {
	q := newQueue(3, interval)
	ids := make([]int, 12)
	for i := range ids {
		ids[i] = i
	}
	start := time.Now()
	times := grantTimes(t, q, ids)
	if len(times) != 12 {
		t.Errorf("%d of 12 shards granted", len(times))
	}
	// Four per key: at least three intervals.
	if d := time.Since(start); d < 3*interval*9/10 {
		t.Errorf("12 shards over 3 keys in %v", d)
	}
}

func contextEnds(t *testing.T, newQueue Factory) {
	q := newQueue(1, time.Hour)
	if err := q.Wait(ctx(t), 0); err != nil {
		t.Fatal(err)
	}
	c, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := q.Wait(c, 1)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Wait = %v, want the context's error", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Wait returned %v after its context ended", d)
	}
}
