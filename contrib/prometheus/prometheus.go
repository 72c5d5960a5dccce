// Package prometheus adapts wirecord's shard metrics to Prometheus. It is
// its own module, so that only bots that want Prometheus depend on its
// client library.
//
//	metrics, err := prometheus.New(promclient.DefaultRegisterer, "mybot")
//	m, err := shard.NewManager(shard.ManagerConfig{Token: discord.NewToken(token), Metrics: metrics})
package prometheus

import (
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/wirecord/wirecord/shard"
)

// Metrics implements shard.Metrics with Prometheus collectors:
//
//	<ns>_gateway_latency_seconds{shard}         histogram of heartbeat round trips
//	<ns>_gateway_reconnects_total{shard,reason} connections that ended and were made again
//	<ns>_gateway_sessions_total{shard,kind}     sessions started ("identify") and resumed ("resume")
//	<ns>_gateway_queue_depth{shard}             events waiting for user code
//	<ns>_gateway_events_total{shard,event}      dispatches by name
type Metrics struct {
	latency    *prometheus.HistogramVec
	reconnects *prometheus.CounterVec
	sessions   *prometheus.CounterVec
	depth      *prometheus.GaugeVec
	events     *prometheus.CounterVec
}

var _ shard.Metrics = (*Metrics)(nil)

// New registers the collectors with reg under namespace (for example the
// bot's name; "wirecord" when empty).
func New(reg prometheus.Registerer, namespace string) (*Metrics, error) {
	if namespace == "" {
		namespace = "wirecord"
	}
	m := &Metrics{
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: namespace, Subsystem: "gateway", Name: "latency_seconds",
			Help:    "Round trip from a heartbeat to its acknowledgement.",
			Buckets: []float64{.01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"shard"}),
		reconnects: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Subsystem: "gateway", Name: "reconnects_total",
			Help: "Gateway connections that ended and were made again, by reason.",
		}, []string{"shard", "reason"}),
		sessions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Subsystem: "gateway", Name: "sessions_total",
			Help: "Gateway sessions started (identify) or resumed (resume).",
		}, []string{"shard", "kind"}),
		depth: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Namespace: namespace, Subsystem: "gateway", Name: "queue_depth",
			Help: "Events waiting for user code.",
		}, []string{"shard"}),
		events: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Subsystem: "gateway", Name: "events_total",
			Help: "Dispatch events received, by name.",
		}, []string{"shard", "event"}),
	}
	for _, c := range []prometheus.Collector{m.latency, m.reconnects, m.sessions, m.depth, m.events} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// Latency records a heartbeat round trip.
func (m *Metrics) Latency(s int, d time.Duration) {
	m.latency.WithLabelValues(strconv.Itoa(s)).Observe(d.Seconds())
}

// Reconnect counts a reconnect by reason.
func (m *Metrics) Reconnect(s int, reason string) {
	m.reconnects.WithLabelValues(strconv.Itoa(s), reason).Inc()
}

// Session counts a session started or resumed.
func (m *Metrics) Session(s int, kind string) {
	m.sessions.WithLabelValues(strconv.Itoa(s), kind).Inc()
}

// QueueDepth sets the number of events waiting for user code.
func (m *Metrics) QueueDepth(s int, n int) { m.depth.WithLabelValues(strconv.Itoa(s)).Set(float64(n)) }

// Event counts a dispatch by name.
func (m *Metrics) Event(s int, name string) {
	m.events.WithLabelValues(strconv.Itoa(s), name).Inc()
}
