package shard

import (
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wirecord/wirecord/discord"
	"github.com/wirecord/wirecord/gateway"
)

// handoffGuildWait bounds how long a new shard's switch waits, after its
// READY, for the GUILD_CREATEs of the guilds READY lists. Those that come
// later are still recognised and not delivered.
const handoffGuildWait = 15 * time.Second

// handoffRecordLimit bounds the identities of the old set's deliveries a
// handoff keeps (8 bytes each): when it is full, a guild's oldest entry
// makes room (those are the least likely to reach the new set at all),
// HandoffUnrecorded counts it and a warning is logged once.
const handoffRecordLimit = 1 << 18

// handoff owns one rescale: the old set going out, the next set coming
// in, the record of what the old set delivered while they overlap, and
// the moment of the switch. Its lock guards the record only, and is held
// for bookkeeping, never across a handler or a blocking call.
type handoff struct {
	m           *Manager
	old, next   *shardSet
	bufferLimit int

	switching atomic.Bool   // the old set is being closed and drained
	switched  chan struct{} // closed once the old set is drained: the new set is live
	abandoned chan struct{} // closed when the rescale failed before the switch
	abandonOn sync.Once
	over      atomic.Bool // nothing more to match: HandoffGrace passed or the record is empty

	mu         sync.Mutex
	tracks     map[string]*track // by guild id ("" for events without one)
	recorded   int
	warned     bool
	graceUntil time.Time
}

// track is one guild's share of the record: the identities of the events
// the old set delivered for it, oldest first; after alignment, those the
// new set is still expected to repeat.
type track struct {
	keys    []uint64
	aligned bool
}

func (h *handoff) isSwitching() bool { return h.switching.Load() }

// abandon ends a rescale that will not switch: the new set is closed (its
// held events are dropped; the old set, still live, delivers them) and
// the record is forgotten.
func (h *handoff) abandon() {
	m := h.m
	h.abandonOn.Do(func() { close(h.abandoned) })
	h.over.Store(true)
	h.old.out.CompareAndSwap(h, nil)
	m.mu.Lock()
	if m.next == h.next {
		m.next = nil
	}
	m.mu.Unlock()
	h.mu.Lock()
	h.tracks, h.recorded = nil, 0
	h.mu.Unlock()
	h.next.close(gateway.CloseEndSession)
}

// switchOver closes the old set, waits until every event it received has
// been handled, and makes the next set live.
func (h *handoff) switchOver() error {
	m := h.m
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return ErrClosed
	}
	m.retiring = append(m.retiring, h.old)
	m.mu.Unlock()
	h.switching.Store(true)
	h.old.close(gateway.CloseEndSession)
	drained := make(chan struct{})
	m.wg.Add(1)
	go func() { defer m.wg.Done(); h.old.pumps.Wait(); close(drained) }()
	select {
	case <-drained:
	case <-m.closing:
		return ErrClosed
	}
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return ErrClosed
	}
	m.live, m.next = h.next, nil
	m.retiring = slices.DeleteFunc(m.retiring, func(s *shardSet) bool { return s == h.old })
	close(h.old.replaced)
	m.mu.Unlock()
	h.mu.Lock()
	h.graceUntil = time.Now().Add(HandoffGrace)
	recorded := h.recorded
	h.mu.Unlock()
	close(h.switched)
	m.stats.rescales.Add(1)
	m.log.Info("rescaled", "shards", h.next.count, "old_deliveries_recorded", recorded)
	return nil
}

// bringUp runs a new shard's pump until the switch: it delivers the
// shard's own events, leaves out its bootstrap, and holds its dispatches
// (up to bufferLimit, then it stops reading). At the switch it delivers
// what it held, less the old set's duplicates, and returns true; it
// returns false when the rescale is abandoned or the shard ends first.
func (h *handoff) bringUp(p *pump) bool {
	events := p.s.Events()
	var guildWait <-chan time.Time
	var timer *time.Timer
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	sawReady, ready := false, false
	markReady := func() {
		if !ready {
			ready = true
			p.set.markReady(p.s.ID())
		}
	}
	for {
		in := events
		if len(p.buf) >= h.bufferLimit {
			in = nil // full: the shard's own queue, then Discord, hold the rest
			markReady()
		}
		select {
		case ev, ok := <-in:
			if !ok {
				return false
			}
			d, isDispatch := ev.(*Dispatch)
			if !isDispatch {
				if st, ok := ev.(*Stopped); ok && st.Err != nil {
					p.set.fail(fmt.Errorf("shard %d stopped: %w", st.ShardID, st.Err))
				}
				p.deliver(ev)
				continue
			}
			switch {
			case d.Name == discord.EventReady:
				sawReady = true
				p.bootstrap = readyGuilds(d)
				h.m.stats.bootstrap.Add(1)
				if len(p.bootstrap) == 0 {
					markReady()
				} else if timer == nil {
					timer = time.NewTimer(handoffGuildWait)
					guildWait = timer.C
				}
			case d.Name == discord.EventGuildCreate && p.isBootstrap(d):
				h.m.stats.bootstrap.Add(1)
				if sawReady && len(p.bootstrap) == 0 {
					markReady()
				}
			default:
				p.buf = append(p.buf, d)
				h.m.stats.held(len(p.buf))
			}
		case <-guildWait:
			guildWait = nil
			h.m.log.Warn("rescale: switching before every guild of the new shard is available; their GUILD_CREATEs are left out when they come",
				"shard", p.s.ID(), "guilds_waiting", len(p.bootstrap))
			markReady()
		case <-h.switched:
			h.flush(p)
			return true
		case <-h.abandoned:
			return false
		}
	}
}

// isBootstrap reports (and forgets) a GUILD_CREATE of a guild the shard's
// READY listed.
func (p *pump) isBootstrap(d *Dispatch) bool {
	g, ok := guildCreateID(d)
	if !ok || !p.bootstrap[g] {
		return false
	}
	delete(p.bootstrap, g)
	return true
}

// flush delivers what a new shard held, less the old set's duplicates.
func (h *handoff) flush(p *pump) {
	buf := p.buf
	p.buf = nil
	if h.over.Load() {
		for _, d := range buf {
			p.deliver(d)
		}
		return
	}
	guilds := make([]string, len(buf))
	keys := make([]uint64, len(buf))
	byGuild := map[string][]uint64{}
	for i, d := range buf {
		guilds[i], keys[i] = h.identify(d)
		byGuild[guilds[i]] = append(byGuild[guilds[i]], keys[i])
	}
	h.mu.Lock()
	for g, ks := range byGuild {
		h.alignLocked(g, ks)
	}
	h.mu.Unlock()
	for i, d := range buf {
		if !h.match(guilds[i], keys[i]) {
			p.deliver(d)
		}
	}
}

// record notes a delivery of the old set, while the rescale is under way.
func (h *handoff) record(d *Dispatch) {
	if h.over.Load() {
		return
	}
	g, k := h.identify(d)
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.tracks == nil {
		return
	}
	t := h.tracks[g]
	if t == nil {
		t = &track{}
		h.tracks[g] = t
	}
	if h.recorded >= handoffRecordLimit {
		h.m.stats.unrecorded.Add(1)
		if !h.warned {
			h.warned = true
			h.m.log.Warn("rescale: the handoff record is full; some events may be delivered twice across the switch",
				"limit", handoffRecordLimit)
		}
		if len(t.keys) == 0 {
			return
		}
		t.keys = t.keys[1:]
		h.recorded--
	}
	t.keys = append(t.keys, k)
	h.recorded++
}

// lateDuplicate reports whether a live event of the new set was delivered
// by the old set already.
func (h *handoff) lateDuplicate(d *Dispatch) bool {
	if h.over.Load() {
		return false
	}
	select {
	case <-h.switched:
	default:
		return false
	}
	g, k := h.identify(d)
	h.mu.Lock()
	h.alignLocked(g, []uint64{k})
	h.mu.Unlock()
	return h.match(g, k)
}

// alignLocked finds where a guild's events on the new set begin in the
// old set's record: at the latest entry from which the record agrees with
// the new set's first events (prefix). Entries before it are events the
// new sessions never had.
func (h *handoff) alignLocked(g string, prefix []uint64) {
	t := h.tracks[g]
	if t == nil || t.aligned || len(prefix) == 0 {
		return
	}
	t.aligned = true
	const maxCandidates = 64
	tried := 0
	for p := len(t.keys) - 1; p >= 0 && tried < maxCandidates; p-- {
		if t.keys[p] != prefix[0] {
			continue
		}
		tried++
		ok := true
		for i := 1; i < len(prefix) && p+i < len(t.keys); i++ {
			if t.keys[p+i] != prefix[i] {
				ok = false
				break
			}
		}
		if ok {
			h.recorded -= p
			t.keys = t.keys[p:]
			return
		}
	}
	h.recorded -= len(t.keys)
	t.keys = nil
}

// match consumes the old set's next expected event of guild g if it is k
// (or comes later in the record: the new set missed the ones between),
// and says whether k was a duplicate. An event the old set never
// delivered ends the guild's matching.
func (h *handoff) match(g string, k uint64) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.tracks == nil {
		return false
	}
	if !h.graceUntil.IsZero() && time.Now().After(h.graceUntil) {
		h.tracks, h.recorded = nil, 0
		h.over.Store(true)
		return false
	}
	t := h.tracks[g]
	if t == nil {
		return false
	}
	j := slices.Index(t.keys, k)
	if j < 0 {
		h.recorded -= len(t.keys)
		delete(h.tracks, g)
	} else {
		h.recorded -= j + 1
		t.keys = t.keys[j+1:]
		if len(t.keys) == 0 {
			delete(h.tracks, g)
		}
		h.m.stats.duplicates.Add(1)
	}
	if len(h.tracks) == 0 {
		h.over.Store(true)
	}
	return j >= 0
}
