package benchload

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/wirecord/wirecord/discord"
	"github.com/wirecord/wirecord/internal/wsproto"
)

func TestEventsInCountsWholeEvents(t *testing.T) {
	s := &Session{ends: []int64{10, 25, 40}}
	for _, tc := range []struct {
		n    int64
		want int
	}{{0, 0}, {9, 0}, {10, 1}, {24, 1}, {25, 2}, {39, 2}, {40, 3}, {1000, 3}} {
		if got := s.EventsIn(tc.n); got != tc.want {
			t.Errorf("EventsIn(%d) = %d, want %d", tc.n, got, tc.want)
		}
	}
}

// TestEveryClientGetsEveryEventOnEveryCompression runs the harness on a
// tiny stream: the floors and wirecord must each deliver every event.
func TestEveryClientGetsEveryEventOnEveryCompression(t *testing.T) {
	rep, err := Run(context.Background(), Config{Events: 150})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Results) != 15 {
		t.Fatalf("%d results, want 15 (5 clients, 3 compressions)", len(rep.Results))
	}
	for _, r := range rep.Results {
		if r.Err != "" || r.Delivered != 150 {
			t.Errorf("%s %s: %d of 150 delivered, error %q", r.Client, r.Compression, r.Delivered, r.Err)
		}
	}
}

func TestShardStreamsCarryGuildsThatRouteToTheirShard(t *testing.T) {
	const count = 4
	seen := map[discord.GuildID]bool{}
	for id := range count {
		st, err := ShardStream(1, id, count, 3, "none", "ws://127.0.0.1:1/")
		if err != nil {
			t.Fatal(err)
		}
		rd := wsproto.Reader{Role: wsproto.Client}
		rd.Feed(st.ready)
		m, ok, err := rd.Next()
		if !ok || err != nil {
			t.Fatalf("shard %d: no READY frame: %v", id, err)
		}
		var ready struct {
			D discord.Ready `json:"d"`
		}
		if err := json.Unmarshal(m.Payload, &ready); err != nil || ready.D.Shard == nil || *ready.D.Shard != [2]int{id, count} {
			t.Fatalf("shard %d: READY %s: %v", id, m.Payload, err)
		}
		if st.Events != 3 || len(ready.D.Guilds) != 3 {
			t.Errorf("shard %d: %d GUILD_CREATE and %d guilds in READY, want 3", id, st.Events, len(ready.D.Guilds))
		}
		for _, g := range ready.D.Guilds {
			if int((uint64(g.ID)>>22)%count) != id || seen[g.ID] {
				t.Errorf("shard %d: guild %d routes to shard %d or repeats", id, g.ID, (uint64(g.ID)>>22)%count)
			}
			seen[g.ID] = true
		}
		st.Release()
	}
}
