// Package discordtest is a fake Discord, gateway and REST (API versions 10
// and 9), that runs
// in-process, in the manner of net/http/httptest: start it, point a client
// at its URLs with its token, assert on what it recorded, close it.
//
// It enforces Discord's rules the way Discord does (bad token 4004,
// invalid and disallowed intents, bad shard, sharding required, identify
// concurrency, the session start budget, the send rate limit, payload
// size, missed heartbeats, resume replay, REST buckets and 429s) and
// records every violation. Faults can be injected on demand: op 7, op 9,
// op 1, any close code, unacknowledged heartbeats, dropped connections,
// garbage frames, 5xx answers.
//
// Its REST side knows every operation of Discord's OpenAPI spec, from
// tables generated from the spec (spec_gen.go): each request's token,
// path and query parameters and body (JSON, or multipart with
// payload_json) are checked against the operation's schema, and an
// invalid one is answered as Discord answers it (400, code 50035, the
// nested field errors), so a test catches a bad payload before Discord
// does. Operations the fake's world keeps (messages, reactions, guilds,
// members, interactions and their webhook) answer from it; the others answer the spec's
// success status with a minimal response valid against its schema. Every
// call is recorded (RESTCalls).
//
// With WithControl it also serves an HTTP control surface under /_fake/:
// the record as JSON lines and fault injection per shard, for tests in
// other processes and bots in other languages (wirecord fake turns it on).
//
// It listens on 127.0.0.1 only, unless told otherwise with WithAddr.
package discordtest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wirecord/wirecord/discord"
)

// DefaultToken is the bot token a Server accepts unless WithToken says
// otherwise. Like every token here it is fake.
const DefaultToken = "discordtest.bot.token"

// Options are the server's settings; Option functions change them.
type options struct {
	addr, resumeAddr  string
	token             string
	shards            int
	maxConcurrency    int
	sessionTotal      int
	sessionRemaining  int
	sessionResetAfter time.Duration
	heartbeatInterval time.Duration
	heartbeatGrace    time.Duration
	identifyInterval  time.Duration
	sendLimit         int
	sendWindow        time.Duration
	maxGuildsPerShard int
	sessionTTL        time.Duration
	readyDelay        time.Duration
	privileged        discord.Intents
	guilds            int
	membersPerGuild   int
	logger            *slog.Logger
	observer          func(Record)
	control           bool
	rest              restLimits
}

// Option configures a Server.
type Option func(*options)

// WithAddr listens on addr (host:port) instead of 127.0.0.1 on a random
// port. The resume listener takes the next free port on the same host.
func WithAddr(addr string) Option { return func(o *options) { o.addr = addr } }

// WithToken sets the bot token the server accepts.
func WithToken(token string) Option { return func(o *options) { o.token = token } }

// WithShards sets the shard count GET /gateway/bot recommends (default 1).
func WithShards(n int) Option { return func(o *options) { o.shards = n } }

// WithMaxConcurrency sets max_concurrency: the number of identify
// rate-limit keys (default 1).
func WithMaxConcurrency(n int) Option { return func(o *options) { o.maxConcurrency = n } }

// WithSessionStartLimit sets the daily session start budget (default 1000
// of 1000, resetting after 24 h).
func WithSessionStartLimit(total, remaining int, resetAfter time.Duration) Option {
	return func(o *options) {
		o.sessionTotal, o.sessionRemaining, o.sessionResetAfter = total, remaining, resetAfter
	}
}

// WithHeartbeatInterval sets the interval sent in Hello (default 41.25 s).
// A connection that sends no heartbeat for an interval plus the grace
// (default a quarter of the interval) is closed with 4009.
func WithHeartbeatInterval(d time.Duration) Option {
	return func(o *options) { o.heartbeatInterval = d }
}

// WithHeartbeatGrace sets how late a heartbeat may be before the
// connection is closed.
func WithHeartbeatGrace(d time.Duration) Option { return func(o *options) { o.heartbeatGrace = d } }

// WithIdentifyInterval sets the identify window per rate-limit key
// (default 5 s, as Discord).
func WithIdentifyInterval(d time.Duration) Option { return func(o *options) { o.identifyInterval = d } }

// WithSendLimit sets how many payloads a connection may send per window
// (default 120 per 60 s). Tests with short heartbeat intervals raise it.
func WithSendLimit(n int, window time.Duration) Option {
	return func(o *options) { o.sendLimit, o.sendWindow = n, window }
}

// WithMaxGuildsPerShard sets when an IDENTIFY is refused with 4011
// (default 2500).
func WithMaxGuildsPerShard(n int) Option { return func(o *options) { o.maxGuildsPerShard = n } }

// WithSessionTTL sets how long a disconnected session stays resumable
// (default 3 minutes).
func WithSessionTTL(d time.Duration) Option { return func(o *options) { o.sessionTTL = d } }

// WithPrivilegedIntents sets the privileged intents the application has
// enabled (default all three). Asking for another one closes with 4014.
func WithPrivilegedIntents(i discord.Intents) Option {
	return func(o *options) { o.privileged = i & discord.IntentsPrivileged }
}

// WithGuilds seeds the world with n guilds, each with a text channel and
// membersPerGuild simulated members.
func WithGuilds(n, membersPerGuild int) Option {
	return func(o *options) { o.guilds, o.membersPerGuild = n, membersPerGuild }
}

// WithLogger logs every record (connections, identifies, violations...).
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.logger = l } }

// WithObserver calls fn with every record as it is made.
func WithObserver(fn func(Record)) Option { return func(o *options) { o.observer = fn } }

// Server is a running fake Discord.
type Server struct {
	// URL is the base, "http://127.0.0.1:PORT".
	URL string
	// APIURL is the REST base, URL + "/api/v10": give it to a REST
	// client (or DISCORD_API).
	APIURL string
	// GatewayURL is what GET /gateway returns, "ws://127.0.0.1:PORT/".
	GatewayURL string
	// ResumeURL is the resume_gateway_url READY names: another listener.
	ResumeURL string
	// Token is the bot token the server accepts.
	Token string

	opts   options
	rec    *recorder
	world  *world
	main   net.Listener
	resume net.Listener
	httpS  *http.Server
	resS   *http.Server

	mu         sync.Mutex
	conns      map[int]*Conn
	allConns   []*Conn
	sessions   map[string]*session
	buckets    map[int]time.Time // identify rate-limit key -> last accepted IDENTIFY
	budget     int
	budgetAt   time.Time
	readyDelay time.Duration
	// guildCreateDelay holds a new session's GUILD_CREATEs after READY.
	guildCreateDelay time.Duration
	nextConn         atomic.Int64
	closed           bool

	restState *restState
	followers atomic.Int64 // GET /_fake/record?follow=1 handlers running
	wg        sync.WaitGroup
	stop      chan struct{}
}

// NewServer starts a server, panicking if it cannot listen (as
// httptest.NewServer does). Start returns the error instead.
func NewServer(opts ...Option) *Server {
	s, err := Start(opts...)
	if err != nil {
		panic(err)
	}
	return s
}

// Start starts a server.
func Start(opts ...Option) (*Server, error) {
	o := options{
		addr:              "127.0.0.1:0",
		token:             DefaultToken,
		shards:            1,
		maxConcurrency:    1,
		sessionTotal:      1000,
		sessionRemaining:  1000,
		sessionResetAfter: 24 * time.Hour,
		heartbeatInterval: 41250 * time.Millisecond,
		identifyInterval:  5 * time.Second,
		sendLimit:         120,
		sendWindow:        60 * time.Second,
		maxGuildsPerShard: 2500,
		sessionTTL:        3 * time.Minute,
		privileged:        discord.IntentsPrivileged,
		rest:              defaultRESTLimits(),
	}
	for _, f := range opts {
		f(&o)
	}
	if o.heartbeatGrace <= 0 {
		o.heartbeatGrace = o.heartbeatInterval / 4
	}
	if o.maxConcurrency < 1 {
		o.maxConcurrency = 1
	}
	main, err := net.Listen("tcp", o.addr)
	if err != nil {
		return nil, fmt.Errorf("discordtest: listen: %w", err)
	}
	host, _, _ := net.SplitHostPort(main.Addr().String())
	resumeAddr := o.resumeAddr
	if resumeAddr == "" {
		resumeAddr = net.JoinHostPort(host, "0")
	}
	resume, err := net.Listen("tcp", resumeAddr)
	if err != nil {
		main.Close()
		return nil, fmt.Errorf("discordtest: listen: %w", err)
	}
	s := &Server{
		Token:      o.token,
		opts:       o,
		rec:        newRecorder(),
		main:       main,
		resume:     resume,
		conns:      map[int]*Conn{},
		sessions:   map[string]*session{},
		buckets:    map[int]time.Time{},
		budget:     o.sessionRemaining,
		budgetAt:   time.Now().Add(o.sessionResetAfter),
		readyDelay: o.readyDelay,
		stop:       make(chan struct{}),
	}
	s.rec.observer = func(r Record) {
		if o.logger != nil {
			o.logger.Info(string(r.Kind), "conn", r.Conn, "shard", r.Shard, "detail", r.Detail)
		}
		if o.observer != nil {
			o.observer(r)
		}
	}
	s.URL = "http://" + main.Addr().String()
	s.APIURL = s.URL + "/api/v10"
	s.GatewayURL = "ws://" + main.Addr().String() + "/"
	s.ResumeURL = "ws://" + resume.Addr().String()
	s.world = newWorld(s)
	s.restState = newRESTState(s)
	s.world.seed(o.guilds, o.membersPerGuild)

	mux := http.NewServeMux()
	s.registerREST(mux)
	if o.control {
		s.registerControl(mux)
	}
	s.httpS = &http.Server{Handler: s.gatewayOr(mux, "main"), ReadHeaderTimeout: 10 * time.Second}
	s.resS = &http.Server{Handler: s.gatewayOr(http.NotFoundHandler(), "resume"), ReadHeaderTimeout: 10 * time.Second}
	s.wg.Add(2)
	go func() { defer s.wg.Done(); s.httpS.Serve(main) }()
	go func() { defer s.wg.Done(); s.resS.Serve(resume) }()
	return s, nil
}

// gatewayOr serves WebSocket upgrades as gateway connections and passes
// everything else to next.
func (s *Server) gatewayOr(next http.Handler, listener string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Upgrade") != "" {
			s.serveGateway(w, r, listener)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// Close shuts the server down: every gateway connection is dropped and the
// listeners close. It waits for the server's goroutines.
func (s *Server) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	close(s.stop)
	conns := make([]*Conn, 0, len(s.conns))
	for _, c := range s.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	s.httpS.Shutdown(ctx)
	s.resS.Shutdown(ctx)
	for _, c := range conns {
		c.Drop()
	}
	s.wg.Wait()
}

// Application returns the fake application's bot user.
func (s *Server) Application() (discord.ApplicationID, discord.User) {
	return s.world.appID, s.world.bot
}

// SetReadyDelay makes READY arrive d after a successful IDENTIFY.
func (s *Server) SetReadyDelay(d time.Duration) {
	s.mu.Lock()
	s.readyDelay = d
	s.mu.Unlock()
}

// SetRecommendedShards changes the shard count GET /gateway/bot
// recommends.
func (s *Server) SetRecommendedShards(n int) {
	s.mu.Lock()
	s.opts.shards = n
	s.mu.Unlock()
}

// ErrClosed is returned by calls on a closed server.
var ErrClosed = errors.New("discordtest: server closed")
