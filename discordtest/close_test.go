package discordtest

import (
	"crypto/rand"
	"errors"
	"io"
	"net"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/wirecord/wirecord/internal/wsproto"
)

// Close ends every gateway connection, those whose upgrade was still being
// answered as Close began included: none is served after Close returns,
// so none outlives it. (net/http stops tracking a connection once it is
// hijacked, so Shutdown does not wait for the rest of the upgrade.)
func TestCloseEndsConnectionsStillBeingUpgraded(t *testing.T) {
	const rounds, clients = 20, 16
	for round := range rounds {
		s := NewServer()
		u, err := url.Parse(s.GatewayURL + "?v=10&encoding=json")
		if err != nil {
			t.Fatal(err)
		}
		conns := make(chan net.Conn, clients)
		var wg sync.WaitGroup
		for range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				nc, err := net.Dial("tcp", u.Host)
				if err != nil {
					return // the listener closed first: nothing to end
				}
				key, _ := wsproto.NewKey(rand.Reader)
				nc.Write(wsproto.AppendUpgradeRequest(nil, u, key, nil))
				conns <- nc
			}()
		}
		// Close once the first connection is in, the others on their way.
		if _, err := s.WaitKind(ctxTimeout(t), KindConnected, 1); err != nil {
			t.Fatal(err)
		}
		s.Close()
		wg.Wait()
		close(conns)
		for nc := range conns {
			nc.SetReadDeadline(time.Now().Add(readTimeout))
			_, err := io.Copy(io.Discard, nc)
			nc.Close()
			if errors.Is(err, os.ErrDeadlineExceeded) {
				t.Errorf("round %d: a gateway connection is still open %v after Close returned", round, readTimeout)
			}
		}
		if open := s.Conns(); len(open) != 0 {
			t.Errorf("round %d: Conns() lists %d connections after Close", round, len(open))
		}
	}
}
