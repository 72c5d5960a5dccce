package shard

import (
	"context"
	"errors"
	"net"
	"slices"
	"time"

	"github.com/wirecord/wirecord/gateway"
)

// loop is the owner goroutine of a shard: the only code that touches the
// engine. Every input (socket bytes, timers, commands, identify permits,
// close requests) arrives through its select, and after each one it writes
// what the engine produced and turns engine events into shard events.
type loop struct {
	s *Shard
	e *gateway.Engine

	conn  net.Conn
	rd    *reader
	dialC chan dialResult
	// connCtx and cancel scope the dial and the identify wait of the
	// current connection attempt.
	connCtx context.Context
	cancel  context.CancelFunc

	permitC chan error

	pending []Event // events the queue had no room for yet
	cmds    []*command
	// limitedUntil is when the send budget has room again; wakeAt is the
	// next moment a queued command can go.
	limitedUntil time.Time
	wakeAt       time.Time

	stopped bool  // the engine has stopped
	stopErr error // the fatal error, if any

	// endAfterResume: Close(CloseEndSession) came while the engine was
	// closing to resume; the session ends once resumed (gateway
	// Engine.Close). endFailures counts the disconnects that may still
	// come before the resume; one more gives up, keeping the session.
	endAfterResume bool
	endFailures    int
}

// errAborted is why an aborted shard's connection ended.
var errAborted = errors.New("shard: aborted")

func (l *loop) run(ctx context.Context) error {
	s, e := l.s, l.e
	defer l.cancelConnection()
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	ctxDone := ctx.Done()
	abortC := s.abortC

	for {
		// An abort comes before anything else that is ready, a dial
		// result or a cancelled context (which would end the session)
		// included.
		select {
		case <-abortC:
			abortC, ctxDone = nil, nil
			l.abort()
			l.afterInput()
		default:
		}
		now := time.Now()
		if !l.stopped && l.conn == nil && l.dialC == nil && e.State() == gateway.StateDisconnected {
			if dl, _ := e.Deadline(); !now.Before(dl) {
				l.startDial(now)
			}
		}
		// Publish first: a command that completes in flushCommands must
		// find the shard's state (Ready) already visible to its caller.
		l.publish()
		l.flushCommands(now)
		if l.stopped && l.conn == nil && l.dialC == nil && len(l.pending) == 0 {
			l.failCommands(ErrClosed)
			return l.stopErr
		}

		// Arm the timer for the next thing the engine or the command
		// queue waits for.
		wake, ok := e.Deadline()
		if !l.wakeAt.IsZero() && (!ok || l.wakeAt.Before(wake)) {
			wake, ok = l.wakeAt, true
		}
		if l.dialC != nil && e.State() == gateway.StateDisconnected {
			ok = false // dialing: the engine waits for the result
		}
		var timerC <-chan time.Time
		if ok && !l.stopped {
			resetTimer(timer, time.Until(wake))
			timerC = timer.C
		}

		// Reading pauses while events wait for user code (back-pressure),
		// except during a new connection's handshake: the 101 and Hello
		// carry no events, and a connection left unread there would die
		// of the handshake timeout and be dialled again and again for as
		// long as a slow handler holds the queue.
		var readC <-chan readResult
		if l.rd != nil && (len(l.pending) == 0 || e.State() == gateway.StateConnecting) {
			readC = l.rd.ch
		}
		var sendC chan<- Event
		var head Event
		if len(l.pending) > 0 {
			sendC, head = s.events, l.pending[0]
		}

		select {
		case r := <-readC:
			now = time.Now()
			if len(r.buf) > 0 {
				e.Receive(now, r.buf)
			}
			l.rd.release(r.buf)
			if r.err != nil {
				e.ConnectionLost(now, r.err)
			}
		case sendC <- head:
			l.pending[0] = nil
			l.pending = l.pending[1:]
			if len(l.pending) == 0 {
				l.pending = nil
				e.SetReadPaused(false)
			}
		case <-timerC:
			now = time.Now()
			e.HandleTimeout(now)
		case r := <-l.dialC:
			l.dialC = nil
			now = time.Now()
			if r.err != nil {
				s.log.Warn("dial failed", "err", r.err)
				e.ConnectionLost(now, r.err)
			} else if l.stopped || e.State() != gateway.StateConnecting {
				r.conn.Close()
			} else {
				l.conn = r.conn
				l.rd = startReader(r.conn)
				s.setConn(r.conn)
			}
		case err := <-l.permitC:
			l.permitC = nil
			if err == nil {
				s.markBegun()
				if ierr := e.Identify(time.Now()); ierr == nil {
					l.write()
					if n, ok := s.cfg.Queue.(IdentifySentNotifier); ok && l.conn != nil {
						n.IdentifySent(s.id, time.Now())
					}
					s.log.Debug("identify sent")
				}
			} else if !errors.Is(err, context.Canceled) {
				s.log.Error("identify queue failed", "err", err)
				e.ConnectionLost(time.Now(), err)
			}
		case c := <-s.cmds:
			l.cmds = append(l.cmds, c)
		case mode := <-s.closeReq:
			s.log.Info("closing", "keep_session", mode == gateway.CloseKeepSession)
			l.close(mode)
		case <-abortC:
			abortC, ctxDone = nil, nil
			l.abort()
		case <-ctxDone:
			ctxDone = nil
			s.log.Info("context done, closing")
			l.close(gateway.CloseEndSession)
		}
		l.afterInput()
	}
}

// close closes the engine on purpose. CloseEndSession while the engine is
// closing to resume keeps the session (only a 1000 on one of its own
// connections ends it): the shard resumes, then ends it.
func (l *loop) close(mode gateway.CloseMode) {
	state := l.e.State()
	l.e.Close(time.Now(), mode)
	if mode == gateway.CloseEndSession && l.e.State() != gateway.StateStopped && l.e.WillResume() {
		l.s.log.Info("closing: resuming first, to end the session")
		l.endAfterResume = true
		// Closing: the Disconnected of that connection is still to come
		// and is no failure. Otherwise the next one means the resume
		// failed.
		l.endFailures = 1
		if state == gateway.StateClosing {
			l.endFailures = 0
		}
		return
	}
	if l.dialC != nil {
		l.cancelConnection()
	}
}

// abort stops the engine keeping the session, and drops the connection
// (Shard.Abort closed it already) before the engine's close frame can be
// written: to Discord the connection failed, and the session stays
// resumable.
func (l *loop) abort() {
	l.s.log.Warn("aborting: dropping the connection, keeping the session")
	l.endAfterResume = false
	l.cancelConnection()
	if l.conn != nil {
		l.conn.Close()
		l.rd.stop()
		l.conn, l.rd = nil, nil
		l.s.setConn(nil)
	}
	now := time.Now()
	l.e.Close(now, gateway.CloseKeepSession)
	// The connection is gone: what the engine would have written (its
	// close frame) never goes out, and a close under way ends now.
	l.e.ConnectionLost(now, errAborted)
	l.e.Output()
}

// afterInput writes what the engine produced and handles its events.
func (l *loop) afterInput() {
	s, e := l.s, l.e
	l.write()
	for {
		ev, ok := e.NextEvent()
		if !ok {
			break
		}
		l.handle(ev)
	}
	if len(l.pending) > 0 {
		e.SetReadPaused(true)
	}
	s.depth.Store(int64(len(s.events) + len(l.pending)))
	s.cfg.Metrics.QueueDepth(s.id, len(s.events)+len(l.pending))
}

// deliver queues an event for user code; when the channel is full it
// waits in pending, and reading pauses until it drains.
func (l *loop) deliver(ev Event) {
	if len(l.pending) == 0 {
		select {
		case l.s.events <- ev:
			return
		default:
		}
	}
	l.pending = append(l.pending, ev)
}

func (l *loop) handle(ev gateway.Event) {
	s := l.s
	switch ev := ev.(type) {
	case *gateway.Dispatch:
		s.cfg.Metrics.Event(s.id, ev.Name)
		l.s.requests.observe(l, ev)
		l.deliver(&Dispatch{ShardID: s.id, Seq: ev.Seq, Name: ev.Name, Data: ev.Data, Err: ev.Err})
	case *gateway.Hello:
		s.log.Debug("hello", "heartbeat_interval", ev.HeartbeatInterval)
		if l.e.State() == gateway.StateResuming {
			s.markBegun()
		}
	case *gateway.IdentifyRequired:
		if l.endAfterResume {
			// The session to end is gone already: do not start another.
			l.endAfterResume = false
			l.e.Close(time.Now(), gateway.CloseEndSession)
			return
		}
		// Ask the queue in the background; heartbeats go on meanwhile.
		ctx := l.connectionContext()
		l.permitC = make(chan error, 1)
		go func(c chan<- error) { c <- s.cfg.Queue.Wait(ctx, s.id) }(l.permitC)
	case *gateway.SessionStarted:
		s.cfg.Metrics.Session(s.id, "identify")
		l.cmds = append(l.cmds, s.requests.sessionRestarted()...)
		if ev.Previous != nil {
			s.log.Warn("session restarted; events after the last sequence of the old session may be missing",
				"old_session", ev.Previous.ID, "seq", ev.Previous.Seq)
			l.deliver(&SessionRestarted{ShardID: s.id, Previous: *ev.Previous, MissedAfter: ev.Previous.Seq})
		}
		s.log.Info("ready", "session", ev.Session.ID)
		l.deliver(&Ready{ShardID: s.id, SessionID: ev.Session.ID})
	case *gateway.Resumed:
		s.cfg.Metrics.Session(s.id, "resume")
		s.log.Info("resumed", "replayed", ev.Replayed, "seq", ev.Session.Seq)
		l.deliver(&Resumed{ShardID: s.id, Replayed: ev.Replayed})
		if l.endAfterResume {
			l.endAfterResume = false
			l.e.Close(time.Now(), gateway.CloseEndSession)
		}
	case *gateway.HeartbeatAck:
		s.cfg.Metrics.Latency(s.id, ev.Latency)
	case *gateway.SequenceGap:
		s.log.Warn("sequence gap", "after", ev.After, "next", ev.Next)
		l.deliver(&Gap{ShardID: s.id, After: ev.After, Next: ev.Next})
	case *gateway.PayloadError:
		s.log.Warn("undecodable payload skipped", "err", ev.Err)
	case *gateway.OutOfRange:
		s.log.Warn("server value out of range", "field", ev.Err.Field, "err", ev.Err)
	case *gateway.InvalidSession:
		s.log.Info("invalid session", "resumable", ev.Resumable)
	case *gateway.Reconnect:
		s.log.Info("reconnect requested")
	case *gateway.Disconnected:
		l.cancelConnection()
		if l.conn != nil {
			l.conn.Close()
			l.rd.stop()
			l.conn, l.rd = nil, nil
			s.setConn(nil)
		}
		if ev.Action == gateway.ActionStop {
			s.markBegun()
			l.stopped = true
			l.stopErr = ev.Fatal
			if ev.Fatal != nil {
				// Run returns the error and a Stopped event carries it:
				// the caller reports it, so this line stays at Info.
				s.log.Info("stopped: fatal close", "close_code", int(ev.Code), "err", ev.Fatal)
			} else {
				s.log.Info("stopped")
			}
			l.deliver(&Stopped{ShardID: s.id, Err: ev.Fatal})
			return
		}
		if l.endAfterResume {
			if l.endFailures++; l.endFailures > 1 {
				// The resume that was to end the session failed: stop,
				// and let Discord time the session out.
				s.log.Warn("closing: could not resume to end the session; it times out at Discord", "err", ev.Err)
				l.endAfterResume = false
				l.e.Close(time.Now(), gateway.CloseKeepSession)
				return
			}
		}
		s.cfg.Metrics.Reconnect(s.id, ev.Cause)
		s.log.Info("reconnecting", "cause", ev.Cause, "close_code", int(ev.Code), "action", ev.Action.String(),
			"wait", ev.Wait, "err", ev.Err)
		l.deliver(&Reconnecting{ShardID: s.id, Code: ev.Code, Action: ev.Action, Wait: ev.Wait, Err: ev.Err})
	}
}

func (l *loop) startDial(now time.Time) {
	s, e := l.s, l.e
	t, err := e.Connect(now)
	if err != nil {
		s.log.Error("connect refused by engine", "err", err)
		return
	}
	ctx := l.connectionContext()
	s.log.Debug("dialing", "addr", t.Addr, "resume", e.WillResume())
	l.dialC = make(chan dialResult, 1)
	go func(c chan<- dialResult) {
		conn, err := s.dial(ctx, t)
		c <- dialResult{conn, err}
	}(l.dialC)
}

// connectionContext returns the context for the current connection's
// dial and identify wait, creating it if needed.
func (l *loop) connectionContext() context.Context {
	if l.cancel == nil {
		ctx, cancel := context.WithCancel(context.Background())
		l.cancel = cancel
		l.connCtx = ctx
	}
	return l.connCtx
}

func (l *loop) cancelConnection() {
	if l.cancel != nil {
		l.cancel()
		l.cancel = nil
		l.connCtx = nil
	}
	l.permitC = nil
}

// publish stores the state other goroutines may read.
func (l *loop) publish() {
	s, e := l.s, l.e
	s.state.Store(int32(e.State()))
	s.latency.Store(int64(e.Latency()))
	s.seq.Store(e.Seq())
	if st, ok := e.Session(); ok {
		if p := s.session.Load(); p == nil || *p != st {
			s.session.Store(&st)
		}
	} else if s.session.Load() != nil {
		s.session.Store(nil)
	}
}

// flushCommands sends queued commands, in order, while the session is
// ready and the send budget allows. A command held back until a later
// time (a resend after RATE_LIMITED) lets the ones behind it go first.
func (l *loop) flushCommands(now time.Time) {
	e := l.e
	l.wakeAt = time.Time{}
	for i := 0; i < len(l.cmds); {
		c := l.cmds[i]
		if err := c.ctx.Err(); err != nil {
			c.done <- err
			l.removeCommand(i)
			continue
		}
		if now.Before(c.notBefore) {
			if l.wakeAt.IsZero() || c.notBefore.Before(l.wakeAt) {
				l.wakeAt = c.notBefore
			}
			i++
			continue
		}
		if e.State() != gateway.StateReady {
			break
		}
		if now.Before(l.limitedUntil) {
			if l.wakeAt.IsZero() || l.limitedUntil.Before(l.wakeAt) {
				l.wakeAt = l.limitedUntil
			}
			break
		}
		err := e.Send(now, c.cmd)
		var limited *gateway.SendLimitError
		if errors.As(err, &limited) {
			l.limitedUntil = now.Add(limited.RetryAfter)
			continue // the check above schedules the wake-up
		}
		if err == nil {
			l.s.requests.sent(c)
		} else if c.members != nil {
			c.members.fail(err)
		}
		c.done <- err
		l.removeCommand(i)
	}
	if l.conn != nil {
		l.afterInput()
	}
}

func (l *loop) removeCommand(i int) {
	l.cmds = slices.Delete(l.cmds, i, i+1)
	if len(l.cmds) == 0 {
		l.cmds = nil
	}
}

func (l *loop) failCommands(err error) {
	for _, c := range l.cmds {
		c.done <- err
	}
	l.cmds = nil
	l.s.requests.failAll(err)
}

func resetTimer(t *time.Timer, d time.Duration) {
	t.Stop()
	if d < 0 {
		d = 0
	}
	t.Reset(d)
}

// readResult is one read from the socket.
type readResult struct {
	buf []byte
	err error
}

// reader reads the socket on its own goroutine into two alternating
// buffers, so the owner can process one chunk while the next is read. A
// chunk the owner has not taken stops further reads: TCP back-pressure.
// The buffers grow while reads fill them and shrink when reads are small
// (readBufferSize, maxReadBuffer).
type reader struct {
	ch   chan readResult
	free chan []byte
	quit chan struct{}
}

func startReader(conn net.Conn) *reader {
	r := &reader{ch: make(chan readResult), free: make(chan []byte, 2), quit: make(chan struct{})}
	r.free <- make([]byte, readBufferSize)
	r.free <- make([]byte, readBufferSize)
	go func() {
		size := readBufferSize
		for {
			var buf []byte
			select {
			case buf = <-r.free:
			case <-r.quit:
				return
			}
			if cap(buf) != size {
				buf = make([]byte, size)
			}
			n, err := conn.Read(buf[:cap(buf)])
			switch {
			case n == size && size < maxReadBuffer:
				size *= 2 // more was waiting: read more at once
			case n < readBufferSize/2 && size > readBufferSize:
				size = readBufferSize // the stream slowed down: give the memory back
			}
			select {
			case r.ch <- readResult{buf: buf[:n], err: err}:
			case <-r.quit:
				return
			}
			if err != nil {
				return
			}
		}
	}()
	return r
}

func (r *reader) release(buf []byte) {
	select {
	case r.free <- buf[:0]:
	default:
	}
}

func (r *reader) stop() { close(r.quit) }

// write writes the engine's output to the connection. Without a connection
// the output stays in the engine: the upgrade request waits there while the
// dial is in flight.
func (l *loop) write() {
	if l.conn == nil {
		return
	}
	out := l.e.Output()
	if len(out) == 0 {
		return
	}
	l.conn.SetWriteDeadline(time.Now().Add(l.s.cfg.WriteTimeout))
	if _, err := l.conn.Write(out); err != nil {
		l.e.ConnectionLost(time.Now(), err)
		l.e.Output() // nothing more can be written on this connection
	}
}
