package cluster

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/wirecord/wirecord/discord"
	"github.com/wirecord/wirecord/internal/jsondec"
)

// WorkerConfig configures a Worker. NATS and Durable are required.
type WorkerConfig struct {
	// NATS is the connection the worker reads through. The worker does
	// not close it.
	NATS *nats.Conn
	// Prefix is the bot's prefix, as in NodeConfig. Default "wirecord".
	Prefix string
	// Durable names the consumer. It remembers what was acknowledged
	// across restarts; workers that share a name share the events.
	Durable string
	// Events are the dispatch names to receive ("MESSAGE_CREATE"). Default:
	// every event.
	Events []string
	// MaxAckPending bounds the events handed out and not yet
	// acknowledged, across every worker of the Durable. Default 1: an
	// event is handed out once the one before it is acknowledged, so
	// events reach the handlers in stream order (each shard's order) even
	// when a delivery is lost on its way (a NATS server died) and comes
	// again after AckWait. More lets workers of one Durable share the
	// load, at the cost of that order after a lost delivery.
	MaxAckPending int
	// AckWait is how long the server waits for an acknowledgement before
	// it hands an event out again: the longest a lost delivery holds the
	// events behind it. While handlers run the worker tells the server
	// the event is in progress, so a slow handler is not redelivered.
	// A request for events that is lost (the server never answers it)
	// is asked again within half an AckWait. Default 5 s.
	AckWait time.Duration
	// Logger receives the worker's log lines. Default: discard.
	Logger *slog.Logger
}

// Delivery is one event read from the stream.
type Delivery struct {
	ShardID int
	Session string
	Seq     int64
	Name    string
	GuildID discord.GuildID // zero for events of no guild
	Data    json.RawMessage
	// Err is set when the node could not read the payload.
	Err error
	// StreamSeq is the event's position in the stream.
	StreamSeq uint64
}

// Worker reads a bot's events from the stream and hands them to handlers,
// in order, acknowledging each once its handlers have returned.
type Worker struct {
	cfg WorkerConfig
	n   names
	js  jetstream.JetStream

	mu    sync.RWMutex
	next  uint64
	raw   map[string]map[uint64]func(context.Context, *Delivery)
	typed map[string]map[uint64]func(context.Context, *Delivery) error
}

// NewWorker checks cfg and returns a worker. Register handlers, then Run.
func NewWorker(cfg WorkerConfig) (*Worker, error) {
	if cfg.NATS == nil {
		return nil, errors.New("cluster: WorkerConfig.NATS is required")
	}
	if cfg.Durable == "" {
		return nil, errors.New("cluster: WorkerConfig.Durable is required: name the consumer, so it survives restarts")
	}
	if cfg.Prefix == "" {
		cfg.Prefix = "wirecord"
	}
	if cfg.MaxAckPending <= 0 {
		cfg.MaxAckPending = 1
	}
	if cfg.AckWait <= 0 {
		cfg.AckWait = 5 * time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	js, err := jetstream.New(cfg.NATS)
	if err != nil {
		return nil, fmt.Errorf("cluster: jetstream: %w", err)
	}
	return &Worker{cfg: cfg, n: names{cfg.Prefix}, js: js,
		raw:   map[string]map[uint64]func(context.Context, *Delivery){},
		typed: map[string]map[uint64]func(context.Context, *Delivery) error{}}, nil
}

type deliveryKey struct{}

// DeliveryFromContext returns the event being handled, in a handler's
// context: its shard, session, sequence and guild.
func DeliveryFromContext(ctx context.Context) (*Delivery, bool) {
	d, ok := ctx.Value(deliveryKey{}).(*Delivery)
	return d, ok
}

// OnDispatch registers fn for events named name, or every event when name
// is "". It returns a function that removes the handler.
func (w *Worker) OnDispatch(name string, fn func(ctx context.Context, d *Delivery)) (remove func()) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.next++
	id := w.next
	if w.raw[name] == nil {
		w.raw[name] = map[uint64]func(context.Context, *Delivery){}
	}
	w.raw[name][id] = fn
	return func() {
		w.mu.Lock()
		defer w.mu.Unlock()
		delete(w.raw[name], id)
	}
}

// On registers a typed handler, as shard.On does: On(w, func(ctx
// context.Context, e *discord.MessageCreate) {...}); each handler decodes
// the event for itself, into a value of its own. A handler whose decode
// fails is skipped, and the event logged; OnDispatch handlers still get
// it. Fields narrows a handler's decode to the fields it reads.
func On[T any, P interface {
	*T
	discord.Event
}](w *Worker, fn func(ctx context.Context, e P), opts ...TypedOption) (remove func()) {
	name := P(new(T)).EventName()
	var keys []string
	for _, o := range opts {
		keys = append(keys, o.fields...)
	}
	want, narrow, err := jsondec.FieldsMask(new(T), keys)
	if err != nil {
		panic("cluster.Fields: " + err.Error())
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.next++
	id := w.next
	if w.typed[name] == nil {
		w.typed[name] = map[uint64]func(context.Context, *Delivery) error{}
	}
	w.typed[name][id] = func(ctx context.Context, d *Delivery) error {
		e := P(new(T))
		// jsondec answers as encoding/json does, about six times faster on
		// a MESSAGE_CREATE (the generated decoders shard.On uses). Fresh,
		// not shared: a kept string must not pin a delivery's payload.
		var err error
		if narrow {
			err = jsondec.UnmarshalFields(d.Data, e, false, want)
		} else {
			err = jsondec.UnmarshalFresh(d.Data, e)
		}
		if err != nil {
			return fmt.Errorf("cluster: decoding %s: %w", d.Name, err)
		}
		fn(ctx, e)
		return nil
	}
	return func() {
		w.mu.Lock()
		defer w.mu.Unlock()
		delete(w.typed[name], id)
	}
}

// A TypedOption changes how On decodes its handler's events.
type TypedOption struct {
	fields []string
}

// Fields names the top-level fields of the event that an On handler
// reads, by their JSON keys as Discord sends them: On(w, fn,
// cluster.Fields("content", "author")). It means what shard.Fields means:
// the event is decoded as if the members keyed exactly as the other
// top-level fields were not there (they stay zero; a wrong type there is
// no error, broken JSON anywhere still is), at about half the cost of the
// whole event. Each handler decodes for itself, so it sees only the
// fields it named. For wirecord's event types, On panics if a key is not
// one of the event's top-level fields; your own types are decoded whole.
// Fields() naming no key decodes every field.
func Fields(keys ...string) TypedOption {
	return TypedOption{fields: keys}
}

// Run consumes events until ctx ends (then it returns nil) or the
// consumer cannot be created or read.
func (w *Worker) Run(ctx context.Context) error {
	stream, err := w.js.Stream(ctx, w.n.stream())
	if err != nil {
		return fmt.Errorf("cluster: worker: the stream %s is not there (is a node running?): %w", w.n.stream(), err)
	}
	cc := jetstream.ConsumerConfig{
		Durable:       w.cfg.Durable,
		AckPolicy:     jetstream.AckExplicitPolicy,
		DeliverPolicy: jetstream.DeliverAllPolicy,
		MaxAckPending: w.cfg.MaxAckPending,
		AckWait:       w.cfg.AckWait,
	}
	for _, e := range w.cfg.Events {
		cc.FilterSubjects = append(cc.FilterSubjects, w.cfg.Prefix+".events.*."+e)
	}
	cons, err := stream.CreateOrUpdateConsumer(ctx, cc)
	if err != nil {
		return fmt.Errorf("cluster: worker: creating consumer %s: %w", w.cfg.Durable, err)
	}
	it, err := cons.Messages(jetstream.PullHeartbeat(pullHeartbeat(w.cfg.AckWait)))
	if err != nil {
		return fmt.Errorf("cluster: worker: reading consumer %s: %w", w.cfg.Durable, err)
	}
	go func() {
		<-ctx.Done()
		it.Stop()
	}()
	handled := newRecentSeqs(4096)
	for {
		m, err := it.Next()
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, jetstream.ErrMsgIteratorClosed) {
				return nil
			}
			if errors.Is(err, jetstream.ErrNoHeartbeat) {
				// The server did not answer the request for events (it
				// never got it: the consumer's leader was being elected,
				// or the server went away). The iterator asks again on
				// the next call; it is not broken.
				w.cfg.Logger.Warn("no heartbeat from the consumer; asking for events again", "durable", w.cfg.Durable)
				continue
			}
			return fmt.Errorf("cluster: worker: %w", err)
		}
		d := delivery(m)
		if handled.seen(d.StreamSeq) {
			// Handled already; its acknowledgement was lost and the
			// server handed it out again.
			m.Ack()
			continue
		}
		w.handleInProgress(ctx, m, d)
		handled.add(d.StreamSeq)
		if err := m.Ack(); err != nil {
			w.cfg.Logger.Warn("acknowledging an event failed; it will be redelivered", "shard", d.ShardID, "seq", d.Seq, "err", err)
		}
	}
}

// pullHeartbeat is the idle heartbeat the worker asks the server for:
// two missed heartbeats tell it a request for events was lost, and it
// asks again. A lost request holds the events behind it as a lost
// delivery does, so it is noticed within half an AckWait (without a
// heartbeat of its own, the client's default notices it after 30 s).
func pullHeartbeat(ackWait time.Duration) time.Duration {
	// nats.go takes 500 ms to 30 s, and under half the request's expiry
	// (30 s).
	return min(max(ackWait/4, 500*time.Millisecond), 10*time.Second)
}

// handleInProgress runs the handlers of d, telling the server every
// third of AckWait that m is in progress.
func (w *Worker) handleInProgress(ctx context.Context, m jetstream.Msg, d *Delivery) {
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(w.cfg.AckWait / 3)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				m.InProgress()
			}
		}
	}()
	defer close(done)
	w.handle(ctx, d)
}

// recentSeqs remembers the last n stream sequences handled.
type recentSeqs struct {
	set  map[uint64]bool
	ring []uint64
	next int
}

func newRecentSeqs(n int) *recentSeqs {
	return &recentSeqs{set: make(map[uint64]bool, n), ring: make([]uint64, n)}
}

func (r *recentSeqs) seen(seq uint64) bool { return seq != 0 && r.set[seq] }

func (r *recentSeqs) add(seq uint64) {
	if seq == 0 {
		return
	}
	delete(r.set, r.ring[r.next])
	r.ring[r.next] = seq
	r.set[seq] = true
	r.next = (r.next + 1) % len(r.ring)
}

func (w *Worker) handle(ctx context.Context, d *Delivery) {
	ctx = context.WithValue(ctx, deliveryKey{}, d)
	w.mu.RLock()
	var raw []func(context.Context, *Delivery)
	var typed []func(context.Context, *Delivery) error
	for _, fn := range w.raw[""] {
		raw = append(raw, fn)
	}
	for _, fn := range w.raw[d.Name] {
		raw = append(raw, fn)
	}
	if d.Err == nil {
		for _, fn := range w.typed[d.Name] {
			typed = append(typed, fn)
		}
	}
	w.mu.RUnlock()
	// Each typed handler decodes for itself (Fields may narrow one and
	// not another), so one that fails skips only itself; the event is
	// logged once, with the first error.
	var first error
	skipped := 0
	for _, fn := range typed {
		if err := fn(ctx, d); err != nil {
			if first == nil {
				first = err
			}
			skipped++
		}
	}
	if first != nil {
		w.cfg.Logger.Warn("event not decoded; typed handlers skipped", "shard", d.ShardID, "seq", d.Seq, "event", d.Name,
			"handlers", skipped, "err", first)
	}
	for _, fn := range raw {
		fn(ctx, d)
	}
}

// delivery reads an event message's headers.
func delivery(m jetstream.Msg) *Delivery {
	h := m.Headers()
	d := &Delivery{Session: h.Get(HeaderSession), Data: m.Data()}
	d.ShardID, _ = strconv.Atoi(h.Get(HeaderShard))
	d.Seq, _ = strconv.ParseInt(h.Get(HeaderSeq), 10, 64)
	if g, err := strconv.ParseUint(h.Get(HeaderGuild), 10, 64); err == nil {
		d.GuildID = discord.GuildID(g)
	}
	if e := h.Get(HeaderError); e != "" {
		d.Err = errors.New(e)
	}
	// The name is the subject's last token: <prefix>.events.<shard>.<NAME>.
	subj := m.Subject()
	for i := len(subj) - 1; i >= 0; i-- {
		if subj[i] == '.' {
			d.Name = subj[i+1:]
			break
		}
	}
	if md, err := m.Metadata(); err == nil {
		d.StreamSeq = md.Sequence.Stream
	}
	return d
}
