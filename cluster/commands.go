package cluster

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/wirecord/wirecord/discord"
	"github.com/wirecord/wirecord/gateway"
	"github.com/wirecord/wirecord/shard"
)

// ErrNoOwner is wrapped by every *NoOwnerError: errors.Is(err,
// cluster.ErrNoOwner) says that no live node runs the shard a command is
// for.
var ErrNoOwner = errors.New("cluster: no live node runs the shard")

// NoOwnerError says that a command found no node to send it: nobody holds
// the shard's lease, or its holder did not answer before the context
// ended (it is dead and its lease has not expired yet, or it is still
// connecting the shard). Nothing was sent; the command may be tried again.
type NoOwnerError struct {
	ShardID int
	GuildID discord.GuildID // zero for a command not routed by guild
	// Node holds the shard's lease, or is "" when nobody does.
	Node string
	// Err is why the holder did not answer (the context's error), if any.
	Err error
}

func (e *NoOwnerError) Error() string {
	what := "shard " + strconv.Itoa(e.ShardID)
	if e.GuildID != 0 {
		what += " (guild " + strconv.FormatUint(uint64(e.GuildID), 10) + ")"
	}
	if e.Node == "" {
		return "cluster: no node runs " + what + ": start a node (wirecord node) or wait for one to claim it"
	}
	return fmt.Sprintf("cluster: node %s holds %s's lease but did not answer (%v): it may be dead, its lease expires within the lease time and another node takes the shard", e.Node, what, e.Err)
}

// Is makes errors.Is(err, ErrNoOwner) true.
func (e *NoOwnerError) Is(target error) bool { return target == ErrNoOwner }

// Unwrap returns the context's error, if the holder did not answer in time.
func (e *NoOwnerError) Unwrap() error { return e.Err }

// CommandError is a command the owning node received and could not send
// on the shard's session.
type CommandError struct {
	ShardID int
	Node    string // the node that answered
	Code    string // one of the CommandCode constants
	Msg     string
}

// Codes of a CommandError.
const (
	CommandInvalid  = "invalid"   // Discord's rules refuse it; wraps discord.ErrInvalidCommand
	CommandTooLarge = "too_large" // the answer exceeds a NATS message
	CommandStopped  = "stopped"   // the shard stopped (handed over) before it was sent: try again
	CommandTimeout  = "timeout"   // the session was not ready, or the answer late, within the deadline
	CommandFailed   = "failed"    // anything else
)

func (e *CommandError) Error() string {
	return fmt.Sprintf("cluster: node %s could not send the command on shard %d (%s): %s", e.Node, e.ShardID, e.Code, e.Msg)
}

// Unwrap lets errors.Is(err, discord.ErrInvalidCommand) and
// errors.Is(err, context.DeadlineExceeded) see through a CommandError.
func (e *CommandError) Unwrap() error {
	switch e.Code {
	case CommandInvalid:
		return discord.ErrInvalidCommand
	case CommandTimeout:
		return context.DeadlineExceeded
	case CommandStopped:
		return shard.ErrClosed
	}
	return nil
}

// commandRequest is what a Commander sends to <prefix>.cmd.<shard>.
type commandRequest struct {
	Presence *discord.UpdatePresence      `json:"presence,omitempty"`
	Voice    *discord.UpdateVoiceState    `json:"voice,omitempty"`
	Members  *discord.RequestGuildMembers `json:"members,omitempty"`
	// Timeout is how long the node may take, in milliseconds: the
	// requester's deadline, so a node never works for a caller who left.
	Timeout int64 `json:"timeout_ms"`
}

// commandReply is the owning node's answer.
type commandReply struct {
	Node    string              `json:"node"`
	Code    string              `json:"code,omitempty"`
	Error   string              `json:"error,omitempty"`
	Members *shard.GuildMembers `json:"members,omitempty"`
}

// DefaultCommandTimeout bounds a command whose context has no deadline.
const DefaultCommandTimeout = 10 * time.Second

// CommanderConfig configures a Commander. NATS is required.
type CommanderConfig struct {
	// NATS is the connection commands go through. The commander does not
	// close it.
	NATS *nats.Conn
	// Prefix is the bot's prefix, as in NodeConfig. Default "wirecord".
	Prefix string
	// ShardCount is the bot's shard count, which routes a guild to its
	// shard. Default: learnt from the live nodes.
	ShardCount int
	// Timeout bounds a command whose context has no deadline. Default
	// DefaultCommandTimeout.
	Timeout time.Duration
}

// Commander sends gateway commands to the node that runs the shard they
// belong to, over NATS request/reply: from a worker, or any process on the
// bot's NATS. A command is sent once the owning shard's session is ready;
// the call returns when it has been written to Discord (for a member
// request: when every chunk of the answer has arrived).
type Commander struct {
	cfg CommanderConfig
	n   names
	js  jetstream.JetStream

	mu     sync.Mutex
	count  int
	leases jetstream.KeyValue
	nodes  jetstream.KeyValue
}

// NewCommander checks cfg and returns a commander.
func NewCommander(cfg CommanderConfig) (*Commander, error) {
	if cfg.NATS == nil {
		return nil, errors.New("cluster: CommanderConfig.NATS is required")
	}
	if cfg.ShardCount < 0 {
		return nil, fmt.Errorf("cluster: CommanderConfig.ShardCount is %d: give the bot's shard count, or 0 to learn it from the nodes", cfg.ShardCount)
	}
	if cfg.Prefix == "" {
		cfg.Prefix = "wirecord"
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultCommandTimeout
	}
	js, err := newJetStream(cfg.NATS)
	if err != nil {
		return nil, err
	}
	return &Commander{cfg: cfg, n: names{cfg.Prefix}, js: js, count: cfg.ShardCount}, nil
}

// ShardFor returns the shard that receives guildID's events, as Discord
// routes them: (guild_id >> 22) % shard_count.
func (c *Commander) ShardFor(ctx context.Context, guildID discord.GuildID) (int, error) {
	n, err := c.shardCount(ctx)
	if err != nil {
		return 0, err
	}
	return int((uint64(guildID) >> 22) % uint64(n)), nil
}

// UpdatePresence sets the bot's presence on the session of the shard that
// serves guildID (Discord shows a bot's presence per shard).
func (c *Commander) UpdatePresence(ctx context.Context, guildID discord.GuildID, p discord.UpdatePresence) error {
	id, err := c.ShardFor(ctx, guildID)
	if err != nil {
		return err
	}
	_, err = c.send(ctx, id, guildID, commandRequest{Presence: &p})
	return err
}

// UpdatePresenceEverywhere sets the bot's presence on every shard. It
// tries every shard and returns the errors of those that failed, joined.
func (c *Commander) UpdatePresenceEverywhere(ctx context.Context, p discord.UpdatePresence) error {
	n, err := c.shardCount(ctx)
	if err != nil {
		return err
	}
	errs := make([]error, n)
	var wg sync.WaitGroup
	for id := range n {
		wg.Go(func() { _, errs[id] = c.send(ctx, id, 0, commandRequest{Presence: &p}) })
	}
	wg.Wait()
	return errors.Join(errs...)
}

// UpdateVoiceState joins, moves or leaves (zero ChannelID) a voice channel
// of v.GuildID, through the shard that serves the guild.
func (c *Commander) UpdateVoiceState(ctx context.Context, v discord.UpdateVoiceState) error {
	if err := v.Validate(); err != nil {
		return err
	}
	id, err := c.ShardFor(ctx, v.GuildID)
	if err != nil {
		return err
	}
	_, err = c.send(ctx, id, v.GuildID, commandRequest{Voice: &v})
	return err
}

// RequestGuildMembers asks the shard that serves req.GuildID for members
// and returns the whole answer. The chunks also reach the event stream as
// GUILD_MEMBERS_CHUNK events with the request's nonce; an answer too large
// for one NATS message fails with a CommandError of code CommandTooLarge,
// and is read from the stream instead.
func (c *Commander) RequestGuildMembers(ctx context.Context, req discord.RequestGuildMembers) (*shard.GuildMembers, error) {
	if err := req.Validate(); err != nil {
		return nil, err
	}
	id, err := c.ShardFor(ctx, req.GuildID)
	if err != nil {
		return nil, err
	}
	r, err := c.send(ctx, id, req.GuildID, commandRequest{Members: &req})
	if err != nil {
		return nil, err
	}
	if r.Members == nil {
		return nil, &CommandError{ShardID: id, Node: r.Node, Code: CommandFailed, Msg: "the answer holds no members"}
	}
	return r.Members, nil
}

// send asks the owner of shardID to send req and waits for its answer.
// A shard with a lease but no subscriber (its node is connecting it, or
// is dead and its lease not yet expired) is asked again until ctx ends.
func (c *Commander) send(ctx context.Context, shardID int, guildID discord.GuildID, req commandRequest) (*commandReply, error) {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.cfg.Timeout)
		defer cancel()
	}
	subject := c.n.command(shardID)
	// A context that ended already asks nothing of anyone: the caller
	// gets its error at once, not a claim about the holder it never asked.
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("cluster: command to shard %d: %w", shardID, err)
	}
	for {
		dl, _ := ctx.Deadline()
		left := time.Until(dl)
		if left <= 0 {
			return nil, fmt.Errorf("cluster: command to shard %d: %w", shardID, context.DeadlineExceeded)
		}
		// Rounded up: a timeout of 0 is "none given" to the node, which
		// would then work on the command for DefaultCommandTimeout after
		// the caller has left.
		req.Timeout = int64((left + time.Millisecond - 1) / time.Millisecond)
		data, err := json.Marshal(req)
		if err != nil {
			return nil, fmt.Errorf("cluster: encoding a command: %w", err)
		}
		m, err := c.cfg.NATS.RequestWithContext(ctx, subject, data)
		if err == nil {
			var r commandReply
			if err := json.Unmarshal(m.Data, &r); err != nil {
				return nil, fmt.Errorf("cluster: shard %d's node answered a command with %q: %w", shardID, m.Data, err)
			}
			switch r.Code {
			case "":
				return &r, nil
			case CommandStopped:
				// The shard is moving: nothing was sent, its next owner
				// takes the command.
			default:
				return nil, &CommandError{ShardID: shardID, Node: r.Node, Code: r.Code, Msg: r.Error}
			}
			if err := wait(ctx, 50*time.Millisecond); err != nil {
				// The caller's context ended while the shard moved: its
				// error, as anywhere else in the wait, and the last answer.
				return nil, fmt.Errorf("cluster: command to shard %d: %w (while its shard moved: %w)", shardID, err,
					&CommandError{ShardID: shardID, Node: r.Node, Code: CommandStopped, Msg: r.Error})
			}
			continue
		}
		if !errors.Is(err, nats.ErrNoResponders) {
			if ctx.Err() != nil {
				// Only a holder that had until the deadline to answer
				// may be dead; a caller that cancelled gave up first.
				if errors.Is(ctx.Err(), context.DeadlineExceeded) {
					holder, _ := c.holder(context.WithoutCancel(ctx), shardID)
					if holder != "" {
						return nil, &NoOwnerError{ShardID: shardID, GuildID: guildID, Node: holder, Err: ctx.Err()}
					}
				}
				return nil, fmt.Errorf("cluster: command to shard %d: %w", shardID, ctx.Err())
			}
			return nil, fmt.Errorf("cluster: command to shard %d: %w", shardID, err)
		}
		// Nobody listens: is anybody meant to?
		holder, err := c.holder(ctx, shardID)
		if err != nil {
			return nil, err
		}
		if holder == "" {
			return nil, &NoOwnerError{ShardID: shardID, GuildID: guildID}
		}
		if err := wait(ctx, 50*time.Millisecond); err != nil {
			return nil, &NoOwnerError{ShardID: shardID, GuildID: guildID, Node: holder, Err: err}
		}
	}
}

// wait waits d, or until ctx ends (its error).
func wait(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// holder is the node that holds shardID's lease, or "".
func (c *Commander) holder(ctx context.Context, shardID int) (string, error) {
	kv, err := c.bucket(ctx, &c.leases, c.n.leases())
	if err != nil {
		return "", err
	}
	oc, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	e, err := kv.Get(oc, leaseKey(shardID))
	if missing(err) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("cluster: reading shard %d's lease: %w", shardID, err)
	}
	var l lease
	if err := json.Unmarshal(e.Value(), &l); err != nil {
		return "", fmt.Errorf("cluster: shard %d's lease is not readable: %w", shardID, err)
	}
	return l.Node, nil
}

// bucket binds a bucket the nodes created, once.
func (c *Commander) bucket(ctx context.Context, kv *jetstream.KeyValue, name string) (jetstream.KeyValue, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if *kv != nil {
		return *kv, nil
	}
	oc, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	b, err := c.js.KeyValue(oc, name)
	if errors.Is(err, jetstream.ErrBucketNotFound) {
		return nil, fmt.Errorf("cluster: the bucket %s is not there: no node has run with prefix %q on this NATS: %w", name, c.cfg.Prefix, ErrNoOwner)
	}
	if err != nil {
		return nil, fmt.Errorf("cluster: opening bucket %s: %w", name, err)
	}
	*kv = b
	return b, nil
}

// shardCount is the configured shard count, or the one the live nodes
// announce in their heartbeats.
func (c *Commander) shardCount(ctx context.Context) (int, error) {
	c.mu.Lock()
	n := c.count
	c.mu.Unlock()
	if n > 0 {
		return n, nil
	}
	kv, err := c.bucket(ctx, &c.nodes, c.n.nodes())
	if err != nil {
		return 0, err
	}
	hb, err := liveNodes(ctx, kv)
	if err != nil {
		return 0, err
	}
	for _, h := range hb {
		if h.ShardCount > 0 {
			c.mu.Lock()
			c.count = h.ShardCount
			c.mu.Unlock()
			return h.ShardCount, nil
		}
	}
	return 0, fmt.Errorf("cluster: no live node says the shard count (set CommanderConfig.ShardCount): %w", ErrNoOwner)
}

// serveCommands answers commands for one shard while the node runs it.
// Each request is handled in its own goroutine, bounded by maxInFlight,
// and by the requester's deadline and ctx (cancelled when the shard
// stops).
func (nd *Node) serveCommands(ctx context.Context, shardID int, s *shard.Shard) (*nats.Subscription, error) {
	sem := make(chan struct{}, maxCommandsInFlight)
	sub, err := nd.cfg.NATS.Subscribe(nd.n.command(shardID), func(m *nats.Msg) {
		select {
		case sem <- struct{}{}:
		default:
			nd.reply(m, commandReply{Code: CommandFailed, Error: fmt.Sprintf("the node has %d commands in flight for this shard: try again later", maxCommandsInFlight)})
			return
		}
		go func() {
			defer func() { <-sem }()
			nd.reply(m, nd.runCommand(ctx, shardID, s, m.Data))
		}()
	})
	if err != nil {
		return nil, fmt.Errorf("cluster: subscribing to shard %d's commands: %w", shardID, err)
	}
	return sub, nil
}

// maxCommandTimeout bounds the time a node works on one command.
const maxCommandTimeout = time.Minute

// maxCommandsInFlight bounds the commands one shard works on at once.
const maxCommandsInFlight = 64

func (nd *Node) runCommand(ctx context.Context, shardID int, s *shard.Shard, data []byte) commandReply {
	var req commandRequest
	if err := json.Unmarshal(data, &req); err != nil {
		return commandReply{Code: CommandInvalid, Error: "the request is not a command: " + err.Error()}
	}
	// The requester's deadline, up to maxCommandTimeout: more time left
	// never gets less. None given (an older requester) is the default.
	timeout := DefaultCommandTimeout
	if req.Timeout > 0 {
		timeout = time.Duration(min(req.Timeout, maxCommandTimeout.Milliseconds())) * time.Millisecond
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var (
		err     error
		members *shard.GuildMembers
	)
	switch {
	case req.Presence != nil && req.Voice == nil && req.Members == nil:
		err = s.UpdatePresence(ctx, *req.Presence)
	case req.Voice != nil && req.Presence == nil && req.Members == nil:
		if err = req.Voice.Validate(); err == nil {
			err = s.UpdateVoiceState(ctx, *req.Voice)
		}
	case req.Members != nil && req.Presence == nil && req.Voice == nil:
		members, err = s.RequestGuildMembers(ctx, *req.Members)
	default:
		return commandReply{Code: CommandInvalid, Error: "a request carries exactly one of presence, voice and members"}
	}
	nd.log.Debug("command", "shard", shardID, "err", err)
	var tooBig *gateway.PayloadTooLargeError
	switch {
	case err == nil:
		return commandReply{Members: members}
	case errors.Is(err, discord.ErrInvalidCommand), errors.As(err, &tooBig):
		return commandReply{Code: CommandInvalid, Error: err.Error()}
	case errors.Is(err, shard.ErrClosed), errors.Is(err, context.Canceled):
		return commandReply{Code: CommandStopped, Error: "the shard stopped on this node before the command was sent: try again, its next owner sends it"}
	case errors.Is(err, context.DeadlineExceeded):
		return commandReply{Code: CommandTimeout, Error: "the shard's session was not ready, or the answer incomplete, before the deadline"}
	}
	return commandReply{Code: CommandFailed, Error: err.Error()}
}

// reply answers m, saying which node answered.
func (nd *Node) reply(m *nats.Msg, r commandReply) {
	r.Node = nd.cfg.ID
	data, _ := json.Marshal(r)
	if max := nd.cfg.NATS.MaxPayload(); max > 0 && int64(len(data)) > max {
		data, _ = json.Marshal(commandReply{Node: nd.cfg.ID, Code: CommandTooLarge,
			Error: fmt.Sprintf("the answer is %d bytes, over the NATS limit of %d: read the GUILD_MEMBERS_CHUNK events with the request's nonce from the stream", len(data), max)})
	}
	if err := m.Respond(data); err != nil {
		nd.log.Warn("answering a command failed", "err", err)
	}
}
