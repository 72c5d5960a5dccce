package cluster

import (
	"bytes"
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"testing"
	"time"
)

// tcpProxy forwards loopback TCP connections to a target, and can cut
// them off as a network partition does: Blackhole stops every byte in
// both directions and closes nothing, so neither end notices until it
// waits for an answer that does not come. Restore lets the held bytes
// through, as TCP delivers them once a partition heals.
type tcpProxy struct {
	ln     net.Listener
	target string

	mu         sync.Mutex
	open       *sync.Cond // signalled when blackholed or closed changes
	blackholed bool
	closed     bool
	conns      []net.Conn
	wg         sync.WaitGroup
}

// startProxy listens on 127.0.0.1:0 and forwards to target (host:port)
// until the test ends.
func startProxy(t *testing.T, target string) *tcpProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &tcpProxy{ln: ln, target: target}
	p.open = sync.NewCond(&p.mu)
	p.wg.Go(p.accept)
	t.Cleanup(p.close)
	return p
}

// Addr is the address to dial instead of the target.
func (p *tcpProxy) Addr() string { return p.ln.Addr().String() }

// Blackhole stops forwarding, both ways, on every connection and on
// those accepted later; nothing is closed.
func (p *tcpProxy) Blackhole() { p.set(true) }

// Restore forwards again, the bytes held first.
func (p *tcpProxy) Restore() { p.set(false) }

func (p *tcpProxy) set(blackholed bool) {
	p.mu.Lock()
	p.blackholed = blackholed
	p.mu.Unlock()
	p.open.Broadcast()
}

func (p *tcpProxy) accept() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		up, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			c.Close()
			up.Close()
			return
		}
		p.conns = append(p.conns, c, up)
		p.mu.Unlock()
		p.wg.Go(func() { p.pipe(up, c) })
		p.wg.Go(func() { p.pipe(c, up) })
	}
}

// pipe copies src to dst. Whatever it has read (data, or the end of the
// stream) waits while the proxy is blackholed: the copy stops reading,
// so the sender's buffers fill as behind a real partition.
func (p *tcpProxy) pipe(dst, src net.Conn) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if !p.waitOpen() {
			return
		}
		if n > 0 {
			if _, werr := dst.Write(buf[:n]); werr != nil {
				src.Close()
				return
			}
		}
		if err != nil {
			// One end is done: so is the other.
			dst.Close()
			src.Close()
			return
		}
	}
}

// waitOpen waits while the proxy is blackholed; false once it is closed.
func (p *tcpProxy) waitOpen() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	for p.blackholed && !p.closed {
		p.open.Wait()
	}
	return !p.closed
}

func (p *tcpProxy) close() {
	p.mu.Lock()
	p.closed = true
	conns := p.conns
	p.mu.Unlock()
	p.open.Broadcast()
	p.ln.Close()
	for _, c := range conns {
		c.Close()
	}
	p.wg.Wait()
}

// The proxy itself: bytes pass, stop passing while blackholed (both
// ways, no connection closed), and the held bytes arrive on Restore.
func TestProxyBlackholeHoldsBytesBothWaysUntilRestore(t *testing.T) {
	echo, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { echo.Close() })
	serverSide := make(chan net.Conn, 1)
	go func() {
		c, err := echo.Accept()
		if err == nil {
			serverSide <- c
		}
	}()
	p := startProxy(t, echo.Addr().String())
	c, err := net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	s := <-serverSide
	t.Cleanup(func() { s.Close() })

	read := func(conn net.Conn, n int, within time.Duration) ([]byte, error) {
		conn.SetReadDeadline(time.Now().Add(within))
		defer conn.SetReadDeadline(time.Time{})
		b := make([]byte, n)
		_, err := io.ReadFull(conn, b)
		return b, err
	}
	if _, err := c.Write([]byte("up")); err != nil {
		t.Fatal(err)
	}
	if got, err := read(s, 2, 5*time.Second); err != nil || !bytes.Equal(got, []byte("up")) {
		t.Fatalf("before the blackhole, the target read %q, %v", got, err)
	}

	p.Blackhole()
	if _, err := c.Write([]byte("held-up")); err != nil {
		t.Fatalf("writing into the blackhole: %v, want no error (nothing is closed)", err)
	}
	if _, err := s.Write([]byte("held-down")); err != nil {
		t.Fatalf("writing into the blackhole: %v, want no error (nothing is closed)", err)
	}
	// Nothing may arrive; a closed socket would end the read with EOF
	// instead of the deadline.
	if got, err := read(s, 1, 200*time.Millisecond); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("blackholed, the target read %q, %v; want nothing and a timeout", got, err)
	}
	if got, err := read(c, 1, 200*time.Millisecond); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("blackholed, the client read %q, %v; want nothing and a timeout", got, err)
	}

	p.Restore()
	if got, err := read(s, 7, 5*time.Second); err != nil || string(got) != "held-up" {
		t.Fatalf("after Restore, the target read %q, %v; want the held bytes", got, err)
	}
	if got, err := read(c, 9, 5*time.Second); err != nil || string(got) != "held-down" {
		t.Fatalf("after Restore, the client read %q, %v; want the held bytes", got, err)
	}
}
