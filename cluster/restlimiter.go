package cluster

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/nats-io/nuid"
	"github.com/wirecord/wirecord/rest"
)

// REST limits across processes: Discord counts a token's global limit and
// every bucket once, however many processes send with it, so the
// processes of one bot must draw from one limiter. ServeLimiter serves
// one rest.Limiter (the in-memory one, rest.NewLimiter) to every process
// over NATS; NewRemoteLimiter is the rest.Limiter each process gives its
// client (rest.WithLimiter). Every decision is the served limiter's,
// made in one place with everything it has learnt: nothing of the
// limiter's rules is written twice. The cost is a NATS round trip before
// each request.
//
// Several processes may run ServeLimiter: one serves, holding a lease in
// the <prefix>_rest bucket; the others stand by and take over within the
// lease time when it goes. A new server starts knowing nothing and learns
// the buckets from the next answers, as a restarted process does.

// limiterLeaseKey is the key of the serving process's lease.
const limiterLeaseKey = "limiter"

// limiterPermitTTL is how long a server keeps a permit its requester
// never released (the process died with the request in flight); then
// the permit is given back.
const limiterPermitTTL = time.Minute

// limiterAcquire is a RemoteLimiter's request.
type limiterAcquire struct {
	ID      string     `json:"id"`
	Route   rest.Route `json:"route"`
	Timeout int64      `json:"timeout_ms"`
}

// limiterGrant is the server's answer to an acquire.
type limiterGrant struct {
	Error        string                     `json:"error,omitempty"`
	RateLimit    *rest.RateLimitError       `json:"rate_limit,omitempty"`
	Invalid      *rest.InvalidRequestsError `json:"invalid,omitempty"`
	Canceled     bool                       `json:"canceled,omitempty"`
	DeadlineGone bool                       `json:"deadline,omitempty"`
}

// limiterRelease gives a permit back.
type limiterRelease struct {
	ID     string      `json:"id"`
	Answer rest.Answer `json:"answer"`
	// Withdraw ends an Acquire whose caller gave up, sent as a request:
	// the server answers once the Acquire has ended, with a
	// limiterWithdrawn saying whether it was granted first (then the
	// permit stays held, and the caller has it).
	Withdraw bool `json:"withdraw,omitempty"`
}

// limiterWithdrawn answers a withdraw.
type limiterWithdrawn struct {
	Granted bool `json:"granted"`
}

func (n names) limiterAcquire() string { return n.prefix + ".rest.acquire" }
func (n names) limiterRelease() string { return n.prefix + ".rest.release" }
func (n names) rest() string           { return n.prefix + "_rest" }

// LimiterServerConfig configures ServeLimiter. NATS is required.
type LimiterServerConfig struct {
	NATS *nats.Conn
	// Prefix is the bot's prefix, as in NodeConfig. Default "wirecord".
	Prefix string
	// NewLimiter makes the limiter served, once each time this process
	// starts serving (after a takeover too). Default rest.NewLimiter with
	// Discord's limits; a test gives rest.NewLimiter with a fake clock.
	NewLimiter func() rest.Limiter
	// LeaseTTL is how long the serving process's lease lasts unrenewed.
	// Default DefaultLeaseTTL.
	LeaseTTL time.Duration
	// Storage replicates the lease bucket.
	Storage Storage
	// Logger receives takeovers and NATS errors. Default: discard.
	Logger *slog.Logger
}

// ServeLimiter serves a rest.Limiter to the bot's processes while it
// holds the limiter's lease, and stands by otherwise, until ctx ends.
func ServeLimiter(ctx context.Context, cfg LimiterServerConfig) error {
	if cfg.NATS == nil {
		return errors.New("cluster: LimiterServerConfig.NATS is required")
	}
	if cfg.Prefix == "" {
		cfg.Prefix = "wirecord"
	}
	if cfg.LeaseTTL <= 0 {
		cfg.LeaseTTL = DefaultLeaseTTL
	}
	if cfg.NewLimiter == nil {
		cfg.NewLimiter = func() rest.Limiter { return rest.NewLimiter(rest.LimiterConfig{}) }
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	n := names{cfg.Prefix}
	js, err := newJetStream(cfg.NATS)
	if err != nil {
		return err
	}
	oc, cancel := context.WithTimeout(ctx, 30*time.Second)
	kv, err := cfg.Storage.keyValue(oc, js, n.rest(), cfg.LeaseTTL)
	cancel()
	if err != nil {
		return err
	}
	me := nuid.Next()
	var (
		srv     *limiterServer
		rev     uint64
		renewed time.Time
	)
	stop := func() {
		if srv != nil {
			srv.stop()
			srv = nil
		}
	}
	defer func() {
		stop()
		if rev != 0 {
			c, cancel := context.WithTimeout(context.WithoutCancel(ctx), opTimeout)
			kv.Delete(c, limiterLeaseKey, jetstream.LastRevision(rev))
			cancel()
		}
	}()
	t := time.NewTicker(cfg.LeaseTTL / 4)
	defer t.Stop()
	for {
		c, cancel := context.WithTimeout(ctx, cfg.LeaseTTL/4)
		if rev == 0 {
			if rev, err = kv.Create(c, limiterLeaseKey, []byte(me)); err == nil {
				renewed = time.Now()
				if srv, err = startLimiterServer(cfg.NATS, n, cfg.NewLimiter(), cfg.Logger); err != nil {
					cancel()
					return err
				}
				cfg.Logger.Info("serving the REST limiter for the cluster")
			} else {
				rev = 0
			}
		} else if next, err := kv.Update(c, limiterLeaseKey, []byte(me), rev); err == nil {
			rev, renewed = next, time.Now()
		} else if conflict(err) || missing(err) || time.Since(renewed) >= cfg.LeaseTTL/2 {
			// Lost, or about to be: another process may serve from the
			// lease time on, so this one stops first.
			cfg.Logger.Warn("the REST limiter's lease is lost; standing by", "err", err)
			stop()
			rev = 0
		}
		cancel()
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// limiterServer answers acquires and releases for one limiter.
//
// Both come on one subscription, so that the server takes them in the
// order a process sent them: a permit released and then asked for again
// finds the first given back, as with the in-memory limiter.
type limiterServer struct {
	l   rest.Limiter
	log *slog.Logger
	// ctx ends when the server stops: every Acquire still waiting ends.
	ctx    context.Context
	cancel context.CancelFunc

	mu      sync.Mutex
	permits map[string]heldPermit
	waiting map[string]*waitingAcquire
	gone    map[string]time.Time // released (cancelled) before granted
	sub     *nats.Subscription
}

type heldPermit struct {
	p     rest.Permit
	until time.Time
}

// waitingAcquire is an Acquire the served limiter has not answered yet.
type waitingAcquire struct {
	cancel context.CancelFunc
	done   chan struct{} // closed once the served limiter's Acquire has returned
}

func startLimiterServer(nc *nats.Conn, n names, l rest.Limiter, log *slog.Logger) (*limiterServer, error) {
	ctx, cancel := context.WithCancel(context.Background())
	s := &limiterServer{l: l, log: log, ctx: ctx, cancel: cancel,
		permits: map[string]heldPermit{}, waiting: map[string]*waitingAcquire{}, gone: map[string]time.Time{}}
	sub, err := nc.Subscribe(n.prefix+".rest.*", func(m *nats.Msg) {
		switch m.Subject {
		case n.limiterAcquire():
			s.acquire(m)
		case n.limiterRelease():
			s.release(m)
		}
	})
	if err != nil {
		cancel()
		return nil, fmt.Errorf("cluster: serving the REST limiter: %w", err)
	}
	s.sub = sub
	go s.sweep()
	return s, nil
}

func (s *limiterServer) stop() {
	s.sub.Unsubscribe()
	s.cancel()
}

func (s *limiterServer) acquire(m *nats.Msg) {
	var req limiterAcquire
	if err := json.Unmarshal(m.Data, &req); err != nil || req.ID == "" {
		answer(m, limiterGrant{Error: "not an acquire request"})
		return
	}
	timeout := min(max(time.Duration(req.Timeout)*time.Millisecond, 0), 10*time.Minute)
	ctx, cancel := context.WithTimeout(s.ctx, timeout)
	w := &waitingAcquire{cancel: cancel, done: make(chan struct{})}
	// Registered before the next message is taken, so that a release
	// sent after this acquire finds it.
	s.mu.Lock()
	if _, cancelled := s.gone[req.ID]; cancelled {
		delete(s.gone, req.ID)
		s.mu.Unlock()
		cancel()
		return
	}
	s.waiting[req.ID] = w
	s.mu.Unlock()
	go func() {
		defer close(w.done)
		defer cancel()
		p, err := s.l.Acquire(ctx, req.Route)
		var g limiterGrant
		var rl *rest.RateLimitError
		var inv *rest.InvalidRequestsError
		s.mu.Lock()
		delete(s.waiting, req.ID)
		if _, cancelled := s.gone[req.ID]; cancelled {
			// The requester left before the grant: give it back.
			delete(s.gone, req.ID)
			s.mu.Unlock()
			if err == nil {
				s.l.Release(p, rest.Answer{At: time.Now()})
			}
			return
		}
		if err == nil {
			s.permits[req.ID] = heldPermit{p: p, until: time.Now().Add(limiterPermitTTL)}
		}
		s.mu.Unlock()
		switch {
		case err == nil:
		case errors.As(err, &rl):
			g.RateLimit = rl
		case errors.As(err, &inv):
			g.Invalid = inv
		case errors.Is(err, context.DeadlineExceeded):
			g.DeadlineGone = true
		case s.ctx.Err() != nil:
			g.Error = "the server stopped serving the limiter"
		default:
			g.Error = err.Error()
		}
		answer(m, g)
	}()
}

// release gives a permit back, or ends the Acquire that has not been
// granted yet.
func (s *limiterServer) release(m *nats.Msg) {
	var r limiterRelease
	if json.Unmarshal(m.Data, &r) != nil {
		return
	}
	if r.Withdraw {
		s.withdraw(m, r.ID)
		return
	}
	s.mu.Lock()
	h, held := s.permits[r.ID]
	w, waiting := s.waiting[r.ID]
	if held {
		delete(s.permits, r.ID)
	} else {
		s.gone[r.ID] = time.Now()
	}
	s.mu.Unlock()
	switch {
	case held:
		s.l.Release(h.p, r.Answer)
	case waiting:
		w.cancel()
	}
}

// withdraw ends the Acquire id and answers whether it was granted
// before it ended. The answer waits for the served limiter's Acquire to
// return: by then it waits on nothing and holds no place.
func (s *limiterServer) withdraw(m *nats.Msg, id string) {
	s.mu.Lock()
	_, held := s.permits[id]
	w, waiting := s.waiting[id]
	if !held && !waiting {
		// Not seen yet (the acquire was never sent, or is still on its
		// way from a server that stopped): refuse it when it comes.
		s.gone[id] = time.Now()
	}
	s.mu.Unlock()
	if !waiting {
		respondJSON(m, limiterWithdrawn{Granted: held})
		return
	}
	w.cancel()
	go func() {
		<-w.done
		s.mu.Lock()
		_, held := s.permits[id]
		s.mu.Unlock()
		respondJSON(m, limiterWithdrawn{Granted: held})
	}()
}

// sweep gives back the permits of requesters that never released them.
func (s *limiterServer) sweep() {
	t := time.NewTicker(limiterPermitTTL / 4)
	defer t.Stop()
	for {
		select {
		case <-s.ctx.Done():
			return
		case now := <-t.C:
			var expired []rest.Permit
			s.mu.Lock()
			for id, h := range s.permits {
				if now.After(h.until) {
					expired = append(expired, h.p)
					delete(s.permits, id)
				}
			}
			for id, at := range s.gone {
				if now.Sub(at) > limiterPermitTTL {
					delete(s.gone, id)
				}
			}
			s.mu.Unlock()
			for _, p := range expired {
				s.log.Warn("a REST permit was never released; giving it back", "route", p.Route.Key)
				// Sent with no answer: the limiter counts it as a request
				// that may have been made.
				s.l.Release(p, rest.Answer{At: now, Sent: true})
			}
		}
	}
}

func answer(m *nats.Msg, g limiterGrant) { respondJSON(m, g) }

func respondJSON(m *nats.Msg, v any) {
	data, _ := json.Marshal(v)
	m.Respond(data)
}

// RemoteLimiterConfig configures NewRemoteLimiter. NATS is required.
type RemoteLimiterConfig struct {
	NATS *nats.Conn
	// Prefix is the bot's prefix, as in NodeConfig. Default "wirecord".
	Prefix string
	// Fallback decides alone while no process serves the limiter (or
	// NATS is unreachable), so that REST keeps working; it knows only this
	// process's requests, so it may draw 429s the served limiter would
	// have avoided. Default rest.NewLimiter.
	Fallback rest.Limiter
	// Strict makes Acquire fail with ErrNoLimiter when no process serves
	// the limiter, instead of deciding alone.
	Strict bool
	// Logger receives fallbacks. Default: discard.
	Logger *slog.Logger
}

// ErrNoLimiter is returned by a strict RemoteLimiter's Acquire when no
// process serves the bot's limiter: run ServeLimiter (wirecord node does)
// in at least one process.
var ErrNoLimiter = errors.New("cluster: no process serves the REST limiter")

// remoteLimiter is a rest.Limiter served by ServeLimiter.
type remoteLimiter struct {
	cfg RemoteLimiterConfig
	n   names
}

// remotePermit marks a permit the server granted.
type remotePermit struct{ id string }

// NewRemoteLimiter returns a rest.Limiter that asks the limiter served to
// every process of the bot (ServeLimiter): give it to rest.New with
// rest.WithLimiter in every process that shares the token.
//
// It keeps the served limiter's rules (rest/ratelimittest passes over
// NATS): a process's releases are counted before its next Acquire, and
// an Acquire whose context ends returns only once the server has ended
// it (waiting at most 5 s), so it holds no place in a queue; if the
// server granted it just before, Acquire returns the permit, as an
// in-process limiter may when the context ends as it grants.
func NewRemoteLimiter(cfg RemoteLimiterConfig) (rest.Limiter, error) {
	if cfg.NATS == nil {
		return nil, errors.New("cluster: RemoteLimiterConfig.NATS is required")
	}
	if cfg.Prefix == "" {
		cfg.Prefix = "wirecord"
	}
	if cfg.Fallback == nil && !cfg.Strict {
		cfg.Fallback = rest.NewLimiter(rest.LimiterConfig{})
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &remoteLimiter{cfg: cfg, n: names{cfg.Prefix}}, nil
}

// Acquire implements rest.Limiter.
func (r *remoteLimiter) Acquire(ctx context.Context, route rest.Route) (rest.Permit, error) {
	req := limiterAcquire{ID: nuid.Next(), Route: route, Timeout: int64(rest.DefaultMaxRetryAfter / time.Millisecond)}
	if dl, ok := ctx.Deadline(); ok {
		req.Timeout = time.Until(dl).Milliseconds()
	}
	data, _ := json.Marshal(req)
	m, err := r.cfg.NATS.RequestWithContext(ctx, r.n.limiterAcquire(), data)
	if err != nil {
		if ctx.Err() != nil {
			// The server may grant it still: say it is not wanted, and
			// wait until the server holds nothing for it, so that what
			// the caller does next finds its place free.
			if r.withdraw(req.ID) {
				// Granted before the server heard the caller gave up,
				// as an in-process limiter may grant while the context
				// ends: the caller has the permit and releases it.
				return rest.Permit{Route: route, Ref: remotePermit{req.ID}}, nil
			}
			return rest.Permit{}, ctx.Err()
		}
		if r.cfg.Strict {
			return rest.Permit{}, fmt.Errorf("%w: %v", ErrNoLimiter, err)
		}
		r.cfg.Logger.Warn("the cluster's REST limiter did not answer; deciding alone", "err", err)
		return r.cfg.Fallback.Acquire(ctx, route)
	}
	var g limiterGrant
	if err := json.Unmarshal(m.Data, &g); err != nil {
		return rest.Permit{}, fmt.Errorf("cluster: the REST limiter answered %q: %w", m.Data, err)
	}
	switch {
	case g.RateLimit != nil:
		return rest.Permit{}, g.RateLimit
	case g.Invalid != nil:
		return rest.Permit{}, g.Invalid
	case g.DeadlineGone:
		return rest.Permit{}, context.DeadlineExceeded
	case g.Error != "":
		return rest.Permit{}, fmt.Errorf("cluster: the REST limiter: %s", g.Error)
	}
	return rest.Permit{Route: route, Ref: remotePermit{req.ID}}, nil
}

// Release implements rest.Limiter.
func (r *remoteLimiter) Release(p rest.Permit, a rest.Answer) {
	rp, ok := p.Ref.(remotePermit)
	if !ok {
		r.cfg.Fallback.Release(p, a) // granted by the fallback
		return
	}
	r.giveBack(rp.id, a)
}

// withdraw ends an Acquire the server may still be deciding and waits
// (at most opTimeout) until the server has ended it. It reports whether
// the server had granted it first.
func (r *remoteLimiter) withdraw(id string) (granted bool) {
	data, _ := json.Marshal(limiterRelease{ID: id, Answer: rest.Answer{At: time.Now()}, Withdraw: true})
	m, err := r.cfg.NATS.Request(r.n.limiterRelease(), data, opTimeout)
	if err != nil {
		r.cfg.Logger.Warn("withdrawing a REST acquire failed; the server gives any permit back in a minute", "err", err)
		return false
	}
	var w limiterWithdrawn
	if json.Unmarshal(m.Data, &w) != nil {
		return false
	}
	return w.Granted
}

func (r *remoteLimiter) giveBack(id string, a rest.Answer) {
	data, _ := json.Marshal(limiterRelease{ID: id, Answer: a})
	if err := r.cfg.NATS.Publish(r.n.limiterRelease(), data); err != nil {
		r.cfg.Logger.Warn("releasing a REST permit failed; the server gives it back in a minute", "err", err)
	}
}
