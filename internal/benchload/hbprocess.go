package benchload

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"

	"github.com/wirecord/wirecord/internal/benchload/payload"
)

// hbServerEnv, when set in a process's environment, makes it the
// heartbeat measurement's gateway (see HeartbeatServerMain). Its value is
// "<heartbeat interval ms>,<window>,<seed>".
const hbServerEnv = "WIRECORD_BENCH_HBSERVER"

// hbCredit is how many handled events one credit byte on the server
// process's stdin stands for: the handler writes one byte per hbCredit
// events, not a system call per event.
const hbCredit = 8

// hbGateway is the gateway RunHeartbeat measures against, in this process
// (*hbServer) or in another (*hbProcess).
type hbGateway interface {
	url() string
	handled()
	startStreaming()
	stopStreaming()
	// recordedLegs returns the times the gateway read each heartbeat and
	// wrote its ACK, in order.
	recordedLegs(context.Context) ([]hbLeg, error)
	Close()
}

func (s *hbServer) url() string { return s.URL }

// hbMessages are the d of the seeded MESSAGE_CREATEs the server sends in
// turn, built before the clock starts.
func hbMessages(seed uint64) ([]json.RawMessage, error) {
	msgs := make([]json.RawMessage, 512)
	for i := range msgs {
		var p struct {
			D json.RawMessage `json:"d"`
		}
		if err := json.Unmarshal(payload.MessageCreate(seed, i+1), &p); err != nil {
			return nil, fmt.Errorf("generated message %d: %w", i+1, err)
		}
		msgs[i] = p.D
	}
	return msgs, nil
}

// IsHeartbeatServer reports whether this process was started by
// RunHeartbeat as its gateway: its main should then call
// HeartbeatServerMain and exit.
func IsHeartbeatServer() bool { return os.Getenv(hbServerEnv) != "" }

// HeartbeatServerMain serves the heartbeat measurement's gateway for the
// process that started this one: it prints the gateway's URL as one line
// on out, then reads in: 'S' starts streaming, 'E' ends it, 'h' says
// hbCredit more events were handled, 'L' asks for the legs recorded so
// far (printed as a line "legs N", then N lines "READ WRITTEN", Unix ns).
// It returns when in ends.
func HeartbeatServerMain(in io.Reader, out io.Writer) error {
	f := strings.Split(os.Getenv(hbServerEnv), ",")
	if len(f) != 3 {
		return fmt.Errorf("benchload: %s=%q: want interval,window,seed", hbServerEnv, os.Getenv(hbServerEnv))
	}
	interval, err1 := strconv.Atoi(f[0])
	window, err2 := strconv.Atoi(f[1])
	seed, err3 := strconv.ParseUint(f[2], 10, 64)
	if err := errors.Join(err1, err2, err3); err != nil || interval <= 0 || window <= 0 {
		return fmt.Errorf("benchload: %s=%q: want interval,window,seed", hbServerEnv, os.Getenv(hbServerEnv))
	}
	msgs, err := hbMessages(seed)
	if err != nil {
		return err
	}
	srv, err := newHBServer(interval, msgs, window)
	if err != nil {
		return err
	}
	defer srv.Close()
	if _, err := fmt.Fprintln(out, srv.URL); err != nil {
		return err
	}
	br := bufio.NewReader(in)
	for {
		c, err := br.ReadByte()
		if err != nil {
			return nil // the measuring process is done
		}
		switch c {
		case 'S':
			srv.startStreaming()
		case 'E':
			srv.stopStreaming()
		case 'h':
			for range hbCredit {
				srv.handled()
			}
		case 'L':
			legs, _ := srv.recordedLegs(context.Background())
			w := bufio.NewWriter(out)
			fmt.Fprintf(w, "legs %d\n", len(legs))
			for _, l := range legs {
				fmt.Fprintf(w, "%d %d\n", l.Read, l.Written)
			}
			if err := w.Flush(); err != nil {
				return err
			}
		}
	}
}

// hbProcess is the gateway run by another process (HeartbeatServerMain).
type hbProcess struct {
	cmd  *exec.Cmd
	in   io.WriteCloser
	addr string

	mu      sync.Mutex  // guards n and writes to in
	n       int         // events handled since the last credit
	lines   chan string // what it prints after its URL
	waitErr chan error
}

func startHBProcess(ctx context.Context, cmd *exec.Cmd, intervalMs, window int, seed uint64) (*hbProcess, error) {
	cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%d,%d,%d", hbServerEnv, intervalMs, window, seed))
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start the gateway process: %w", err)
	}
	p := &hbProcess{cmd: cmd, in: in, lines: make(chan string, 64), waitErr: make(chan error, 1)}
	line := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		if sc.Scan() {
			line <- strings.TrimSpace(sc.Text())
		} else {
			line <- ""
		}
		for sc.Scan() {
			p.lines <- sc.Text()
		}
		close(p.lines)
		io.Copy(io.Discard, out)
		p.waitErr <- cmd.Wait()
	}()
	select {
	case p.addr = <-line:
	case <-ctx.Done():
		p.Close()
		return nil, ctx.Err()
	}
	if !strings.HasPrefix(p.addr, "ws://127.0.0.1:") {
		p.Close()
		return nil, fmt.Errorf("the gateway process printed %q, not its URL", p.addr)
	}
	return p, nil
}

func (p *hbProcess) url() string { return p.addr }

func (p *hbProcess) send(c byte) {
	p.mu.Lock()
	p.in.Write([]byte{c}) // a failed write shows as a stalled stream
	p.mu.Unlock()
}

func (p *hbProcess) handled() {
	p.mu.Lock()
	if p.n++; p.n == hbCredit {
		p.n = 0
		p.in.Write([]byte{'h'})
	}
	p.mu.Unlock()
}

// recordedLegs asks the process for its legs and reads them.
func (p *hbProcess) recordedLegs(ctx context.Context) ([]hbLeg, error) {
	p.send('L')
	next := func() (string, error) {
		select {
		case l, ok := <-p.lines:
			if !ok {
				return "", errors.New("the gateway process ended before it printed its legs")
			}
			return l, nil
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}
	head, err := next()
	if err != nil {
		return nil, err
	}
	var n int
	if _, err := fmt.Sscanf(head, "legs %d", &n); err != nil || n < 0 || n > maxLegs {
		return nil, fmt.Errorf("the gateway process printed %q, not a count of legs", head)
	}
	legs := make([]hbLeg, n)
	for i := range legs {
		l, err := next()
		if err != nil {
			return nil, err
		}
		if _, err := fmt.Sscanf(l, "%d %d", &legs[i].Read, &legs[i].Written); err != nil {
			return nil, fmt.Errorf("the gateway process printed %q, not a leg", l)
		}
	}
	return legs, nil
}

func (p *hbProcess) startStreaming() { p.send('S') }
func (p *hbProcess) stopStreaming()  { p.send('E') }

// Close ends the process: it stops when its stdin ends.
func (p *hbProcess) Close() {
	p.in.Close()
	for range p.lines {
		// left unread by a recordedLegs that gave up
	}
	<-p.waitErr
}
