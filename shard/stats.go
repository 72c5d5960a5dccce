package shard

import (
	"sync/atomic"
)

// Stats counts what the Manager did with events besides delivering them.
type Stats struct {
	// DecodeErrors counts dispatches whose typed decoding failed (they
	// reach OnDispatch handlers with Err set).
	DecodeErrors int64
	// HandoffDuplicates counts dispatches of a new shard set not
	// delivered because the old set had delivered the same event.
	HandoffDuplicates int64
	// HandoffBootstrap counts the READY and GUILD_CREATE dispatches of a
	// new set's sessions not delivered: they restate what the old set
	// reported.
	HandoffBootstrap int64
	// HandoffUnrecorded counts deliveries of an old set that the handoff
	// record had no room for (handoffRecordLimit): if the new set
	// receives them too, they may be delivered twice. A warning is logged
	// when it first happens in a rescale.
	HandoffUnrecorded int64
	// HandoffHeldMax is the most dispatches one shard of a new set has
	// held at once before a switch: at most ManagerConfig.HandoffBuffer.
	HandoffHeldMax int64
	// Rescales counts completed switches.
	Rescales int64
}

// Stats returns the Manager's counters.
func (m *Manager) Stats() Stats {
	return Stats{DecodeErrors: m.decodeErrors.Load(), HandoffDuplicates: m.stats.duplicates.Load(),
		HandoffBootstrap: m.stats.bootstrap.Load(), HandoffUnrecorded: m.stats.unrecorded.Load(),
		HandoffHeldMax: m.stats.heldMax.Load(), Rescales: m.stats.rescales.Load()}
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
