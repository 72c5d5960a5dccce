package rest

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// NewLimiter returns the in-memory Limiter, for one process. The client
// makes one with Discord's limits unless WithLimiter gives another.
func NewLimiter(cfg LimiterConfig) Limiter {
	cfg.defaults()
	return &memLimiter{
		clock: cfg.Clock, log: cfg.Logger, maxWait: cfg.MaxWait,
		hashes: map[string]string{}, routes: map[routeKey]*routeState{}, buckets: map[bucketKey]*bucket{},
		global:  newGlobalWindow(cfg.GlobalPerSecond),
		invalid: newInvalidBudget(cfg.InvalidLimit, cfg.InvalidWindow),
	}
}

// memLimiter keeps every bucket in one map behind one mutex. The mutex is
// never held across a request or a wait.
//
// Three tables: a route key (method and folded path) to the bucket hash
// Discord named for it; a route (key and major parameter) to its bucket;
// and the buckets by hash and major parameter. Routes that Discord gives
// one hash share a bucket; a route whose hash changes moves to the new
// bucket with its requests in flight.
type memLimiter struct {
	clock   Clock
	log     *slog.Logger
	maxWait time.Duration

	mu      sync.Mutex
	hashes  map[string]string // route key -> hash; "" for a route without a bucket
	routes  map[routeKey]*routeState
	buckets map[bucketKey]*bucket
	global  globalWindow
	invalid invalidBudget
	// banned holds every request, interaction routes included, after a
	// 429 from Cloudflare: the whole IP is held.
	banned time.Time
	seq    uint64
	swept  time.Time
}

type routeKey struct{ key, major string }

// routeState is one route on one major parameter.
type routeState struct {
	key      routeKey
	bucket   *bucket
	inflight int
	used     time.Time
}

// answerWait bounds a wait for an answer that has no deadline of its
// own, so that a waiter looks again even if a Release never comes.
const answerWait = 10 * time.Second

// idle is how long a bucket stays unused before it is forgotten.
const idle = 10 * time.Minute

func (l *memLimiter) nextSeq() uint64 { l.seq++; return l.seq }

// Acquire implements Limiter.
func (l *memLimiter) Acquire(ctx context.Context, r Route) (Permit, error) {
	var timer Timer
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	for {
		if err := ctx.Err(); err != nil {
			return Permit{}, err
		}
		l.mu.Lock()
		now := l.clock.Now()
		l.sweep(now)
		wait, refuse, retry := l.invalid.check(now)
		if refuse {
			count, limit, window := l.invalid.count, l.invalid.limit, l.invalid.window
			l.mu.Unlock()
			return Permit{}, &InvalidRequestsError{Count: count, Limit: limit, Window: window, RetryAfter: retry}
		}
		rs := l.route(r, now)
		b := rs.bucket
		var bwake, gwake chan struct{}
		scope := "bucket"
		if wait > 0 {
			scope = "invalid"
		}
		bw, timed := b.ready(now, l.nextSeq)
		if !timed {
			bwake = b.waiter()
		}
		if bw > wait {
			wait, scope = bw, "bucket"
		}
		if now.Before(l.banned) {
			if bw := l.banned.Sub(now); bw > wait {
				wait, scope = bw, ScopeGlobal
			}
		}
		if r.Global {
			gw, timed := l.global.ready(now)
			if !timed {
				gwake = l.global.waiter()
			}
			if gw > wait {
				wait, scope = gw, ScopeGlobal
			}
		}
		if wait == 0 && bwake == nil && gwake == nil {
			b.take()
			b.used = now
			rs.inflight++
			if r.Global {
				l.global.inflight++
			}
			l.invalid.admitted(now)
			p := Permit{Route: r, Ref: rs, Seq: b.seq}
			l.mu.Unlock()
			return p, nil
		}
		count, limit, window := l.invalid.count, l.invalid.limit, l.invalid.window
		l.mu.Unlock()
		if wait > l.maxWait && scope == "invalid" {
			return Permit{}, &InvalidRequestsError{Count: count, Limit: limit, Window: window, RetryAfter: wait}
		}
		if wait > l.maxWait {
			return Permit{}, &RateLimitError{RetryAfter: wait, Scope: scope, Global: scope == ScopeGlobal, Answered: false}
		}
		if wait == 0 {
			wait = answerWait
			l.log.Debug("rate limit wait for an answer", "route", r.Key, "scope", scope)
		} else {
			l.log.Debug("rate limit wait", "route", r.Key, "wait", wait, "scope", scope)
		}
		if timer != nil {
			timer.Stop()
		}
		// Timed from now, the instant the wait was computed at, not
		// from whenever this line runs.
		timer = newTimerAt(l.clock, now.Add(wait))
		select {
		case <-timer.C():
		case <-bwake:
		case <-gwake:
		case <-ctx.Done():
			return Permit{}, ctx.Err()
		}
	}
}

// route returns the state of r, creating it (and its bucket) if new.
func (l *memLimiter) route(r Route, now time.Time) *routeState {
	rk := routeKey{r.Key, r.Major}
	rs := l.routes[rk]
	if rs == nil {
		rs = &routeState{key: rk}
		hash, known := l.hashes[r.Key]
		bk := bucketKey{route: r.Key, major: r.Major}
		if known && hash != "" {
			bk = bucketKey{hash: hash, major: r.Major}
		}
		rs.bucket = l.bucket(bk)
		rs.bucket.routes++
		if known && hash == "" {
			rs.bucket.unlimited = true
		}
		l.routes[rk] = rs
	}
	rs.used = now
	return rs
}

// bucket returns the bucket of k, creating it: one request at a time
// until an answer says its limit.
func (l *memLimiter) bucket(k bucketKey) *bucket {
	b := l.buckets[k]
	if b == nil {
		b = &bucket{key: k, remaining: 1, seq: l.nextSeq()}
		l.buckets[k] = b
	}
	return b
}

// Release implements Limiter.
func (l *memLimiter) Release(p Permit, a Answer) {
	rs, _ := p.Ref.(*routeState)
	if rs == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	// The answer's arrival, taken before this lock: under load the lock
	// may come much later, and every window is timed from the arrival.
	now := a.At
	if now.IsZero() {
		now = l.clock.Now()
	}
	b := rs.bucket
	b.inflight--
	rs.inflight--
	if p.Route.Global {
		// An error from the edge (a 5xx without bucket headers) never
		// reached Discord's API: it holds no place in the global window.
		l.global.finish(now, a.Sent && !(a.Status >= 500 && a.Headers.Bucket == ""))
	}
	if a.Sent && a.Invalid() {
		l.invalid.add(now)
	}
	switch {
	case !a.Sent:
		b.refund(p.Seq)
	case a.Headers.Bucket != "":
		b = l.learn(rs, p.Route, a.Headers.Bucket)
		b.update(a.Headers, now, p.Seq, l.nextSeq)
	case a.Status == 0:
		b.failed(now)
	case a.Status >= 500, a.Status == 429:
		// An answer without bucket headers, from in front of the API
		// (a 502 from the edge, Cloudflare's 429): Discord's API did not
		// count it.
		if a.Status != 429 {
			b.refund(p.Seq)
		}
	default:
		// Answered, and no bucket named: the route has none.
		if b.key.hash == "" {
			l.hashes[p.Route.Key] = ""
			b.unlimited = true
		}
	}
	if a.Status == 429 {
		until := now.Add(a.RetryAfter)
		if a.Edge {
			l.banned = maxTime(l.banned, until)
			l.log.Warn("rate limited in front of the API: holding every request", "retry_after", a.RetryAfter)
		} else if a.Global || a.Scope == ScopeGlobal {
			// Discord's global limit: interaction routes are outside it.
			l.global.until = maxTime(l.global.until, until)
			l.log.Warn("global rate limit: holding every request", "retry_after", a.RetryAfter)
		} else {
			b.pause(until)
		}
	}
	b.notify()
}

// learn maps the route to the bucket hash an answer named, moving it and
// its requests in flight when that is not its bucket yet.
func (l *memLimiter) learn(rs *routeState, r Route, hash string) *bucket {
	cur := rs.bucket
	l.hashes[r.Key] = hash
	if cur.key.hash == hash {
		return cur
	}
	nb := l.bucket(bucketKey{hash: hash, major: r.Major})
	cur.inflight -= rs.inflight
	nb.inflight += rs.inflight
	cur.routes--
	nb.routes++
	rs.bucket = nb
	if cur.key.hash != "" {
		l.log.Debug("rate limit bucket changed", "route", r.Key)
	}
	if cur.routes == 0 && cur.inflight == 0 {
		delete(l.buckets, cur.key)
	}
	cur.notify()
	return nb
}

// sweep forgets, once a minute, the routes and buckets idle for ten:
// interaction and webhook routes carry ids that never come back.
func (l *memLimiter) sweep(now time.Time) {
	if now.Sub(l.swept) < time.Minute {
		return
	}
	l.swept = now
	for k, rs := range l.routes {
		b := rs.bucket
		if rs.inflight == 0 && now.Sub(rs.used) > idle && now.After(b.resetAt) && now.After(b.pausedUntil) {
			delete(l.routes, k)
			b.routes--
		}
	}
	for k, b := range l.buckets {
		if b.routes <= 0 && b.inflight == 0 {
			delete(l.buckets, k)
		}
	}
}
