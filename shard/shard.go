package shard

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wirecord/wirecord/discord"
	"github.com/wirecord/wirecord/gateway"
)

// Dialer opens network connections. *net.Dialer satisfies it, and so do
// proxy dialers (golang.org/x/net/proxy's ContextDialer).
type Dialer interface {
	DialContext(ctx context.Context, network, address string) (net.Conn, error)
}

// Defaults for the zero values of Config.
const (
	DefaultEventBuffer  = 256
	DefaultWriteTimeout = 10 * time.Second
	DefaultDialTimeout  = 30 * time.Second
	// A connection reads into two buffers of readBufferSize; one that a
	// read fills is replaced by one twice its size, up to maxReadBuffer,
	// so a shard streaming events makes a system call per 64 KiB rather
	// than per 16 KiB, and an idle one goes back to the small size.
	readBufferSize = 16 << 10
	maxReadBuffer  = 64 << 10
)

// ErrClosed is returned by commands on a shard that has stopped.
var ErrClosed = errors.New("shard: closed")

// Config configures a Shard. Gateway.Token is required; every other zero
// value means the documented default.
type Config struct {
	// Gateway configures the protocol engine: token, intents, shard id and
	// count, encoding, compression, initial presence, a session to resume.
	Gateway gateway.Config

	// Dialer opens the TCP connection. Default: a net.Dialer with a 30 s
	// timeout. Use a proxy dialer here.
	Dialer Dialer

	// TLSConfig is used for wss URLs. Default: the system roots, with the
	// URL's host as ServerName. Certificate verification is never turned
	// off by wirecord; a config that turns it off is the caller's choice.
	TLSConfig *tls.Config

	// Queue grants permission to IDENTIFY. Default: a LocalQueue with
	// max_concurrency 1. Shards of one bot must share a queue.
	Queue IdentifyQueue

	// Logger receives the shard's log lines, each with the shard id.
	// Default: discard (quiet by default).
	Logger *slog.Logger

	// Metrics receives measurements. Default: none.
	Metrics Metrics

	// EventBuffer is the capacity of the event queue between the
	// connection and user code. When it is full the shard stops reading the
	// socket (events wait in the kernel and at Discord) but keeps
	// heartbeating; nothing is dropped. Default DefaultEventBuffer.
	EventBuffer int

	// WriteTimeout bounds one write to the socket. Default 10 s.
	WriteTimeout time.Duration
}

// LogValue logs the configuration without the token (see
// gateway.Config.LogValue).
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.Any("gateway", c.Gateway),
		slog.Int("event_buffer", c.EventBuffer),
		slog.Duration("write_timeout", c.WriteTimeout),
	)
}

// Shard runs one gateway connection and its session for as long as it
// lives: it dials, drives the engine, reconnects, resumes and stops as the
// engine decides, and delivers every event in order on Events.
//
// One goroutine (Run's) owns the engine; reading, writing, timers,
// commands and identify permissions all feed it. A slow consumer of Events
// never delays a heartbeat.
type Shard struct {
	cfg    Config
	id     int
	engine *gateway.Engine
	log    *slog.Logger
	dialer Dialer

	events   chan Event
	cmds     chan *command
	closeReq chan gateway.CloseMode
	done     chan struct{}

	// abortC is closed by Abort; liveConn is the connection the loop has
	// open, for Abort to drop even while the loop is held up in a write.
	abortC    chan struct{}
	abortOnce sync.Once
	connMu    sync.Mutex
	liveConn  net.Conn
	started   atomic.Bool
	err       error

	// begun is closed once the shard has its first session under way: its
	// IDENTIFY was granted, it is resuming, or it stopped.
	begun     chan struct{}
	beginOnce sync.Once

	state   atomic.Int32
	latency atomic.Int64
	seq     atomic.Int64
	depth   atomic.Int64
	session atomic.Pointer[gateway.SessionState]

	requests requests // owner-only
}

// New returns a shard for cfg. It does not connect; call Run.
func New(cfg Config) (*Shard, error) {
	eng, err := gateway.New(cfg.Gateway)
	if err != nil {
		return nil, err
	}
	if cfg.EventBuffer <= 0 {
		cfg.EventBuffer = DefaultEventBuffer
	}
	if cfg.WriteTimeout <= 0 {
		cfg.WriteTimeout = DefaultWriteTimeout
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Metrics == nil {
		cfg.Metrics = nopMetrics{}
	}
	if cfg.Queue == nil {
		cfg.Queue = NewLocalQueue(1)
	}
	s := &Shard{
		cfg:      cfg,
		id:       cfg.Gateway.ShardID,
		engine:   eng,
		log:      cfg.Logger.With("shard", cfg.Gateway.ShardID),
		dialer:   cfg.Dialer,
		events:   make(chan Event, cfg.EventBuffer),
		cmds:     make(chan *command),
		closeReq: make(chan gateway.CloseMode, 1),
		done:     make(chan struct{}),
		abortC:   make(chan struct{}),
		begun:    make(chan struct{}),
	}
	if s.dialer == nil {
		s.dialer = &net.Dialer{Timeout: DefaultDialTimeout, KeepAlive: 30 * time.Second}
	}
	if sess, ok := eng.Session(); ok {
		s.session.Store(&sess)
		s.seq.Store(sess.Seq)
	}
	return s, nil
}

// ID returns the shard id.
func (s *Shard) ID() int { return s.id }

// Events returns the shard's events, in order. It must be drained: when
// it is full the shard stops reading from Discord. It is closed after Run
// returns, the last event being a *Stopped.
func (s *Shard) Events() <-chan Event { return s.events }

// State returns where the connection is: connecting, identifying,
// resuming, ready, closing, stopped (or disconnected, between connections).
func (s *Shard) State() gateway.State { return gateway.State(s.state.Load()) }

// Latency returns the round trip of the last acknowledged heartbeat.
func (s *Shard) Latency() time.Duration { return time.Duration(s.latency.Load()) }

// Seq returns the last sequence number received.
func (s *Shard) Seq() int64 { return s.seq.Load() }

// QueueDepth returns how many events wait for user code.
func (s *Shard) QueueDepth() int { return int(s.depth.Load()) }

// Session returns the session, when there is one that can be resumed. After
// Close with gateway.CloseKeepSession, hand it to a new Shard
// (Config.Gateway.Session) to resume there.
func (s *Shard) Session() (gateway.SessionState, bool) {
	p := s.session.Load()
	if p == nil {
		return gateway.SessionState{}, false
	}
	return *p, true
}

// SessionID returns the current session's id, or "".
func (s *Shard) SessionID() string {
	st, _ := s.Session()
	return st.ID
}

// Done is closed when Run has returned.
func (s *Shard) Done() <-chan struct{} { return s.done }

// Err returns why the shard stopped, once Done is closed: nil after Close
// or a cancelled context, otherwise the fatal error.
func (s *Shard) Err() error {
	select {
	case <-s.done:
		return s.err
	default:
		return nil
	}
}

// Close stops the shard gracefully: with gateway.CloseEndSession Discord
// ends the session (the bot shows offline at once); with
// gateway.CloseKeepSession the session stays resumable for a few minutes,
// and Session returns it. Close waits for Run to return or ctx to end.
func (s *Shard) Close(ctx context.Context, mode gateway.CloseMode) error {
	s.requestClose(mode)
	if !s.started.Load() {
		return nil
	}
	select {
	case <-s.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Abort stops the shard at once and keeps its session resumable: it
// drops the connection without a close frame, as a network failure
// would, and Discord keeps a session whose connection failed resumable
// (for a few minutes), where a close with 1000 would end it. Session
// returns the session afterwards. It is the hard stop for when a
// graceful Close takes too long but the connection must be gone now,
// because another process is about to resume the session. Abort does
// not wait: Done is closed once Run has returned, after the events
// already received are handed to Events.
func (s *Shard) Abort() {
	s.abortOnce.Do(func() {
		close(s.abortC)
		s.connMu.Lock()
		if s.liveConn != nil {
			s.liveConn.Close()
		}
		s.connMu.Unlock()
	})
}

// setConn records the connection the loop has open (nil: none). A
// connection set after Abort is closed at once.
func (s *Shard) setConn(c net.Conn) {
	s.connMu.Lock()
	defer s.connMu.Unlock()
	s.liveConn = c
	select {
	case <-s.abortC:
		if c != nil {
			c.Close()
		}
	default:
	}
}

// Run connects and keeps the shard connected until it stops: after Close
// or Abort (nil), when ctx is cancelled (the session is ended, nil), or on a fatal
// close code (the *gateway.CloseError, also delivered as a *Stopped
// event). Run returns once every event has been handed to Events.
func (s *Shard) Run(ctx context.Context) error {
	if !s.started.CompareAndSwap(false, true) {
		return errors.New("shard: Run called twice")
	}
	defer close(s.done)
	defer close(s.events)
	l := loop{s: s, e: s.engine}
	s.err = l.run(ctx)
	return s.err
}

func (s *Shard) markBegun() { s.beginOnce.Do(func() { close(s.begun) }) }

// requestClose asks the shard to close, without waiting.
func (s *Shard) requestClose(mode gateway.CloseMode) {
	select {
	case s.closeReq <- mode:
	default: // a close is already requested
	}
}

// dialResult is the outcome of one dial.
type dialResult struct {
	conn net.Conn
	err  error
}

func (s *Shard) dial(ctx context.Context, t gateway.Target) (net.Conn, error) {
	conn, err := s.dialer.DialContext(ctx, "tcp", t.Addr)
	if err != nil {
		return nil, err
	}
	if !t.TLS {
		return conn, nil
	}
	var tc *tls.Config
	if s.cfg.TLSConfig != nil {
		tc = s.cfg.TLSConfig.Clone()
	} else {
		tc = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	if tc.ServerName == "" {
		tc.ServerName = t.ServerName
	}
	tlsConn := tls.Client(conn, tc)
	if err := tlsConn.HandshakeContext(ctx); err != nil {
		conn.Close()
		return nil, fmt.Errorf("tls handshake with %s: %w", t.ServerName, err)
	}
	return tlsConn, nil
}

// Send sends a gateway command (presence, voice state, ...). It waits while
// the session is not ready or the connection's send budget is spent, until
// ctx ends, and returns once the command is written. A command over 4096
// bytes fails at once with *gateway.PayloadTooLargeError.
func (s *Shard) Send(ctx context.Context, cmd discord.Command) error {
	c := &command{ctx: ctx, cmd: cmd, done: make(chan error, 1)}
	return s.submit(ctx, c)
}

func (s *Shard) submit(ctx context.Context, c *command) error {
	select {
	case s.cmds <- c:
	case <-ctx.Done():
		return ctx.Err()
	case <-s.done:
		return ErrClosed
	}
	select {
	case err := <-c.done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// UpdatePresence sets the bot's presence on this shard's session. It is
// also used for the next IDENTIFY.
func (s *Shard) UpdatePresence(ctx context.Context, p discord.UpdatePresence) error {
	if p.Activities == nil {
		p.Activities = []discord.Activity{}
	}
	return s.Send(ctx, p)
}

// UpdateVoiceState joins, moves or leaves (zero ChannelID) a voice channel.
func (s *Shard) UpdateVoiceState(ctx context.Context, v discord.UpdateVoiceState) error {
	return s.Send(ctx, v)
}

// command is a Send waiting in the owner goroutine.
type command struct {
	ctx  context.Context
	cmd  discord.Command
	done chan error
	// notBefore delays a resend (after RATE_LIMITED).
	notBefore time.Time
	// members and sounds are set for commands whose answer comes back as
	// dispatches.
	members *memberRequest
	sounds  *soundRequest
}
