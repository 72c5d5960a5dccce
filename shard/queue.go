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

// IdentifySentNotifier is an IdentifyQueue that wants to hear when a
// shard has written the IDENTIFY it was granted. Discord times the window
// from the IDENTIFY's arrival, and under load the write can come well
// after the grant: such a queue counts the key's next slot from the
// write. LocalQueue is one; the shard calls IdentifySent right after the
// write.
type IdentifySentNotifier interface {
	// IdentifySent says shardID wrote its granted IDENTIFY at at (the
	// shard's clock; a queue with a clock of its own may read that
	// instead).
	IdentifySent(shardID int, at time.Time)
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
//
// A session start and a key's slot are taken only when Wait grants: a
// caller whose ctx ends while it waits spends neither, and the callers
// behind it move up. The queue holds state only for keys in use (at most
// one entry per waiting caller, plus one per key granted within the last
// interval), so a large max_concurrency costs nothing up front.
type LocalQueue struct {
	maxConcurrency int
	interval       time.Duration
	clock          Clock
	log            *slog.Logger
	refresh        func(ctx context.Context) (SessionStartLimit, error)

	mu      sync.Mutex
	keys    map[int]*queueKey
	budget  int // -1: unknown, not enforced
	total   int
	resetAt time.Time
	granted int
	// outstanding is each shard's last grant whose IDENTIFY has not been
	// reported written (IdentifySent).
	outstanding map[int]time.Time
	refreshing  chan struct{} // closed when a budget refresh under way ends
}

// queueKey is one rate-limit key: when it may IDENTIFY next, and its
// callers in the order they called.
type queueKey struct {
	next    time.Time
	waiters []*queueWaiter
}

type queueWaiter struct {
	wake chan struct{} // signalled when the waiter may have become the head
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
		q.budget, q.total = max(l.Remaining, 0), l.Total
		q.resetAt = q.clock.Now().Add(l.ResetAfter)
		q.refresh = refresh
	}
}

// NewLocalQueue returns a queue for max_concurrency keys. Values below 1
// mean 1; the Manager refuses values above MaxMaxConcurrency before it
// gets here.
func NewLocalQueue(maxConcurrency int, opts ...QueueOption) *LocalQueue {
	if maxConcurrency < 1 {
		maxConcurrency = 1
	}
	q := &LocalQueue{
		maxConcurrency: maxConcurrency,
		interval:       IdentifyInterval + identifyMargin,
		clock:          systemClock{},
		log:            slog.New(slog.DiscardHandler),
		keys:           map[int]*queueKey{},
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

// Wait blocks until shardID may IDENTIFY, or ctx ends. Callers of one key
// are served in the order they called; a caller whose ctx ends leaves the
// queue having spent nothing.
func (q *LocalQueue) Wait(ctx context.Context, shardID int) error {
	if shardID < 0 {
		return fmt.Errorf("shard: identify queue: bad shard id %d", shardID)
	}
	id := shardID % q.maxConcurrency
	w := &queueWaiter{wake: make(chan struct{}, 1)}
	q.mu.Lock()
	k := q.keys[id]
	if k == nil {
		k = &queueKey{}
		q.keys[id] = k
	}
	k.waiters = append(k.waiters, w)
	defer func() {
		// Leave the queue (granted or not) and hand the turn on.
		for i, o := range k.waiters {
			if o == w {
				k.waiters = append(k.waiters[:i], k.waiters[i+1:]...)
				break
			}
		}
		if len(k.waiters) > 0 {
			signal(k.waiters[0].wake)
		} else if !q.clock.Now().Before(k.next) {
			delete(q.keys, id)
		}
		q.mu.Unlock()
	}()
	for {
		var wait <-chan time.Time
		var refreshed <-chan struct{}
		if k.waiters[0] == w {
			now := q.clock.Now()
			switch {
			case now.Before(k.next):
				wait = q.clock.After(k.next.Sub(now))
			case q.budget == 0 && q.refreshing != nil:
				refreshed = q.refreshing
			case q.budget == 0 && now.Before(q.resetAt):
				d := q.resetAt.Sub(now)
				q.log.Warn("session start limit exhausted; waiting for the reset instead of identifying",
					"shard", shardID, "reset_in", d.Round(time.Second))
				wait = q.clock.After(d)
			case q.budget == 0:
				q.resetBudget(ctx) // unlocks while it asks
				continue
			default:
				if q.budget > 0 {
					q.budget--
				}
				k.next = now.Add(q.interval)
				q.granted++
				if q.outstanding == nil {
					q.outstanding = map[int]time.Time{}
				}
				q.outstanding[shardID] = now
				return nil
			}
		}
		q.mu.Unlock()
		select {
		case <-w.wake:
		case <-wait:
		case <-refreshed:
		case <-ctx.Done():
			q.mu.Lock()
			return ctx.Err()
		}
		q.mu.Lock()
	}
}

// IdentifySent implements IdentifySentNotifier: the key's next IDENTIFY
// waits a full interval from the write, if that is later than from its
// grant. The write is timed by the queue's own clock, read now (at may
// come from another clock), and a write more than an interval after its
// grant moves the key by one interval at most; a shard with no grant
// outstanding changes nothing.
func (q *LocalQueue) IdentifySent(shardID int, at time.Time) {
	q.mu.Lock()
	defer q.mu.Unlock()
	grantedAt, ok := q.outstanding[shardID]
	if !ok {
		return
	}
	delete(q.outstanding, shardID)
	id := shardID % q.maxConcurrency
	now := q.clock.Now()
	write := now
	if latest := grantedAt.Add(q.interval); write.After(latest) {
		write = latest
	}
	next := write.Add(q.interval)
	if !now.Before(next) {
		return
	}
	k := q.keys[id]
	if k == nil {
		k = &queueKey{}
		q.keys[id] = k
	}
	if next.After(k.next) {
		k.next = next
	}
}

// resetBudget restores the budget once its reset time has passed: from
// refresh when there is one, otherwise to the total, for another day. It is
// called with q.mu held, and holds it again when it returns.
func (q *LocalQueue) resetBudget(ctx context.Context) {
	done := make(chan struct{})
	q.refreshing = done
	defer func() {
		q.refreshing = nil
		close(done)
	}()
	if q.refresh != nil {
		q.mu.Unlock()
		fresh, err := q.refresh(ctx)
		q.mu.Lock()
		if err == nil {
			q.budget, q.total = max(fresh.Remaining, 0), fresh.Total
			q.resetAt = q.clock.Now().Add(max(fresh.ResetAfter, time.Second))
			return
		}
		q.log.Error("refreshing the session start limit failed; assuming the daily total", "err", err)
	}
	q.budget = max(q.total, 1)
	q.resetAt = q.clock.Now().Add(24 * time.Hour)
}
