package cluster

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/wirecord/wirecord/shard"
)

// pubDropper forwards NATS client connections to a server and drops the
// first n PUBs of the client whose subject starts with prefix, as a
// request lost on its way is lost: sent to a consumer whose leader is not
// elected yet, or to a server that died before it answered. Everything
// else passes.
type pubDropper struct {
	ln      net.Listener
	target  string
	prefix  string
	mu      sync.Mutex
	left    int
	dropped int
	conns   []net.Conn
	wg      sync.WaitGroup
}

func startPubDropper(t *testing.T, target, prefix string, n int) *pubDropper {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &pubDropper{ln: ln, target: target, prefix: prefix, left: n}
	p.wg.Go(p.accept)
	t.Cleanup(func() {
		ln.Close()
		p.mu.Lock()
		for _, c := range p.conns {
			c.Close()
		}
		p.mu.Unlock()
		p.wg.Wait()
	})
	return p
}

func (p *pubDropper) Dropped() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.dropped
}

func (p *pubDropper) accept() {
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
		p.conns = append(p.conns, c, up)
		p.mu.Unlock()
		p.wg.Go(func() {
			io.Copy(c, up)
			c.Close()
		})
		p.wg.Go(func() {
			p.filter(up, c)
			up.Close()
		})
	}
}

// filter copies the client's protocol to the server op by op: a PUB
// (PUB <subject> [reply] <size>) or HPUB (HPUB <subject> [reply]
// <header size> <total size>) line and its payload are one op.
func (p *pubDropper) filter(dst io.Writer, src io.Reader) {
	r := bufio.NewReader(src)
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		op := line
		f := strings.Fields(line)
		if len(f) >= 3 && (f[0] == "PUB" || f[0] == "HPUB") {
			size, err := strconv.Atoi(f[len(f)-1])
			if err != nil {
				return
			}
			payload := make([]byte, size+2) // and its CRLF
			if _, err := io.ReadFull(r, payload); err != nil {
				return
			}
			op += string(payload)
			p.mu.Lock()
			drop := strings.HasPrefix(f[1], p.prefix) && p.left > 0
			if drop {
				p.left--
				p.dropped++
			}
			p.mu.Unlock()
			if drop {
				continue
			}
		}
		if _, err := io.WriteString(dst, op); err != nil {
			return
		}
	}
}

// memoryEventStream connects to tc and makes the event stream of the
// prefix "wirecord" in memory, as a node would, for tests that publish
// events themselves.
func memoryEventStream(ctx context.Context, t *testing.T, tc *TestCluster) (*nats.Conn, jetstream.JetStream, names) {
	t.Helper()
	nc, err := tc.Connect()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	n := names{"wirecord"}
	if _, err := eventStream(ctx, js, n, Storage{Memory: true}, time.Hour); err != nil {
		t.Fatal(err)
	}
	return nc, js, n
}

// A worker whose request for events is lost (no answer, no heartbeat:
// the server never saw it) notices the missing heartbeats, asks again and
// gets the events, well within its AckWait; it does not stop, and it does
// not sit idle until the request would have expired (30 s).
func TestAWorkerWhosePullRequestIsLostAsksAgainAndKeepsRunning(t *testing.T) {
	tc := startCluster(t, 1)
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	_, js, n := memoryEventStream(ctx, t, tc)
	data, _ := json.Marshal(map[string]string{"guild_id": "1", "content": "hi"})
	if _, err := js.PublishMsg(ctx, eventMsg(n, "s1", &shard.Dispatch{ShardID: 0, Seq: 1, Name: "MESSAGE_CREATE", Data: data})); err != nil {
		t.Fatal(err)
	}

	drop := startPubDropper(t, strings.TrimPrefix(tc.Servers[0].ClientURL(), "nats://"),
		"$JS.API.CONSUMER.MSG.NEXT."+n.stream()+".", 1)
	wnc, err := nats.Connect("nats://" + drop.ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(wnc.Close)
	const ackWait = 5 * time.Second // the default
	w, err := NewWorker(WorkerConfig{NATS: wnc, Durable: "lost-pull", AckWait: ackWait})
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan *Delivery, 1)
	w.OnDispatch("", func(_ context.Context, d *Delivery) { got <- d })
	wctx, stopWorker := context.WithCancel(ctx)
	defer stopWorker()
	ran := make(chan error, 1)
	go func() { ran <- w.Run(wctx) }()

	began := time.Now()
	select {
	case d := <-got:
		if d.Seq != 1 || d.Session != "s1" {
			t.Errorf("delivery %s:%d, want s1:1", d.Session, d.Seq)
		}
		t.Logf("the event arrived %v after the worker started, its first pull request lost (%d dropped)",
			time.Since(began).Round(time.Millisecond), drop.Dropped())
	case err := <-ran:
		t.Fatalf("the worker stopped with %v after its pull request was lost, %v after it started",
			err, time.Since(began).Round(time.Millisecond))
	case <-time.After(2 * ackWait):
		t.Fatalf("no event within %v of the worker starting, its first pull request lost (%d dropped): it waits for the request to expire",
			2*ackWait, drop.Dropped())
	}
	if drop.Dropped() != 1 {
		t.Errorf("%d pull requests dropped, want 1: the test did not lose the worker's request", drop.Dropped())
	}
	select {
	case err := <-ran:
		t.Errorf("the worker stopped with %v", err)
	default:
	}
	stopWorker()
	if err := <-ran; err != nil {
		t.Errorf("Run after its context ended: %v, want nil", err)
	}
}
