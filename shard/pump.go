package shard

import (
	"context"
	"sync"

	"github.com/wirecord/wirecord/discord"
)

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
