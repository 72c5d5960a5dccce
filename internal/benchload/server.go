package benchload

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"sync/atomic"

	"github.com/wirecord/wirecord/gateway"
	"github.com/wirecord/wirecord/internal/wsproto"
)

// Token is the bot token the server accepts; it is not a secret. Its
// first part is the application id in base64, as clients that read the id
// from the token expect.
const Token = "MTEwMDAwMDAwMDAwMDAwMDAwMQ.bench.not-a-secret"

// Server is a minimal gateway on 127.0.0.1 that sends every connection a
// pre-built Stream: HELLO at once, READY once the client has identified,
// then the events as fast as the client reads them, once released. It
// answers GET /api/v10/gateway(/bot) for clients that ask for the URL. It
// does no work per event, so the process's CPU during a run is the
// client's own.
type Server struct {
	// URL is the gateway URL (ws://127.0.0.1:port/), APIURL the REST base
	// (http://127.0.0.1:port/api/v10).
	URL, APIURL string

	ln  net.Listener
	srv *http.Server

	mu      sync.Mutex
	streams []*Stream // by shard id; a single stream serves every shard
	gate    chan struct{}
	shards  int
	conns   map[net.Conn]struct{}
	err     error

	connections atomic.Int64
	identifies  atomic.Int64
	wg          sync.WaitGroup
}

// NewServer starts a server on a free port of 127.0.0.1.
func NewServer() (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("benchload: listen on 127.0.0.1: %w", err)
	}
	s := &Server{ln: ln, URL: "ws://" + ln.Addr().String() + "/", APIURL: "http://" + ln.Addr().String() + "/api/v10",
		conns: map[net.Conn]struct{}{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/{version}/gateway", s.serveGatewayURL)
	mux.HandleFunc("GET /api/{version}/gateway/bot", s.serveGatewayURL)
	mux.HandleFunc("GET /", s.serveGateway)
	s.srv = &http.Server{Handler: mux}
	go s.srv.Serve(ln)
	return s, nil
}

// serve makes new connections receive streams[shard] (streams[0] when
// there is one); the events part waits for release when gated. shards is
// what GET /gateway/bot says. Every stream starts with the same HELLO.
func (s *Server) serve(streams []*Stream, gated bool, shards int) (release func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.streams, s.shards, s.err = streams, shards, nil
	s.gate = make(chan struct{})
	s.connections.Store(0)
	s.identifies.Store(0)
	var once sync.Once
	gate := s.gate
	release = func() { once.Do(func() { close(gate) }) }
	if !gated {
		release()
	}
	return release
}

// fail records the first thing a client did wrong.
func (s *Server) fail(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err == nil {
		s.err = err
	}
}

// problem returns what went wrong on the server's side of the current run.
func (s *Server) problem() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// dropAll closes every open connection, between runs.
func (s *Server) dropAll() {
	s.mu.Lock()
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

// Close stops the server and closes every connection.
func (s *Server) Close() error {
	err := s.srv.Close()
	s.dropAll()
	return err
}

func (s *Server) serveGatewayURL(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	shards := max(s.shards, 1)
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"url": s.URL, "shards": shards,
		"session_start_limit": map[string]int{"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": max(shards, 1)}})
}

func (s *Server) serveGateway(w http.ResponseWriter, r *http.Request) {
	key, err := wsproto.CheckUpgradeRequest(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	streams, gate := s.streams, s.gate
	s.mu.Unlock()
	if len(streams) == 0 {
		http.Error(w, "benchload: no stream is being served", http.StatusServiceUnavailable)
		return
	}
	q := r.URL.Query()
	comp := gateway.Compression(q.Get("compress"))
	if comp == "" {
		comp = gateway.CompressNone
	}
	st := streams[0]
	if comp != st.Compression || (q.Get("encoding") != "" && q.Get("encoding") != "json") {
		err := fmt.Errorf("benchload: client asked for compress=%q encoding=%q; this run serves %s with json",
			q.Get("compress"), q.Get("encoding"), st.Compression)
		s.fail(err)
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	conn, brw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return
	}
	s.mu.Lock()
	s.conns[conn] = struct{}{}
	s.wg.Add(1)
	s.mu.Unlock()
	s.connections.Add(1)
	defer func() {
		s.mu.Lock()
		delete(s.conns, conn)
		s.mu.Unlock()
		conn.Close()
		s.wg.Done()
	}()
	if _, err := conn.Write(wsproto.AppendUpgradeResponse(nil, key, nil)); err != nil {
		return
	}
	if _, err := conn.Write(st.hello); err != nil {
		return
	}
	identified := make(chan int, 1)
	readDone := make(chan struct{})
	go func() {
		defer close(readDone)
		s.readClient(brw.Reader, identified)
		conn.Close()
	}()
	select {
	case id := <-identified:
		if len(streams) > 1 {
			if id < 0 || id >= len(streams) {
				s.fail(fmt.Errorf("benchload: client identified as shard %d of a run of %d shards", id, len(streams)))
				return
			}
			st = streams[id]
		}
	case <-readDone:
		return
	}
	if _, err := conn.Write(st.ready); err != nil {
		return
	}
	select {
	case <-gate:
	case <-readDone:
		return
	}
	if _, err := conn.Write(st.events); err != nil {
		return
	}
	<-readDone
}

// readClient reads the client's frames until the connection ends, sending
// the shard id of the first IDENTIFY to identified. Heartbeats are read and not
// answered: the stream has no room for ACKs, and HELLO's interval is
// longer than a run.
func (s *Server) readClient(br *bufio.Reader, identified chan<- int) {
	rd := wsproto.Reader{Role: wsproto.Server}
	buf := make([]byte, 4096)
	once := false
	for {
		n, err := br.Read(buf)
		if n > 0 {
			rd.Feed(buf[:n])
			for {
				m, ok, perr := rd.Next()
				if perr != nil {
					s.fail(fmt.Errorf("benchload: client sent a bad frame: %w", perr))
					return
				}
				if !ok {
					break
				}
				if m.Op == wsproto.OpClose {
					return
				}
				var p struct {
					Op int `json:"op"`
					D  struct {
						Shard []int `json:"shard"`
					} `json:"d"`
				}
				if (m.Op == wsproto.OpText || m.Op == wsproto.OpBinary) && json.Unmarshal(m.Payload, &p) == nil && p.Op == 2 && !once {
					once = true
					s.identifies.Add(1)
					id := 0
					if len(p.D.Shard) == 2 {
						id = p.D.Shard[0]
					}
					identified <- id
				}
			}
		}
		if err != nil {
			return
		}
	}
}

// errServer is returned when the server saw more connections or
// IDENTIFYs than the run expected: a client reconnected mid-run.
var errServer = errors.New("benchload: the client reconnected during the run; its figures would mix two connections")

// check reports a client that reconnected or asked for the wrong stream.
func (s *Server) check(ctx context.Context, shards int) error {
	if err := s.problem(); err != nil {
		return err
	}
	if c := s.connections.Load(); c > int64(shards) {
		return fmt.Errorf("%w (%d connections for %d shards)", errServer, c, shards)
	}
	return nil
}
