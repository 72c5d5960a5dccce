package shard

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// IdentifyQueue decides when a shard may send IDENTIFY. Discord allows one
// IDENTIFY per 5 seconds per rate-limit key (shard_id % max_concurrency),
// all keys in parallel, and a daily budget of session starts
// (PROTOCOL.md §5). Every shard of a bot must go through the same queue;
// across processes, use a shared implementation (the cluster package has
// one). The queuetest package checks an implementation against the rules.
type IdentifyQueue interface {
	// Wait blocks until shardID may IDENTIFY, or ctx ends (ctx.Err()).
	Wait(ctx context.Context, shardID int) error
}

// IdentifyInterval is Discord's window: one IDENTIFY per key per 5 s.
const IdentifyInterval = 5 * time.Second

// identifyMargin is added to the interval: permits are granted in this
// process but judged at Discord on arrival, and the write of one IDENTIFY
// may be delayed a little more than the next.
const identifyMargin = 100 * time.Millisecond

// SessionStartLimit is the session_start_limit of GET /gateway/bot.
type SessionStartLimit struct {
	Total          int           `json:"total"`
	Remaining      int           `json:"remaining"`
	ResetAfter     time.Duration `json:"-"`
	MaxConcurrency int           `json:"max_concurrency"`
}

// LocalQueue is the in-process IdentifyQueue: a FIFO per rate-limit key,
// and the session-start budget. When the budget is spent it waits for the
// reset and says so in the log, instead of spending the token's daily
// allowance (Discord resets the token of a bot that goes over).
type LocalQueue struct {
	maxConcurrency int
	interval       time.Duration
	clock          Clock
	log            *slog.Logger
	refresh        func(ctx context.Context) (SessionStartLimit, error)

	mu      sync.Mutex
	next    []time.Time // per key: when the next IDENTIFY may go
	budget  int         // -1: unknown, not enforced
	total   int
	resetAt time.Time
	granted int
}

// QueueOption configures a LocalQueue.
type QueueOption func(*LocalQueue)

// WithInterval changes the per-key interval (default 5 s plus a 100 ms
// margin). Only tests and non-Discord servers want this.
func WithInterval(d time.Duration) QueueOption { return func(q *LocalQueue) { q.interval = d } }

// WithClock gives the queue a time source (tests use a fake one).
func WithClock(c Clock) QueueOption { return func(q *LocalQueue) { q.clock = c } }

// WithQueueLogger sets where the queue logs (budget waits).
func WithQueueLogger(l *slog.Logger) QueueOption { return func(q *LocalQueue) { q.log = l } }

// WithSessionStartLimit enforces the daily session-start budget. refresh,
// if not nil, is called when the budget resets, to learn the new one (the
// Manager passes a GET /gateway/bot call).
func WithSessionStartLimit(l SessionStartLimit, refresh func(ctx context.Context) (SessionStartLimit, error)) QueueOption {
	return func(q *LocalQueue) {
		q.budget, q.total = l.Remaining, l.Total
		q.resetAt = q.clock.Now().Add(l.ResetAfter)
		q.refresh = refresh
	}
}

// NewLocalQueue returns a queue for max_concurrency keys.
func NewLocalQueue(maxConcurrency int, opts ...QueueOption) *LocalQueue {
	if maxConcurrency < 1 {
		maxConcurrency = 1
	}
	q := &LocalQueue{
		maxConcurrency: maxConcurrency,
		interval:       IdentifyInterval + identifyMargin,
		clock:          systemClock{},
		log:            slog.New(slog.DiscardHandler),
		next:           make([]time.Time, maxConcurrency),
		budget:         -1,
	}
	for _, o := range opts {
		o(q)
	}
	return q
}

// MaxConcurrency returns the number of rate-limit keys.
func (q *LocalQueue) MaxConcurrency() int { return q.maxConcurrency }

// Granted returns how many IDENTIFYs the queue has allowed.
func (q *LocalQueue) Granted() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.granted
}

// Wait blocks until shardID may IDENTIFY. Callers of one key are served in
// the order they called.
func (q *LocalQueue) Wait(ctx context.Context, shardID int) error {
	if shardID < 0 {
		return fmt.Errorf("shard: identify queue: bad shard id %d", shardID)
	}
	if err := q.waitBudget(ctx, shardID); err != nil {
		return err
	}
	key := shardID % q.maxConcurrency
	q.mu.Lock()
	now := q.clock.Now()
	slot := q.next[key]
	if slot.Before(now) {
		slot = now
	}
	// Reserve the slot before waiting, so later callers queue behind.
	q.next[key] = slot.Add(q.interval)
	q.granted++
	q.mu.Unlock()
	if d := slot.Sub(now); d > 0 {
		select {
		case <-q.clock.After(d):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// waitBudget takes one session start from the budget, waiting for the reset
// when it is spent.
func (q *LocalQueue) waitBudget(ctx context.Context, shardID int) error {
	for {
		q.mu.Lock()
		if q.budget < 0 {
			q.mu.Unlock()
			return nil
		}
		now := q.clock.Now()
		if q.budget > 0 {
			q.budget--
			q.mu.Unlock()
			return nil
		}
		wait := q.resetAt.Sub(now)
		q.mu.Unlock()
		if wait > 0 {
			q.log.Warn("session start limit exhausted; waiting for the reset instead of identifying",
				"shard", shardID, "reset_in", wait.Round(time.Second))
			select {
			case <-q.clock.After(wait):
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		q.resetBudget(ctx)
	}
}

// resetBudget restores the budget once its reset time has passed: from
// refresh when there is one, otherwise to the total, for another day.
func (q *LocalQueue) resetBudget(ctx context.Context) {
	if q.refresh != nil {
		fresh, err := q.refresh(ctx)
		if err == nil {
			q.mu.Lock()
			q.budget, q.total = fresh.Remaining, fresh.Total
			q.resetAt = q.clock.Now().Add(max(fresh.ResetAfter, time.Second))
			q.mu.Unlock()
			return
		}
		q.log.Error("refreshing the session start limit failed; assuming the daily total", "err", err)
	}
	q.mu.Lock()
	q.budget = max(q.total, 1)
	q.resetAt = q.clock.Now().Add(24 * time.Hour)
	q.mu.Unlock()
}
