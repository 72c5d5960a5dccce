package cluster

import (
	"context"
	"errors"
	"fmt"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// TailConfig configures Tail. NATS is required.
type TailConfig struct {
	// NATS is the connection to read through. Tail does not close it.
	NATS *nats.Conn
	// Prefix is the bot's prefix, as in NodeConfig. Default "wirecord".
	Prefix string
	// Events are the dispatch names to read. Default: every event.
	Events []string
	// FromStart reads the stream from its first event; by default Tail
	// starts with the events published after it is called.
	FromStart bool
}

// Tail calls fn with every event of the stream, in stream order, until
// ctx ends (it then returns nil) or the stream cannot be read. Unlike a
// Worker it leaves nothing behind: it reads through an ordered consumer
// that the server forgets, acknowledges nothing and shares nothing with
// other readers. It is what `wirecord tail --nats URL` runs.
func Tail(ctx context.Context, cfg TailConfig, fn func(*Delivery)) error {
	if cfg.NATS == nil {
		return errors.New("cluster: TailConfig.NATS is required")
	}
	if cfg.Prefix == "" {
		cfg.Prefix = "wirecord"
	}
	n := names{cfg.Prefix}
	js, err := newJetStream(cfg.NATS)
	if err != nil {
		return err
	}
	oc := jetstream.OrderedConsumerConfig{DeliverPolicy: jetstream.DeliverNewPolicy}
	if cfg.FromStart {
		oc.DeliverPolicy = jetstream.DeliverAllPolicy
	}
	for _, e := range cfg.Events {
		oc.FilterSubjects = append(oc.FilterSubjects, cfg.Prefix+".events.*."+e)
	}
	c, cancel := context.WithTimeout(ctx, opTimeout)
	cons, err := js.OrderedConsumer(c, n.stream(), oc)
	cancel()
	if errors.Is(err, jetstream.ErrStreamNotFound) {
		return fmt.Errorf("cluster: tail: the stream %s is not there: no node has run with prefix %q on this NATS", n.stream(), cfg.Prefix)
	}
	if err != nil {
		return fmt.Errorf("cluster: tail: %w", err)
	}
	it, err := cons.Messages()
	if err != nil {
		return fmt.Errorf("cluster: tail: %w", err)
	}
	stopped := make(chan struct{})
	defer close(stopped)
	go func() {
		select {
		case <-ctx.Done():
		case <-stopped:
		}
		it.Stop()
	}()
	for {
		m, err := it.Next()
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, jetstream.ErrMsgIteratorClosed) {
				return nil
			}
			return fmt.Errorf("cluster: tail: %w", err)
		}
		fn(delivery(m))
	}
}
