package cluster

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Status is a snapshot of a bot's cluster, read from its buckets and
// stream: what `wirecord node status` prints.
type Status struct {
	At         time.Time     `json:"at"`
	ShardCount int           `json:"shard_count"` // as the nodes announce it; 0 when no node is live
	Nodes      []NodeStatus  `json:"nodes"`
	Shards     []ShardStatus `json:"shards"`
}

// NodeStatus is one live node.
type NodeStatus struct {
	ID       string        `json:"id"`
	Started  time.Time     `json:"started"`
	LastBeat time.Duration `json:"last_beat_ns"` // since the node's last heartbeat
	Shards   []int         `json:"shards"`       // the shards it holds leases of
}

// ShardStatus is one shard: who runs it, and the session a new owner
// would resume.
type ShardStatus struct {
	ID int `json:"id"`
	// Node holds the lease, or is "" when the shard is free.
	Node string `json:"node,omitempty"`
	// Held is how long Node has held the lease; Renewed is the time since
	// its last renewal (a lease unrenewed for the lease time expires).
	Held    time.Duration `json:"held_ns,omitempty"`
	Renewed time.Duration `json:"renewed_ns,omitempty"`
	// Session is the stored session id, "" when there is none.
	Session string `json:"session,omitempty"`
	// StoredSeq is the sequence stored with the session; PublishedSeq the
	// last one in the event stream (the one a new owner resumes from).
	StoredSeq    int64 `json:"stored_seq,omitempty"`
	PublishedSeq int64 `json:"published_seq,omitempty"`
}

// ReadStatus reads the status of the cluster of prefix ("" is
// "wirecord") through nc. Shards are listed up to the shard count the
// live nodes announce, and any others that have a lease or a session.
func ReadStatus(ctx context.Context, nc *nats.Conn, prefix string) (*Status, error) {
	if prefix == "" {
		prefix = "wirecord"
	}
	n := names{prefix}
	js, err := newJetStream(nc)
	if err != nil {
		return nil, err
	}
	open := func(bucket string) (jetstream.KeyValue, error) {
		c, cancel := context.WithTimeout(ctx, opTimeout)
		defer cancel()
		kv, err := js.KeyValue(c, bucket)
		if errors.Is(err, jetstream.ErrBucketNotFound) {
			return nil, fmt.Errorf("cluster: the bucket %s is not there: no node has run with prefix %q on this NATS", bucket, prefix)
		}
		if err != nil {
			return nil, fmt.Errorf("cluster: opening bucket %s: %w", bucket, err)
		}
		return kv, nil
	}
	nodesKV, err := open(n.nodes())
	if err != nil {
		return nil, err
	}
	leasesKV, err := open(n.leases())
	if err != nil {
		return nil, err
	}
	sessionsKV, err := open(n.sessions())
	if err != nil {
		return nil, err
	}
	st := &Status{At: time.Now()}
	beats, err := liveNodes(ctx, nodesKV)
	if err != nil {
		return nil, err
	}
	byNode := map[string]*NodeStatus{}
	for _, b := range beats {
		st.ShardCount = max(st.ShardCount, b.ShardCount)
		st.Nodes = append(st.Nodes, NodeStatus{ID: b.Node, Started: b.Started, LastBeat: st.At.Sub(b.At)})
	}
	for i := range st.Nodes {
		byNode[st.Nodes[i].ID] = &st.Nodes[i]
	}
	shards := map[int]*ShardStatus{}
	get := func(id int) *ShardStatus {
		if shards[id] == nil {
			shards[id] = &ShardStatus{ID: id}
		}
		return shards[id]
	}
	for id := range st.ShardCount {
		get(id)
	}
	if err := eachEntry(ctx, leasesKV, func(id int, e jetstream.KeyValueEntry) {
		var l lease
		if json.Unmarshal(e.Value(), &l) != nil {
			return
		}
		s := get(id)
		s.Node, s.Held, s.Renewed = l.Node, st.At.Sub(l.Acquired), st.At.Sub(e.Created())
		if ns := byNode[l.Node]; ns != nil {
			ns.Shards = append(ns.Shards, id)
		}
	}); err != nil {
		return nil, err
	}
	if err := eachEntry(ctx, sessionsKV, func(id int, e jetstream.KeyValueEntry) {
		var ss storedSession
		if json.Unmarshal(e.Value(), &ss) != nil {
			return
		}
		s := get(id)
		s.Session, s.StoredSeq = ss.ID, ss.Seq
	}); err != nil {
		return nil, err
	}
	c, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	stream, err := js.Stream(c, n.stream())
	if err != nil && !errors.Is(err, jetstream.ErrStreamNotFound) {
		return nil, fmt.Errorf("cluster: opening stream %s: %w", n.stream(), err)
	}
	for id, s := range shards {
		if stream == nil {
			break
		}
		sess, seq, err := lastPublished(c, stream, n, id)
		if errors.Is(err, errForeignMessage) {
			continue // no published sequence to show
		}
		if err != nil {
			return nil, err
		}
		if sess == s.Session || s.Session == "" {
			s.PublishedSeq = seq
		}
	}
	for _, s := range shards {
		st.Shards = append(st.Shards, *s)
	}
	slices.SortFunc(st.Shards, func(a, b ShardStatus) int { return a.ID - b.ID })
	slices.SortFunc(st.Nodes, func(a, b NodeStatus) int { return strings.Compare(a.ID, b.ID) })
	for i := range st.Nodes {
		slices.Sort(st.Nodes[i].Shards)
	}
	return st, nil
}

// eachEntry calls fn with every shard.<id> entry of kv.
func eachEntry(ctx context.Context, kv jetstream.KeyValue, fn func(id int, e jetstream.KeyValueEntry)) error {
	c, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	keys, err := kv.Keys(c)
	if errors.Is(err, jetstream.ErrNoKeysFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("cluster: listing %s: %w", kv.Bucket(), err)
	}
	for _, k := range keys {
		id, err := strconv.Atoi(strings.TrimPrefix(k, "shard."))
		if err != nil || !strings.HasPrefix(k, "shard.") {
			continue
		}
		e, err := kv.Get(c, k)
		if missing(err) {
			continue
		}
		if err != nil {
			return fmt.Errorf("cluster: reading %s in %s: %w", k, kv.Bucket(), err)
		}
		fn(id, e)
	}
	return nil
}
