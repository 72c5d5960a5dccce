package cluster

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/wirecord/wirecord/discordtest"
)

// started reports whether r is a connection taking a shard: an accepted
// IDENTIFY or a RESUME that resumed.
func started(r discordtest.Record) bool {
	return r.Kind == discordtest.KindIdentified ||
		(r.Kind == discordtest.KindResumed && r.Shard >= 0 && !strings.HasPrefix(r.Detail, "refused"))
}

// checkNoShardTwice goes through the fake's record in order and fails
// the test where a connection took a shard another connection still
// had: the fake saw one shard connected twice at the same time.
func checkNoShardTwice(t *testing.T, srv *discordtest.Server) {
	t.Helper()
	live := map[int]map[int]bool{} // shard -> its connections not yet ended
	shardOf := map[int]int{}       // connection -> the shard it took
	for _, r := range srv.Records() {
		switch {
		case started(r):
			for other := range live[r.Shard] {
				if other != r.Conn {
					t.Errorf("record %d: connection %d took shard %d while connection %d still had it (%s)", r.Seq, r.Conn, r.Shard, other, r)
				}
			}
			if live[r.Shard] == nil {
				live[r.Shard] = map[int]bool{}
			}
			live[r.Shard][r.Conn] = true
			shardOf[r.Conn] = r.Shard
		case r.Kind == discordtest.KindDisconnected:
			if id, ok := shardOf[r.Conn]; ok {
				delete(live[id], r.Conn)
			}
		}
	}
}

// A node cut off from NATS by a partition (its connection stays open,
// nothing arrives on it) stops its shards before their leases can
// expire, though nothing tells it NATS is gone; the other node resumes
// them; and once the partition heals, the node takes shards again only
// as the other hands them over.
func TestABlackholedNodeStopsItsShardsInTimeAndTheyResumeElsewhere(t *testing.T) {
	const shards = 4
	tc := startCluster(t, 1)
	srv := newFake(shards)
	t.Cleanup(srv.Close)
	u, err := url.Parse(tc.Servers[0].ClientURL())
	if err != nil {
		t.Fatal(err)
	}
	proxy := startProxy(t, u.Host)
	anc, err := nats.Connect("nats://"+proxy.Addr(), nats.MaxReconnects(-1), nats.ReconnectWait(50*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(anc.Close)
	a := startNodeOn(t, tc, anc, srv, "a", shards, fakeIdentifyInterval+100*time.Millisecond)
	b := startNode(t, tc, srv, "b", shards)
	eventually(t, 20*time.Second, "4 shards over 2 nodes", func() bool { return balanced(shards, a, b) })
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	if _, err := srv.WaitKind(ctx, discordtest.KindIdentified, shards); err != nil {
		t.Fatal(err)
	}
	moved := a.Owned()
	eventually(t, 10*time.Second, "a stores its shards' sessions", func() bool {
		for _, id := range moved {
			if _, err := a.sessions.Get(ctx, sessionKey(id)); err != nil {
				return false
			}
		}
		return true
	})
	oldConn := map[int]int{}
	for _, id := range moved {
		oldConn[id] = srv.ConnForShard(id).ID()
	}
	base := len(srv.Records())
	cut := time.Now()
	proxy.Blackhole()

	for _, id := range moved {
		r, err := srv.Wait(ctx, func(r discordtest.Record) bool {
			return r.Seq > base && r.Shard == id && started(r)
		})
		if err != nil {
			t.Fatalf("shard %d never came back: %v", id, err)
		}
		if r.Kind != discordtest.KindResumed {
			t.Errorf("shard %d came back with %s, want resumed", id, r.Kind)
		}
		var ended *discordtest.Record
		for _, e := range srv.Records() {
			if e.Kind == discordtest.KindDisconnected && e.Conn == oldConn[id] {
				ended = &e
				break
			}
		}
		switch {
		case ended == nil || ended.Seq > r.Seq:
			t.Errorf("shard %d resumed on b (record %d) while a still had it connected (ended: %v)", id, r.Seq, ended)
		case ended.Time.Sub(cut) >= testLease:
			t.Errorf("a ended shard %d's connection %v after the cut, want within the lease time (%v)", id, ended.Time.Sub(cut), testLease)
		default:
			t.Logf("shard %d: a's connection ended %v after the cut, b resumed it %v after", id,
				ended.Time.Sub(cut).Round(time.Millisecond), r.Time.Sub(cut).Round(time.Millisecond))
		}
		if c := srv.ConnForShard(id); c == nil || c.ID() == oldConn[id] {
			t.Errorf("shard %d's last connection is a's (%v)", id, c)
		}
	}
	eventually(t, 10*time.Second, "b runs every shard, a none", func() bool {
		return balanced(shards, b) && len(a.Owned()) == 0
	})
	checkNoShardTwice(t, srv)

	// The partition heals: a's held requests arrive late, its client
	// never noticed a thing. b holds every lease; a takes its share only
	// as b hands shards over, and they resume again.
	healed := len(srv.Records())
	proxy.Restore()
	eventually(t, 30*time.Second, "a takes its share back from b", func() bool { return balanced(shards, a, b) })
	for _, id := range a.Owned() {
		r, err := srv.Wait(ctx, func(r discordtest.Record) bool {
			return r.Seq > healed && r.Shard == id && started(r)
		})
		if err != nil {
			t.Fatalf("shard %d never came back on a: %v", id, err)
		}
		if r.Kind != discordtest.KindResumed {
			t.Errorf("shard %d came back on a with %s, want resumed", id, r.Kind)
		}
	}
	checkNoShardTwice(t, srv)
	for id, k := range acceptedIdentifies(srv) {
		if k != 1 {
			t.Errorf("shard %d identified %d times, want once", id, k)
		}
	}
	for _, v := range srv.Violations() {
		t.Errorf("violation: %s shard %d: %s", v.Rule, v.Shard, v.Detail)
	}
}
