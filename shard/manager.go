package shard

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/wirecord/wirecord/discord"
	"github.com/wirecord/wirecord/gateway"
	"github.com/wirecord/wirecord/rest"
)

// Manager runs many shards of one bot: it picks the shard count, paces
// IDENTIFYs through the queue, dispatches every shard's events to
// handlers, and rescales without downtime.
//
// Its state has one lock, mu, held only for short bookkeeping and never
// across user code or a blocking call. Each shard's events travel on their
// own goroutine (its pump) straight to the handlers; a Rescale's handoff
// (see handoff.go) is the only other party on that path, and it takes its
// own short lock only while an old and a new set overlap.
//
// Its parts live in files named for them: config.go (ManagerConfig),
// launch.go (shards built and started wave by wave), pump.go (a shard's
// events routed to handlers), dispatch.go (handlers and waiters),
// rescale.go and handoff.go (a Rescale and the handoff that owns it),
// identity.go (what makes two sessions' events the same), fatal.go (what
// a fatal close does), stats.go (counters).
type Manager struct {
	cfg ManagerConfig
	log *slog.Logger
	dispatcher

	restc *rest.Client
	queue IdentifyQueue
	url   string
	seed  maphash.Seed

	// ctx is the parent of every handler's context and of the background
	// work the Manager starts; Close cancels it.
	ctx    context.Context
	cancel context.CancelFunc

	mu       sync.Mutex
	started  bool
	closed   bool
	gen      int
	live     *shardSet
	next     *shardSet   // coming up in a Rescale
	retiring []*shardSet // switched out, still delivering what they hold

	// rescaling admits one Rescale at a time; a second one waits for it,
	// or for its own ctx.
	rescaling chan struct{}

	fatal     chan error
	fatalOnce sync.Once
	fatalErr  error
	fatalSet  chan struct{} // closed with the first fatal error

	stats managerStats
	wg    sync.WaitGroup
	// closing is closed by Close, waking a Rescale that waits.
	closing   chan struct{}
	closeOnce sync.Once
}

// NewManager returns a Manager. It does not connect; call Start or Run.
func NewManager(cfg ManagerConfig) (*Manager, error) {
	if cfg.Token.IsZero() {
		return nil, errors.New("shard: no token")
	}
	if cfg.ShardCount < 0 || cfg.ShardCount > MaxShardCount {
		return nil, fmt.Errorf("shard: shard count %d is outside 0..%d (0: as GET /gateway/bot recommends)", cfg.ShardCount, MaxShardCount)
	}
	for _, id := range cfg.ShardIDs {
		if id < 0 || id >= MaxShardCount || cfg.ShardCount > 0 && id >= cfg.ShardCount {
			return nil, fmt.Errorf("shard: shard id %d is out of range for %d shards", id, cfg.ShardCount)
		}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.HandoffBuffer <= 0 {
		cfg.HandoffBuffer = DefaultHandoffBuffer
	}
	m := &Manager{cfg: cfg, log: cfg.Logger, restc: cfg.REST, queue: cfg.Queue, seed: maphash.MakeSeed(),
		rescaling: make(chan struct{}, 1), fatal: make(chan error, 1), fatalSet: make(chan struct{}),
		closing: make(chan struct{})}
	m.ctx, m.cancel = context.WithCancel(context.Background())
	if m.restc == nil {
		m.restc = rest.New(cfg.Token.Reveal(), rest.WithLogger(cfg.Logger))
	}
	return m, nil
}

// gatewayBot asks GET /gateway/bot and refuses an answer outside the
// ranges of a real Discord (see MaxShardCount).
func (m *Manager) gatewayBot(ctx context.Context) (*rest.GatewayBot, error) {
	gb, err := m.restc.GetBotGateway(ctx)
	if err != nil {
		return nil, fmt.Errorf("shard: GET /gateway/bot: %w", err)
	}
	if err := checkGatewayBot(gb); err != nil {
		return nil, fmt.Errorf("shard: GET /gateway/bot: %w", err)
	}
	return gb, nil
}

// Start learns what it needs from GET /gateway/bot, then starts the shards
// (paced by the identify queue) and returns. Shards keep connecting in
// the background; WaitReady waits for them. A wave of max_concurrency
// shards is built only once the previous wave has its IDENTIFYs granted,
// so memory follows the shards running (and one wave waiting in the
// queue), not the shard count.
func (m *Manager) Start(ctx context.Context) error {
	m.mu.Lock()
	if m.started {
		m.mu.Unlock()
		return errors.New("shard: manager already started")
	}
	m.started = true
	m.mu.Unlock()

	count := m.cfg.ShardCount
	m.url = m.cfg.Gateway.URL
	if count == 0 || m.queue == nil || m.url == "" {
		gb, err := m.gatewayBot(ctx)
		if err != nil {
			return err
		}
		if count == 0 {
			count = gb.Shards
		}
		if m.url == "" {
			if _, err := checkGatewayURL(gb.URL, m.restc.BaseURL(), m.cfg.GatewayHosts); err != nil {
				return err
			}
			m.url = gb.URL
		}
		if m.queue == nil {
			lim := sessionStartLimit(gb)
			m.queue = NewLocalQueue(lim.MaxConcurrency, WithQueueLogger(m.log),
				WithSessionStartLimit(lim, m.refreshLimit))
		}
		m.log.Info("gateway", "url", m.url, "recommended_shards", gb.Shards, "shards", count,
			"max_concurrency", gb.SessionStartLimit.MaxConcurrency,
			"session_starts_remaining", gb.SessionStartLimit.Remaining)
	}
	ids := m.cfg.ShardIDs
	if len(ids) == 0 {
		ids = allIDs(count)
	}
	for _, id := range ids {
		if id >= count {
			return fmt.Errorf("shard: shard id %d is out of range for %d shards", id, count)
		}
	}
	// One engine is built now, so that a bad configuration fails Start
	// rather than every shard later.
	if _, err := gateway.New(m.gatewayConfig(count, ids[0], nil)); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return ErrClosed
	}
	m.gen++
	set := m.newSet(m.gen, count, ids, nil)
	m.adoptSessions(set, m.cfg.Sessions)
	m.live = set
	m.launch(set)
	return nil
}

// adoptSessions gives each shard of set the exported session it can
// resume, and says which it cannot: a session of another shard count (or
// of a shard this process does not run) would route other guilds, so its
// shard identifies afresh, and the user gets a SessionRestarted, through
// the shard of the same id (or the set's first shard), before anything
// else of that shard.
func (m *Manager) adoptSessions(set *shardSet, sessions map[int]gateway.SessionState) {
	for _, id := range slices.Sorted(mapKeys(sessions)) {
		st := sessions[id]
		if _, runs := slices.BinarySearch(set.ids, id); runs && (st.ShardCount == 0 || st.ShardCount == set.count) {
			set.sessions[id] = st
			continue
		}
		via := id
		if _, runs := slices.BinarySearch(set.ids, id); !runs {
			via = set.ids[0]
		}
		m.log.Warn("exported session cannot be resumed with this shard count; its shard identifies afresh and events after its last sequence may be missing",
			"shard", id, "session_shard_count", st.ShardCount, "shard_count", set.count, "seq", st.Seq)
		set.lost[via] = append(set.lost[via], st)
	}
}

func mapKeys[K comparable, V any](m map[K]V) func(func(K) bool) {
	return func(yield func(K) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func (m *Manager) refreshLimit(ctx context.Context) (SessionStartLimit, error) {
	gb, err := m.gatewayBot(ctx)
	if err != nil {
		return SessionStartLimit{}, err
	}
	return sessionStartLimit(gb), nil
}

func allIDs(n int) []int {
	ids := make([]int, n)
	for i := range ids {
		ids[i] = i
	}
	return ids
}

// Run starts the Manager and blocks until ctx is cancelled (the shards
// then close and end their sessions; Run returns nil) or a shard stops
// with a fatal error (the others are closed; Run returns the error).
func (m *Manager) Run(ctx context.Context) error {
	if err := m.Start(ctx); err != nil {
		return err
	}
	select {
	case <-ctx.Done():
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		return m.Close(cctx, gateway.CloseEndSession)
	case err := <-m.fatal:
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		m.Close(cctx, gateway.CloseEndSession)
		return err
	}
}

// Close closes every shard (see Shard.Close for the modes; the shards of a
// set still coming up in a Rescale end their sessions whatever the mode)
// and waits, until ctx ends, for every goroutine the Manager started:
// shards, their pumps and the handlers they run. Handler contexts end
// when Close begins; events still queued are delivered with them.
func (m *Manager) Close(ctx context.Context, mode gateway.CloseMode) error {
	m.mu.Lock()
	m.closed = true
	m.closeOnce.Do(func() { close(m.closing) })
	live, next, retiring := m.live, m.next, slices.Clone(m.retiring)
	m.mu.Unlock()
	m.cancel()
	if live != nil {
		live.close(mode)
	}
	if next != nil {
		next.close(gateway.CloseEndSession)
	}
	for _, set := range retiring {
		set.close(gateway.CloseEndSession)
	}
	done := make(chan struct{})
	go func() { m.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// ShardCount returns the shard count of the live set.
func (m *Manager) ShardCount() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.live == nil {
		return 0
	}
	return m.live.count
}

// Shards returns the live set's shards started so far, by id.
func (m *Manager) Shards() []*Shard {
	m.mu.Lock()
	set := m.live
	m.mu.Unlock()
	if set == nil {
		return nil
	}
	return set.list()
}

// Shard returns the live shard with id, or nil (also for a shard the
// identify queue has not admitted yet).
func (m *Manager) Shard(id int) *Shard {
	m.mu.Lock()
	set := m.live
	m.mu.Unlock()
	if set == nil {
		return nil
	}
	return set.shard(id)
}

// ShardFor returns the live shard that receives a guild's events:
// (guild_id >> 22) % shard_count (PROTOCOL.md §9), or nil when this
// process does not run it (or has not started it yet).
func (m *Manager) ShardFor(g discord.GuildID) *Shard {
	m.mu.Lock()
	set := m.live
	m.mu.Unlock()
	if set == nil || set.count == 0 {
		return nil
	}
	return set.shard(int((uint64(g) >> 22) % uint64(set.count)))
}

// Sessions returns every live shard's resumable session, for handing to
// another process (ManagerConfig.Sessions) after Close with
// gateway.CloseKeepSession.
func (m *Manager) Sessions() map[int]gateway.SessionState {
	out := map[int]gateway.SessionState{}
	for _, s := range m.Shards() {
		if st, ok := s.Session(); ok {
			out[s.ID()] = st
		}
	}
	return out
}

// WaitReady waits until every live shard is ready, a shard stops with a
// fatal error (that error), the Manager is closed (ErrClosed) or ctx ends.
func (m *Manager) WaitReady(ctx context.Context) error {
	for {
		m.mu.Lock()
		set := m.live
		m.mu.Unlock()
		if set == nil {
			return errors.New("shard: manager not started")
		}
		select {
		case <-set.allReady:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		case <-m.fatalSet:
			return m.fatalErr
		case <-m.closing:
			return ErrClosed
		case <-set.replaced:
			// A rescale switched sets; wait for the new one.
		}
	}
}

// gatewayConfig is the engine configuration of shard id of count.
func (m *Manager) gatewayConfig(count, id int, session *gateway.SessionState) gateway.Config {
	gc := m.cfg.Gateway
	gc.URL = m.url
	gc.Token = m.cfg.Token
	gc.Intents = m.cfg.Intents
	gc.ShardID, gc.ShardCount = id, count
	gc.Session = session
	return gc
}
