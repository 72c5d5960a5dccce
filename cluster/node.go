package cluster

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/wirecord/wirecord/discord"
	"github.com/wirecord/wirecord/gateway"
	"github.com/wirecord/wirecord/shard"
)

// DefaultLeaseTTL is how long a shard's lease lasts unrenewed: a dead
// node's shards move within it.
const DefaultLeaseTTL = 10 * time.Second

// NodeConfig configures a Node. NATS, Token, ShardCount and Gateway.URL
// are required; every other zero value means the documented default.
type NodeConfig struct {
	// NATS is the connection the node works through. The node does not
	// close it.
	NATS *nats.Conn
	// ID names the node, unique in the cluster. Default: random.
	ID string
	// Prefix names the bot's buckets, stream and subjects
	// (<prefix>_leases, <PREFIX>_EVENTS, <prefix>.events.<shard>.<EVENT>).
	// Default "wirecord".
	Prefix string
	// Storage replicates the buckets and the stream.
	Storage Storage
	// LeaseTTL is how long a lease lasts unrenewed. Leases are renewed
	// four times per LeaseTTL, each try bounded by a quarter of it. A
	// shard whose lease was last renewed (counted from when the renewal
	// was sent) half a LeaseTTL ago is stopped, by a timer of its own,
	// and its Discord connection closed within another quarter, before
	// the lease can expire and another node take the shard. That holds
	// whether or not the node knows NATS is gone: behind a network
	// partition the NATS client notices only when its pings go
	// unanswered (nats.PingInterval, 2 minutes by default), so the node
	// relies on the renewals alone. A shorter LeaseTTL moves a dead
	// node's shards sooner; a LeaseTTL under about eight NATS round trips
	// under load stops shards whenever NATS is slow.
	// Default DefaultLeaseTTL.
	LeaseTTL time.Duration
	// EventMaxAge is how long the stream keeps events. Default 24 h.
	EventMaxAge time.Duration

	// Token is the bot token (discord.NewToken); it never prints.
	Token discord.Token
	// Intents are the gateway intents of every shard.
	Intents discord.Intents
	// ShardCount is the bot's total number of shards, across the cluster.
	ShardCount int
	// Gateway is the template of every shard's engine configuration;
	// Token, Intents, shard id and count and Session are set by the node.
	Gateway gateway.Config
	// MaxConcurrency is the bot's max_concurrency, for the default Queue.
	MaxConcurrency int
	// Queue grants IDENTIFYs. Default: an IdentifyQueue in the
	// <prefix>_identify bucket, shared by every node.
	Queue shard.IdentifyQueue

	// Dialer, TLSConfig, EventBuffer and WriteTimeout are passed to
	// every shard (see shard.Config).
	Dialer       shard.Dialer
	TLSConfig    *tls.Config
	EventBuffer  int
	WriteTimeout time.Duration
	// Logger receives the node's log lines. Default: discard.
	Logger *slog.Logger
}

// LogValue logs the configuration without the token.
func (c NodeConfig) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("id", c.ID), slog.String("prefix", c.Prefix),
		slog.Int("shard_count", c.ShardCount), slog.Duration("lease_ttl", c.LeaseTTL))
}

// Node runs its share of a bot's shards. Nodes claim shards through
// leases in a key-value bucket, renew them, and hand them over when nodes
// join or leave, so that no node holds more than its fair share
// (ceil(shards / live nodes)). A shard that moves RESUMES on its new
// node: each shard's session is kept in a bucket, and the last sequence
// published to the event stream is the record it resumes from.
type Node struct {
	cfg   NodeConfig
	n     names
	log   *slog.Logger
	js    jetstream.JetStream
	queue shard.IdentifyQueue

	leases, nodes, sessions jetstream.KeyValue
	stream                  jetstream.Stream

	mu      sync.Mutex
	owned   map[int]*owned
	wg      sync.WaitGroup
	runCtx  context.Context
	started time.Time

	// wrapSessions, when set (by tests), wraps the sessions bucket.
	wrapSessions func(jetstream.KeyValue) jetstream.KeyValue
}

// owned is a shard this node holds the lease of.
type owned struct {
	id       int
	rev      uint64    // the lease's revision
	acquired time.Time // when the lease was claimed
	renewed  time.Time // when the last successful renewal was sent, local clock
	done     chan struct{}
	// expiring stops the shard half a lease after the last successful
	// renewal was sent; each renewal puts it off.
	expiring *time.Timer

	stopMu  sync.Mutex
	stopped chan struct{} // closed by the first stop, of either kind
	lost    chan struct{} // closed when the lease is lost, even mid-handoff
	isLost  bool
}

// stop tells the shard to stop: a handoff keeps its session for the next
// owner; a lost lease stops it at once, and may come while a handoff is
// under way (NATS went away during it).
func (o *owned) stop(k stopKind) {
	o.stopMu.Lock()
	defer o.stopMu.Unlock()
	select {
	case <-o.stopped:
	default:
		close(o.stopped)
	}
	if k == stopLost && !o.isLost {
		o.isLost = true
		close(o.lost)
	}
}

// leaseLost reports whether the shard was told its lease is lost.
func (o *owned) leaseLost() bool {
	select {
	case <-o.lost:
		return true
	default:
		return false
	}
}

type stopKind int

const (
	stopLost    stopKind = iota // the lease is lost: stop at once
	stopHandoff                 // give the shard away: keep the session
)

// nodeBeat is the value of a node's key in the nodes bucket.
type nodeBeat struct {
	Node       string    `json:"node"`
	At         time.Time `json:"at"`
	Started    time.Time `json:"started"`
	ShardCount int       `json:"shard_count"`
}

// liveNodes reads every live node's last heartbeat.
func liveNodes(ctx context.Context, kv jetstream.KeyValue) ([]nodeBeat, error) {
	c, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	keys, err := kv.Keys(c)
	if errors.Is(err, jetstream.ErrNoKeysFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("cluster: listing nodes: %w", err)
	}
	var out []nodeBeat
	for _, k := range keys {
		e, err := kv.Get(c, k)
		if missing(err) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("cluster: reading %s: %w", k, err)
		}
		var b nodeBeat
		if json.Unmarshal(e.Value(), &b) == nil {
			out = append(out, b)
		}
	}
	return out, nil
}

// lease is the value of a lease key.
type lease struct {
	Node     string    `json:"node"`
	Acquired time.Time `json:"acquired"` // when the node claimed it
	Renewed  time.Time `json:"renewed"`  // its last renewal
}

// storedSession is the value of a session key.
type storedSession struct {
	gateway.SessionState
	Node    string    `json:"node"`
	Updated time.Time `json:"updated"`
}

// NewNode checks cfg and returns a node. It does not connect; call Run.
func NewNode(cfg NodeConfig) (*Node, error) {
	switch {
	case cfg.NATS == nil:
		return nil, errors.New("cluster: NodeConfig.NATS is required: connect to NATS (or start an embedded server) first")
	case cfg.Token.IsZero():
		return nil, errors.New("cluster: NodeConfig.Token is required")
	case cfg.ShardCount < 1:
		return nil, fmt.Errorf("cluster: NodeConfig.ShardCount is %d: give the bot's total shard count", cfg.ShardCount)
	case cfg.Gateway.URL == "":
		return nil, errors.New("cluster: NodeConfig.Gateway.URL is required: the URL GET /gateway/bot returns")
	}
	if cfg.ID == "" {
		b := make([]byte, 6)
		rand.Read(b)
		cfg.ID = hex.EncodeToString(b)
	}
	if strings.ContainsAny(cfg.ID, ".*> ") {
		return nil, fmt.Errorf("cluster: node id %q: use letters, digits, - and _", cfg.ID)
	}
	if cfg.Prefix == "" {
		cfg.Prefix = "wirecord"
	}
	if cfg.LeaseTTL <= 0 {
		cfg.LeaseTTL = DefaultLeaseTTL
	}
	if cfg.EventMaxAge <= 0 {
		cfg.EventMaxAge = 24 * time.Hour
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	js, err := jetstream.New(cfg.NATS)
	if err != nil {
		return nil, fmt.Errorf("cluster: jetstream: %w", err)
	}
	return &Node{cfg: cfg, n: names{cfg.Prefix}, js: js, owned: map[int]*owned{},
		log: cfg.Logger.With("node", cfg.ID)}, nil
}

// ID returns the node's id.
func (nd *Node) ID() string { return nd.cfg.ID }

// Owned returns the ids of the shards this node runs, in order.
func (nd *Node) Owned() []int {
	nd.mu.Lock()
	defer nd.mu.Unlock()
	var ids []int
	for id := range nd.owned {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

func (nd *Node) open(ctx context.Context) error {
	var err error
	st := nd.cfg.Storage
	if nd.leases, err = st.keyValue(ctx, nd.js, nd.n.leases(), nd.cfg.LeaseTTL); err != nil {
		return err
	}
	if nd.nodes, err = st.keyValue(ctx, nd.js, nd.n.nodes(), nd.cfg.LeaseTTL); err != nil {
		return err
	}
	if nd.sessions, err = st.keyValue(ctx, nd.js, nd.n.sessions(), 0); err != nil {
		return err
	}
	if nd.wrapSessions != nil {
		nd.sessions = nd.wrapSessions(nd.sessions)
	}
	if nd.stream, err = eventStream(ctx, nd.js, nd.n, st, nd.cfg.EventMaxAge); err != nil {
		return err
	}
	nd.queue = nd.cfg.Queue
	if nd.queue == nil {
		q, err := NewIdentifyQueue(ctx, nd.js, QueueConfig{Bucket: nd.n.identify(),
			MaxConcurrency: nd.cfg.MaxConcurrency, Storage: st, Logger: nd.log})
		if err != nil {
			return err
		}
		nd.queue = q
	}
	return nil
}

// Run joins the cluster and runs the node's share of shards until ctx is
// cancelled; then it hands every shard over (sessions kept resumable,
// leases released) and returns nil. It returns an error only when the
// buckets or the stream cannot be opened.
func (nd *Node) Run(ctx context.Context) error {
	octx, cancel := context.WithTimeout(ctx, 30*time.Second)
	err := nd.open(octx)
	cancel()
	if err != nil {
		return err
	}
	runCtx, stopShards := context.WithCancel(context.WithoutCancel(ctx))
	defer stopShards()
	nd.runCtx = runCtx
	nd.started = time.Now()
	tick := nd.cfg.LeaseTTL / 4
	nd.heartbeat(ctx)
	// Renewals keep their own time: with NATS away, each heartbeat and
	// balance step waits its timeout, and renewals waiting behind them
	// would come too late.
	renewing := make(chan struct{})
	go func() {
		defer close(renewing)
		t := time.NewTicker(tick)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				nd.renew(ctx)
			}
		}
	}()
	// Wait one tick before claiming, so that nodes started together see
	// each other and share from the start.
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			// leave renews from here on; two renewals of one lease at
			// once would see each other as a lost lease.
			<-renewing
			nd.leave()
			return nil
		case <-t.C:
		}
		nd.heartbeat(ctx)
		nd.balance(ctx)
	}
}

func (nd *Node) opCtx(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, nd.cfg.LeaseTTL/4)
}

// heartbeat says the node is alive: its key in the nodes bucket lives
// for LeaseTTL.
func (nd *Node) heartbeat(ctx context.Context) {
	c, cancel := nd.opCtx(ctx)
	defer cancel()
	val, _ := json.Marshal(nodeBeat{Node: nd.cfg.ID, At: time.Now(), ShardCount: nd.cfg.ShardCount, Started: nd.started})
	if _, err := nd.nodes.Put(c, "node."+nd.cfg.ID, val); err != nil {
		nd.log.Warn("node heartbeat failed", "err", err)
	}
}

// renew renews every lease; a lease that is gone or taken stops its shard
// at once. A lease that cannot be renewed (the node may be cut off from
// NATS: another node may take it at LeaseTTL) stops its shard when its
// expiring timer fires.
func (nd *Node) renew(ctx context.Context) {
	nd.mu.Lock()
	held := make([]*owned, 0, len(nd.owned))
	for _, o := range nd.owned {
		held = append(held, o)
	}
	nd.mu.Unlock()
	// All at once: one after the other, with NATS away each would wait
	// its timeout.
	var wg sync.WaitGroup
	for _, o := range held {
		wg.Go(func() { nd.renewOne(ctx, o) })
	}
	wg.Wait()
}

func (nd *Node) renewOne(ctx context.Context, o *owned) {
	// The lease lives LeaseTTL from when NATS stored this renewal, which
	// is after it was sent: the shard's time is counted from sending.
	sent := time.Now()
	val, _ := json.Marshal(lease{Node: nd.cfg.ID, Acquired: o.acquired, Renewed: sent})
	c, cancel := nd.opCtx(ctx)
	nd.mu.Lock()
	rev := o.rev
	nd.mu.Unlock()
	rev, err := nd.leases.Update(c, leaseKey(o.id), val, rev)
	cancel()
	switch {
	case err == nil:
		nd.mu.Lock()
		o.rev, o.renewed = rev, sent
		nd.mu.Unlock()
		o.expiring.Reset(time.Until(sent.Add(nd.cfg.LeaseTTL / 2)))
	case conflict(err) || missing(err):
		nd.log.Warn("lease lost; stopping the shard", "shard", o.id, "err", err)
		nd.stopShard(o, stopLost)
	default:
		nd.mu.Lock()
		left := time.Until(o.renewed.Add(nd.cfg.LeaseTTL / 2))
		nd.mu.Unlock()
		nd.log.Warn("renewing a lease failed; retrying", "shard", o.id,
			"stops_in", max(left, 0).Round(time.Millisecond), "err", err)
	}
}

// leaseExpiring stops o's shard: its lease was last renewed half a
// LeaseTTL ago, and another node may take the shard from LeaseTTL on.
func (nd *Node) leaseExpiring(o *owned) {
	nd.mu.Lock()
	late := time.Since(o.renewed)
	nd.mu.Unlock()
	nd.log.Warn("lease not renewed in time; stopping the shard before another node takes it",
		"shard", o.id, "late", late.Round(time.Millisecond))
	nd.stopShard(o, stopLost)
}

// balance claims free shards up to the fair share and hands over the
// shards above it.
func (nd *Node) balance(ctx context.Context) {
	c, cancel := nd.opCtx(ctx)
	live, err := nd.nodes.Keys(c)
	cancel()
	if err != nil && !errors.Is(err, jetstream.ErrNoKeysFound) {
		nd.log.Warn("listing nodes failed", "err", err)
		return
	}
	if !slices.Contains(live, "node."+nd.cfg.ID) {
		live = append(live, "node."+nd.cfg.ID)
	}
	fair := (nd.cfg.ShardCount + len(live) - 1) / len(live)
	held := nd.Owned()
	if len(held) > fair {
		// Give away the highest ids; the others claim them.
		for _, id := range held[fair:] {
			nd.mu.Lock()
			o := nd.owned[id]
			nd.mu.Unlock()
			if o != nil {
				nd.log.Info("handing a shard over", "shard", id, "fair_share", fair, "nodes", len(live))
				nd.stopShard(o, stopHandoff)
			}
		}
		return
	}
	c, cancel = nd.opCtx(ctx)
	taken, err := nd.leases.Keys(c)
	cancel()
	if err != nil && !errors.Is(err, jetstream.ErrNoKeysFound) {
		nd.log.Warn("listing leases failed", "err", err)
		return
	}
	for id := range nd.cfg.ShardCount {
		if len(held) >= fair {
			return
		}
		if slices.Contains(taken, leaseKey(id)) {
			continue
		}
		nd.mu.Lock()
		finishing := nd.owned[id] != nil
		nd.mu.Unlock()
		if finishing {
			// Its old run here is still closing (its lease released or
			// lost): claim it again once that run is gone, so that one
			// node never runs a shard twice.
			continue
		}
		now := time.Now()
		val, _ := json.Marshal(lease{Node: nd.cfg.ID, Acquired: now, Renewed: now})
		c, cancel := nd.opCtx(ctx)
		rev, err := nd.leases.Create(c, leaseKey(id), val)
		cancel()
		if err != nil {
			// A claim whose answer was lost may have landed: nobody renews
			// it, and it expires within LeaseTTL.
			if !conflict(err) {
				nd.log.Warn("claiming a lease failed", "shard", id, "err", err)
			}
			continue
		}
		held = append(held, id)
		nd.log.Info("lease claimed", "shard", id, "fair_share", fair, "nodes", len(live))
		nd.startShard(id, rev, now)
	}
}

func leaseKey(id int) string   { return "shard." + strconv.Itoa(id) }
func sessionKey(id int) string { return "shard." + strconv.Itoa(id) }

// leave hands every shard over, for a graceful stop. Leases are renewed
// until each handoff is done, and a shard whose lease cannot be renewed
// in time (NATS is gone) stops at once, as when running: a slow handoff
// never lets another node run a shard this one still runs.
func (nd *Node) leave() {
	nd.mu.Lock()
	for _, o := range nd.owned {
		nd.stopShard(o, stopHandoff)
	}
	nd.mu.Unlock()
	handedOver := make(chan struct{})
	go func() {
		nd.wg.Wait()
		close(handedOver)
	}()
	t := time.NewTicker(nd.cfg.LeaseTTL / 4)
	defer t.Stop()
	for waiting := true; waiting; {
		select {
		case <-handedOver:
			waiting = false
		case <-t.C:
			nd.renew(context.Background())
		}
	}
	c, cancel := context.WithTimeout(context.Background(), nd.cfg.LeaseTTL/4)
	defer cancel()
	nd.nodes.Delete(c, "node."+nd.cfg.ID)
}

func (nd *Node) stopShard(o *owned, k stopKind) { o.stop(k) }

func (nd *Node) startShard(id int, rev uint64, acquired time.Time) {
	o := &owned{id: id, rev: rev, acquired: acquired, renewed: acquired, done: make(chan struct{}),
		stopped: make(chan struct{}), lost: make(chan struct{})}
	o.expiring = time.AfterFunc(time.Until(acquired.Add(nd.cfg.LeaseTTL/2)), func() { nd.leaseExpiring(o) })
	nd.mu.Lock()
	nd.owned[id] = o
	nd.mu.Unlock()
	nd.wg.Add(1)
	go func() {
		defer nd.wg.Done()
		defer close(o.done)
		defer o.expiring.Stop()
		nd.runShard(nd.runCtx, o)
		nd.mu.Lock()
		if nd.owned[id] == o {
			delete(nd.owned, id)
		}
		nd.mu.Unlock()
	}()
}
