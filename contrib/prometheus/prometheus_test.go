package prometheus

import (
	"context"
	"strings"
	"testing"
	"time"

	promclient "github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/wirecord/wirecord/discord"
	"github.com/wirecord/wirecord/discordtest"
	"github.com/wirecord/wirecord/gateway"
	"github.com/wirecord/wirecord/rest"
	"github.com/wirecord/wirecord/shard"
)

func TestMetricsFromARealManager(t *testing.T) {
	srv := discordtest.NewServer(discordtest.WithGuilds(1, 1), discordtest.WithHeartbeatInterval(200*time.Millisecond),
		discordtest.WithSendLimit(1000, time.Minute))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	acked := make(chan struct{}, 1)
	reg := promclient.NewRegistry()
	metrics, err := New(reg, "bot")
	if err != nil {
		t.Fatal(err)
	}
	m, err := shard.NewManager(shard.ManagerConfig{
		Token: discord.NewToken(srv.Token), Intents: discord.IntentGuilds | discord.IntentGuildMessages,
		REST: rest.New(srv.Token, rest.WithBaseURL(srv.APIURL)), Metrics: signalLatency{metrics, acked},
		Gateway: gateway.Config{SendLimit: 1000, SendWindow: time.Minute},
	})
	if err != nil {
		t.Fatal(err)
	}
	resumed := make(chan struct{}, 1)
	m.OnEvent(func(ctx context.Context, ev shard.Event) {
		if _, ok := ev.(*shard.Resumed); ok {
			resumed <- struct{}{}
		}
	})
	if err := m.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer m.Close(context.Background(), gateway.CloseEndSession)
	if err := m.WaitReady(ctx); err != nil {
		t.Fatal(err)
	}
	srv.ConnForShard(0).SendReconnect()
	select {
	case <-resumed:
	case <-ctx.Done():
		t.Fatal("no resume")
	}
	// Wait for a heartbeat round trip to be observed.
	select {
	case <-acked:
	case <-ctx.Done():
		t.Fatal("no latency observed")
	}
	if testutil.CollectAndCount(metrics.latency) == 0 {
		t.Error("latency histogram is empty")
	}
	if got := testutil.ToFloat64(metrics.sessions.WithLabelValues("0", "identify")); got != 1 {
		t.Errorf("identify sessions %v", got)
	}
	if got := testutil.ToFloat64(metrics.sessions.WithLabelValues("0", "resume")); got != 1 {
		t.Errorf("resumed sessions %v", got)
	}
	if got := testutil.ToFloat64(metrics.events.WithLabelValues("0", "READY")); got != 1 {
		t.Errorf("READY events %v", got)
	}
	if got := testutil.ToFloat64(metrics.reconnects.WithLabelValues("0", "reconnect_requested")); got != 1 {
		t.Errorf("reconnects %v", got)
	}
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range families {
		names = append(names, f.GetName())
	}
	if !strings.Contains(strings.Join(names, ","), "bot_gateway_latency_seconds") {
		t.Errorf("families %v", names)
	}
}

// signalLatency tells the test when a latency was recorded.
type signalLatency struct {
	*Metrics
	ch chan struct{}
}

func (s signalLatency) Latency(shard int, d time.Duration) {
	s.Metrics.Latency(shard, d)
	select {
	case s.ch <- struct{}{}:
	default:
	}
}
