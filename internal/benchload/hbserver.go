package benchload

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wirecord/wirecord/internal/benchload/payload"
	"github.com/wirecord/wirecord/internal/wsproto"
)

// hbServer is the gateway RunHeartbeat measures against: one connection,
// uncompressed, HELLO with a short interval, READY on IDENTIFY, an ACK for
// every heartbeat, RESUMED on RESUME, and, while streaming, MESSAGE_CREATEs. It does as
// little per event as it can (a frame built around pre-encoded d), and an
// ACK goes out before the next event: what an ACK then waits for is what
// is already in the socket ahead of it, which the client must get
// through. The full fake Discord was measured here before; it records and
// keeps every event for replay, and at a few tens of µs an event its own
// queue, not the client, held the ACKs back.
type hbServer struct {
	URL string

	ln       net.Listener
	srv      *http.Server
	hello    []byte // the HELLO frame
	msgs     []json.RawMessage
	inFlight chan struct{} // a token per event sent and not yet handled

	legsMu sync.Mutex
	legs   []hbLeg // a heartbeat's reading and its ACK's writing, in order

	mu     sync.Mutex    // guards starting a connection against Close
	seq    atomic.Int64  // the last sequence sent
	stream chan struct{} // closed while streaming
	stop   chan struct{} // closed to end streaming
	wg     sync.WaitGroup
	closed chan struct{}
}

func newHBServer(intervalMs int, msgs []json.RawMessage, window int) (*hbServer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("benchload: listen on 127.0.0.1: %w", err)
	}
	hello := `{"t":null,"s":null,"op":10,"d":{"heartbeat_interval":` + strconv.Itoa(intervalMs) + `}}`
	s := &hbServer{URL: "ws://" + ln.Addr().String() + "/", ln: ln,
		hello: wsproto.AppendFrame(nil, wsproto.OpText, true, []byte(hello), nil),
		msgs:  msgs, inFlight: make(chan struct{}, window),
		stream: make(chan struct{}), stop: make(chan struct{}), closed: make(chan struct{})}
	s.srv = &http.Server{Handler: http.HandlerFunc(s.serve)}
	go s.srv.Serve(ln)
	return s, nil
}

// handled returns one event's token: the client has handled it.
func (s *hbServer) handled() {
	select {
	case <-s.inFlight:
	default:
	}
}

// startStreaming and stopStreaming bracket the streaming phase.
func (s *hbServer) startStreaming() { close(s.stream) }
func (s *hbServer) stopStreaming()  { close(s.stop) }

// Close stops the server and waits for its connections to end.
func (s *hbServer) Close() {
	s.mu.Lock()
	close(s.closed)
	s.mu.Unlock()
	s.srv.Close()
	s.wg.Wait()
}

func (s *hbServer) serve(w http.ResponseWriter, r *http.Request) {
	key, err := wsproto.CheckUpgradeRequest(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	conn, brw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return
	}
	defer conn.Close()
	// Counted under the lock Close takes: once Close has begun, no
	// connection starts.
	s.mu.Lock()
	select {
	case <-s.closed:
		s.mu.Unlock()
		return
	default:
	}
	s.wg.Add(1)
	s.mu.Unlock()
	defer s.wg.Done()
	if _, err := conn.Write(append(wsproto.AppendUpgradeResponse(nil, key, nil), s.hello...)); err != nil {
		return
	}
	identified := make(chan int, 1) // the op: 2 IDENTIFY, 6 RESUME
	acks := make(chan int64, 16)    // when each heartbeat was read
	readDone := make(chan struct{})
	go func() {
		defer close(readDone)
		hbReadClient(brw.Reader, identified, acks)
	}()

	ack := wsproto.AppendFrame(nil, wsproto.OpText, true, []byte(`{"op":11}`), nil)
	var buf, frame []byte
	var events chan struct{} // nil until identified and streaming
	stream, stop := s.stream, s.stop
	for {
		// An ACK goes before any event.
		select {
		case read := <-acks:
			if !s.writeAck(conn, ack, read) {
				return
			}
			continue
		default:
		}
		select {
		case read := <-acks:
			if !s.writeAck(conn, ack, read) {
				return
			}
		case op := <-identified:
			// A RESUME (after a reconnect the result counts) goes on
			// from the last sequence sent, with nothing to replay: the
			// events not handled were dropped with the old connection's
			// tokens.
			p := []byte(`{"op":0,"s":null,"t":"RESUMED","d":{}}`)
			if op == 2 {
				s.seq.Store(1)
				p = payload.Ready(0, 1, nil, s.URL)
			}
			if _, err := conn.Write(wsproto.AppendFrame(nil, wsproto.OpText, true, p, nil)); err != nil {
				return
			}
		case <-stream:
			stream = nil
			if stop != nil {
				events = s.inFlight
			}
		case <-stop:
			stream, stop, events = nil, nil, nil
		case events <- struct{}{}:
			seq := s.seq.Add(1)
			buf = append(buf[:0], `{"op":0,"s":`...)
			buf = strconv.AppendInt(buf, seq, 10)
			buf = append(buf, `,"t":"MESSAGE_CREATE","d":`...)
			buf = append(buf, s.msgs[seq%int64(len(s.msgs))]...)
			buf = append(buf, '}')
			frame = wsproto.AppendFrame(frame[:0], wsproto.OpText, true, buf, nil)
			if _, err := conn.Write(frame); err != nil {
				return
			}
		case <-readDone:
			return
		case <-s.closed:
			return
		}
	}
}

// maxLegs bounds the legs kept: a run's heartbeats, many times over.
const maxLegs = 1 << 16

// writeAck writes an ACK for the heartbeat read at read (Unix ns) and
// records the two times. The write is timed as it starts: the client can
// read the ACK before the write returns, and a leg must end before the
// next one starts.
func (s *hbServer) writeAck(conn net.Conn, ack []byte, read int64) bool {
	written := time.Now().UnixNano()
	if _, err := conn.Write(ack); err != nil {
		return false
	}
	s.legsMu.Lock()
	if len(s.legs) < maxLegs {
		s.legs = append(s.legs, hbLeg{Read: read, Written: written})
	}
	s.legsMu.Unlock()
	return true
}

// recordedLegs returns the legs recorded so far.
func (s *hbServer) recordedLegs(context.Context) ([]hbLeg, error) {
	s.legsMu.Lock()
	defer s.legsMu.Unlock()
	return slices.Clone(s.legs), nil
}

// hbReadClient reads the client's frames: IDENTIFY signals identified,
// each heartbeat asks for an ACK, with the time it was read.
func hbReadClient(br *bufio.Reader, identified chan<- int, acks chan<- int64) {
	rd := wsproto.Reader{Role: wsproto.Server}
	buf := make([]byte, 4096)
	for {
		n, err := br.Read(buf)
		rd.Feed(buf[:n])
		for {
			m, ok, perr := rd.Next()
			if perr != nil || (ok && m.Op == wsproto.OpClose) {
				return
			}
			if !ok {
				break
			}
			var p struct {
				Op int `json:"op"`
			}
			if json.Unmarshal(m.Payload, &p) != nil {
				return
			}
			switch p.Op {
			case 1:
				acks <- time.Now().UnixNano()
			case 2, 6:
				select {
				case identified <- p.Op:
				default:
				}
			}
		}
		if err != nil {
			return
		}
	}
}
