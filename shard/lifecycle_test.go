package shard_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/wirecord/wirecord/discord"
	"github.com/wirecord/wirecord/discordtest"
	"github.com/wirecord/wirecord/gateway"
	"github.com/wirecord/wirecord/shard"
)

// Close while the identify queue still holds shards back: the shards never
// run are ended too, and Close returns once every event stream is done.
func TestCloseWhileShardsAreStillStarting(t *testing.T) {
	s := startFake(t, discordtest.WithShards(4))
	cfg := managerConfig(s)
	cfg.Queue = shard.NewLocalQueue(1, shard.WithInterval(time.Minute))
	m := newManager(t, cfg)
	ctx := within(t, 20*time.Second)
	if err := m.Start(ctx); err != nil {
		t.Fatal(err)
	}
	// Shard 0 is in; shard 1 waits a minute for its turn.
	if _, err := s.WaitKind(ctx, discordtest.KindIdentified, 1); err != nil {
		t.Fatal(err)
	}
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := m.Close(cctx, gateway.CloseEndSession); err != nil {
		t.Fatalf("Close: %v (shards that never ran kept their pumps alive)", err)
	}
	if err := m.Start(ctx); err == nil {
		t.Error("a closed manager started again")
	}
}

// A shard of the incoming set that stops for good makes Rescale fail at
// once, with the shard's error, instead of waiting for its context.
func TestRescaleFailsWhenANewShardStops(t *testing.T) {
	s := startFake(t, discordtest.WithShards(2), discordtest.WithGuilds(8, 1), discordtest.WithMaxGuildsPerShard(4))
	cfg := managerConfig(s)
	cfg.Queue = shard.NewLocalQueue(2, shard.WithInterval(200*time.Millisecond))
	m := newManager(t, cfg)
	ctx := within(t, 30*time.Second)
	startReady(t, ctx, m)
	// One shard for eight guilds, four per shard at most: 4011.
	err := m.Rescale(ctx, 1)
	var ce *gateway.CloseError
	if !errors.As(err, &ce) || ce.Code != discord.CloseShardingRequired {
		t.Fatalf("Rescale: %v, want the new shard's 4011", err)
	}
	if ctx.Err() != nil {
		t.Fatal("Rescale waited for its context")
	}
	if m.ShardCount() != 2 {
		t.Errorf("shard count %d after a failed rescale, want 2", m.ShardCount())
	}
}

// Close during a Rescale wakes it.
func TestCloseEndsAWaitingRescale(t *testing.T) {
	s := startFake(t, discordtest.WithShards(1))
	cfg := managerConfig(s)
	cfg.Queue = shard.NewLocalQueue(1, shard.WithInterval(time.Minute))
	m := newManager(t, cfg)
	ctx := within(t, 20*time.Second)
	if err := m.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if err := m.WaitReady(ctx); err != nil {
		t.Fatal(err)
	}
	rescaled := make(chan error, 1)
	go func() { rescaled <- m.Rescale(context.Background(), 2) }()
	// The new set's first shard connects, then waits a minute to identify.
	connected := make(chan error, 1)
	go func() { _, err := s.WaitKind(ctx, discordtest.KindConnected, 2); connected <- err }()
	select {
	case err := <-connected:
		if err != nil {
			t.Fatal(err)
		}
	case err := <-rescaled:
		t.Fatalf("Rescale returned before the new set connected: %v", err)
	}
	if err := m.Close(ctx, gateway.CloseEndSession); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-rescaled:
		if !errors.Is(err, shard.ErrClosed) {
			t.Errorf("Rescale: %v, want ErrClosed", err)
		}
	case <-ctx.Done():
		t.Fatal("Rescale still waits after Close")
	}
}
