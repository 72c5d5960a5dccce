package gateway

import "time"

// heartbeater keeps the heartbeat schedule of one connection and decides
// when the connection is a zombie (PROTOCOL.md §4).
//
// Heartbeats are counted, and ACKs (which carry no id) acknowledge them in
// order. At each regular heartbeat, every heartbeat sent up to the previous
// regular one must have been acknowledged; a heartbeat Discord asked for
// with op 1 gets until the next regular beat.
type heartbeater struct {
	interval time.Duration
	next     time.Time // zero: not running

	sent, acked int64
	// mark is sent as it was right after the previous regular heartbeat.
	mark int64
	// sentAt holds the send times of unacknowledged heartbeats, by count.
	sentAt  [8]time.Time
	latency time.Duration

	// paused is set while the driver stops reading the socket (its event
	// queue is full); an ACK may then sit unread, so no zombie is declared
	// for a beat whose interval saw a pause.
	paused, pausedSinceBeat bool
}

// start schedules the first heartbeat at interval x jitter, jitter in [0, 1).
func (h *heartbeater) start(now time.Time, interval time.Duration, jitter float64) {
	*h = heartbeater{interval: interval, paused: h.paused}
	h.next = now.Add(time.Duration(jitter * float64(interval)))
}

func (h *heartbeater) stop() { h.next = time.Time{} }

func (h *heartbeater) running() bool { return !h.next.IsZero() }

// due reports whether the regular heartbeat is due at now.
func (h *heartbeater) due(now time.Time) bool { return h.running() && !now.Before(h.next) }

// zombie reports whether the regular heartbeat due now finds the previous
// one unacknowledged.
func (h *heartbeater) zombie() bool {
	return h.acked < h.mark && !h.paused && !h.pausedSinceBeat
}

// beat records a heartbeat sent at now. Regular beats move the schedule.
func (h *heartbeater) beat(now time.Time, regular bool) {
	h.sentAt[h.sent%int64(len(h.sentAt))] = now
	h.sent++
	if h.acked < h.sent-int64(len(h.sentAt)) {
		// Far behind: the oldest send times are overwritten; count them
		// as lost so latency stays meaningful.
		h.acked = h.sent - int64(len(h.sentAt))
	}
	if !regular {
		return
	}
	h.mark = h.sent
	h.pausedSinceBeat = h.paused
	h.next = h.next.Add(h.interval)
	if !h.next.After(now) {
		// We were late (a stalled driver): keep the rhythm from now.
		h.next = now.Add(h.interval)
	}
}

// ack records an ACK at now and reports whether it matched a heartbeat.
func (h *heartbeater) ack(now time.Time) bool {
	if h.acked >= h.sent {
		return false
	}
	h.latency = now.Sub(h.sentAt[h.acked%int64(len(h.sentAt))])
	h.acked++
	return true
}

func (h *heartbeater) setPaused(p bool) {
	h.paused = p
	if p {
		h.pausedSinceBeat = true
	}
}
