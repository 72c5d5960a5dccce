package shard_test

import (
	"context"
	"errors"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wirecord/wirecord/discordtest"
	"github.com/wirecord/wirecord/shard"
)

// A GET /gateway/bot answer outside what a real Discord sends is refused
// with a typed error that names the value, before anything is built from
// it.
func TestGatewayBotValuesOutsideDiscordsRangeAreRefused(t *testing.T) {
	for _, tc := range []struct {
		field string
		value int64
		opt   discordtest.Option
	}{
		{"shards", 100000, discordtest.WithShards(100000)},
		{"shards", 20000000, discordtest.WithShards(20000000)},
		{"session_start_limit.max_concurrency", 1e11, discordtest.WithMaxConcurrency(1e11)},
		{"session_start_limit.max_concurrency", 1e14, discordtest.WithMaxConcurrency(1e14)},
		{"session_start_limit.remaining", 5000, discordtest.WithSessionStartLimit(1000, 5000, time.Hour)},
		{"session_start_limit.reset_after", (48 * time.Hour).Milliseconds(), discordtest.WithSessionStartLimit(1000, 10, 48*time.Hour)},
	} {
		t.Run(tc.field+"="+strconv.FormatInt(tc.value, 10), func(t *testing.T) {
			s := startFake(t, tc.opt)
			m := newManager(t, managerConfig(s))
			ctx := within(t, 10*time.Second)
			err := m.Start(ctx)
			defer m.Close(context.Background(), 0)
			var ge *shard.GatewayBotError
			if !errors.As(err, &ge) {
				t.Fatalf("Start = %v, want a *shard.GatewayBotError", err)
			}
			// reset_after is compared in whole milliseconds; the fake's
			// clock has moved a little since it said it.
			if ge.Field != tc.field || ge.Value > tc.value || ge.Value < tc.value-1000 {
				t.Errorf("error names %s=%d, want %s=%d", ge.Field, ge.Value, tc.field, tc.value)
			}
			if !strings.Contains(err.Error(), tc.field) || !strings.Contains(err.Error(), strconv.FormatInt(ge.Value, 10)) {
				t.Errorf("error %q does not name the field and value", err)
			}
			if len(m.Shards()) != 0 {
				t.Errorf("%d shards built from a refused answer", len(m.Shards()))
			}
		})
	}
}

// Start builds a shard only when the identify queue is about to admit it:
// 60,000 recommended shards cost the waves that run and the one waiting
// in the queue, and cancelling Run stops the rest at once.
func TestStartBuildsShardsAsTheQueueAdmitsThem(t *testing.T) {
	const shards = 60000
	s := startFake(t, discordtest.WithShards(shards))
	cfg := managerConfig(s)
	// One key, a minute apart: shard 0 runs, shard 1 waits its turn.
	cfg.Queue = shard.NewLocalQueue(1, shard.WithInterval(time.Minute))
	m := newManager(t, cfg)
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	ctx, cancel := context.WithCancel(within(t, 20*time.Second))
	ran := make(chan error, 1)
	go func() { ran <- m.Run(ctx) }()
	if _, err := s.WaitKind(ctx, discordtest.KindIdentified, 1); err != nil {
		t.Fatal(err)
	}
	if n := m.ShardCount(); n != shards {
		t.Fatalf("shard count %d, want %d", n, shards)
	}
	// Shard 0 identified; shard 1, the next wave, waits in the queue. The
	// wave after shard 0 is built on the launch goroutine once shard 0's
	// permit was granted, which may come just after the fake recorded the
	// IDENTIFY; no third shard can come before shard 1's permit, a
	// minute away.
	for len(m.Shards()) < 2 && ctx.Err() == nil {
		time.Sleep(time.Millisecond)
	}
	if n := len(m.Shards()); n != 2 {
		t.Errorf("%d shards built while the queue admitted 1, want 2 (one wave ahead)", n)
	}
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	if grew := int64(after.HeapAlloc) - int64(before.HeapAlloc); grew > 64<<20 {
		t.Errorf("the heap grew by %d MiB for one running shard", grew>>20)
	}
	start := time.Now()
	cancel()
	select {
	case err := <-ran:
		if err != nil {
			t.Errorf("Run = %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run ignored its cancelled ctx")
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Run returned %v after its ctx was cancelled", d)
	}
}

// Rescale and NewManager refuse shard counts past the ceiling.
func TestShardCountsPastTheCeilingAreRefused(t *testing.T) {
	s := fastFake(t)
	cfg := fastConfig(s)
	cfg.ShardCount = shard.MaxShardCount + 1
	if _, err := shard.NewManager(cfg); err == nil || !strings.Contains(err.Error(), strconv.Itoa(shard.MaxShardCount+1)) {
		t.Errorf("NewManager with %d shards: %v", cfg.ShardCount, err)
	}
	cfg.ShardCount = 1
	m := newManager(t, cfg)
	ctx := within(t, 10*time.Second)
	startReady(t, ctx, m)
	if err := m.Rescale(ctx, 1e6); err == nil || !strings.Contains(err.Error(), "1000000") {
		t.Errorf("Rescale to 1e6 shards: %v", err)
	}
}
