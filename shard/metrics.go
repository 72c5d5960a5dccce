package shard

import "time"

// Metrics receives a shard's measurements. Implementations must be safe for
// concurrent use: every shard calls them from its own goroutine. The
// contrib/prometheus module adapts it to Prometheus.
type Metrics interface {
	// Latency is a heartbeat round trip.
	Latency(shard int, d time.Duration)
	// Reconnect counts a connection that ended and will be made again,
	// by reason: "zombie", "network", "close_4000", "requested", ...
	Reconnect(shard int, reason string)
	// Session counts a session that started ("identify") or was resumed
	// ("resume").
	Session(shard int, kind string)
	// QueueDepth is the number of events waiting for user code.
	QueueDepth(shard int, n int)
	// Event counts a dispatch by name.
	Event(shard int, name string)
}

type nopMetrics struct{}

func (nopMetrics) Latency(int, time.Duration) {}
func (nopMetrics) Reconnect(int, string)      {}
func (nopMetrics) Session(int, string)        {}
func (nopMetrics) QueueDepth(int, int)        {}
func (nopMetrics) Event(int, string)          {}
