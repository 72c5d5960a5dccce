package wsproto_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/wirecord/wirecord/internal/wsproto"
)

// client is a WebSocket client made of this package alone over a net.Conn.
type client struct {
	t  *testing.T
	nc net.Conn
	rd wsproto.Reader
}

func dial(t *testing.T, raw string) *client {
	t.Helper()
	u, _ := url.Parse(raw)
	u.Scheme = "ws"
	nc, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	nc.SetDeadline(time.Now().Add(10 * time.Second))
	key, _ := wsproto.NewKey(rand.Reader)
	if _, err := nc.Write(wsproto.AppendUpgradeRequest(nil, u, key, nil)); err != nil {
		t.Fatal(err)
	}
	c := &client{t: t, nc: nc, rd: wsproto.Reader{Role: wsproto.Client, MaxMessageSize: 4 << 20}}
	var head []byte
	buf := make([]byte, 4096)
	for {
		n, err := nc.Read(buf)
		if err != nil {
			t.Fatal(err)
		}
		head = append(head, buf[:n]...)
		resp, used, err := wsproto.ReadResponse(head, 8192)
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
		return c
	}
}

func mask() *[4]byte {
	var m [4]byte
	rand.Read(m[:])
	return &m
}

func (c *client) write(op wsproto.Opcode, p []byte) {
	c.t.Helper()
	if _, err := c.nc.Write(wsproto.AppendFrame(nil, op, true, p, mask())); err != nil {
		c.t.Fatal(err)
	}
}

// next reads the next message, answering pings with pongs as it goes
// unless keepPings.
func (c *client) next(keepPings bool) wsproto.Message {
	c.t.Helper()
	buf := make([]byte, 64<<10)
	for {
		m, ok, err := c.rd.Next()
		if err != nil {
			c.t.Fatal(err)
		}
		if ok {
			if m.Op == wsproto.OpPing && !keepPings {
				c.write(wsproto.OpPong, m.Payload)
				continue
			}
			return wsproto.Message{Op: m.Op, Payload: bytes.Clone(m.Payload)}
		}
		n, err := c.nc.Read(buf)
		if err != nil {
			c.t.Fatalf("read: %v", err)
		}
		c.rd.Feed(buf[:n])
	}
}

// server runs a coder/websocket handler on 127.0.0.1.
func server(t *testing.T, h func(ctx context.Context, c *websocket.Conn)) (string, <-chan struct{}) {
	done := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer close(done)
		c, err := websocket.Accept(w, r, &websocket.AcceptOptions{CompressionMode: websocket.CompressionDisabled})
		if err != nil {
			t.Error(err)
			return
		}
		c.SetReadLimit(8 << 20)
		ctx, cancel := context.WithTimeout(r.Context(), 10*time.Second)
		defer cancel()
		h(ctx, c)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, done
}

func TestInteropFragmentedAndLargeMessagesFromTheServer(t *testing.T) {
	big := bytes.Repeat([]byte("0123456789abcdef"), 128<<10) // 2 MiB
	url, done := server(t, func(ctx context.Context, c *websocket.Conn) {
		w, err := c.Writer(ctx, websocket.MessageText)
		if err != nil {
			t.Error(err)
			return
		}
		for _, part := range []string{"frag", "ment", "ed"} {
			w.Write([]byte(part))
		}
		w.Close()
		c.Write(ctx, websocket.MessageBinary, big)
		c.Close(websocket.StatusNormalClosure, "")
	})
	cl := dial(t, url)
	if m := cl.next(false); m.Op != wsproto.OpText || string(m.Payload) != "fragmented" {
		t.Errorf("got %v %q", m.Op, m.Payload)
	}
	if m := cl.next(false); m.Op != wsproto.OpBinary || !bytes.Equal(m.Payload, big) {
		t.Errorf("big message: %v, %d bytes", m.Op, len(m.Payload))
	}
	m := cl.next(false)
	if code, _, _ := wsproto.ParseClose(m.Payload); m.Op != wsproto.OpClose || code != 1000 {
		t.Fatalf("got %v %d", m.Op, code)
	}
	// Close initiated by the server: echo it; its Close then returns.
	cl.write(wsproto.OpClose, m.Payload)
	<-done
}

func TestInteropClientMessagesPingsAndClose(t *testing.T) {
	type got struct {
		typ  websocket.MessageType
		data []byte
	}
	received := make(chan got, 4)
	closed := make(chan websocket.StatusCode, 1)
	pinged := make(chan error, 1)
	url, done := server(t, func(ctx context.Context, c *websocket.Conn) {
		for range 2 {
			typ, data, err := c.Read(ctx)
			if err != nil {
				t.Error(err)
				return
			}
			received <- got{typ, data}
		}
		// The server pings; our client answers while reading.
		go func() { pinged <- c.Ping(ctx) }()
		_, _, err := c.Read(ctx)
		closed <- websocket.CloseStatus(err)
	})
	cl := dial(t, url)
	cl.write(wsproto.OpText, []byte(`{"op":1,"d":null}`))
	cl.write(wsproto.OpBinary, bytes.Repeat([]byte{1, 2, 3}, 50000))
	if g := <-received; g.typ != websocket.MessageText || string(g.data) != `{"op":1,"d":null}` {
		t.Errorf("text: %v %q", g.typ, g.data)
	}
	if g := <-received; g.typ != websocket.MessageBinary || len(g.data) != 150000 {
		t.Errorf("binary: %v %d bytes", g.typ, len(g.data))
	}
	// Answer the server's ping.
	if m := cl.next(true); m.Op != wsproto.OpPing {
		t.Fatalf("got %v, want ping", m.Op)
	} else {
		cl.write(wsproto.OpPong, m.Payload)
	}
	if err := <-pinged; err != nil {
		t.Errorf("server ping: %v", err)
	}
	// Our ping gets the server's pong (coder/websocket answers while
	// reading).
	cl.write(wsproto.OpPing, []byte("hi"))
	if m := cl.next(true); m.Op != wsproto.OpPong || string(m.Payload) != "hi" {
		t.Errorf("got %v %q, want pong", m.Op, m.Payload)
	}
	// Close initiated by the client, with a code that keeps a Discord
	// session; the server sees it and echoes it.
	cl.nc.Write(wsproto.AppendClose(nil, 4900, "reconnecting", mask()))
	if code := <-closed; code != 4900 {
		t.Errorf("server saw close %d", code)
	}
	m := cl.next(true)
	if code, _, err := wsproto.ParseClose(m.Payload); m.Op != wsproto.OpClose || code != 4900 || err != nil {
		t.Errorf("echo %v %d %v", m.Op, code, err)
	}
	<-done
	if _, err := cl.nc.Read(make([]byte, 1)); err == nil || errors.Is(err, errors.ErrUnsupported) {
		t.Error("the server left the TCP connection open after the close handshake")
	}
}
