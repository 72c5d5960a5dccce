package discordtest

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/wirecord/wirecord/discord"
	"github.com/wirecord/wirecord/internal/compress"
	"github.com/wirecord/wirecord/internal/etf"
	"github.com/wirecord/wirecord/internal/wsproto"
)

// rawClient is a bare gateway client built from the WebSocket layer alone,
// so the fake's rules are tested without wirecord's engine deciding
// anything. Reads are bounded by deadlines; nothing sleeps.
type rawClient struct {
	t   *testing.T
	nc  net.Conn
	rd  wsproto.Reader
	dec compress.Decoder
	etf bool
}

type serverPayload struct {
	Op   discord.Opcode  `json:"op"`
	S    *int64          `json:"s"`
	T    *string         `json:"t"`
	D    json.RawMessage `json:"d"`
	raw  []byte
	code uint16 // close code, when the server closed
}

func (p serverPayload) name() string {
	if p.T == nil {
		return ""
	}
	return *p.T
}

func (p serverPayload) seq() int64 {
	if p.S == nil {
		return 0
	}
	return *p.S
}

const readTimeout = 5 * time.Second

// dial connects to a gateway URL with the query (v=10&encoding=json when
// empty) and reads Hello.
func dial(t *testing.T, gatewayURL, query string) (*rawClient, serverPayload) {
	t.Helper()
	u, err := url.Parse(gatewayURL)
	if err != nil {
		t.Fatal(err)
	}
	if query == "" {
		query = "v=10&encoding=json"
	}
	u.RawQuery = query
	if u.Path == "" {
		u.Path = "/"
	}
	nc, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	key, _ := wsproto.NewKey(rand.Reader)
	nc.Write(wsproto.AppendUpgradeRequest(nil, u, key, nil))
	var head []byte
	buf := make([]byte, 4096)
	nc.SetReadDeadline(time.Now().Add(readTimeout))
	c := &rawClient{t: t, nc: nc, rd: wsproto.Reader{Role: wsproto.Client}}
	for {
		n, err := nc.Read(buf)
		if err != nil {
			t.Fatalf("reading the upgrade answer: %v", err)
		}
		head = append(head, buf[:n]...)
		resp, used, err := wsproto.ReadResponse(head, 16<<10)
		if err != nil {
			t.Fatal(err)
		}
		if used == 0 {
			continue
		}
		if err := wsproto.CheckUpgrade(resp, key); err != nil {
			t.Fatal(err)
		}
		c.rd.Feed(head[used:])
		break
	}
	q, _ := url.ParseQuery(query)
	c.etf = q.Get("encoding") == "etf"
	switch q.Get("compress") {
	case "zlib-stream":
		c.dec = compress.NewZlibStream(0)
	case "zstd-stream":
		c.dec, _ = compress.NewZstdStream(0, 0)
	}
	hello := c.next()
	return c, hello
}

func (c *rawClient) mask() *[4]byte {
	var m [4]byte
	rand.Read(m[:])
	return &m
}

// send writes a payload {"op":op,"d":d}.
func (c *rawClient) send(op discord.Opcode, d any) {
	c.t.Helper()
	data, err := json.Marshal(d)
	if err != nil {
		c.t.Fatal(err)
	}
	c.sendRaw(fmt.Appendf(nil, `{"op":%d,"d":%s}`, int(op), data))
}

func (c *rawClient) sendRaw(p []byte) {
	c.t.Helper()
	op := wsproto.OpText
	if c.etf {
		var err error
		if p, err = etf.FromJSON(nil, p); err != nil {
			c.t.Fatal(err)
		}
		op = wsproto.OpBinary
	}
	if _, err := c.nc.Write(wsproto.AppendFrame(nil, op, true, p, c.mask())); err != nil {
		c.t.Fatalf("write: %v", err)
	}
}

var errClosed = errors.New("connection closed")

// next reads the next payload, or the close frame (code set).
func (c *rawClient) next() serverPayload {
	c.t.Helper()
	p, err := c.tryNext(readTimeout)
	if err != nil {
		c.t.Fatalf("reading from the fake: %v", err)
	}
	return p
}

func (c *rawClient) tryNext(timeout time.Duration) (serverPayload, error) {
	buf := make([]byte, 64<<10)
	deadline := time.Now().Add(timeout)
	for {
		m, ok, err := c.rd.Next()
		if err != nil {
			return serverPayload{}, err
		}
		if ok {
			switch m.Op {
			case wsproto.OpClose:
				code, _, _ := wsproto.ParseClose(m.Payload)
				c.nc.Write(wsproto.AppendClose(nil, code, "", c.mask()))
				return serverPayload{code: code}, nil
			case wsproto.OpPing, wsproto.OpPong:
				continue
			}
			data := m.Payload
			if c.dec != nil {
				out, done, err := c.dec.Decode(data)
				if err != nil {
					return serverPayload{}, err
				}
				if !done {
					continue
				}
				data = out
			}
			if c.etf {
				if data, err = etf.ToJSON(nil, data); err != nil {
					return serverPayload{}, err
				}
			}
			var p serverPayload
			if err := json.Unmarshal(data, &p); err != nil {
				return serverPayload{raw: append([]byte(nil), data...)}, fmt.Errorf("bad payload %q: %w", data, err)
			}
			p.raw = append([]byte(nil), data...)
			return p, nil
		}
		c.nc.SetReadDeadline(deadline)
		n, err := c.nc.Read(buf)
		if n > 0 {
			c.rd.Feed(buf[:n])
			continue
		}
		if err != nil {
			return serverPayload{}, fmt.Errorf("%w: %v", errClosed, err)
		}
	}
}

// expectClose reads until the server closes and checks the code.
func (c *rawClient) expectClose(code discord.CloseCode) {
	c.t.Helper()
	for {
		p := c.next()
		if p.code != 0 {
			if p.code != uint16(code) {
				c.t.Fatalf("closed with %d, want %d", p.code, code)
			}
			return
		}
		if p.Op != discord.OpHeartbeatACK && p.Op != discord.OpDispatch {
			c.t.Fatalf("got op %v while waiting for close %d", p.Op, code)
		}
	}
}

// expectOp reads the next payload and checks its op.
func (c *rawClient) expectOp(op discord.Opcode) serverPayload {
	c.t.Helper()
	p := c.next()
	if p.code != 0 {
		c.t.Fatalf("closed with %d, want op %v", p.code, op)
	}
	if p.Op != op {
		c.t.Fatalf("got op %v %s, want %v", p.Op, p.raw, op)
	}
	return p
}

// expectDispatch reads payloads up to the next dispatch named name.
func (c *rawClient) expectDispatch(name string) serverPayload {
	c.t.Helper()
	for {
		p := c.next()
		if p.code != 0 {
			c.t.Fatalf("closed with %d while waiting for %s", p.code, name)
		}
		if p.Op == discord.OpDispatch && p.name() == name {
			return p
		}
		if p.Op == discord.OpDispatch {
			c.t.Fatalf("got %s (seq %d) while waiting for %s", p.name(), p.seq(), name)
		}
	}
}

type identifyOpts struct {
	token   string
	intents discord.Intents
	shard   *[2]int
}

func (c *rawClient) identify(o identifyOpts) {
	c.t.Helper()
	d := map[string]any{
		"token": o.token, "intents": o.intents,
		"properties": map[string]string{"os": "linux", "browser": "test", "device": "test"},
	}
	if o.shard != nil {
		d["shard"] = o.shard
	}
	c.send(discord.OpIdentify, d)
}

// ready identifies as a shard and reads READY.
func (c *rawClient) ready(token string, intents discord.Intents, shard *[2]int) discord.Ready {
	c.t.Helper()
	c.identify(identifyOpts{token: token, intents: intents, shard: shard})
	p := c.expectDispatch(discord.EventReady)
	var r discord.Ready
	if err := json.Unmarshal(p.D, &r); err != nil {
		c.t.Fatal(err)
	}
	return r
}

func hasViolation(s *Server, rule Rule) bool {
	for _, v := range s.Violations() {
		if v.Rule == rule {
			return true
		}
	}
	return false
}

func containsAll(s string, parts ...string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}

func appendClientClose(c *rawClient, code uint16) []byte {
	return wsproto.AppendClose(nil, code, "", c.mask())
}
