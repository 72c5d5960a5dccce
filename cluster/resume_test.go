package cluster

import (
	"context"
	"encoding/json"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/wirecord/wirecord/discord"
	"github.com/wirecord/wirecord/discordtest"
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

// warnings records the Warn lines of a logger, with the shard each names.
type warnings struct {
	mu    sync.Mutex
	lines []warning
}

type warning struct {
	shard int // -1 if none
	msg   string
}

func (w *warnings) logger() *slog.Logger { return slog.New(&warnHandler{w: w, shard: -1}) }

func (w *warnings) of(shard int) []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []string
	for _, l := range w.lines {
		if l.shard == shard {
			out = append(out, l.msg)
		}
	}
	return out
}

type warnHandler struct {
	w     *warnings
	shard int
}

func (h *warnHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelWarn }

func (h *warnHandler) Handle(_ context.Context, r slog.Record) error {
	shard := h.shard
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "shard" {
			shard = int(a.Value.Int64())
		}
		return true
	})
	h.w.mu.Lock()
	h.w.lines = append(h.w.lines, warning{shard: shard, msg: r.Message})
	h.w.mu.Unlock()
	return nil
}

func (h *warnHandler) WithAttrs(as []slog.Attr) slog.Handler {
	c := *h
	for _, a := range as {
		if a.Key == "shard" {
			c.shard = int(a.Value.Int64())
		}
	}
	return &c
}

func (h *warnHandler) WithGroup(string) slog.Handler { return h }

// A stored session that cannot be resumed (unreadable, of another shard
// count or shard, or with a resume URL the engine refuses) never keeps
// its shard from running, and never restarts a session silently: as a
// single process says with SessionRestarted, the node warns that a new
// session starts and events may be missing. A session whose only fault
// is its resume URL still resumes, at the gateway URL.
func TestAStoredSessionThatCannotBeResumedIsSaidSoAndTheShardIdentifies(t *testing.T) {
	const shards = 5
	tc := startCluster(t, 1)
	srv := newFake(shards)
	t.Cleanup(srv.Close)
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	a := startNode(t, tc, srv, "a", shards)
	if _, err := srv.WaitKind(ctx, discordtest.KindIdentified, shards); err != nil {
		t.Fatal(err)
	}
	eventually(t, 20*time.Second, "node a runs every shard", func() bool { return balanced(shards, a) })
	kv := a.sessions
	// Sessions are stored at READY: a shard stopped before its READY
	// (IDENTIFY recorded, READY not yet read) has none to hand over.
	eventually(t, 20*time.Second, "node a stores every shard's session", func() bool {
		for id := range shards {
			if _, err := kv.Get(ctx, sessionKey(id)); err != nil {
				return false
			}
		}
		return true
	})
	a.stop() // hands over: every session is stored
	stored := func(id int) storedSession {
		e, err := kv.Get(ctx, sessionKey(id))
		if err != nil {
			t.Fatalf("shard %d's session: %v", id, err)
		}
		var st storedSession
		if err := json.Unmarshal(e.Value(), &st); err != nil {
			t.Fatal(err)
		}
		return st
	}
	put := func(id int, v any) {
		b, ok := v.([]byte)
		if !ok {
			b, _ = json.Marshal(v)
		}
		if _, err := kv.Put(ctx, sessionKey(id), b); err != nil {
			t.Fatal(err)
		}
	}
	put(0, []byte("{not json"))
	put(1, storedSession{Node: "a"}) // no session id
	s2 := stored(2)
	s2.ShardCount = shards + 1
	put(2, s2)
	s3 := stored(3)
	s3.ShardID = 1
	put(3, s3)
	s4 := stored(4)
	s4.ResumeURL = "wss://gateway.example.net"
	put(4, s4)
	base := len(srv.Records())

	var w warnings
	startNodeQ(t, tc, srv, "b", shards, fakeIdentifyInterval+100*time.Millisecond, func(nd *Node) { nd.log = w.logger() })
	for id := range shards {
		r, err := srv.Wait(ctx, func(r discordtest.Record) bool {
			return r.Seq > base && r.Shard == id && (r.Kind == discordtest.KindIdentified || r.Kind == discordtest.KindResumed)
		})
		if err != nil {
			t.Fatalf("shard %d never came back: %v", id, err)
		}
		said := slices.ContainsFunc(w.of(id), func(m string) bool { return strings.Contains(m, "events of the old one may be missing") })
		switch {
		case id == 4:
			if r.Kind != discordtest.KindResumed {
				t.Errorf("shard 4 (a bad resume URL) came back with %s, want resumed", r)
			}
		case r.Kind != discordtest.KindIdentified:
			t.Errorf("shard %d came back with %s, want identified", id, r)
		case !said:
			t.Errorf("shard %d identified without a warning that its session restarted; warnings: %q", id, w.of(id))
		}
	}
}
