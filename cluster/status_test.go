package cluster

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/wirecord/wirecord/discord"
	"github.com/wirecord/wirecord/discordtest"
)

func TestStatusNamesEachShardsOwnerSessionAndSequence(t *testing.T) {
	const shards = 4
	tc := startCluster(t, 1)
	srv := newFake(shards)
	t.Cleanup(srv.Close)
	a := startNode(t, tc, srv, "a", shards)
	b := startNode(t, tc, srv, "b", shards)
	eventually(t, 20*time.Second, "4 shards over 2 nodes", func() bool { return balanced(shards, a, b) })
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	if _, err := srv.WaitKind(ctx, discordtest.KindIdentified, shards); err != nil {
		t.Fatal(err)
	}
	nc, err := tc.Connect()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	// Sessions are stored at READY, a moment after the fake records the
	// IDENTIFY.
	var st *Status
	eventually(t, 10*time.Second, "every shard has a stored session", func() bool {
		st, err = ReadStatus(ctx, nc, "")
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range st.Shards {
			if s.Session == "" {
				return false
			}
		}
		return len(st.Shards) == shards
	})
	if st.ShardCount != shards || len(st.Nodes) != 2 || st.Nodes[0].ID != "a" || st.Nodes[1].ID != "b" {
		t.Fatalf("status: %d shards, nodes %+v; want 4 shards, nodes a and b", st.ShardCount, st.Nodes)
	}
	for _, n := range []*testNode{a, b} {
		ns := st.Nodes[slices.IndexFunc(st.Nodes, func(x NodeStatus) bool { return x.ID == n.ID() })]
		if !slices.Equal(ns.Shards, n.Owned()) {
			t.Errorf("node %s: status says shards %v, it runs %v", n.ID(), ns.Shards, n.Owned())
		}
	}
	for _, s := range st.Shards {
		owner := a
		if slices.Contains(b.Owned(), s.ID) {
			owner = b
		}
		if s.Node != owner.ID() {
			t.Errorf("shard %d: status says node %q, %s runs it", s.ID, s.Node, owner.ID())
		}
		if want := srv.ConnForShard(s.ID).SessionID(); s.Session != want {
			t.Errorf("shard %d: status says session %q, the fake %q", s.ID, s.Session, want)
		}
		if s.PublishedSeq < 1 || s.Held < s.Renewed || s.Renewed < 0 || s.Renewed > 2*testLease {
			t.Errorf("shard %d: published seq %d, held %v, renewed %v ago: want a sequence, a lease renewed within the lease time",
				s.ID, s.PublishedSeq, s.Held, s.Renewed)
		}
	}
	if _, err := json.Marshal(st); err != nil {
		t.Errorf("the status does not encode: %v", err)
	}
}

func TestStatusOfAClusterNoNodeRanSaysSo(t *testing.T) {
	tc := startCluster(t, 1)
	nc, err := tc.Connect()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if _, err := ReadStatus(ctx, nc, "nobot"); err == nil {
		t.Error("ReadStatus of a prefix no node used: no error")
	}
	if err := Tail(ctx, TailConfig{NATS: nc, Prefix: "nobot"}, func(*Delivery) {}); err == nil {
		t.Error("Tail of a prefix no node used: no error")
	}
}

func TestTailReadsNewEventsAndTheWholeStreamFromTheStart(t *testing.T) {
	const shards = 2
	tc := startCluster(t, 1)
	srv := newFake(shards)
	t.Cleanup(srv.Close)
	a := startNode(t, tc, srv, "a", shards)
	eventually(t, 20*time.Second, "node a runs both shards", func() bool { return balanced(shards, a) })
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	if _, err := srv.WaitKind(ctx, discordtest.KindIdentified, shards); err != nil {
		t.Fatal(err)
	}
	nc, err := tc.Connect()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)

	// From the start: each shard's READY, sequence 1, comes first.
	tctx, stopTail := context.WithCancel(ctx)
	first := map[int]*Delivery{}
	done := make(chan error, 1)
	go func() {
		done <- Tail(tctx, TailConfig{NATS: nc, FromStart: true}, func(d *Delivery) {
			if first[d.ShardID] == nil {
				first[d.ShardID] = d
			}
			if len(first) == shards {
				stopTail()
			}
		})
	}()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	for id := range shards {
		if d := first[id]; d == nil || d.Name != "READY" || d.Seq != 1 {
			t.Errorf("shard %d: first event %+v, want READY at seq 1", id, d)
		}
	}

	// New events only, filtered by name: a message posted after Tail began.
	got := make(chan *Delivery, 16)
	tctx, stopTail = context.WithCancel(ctx)
	defer stopTail()
	go func() {
		done <- Tail(tctx, TailConfig{NATS: nc, Events: []string{"MESSAGE_CREATE"}}, func(d *Delivery) { got <- d })
	}()
	g := srv.Guilds()[0]
	// The ordered consumer exists once Tail reads; until then a message
	// may land before it. Post until one arrives.
	var msg *discord.Message
	for msg == nil {
		m, err := srv.Say(srv.Channels(g.ID)[0].ID, srv.Members(g.ID)[1].User.ID, "tail me")
		if err != nil {
			t.Fatal(err)
		}
		select {
		case d := <-got:
			var mc discord.MessageCreate
			if d.Name != "MESSAGE_CREATE" || json.Unmarshal(d.Data, &mc) != nil || mc.Content != "tail me" {
				t.Fatalf("tail got %s %s, want the message", d.Name, d.Data)
			}
			msg = &m
		case <-time.After(500 * time.Millisecond):
		case <-ctx.Done():
			t.Fatal("tail never got the message")
		}
	}
	stopTail()
	if err := <-done; err != nil {
		t.Errorf("Tail after its context ended: %v, want nil", err)
	}
}
