// Package ratelimittest checks a rest.Limiter against Discord's rules. A
// limiter that replaces the in-memory one (one whose buckets live in NATS
// or Redis, shared by processes using one token) runs the suite against
// itself:
//
//	func TestMyLimiter(t *testing.T) {
//		ratelimittest.Run(t, func(cfg rest.LimiterConfig) rest.Limiter {
//			return mylimiter.New(cfg)
//		})
//	}
//
// Time is a FakeClock given in cfg.Clock: the suite moves it, and tells a
// waiting Acquire by the clock timer it waits on. An implementation must
// therefore take its time from cfg.Clock and wait on cfg.Clock's timers
// (a wait for an answer, which has no deadline, included: give it a long
// one).
package ratelimittest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/wirecord/wirecord/rest"
)

// Factory returns a fresh limiter for cfg.
type Factory func(cfg rest.LimiterConfig) rest.Limiter

// Run runs every rule as a subtest.
func Run(t *testing.T, newLimiter Factory) {
	for _, rule := range []struct {
		name string
		test func(*harness)
	}{
		{"AnUnknownRouteSendsOneRequestAtATime", unknownRouteOneAtATime},
		{"AKnownBucketLetsRemainingGoAtOnce", remainingAtOnce},
		{"AWindowIsTimedFromItsAnswerNeverGuessed", windowFromAnswer},
		{"ALateAnswerOfTheLastWindowGivesItsPlaceBack", lateAnswer},
		{"RoutesSharingAHashShareABucketPerMajor", sharedHash},
		{"ARouteWhoseHashChangesMovesWithItsRequestsInFlight", hashChange},
		{"TheGlobalLimitIsKeptBeforeSending", globalKept},
		{"InteractionRoutesAreOutsideTheGlobalLimit", interactionsExempt},
		{"AGlobal429HoldsEveryRequest", global429},
		{"ACloudflare429HoldsEveryRequestInteractionsToo", edge429},
		{"A429IsHonouredForExactlyItsRetryAfter", retryAfterExact},
		{"ASharedScope429HoldsItsBucketAndIsNotInvalid", shared429},
		{"AWaitLongerThanMaxWaitIsARateLimitError", maxWait},
		{"InvalidAnswersSlowRequestsThenRefuseThem", invalidBudget},
		{"ACancelledWaitEndsWithItsContext", cancelledWait},
		{"AnUnsentRequestGivesItsPermitBack", unsentRefund},
		{"AnEdgeErrorGivesItsPermitBack", edgeRefund},
		{"ConcurrentCallersNeverExceedRemaining", concurrent},
	} {
		t.Run(rule.name, func(t *testing.T) {
			clock := NewFakeClock(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
			cfg := rest.LimiterConfig{GlobalPerSecond: 1000, MaxWait: time.Hour, Clock: clock}
			h := &harness{t: t, clock: clock, cfg: cfg, newLimiter: newLimiter}
			h.l = newLimiter(cfg)
			rule.test(h)
		})
	}
}

// Routes the rules use.
var (
	create   = rest.Route{Key: "POST /channels/:major/messages", Major: "1", Global: true}
	edit     = rest.Route{Key: "PATCH /channels/:major/messages/:id", Major: "1", Global: true}
	create2  = rest.Route{Key: "POST /channels/:major/messages", Major: "2", Global: true}
	callback = rest.Route{Key: "POST /interactions/:major/:token/callback", Major: "9", Global: false}
)

type harness struct {
	t          *testing.T
	l          rest.Limiter
	clock      *FakeClock
	cfg        rest.LimiterConfig
	newLimiter Factory
	// waiting counts the Acquires that should be blocked now.
	waiting int
}

// with replaces the limiter by one made with a changed config.
func (h *harness) with(change func(*rest.LimiterConfig)) {
	change(&h.cfg)
	h.l = h.newLimiter(h.cfg)
}

type result struct {
	p   rest.Permit
	err error
}

// pending is an Acquire that is waiting.
type pending struct {
	h      *harness
	route  rest.Route
	done   chan result
	cancel context.CancelFunc
}

func realCtx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), 10*time.Second)
}

// try calls Acquire and returns its result if it came without waiting, or
// the pending call if it waits on a clock timer.
func (h *harness) try(r rest.Route) (*result, *pending) {
	h.t.Helper()
	h.settle()
	ctx, cancel := context.WithCancel(context.Background())
	p := &pending{h: h, route: r, done: make(chan result, 1), cancel: cancel}
	go func() {
		perm, err := h.l.Acquire(ctx, r)
		p.done <- result{perm, err}
	}()
	blocked := make(chan error, 1)
	wctx, wcancel := realCtx()
	defer wcancel()
	n := h.waiting + 1
	go func() { blocked <- h.clock.WaitForTimers(wctx, n) }()
	select {
	case res := <-p.done:
		cancel()
		return &res, nil
	case err := <-blocked:
		if err != nil {
			h.t.Fatalf("Acquire(%s) neither returned nor waited on the clock", r.Key)
		}
		h.waiting++
		return nil, p
	}
}

// settle waits until every Acquire that should be waiting waits on a
// clock timer again (after an Advance or a Release woke them).
func (h *harness) settle() {
	h.t.Helper()
	ctx, cancel := realCtx()
	defer cancel()
	if err := h.clock.WaitForTimers(ctx, h.waiting); err != nil {
		h.t.Fatalf("%d Acquires should be waiting, %d wait on the clock", h.waiting, h.clock.Timers())
	}
}

// goes asserts that Acquire lets a request on r through at once.
func (h *harness) goes(r rest.Route, why string) rest.Permit {
	h.t.Helper()
	res, p := h.try(r)
	if p != nil {
		p.abandon()
		h.t.Fatalf("%s: a request on %s waited, want it sent at once", why, r.Key)
	}
	if res.err != nil {
		h.t.Fatalf("%s: Acquire(%s): %v", why, r.Key, res.err)
	}
	return res.p
}

// waits asserts that Acquire on r waits, and returns the waiting call.
func (h *harness) waits(r rest.Route, why string) *pending {
	h.t.Helper()
	res, p := h.try(r)
	if p == nil {
		if res.err == nil {
			h.l.Release(res.p, rest.Answer{At: h.clock.Now(), Sent: false})
		}
		h.t.Fatalf("%s: a request on %s went at once (err %v), want it to wait", why, r.Key, res.err)
	}
	return p
}

// granted waits for the pending call to be let through.
func (p *pending) granted(why string) rest.Permit {
	p.h.t.Helper()
	ctx, cancel := realCtx()
	defer cancel()
	select {
	case res := <-p.done:
		p.h.waiting--
		p.cancel()
		if res.err != nil {
			p.h.t.Fatalf("%s: Acquire(%s): %v", why, p.route.Key, res.err)
		}
		return res.p
	case <-ctx.Done():
		p.h.t.Fatalf("%s: a request on %s is still waiting", why, p.route.Key)
		return rest.Permit{}
	}
}

// stillWaits asserts the pending call has not been let through.
func (p *pending) stillWaits(why string) {
	p.h.t.Helper()
	p.h.settle()
	select {
	case res := <-p.done:
		p.h.waiting--
		p.h.t.Fatalf("%s: a request on %s went (err %v), want it to wait", why, p.route.Key, res.err)
	default:
	}
}

// abandon cancels the pending call and waits for it to return.
func (p *pending) abandon() error {
	p.cancel()
	res := <-p.done
	p.h.waiting--
	if res.err == nil {
		p.h.l.Release(res.p, rest.Answer{At: p.h.clock.Now(), Sent: false})
	}
	return res.err
}

// answered releases p with a 200 carrying bucket headers.
func (h *harness) answered(p rest.Permit, hash string, limit, remaining int, resetAfter time.Duration) {
	h.l.Release(p, rest.Answer{At: h.clock.Now(), Sent: true, Status: 200,
		Headers: rest.Headers{Bucket: hash, Limit: limit, Remaining: remaining, ResetAfter: resetAfter}})
}

// limited releases p with a 429.
func (h *harness) limited(p rest.Permit, scope string, retryAfter time.Duration, hdr rest.Headers) {
	h.l.Release(p, rest.Answer{At: h.clock.Now(), Sent: true, Status: 429, Headers: hdr,
		RetryAfter: retryAfter, Scope: scope, Global: scope == rest.ScopeGlobal})
}

// learn discovers r's bucket: one request, answered with the headers.
func (h *harness) learn(r rest.Route, hash string, limit, remaining int, resetAfter time.Duration) {
	h.t.Helper()
	h.answered(h.goes(r, "the first request of a route"), hash, limit, remaining, resetAfter)
}

func unknownRouteOneAtATime(h *harness) {
	first := h.goes(create, "the first request of a route")
	second := h.waits(create, "a second request before the first is answered")
	other := h.goes(create2, "a route on another major parameter")
	h.clock.Advance(time.Minute)
	second.stillWaits("a minute later, still unanswered")
	h.answered(first, "h", 5, 4, time.Second)
	second.granted("once the first is answered")
	h.answered(other, "h", 5, 4, time.Second)
}

func remainingAtOnce(h *harness) {
	h.learn(create, "h", 5, 3, time.Second) // 3 left in this window
	for range 3 {
		h.goes(create, "within remaining, nothing answered yet")
	}
	next := h.waits(create, "past remaining")
	h.clock.Advance(time.Second - time.Millisecond)
	next.stillWaits("before the window's end")
	h.clock.Advance(2 * time.Millisecond)
	// The three are still in flight and may land in the new window: it
	// holds 5 - 3.
	next.granted("at the window's end")
	h.goes(create, "the second of the new window")
	h.waits(create, "the new window less the three in flight").abandon()
}

func windowFromAnswer(h *harness) {
	// A 5-per-5 s bucket whose answers take 2 s (issue 12).
	var ps []rest.Permit
	p := h.goes(create, "discovery")
	h.clock.Advance(2 * time.Second)
	h.answered(p, "slow", 5, 4, 3*time.Second) // Discord's window ends in 3 s
	for range 4 {
		ps = append(ps, h.goes(create, "the rest of the first window"))
	}
	h.clock.Advance(2 * time.Second)
	for _, p := range ps {
		h.answered(p, "slow", 5, 0, time.Second)
	}
	next := h.waits(create, "the first window spent")
	h.clock.Advance(time.Second + 2*time.Millisecond)
	// Now the second window: its end is known only from its answers.
	ps = []rest.Permit{next.granted("the second window opens")}
	for range 4 {
		ps = append(ps, h.goes(create, "the second window"))
	}
	after := h.waits(create, "the second window spent")
	h.clock.Advance(3 * time.Second)
	after.stillWaits("answers slower than a second: no window may be guessed refilled")
	h.clock.Advance(10 * time.Second)
	after.stillWaits("answers slower than the window: still no window without an answer")
	// The answers arrive 13 s after they were sent: Discord's window
	// began when the first reached it, and ends 2 s from now.
	for _, p := range ps {
		h.answered(p, "slow", 5, 0, 2*time.Second)
	}
	after.stillWaits("the window ends 2 s after its answers")
	h.clock.Advance(2*time.Second + 2*time.Millisecond)
	after.granted("2 s after the answers")
}

func lateAnswer(h *harness) {
	h.learn(create, "h", 2, 1, time.Second)
	old := h.goes(create, "the last of the first window")
	h.clock.Advance(time.Second + 2*time.Millisecond)
	// The new window holds 2 less the one in flight, which may land in
	// it.
	h.goes(create, "the first of the second window")
	next := h.waits(create, "the second window less the one in flight")
	// Its answer shows Discord counted it in the first window (it ends
	// now): its place in the second is free.
	h.answered(old, "h", 2, 0, 0)
	next.granted("the place of a request counted in the window before")
	h.waits(create, "the second window spent").abandon()
}

func sharedHash(h *harness) {
	h.learn(create, "msgs", 3, 2, time.Second)
	h.goes(create, "the second of three")
	// The first edit learns that edit shares create's hash.
	h.learn(edit, "msgs", 3, 0, time.Second)
	h.waits(create, "edit spent the shared bucket").abandon()
	h.waits(edit, "the shared bucket is spent").abandon()
	// Another channel is another bucket.
	h.learn(create2, "msgs", 3, 2, time.Second)
	h.goes(create2, "another major parameter")
}

func hashChange(h *harness) {
	h.learn(create, "old", 4, 3, time.Second)
	a := h.goes(create, "1 of 3")
	h.goes(create, "2 of 3")
	h.goes(create, "3 of 3")
	// The first answer names a new hash: the route moves there with the
	// two still in flight, which the new bucket's 2 remaining must cover.
	h.answered(a, "new", 4, 2, time.Second)
	h.waits(create, "2 remaining, 2 in flight on the moved route").abandon()
	h.clock.Advance(time.Second + 2*time.Millisecond)
	h.goes(create, "the new bucket's next window")
}

func globalKept(h *harness) {
	h.with(func(c *rest.LimiterConfig) { c.GlobalPerSecond = 3 })
	routes := []rest.Route{create, create2, edit}
	var ps []rest.Permit
	for _, r := range routes {
		ps = append(ps, h.goes(r, "within the global limit"))
	}
	fourth := h.waits(rest.Route{Key: "GET /users/@me", Global: true}, "a fourth within a second")
	h.clock.Advance(500 * time.Millisecond)
	for _, p := range ps {
		h.answered(p, "h", 50, 49, time.Second)
	}
	h.clock.Advance(999 * time.Millisecond)
	fourth.stillWaits("a request holds its place until a second after its answer")
	h.clock.Advance(2 * time.Millisecond)
	fourth.granted("a second after the answers")
}

func interactionsExempt(h *harness) {
	h.with(func(c *rest.LimiterConfig) { c.GlobalPerSecond = 1 })
	h.goes(create, "the one global request")
	h.waits(create2, "the global limit spent").abandon()
	h.goes(callback, "an interaction callback, exempt")
}

func global429(h *harness) {
	p := h.goes(create, "a request")
	h.limited(p, rest.ScopeGlobal, 2*time.Second, rest.Headers{})
	held := h.waits(create2, "after a global 429, any route")
	h.goes(callback, "an interaction callback is outside the global limit")
	h.clock.Advance(2*time.Second - time.Millisecond)
	held.stillWaits("before retry_after")
	h.clock.Advance(time.Millisecond)
	held.granted("at retry_after")
}

func edge429(h *harness) {
	p := h.goes(create, "a request")
	h.l.Release(p, rest.Answer{At: h.clock.Now(), Sent: true, Status: 429, RetryAfter: 3 * time.Second,
		Scope: rest.ScopeGlobal, Global: true, Edge: true})
	held := h.waits(callback, "after Cloudflare's 429, even an interaction callback")
	h.waits(create2, "after Cloudflare's 429, any route").abandon()
	h.clock.Advance(3 * time.Second)
	held.granted("at retry_after")
}

func retryAfterExact(h *harness) {
	h.learn(create, "h", 5, 4, 10*time.Second)
	p := h.goes(create, "a request")
	h.limited(p, rest.ScopeUser, 1234*time.Millisecond, rest.Headers{Bucket: "h", Limit: 5, Remaining: 3, ResetAfter: 10 * time.Second})
	next := h.waits(create, "after a 429")
	h.goes(create2, "another major parameter is not held")
	h.clock.Advance(1233 * time.Millisecond)
	next.stillWaits("1 ms before retry_after")
	h.clock.Advance(time.Millisecond)
	next.granted("at retry_after exactly")
}

func shared429(h *harness) {
	h.with(func(c *rest.LimiterConfig) { c.InvalidLimit, c.InvalidWindow = 20, time.Hour })
	h.learn(create, "h", 100, 99, time.Hour)
	for i := range 30 {
		p := h.goes(create, fmt.Sprintf("shared 429 %d: they do not count as invalid", i))
		h.limited(p, rest.ScopeShared, 500*time.Millisecond, rest.Headers{})
		held := h.waits(create, "a shared 429 holds its bucket")
		if i == 0 {
			h.goes(edit, "another route is not held")
		}
		h.clock.Advance(499 * time.Millisecond)
		held.stillWaits("before retry_after")
		h.clock.Advance(time.Millisecond)
		h.l.Release(held.granted("at retry_after"), rest.Answer{At: h.clock.Now(), Sent: false})
	}
}

func maxWait(h *harness) {
	h.with(func(c *rest.LimiterConfig) { c.MaxWait = 5 * time.Second })
	p := h.goes(create, "a request")
	// A hostile or broken server: retry_after = 86400 (issue 13).
	h.limited(p, rest.ScopeUser, 24*time.Hour, rest.Headers{})
	res, pend := h.try(create)
	if pend != nil {
		pend.abandon()
		h.t.Fatal("Acquire waits out a day-long retry_after")
	}
	var rle *rest.RateLimitError
	if !errors.As(res.err, &rle) || rle.RetryAfter < 23*time.Hour {
		h.t.Fatalf("Acquire = %v, want a *rest.RateLimitError with the day", res.err)
	}
	h.goes(create2, "another bucket is not held")
}

func invalidBudget(h *harness) {
	h.with(func(c *rest.LimiterConfig) { c.InvalidLimit, c.InvalidWindow = 100, 10*time.Minute })
	unauthorized := func(n int) {
		for range n {
			h.l.Release(h.goes(rest.Route{Key: "GET /users/@me", Global: true}, "before the budget nears its end"),
				rest.Answer{At: h.clock.Now(), Sent: true, Status: 401})
		}
	}
	unauthorized(80)
	// 80 of 100: requests are spaced out.
	h.l.Release(h.goes(create, "the first request once slowed"), rest.Answer{At: h.clock.Now(), Sent: true, Status: 401})
	slowed := h.waits(create2, "the next request once slowed")
	// Spaced so that the 15 left before refusal last the window.
	h.clock.Advance(39 * time.Second)
	slowed.stillWaits("before the spacing")
	h.clock.Advance(time.Second)
	h.l.Release(slowed.granted("after the spacing"), rest.Answer{At: h.clock.Now(), Sent: true, Status: 403})
	for i := 0; i < 13; i++ {
		h.clock.Advance(40 * time.Second)
		h.l.Release(h.goes(create, "spaced"), rest.Answer{At: h.clock.Now(), Sent: true, Status: 401})
	}
	// 95 of 100: refused.
	res, p := h.try(create2)
	if p != nil {
		p.abandon()
		h.t.Fatal("at 95 invalid answers of 100, Acquire waits instead of refusing")
	}
	var ire *rest.InvalidRequestsError
	if !errors.As(res.err, &ire) || ire.Count < 95 || ire.RetryAfter <= 0 || ire.RetryAfter > 10*time.Minute {
		h.t.Fatalf("Acquire = %v, want a *rest.InvalidRequestsError", res.err)
	}
	h.clock.Advance(ire.RetryAfter)
	h.goes(create2, "once old invalid answers aged out")
}

func cancelledWait(h *harness) {
	first := h.goes(create, "discovery")
	second := h.waits(create, "behind the discovery")
	if err := second.abandon(); !errors.Is(err, context.Canceled) {
		h.t.Fatalf("a cancelled Acquire returned %v, want context.Canceled", err)
	}
	h.answered(first, "h", 2, 1, time.Second)
	h.goes(create, "the cancelled one took nothing")
	h.waits(create, "the bucket spent").abandon()
}

func unsentRefund(h *harness) {
	h.learn(create, "h", 2, 1, time.Second)
	p := h.goes(create, "the last of the window")
	h.waits(create, "the window spent").abandon()
	h.l.Release(p, rest.Answer{At: h.clock.Now(), Sent: false})
	h.goes(create, "the permit given back")
}

func edgeRefund(h *harness) {
	h.learn(create, "h", 2, 1, time.Second)
	p := h.goes(create, "the last of the window")
	h.l.Release(p, rest.Answer{At: h.clock.Now(), Sent: true, Status: 502})
	h.goes(create, "a 502 without bucket headers reached no bucket")
}

func concurrent(h *harness) {
	h.learn(create, "h", 10, 5, time.Second)
	var mu sync.Mutex
	granted := 0
	var wg sync.WaitGroup
	ctx, cancel := context.WithCancel(context.Background())
	for range 20 {
		wg.Go(func() {
			if p, err := h.l.Acquire(ctx, create); err == nil {
				mu.Lock()
				granted++
				mu.Unlock()
				_ = p
			}
		})
	}
	wctx, wcancel := realCtx()
	defer wcancel()
	if err := h.clock.WaitForTimers(wctx, 15); err != nil {
		h.t.Fatalf("want 15 of 20 callers waiting, %d wait", h.clock.Timers())
	}
	cancel()
	wg.Wait()
	if granted != 5 {
		h.t.Errorf("%d of 20 concurrent callers let through, want the 5 remaining", granted)
	}
}
