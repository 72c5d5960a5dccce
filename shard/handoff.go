package shard

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wirecord/wirecord/discord"
	"github.com/wirecord/wirecord/gateway"
)

// HandoffGrace is how long after a rescale's switch the new shard set
// still recognises events the old set delivered: one session may receive
// an event later than the other.
const HandoffGrace = 30 * time.Second

// handoffGuildWait bounds how long a new shard's switch waits, after its
// READY, for the GUILD_CREATEs of the guilds READY lists. Those that come
// later are still recognised and not delivered.
const handoffGuildWait = 15 * time.Second

// handoffRecordLimit bounds the identities of the old set's deliveries a
// handoff keeps (8 bytes each): when it is full, a guild's oldest entry
// makes room (those are the least likely to reach the new set at all),
// HandoffUnrecorded counts it and a warning is logged once.
const handoffRecordLimit = 1 << 18

// Rescale moves the bot to n shards (0: the count GET /gateway/bot
// recommends) without downtime. It applies to a Manager that runs every
// shard (not a ShardIDs subset), and runs one at a time: a second Rescale
// waits for the first, or for its own ctx.
//
// The handoff contract, clause by clause:
//
//  1. Bring-up. The new set connects and identifies alongside the old one,
//     whose events keep reaching handlers. Each new shard's own events
//     (Ready, Reconnecting...) are delivered as they happen; its
//     dispatches are held, at most ManagerConfig.HandoffBuffer per shard:
//     when that is full the shard stops reading and Discord holds the rest
//     (nothing is dropped). The new sessions' READY and the GUILD_CREATEs
//     of the guilds READY lists are never delivered, whenever they come:
//     they restate what the old set reported.
//  2. Switch. Once every new shard has its READY and the GUILD_CREATEs of
//     its guilds (or waited 15 s for them, or filled its buffer), the old
//     set is closed, ending its sessions, and every event it had received
//     is still delivered: its handlers run to the end, HandlerConcurrency
//     ones included. Then the new set is live, and each new shard switches
//     at its own point: it delivers what it held, then its live events.
//     No lock is held while a handler runs, before, during or after.
//  3. Exactly once. An event both sets received is delivered once: the
//     new set's events of a guild are matched, in order, against the
//     identities of the events the old set delivered for that guild
//     (message id, guild id, reaction message + user + emoji..., or the
//     payload where Discord gives no identity), from the first of them
//     the old set also had; a match is a duplicate and is not delivered,
//     also when it reaches the new set up to HandoffGrace after the
//     switch. The first event the old set never delivered ends the
//     matching for its guild, so an event genuinely repeated by users (a
//     reaction removed and added again) is delivered each time. This
//     holds when both sessions receive a guild's events in the same order
//     with the same intents, as Discord sends them. Stats counts what
//     the handoff left out.
//  4. Return. Rescale returns nil once the switch is made: no handler of
//     the old set runs any more. It returns ctx.Err() within moments of
//     ctx ending: before the switch, the new set is abandoned and closed
//     and the old one goes on; once the switch has begun, it completes in
//     the background (a handler that calls Rescale and waits for it
//     therefore delays the switch until it returns). A new shard that
//     stops with an error fails the rescale at once, with that error;
//     Close ends a rescale with ErrClosed.
func (m *Manager) Rescale(ctx context.Context, n int) error {
	if len(m.cfg.ShardIDs) > 0 {
		return errors.New("shard: Rescale needs a manager that runs every shard")
	}
	if n < 0 || n > MaxShardCount {
		return fmt.Errorf("shard: Rescale to %d shards: outside 0..%d (0: as GET /gateway/bot recommends)", n, MaxShardCount)
	}
	select {
	case m.rescaling <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	case <-m.closing:
		return ErrClosed
	}
	release := func() { <-m.rescaling }
	if n == 0 {
		gb, err := m.gatewayBot(ctx)
		if err != nil {
			release()
			return err
		}
		n = gb.Shards
	}
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		release()
		return ErrClosed
	}
	if !m.started || m.live == nil {
		m.mu.Unlock()
		release()
		return errors.New("shard: Rescale before Start")
	}
	old := m.live
	m.gen++
	h := &handoff{m: m, old: old, bufferLimit: m.cfg.HandoffBuffer, tracks: map[string]*track{},
		switched: make(chan struct{}), abandoned: make(chan struct{})}
	next := m.newSet(m.gen, n, allIDs(n), h)
	h.next = next
	m.next = next
	old.out.Store(h)
	m.launch(next)
	m.mu.Unlock()
	m.log.Info("rescaling", "from", old.count, "to", n)

	select {
	case <-next.allReady:
	case <-ctx.Done():
		h.abandon()
		release()
		return ctx.Err()
	case <-next.failed:
		h.abandon()
		release()
		return fmt.Errorf("shard: rescale to %d shards: %w", n, next.failErr)
	case <-m.closing:
		h.abandon()
		release()
		return ErrClosed
	}
	done := make(chan error, 1)
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		defer release()
		done <- h.switchOver()
	}()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return fmt.Errorf("shard: rescale to %d shards: %w (the switch has begun and completes once the old set's handlers return)", n, ctx.Err())
	}
}

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

// idFields are the fields that identify an event.
type idFields struct {
	ID        looseID `json:"id"`
	GuildID   looseID `json:"guild_id"`
	MessageID looseID `json:"message_id"`
	UserID    looseID `json:"user_id"`
	Edited    looseID `json:"edited_timestamp"`
	Emoji     *struct {
		ID   looseID `json:"id"`
		Name string  `json:"name"`
	} `json:"emoji"`
}

// looseID is any JSON value, kept as its text: snowflakes come as strings
// or (from ETF) numbers, and a malformed one must not hide the others.
type looseID string

func (l *looseID) UnmarshalJSON(b []byte) error {
	*l = looseID(bytes.Trim(b, `"`))
	if *l == "null" {
		*l = ""
	}
	return nil
}

// identify returns the guild an event belongs to and its identity: what
// Discord makes unique about it (a message's id, a reaction's message,
// user and emoji...), and its payload only where Discord gives nothing
// better. The same identity may recur (a reaction removed and added
// again); the handoff matches identities in order, so that is fine.
func (h *handoff) identify(d *Dispatch) (guild string, key uint64) {
	var f idFields
	json.Unmarshal(d.Data, &f) // a partial decode still identifies
	guild = string(f.GuildID)
	var mh maphash.Hash
	mh.SetSeed(h.m.seed)
	mh.WriteString(d.Name)
	mh.WriteByte(0)
	withPayload := false
	switch d.Name {
	case discord.EventGuildCreate, discord.EventGuildDelete:
		guild = string(f.ID)
		mh.WriteString(string(f.ID))
	case discord.EventGuildUpdate:
		guild = string(f.ID)
		withPayload = true
	case discord.EventMessageCreate, discord.EventMessageDelete, discord.EventInteractionCreate,
		discord.EventChannelCreate, discord.EventChannelDelete, discord.EventThreadCreate, discord.EventThreadDelete:
		mh.WriteString(string(f.ID))
		withPayload = f.ID == ""
	case discord.EventMessageUpdate:
		mh.WriteString(string(f.ID))
		mh.WriteByte(0)
		mh.WriteString(string(f.Edited))
		withPayload = f.Edited == ""
	case discord.EventMessageReactionAdd, discord.EventMessageReactionRemove,
		discord.EventMessageReactionRemoveAll, discord.EventMessageReactionRemoveEmoji:
		mh.WriteString(string(f.MessageID))
		mh.WriteByte(0)
		mh.WriteString(string(f.UserID))
		if f.Emoji != nil {
			mh.WriteByte(0)
			mh.WriteString(string(f.Emoji.ID))
			mh.WriteByte(0)
			mh.WriteString(f.Emoji.Name)
		}
	default:
		withPayload = true
	}
	if withPayload {
		mh.WriteByte(0)
		mh.Write(d.Data)
	}
	return guild, mh.Sum64()
}

// readyGuilds returns the guilds a READY lists.
func readyGuilds(d *Dispatch) map[discord.GuildID]bool {
	var r struct {
		Guilds []struct {
			ID discord.GuildID `json:"id"`
		} `json:"guilds"`
	}
	json.Unmarshal(d.Data, &r)
	g := make(map[discord.GuildID]bool, len(r.Guilds))
	for _, u := range r.Guilds {
		g[u.ID] = true
	}
	return g
}

func guildCreateID(d *Dispatch) (discord.GuildID, bool) {
	var g struct {
		ID discord.GuildID `json:"id"`
	}
	err := json.Unmarshal(d.Data, &g)
	return g.ID, err == nil && g.ID != 0
}
