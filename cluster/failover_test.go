package cluster

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/wirecord/wirecord/discord"
	"github.com/wirecord/wirecord/discordtest"
)

// streamLog is what a worker read from the stream, per shard.
type streamLog struct {
	nc       *nats.Conn // the worker's, to read the stream when a test fails
	mu       sync.Mutex
	byShard  map[int][]*Delivery
	messages map[discord.MessageID]int // MESSAGE_CREATE id -> times seen
}

func (l *streamLog) add(d *Delivery) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.byShard[d.ShardID] = append(l.byShard[d.ShardID], d)
	if d.Name == "MESSAGE_CREATE" {
		var m struct {
			ID discord.MessageID `json:"id"`
		}
		if json.Unmarshal(d.Data, &m) == nil {
			l.messages[m.ID]++
		}
	}
}

func (l *streamLog) seen(id discord.MessageID) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.messages[id]
}

// startWorker runs a worker on its own connection that reads the stream
// from the start into a streamLog.
func startWorker(t *testing.T, ctx context.Context, tc *TestCluster) *streamLog {
	t.Helper()
	wnc, err := tc.Connect()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(wnc.Close)
	w, err := NewWorker(WorkerConfig{NATS: wnc, Durable: "test-worker"})
	if err != nil {
		t.Fatal(err)
	}
	log := &streamLog{nc: wnc, byShard: map[int][]*Delivery{}, messages: map[discord.MessageID]int{}}
	w.OnDispatch("", func(_ context.Context, d *Delivery) { log.add(d) })
	wctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := w.Run(wctx); err != nil {
			t.Errorf("worker: %v", err)
		}
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return log
}

// allMessages is every message the fake's users posted.
func allMessages(srv *discordtest.Server) []discord.Message {
	var out []discord.Message
	for _, g := range srv.Guilds() {
		for _, c := range srv.Channels(g.ID) {
			out = append(out, srv.Messages(c.ID)...)
		}
	}
	return out
}

func TestKilledNodesShardsResumeElsewhereAndWorkersSeeEveryEventOnce(t *testing.T) {
	const shards = 12
	tc := startCluster(t, 3)
	srv := newFake(shards)
	t.Cleanup(srv.Close)
	nodes := []*testNode{
		startNode(t, tc, srv, "n1", shards),
		startNode(t, tc, srv, "n2", shards),
		startNode(t, tc, srv, "n3", shards),
	}
	ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second)
	defer cancel()
	eventually(t, 30*time.Second, "12 shards over 3 nodes", func() bool { return balanced(shards, nodes...) })
	if _, err := srv.WaitKind(ctx, discordtest.KindIdentified, shards); err != nil {
		t.Fatal(err)
	}

	log := startWorker(t, ctx, tc)
	stop := srv.StartChatter(60)
	defer stop()
	if _, err := srv.WaitKind(ctx, discordtest.KindMessage, 40); err != nil {
		t.Fatal(err)
	}

	victim, survivors := nodes[0], nodes[1:]
	moved := victim.Owned()
	base := len(srv.Records())
	killed := time.Now()
	victim.kill()
	t.Logf("killed %s, which ran shards %v", victim.ID(), moved)

	var slowest time.Duration
	for _, id := range moved {
		r, err := srv.Wait(ctx, func(r discordtest.Record) bool {
			return r.Seq > base && r.Shard == id && (r.Kind == discordtest.KindResumed || r.Kind == discordtest.KindIdentified)
		})
		if err != nil {
			t.Fatalf("shard %d never came back: %v", id, err)
		}
		if r.Kind != discordtest.KindResumed {
			t.Errorf("shard %d came back with %s, want resumed", id, r.Kind)
		}
		slowest = max(slowest, r.Time.Sub(killed))
	}
	t.Logf("the %d shards of the dead node resumed elsewhere within %v (lease %v)", len(moved), slowest.Round(time.Millisecond), testLease)
	// The lease expires at most testLease after its last renewal; the next
	// balance (a quarter lease later) claims it, and the resume follows.
	if limit := testLease + testLease/2 + time.Second; slowest > limit {
		t.Errorf("takeover took %v, want under %v", slowest, limit)
	}
	eventually(t, 10*time.Second, "12 shards over the 2 nodes left", func() bool { return balanced(shards, survivors...) })

	// More chatter after the takeover, then quiet.
	n := len(srv.Records())
	if _, err := srv.Wait(ctx, func(r discordtest.Record) bool { return r.Seq > n && r.Kind == discordtest.KindMessage }); err != nil {
		t.Fatal(err)
	}
	stop()
	// Before the stream's check, which ends the test when it fails: an
	// IDENTIFY where a resume was due is the likeliest cause.
	for id, k := range acceptedIdentifies(srv) {
		if k != 1 {
			t.Errorf("shard %d identified %d times, want once", id, k)
			logShardRecord(t, srv, id)
		}
	}
	checkStream(t, srv, log, shards)
	for _, v := range srv.Violations() {
		t.Errorf("violation: %s shard %d: %s", v.Rule, v.Shard, v.Detail)
	}
}

// logShardRecord logs what the fake saw of one shard (connections,
// closes, identifies, resumes), messages aside, to tell from a failure
// how a session was lost.
func logShardRecord(t *testing.T, srv *discordtest.Server, id int) {
	t.Helper()
	for _, r := range srv.Records() {
		if r.Shard == id && r.Kind != discordtest.KindMessage {
			t.Logf("shard %d: %s", id, r)
		}
	}
}

// checkStream waits until the worker has seen every message the users
// posted, then checks each was seen once, and that each shard's events
// are one session's sequence 1, 2, 3... in order.
func checkStream(t *testing.T, srv *discordtest.Server, log *streamLog, shards int) {
	t.Helper()
	want := allMessages(srv)
	deadline := time.Now().Add(20 * time.Second)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		var missing []discord.Message
		for _, m := range want {
			if log.seen(m.ID) == 0 {
				missing = append(missing, m)
			}
		}
		if len(missing) == 0 {
			break
		}
		if time.Now().After(deadline) {
			explainMissing(t, srv, log, shards, missing)
			t.Fatalf("the worker never saw %d of the %d messages", len(missing), len(want))
		}
		<-tick.C
	}

	// The chatter's stop does not wait for a message being posted: one
	// may land after want was read. Every message seen must be one the
	// users posted by now, and seen once.
	posted := map[discord.MessageID]bool{}
	for _, m := range allMessages(srv) {
		posted[m.ID] = true
	}
	log.mu.Lock()
	defer log.mu.Unlock()
	for id, k := range log.messages {
		if k != 1 {
			t.Errorf("message %d seen %d times, want once", id, k)
		}
		if !posted[id] {
			t.Errorf("the worker saw message %d, which no user posted", id)
		}
	}
	// Per shard: one session, sequence numbers 1, 2, 3... in order, none
	// missing, none twice.
	for id := range shards {
		ds := log.byShard[id]
		if len(ds) == 0 {
			t.Errorf("shard %d: no event in the stream", id)
		}
		for i, d := range ds {
			if d.Seq != int64(i+1) || d.Session != ds[0].Session {
				t.Errorf("shard %d: event %d is %s:%d (%s), want %s:%d", id, i, d.Session, d.Seq, d.Name, ds[0].Session, i+1)
				break
			}
		}
	}
	t.Logf("%d messages, %d events in the stream, each once and in order", len(want), func() (n int) {
		for _, ds := range log.byShard {
			n += len(ds)
		}
		return n
	}())
}

func TestRollingRestartResumesEveryShardAndLosesNoEvent(t *testing.T) {
	const shards = 12
	tc := startCluster(t, 3)
	srv := newFake(shards)
	t.Cleanup(srv.Close)
	nodes := []*testNode{
		startNode(t, tc, srv, "n1", shards),
		startNode(t, tc, srv, "n2", shards),
		startNode(t, tc, srv, "n3", shards),
	}
	ctx, cancel := context.WithTimeout(t.Context(), 120*time.Second)
	defer cancel()
	eventually(t, 30*time.Second, "12 shards over 3 nodes", func() bool { return balanced(shards, nodes...) })
	if _, err := srv.WaitKind(ctx, discordtest.KindIdentified, shards); err != nil {
		t.Fatal(err)
	}
	log := startWorker(t, ctx, tc)
	stop := srv.StartChatter(60)
	defer stop()

	for i := range nodes {
		others := slices.Delete(slices.Clone(nodes), i, i+1)
		began := time.Now()
		nodes[i].stop()
		eventually(t, 15*time.Second, "the two other nodes run every shard", func() bool { return balanced(shards, others...) })
		nodes[i] = startNode(t, tc, srv, nodes[i].ID(), shards)
		eventually(t, 15*time.Second, "12 shards over 3 nodes again", func() bool { return balanced(shards, nodes...) })
		t.Logf("restarted %s: balanced again after %v", nodes[i].ID(), time.Since(began).Round(time.Millisecond))
		n := len(srv.Records())
		if _, err := srv.Wait(ctx, func(r discordtest.Record) bool { return r.Seq > n && r.Kind == discordtest.KindMessage }); err != nil {
			t.Fatal(err)
		}
	}
	stop()
	for id, k := range acceptedIdentifies(srv) {
		if k != 1 {
			t.Errorf("shard %d identified %d times, want once: a restart resumes", id, k)
		}
	}
	checkStream(t, srv, log, shards)
	for _, v := range srv.Violations() {
		t.Errorf("violation: %s shard %d: %s", v.Rule, v.Shard, v.Detail)
	}
}

func TestANodeCutOffFromNATSStopsItsShardsBeforeAnotherRunsThem(t *testing.T) {
	const shards = 4
	tc := startCluster(t, 1)
	srv := newFake(shards)
	t.Cleanup(srv.Close)
	a := startNode(t, tc, srv, "a", shards)
	b := startNode(t, tc, srv, "b", shards)
	eventually(t, 20*time.Second, "4 shards over 2 nodes", func() bool { return balanced(shards, a, b) })
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	if _, err := srv.WaitKind(ctx, discordtest.KindIdentified, shards); err != nil {
		t.Fatal(err)
	}
	// a loses NATS but not Discord: its connections stay up until a
	// stops them itself.
	moved := a.Owned()
	// Once a has stored the sessions (at READY), that is: a cut before
	// then leaves nothing to resume.
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
	a.nc.Close()
	for _, id := range moved {
		r, err := srv.Wait(ctx, func(r discordtest.Record) bool {
			return r.Seq > base && r.Shard == id && (r.Kind == discordtest.KindResumed || r.Kind == discordtest.KindIdentified)
		})
		if err != nil {
			t.Fatalf("shard %d never came back: %v", id, err)
		}
		if r.Kind != discordtest.KindResumed {
			t.Errorf("shard %d came back with %s, want resumed", id, r.Kind)
			for _, e := range srv.Records() {
				if e.Shard == id || e.Conn == oldConn[id] {
					t.Log(e)
				}
			}
		}
		// The cut-off node's connection ended before the new one resumed:
		// never one shard connected twice.
		var ended *discordtest.Record
		for _, e := range srv.Records() {
			if e.Kind == discordtest.KindDisconnected && e.Conn == oldConn[id] {
				ended = &e
				break
			}
		}
		if ended == nil || ended.Seq > r.Seq {
			t.Errorf("shard %d resumed on b (record %d) while a still had it connected (ended: %v)", id, r.Seq, ended)
		}
	}
	eventually(t, 10*time.Second, "b runs every shard", func() bool { return balanced(shards, b) })
	if got := a.Owned(); len(got) != 0 {
		t.Errorf("the cut-off node still runs %v", got)
	}
	for id, k := range acceptedIdentifies(srv) {
		if k != 1 {
			t.Errorf("shard %d identified %d times, want once", id, k)
		}
	}
}

// explainMissing logs, for messages the worker never saw, their shard,
// the sequences the stream holds for it, and the fake's record of the
// shard's sessions.
func explainMissing(t *testing.T, srv *discordtest.Server, log *streamLog, shards int, missing []discord.Message) {
	t.Helper()
	guildOf := map[discord.ChannelID]discord.GuildID{}
	for _, g := range srv.Guilds() {
		for _, c := range srv.Channels(g.ID) {
			guildOf[c.ID] = g.ID
		}
	}
	bad := map[int]bool{}
	for _, m := range missing {
		g := guildOf[m.ChannelID]
		id := int((uint64(g) >> 22) % uint64(shards))
		bad[id] = true
		t.Logf("missing: message %d in guild %d (shard %d) at %s", m.ID, g, id, m.Timestamp.Format("15:04:05.000"))
	}
	log.mu.Lock()
	for id := range bad {
		ds := log.byShard[id]
		var gaps []string
		for i := 1; i < len(ds); i++ {
			if ds[i].Seq != ds[i-1].Seq+1 || ds[i].Session != ds[i-1].Session {
				gaps = append(gaps, fmt.Sprintf("%s:%d -> %s:%d", ds[i-1].Session, ds[i-1].Seq, ds[i].Session, ds[i].Seq))
			}
		}
		last := int64(0)
		if len(ds) > 0 {
			last = ds[len(ds)-1].Seq
		}
		t.Logf("shard %d: the worker read %d events, last seq %d, gaps %v", id, len(ds), last, gaps)
	}
	log.mu.Unlock()
	// What the stream itself holds for those shards.
	js, _ := jetstream.New(log.nc)
	for id := range bad {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		c, err := js.OrderedConsumer(ctx, names{"wirecord"}.stream(), jetstream.OrderedConsumerConfig{
			FilterSubjects: []string{names{"wirecord"}.shardSubjects(id)}})
		if err != nil {
			t.Logf("shard %d: reading the stream: %v", id, err)
			cancel()
			continue
		}
		var seqs []string
		for {
			m, err := c.Next(jetstream.FetchMaxWait(time.Second))
			if err != nil {
				break
			}
			seqs = append(seqs, m.Headers().Get(HeaderSeq))
			if md, err := m.Metadata(); err == nil && md.NumPending == 0 {
				break
			}
		}
		cancel()
		t.Logf("shard %d: the stream holds seqs %v", id, seqs)
	}
	for _, r := range srv.Records() {
		if bad[r.Shard] && r.Kind != discordtest.KindMessage && r.Kind != discordtest.KindREST {
			t.Log(r)
		}
	}
}

func TestANodeStoppedWhileNATSIsDownStopsItsShardsInTime(t *testing.T) {
	const shards = 2
	tc := startCluster(t, 1)
	srv := newFake(shards)
	t.Cleanup(srv.Close)
	a := startNode(t, tc, srv, "a", shards)
	eventually(t, 20*time.Second, "node a runs both shards", func() bool { return balanced(shards, a) })
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	if _, err := srv.WaitKind(ctx, discordtest.KindIdentified, shards); err != nil {
		t.Fatal(err)
	}
	// NATS goes away (the client keeps reconnecting) while users talk:
	// every publish fails and is retried.
	tc.Servers[0].Shutdown()
	stopChatter := srv.StartChatter(50)
	defer stopChatter()
	base := len(srv.Records())
	if _, err := srv.Wait(ctx, func(r discordtest.Record) bool { return r.Seq > base && r.Kind == discordtest.KindMessage }); err != nil {
		t.Fatal(err)
	}
	// Asked to leave, it cannot hand over (nothing can be stored), so it
	// stops each shard once its lease could no longer be renewed: before
	// the lease expires and another node could take the shard.
	began := time.Now()
	stopped := make(chan struct{})
	go func() {
		a.stop()
		close(stopped)
	}()
	select {
	case <-stopped:
	case <-time.After(2 * testLease):
		t.Fatalf("the node did not stop within %v of being asked, with NATS down", 2*testLease)
	}
	t.Logf("stopped %v after being asked, NATS down (lease %v)", time.Since(began).Round(time.Millisecond), testLease)
	for id := range shards {
		if c := srv.ConnForShard(id); c != nil {
			select {
			case <-c.Done():
			case <-time.After(testLease):
				t.Errorf("shard %d is still connected after the node stopped", id)
			}
		}
	}
}

// flakyGets fails the first n Gets of a bucket, as a NATS answer lost
// or late on a loaded machine would.
type flakyGets struct {
	jetstream.KeyValue
	mu   sync.Mutex
	left int
}

func (f *flakyGets) Get(ctx context.Context, key string) (jetstream.KeyValueEntry, error) {
	f.mu.Lock()
	fail := f.left > 0
	if fail {
		f.left--
	}
	f.mu.Unlock()
	if fail {
		return nil, context.DeadlineExceeded
	}
	return f.KeyValue.Get(ctx, key)
}

func TestAMovedShardWhoseSessionCannotBeReadYetWaitsAndResumes(t *testing.T) {
	const shards = 2
	tc := startCluster(t, 1)
	srv := newFake(shards)
	t.Cleanup(srv.Close)
	a := startNode(t, tc, srv, "a", shards)
	eventually(t, 20*time.Second, "node a runs both shards", func() bool { return balanced(shards, a) })
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	if _, err := srv.WaitKind(ctx, discordtest.KindIdentified, shards); err != nil {
		t.Fatal(err)
	}
	eventually(t, 10*time.Second, "a stores both sessions", func() bool {
		for id := range shards {
			if _, err := a.sessions.Get(ctx, sessionKey(id)); err != nil {
				return false
			}
		}
		return true
	})
	// b's first reads of the sessions bucket fail; a hands both shards
	// to it.
	flaky := &flakyGets{left: 6}
	b := startNodeQ(t, tc, srv, "b", shards, fakeIdentifyInterval+100*time.Millisecond, func(nd *Node) {
		nd.wrapSessions = func(kv jetstream.KeyValue) jetstream.KeyValue { flaky.KeyValue = kv; return flaky }
	})
	base := len(srv.Records())
	a.stop()
	for id := range shards {
		r, err := srv.Wait(ctx, func(r discordtest.Record) bool {
			return r.Seq > base && r.Shard == id && (r.Kind == discordtest.KindResumed || r.Kind == discordtest.KindIdentified)
		})
		if err != nil {
			t.Fatalf("shard %d never came back: %v", id, err)
		}
		if r.Kind != discordtest.KindResumed {
			t.Errorf("shard %d came back with %s, want resumed: a failed read is not \"no session\"", id, r.Kind)
		}
	}
	eventually(t, 10*time.Second, "b runs both shards", func() bool { return balanced(shards, b) })
	for id, k := range acceptedIdentifies(srv) {
		if k != 1 {
			t.Errorf("shard %d identified %d times, want once", id, k)
		}
	}
}

func TestOneNATSServerOfThreeKilledMidRunLosesNothing(t *testing.T) {
	const shards = 6
	tc := startCluster(t, 3)
	srv := newFake(shards)
	t.Cleanup(srv.Close)
	nodes := []*testNode{
		startNode(t, tc, srv, "n1", shards),
		startNode(t, tc, srv, "n2", shards),
		startNode(t, tc, srv, "n3", shards),
	}
	ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second)
	defer cancel()
	eventually(t, 30*time.Second, "6 shards over 3 nodes", func() bool { return balanced(shards, nodes...) })
	if _, err := srv.WaitKind(ctx, discordtest.KindIdentified, shards); err != nil {
		t.Fatal(err)
	}
	log := startWorker(t, ctx, tc)
	stop := srv.StartChatter(40)
	defer stop()
	if _, err := srv.WaitKind(ctx, discordtest.KindMessage, 20); err != nil {
		t.Fatal(err)
	}
	// The first server is the one every client connected to first.
	killed := time.Now()
	tc.Servers[0].Shutdown()
	t.Logf("killed NATS server %s", tc.Servers[0].Name())
	// Users keep talking for a lease time after (the JetStream leaders
	// of the dead server move meanwhile); the bot keeps going.
	if _, err := srv.Wait(ctx, func(r discordtest.Record) bool {
		return r.Kind == discordtest.KindMessage && r.Time.After(killed.Add(testLease))
	}); err != nil {
		t.Fatal(err)
	}
	stop()
	for id, k := range acceptedIdentifies(srv) {
		if k != 1 {
			t.Errorf("shard %d identified %d times, want once", id, k)
		}
	}
	checkStream(t, srv, log, shards)
	moved := 0
	for _, r := range srv.Records() {
		if r.Time.After(killed) && r.Kind == discordtest.KindResumed {
			moved++
		}
	}
	t.Logf("%d resumes after the NATS server died", moved)
	for _, v := range srv.Violations() {
		t.Errorf("violation: %s shard %d: %s", v.Rule, v.Shard, v.Detail)
	}
}

// A shard whose lease is lost while its close is held up (here its close
// frame's write blocks, as on a full socket) is still gone within the
// lease: the hard stop drops the connection. It drops it without a close
// frame: a 1000 would end the session at Discord, and the next owner
// could only identify. The next owner resumes.
func TestALostLeaseWhoseCloseIsHeldUpDropsTheConnectionAndTheShardResumes(t *testing.T) {
	tc := startCluster(t, 1)
	srv := newFake(1)
	t.Cleanup(srv.Close)
	a := startNode(t, tc, srv, "a", 1)
	// Runs before the node's cleanup: a connection still held (the
	// failure this test is for) would keep the node from stopping.
	t.Cleanup(a.dialer.kill)
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	if _, err := srv.WaitKind(ctx, discordtest.KindIdentified, 1); err != nil {
		t.Fatal(err)
	}
	eventually(t, 10*time.Second, "the session stored", func() bool {
		_, err := a.sessions.Get(ctx, sessionKey(0))
		return err == nil
	})
	base := len(srv.Records())

	// Another node's lease in place of a's: a's next renewal finds it
	// taken, and its close is held up in writing the close frame.
	a.dialer.hold()
	val, _ := json.Marshal(lease{Node: "intruder", Acquired: time.Now(), Renewed: time.Now()})
	if _, err := a.leases.Put(ctx, leaseKey(0), val); err != nil {
		t.Fatal(err)
	}
	taken := time.Now()
	select {
	case <-a.dialer.held:
	case <-time.After(testLease):
		t.Fatalf("no close began within %v of the lease being taken", testLease)
	}
	// The renewal sees the loss within a quarter lease, and the hard
	// stop comes a quarter lease later.
	select {
	case <-a.dialer.gone:
		t.Logf("connection dropped %v after the lease was taken (lease %v)", time.Since(taken).Round(time.Millisecond), testLease)
	case <-time.After(testLease):
		t.Fatalf("the connection of a lost lease is still open %v later", testLease)
	}

	// The intruder goes; a claims the shard again and resumes.
	if err := a.leases.Delete(ctx, leaseKey(0)); err != nil {
		t.Fatal(err)
	}
	r, err := srv.Wait(ctx, func(r discordtest.Record) bool {
		return r.Seq > base && (r.Kind == discordtest.KindResumed || r.Kind == discordtest.KindIdentified)
	})
	if err != nil {
		t.Fatal(err)
	}
	if r.Kind != discordtest.KindResumed || strings.HasPrefix(r.Detail, "refused") {
		t.Errorf("the shard came back with %s, want resumed", r)
		logShardRecord(t, srv, 0)
	}
	for _, c := range srv.AllConns() {
		if _, recv := c.CloseCodes(); recv == uint16(discord.CloseNormal) || recv == uint16(discord.CloseGoingAway) {
			t.Errorf("connection %d was closed with %d, which ends the session", c.ID(), recv)
		}
	}
	if n := acceptedIdentifies(srv)[0]; n != 1 {
		t.Errorf("shard 0 identified %d times, want once", n)
	}
}

// A shard whose lease was lost, still closing, whose lease is free again
// while the node has room for more shards (a node died, say): the node
// must not claim it again until the old run is gone, or it runs the shard
// twice and the two connections fight over one session.
func TestANodeDoesNotClaimAShardItIsStillClosing(t *testing.T) {
	tc := startCluster(t, 1)
	srv := newFake(2)
	t.Cleanup(srv.Close)
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	intruder, _ := json.Marshal(lease{Node: "intruder", Acquired: time.Now(), Renewed: time.Now()})
	var leases jetstream.KeyValue
	// Shard 1 is another's, so that the node has room for one more.
	a := startNodeQ(t, tc, srv, "a", 2, fakeIdentifyInterval+100*time.Millisecond, func(nd *Node) {
		kv, err := nd.cfg.Storage.keyValue(ctx, nd.js, nd.n.leases(), nd.cfg.LeaseTTL)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := kv.Put(ctx, leaseKey(1), intruder); err != nil {
			t.Fatal(err)
		}
		leases = kv
	})
	t.Cleanup(a.dialer.kill)
	if _, err := srv.WaitKind(ctx, discordtest.KindIdentified, 1); err != nil {
		t.Fatal(err)
	}
	eventually(t, 10*time.Second, "the session stored", func() bool {
		_, err := a.sessions.Get(ctx, sessionKey(0))
		return err == nil
	})
	if _, err := leases.Put(ctx, leaseKey(1), intruder); err != nil { // not expired meanwhile
		t.Fatal(err)
	}

	base := len(srv.Records())

	// Shard 0's lease is taken; its close is held up in its write.
	a.dialer.hold()
	if _, err := leases.Put(ctx, leaseKey(0), intruder); err != nil {
		t.Fatal(err)
	}
	select {
	case <-a.dialer.held:
	case <-time.After(testLease):
		t.Fatalf("no close began within %v of the lease being taken", testLease)
	}
	// The lease is free again while the old run is still closing; the
	// node looks for shards to claim.
	if err := leases.Delete(ctx, leaseKey(0)); err != nil {
		t.Fatal(err)
	}
	a.balance(ctx)
	select {
	case <-a.dialer.gone:
	case <-time.After(testLease):
		t.Fatalf("the connection of a lost lease is still open %v later", testLease)
	}
	a.dialer.mu.Lock()
	dials := a.dialer.heldDials
	a.dialer.mu.Unlock()
	if dials != 0 {
		t.Errorf("the node dialled %d connections while its old run of the shard was still closing", dials)
	}
	// Once the old run is gone, the node claims the shard again and
	// resumes its session.
	r, err := srv.Wait(ctx, func(r discordtest.Record) bool {
		return r.Seq > base && (r.Kind == discordtest.KindResumed || r.Kind == discordtest.KindIdentified)
	})
	if err != nil {
		t.Fatal(err)
	}
	if r.Kind != discordtest.KindResumed || strings.HasPrefix(r.Detail, "refused") {
		t.Errorf("the shard came back with %s, want resumed", r)
		logShardRecord(t, srv, 0)
	}
}

// A lease lost twice in a row, the second time while the node's new run
// of the shard is still connecting to resume (its first write held up):
// each run is gone before the next starts (the fake never sees the shard
// twice), and the third run still RESUMEs the one session: the hard
// stops keep it.
func TestALeaseLostAgainWhileTheShardResumesKeepsTheSession(t *testing.T) {
	tc := startCluster(t, 1)
	srv := newFake(1)
	t.Cleanup(srv.Close)
	a := startNode(t, tc, srv, "a", 1)
	t.Cleanup(a.dialer.kill)
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	if _, err := srv.WaitKind(ctx, discordtest.KindIdentified, 1); err != nil {
		t.Fatal(err)
	}
	eventually(t, 10*time.Second, "the session stored", func() bool {
		_, err := a.sessions.Get(ctx, sessionKey(0))
		return err == nil
	})
	intruder, _ := json.Marshal(lease{Node: "intruder", Acquired: time.Now(), Renewed: time.Now()})
	take := func() {
		t.Helper()
		if _, err := a.leases.Put(ctx, leaseKey(0), intruder); err != nil {
			t.Fatal(err)
		}
	}
	free := func() {
		t.Helper()
		if err := a.leases.Delete(ctx, leaseKey(0)); err != nil {
			t.Fatal(err)
		}
	}
	// First loss: the run closes and is gone.
	take()
	eventually(t, 2*testLease, "the first run gone", func() bool { return len(a.Owned()) == 0 })
	// The lease is free again: the node claims it, and the new run's
	// first write (its connection's upgrade) is held; the lease is lost
	// again meanwhile.
	a.dialer.hold()
	free()
	select {
	case <-a.dialer.held:
	case <-time.After(2 * testLease):
		t.Fatal("the node did not claim the free shard again")
	}
	take()
	select {
	case <-a.dialer.gone:
	case <-time.After(testLease):
		t.Fatalf("the connection of the second lost lease is still open %v later", testLease)
	}
	eventually(t, 2*testLease, "the second run gone", func() bool { return len(a.Owned()) == 0 })
	base := len(srv.Records())
	free()
	r, err := srv.Wait(ctx, func(r discordtest.Record) bool {
		return r.Seq > base && (r.Kind == discordtest.KindResumed || r.Kind == discordtest.KindIdentified)
	})
	if err != nil {
		t.Fatal(err)
	}
	if r.Kind != discordtest.KindResumed || strings.HasPrefix(r.Detail, "refused") {
		t.Errorf("the shard came back with %s, want resumed", r)
		logShardRecord(t, srv, 0)
	}
	if n := acceptedIdentifies(srv)[0]; n != 1 {
		t.Errorf("shard 0 identified %d times, want once", n)
	}
	checkNoShardTwice(t, srv)
}
