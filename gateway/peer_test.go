package gateway

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/wirecord/wirecord/discord"
	"github.com/wirecord/wirecord/internal/compress"
	"github.com/wirecord/wirecord/internal/etf"
	"github.com/wirecord/wirecord/internal/wsproto"
)

// peer is a scripted Discord for engine tests: it produces exactly the
// bytes Discord would send, reads what the engine writes, and moves a fake
// clock. Nothing here touches a socket or the real clock.
type peer struct {
	t   testing.TB
	e   *Engine
	cfg Config
	now time.Time

	enc interface {
		Encode(dst, payload []byte) []byte
		Reset()
	}
	srv     wsproto.Reader
	request *http.Request

	// What the engine wrote, decoded.
	sent   []clientPayload
	closes []uint16
	pongs  [][]byte
	// raw output since the last flush, for byte-level assertions
	wire []byte
}

type clientPayload struct {
	Op discord.Opcode  `json:"op"`
	D  json.RawMessage `json:"d"`
	At time.Time       `json:"-"`
	op wsproto.Opcode  // the frame type it came in
}

var epoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// testConfig is a Config with deterministic randomness.
func testConfig() Config {
	return Config{
		URL:         "wss://gateway.test/",
		Token:       discord.NewToken("test-token-must-not-leak"),
		Intents:     discord.IntentGuilds | discord.IntentGuildMessages,
		Compression: CompressNone,
		// The scripted READY resumes at resume.test.
		ResumeHosts: []string{"*.test"},
		Rand:        func() float64 { return 0.5 },
		Entropy:     rand.NewChaCha8([32]byte{1, 2, 3}),
	}
}

func newPeer(t testing.TB, cfg Config) *peer {
	t.Helper()
	e, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	p := &peer{t: t, e: e, cfg: cfg, now: epoch}
	p.srv = wsproto.Reader{Role: wsproto.Server, MaxMessageSize: 1 << 20}
	switch cfg.Compression {
	case CompressZlib, "":
		p.enc = compress.NewZlibStreamEncoder(-1)
	case CompressZstd:
		z, err := compress.NewZstdStreamEncoder(0)
		if err != nil {
			t.Fatal(err)
		}
		p.enc = z
	}
	return p
}

// connect calls Connect and reads the upgrade request.
func (p *peer) connect() Target {
	p.t.Helper()
	tg, err := p.e.Connect(p.now)
	if err != nil {
		p.t.Fatalf("Connect: %v", err)
	}
	out := p.e.Output()
	req, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(out)))
	if err != nil {
		p.t.Fatalf("upgrade request: %v\n%s", err, out)
	}
	p.request = req
	p.srv.Reset()
	if p.enc != nil {
		p.enc.Reset()
	}
	return tg
}

// accept answers the upgrade with 101.
func (p *peer) accept() {
	p.t.Helper()
	key, err := wsproto.CheckUpgradeRequest(p.request)
	if err != nil {
		p.t.Fatalf("upgrade request: %v", err)
	}
	p.receive(wsproto.AppendUpgradeResponse(nil, key, nil))
}

// open connects, accepts and says hello with the interval.
func (p *peer) open(interval time.Duration) {
	p.t.Helper()
	p.connect()
	p.accept()
	p.send(`{"op":10,"d":{"heartbeat_interval":` + itoa(int64(interval/time.Millisecond)) + `},"s":null,"t":null}`)
}

// ready opens a connection and completes IDENTIFY and READY.
func (p *peer) ready(interval time.Duration, sessionID string) {
	p.t.Helper()
	p.open(interval)
	if err := p.e.Identify(p.now); err != nil {
		p.t.Fatalf("Identify: %v", err)
	}
	p.flush()
	if got := p.lastSent().Op; got != discord.OpIdentify {
		p.t.Fatalf("after Identify the engine sent op %v, want IDENTIFY", got)
	}
	p.dispatch(1, "READY", `{"v":10,"session_id":"`+sessionID+`","resume_gateway_url":"wss://resume.test/","user":{"id":"1","username":"bot"},"guilds":[]}`)
}

func itoa(n int64) string { return string(appendInt(nil, n)) }

func (p *peer) receive(b []byte) {
	p.t.Helper()
	if err := p.e.Receive(p.now, b); err != nil {
		p.t.Fatalf("Receive: %v", err)
	}
}

// frame wraps a payload the way Discord would: encoding, compression, a
// single WebSocket frame.
func (p *peer) frame(payload string) []byte {
	p.t.Helper()
	b := p.wirePayload(payload)
	op := wsproto.OpText
	if p.enc != nil || p.cfg.Encoding == EncodingETF {
		op = wsproto.OpBinary
	}
	return wsproto.AppendFrame(nil, op, true, b, nil)
}

func (p *peer) wirePayload(payload string) []byte {
	p.t.Helper()
	b := []byte(payload)
	if p.cfg.Encoding == EncodingETF {
		var err error
		if b, err = etf.FromJSON(nil, b); err != nil {
			p.t.Fatalf("etf: %v", err)
		}
	}
	if p.enc != nil {
		b = p.enc.Encode(nil, b)
	}
	return b
}

func (p *peer) send(payload string) { p.t.Helper(); p.receive(p.frame(payload)) }

func (p *peer) dispatch(seq int64, name, d string) {
	p.t.Helper()
	p.send(`{"op":0,"s":` + itoa(seq) + `,"t":"` + name + `","d":` + d + `}`)
}

// closeFrame sends a close frame with code.
func (p *peer) closeFrame(code uint16, reason string) {
	p.t.Helper()
	p.receive(wsproto.AppendClose(nil, code, reason, nil))
}

// flush reads everything the engine wrote since the last flush.
func (p *peer) flush() {
	p.t.Helper()
	out := p.e.Output()
	p.wire = append(p.wire[:0], out...)
	p.srv.Feed(out)
	for {
		m, ok, err := p.srv.Next()
		if err != nil {
			p.t.Fatalf("engine wrote a bad frame: %v", err)
		}
		if !ok {
			return
		}
		switch m.Op {
		case wsproto.OpClose:
			code, _, err := wsproto.ParseClose(m.Payload)
			if err != nil {
				p.t.Fatalf("bad close frame: %v", err)
			}
			p.closes = append(p.closes, code)
		case wsproto.OpPong:
			p.pongs = append(p.pongs, append([]byte(nil), m.Payload...))
		case wsproto.OpText, wsproto.OpBinary:
			js := m.Payload
			if p.cfg.Encoding == EncodingETF {
				if m.Op != wsproto.OpBinary {
					p.t.Fatalf("ETF payload sent in a text frame")
				}
				var err error
				if js, err = etf.ToJSON(nil, m.Payload); err != nil {
					p.t.Fatalf("engine sent bad ETF: %v", err)
				}
			}
			var cp clientPayload
			if err := json.Unmarshal(js, &cp); err != nil {
				p.t.Fatalf("engine sent bad JSON %q: %v", js, err)
			}
			cp.At, cp.op = p.now, m.Op
			p.sent = append(p.sent, cp)
		}
	}
}

func (p *peer) lastSent() clientPayload {
	p.t.Helper()
	if len(p.sent) == 0 {
		p.t.Fatalf("the engine sent nothing")
	}
	return p.sent[len(p.sent)-1]
}

// sentOps lists the ops the engine sent since index from.
func (p *peer) sentOps(from int) []discord.Opcode {
	var ops []discord.Opcode
	for _, s := range p.sent[from:] {
		ops = append(ops, s.Op)
	}
	return ops
}

// advance moves the clock forward by d, running every deadline that falls
// inside in order, the way a driver's timer would.
func (p *peer) advance(d time.Duration) {
	p.t.Helper()
	end := p.now.Add(d)
	for i := 0; ; i++ {
		if i > 100000 {
			p.t.Fatalf("advance: deadlines do not move forward")
		}
		dl, ok := p.e.Deadline()
		if !ok || dl.After(end) || p.e.State() == StateDisconnected || p.e.State() == StateStopped {
			break
		}
		if dl.After(p.now) {
			p.now = dl
		}
		p.e.HandleTimeout(p.now)
		p.flush()
	}
	p.now = end
}

// events drains the engine's events.
func (p *peer) events() []Event {
	var evs []Event
	for {
		ev, ok := p.e.NextEvent()
		if !ok {
			return evs
		}
		evs = append(evs, ev)
	}
}

// eventOf returns the last event of type T in evs.
func eventOf[T Event](evs []Event) (T, bool) {
	var zero T
	for i := len(evs) - 1; i >= 0; i-- {
		if ev, ok := evs[i].(T); ok {
			return ev, true
		}
	}
	return zero, false
}

func mustEvent[T Event](t *testing.T, evs []Event) T {
	t.Helper()
	ev, ok := eventOf[T](evs)
	if !ok {
		var zero T
		t.Fatalf("no %T among %d events: %s", zero, len(evs), describe(evs))
	}
	return ev
}

func describe(evs []Event) string {
	var b strings.Builder
	for _, ev := range evs {
		fmt.Fprintf(&b, "%T ", ev)
	}
	return strings.ReplaceAll(b.String(), "*gateway.", "")
}
