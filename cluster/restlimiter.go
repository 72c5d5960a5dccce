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
}

func (n names) limiterAcquire() string { return n.prefix + ".rest.acquire" }
func (n names) limiterRelease() string { return n.prefix + ".rest.release" }
func (n names) rest() string           { return n.prefix + "_rest" }

// LimiterServerConfig configures ServeLimiter. NATS is required.
type LimiterServerConfig struct {
	NATS *nats.Conn
	// Prefix is the bot's prefix, as in NodeConfig. Default "wirecord".
	Prefix string
	// Limiter is the limiter served. Default rest.NewLimiter with
	// Discord's limits; each new server (after a takeover) makes a new
	// one with NewLimiter when set.
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
type limiterServer struct {
	l   rest.Limiter
	log *slog.Logger

	mu      sync.Mutex
	permits map[string]heldPermit
	gone    map[string]time.Time // released (cancelled) before granted
	subs    []*nats.Subscription
	done    chan struct{}
}

type heldPermit struct {
	p     rest.Permit
	until time.Time
}

func startLimiterServer(nc *nats.Conn, n names, l rest.Limiter, log *slog.Logger) (*limiterServer, error) {
	s := &limiterServer{l: l, log: log, permits: map[string]heldPermit{}, gone: map[string]time.Time{}, done: make(chan struct{})}
	acq, err := nc.Subscribe(n.limiterAcquire(), s.acquire)
	if err != nil {
		return nil, fmt.Errorf("cluster: serving the REST limiter: %w", err)
	}
	rel, err := nc.Subscribe(n.limiterRelease(), s.release)
	if err != nil {
		acq.Unsubscribe()
		return nil, fmt.Errorf("cluster: serving the REST limiter: %w", err)
	}
	s.subs = []*nats.Subscription{acq, rel}
	go s.sweep()
	return s, nil
}

func (s *limiterServer) stop() {
	for _, sub := range s.subs {
		sub.Unsubscribe()
	}
	close(s.done)
}

func (s *limiterServer) acquire(m *nats.Msg) {
	var req limiterAcquire
	if err := json.Unmarshal(m.Data, &req); err != nil || req.ID == "" {
		answer(m, limiterGrant{Error: "not an acquire request"})
		return
	}
	timeout := min(max(time.Duration(req.Timeout)*time.Millisecond, 0), 10*time.Minute)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		p, err := s.l.Acquire(ctx, req.Route)
		var g limiterGrant
		var rl *rest.RateLimitError
		var inv *rest.InvalidRequestsError
		switch {
		case err == nil:
			s.mu.Lock()
			if _, cancelled := s.gone[req.ID]; cancelled {
				// The requester left before the grant: give it back.
				delete(s.gone, req.ID)
				s.mu.Unlock()
				s.l.Release(p, rest.Answer{At: time.Now()})
				return
			}
			s.permits[req.ID] = heldPermit{p: p, until: time.Now().Add(limiterPermitTTL)}
			s.mu.Unlock()
		case errors.As(err, &rl):
			g.RateLimit = rl
		case errors.As(err, &inv):
			g.Invalid = inv
		case errors.Is(err, context.DeadlineExceeded):
			g.DeadlineGone = true
		default:
			g.Error = err.Error()
		}
		answer(m, g)
	}()
}

func (s *limiterServer) release(m *nats.Msg) {
	var r limiterRelease
	if json.Unmarshal(m.Data, &r) != nil {
		return
	}
	s.mu.Lock()
	h, ok := s.permits[r.ID]
	if ok {
		delete(s.permits, r.ID)
	} else {
		s.gone[r.ID] = time.Now()
	}
	s.mu.Unlock()
	if ok {
		s.l.Release(h.p, r.Answer)
	}
}

// sweep gives back the permits of requesters that never released them.
func (s *limiterServer) sweep() {
	t := time.NewTicker(limiterPermitTTL / 4)
	defer t.Stop()
	for {
		select {
		case <-s.done:
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

func answer(m *nats.Msg, g limiterGrant) {
	data, _ := json.Marshal(g)
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
			// The server may grant it still: say it is not wanted.
			r.giveBack(req.ID, rest.Answer{At: time.Now()})
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

func (r *remoteLimiter) giveBack(id string, a rest.Answer) {
	data, _ := json.Marshal(limiterRelease{ID: id, Answer: a})
	if err := r.cfg.NATS.Publish(r.n.limiterRelease(), data); err != nil {
		r.cfg.Logger.Warn("releasing a REST permit failed; the server gives it back in a minute", "err", err)
	}
}
