package shard

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wirecord/wirecord/discord"
	"github.com/wirecord/wirecord/gateway"
)

// shardSet is one generation of shards sharing a shard count. Its shards
// are built lazily, as the launcher admits them (a wave of max_concurrency
// at a time), so a set of 60,000 shards costs a slice of ids until it
// runs.
type shardSet struct {
	gen   int
	count int
	ids   []int // sorted
	// sessions are exported sessions its shards resume; lost are exported
	// sessions they cannot, announced by the shard they are keyed by.
	sessions map[int]gateway.SessionState
	lost     map[int][]gateway.SessionState

	// in is the Rescale that brings this set up (nil for the first set);
	// out, once set, is the Rescale that replaces it.
	in  *handoff
	out atomic.Pointer[handoff]

	mu       sync.Mutex
	shards   map[int]*Shard
	stopped  bool // close was called: no more shards are started
	mode     gateway.CloseMode
	ready    map[int]bool
	allReady chan struct{}
	// replaced is closed when a Rescale has switched to the next set.
	replaced chan struct{}
	// failed is closed when a shard of a coming-up set stops with an
	// error (failErr): the set cannot go live.
	failed   chan struct{}
	failErr  error
	failOnce sync.Once
	stopC    chan struct{} // closed by close
	// pumps counts the set's running pumps: when it is zero after close,
	// every event of the set has been handled.
	pumps sync.WaitGroup
	// shardingRescale makes a 4011 start one rescale per set, however
	// many of its shards were closed with it.
	shardingRescale atomic.Bool
}

func (m *Manager) newSet(gen, count int, ids []int, in *handoff) *shardSet {
	return &shardSet{gen: gen, count: count, ids: slices.Sorted(slices.Values(ids)), in: in,
		sessions: map[int]gateway.SessionState{}, lost: map[int][]gateway.SessionState{},
		shards: map[int]*Shard{}, ready: map[int]bool{},
		allReady: make(chan struct{}), replaced: make(chan struct{}), failed: make(chan struct{}),
		stopC: make(chan struct{})}
}

func (s *shardSet) list() []*Shard {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*Shard, 0, len(s.shards))
	for _, id := range s.ids {
		if sh := s.shards[id]; sh != nil {
			out = append(out, sh)
		}
	}
	return out
}

func (s *shardSet) shard(id int) *Shard {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.shards[id]
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

func (s *shardSet) fail(err error) {
	s.failOnce.Do(func() {
		s.failErr = err
		close(s.failed)
	})
}

// close stops the set: no shard is started any more, and every shard
// started is asked to close. It does not wait; s.pumps does.
func (s *shardSet) close(mode gateway.CloseMode) {
	s.mu.Lock()
	if !s.stopped {
		s.stopped = true
		s.mode = mode
		close(s.stopC)
	}
	shards := make([]*Shard, 0, len(s.shards))
	for _, sh := range s.shards {
		shards = append(shards, sh)
	}
	s.mu.Unlock()
	for _, sh := range shards {
		sh.requestClose(mode)
	}
}

// start builds shard id and runs it with its pump, unless the set was
// closed (nil, nil).
func (m *Manager) start(set *shardSet, id int) (*Shard, error) {
	var session *gateway.SessionState
	if st, ok := set.sessions[id]; ok {
		session = &st
	}
	sh, err := New(Config{Gateway: m.gatewayConfig(set.count, id, session), Dialer: m.cfg.Dialer,
		TLSConfig: m.cfg.TLSConfig, Queue: m.queue, Logger: m.log, Metrics: m.cfg.Metrics,
		EventBuffer: m.cfg.EventBuffer, WriteTimeout: m.cfg.WriteTimeout})
	if err != nil {
		return nil, err
	}
	set.mu.Lock()
	defer set.mu.Unlock()
	if set.stopped {
		return nil, nil
	}
	set.shards[id] = sh
	set.pumps.Add(1)
	m.wg.Add(2)
	go func() { defer m.wg.Done(); sh.Run(context.Background()) }()
	go m.pump(set, sh)
	return sh, nil
}

// launch starts a set's shards in waves of max_concurrency: a wave starts
// once the previous one has its IDENTIFYs granted (or was resuming), so
// that a shard does not hold an idle connection for long while it waits in
// the queue. The first wave is started before launch returns (so Shard(0)
// is there after Start); the others on a goroutine of their own.
func (m *Manager) launch(set *shardSet) {
	wave := 1
	if lq, ok := m.queue.(interface{ MaxConcurrency() int }); ok {
		wave = max(lq.MaxConcurrency(), 1)
	}
	startWave := func(i int) ([]*Shard, bool) {
		group := make([]*Shard, 0, min(wave, len(set.ids)-i))
		for _, id := range set.ids[i:min(i+wave, len(set.ids))] {
			sh, err := m.start(set, id)
			if err != nil {
				err = fmt.Errorf("shard %d: %w", id, err)
				m.log.Error("cannot start shard", "shard", id, "err", err)
				if set.in != nil {
					set.fail(err)
				} else {
					m.reportFatal(err)
				}
				return nil, false
			}
			if sh == nil {
				return nil, false // closed
			}
			group = append(group, sh)
		}
		return group, true
	}
	group, ok := startWave(0)
	if !ok || len(set.ids) <= wave {
		return
	}
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		timer := time.NewTimer(time.Hour)
		defer timer.Stop()
		for i := wave; ; i += wave {
			for _, sh := range group {
				// Wait for the session to be under way, or at most long
				// enough for a slow connection, so that one shard that
				// cannot connect does not hold back the others.
				resetTimer(timer, 2*IdentifyInterval)
				select {
				case <-sh.begun:
				case <-timer.C:
				case <-set.stopC:
					return
				}
			}
			if i >= len(set.ids) {
				return
			}
			if group, ok = startWave(i); !ok {
				return
			}
		}
	}()
}

// pump carries one shard's events to the handlers, on its own goroutine.
// It is the only reader of the shard's Events, and holds no lock while a
// handler runs. It returns once the shard's events are closed and every
// handler it started has returned.
type pump struct {
	m        *Manager
	set      *shardSet
	s        *Shard
	ctx      context.Context
	sem      chan struct{} // HandlerConcurrency > 1: one token per running handler
	handlers sync.WaitGroup

	// bootstrap holds, for a shard of a set brought up by a Rescale, the
	// guilds its first READY listed whose GUILD_CREATE has not come yet:
	// those GUILD_CREATEs restate what the old set reported, and are not
	// delivered, before or after the switch. Bounded by the shard's
	// guilds.
	bootstrap map[discord.GuildID]bool
	// buf holds a coming-up shard's dispatches until the switch; bounded
	// by ManagerConfig.HandoffBuffer, then the pump stops reading.
	buf []*Dispatch
}

func (m *Manager) pump(set *shardSet, s *Shard) {
	p := &pump{m: m, set: set, s: s,
		ctx: context.WithValue(m.ctx, ctxKey{}, &handlerInfo{shard: s, m: m})}
	if m.cfg.HandlerConcurrency > 1 {
		p.sem = make(chan struct{}, m.cfg.HandlerConcurrency)
	}
	defer func() {
		p.handlers.Wait()
		<-s.Done()
		set.pumps.Done()
		m.wg.Done()
	}()
	for _, st := range set.lost[s.ID()] {
		p.deliver(&SessionRestarted{ShardID: s.ID(), Previous: st, MissedAfter: st.Seq})
	}
	if h := set.in; h != nil && !h.bringUp(p) {
		for range s.Events() {
			// The set was abandoned: the old set, still live, delivers
			// these events.
		}
		return
	}
	for ev := range s.Events() {
		p.route(ev)
	}
}

// route delivers one event of a shard that is live (or retiring: a set
// switched out delivers what it holds).
func (p *pump) route(ev Event) {
	m, set := p.m, p.set
	out := set.out.Load()
	switch ev := ev.(type) {
	case *Ready:
		set.markReady(ev.ShardID)
	case *Stopped:
		if out != nil && out.isSwitching() {
			// Closed by the switch: expected, and not the user's news,
			// unless it is an error.
			if ev.Err != nil {
				m.log.Warn("old shard stopped with an error while the rescale switched", "shard", ev.ShardID, "err", ev.Err)
			}
			return
		}
		if ev.Err != nil {
			m.onFatal(set, ev)
		}
	case *Dispatch:
		if p.bootstrap != nil && ev.Name == discord.EventGuildCreate {
			if g, ok := guildCreateID(ev); ok && p.bootstrap[g] {
				delete(p.bootstrap, g)
				m.stats.bootstrap.Add(1)
				return
			}
		}
		if ev.Name == discord.EventReady {
			p.bootstrap = nil // a new session after the switch: its state is news
		}
		if h := set.in; h != nil && h.lateDuplicate(ev) {
			return
		}
		if out != nil {
			out.record(ev)
		}
	}
	p.deliver(ev)
}

// deliver runs the handlers for ev, at once or (HandlerConcurrency > 1)
// on a goroutine of their own, once one of the shard's slots is free.
func (p *pump) deliver(ev Event) {
	if p.sem == nil {
		p.m.dispatcher.deliver(p.ctx, ev)
		return
	}
	p.sem <- struct{}{}
	p.handlers.Add(1)
	go func() {
		defer func() { <-p.sem; p.handlers.Done() }()
		p.m.dispatcher.deliver(p.ctx, ev)
	}()
}

// managerStats are the counters behind Stats.
type managerStats struct {
	duplicates, bootstrap, unrecorded, rescales, heldMax atomic.Int64
}

// held raises the high-water mark of dispatches a new shard held.
func (s *managerStats) held(n int) {
	for {
		cur := s.heldMax.Load()
		if int64(n) <= cur || s.heldMax.CompareAndSwap(cur, int64(n)) {
			return
		}
	}
}
