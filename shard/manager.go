package shard

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wirecord/wirecord/discord"
	"github.com/wirecord/wirecord/gateway"
	"github.com/wirecord/wirecord/rest"
)

// ManagerConfig configures a Manager. Token is required; every other zero
// value means the documented default.
type ManagerConfig struct {
	// Token is the bot token (discord.NewToken); it never prints.
	Token discord.Token
	// Intents are the gateway intents of every shard.
	Intents discord.Intents

	// ShardCount is the total number of shards. Zero asks GET /gateway/bot
	// for the recommended count.
	ShardCount int
	// ShardIDs are the shards this process runs, for bots split over
	// several processes. Default: all of 0..ShardCount-1.
	ShardIDs []int

	// Gateway is the template of every shard's engine configuration:
	// URL, encoding, compression, presence, large threshold, properties.
	// Token, Intents, shard id and count are set by the Manager. An empty
	// URL means the one GET /gateway/bot returns.
	Gateway gateway.Config

	// REST is used for GET /gateway/bot. Default: rest.New(Token).
	REST *rest.Client

	// Queue grants IDENTIFYs. Default: a LocalQueue with the bot's
	// max_concurrency and session start budget from GET /gateway/bot.
	Queue IdentifyQueue

	// Sessions are sessions to resume, by shard id, for example exported
	// by another process with Manager.Sessions during a rolling deploy.
	Sessions map[int]gateway.SessionState

	// Dialer, TLSConfig, Logger, Metrics, EventBuffer and WriteTimeout
	// are passed to every Shard (see Config).
	Dialer       Dialer
	TLSConfig    *tls.Config
	Logger       *slog.Logger
	Metrics      Metrics
	EventBuffer  int
	WriteTimeout time.Duration

	// HandlerConcurrency is how many events of one shard may be handled
	// at once. 0 or 1 runs handlers one event at a time, in the shard's
	// order; more trades order for throughput.
	HandlerConcurrency int

	// RescaleOnShardingRequired makes a 4011 close (sharding required)
	// start a rescale to the count GET /gateway/bot recommends, instead of
	// stopping the Manager.
	RescaleOnShardingRequired bool
}

// String describes the configuration without the token.
func (c ManagerConfig) String() string {
	tok := c.Token.String()
	return fmt.Sprintf("shard.ManagerConfig{Token:%s Intents:%s ShardCount:%d ShardIDs:%v Gateway:%v}",
		tok, c.Intents, c.ShardCount, c.ShardIDs, c.Gateway)
}

// GoString is String, so %#v redacts the token too.
func (c ManagerConfig) GoString() string { return c.String() }

// LogValue logs the configuration without the token.
func (c ManagerConfig) LogValue() slog.Value {
	return slog.GroupValue(
		slog.Any("token", c.Token),
		slog.String("intents", c.Intents.String()),
		slog.Int("shard_count", c.ShardCount),
		slog.Any("shard_ids", c.ShardIDs),
		slog.Any("gateway", c.Gateway),
	)
}

// Manager runs many shards of one bot: it picks the shard count, paces
// IDENTIFYs through the queue, dispatches every shard's events to
// handlers, and rescales without downtime.
type Manager struct {
	cfg ManagerConfig
	log *slog.Logger
	dispatcher

	restc *rest.Client
	queue IdentifyQueue
	url   string

	mu        sync.Mutex
	started   bool
	closed    bool
	live      *shardSet
	next      *shardSet // being brought up by Rescale
	rescaling sync.Mutex

	// handoff orders deliveries against the switch from one shard set to
	// the next: every delivery holds it for reading, the switch for
	// writing.
	handoff sync.RWMutex
	seed    maphash.Seed

	fatal chan error
	wg    sync.WaitGroup
	// nextUp mirrors m.next != nil for the per-event path, which
	// should not take m.mu for every dispatch of every shard.
	nextUp atomic.Bool
	// closing is closed by Close, waking a Rescale that waits.
	closing   chan struct{}
	closeOnce sync.Once
}

// NewManager returns a Manager. It does not connect; call Start or Run.
func NewManager(cfg ManagerConfig) (*Manager, error) {
	if cfg.Token.IsZero() {
		return nil, errors.New("shard: no token")
	}
	if cfg.ShardCount < 0 {
		return nil, fmt.Errorf("shard: shard count %d", cfg.ShardCount)
	}
	for _, id := range cfg.ShardIDs {
		if id < 0 || cfg.ShardCount > 0 && id >= cfg.ShardCount {
			return nil, fmt.Errorf("shard: shard id %d is out of range for %d shards", id, cfg.ShardCount)
		}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	m := &Manager{cfg: cfg, log: cfg.Logger, restc: cfg.REST, queue: cfg.Queue,
		seed: maphash.MakeSeed(), fatal: make(chan error, 1), closing: make(chan struct{})}
	if m.restc == nil {
		m.restc = rest.New(cfg.Token.Reveal(), rest.WithLogger(cfg.Logger))
	}
	return m, nil
}

// Start learns what it needs from GET /gateway/bot, then starts the shards
// (paced by the identify queue) and returns. Shards keep connecting in
// the background; WaitReady waits for them.
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
		gb, err := m.restc.GetBotGateway(ctx)
		if err != nil {
			return fmt.Errorf("shard: GET /gateway/bot: %w", err)
		}
		if count == 0 {
			count = max(gb.Shards, 1)
		}
		if m.url == "" {
			m.url = gb.URL
		}
		if m.queue == nil {
			lim := gb.SessionStartLimit
			m.queue = NewLocalQueue(max(lim.MaxConcurrency, 1),
				WithQueueLogger(m.log),
				WithSessionStartLimit(SessionStartLimit{Total: lim.Total, Remaining: lim.Remaining,
					ResetAfter: lim.ResetAfter(), MaxConcurrency: lim.MaxConcurrency}, m.refreshLimit))
		}
		m.log.Info("gateway", "url", m.url, "recommended_shards", gb.Shards, "shards", count,
			"max_concurrency", gb.SessionStartLimit.MaxConcurrency,
			"session_starts_remaining", gb.SessionStartLimit.Remaining)
	}
	ids := m.cfg.ShardIDs
	if len(ids) == 0 {
		ids = allIDs(count)
	}
	set, err := m.newSet(count, ids, m.cfg.Sessions)
	if err != nil {
		return err
	}
	set.mode = modeLive
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return ErrClosed
	}
	m.live = set
	m.mu.Unlock()
	m.launch(set)
	return nil
}

func (m *Manager) refreshLimit(ctx context.Context) (SessionStartLimit, error) {
	gb, err := m.restc.GetBotGateway(ctx)
	if err != nil {
		return SessionStartLimit{}, err
	}
	l := gb.SessionStartLimit
	return SessionStartLimit{Total: l.Total, Remaining: l.Remaining, ResetAfter: l.ResetAfter(), MaxConcurrency: l.MaxConcurrency}, nil
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

// Fatal receives the first fatal error of a live shard.
func (m *Manager) Fatal() <-chan error { return m.fatal }

// Close closes every shard (see Shard.Close for the modes) and waits for
// them, or for ctx.
func (m *Manager) Close(ctx context.Context, mode gateway.CloseMode) error {
	m.mu.Lock()
	m.closed = true
	m.closeOnce.Do(func() { close(m.closing) })
	var shards []*Shard
	for _, set := range []*shardSet{m.live, m.next} {
		if set != nil {
			shards = append(shards, set.list()...)
		}
	}
	m.mu.Unlock()
	var wg sync.WaitGroup
	for _, s := range shards {
		wg.Add(1)
		go func() { defer wg.Done(); s.Close(ctx, mode) }()
	}
	wg.Wait()
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

// Shards returns the live shards, by id.
func (m *Manager) Shards() []*Shard {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.live == nil {
		return nil
	}
	return m.live.list()
}

// Shard returns the live shard with id, or nil.
func (m *Manager) Shard(id int) *Shard {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.live == nil {
		return nil
	}
	return m.live.shards[id]
}

// ShardFor returns the live shard that receives a guild's events:
// (guild_id >> 22) % shard_count (PROTOCOL.md §9), or nil when this
// process does not run it.
func (m *Manager) ShardFor(g discord.GuildID) *Shard {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.live == nil || m.live.count == 0 {
		return nil
	}
	return m.live.shards[int((uint64(g)>>22)%uint64(m.live.count))]
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

// WaitReady waits until every live shard is ready.
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
		case <-set.replaced:
			// A rescale switched sets; wait for the new one.
		}
	}
}

// set modes: a live set's events reach handlers; a buffering set (coming
// up during a rescale) keeps its dispatches until the switch; a retired set
// (being closed after a switch) delivers nothing more.
const (
	modeBuffering = iota
	modeLive
	modeRetired
)

// shardSet is one generation of shards sharing a shard count.
type shardSet struct {
	count  int
	ids    []int
	shards map[int]*Shard

	mode int // guarded by Manager.handoff

	// buffering state, guarded by Manager.handoff (written under its read
	// lock only by the shard's own pump, per shard) and mu.
	mu       sync.Mutex
	buffered map[int][]Event
	initial  map[int]map[discord.GuildID]bool // guilds of each shard's READY
	ready    map[int]bool
	allReady chan struct{}
	replaced chan struct{}
	// failed is closed when a shard of a coming-up set stops with an
	// error (failErr): the set cannot go live.
	failed   chan struct{}
	failErr  error
	failOnce sync.Once
	// shardingRescale makes a 4011 start one rescale per set, however
	// many of its shards were closed with it.
	shardingRescale atomic.Bool

	// delivered holds keys of dispatches a live set delivered while a
	// rescale was under way, to drop their duplicates from the new set.
	delivered map[uint64]struct{}
	// dedupe, on a set that has just gone live, is the old set's
	// delivered keys: for a grace period after the switch, a dispatch that
	// matches one is a duplicate that reached this set late.
	dedupe      map[uint64]struct{}
	dedupeUntil time.Time
	// dedupeOn says dedupe may hold keys, so that a set without any
	// (every set, outside a rescale's grace period) checks no lock.
	dedupeOn atomic.Bool
}

func (s *shardSet) list() []*Shard {
	out := make([]*Shard, 0, len(s.ids))
	for _, id := range s.ids {
		out = append(out, s.shards[id])
	}
	return out
}

func (m *Manager) newSet(count int, ids []int, sessions map[int]gateway.SessionState) (*shardSet, error) {
	set := &shardSet{count: count, ids: slices.Sorted(slices.Values(ids)), shards: map[int]*Shard{},
		buffered: map[int][]Event{}, initial: map[int]map[discord.GuildID]bool{}, ready: map[int]bool{},
		allReady: make(chan struct{}), replaced: make(chan struct{}), failed: make(chan struct{})}
	for _, id := range set.ids {
		if id >= count {
			return nil, fmt.Errorf("shard: shard id %d is out of range for %d shards", id, count)
		}
		gc := m.cfg.Gateway
		gc.URL = m.url
		gc.Token = m.cfg.Token
		gc.Intents = m.cfg.Intents
		gc.ShardID, gc.ShardCount = id, count
		gc.Session = nil
		if st, ok := sessions[id]; ok && st.ShardCount == count {
			st := st
			gc.Session = &st
		}
		s, err := New(Config{Gateway: gc, Dialer: m.cfg.Dialer, TLSConfig: m.cfg.TLSConfig, Queue: m.queue,
			Logger: m.log, Metrics: m.cfg.Metrics, EventBuffer: m.cfg.EventBuffer, WriteTimeout: m.cfg.WriteTimeout})
		if err != nil {
			return nil, err
		}
		set.shards[id] = s
	}
	return set, nil
}

// launch starts a set's shards in waves of max_concurrency: a wave starts
// once the previous one has its IDENTIFYs granted (or was resuming), so
// that a shard does not hold an idle connection for long while it waits in
// the queue.
func (m *Manager) launch(set *shardSet) {
	wave := 1
	if lq, ok := m.queue.(interface{ MaxConcurrency() int }); ok {
		wave = lq.MaxConcurrency()
	}
	shards := set.list()
	m.wg.Add(len(shards))
	for _, s := range shards {
		go m.pump(set, s)
	}
	go func() {
		for i := 0; i < len(shards); i += wave {
			group := shards[i:min(i+wave, len(shards))]
			for j, s := range group {
				m.mu.Lock()
				closed := m.closed
				m.mu.Unlock()
				if closed {
					// The shards that will never run still end their
					// event streams, so their pumps finish.
					for _, rest := range shards[i+j:] {
						rest.abandon()
					}
					return
				}
				go s.Run(context.Background())
			}
			for _, s := range group {
				s.waitStarted()
			}
		}
	}()
}

// pump carries one shard's events to the handlers.
func (m *Manager) pump(set *shardSet, s *Shard) {
	defer m.wg.Done()
	info := &handlerInfo{shard: s, m: m}
	ctx := context.WithValue(context.Background(), ctxKey{}, info)
	var sem chan struct{}
	if m.cfg.HandlerConcurrency > 1 {
		sem = make(chan struct{}, m.cfg.HandlerConcurrency)
	}
	for ev := range s.Events() {
		m.route(ctx, set, s, ev, sem)
	}
	if sem != nil {
		for i := 0; i < cap(sem); i++ {
			sem <- struct{}{}
		}
	}
}

func (m *Manager) route(ctx context.Context, set *shardSet, s *Shard, ev Event, sem chan struct{}) {
	m.handoff.RLock()
	defer m.handoff.RUnlock()
	switch set.mode {
	case modeRetired:
		return
	case modeBuffering:
		m.buffer(ctx, set, s, ev)
		return
	}
	if r, ok := ev.(*Ready); ok {
		set.markReady(r.ShardID)
	}
	if st, ok := ev.(*Stopped); ok && st.Err != nil {
		m.onFatal(set, st)
	}
	if d, ok := ev.(*Dispatch); ok {
		if m.isLateDuplicate(set, d) {
			return
		}
		if m.nextUp.Load() {
			set.mu.Lock()
			if set.delivered == nil {
				set.delivered = map[uint64]struct{}{}
			}
			set.delivered[m.key(d)] = struct{}{}
			set.mu.Unlock()
		}
	}
	if sem == nil {
		m.dispatcher.deliver(ctx, ev)
		return
	}
	sem <- struct{}{}
	go func() {
		defer func() { <-sem }()
		m.dispatcher.deliver(ctx, ev)
	}()
}

// buffer keeps a coming-up set's dispatches until the switch. Its READY and
// the GUILD_CREATEs of the guilds READY lists are the new session's
// bootstrap, state the live set already delivered: they are not kept.
// The shard's own events (ready, reconnecting...) are delivered at once.
func (m *Manager) buffer(ctx context.Context, set *shardSet, s *Shard, ev Event) {
	d, ok := ev.(*Dispatch)
	if !ok {
		if r, ok := ev.(*Ready); ok {
			set.markReady(r.ShardID)
		}
		if st, ok := ev.(*Stopped); ok && st.Err != nil {
			set.failOnce.Do(func() {
				set.failErr = fmt.Errorf("shard %d stopped: %w", st.ShardID, st.Err)
				close(set.failed)
			})
		}
		m.dispatcher.deliver(ctx, ev)
		return
	}
	set.mu.Lock()
	defer set.mu.Unlock()
	switch d.Name {
	case discord.EventReady:
		var r struct {
			Guilds []struct {
				ID discord.GuildID `json:"id"`
			} `json:"guilds"`
		}
		json.Unmarshal(d.Data, &r)
		g := map[discord.GuildID]bool{}
		for _, u := range r.Guilds {
			g[u.ID] = true
		}
		set.initial[d.ShardID] = g
		return
	case discord.EventGuildCreate:
		var g struct {
			ID discord.GuildID `json:"id"`
		}
		if json.Unmarshal(d.Data, &g) == nil && set.initial[d.ShardID][g.ID] {
			delete(set.initial[d.ShardID], g.ID)
			return
		}
	}
	set.buffered[d.ShardID] = append(set.buffered[d.ShardID], d)
}

func (s *shardSet) markReady(id int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ready[id] {
		return
	}
	s.ready[id] = true
	if len(s.ready) == len(s.ids) {
		close(s.allReady)
	}
}

// HandoffGrace is how long after a rescale's switch the new shard set
// still recognises events the old set delivered: one session may receive
// an event later than the other.
const HandoffGrace = 30 * time.Second

// isLateDuplicate reports whether d, on a set that went live recently, was
// already delivered by the set it replaced.
func (m *Manager) isLateDuplicate(set *shardSet, d *Dispatch) bool {
	if !set.dedupeOn.Load() {
		return false
	}
	set.mu.Lock()
	defer set.mu.Unlock()
	if set.dedupe == nil {
		return false
	}
	if time.Now().After(set.dedupeUntil) {
		set.dedupe = nil
		set.dedupeOn.Store(false)
		return false
	}
	k := m.key(d)
	if _, dup := set.dedupe[k]; dup {
		delete(set.dedupe, k)
		return true
	}
	return false
}

// key identifies a dispatch's content, to recognise the same event
// received by two sessions during a rescale.
func (m *Manager) key(d *Dispatch) uint64 {
	var h maphash.Hash
	h.SetSeed(m.seed)
	h.WriteString(d.Name)
	h.WriteByte(0)
	h.Write(d.Data)
	return h.Sum64()
}

func (m *Manager) onFatal(set *shardSet, st *Stopped) {
	var ce *gateway.CloseError
	if m.cfg.RescaleOnShardingRequired && errors.As(st.Err, &ce) && ce.Code == discord.CloseShardingRequired {
		if !set.shardingRescale.CompareAndSwap(false, true) {
			return // another shard of this set already started the rescale
		}
		m.log.Warn("sharding required: rescaling to the recommended shard count", "shard", st.ShardID)
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
			defer cancel()
			if err := m.Rescale(ctx, 0); err != nil {
				m.log.Error("rescale after 4011 failed", "err", err)
				m.reportFatal(err)
			}
		}()
		return
	}
	m.reportFatal(fmt.Errorf("shard %d: %w", st.ShardID, st.Err))
}

func (m *Manager) reportFatal(err error) {
	select {
	case m.fatal <- err:
	default:
	}
}

// Rescale moves the bot to n shards (0: the count GET /gateway/bot
// recommends) without downtime.
//
// The handoff contract: the new set connects and identifies alongside the
// old one while the old set's events keep reaching handlers. When every
// new shard is ready, the switch happens at once: the old set's handlers
// finish, the dispatches the new set received before the switch are
// delivered, except those the old set already delivered (recognised by
// name and payload), and from then on only the new set's events are
// delivered, still without those the old set delivered when they reach
// the new set up to HandoffGrace late; the old set is closed, ending its
// sessions. The new set's READY and the GUILD_CREATEs of the guilds it
// lists are not delivered:
// they describe state the old set already reported. So each event reaches
// handlers exactly once across the switch, provided both sessions receive
// it with the same payload (same intents, same encoding). The new set's
// own events (Ready, Reconnecting...) are delivered as they happen.
//
// Rescale runs one at a time and applies to a Manager that runs every
// shard (not a ShardIDs subset). It returns after the switch, which waits
// for running handlers to finish: a handler that wants to rescale must
// start it in its own goroutine (go m.Rescale(...)), or the switch would
// wait for the very handler that waits for it.
func (m *Manager) Rescale(ctx context.Context, n int) error {
	m.rescaling.Lock()
	defer m.rescaling.Unlock()
	if len(m.cfg.ShardIDs) > 0 {
		return errors.New("shard: Rescale needs a manager that runs every shard")
	}
	if n == 0 {
		gb, err := m.restc.GetBotGateway(ctx)
		if err != nil {
			return fmt.Errorf("shard: GET /gateway/bot: %w", err)
		}
		n = max(gb.Shards, 1)
	}
	m.mu.Lock()
	if !m.started || m.closed || m.live == nil {
		m.mu.Unlock()
		return errors.New("shard: manager not running")
	}
	old := m.live
	next, err := m.newSet(n, allIDs(n), nil)
	if err != nil {
		m.mu.Unlock()
		return err
	}
	next.mode = modeBuffering
	m.next = next
	m.nextUp.Store(true)
	m.mu.Unlock()
	m.log.Info("rescaling", "from", old.count, "to", n)
	m.launch(next)

	select {
	case <-next.allReady:
	case <-ctx.Done():
		m.abandon(next)
		return ctx.Err()
	case <-next.failed:
		m.abandon(next)
		return fmt.Errorf("shard: rescale to %d shards: %w", n, next.failErr)
	case <-m.closing:
		m.abandon(next)
		return ErrClosed
	}

	// The switch.
	m.handoff.Lock()
	next.mu.Lock()
	old.mu.Lock()
	delivered := old.delivered
	old.delivered = nil
	old.mu.Unlock()
	var flush []Event
	for _, id := range next.ids {
		for _, ev := range next.buffered[id] {
			k := m.key(ev.(*Dispatch))
			if _, dup := delivered[k]; dup {
				delete(delivered, k)
				continue
			}
			flush = append(flush, ev)
		}
	}
	next.buffered = nil
	next.dedupe, next.dedupeUntil = delivered, time.Now().Add(HandoffGrace)
	next.dedupeOn.Store(len(delivered) > 0)
	next.mu.Unlock()
	for _, ev := range flush {
		s := next.shards[ev.Shard()]
		m.dispatcher.deliver(context.WithValue(ctx, ctxKey{}, &handlerInfo{shard: s, m: m}), ev)
	}
	old.mode = modeRetired
	next.mode = modeLive
	m.mu.Lock()
	m.live, m.next = next, nil
	m.nextUp.Store(false)
	m.mu.Unlock()
	close(old.replaced)
	m.handoff.Unlock()
	m.log.Info("rescaled", "shards", n, "replayed_from_new_set", len(flush))

	// Close the old set, ending its sessions.
	var wg sync.WaitGroup
	for _, s := range old.list() {
		wg.Add(1)
		go func() { defer wg.Done(); s.Close(ctx, gateway.CloseEndSession) }()
	}
	wg.Wait()
	return nil
}

// abandon closes a set that will not go live.
func (m *Manager) abandon(set *shardSet) {
	m.handoff.Lock()
	set.mode = modeRetired
	m.handoff.Unlock()
	m.mu.Lock()
	m.next = nil
	m.nextUp.Store(false)
	m.mu.Unlock()
	cctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, s := range set.list() {
		s.Close(cctx, gateway.CloseEndSession)
	}
}
