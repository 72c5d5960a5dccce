package cluster

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/wirecord/wirecord/discord"
	"github.com/wirecord/wirecord/discordtest"
	"github.com/wirecord/wirecord/gateway"
)

// killDialer dials like net.Dialer until killed; then it drops every
// connection it made, without a close frame, and refuses new ones: what
// Discord sees when a machine dies.
//
// After hold, the next write on one of its connections blocks, as on a
// full socket, until that connection is closed (held is closed when it
// begins, gone when the connection is closed).
type killDialer struct {
	mu    sync.Mutex
	dead  bool
	conns []net.Conn

	holding    bool
	held, gone chan struct{}
	// heldDials counts dials made while a write was held.
	heldDials int
}

func (d *killDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.dead {
		return nil, errors.New("killDialer: the machine is dead")
	}
	if d.held != nil {
		select {
		case <-d.held:
			select {
			case <-d.gone:
			default:
				d.heldDials++
			}
		default:
		}
	}
	c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	hc := &holdConn{Conn: c, d: d, closed: make(chan struct{})}
	d.conns = append(d.conns, hc)
	return hc, nil
}

// hold makes the next write block until its connection is closed.
func (d *killDialer) hold() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.holding, d.held, d.gone = true, make(chan struct{}), make(chan struct{})
}

// holdConn is a connection of a killDialer.
type holdConn struct {
	net.Conn
	d         *killDialer
	closeOnce sync.Once
	closed    chan struct{}
}

func (c *holdConn) Write(b []byte) (int, error) {
	c.d.mu.Lock()
	holding, held, gone := c.d.holding, c.d.held, c.d.gone
	c.d.holding = false
	c.d.mu.Unlock()
	if !holding {
		return c.Conn.Write(b)
	}
	close(held)
	<-c.closed
	close(gone)
	return 0, net.ErrClosed
}

func (c *holdConn) Close() error {
	c.closeOnce.Do(func() { close(c.closed) })
	return c.Conn.Close()
}

func (d *killDialer) kill() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.dead = true
	for _, c := range d.conns {
		c.Close()
	}
}

// testNode is a node under test and how to end it.
type testNode struct {
	*Node
	nc     *nats.Conn
	dialer *killDialer
	cancel context.CancelFunc
	done   chan struct{} // closed when Run has returned
}

// kill ends the node as a crash would: its Discord connections drop, its
// NATS connection drops, nothing is handed over.
func (n *testNode) kill() {
	n.dialer.kill()
	n.nc.Close()
	n.cancel()
	<-n.done
}

// stop ends the node gracefully: it hands its shards over.
func (n *testNode) stop() {
	n.cancel()
	<-n.done
}

const testLease = 2 * time.Second

func startNode(t *testing.T, tc *TestCluster, srv *discordtest.Server, id string, shards int) *testNode {
	t.Helper()
	return startNodeQ(t, tc, srv, id, shards, fakeIdentifyInterval+100*time.Millisecond)
}

// startNodeQ starts a node whose identify queue waits queueInterval per key.
func startNodeQ(t *testing.T, tc *TestCluster, srv *discordtest.Server, id string, shards int, queueInterval time.Duration, prepare ...func(*Node)) *testNode {
	t.Helper()
	nc, err := tc.Connect()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	return startNodeOn(t, tc, nc, srv, id, shards, queueInterval, prepare...)
}

// startNodeOn starts a node that works through nc (which the test
// closes).
func startNodeOn(t *testing.T, tc *TestCluster, nc *nats.Conn, srv *discordtest.Server, id string, shards int, queueInterval time.Duration, prepare ...func(*Node)) *testNode {
	t.Helper()
	d := &killDialer{}
	nd, err := NewNode(NodeConfig{
		NATS: nc, ID: id, Storage: Storage{Memory: true, Replicas: len(tc.Servers)},
		LeaseTTL: testLease, Token: discord.NewToken(srv.Token), ShardCount: shards,
		Intents: discord.IntentGuilds | discord.IntentGuildMessages | discord.IntentMessageContent,
		Gateway: gateway.Config{URL: srv.GatewayURL}, Dialer: d,
		Queue:  testQueue(t, nc, len(tc.Servers), queueInterval),
		Logger: testLogger(),
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range prepare {
		p(nd)
	}
	ctx, cancel := context.WithCancel(context.Background())
	tn := &testNode{Node: nd, nc: nc, dialer: d, cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(tn.done)
		if err := nd.Run(ctx); err != nil {
			t.Errorf("node %s: %v", id, err)
		}
	}()
	t.Cleanup(func() {
		cancel()
		<-tn.done
	})
	return tn
}

// The fake allows one IDENTIFY per 200 ms per key; the queue waits 300.
const (
	fakeIdentifyInterval = 200 * time.Millisecond
	fakeConcurrency      = 4
)

func testQueue(t *testing.T, nc *nats.Conn, replicas int, interval time.Duration) *IdentifyQueue {
	js, _ := newJetStream(nc)
	return newQueue(t, js, QueueConfig{Bucket: "wirecord_identify", MaxConcurrency: fakeConcurrency,
		Interval: interval, Storage: Storage{Memory: true, Replicas: replicas}})
}

func newFake(shards int) *discordtest.Server {
	return discordtest.NewServer(discordtest.WithShards(shards), discordtest.WithGuilds(3*shards, 2),
		discordtest.WithMaxConcurrency(fakeConcurrency), discordtest.WithIdentifyInterval(fakeIdentifyInterval))
}

// testLogger logs to stderr when WIRECORD_TEST_LOG is set.
func testLogger() *slog.Logger {
	if os.Getenv("WIRECORD_TEST_LOG") == "" {
		return nil
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

// eventually polls cond until it holds or the time is up.
func eventually(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not within %v: %s", within, what)
		}
		<-tick.C
	}
}

// balanced reports that the nodes own every shard between them, each once,
// no node more than its fair share.
func balanced(shards int, nodes ...*testNode) bool {
	seen := map[int]bool{}
	fair := (shards + len(nodes) - 1) / len(nodes)
	for _, n := range nodes {
		ids := n.Owned()
		if len(ids) > fair {
			return false
		}
		for _, id := range ids {
			if seen[id] {
				return false
			}
			seen[id] = true
		}
	}
	return len(seen) == shards
}

func acceptedIdentifies(srv *discordtest.Server) map[int]int {
	out := map[int]int{}
	for _, r := range srv.Identifies() {
		if r.Accepted {
			out[r.ShardID]++
		}
	}
	return out
}

func TestNodesShareTheShardsAndPublishEvents(t *testing.T) {
	tc := startCluster(t, 1)
	srv := newFake(4)
	defer srv.Close()
	a := startNode(t, tc, srv, "a", 4)
	b := startNode(t, tc, srv, "b", 4)
	eventually(t, 20*time.Second, "4 shards over 2 nodes", func() bool { return balanced(4, a, b) })
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	if _, err := srv.WaitKind(ctx, discordtest.KindIdentified, 4); err != nil {
		t.Fatal(err)
	}
	// A message in a guild lands in the stream under its shard and name,
	// with the guild in a header.
	g := srv.Guilds()[0]
	msg, err := srv.Say(srv.Channels(g.ID)[0].ID, srv.Members(g.ID)[1].User.ID, "hello")
	if err != nil {
		t.Fatal(err)
	}
	nc, err := tc.Connect()
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	w, err := NewWorker(WorkerConfig{NATS: nc, Durable: "t", Events: []string{"MESSAGE_CREATE"}})
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan *Delivery, 1)
	On(w, func(ctx context.Context, m *discord.MessageCreate) {
		if m.ID == msg.ID {
			d, _ := DeliveryFromContext(ctx)
			got <- d
		}
	})
	go w.Run(ctx)
	var d *Delivery
	select {
	case d = <-got:
	case <-ctx.Done():
		t.Fatal("the message never reached the worker")
	}
	wantShard := int((uint64(g.ID) >> 22) % 4)
	if d.ShardID != wantShard || d.GuildID != g.ID || d.Name != "MESSAGE_CREATE" || d.Session == "" || d.Seq < 2 {
		t.Errorf("delivery %+v, want shard %d, guild %d, MESSAGE_CREATE, a session and a seq", d, wantShard, g.ID)
	}
	// The stream is the record a new owner resumes from.
	sess, seq, err := lastPublished(ctx, a.stream, a.n, wantShard)
	if err != nil || sess != d.Session || seq != d.Seq {
		t.Errorf("last published of shard %d: %s:%d (%v), want %s:%d", wantShard, sess, seq, err, d.Session, d.Seq)
	}
}

func TestANodeThatJoinsTakesItsShareAndTheShardsResume(t *testing.T) {
	tc := startCluster(t, 1)
	srv := newFake(4)
	defer srv.Close()
	a := startNode(t, tc, srv, "a", 4)
	eventually(t, 20*time.Second, "node a owns all 4 shards", func() bool { return balanced(4, a) })
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	if _, err := srv.WaitKind(ctx, discordtest.KindIdentified, 4); err != nil {
		t.Fatal(err)
	}
	b := startNode(t, tc, srv, "b", 4)
	eventually(t, 20*time.Second, "4 shards over 2 nodes", func() bool { return balanced(4, a, b) })
	// The two handed over resume on b.
	if _, err := srv.WaitKind(ctx, discordtest.KindResumed, 2); err != nil {
		t.Fatal(err)
	}
	for id, n := range acceptedIdentifies(srv) {
		if n != 1 {
			t.Errorf("shard %d identified %d times, want once: a handover resumes", id, n)
		}
	}
}

func TestALostLeaseStopsItsShardAtOnceAndItResumesWhenFree(t *testing.T) {
	tc := startCluster(t, 1)
	srv := newFake(2)
	t.Cleanup(srv.Close)
	a := startNode(t, tc, srv, "a", 2)
	eventually(t, 20*time.Second, "node a owns both shards", func() bool { return balanced(2, a) })
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	if _, err := srv.WaitKind(ctx, discordtest.KindIdentified, 2); err != nil {
		t.Fatal(err)
	}
	// Another writer takes shard 0's lease, as a node that saw it expire
	// would. Nobody renews it: it expires after the lease time.
	val, _ := json.Marshal(lease{Node: "intruder", Acquired: time.Now()})
	if _, err := a.leases.Put(ctx, leaseKey(0), val); err != nil {
		t.Fatal(err)
	}
	taken := time.Now()
	base := len(srv.Records())
	eventually(t, testLease, "node a stops shard 0", func() bool {
		return !slices.Contains(a.Owned(), 0) && srv.ConnForShard(0) == nil
	})
	t.Logf("shard 0 stopped %v after its lease was taken (lease %v, renewed every %v)",
		time.Since(taken).Round(time.Millisecond), testLease, testLease/4)
	if !slices.Contains(a.Owned(), 1) {
		t.Error("shard 1 stopped too; its lease was not touched")
	}
	// Once the intruder's lease expires, a claims shard 0 again and resumes
	// the session it kept resumable.
	r, err := srv.Wait(ctx, func(r discordtest.Record) bool {
		return r.Seq > base && r.Shard == 0 && (r.Kind == discordtest.KindResumed || r.Kind == discordtest.KindIdentified)
	})
	if err != nil {
		t.Fatal(err)
	}
	if r.Kind != discordtest.KindResumed {
		t.Errorf("shard 0 came back with %s, want resumed", r.Kind)
	}
}

func TestTwelveShardsStartingTogetherOnThreeNodesKeepTheIdentifyRateLimit(t *testing.T) {
	const (
		shards       = 12
		fakeInterval = time.Second
		interval     = fakeInterval + 100*time.Millisecond
	)
	tc := startCluster(t, 3)
	srv := discordtest.NewServer(discordtest.WithShards(shards), discordtest.WithGuilds(shards, 1),
		discordtest.WithMaxConcurrency(fakeConcurrency), discordtest.WithIdentifyInterval(fakeInterval))
	t.Cleanup(srv.Close)
	var nodes []*testNode
	for _, id := range []string{"n1", "n2", "n3"} {
		nodes = append(nodes, startNodeQ(t, tc, srv, id, shards, interval))
	}
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	if _, err := srv.WaitKind(ctx, discordtest.KindIdentified, shards); err != nil {
		t.Fatal(err)
	}
	ids := srv.Identifies()
	first, last := ids[0].Time, ids[0].Time
	lastOfKey := map[int]time.Time{}
	for _, r := range ids {
		if !r.Accepted {
			t.Errorf("shard %d's IDENTIFY refused: %s", r.ShardID, r.Refused)
		}
		if prev, ok := lastOfKey[r.Bucket]; ok && r.Time.Sub(prev) < fakeInterval {
			t.Errorf("key %d identified twice %v apart", r.Bucket, r.Time.Sub(prev))
		}
		lastOfKey[r.Bucket] = r.Time
		first, last = minTime(first, r.Time), maxTime(last, r.Time)
	}
	for _, v := range srv.Violations() {
		t.Errorf("violation: %s shard %d: %s", v.Rule, v.Shard, v.Detail)
	}
	// Three shards per key: two intervals from the first IDENTIFY to the
	// last, plus the time the nodes take to claim their shards.
	took, want := last.Sub(first), (shards/fakeConcurrency-1)*interval
	t.Logf("12 shards over 4 keys identified in %v (ideal %v)", took.Round(time.Millisecond), want)
	if took < (shards/fakeConcurrency-1)*fakeInterval || took > want+1500*time.Millisecond {
		t.Errorf("the start took %v, want about %v", took, want)
	}
	eventually(t, 10*time.Second, "12 shards over 3 nodes", func() bool { return balanced(shards, nodes...) })
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
