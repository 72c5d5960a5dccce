package benchload

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/wirecord/wirecord/gateway"
)

// Client is one gateway client under test. Run connects Session.Shards
// shards to Session.URL with Session.Compression and JSON, calls
// Session.Ready once every shard has processed READY, hands every
// MESSAGE_CREATE (and, in a shard run, every GUILD_CREATE) to a typed
// handler that calls Session.Deliver with what it read, and returns when
// ctx ends.
type Client struct {
	Name string
	// Compressions are the ones the client speaks; nil means all three.
	Compressions []gateway.Compression
	// Floor marks a yardstick (floor-inflate, floor-decode) rather than a
	// library: the report shows other clients as ratios to floor-decode.
	Floor bool
	Run   func(ctx context.Context, s *Session) error
}

// Supports reports whether c speaks comp.
func (c Client) Supports(comp gateway.Compression) bool {
	return c.Compressions == nil || slices.Contains(c.Compressions, comp)
}

// Session is what a client under test is given for one run.
type Session struct {
	// URL is the gateway URL (ws://127.0.0.1:port/); APIURL the REST base
	// for clients that ask GET /gateway/bot for it; Token the token.
	URL, APIURL, Token string
	Compression        gateway.Compression
	// Shards is how many shards to run (ids 0..Shards-1 of Shards).
	Shards int
	// Want is how many deliveries end the run.
	Want int

	// ends are the event boundaries in the decompressed events, for a
	// client that counts bytes (EventsIn).
	ends []int64

	delivered atomic.Int64
	content   atomic.Int64
	readyN    atomic.Int64
	ready     chan struct{}
	readyOnce sync.Once
	done      chan struct{}
	doneOnce  sync.Once
}

func newSession(srv *Server, st *Stream, shards, want int) *Session {
	return &Session{URL: srv.URL, APIURL: srv.APIURL, Token: Token, Compression: st.Compression,
		Shards: shards, Want: want, ends: st.ends, ready: make(chan struct{}), done: make(chan struct{})}
}

// Ready says that every shard has processed READY. Calling it more than
// once is harmless.
func (s *Session) Ready() { s.readyOnce.Do(func() { close(s.ready) }) }

// ShardReady counts one shard's READY, and calls Ready at the last.
func (s *Session) ShardReady() {
	if s.readyN.Add(1) == int64(s.Shards) {
		s.Ready()
	}
}

// Deliver counts one event handed to user code, with the content (or
// name) the handler read from it.
func (s *Session) Deliver(content string) {
	s.content.Add(int64(len(content)))
	if s.delivered.Add(1) == int64(s.Want) {
		s.doneOnce.Do(func() { close(s.done) })
	}
}

// DeliverN counts n events at once, for a floor that does not split the
// stream into messages.
func (s *Session) DeliverN(n int) {
	if n <= 0 {
		return
	}
	if s.delivered.Add(int64(n)) >= int64(s.Want) {
		s.doneOnce.Do(func() { close(s.done) })
	}
}

// EventsIn returns how many whole events the first n decompressed bytes
// of the events hold.
func (s *Session) EventsIn(n int64) int {
	i, _ := slices.BinarySearch(s.ends, n+1)
	return i
}

// Delivered returns the deliveries so far.
func (s *Session) Delivered() int64 { return s.delivered.Load() }
