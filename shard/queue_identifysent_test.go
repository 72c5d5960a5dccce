package shard_test

import (
	"context"
	"testing"
	"time"

	"github.com/wirecord/wirecord/shard"
)

// The shard's loop stamps IdentifySent with time.Now() (shard/loop.go),
// while a LocalQueue reads its own Clock. With a queue whose clock is not
// the wall clock (WithClock, as every queue test uses), the stamp is read
// as a moment far from the queue's now: here the fake clock is eleven
// months behind the wall clock, so the key is held until the fake clock
// reaches the wall clock's now plus an interval. The queue should time the
// write from its own clock (or clamp at to it), not trust a foreign one.
func TestLocalQueueIdentifySentWithTheShardsWallClockStampDoesNotHoldTheKey(t *testing.T) {
	clock := newFakeClock()
	q := shard.NewLocalQueue(1, shard.WithClock(clock))
	ctx := context.Background()
	if err := q.Wait(ctx, 0); err != nil {
		t.Fatal(err)
	}
	q.IdentifySent(0, time.Now()) // what the shard's loop passes, right after the write
	done := make(chan error, 1)
	go func() { done <- q.Wait(ctx, 1) }()
	<-clock.waiting
	// A whole interval (and the margin) after the grant and the write on
	// the queue's clock.
	clock.advance(shard.IdentifyInterval + time.Second)
	if at, ok := clock.pending(); ok {
		t.Fatalf("the waiter's timer is still set for %v, with the queue's clock at %v", at.Format(time.RFC3339), clock.Now().Format(time.RFC3339))
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-clock.waiting:
		t.Fatalf("not granted %v after a grant and its write: the wall-clock stamp %v holds the key on a queue clock at %v",
			shard.IdentifyInterval+time.Second, time.Now().Format(time.RFC3339), clock.Now().Format(time.RFC3339))
	}
}

// IdentifySent with a stamp from the future (a bogus caller, a clock
// that jumped back between the write and the call) must not hold a key
// for longer than an interval from now: a write cannot have happened
// after the call. Here a stamp a day ahead holds key 0 for a day.
// The cluster queue guards the same case in tryGrant (a stamp further
// ahead than an interval is taken for one made when it was written).
func TestLocalQueueIdentifySentFromTheFutureHoldsTheKeyNoLongerThanAnInterval(t *testing.T) {
	clock := newFakeClock()
	q := shard.NewLocalQueue(1, shard.WithClock(clock))
	ctx := context.Background()
	if err := q.Wait(ctx, 0); err != nil {
		t.Fatal(err)
	}
	q.IdentifySent(0, clock.Now().Add(24*time.Hour))
	done := make(chan error, 1)
	go func() { done <- q.Wait(ctx, 0) }()
	<-clock.waiting
	clock.advance(shard.IdentifyInterval + time.Second)
	if at, ok := clock.pending(); ok {
		t.Fatalf("a stamp a day ahead holds the key: the waiter's timer is set for %v, the clock is at %v", at, clock.Now())
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-clock.waiting:
		t.Fatal("a stamp a day ahead holds the key past an interval from the call")
	}
}

// IdentifySent for a key that no Wait has granted (a shard that never
// got a grant, or a stale notifier call) moves the key's next slot
// anyway: the LocalQueue keeps no record of grants, unlike the cluster
// queue, which ignores a shard without an outstanding grant.
func TestLocalQueueIdentifySentWithoutAGrantChangesNothing(t *testing.T) {
	clock := newFakeClock()
	q := shard.NewLocalQueue(1, shard.WithClock(clock))
	q.IdentifySent(0, clock.Now())
	done := make(chan error, 1)
	go func() { done <- q.Wait(context.Background(), 0) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-clock.waiting:
		clock.advance(shard.IdentifyInterval + time.Second)
		<-done
		t.Fatal("a key no Wait granted was held an interval by IdentifySent alone")
	}
}

// pending returns the earliest timer not yet fired.
func (c *fakeClock) pending() (time.Time, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var at time.Time
	for _, tm := range c.timers {
		if at.IsZero() || tm.at.Before(at) {
			at = tm.at
		}
	}
	return at, !at.IsZero()
}
