package cluster

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/wirecord/wirecord/shard"
)

// DefaultIdentifyInterval is the per-key window the queue enforces:
// Discord's 5 s plus a margin for the time an IDENTIFY takes to reach
// Discord, and for the clocks of the nodes (see IdentifyQueue).
const DefaultIdentifyInterval = shard.IdentifyInterval + 250*time.Millisecond

// QueueConfig configures an IdentifyQueue.
type QueueConfig struct {
	// Bucket is the key-value bucket every node of the bot shares.
	// Default "wirecord_identify".
	Bucket string
	// MaxConcurrency is the bot's max_concurrency (GET /gateway/bot): the
	// number of rate-limit keys. Default 1.
	MaxConcurrency int
	// Interval is the time between two IDENTIFYs of one key. Default
	// DefaultIdentifyInterval; only tests and non-Discord servers change it.
	Interval time.Duration
	// SessionStartLimit, when set, is the daily budget of session starts,
	// enforced across the cluster. The first node to use the queue writes
	// it; later nodes use the bucket's. Refresh, if not nil, is called at
	// the reset to learn the new budget (a GET /gateway/bot).
	SessionStartLimit *shard.SessionStartLimit
	Refresh           func(ctx context.Context) (shard.SessionStartLimit, error)
	// Storage replicates the bucket.
	Storage Storage
	// Clock is the time source. Default: the system clock.
	Clock shard.Clock
	// Logger receives budget waits and NATS errors. Default: discard.
	Logger *slog.Logger
}

// IdentifyQueue is a shard.IdentifyQueue shared by every node of a bot
// through a JetStream key-value bucket: one IDENTIFY per Interval per
// rate-limit key (shard_id % max_concurrency), and the daily session-start
// budget, cluster-wide.
//
// Each key holds the time its last IDENTIFY was granted; a node takes the
// next grant with a compare-and-set on the key's revision, so of two nodes
// that race for one key exactly one wins, and the other waits for the
// winner's window to pass. A permit is asked for when Discord says Hello
// and the shard sends IDENTIFY as soon as it is granted: the window covers
// the IDENTIFY itself, never a dial or a wait for READY, so a slow or dead
// node holds no other shard back for more than one Interval.
//
// Grant times are written with the granting node's clock: the nodes'
// clocks must agree to within the margin in DefaultIdentifyInterval (NTP
// keeps them within milliseconds). Callers of one key are served in no
// particular order across nodes.
type IdentifyQueue struct {
	kv       jetstream.KeyValue
	maxConc  int
	interval time.Duration
	clock    shard.Clock
	log      *slog.Logger
	limit    *shard.SessionStartLimit
	refresh  func(ctx context.Context) (shard.SessionStartLimit, error)

	mu sync.Mutex
	// granted is each shard's last grant, until its IDENTIFY is written
	// (IdentifySent).
	granted map[int]grantRef
}

// grantRef names one Wait's grant: its key and its writes' token.
type grantRef struct{ key, token string }

// grant is the value of a rate-limit key.
type grant struct {
	At    int64  `json:"at"` // unix nanoseconds, the granting node's clock
	Shard int    `json:"shard"`
	Token string `json:"token"` // one per Wait call
	// Confirmed is set by the second write (restamp): the grant stands.
	Confirmed bool `json:"confirmed,omitempty"`
}

// newToken returns a random token for one Wait call's writes.
func newToken() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// budget is the value of the session-start key.
type budget struct {
	Remaining int   `json:"remaining"`
	Total     int   `json:"total"`
	ResetAt   int64 `json:"reset_at"` // unix nanoseconds
}

const budgetKey = "budget"

// opTimeout bounds one pass of reads and writes: a request sent while the
// NATS connection moves to another server gets no answer, and is tried
// again rather than waited for until the caller's context ends.
const opTimeout = 5 * time.Second

// retryNow is what a compare-and-set that lost returns: look again at once.
const retryNow time.Duration = -1

// NewIdentifyQueue opens (creating it if needed) the queue's bucket.
func NewIdentifyQueue(ctx context.Context, js jetstream.JetStream, cfg QueueConfig) (*IdentifyQueue, error) {
	if cfg.Bucket == "" {
		cfg.Bucket = "wirecord_identify"
	}
	q := &IdentifyQueue{
		maxConc:  max(cfg.MaxConcurrency, 1),
		interval: cfg.Interval,
		clock:    cfg.Clock,
		log:      cfg.Logger,
		limit:    cfg.SessionStartLimit,
		refresh:  cfg.Refresh,
	}
	if q.interval <= 0 {
		q.interval = DefaultIdentifyInterval
	}
	if q.clock == nil {
		q.clock = systemClock{}
	}
	if q.log == nil {
		q.log = slog.New(slog.DiscardHandler)
	}
	kv, err := cfg.Storage.keyValue(ctx, js, cfg.Bucket, 0)
	if err != nil {
		return nil, err
	}
	q.kv = kv
	return q, nil
}

// MaxConcurrency returns the number of rate-limit keys.
func (q *IdentifyQueue) MaxConcurrency() int { return q.maxConc }

// Wait blocks until shardID may IDENTIFY, or ctx ends (ctx.Err()). NATS
// errors are retried while ctx lasts: a shard waits for NATS rather than
// identifying outside the queue.
func (q *IdentifyQueue) Wait(ctx context.Context, shardID int) error {
	if shardID < 0 {
		return fmt.Errorf("cluster: identify queue: bad shard id %d", shardID)
	}
	if q.limit != nil {
		if err := q.takeBudget(ctx, shardID); err != nil {
			return err
		}
	}
	key := "key." + strconv.Itoa(shardID%q.maxConc)
	token := newToken()
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		c, cancel := context.WithTimeout(ctx, opTimeout)
		wait, err := q.tryGrant(c, key, shardID, token)
		cancel()
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			q.log.Warn("identify queue: NATS error; retrying", "shard", shardID, "err", err)
			// NATS errors are real-world: real time, whatever the clock.
			select {
			case <-time.After(100 * time.Millisecond):
				continue
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		switch {
		case wait == 0:
			q.mu.Lock()
			if q.granted == nil {
				q.granted = map[int]grantRef{}
			}
			q.granted[shardID] = grantRef{key, token}
			q.mu.Unlock()
			return nil
		case wait == retryNow:
			continue
		}
		if err := q.sleep(ctx, wait); err != nil {
			return err
		}
	}
}

// IdentifySent implements shard.IdentifySentNotifier. Discord times the
// window from the IDENTIFY's arrival, and a shard on a loaded node can
// write it well after its grant: the key's grant is then moved to the
// write, so that no node identifies on that key within an Interval of it.
// The move is a write to NATS, made in the background (the shard's loop
// must not wait for it); a grant another node has taken since is left
// alone.
func (q *IdentifyQueue) IdentifySent(shardID int, at time.Time) {
	q.mu.Lock()
	ref, ok := q.granted[shardID]
	delete(q.granted, shardID)
	q.mu.Unlock()
	if !ok {
		return
	}
	// The write is timed by the queue's clock, as its grants are (at may
	// come from another).
	at = q.clock.Now()
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
		defer cancel()
		if err := q.moveGrant(ctx, ref, at); err != nil {
			q.log.Warn("identify queue: moving a grant to its IDENTIFY's write failed", "shard", shardID, "err", err)
		}
	}()
}

// moveGrant stamps ref's grant with at, if the key still holds it and at
// is later than its stamp.
func (q *IdentifyQueue) moveGrant(ctx context.Context, ref grantRef, at time.Time) error {
	e, err := q.kv.Get(ctx, ref.key)
	if missing(err) {
		return nil
	}
	if err != nil {
		return err
	}
	var last grant
	if json.Unmarshal(e.Value(), &last) != nil || last.Token != ref.token || !at.After(time.Unix(0, last.At)) {
		return nil
	}
	// A write more than an interval after its grant moves the key by one
	// interval at most.
	if latest := time.Unix(0, last.At).Add(q.interval); at.After(latest) {
		at = latest
	}
	last.At = at.UnixNano()
	val, _ := json.Marshal(last)
	if _, err := q.kv.Update(ctx, ref.key, val, e.Revision()); err != nil && !conflict(err) {
		return err
	}
	return nil
}

// tryGrant takes key's next grant if its window has passed: it returns 0
// when granted, or how long to wait before trying again. token marks this
// Wait's writes, so that one whose answer was lost is recognised.
func (q *IdentifyQueue) tryGrant(ctx context.Context, key string, shardID int, token string) (time.Duration, error) {
	now := q.clock.Now()
	e, err := q.kv.Get(ctx, key)
	var rev uint64 // 0: the key is not there, create it
	switch {
	case missing(err):
	case err != nil:
		return 0, err
	default:
		var last grant
		// A grant is stamped at most a write's time ahead: one further
		// ahead than a whole interval was not written by a node either.
		err := json.Unmarshal(e.Value(), &last)
		if err != nil || last.At == 0 || time.Unix(0, last.At).After(now.Add(q.interval)) {
			// Not a grant a node wrote (a tool, a hand edit): take it
			// for one made when it was written, so the key's window
			// still holds, and overwrite it once that has passed.
			// Reading it again would never give anything else.
			q.log.Warn("identify queue: the key holds no grant; taking it for one made when it was written",
				"key", key, "written", e.Created(), "err", err)
			last = grant{At: e.Created().UnixNano()}
		}
		if last.Token == token {
			// A write of ours whose answer was lost landed after all.
			if last.Confirmed {
				return 0, nil
			}
			return q.restamp(ctx, key, e.Revision(), shardID, token, 0)
		}
		next := time.Unix(0, last.At).Add(q.interval)
		if d := next.Sub(now); d > 0 {
			return d, nil
		}
		rev = e.Revision()
	}
	val, _ := json.Marshal(grant{At: now.UnixNano(), Shard: shardID, Token: token})
	wrote := q.clock.Now()
	if rev == 0 {
		rev, err = q.kv.Create(ctx, key, val)
	} else {
		rev, err = q.kv.Update(ctx, key, val, rev)
	}
	if err != nil {
		if conflict(err) {
			return retryNow, nil // another node was first: look again
		}
		return 0, err
	}
	return q.restamp(ctx, key, rev, shardID, token, q.clock.Now().Sub(wrote))
}

// restamp moves a grant's time to when Wait returns, and confirms the
// grant. The grant was stamped before its write, and a write can take a
// while on a loaded machine or with a distant NATS: the window must run
// from when the caller is let go, not from when it asked. So the stamp is
// now plus the time the last write took (writeTime), the best guess of
// this write's; when the answer comes later than the stamp by more than a
// twentieth of the interval, the guess was wrong and the grant is stamped
// again (the key is ours meanwhile: others wait), up to maxRestamps times.
// If the first write took so long that another node already took the
// key's next grant, the compare-and-set fails and this grant is void: the
// caller waits again rather than identify alongside the other. A write
// whose answer is lost is retried, and recognised by its token if it
// landed.
func (q *IdentifyQueue) restamp(ctx context.Context, key string, rev uint64, shardID int, token string, writeTime time.Duration) (time.Duration, error) {
	tolerance := min(q.interval/20, 100*time.Millisecond)
	for range maxRestamps {
		sent := q.clock.Now()
		stamp := sent.Add(writeTime)
		val, _ := json.Marshal(grant{At: stamp.UnixNano(), Shard: shardID, Token: token, Confirmed: true})
		next, err := q.kv.Update(ctx, key, val, rev)
		if err != nil {
			if conflict(err) {
				q.log.Warn("identify queue: a grant was overtaken while it was written; waiting again", "shard", shardID)
				return retryNow, nil
			}
			return 0, err
		}
		done := q.clock.Now()
		if done.Sub(stamp) <= tolerance {
			return 0, nil
		}
		rev, writeTime = next, done.Sub(sent)
	}
	q.log.Warn("identify queue: writes to NATS keep taking longer than expected; identifying anyway", "shard", shardID)
	return 0, nil
}

// maxRestamps bounds how often one grant is stamped again.
const maxRestamps = 5

// takeBudget takes one session start from the cluster's budget, waiting
// for the reset when it is spent (Discord resets the token of a bot that
// goes over).
func (q *IdentifyQueue) takeBudget(ctx context.Context, shardID int) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		c, cancel := context.WithTimeout(ctx, opTimeout)
		wait, err := q.tryBudget(c, shardID)
		cancel()
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			q.log.Warn("identify queue: NATS error on the session start budget; retrying", "shard", shardID, "err", err)
			// NATS errors are real-world: real time, whatever the clock.
			select {
			case <-time.After(100 * time.Millisecond):
				continue
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		switch {
		case wait == 0:
			return nil
		case wait == retryNow:
			continue
		}
		if err := q.sleep(ctx, wait); err != nil {
			return err
		}
	}
}

func (q *IdentifyQueue) tryBudget(ctx context.Context, shardID int) (time.Duration, error) {
	now := q.clock.Now()
	e, err := q.kv.Get(ctx, budgetKey)
	if missing(err) {
		b := budget{Remaining: q.limit.Remaining, Total: q.limit.Total, ResetAt: now.Add(q.limit.ResetAfter).UnixNano()}
		val, _ := json.Marshal(b)
		if _, err := q.kv.Create(ctx, budgetKey, val); err != nil && !conflict(err) {
			return 0, err
		}
		return retryNow, nil // take from it on the next pass
	}
	if err != nil {
		return 0, err
	}
	var b budget
	if err := json.Unmarshal(e.Value(), &b); err != nil || b.ResetAt == 0 {
		// Not a budget a node wrote: write this node's, as for a
		// missing one, in its place.
		q.log.Warn("identify queue: the session start budget is not readable; writing this node's", "err", err)
		b = budget{Remaining: q.limit.Remaining, Total: q.limit.Total, ResetAt: now.Add(q.limit.ResetAfter).UnixNano()}
		val, _ := json.Marshal(b)
		if _, err := q.kv.Update(ctx, budgetKey, val, e.Revision()); err != nil && !conflict(err) {
			return 0, err
		}
		return retryNow, nil
	}
	resetAt := time.Unix(0, b.ResetAt)
	switch {
	case b.Remaining > 0:
		b.Remaining--
	case now.Before(resetAt):
		wait := resetAt.Sub(now)
		q.log.Warn("session start limit exhausted across the cluster; waiting for the reset instead of identifying",
			"shard", shardID, "reset_in", wait.Round(time.Second))
		return wait, nil
	default:
		// Past the reset: one node writes the new budget, and every
		// waiter takes from it on its next pass.
		b = q.resetBudget(ctx, b, now)
		val, _ := json.Marshal(b)
		if _, err := q.kv.Update(ctx, budgetKey, val, e.Revision()); err != nil && !conflict(err) {
			return 0, err
		}
		return retryNow, nil
	}
	val, _ := json.Marshal(b)
	if _, err := q.kv.Update(ctx, budgetKey, val, e.Revision()); err != nil {
		if conflict(err) {
			return retryNow, nil
		}
		return 0, err
	}
	return 0, nil
}

// resetBudget is the budget after its reset: from Refresh when there is
// one, otherwise the total, for another day.
func (q *IdentifyQueue) resetBudget(ctx context.Context, b budget, now time.Time) budget {
	if q.refresh != nil {
		fresh, err := q.refresh(ctx)
		if err == nil {
			return budget{Remaining: fresh.Remaining, Total: fresh.Total,
				ResetAt: now.Add(max(fresh.ResetAfter, time.Second)).UnixNano()}
		}
		q.log.Error("refreshing the session start limit failed; assuming the daily total", "err", err)
	}
	return budget{Remaining: max(b.Total, 1), Total: b.Total, ResetAt: now.Add(24 * time.Hour).UnixNano()}
}

func (q *IdentifyQueue) sleep(ctx context.Context, d time.Duration) error {
	select {
	case <-q.clock.After(d):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// systemClock is the real time.
type systemClock struct{}

func (systemClock) Now() time.Time                         { return time.Now() }
func (systemClock) After(d time.Duration) <-chan time.Time { return time.After(d) }
