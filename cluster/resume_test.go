package cluster

import (
	"context"
	"encoding/json"
	"log/slog"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/wirecord/wirecord/discord"
	"github.com/wirecord/wirecord/gateway"
)

// openNode opens a node's buckets and stream on tc without running it.
func openNode(t *testing.T, tc *TestCluster, shards int) *Node {
	t.Helper()
	nc, err := tc.Connect()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	nd, err := NewNode(NodeConfig{NATS: nc, ID: "a", Storage: Storage{Memory: true}, LeaseTTL: testLease,
		Token: discord.NewToken("t"), ShardCount: shards, Gateway: gateway.Config{URL: "ws://127.0.0.1:1"}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	if err := nd.open(ctx); err != nil {
		t.Fatal(err)
	}
	return nd
}

func newOwned(id int) *owned {
	return &owned{id: id, done: make(chan struct{}), stopped: make(chan struct{}), lost: make(chan struct{})}
}

// What a new owner resumes from, when the shard's records in NATS are
// not what the nodes wrote: a corrupt record is no record, never a
// reason to wait forever or to crash. Each row stores a session for
// shard 0, then puts a last message in the shard's stream subjects.
func TestANewOwnerResumesFromTheStoredSessionWhenTheLastEventIsNotOneOfOurs(t *testing.T) {
	tc := startCluster(t, 1)
	nd := openNode(t, tc, 1)
	stored := storedSession{SessionState: gateway.SessionState{ID: "s1", Seq: 5, ShardID: 0, ShardCount: 1}, Node: "old"}
	val, _ := json.Marshal(stored)
	for _, tt := range []struct {
		name    string
		headers nats.Header
		wantSeq int64
	}{
		// Anyone on the bot's NATS may publish there (a tool, a typo of
		// a subject): the stream takes it.
		{"no headers", nil, 5},
		{"a seq that is not a number", nats.Header{HeaderSession: {"s1"}, HeaderSeq: {"x"}}, 5},
		{"one of ours, after the stored seq", nats.Header{HeaderSession: {"s1"}, HeaderSeq: {"9"}}, 9},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
			defer cancel()
			if _, err := nd.sessions.Put(ctx, sessionKey(0), val); err != nil {
				t.Fatal(err)
			}
			m := nats.NewMsg(nd.n.subject(0, "JUNK"))
			m.Header, m.Data = tt.headers, []byte("junk")
			if m.Header == nil {
				m.Header = nats.Header{}
			}
			if _, err := nd.js.PublishMsg(ctx, m); err != nil {
				t.Fatal(err)
			}
			// The shard is told to stop when the test's time is up: a
			// resumeState that waits for a readable record returns then.
			o := newOwned(0)
			stop := time.AfterFunc(5*time.Second, func() { o.stop(stopLost) })
			defer stop.Stop()
			st, ok := nd.resumeState(ctx, o, slog.New(slog.DiscardHandler))
			if !ok {
				t.Fatalf("resumeState gave up (the shard would never start): the last event is %v", tt.headers)
			}
			if st == nil || st.ID != "s1" || st.Seq != tt.wantSeq {
				t.Errorf("resume state %+v, want session s1 at seq %d", st, tt.wantSeq)
			}
			// wirecord node status still reads the cluster.
			if _, err := ReadStatus(ctx, nd.cfg.NATS, ""); err != nil {
				t.Errorf("ReadStatus: %v", err)
			}
		})
	}
}

// A session record that is not one (corrupt, another shard count) is no
// session: the shard identifies, at once.
func TestACorruptSessionRecordMeansIdentify(t *testing.T) {
	tc := startCluster(t, 1)
	nd := openNode(t, tc, 2)
	for name, val := range map[string][]byte{
		"not json":              []byte("\x00\xffnot json"),
		"json of another shape": []byte(`[1,2,3]`),
		"a huge string":         append(append([]byte(`{"session_id":"`), make([]byte, 1<<16)...), '"', '}'),
		"another shard count":   []byte(`{"session_id":"s1","seq":3,"shard_id":0,"shard_count":7}`),
		"no session id":         []byte(`{"seq":3,"shard_id":0,"shard_count":2}`),
	} {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
			defer cancel()
			if _, err := nd.sessions.Put(ctx, sessionKey(0), val); err != nil {
				t.Fatal(err)
			}
			o := newOwned(0)
			stop := time.AfterFunc(5*time.Second, func() { o.stop(stopLost) })
			defer stop.Stop()
			st, ok := nd.resumeState(ctx, o, slog.New(slog.DiscardHandler))
			if !ok || st != nil {
				t.Errorf("resume state %+v, %v; want none, and identify", st, ok)
			}
		})
	}
}
