package shard_test

import (
	"context"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wirecord/wirecord/discord"
	"github.com/wirecord/wirecord/discordtest"
	"github.com/wirecord/wirecord/gateway"
	"github.com/wirecord/wirecord/shard"
)

// Abort is the hard stop that keeps the session: the connection is gone
// at once, without the 1000 that would end the session at Discord, even
// while a graceful close waits for Discord's answer; the session it
// leaves resumes on another shard, which does not identify.
func TestAbortDropsTheConnectionAndTheSessionResumesElsewhere(t *testing.T) {
	for _, tc := range []struct {
		name string
		// heldClose: a Close(CloseKeepSession) is under way, held up in
		// writing its close frame (a full socket), when Abort comes.
		heldClose bool
	}{
		{name: "ready"},
		{name: "while a close is held up in its write", heldClose: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := fastFake(t)
			cfg := shard.Config{Gateway: gateway.Config{URL: s.GatewayURL, Token: discord.NewToken(s.Token),
				Intents: discord.IntentGuilds, SendLimit: 1000, SendWindow: time.Minute,
				// Far longer than the test: only Abort can end the close.
				CloseTimeout: time.Hour}, Logger: testLogger()}
			d := &holdDialer{}
			cfg.Dialer = d
			sh, err := shard.New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			ctx := within(t, 20*time.Second)
			go sh.Run(ctx)
			var closed chan error
			for ev := range sh.Events() {
				if _, ok := ev.(*shard.Ready); !ok {
					continue
				}
				if tc.heldClose {
					d.hold()
					closed = make(chan error, 1)
					go func() { closed <- sh.Close(ctx, gateway.CloseKeepSession) }()
					<-d.held
				}
				sh.Abort()
				break
			}
			for range sh.Events() {
			}
			select {
			case <-sh.Done():
			case <-ctx.Done():
				t.Fatal("Run did not return after Abort")
			}
			if err := sh.Err(); err != nil {
				t.Errorf("Err = %v after Abort, want nil", err)
			}
			if closed != nil {
				if err := <-closed; err != nil {
					t.Errorf("the held-up Close = %v, want nil once Abort stopped the shard", err)
				}
			}
			first := s.AllConns()[0]
			<-first.Done()
			if _, recv := first.CloseCodes(); recv == uint16(discord.CloseNormal) || recv == uint16(discord.CloseGoingAway) {
				t.Errorf("the aborted connection was closed with %d, which ends the session", recv)
			}
			sess, ok := sh.Session()
			if !ok {
				t.Fatal("no session after Abort")
			}

			cfg.Gateway.Session = &sess
			next, err := shard.New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			go next.Run(ctx)
			defer next.Close(context.Background(), gateway.CloseEndSession)
			for ev := range next.Events() {
				if _, ok := ev.(*shard.Resumed); ok {
					break
				}
				if r, ok := ev.(*shard.Ready); ok {
					t.Fatalf("the next shard identified (session %s), want it to resume %s", r.SessionID, sess.ID)
				}
			}
			if n := len(s.Identifies()); n != 1 {
				t.Errorf("%d IDENTIFYs, want 1: the aborted session resumes", n)
			}
			for _, r := range s.Records() {
				if r.Kind == discordtest.KindResumed && strings.HasPrefix(r.Detail, "refused") {
					t.Errorf("a resume was refused: %s", r)
				}
			}
		})
	}
}

// holdDialer dials like net.Dialer; after hold, a write blocks (as on a
// full socket) until its connection is closed.
type holdDialer struct {
	mu      sync.Mutex
	holding bool
	held    chan struct{} // closed when a write is held
}

func (d *holdDialer) hold() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.holding, d.held = true, make(chan struct{})
}

func (d *holdDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	return &holdConn{Conn: c, d: d, closed: make(chan struct{})}, nil
}

type holdConn struct {
	net.Conn
	d         *holdDialer
	closeOnce sync.Once
	closed    chan struct{}
}

func (c *holdConn) Write(b []byte) (int, error) {
	c.d.mu.Lock()
	holding, held := c.d.holding, c.d.held
	if holding {
		c.d.holding = false // one held write: this one
	}
	c.d.mu.Unlock()
	if holding {
		close(held)
		<-c.closed
		return 0, net.ErrClosed
	}
	return c.Conn.Write(b)
}

func (c *holdConn) Close() error {
	c.closeOnce.Do(func() { close(c.closed) })
	return c.Conn.Close()
}
