package shard

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// HandoffGrace is how long after a rescale's switch the new shard set
// still recognises events the old set delivered: one session may receive
// an event later than the other.
const HandoffGrace = 30 * time.Second

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
//  4. Memory. Each new shard holds at most ManagerConfig.HandoffBuffer
//     dispatches (clause 1); the record of the old set's deliveries holds
//     at most 262,144 identities in all, a guild's oldest giving way when
//     it is full (Stats.HandoffUnrecorded, and a warning), and is
//     forgotten HandoffGrace after the switch. Nothing else grows with
//     the traffic or with how long the rescale lasts.
//  5. Return. Rescale returns nil once the switch is made: no handler of
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
