package gateway

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/wirecord/wirecord/discord"
	"github.com/wirecord/wirecord/internal/compress"
	"github.com/wirecord/wirecord/internal/etf"
	"github.com/wirecord/wirecord/internal/wsproto"
)

// State is where the engine is in a connection's life.
type State int

// States.
const (
	// StateDisconnected: no connection. Connect may be called once the
	// back-off has passed (Deadline says when).
	StateDisconnected State = iota
	// StateConnecting: the upgrade request is out; waiting for the 101
	// answer and Hello.
	StateConnecting
	// StateIdentifying: waiting for permission to IDENTIFY, or for READY.
	StateIdentifying
	// StateResuming: RESUME sent; replayed events arrive until RESUMED.
	StateResuming
	// StateReady: the session is live.
	StateReady
	// StateClosing: the engine sent a close frame and waits for Discord's.
	StateClosing
	// StateStopped: the engine is done (fatal close code, or Close).
	StateStopped
)

var stateNames = [...]string{"disconnected", "connecting", "identifying", "resuming", "ready", "closing", "stopped"}

// String returns the state's name, such as "ready".
func (s State) String() string {
	if int(s) < len(stateNames) {
		return stateNames[s]
	}
	return "unknown"
}

// CloseMode chooses what Close does to the session.
type CloseMode int

// Close modes.
const (
	// CloseEndSession closes with 1000: Discord ends the session and the
	// bot shows offline at once.
	CloseEndSession CloseMode = iota
	// CloseKeepSession closes with a non-1000 code, so the session can be
	// resumed for a few minutes, by this engine or by another one given
	// Session() (PROTOCOL.md §6).
	CloseKeepSession
)

// Target says where to dial for a connection.
type Target struct {
	// URL is the full WebSocket URL, query included.
	URL *url.URL
	// Addr is host:port for net.Dial.
	Addr string
	// TLS reports whether the connection needs TLS (wss), with ServerName
	// as the name to verify.
	TLS        bool
	ServerName string
}

const (
	maxHandshakeHead = 16 << 10
	maxUpgradeBody   = 64 << 10
	maxRawInError    = 512
)

// Engine is the protocol engine of one gateway connection, and of the
// session that outlives its reconnects. It does no I/O: the driver feeds it
// bytes and time and carries out what it says. See the package
// documentation for the driving loop.
//
// An Engine is not safe for concurrent use: exactly one goroutine owns it.
type Engine struct {
	cfg   config
	state State
	// sink makes each message the event's own bytes (receiveMessage).
	sink payloadSink

	// per connection
	target       Target
	wsKey        string
	open         bool   // the upgrade succeeded
	head         []byte // handshake bytes until the 101 head is complete
	upgradeErr   *UpgradeError
	upgradeBody  []byte
	upgradeLen   int64 // Content-Length of a refused upgrade, -1 if none
	upgradeChunk bool  // its body is chunked
	reader       wsproto.Reader
	decoder      compress.LendingDecoder
	hb           heartbeater
	limiter      sendLimiter
	deadline     time.Time // handshake or close deadline, by state
	pending      *Disconnected
	identifyWait bool // IdentifyRequired emitted, Identify not yet called
	identified   bool // IDENTIFY or RESUME sent on this connection
	replayed     int
	healthy      bool // ready, and a heartbeat acknowledged since
	usedResume   bool // this connection went to the resume URL

	// session
	session       SessionState
	hasSession    bool
	lost          *SessionState // a session that could not be resumed
	presence      *discord.UpdatePresence
	backoff       backoff
	reconnectAt   time.Time
	nextAction    Action
	resumeURLFail int

	out    []byte
	events []Event
	evHead int
}

// New returns an engine for cfg, disconnected. Config errors (no token, a
// bad URL, an unknown encoding) are reported here.
func New(cfg Config) (*Engine, error) {
	c, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	e := &Engine{
		cfg:        c,
		presence:   c.Presence,
		backoff:    backoff{min: c.BackoffMin, max: c.BackoffMax},
		limiter:    newSendLimiter(c.SendLimit, c.SendWindow),
		nextAction: ActionIdentify,
	}
	e.reader = wsproto.Reader{Role: wsproto.Client, MaxMessageSize: c.MaxMessageSize}
	switch c.Compression {
	case CompressZlib:
		e.decoder = compress.NewZlibStream(c.MaxMessageSize)
	case CompressZstd:
		d, err := compress.NewZstdStream(c.MaxMessageSize, c.MaxZstdWindow)
		if err != nil {
			return nil, fmt.Errorf("gateway: %w", err)
		}
		e.decoder = d
	}
	if s := c.Session; s != nil {
		if s.ShardID != c.ShardID || s.ShardCount != c.ShardCount {
			return nil, fmt.Errorf("gateway: session belongs to shard [%d, %d], not [%d, %d]",
				s.ShardID, s.ShardCount, c.ShardID, c.ShardCount)
		}
		if s.ResumeURL != "" {
			if _, bad := c.checkResumeURL(s.ResumeURL); bad != nil {
				return nil, fmt.Errorf("gateway: the session to resume: %w", bad)
			}
		}
		e.session, e.hasSession = *s, true
		e.nextAction = ActionResume
	}
	return e, nil
}

// State returns the engine's state.
func (e *Engine) State() State { return e.state }

// Session returns the current session, if there is one that could be
// resumed.
func (e *Engine) Session() (SessionState, bool) { return e.session, e.hasSession }

// Seq returns the last sequence number received in the session.
func (e *Engine) Seq() int64 { return e.session.Seq }

// Latency returns the round trip of the last acknowledged heartbeat, or 0.
func (e *Engine) Latency() time.Duration { return e.hb.latency }

// HeartbeatInterval returns the interval of the current connection's Hello.
func (e *Engine) HeartbeatInterval() time.Duration { return e.hb.interval }

// WillResume reports whether the next connection will resume (rather than
// identify).
func (e *Engine) WillResume() bool { return e.hasSession && e.nextAction != ActionIdentify }

// Output returns the bytes to write to the socket and empties the engine's
// buffer. The slice is valid until the next call into the engine.
func (e *Engine) Output() []byte {
	b := e.out
	e.out = e.out[:0]
	return b
}

// NextEvent returns the next event, in order, or false when none is left.
func (e *Engine) NextEvent() (Event, bool) {
	if e.evHead == len(e.events) {
		return nil, false
	}
	ev := e.events[e.evHead]
	e.events[e.evHead] = nil
	e.evHead++
	if e.evHead == len(e.events) {
		e.events, e.evHead = e.events[:0], 0
	}
	return ev, true
}

func (e *Engine) emit(ev Event) { e.events = append(e.events, ev) }

// Deadline returns the next moment the engine needs HandleTimeout (or, when
// disconnected, the moment Connect becomes allowed). ok is false when the
// engine waits for nothing but input.
func (e *Engine) Deadline() (t time.Time, ok bool) {
	switch e.state {
	case StateStopped:
		return time.Time{}, false
	case StateDisconnected:
		return e.reconnectAt, true
	}
	t = e.deadline
	if e.hb.running() && (t.IsZero() || e.hb.next.Before(t)) {
		t = e.hb.next
	}
	return t, !t.IsZero()
}

// SetReadPaused tells the engine that the driver has stopped (or resumed)
// reading the socket, because its event queue is full. While reading is
// paused heartbeats still go out, but an unacknowledged heartbeat is not
// taken for a zombie: its ACK may be waiting unread.
func (e *Engine) SetReadPaused(paused bool) { e.hb.setPaused(paused) }

// ErrTooEarly is returned by Connect before the back-off has passed.
var ErrTooEarly = errors.New("gateway: connect called before the back-off elapsed")

// Connect starts a connection: it queues the WebSocket upgrade request in
// Output and returns where to dial. Whether the connection will RESUME or
// IDENTIFY is the engine's decision (WillResume).
func (e *Engine) Connect(now time.Time) (Target, error) {
	switch e.state {
	case StateStopped:
		return Target{}, ErrStopped
	case StateDisconnected:
	default:
		return Target{}, fmt.Errorf("gateway: connect called while %s", e.state)
	}
	if now.Before(e.reconnectAt) {
		return Target{}, fmt.Errorf("%w (%v left)", ErrTooEarly, e.reconnectAt.Sub(now))
	}
	base := e.cfg.base
	e.usedResume = false
	if e.WillResume() && e.session.ResumeURL != "" && e.resumeURLFail < 2 {
		if u, bad := e.cfg.checkResumeURL(e.session.ResumeURL); bad == nil {
			base, e.usedResume = u, true
		}
	}
	u := *base
	q := u.Query()
	q.Set("v", strconv.Itoa(Version))
	q.Set("encoding", string(e.cfg.Encoding))
	if e.cfg.Compression != CompressNone {
		q.Set("compress", string(e.cfg.Compression))
	} else {
		q.Del("compress")
	}
	u.RawQuery = q.Encode()
	if u.Path == "" {
		u.Path = "/"
	}
	key, err := wsproto.NewKey(e.cfg.Entropy)
	if err != nil {
		return Target{}, fmt.Errorf("gateway: websocket key: %w", err)
	}
	e.resetConnection()
	e.out = e.out[:0] // whatever a dead connection left unwritten is void
	e.wsKey = key
	e.state = StateConnecting
	e.deadline = now.Add(e.cfg.HandshakeTimeout)
	e.target = target(&u)
	hdr := http.Header{"User-Agent": {e.cfg.UserAgent}}
	e.out = wsproto.AppendUpgradeRequest(e.out, &u, key, hdr)
	return e.target, nil
}

func target(u *url.URL) Target {
	t := Target{URL: u, TLS: u.Scheme == "wss", ServerName: u.Hostname()}
	port := u.Port()
	if port == "" {
		port = "80"
		if t.TLS {
			port = "443"
		}
	}
	t.Addr = net.JoinHostPort(u.Hostname(), port)
	return t
}

func (e *Engine) resetConnection() {
	e.open = false
	e.head = e.head[:0]
	e.upgradeErr = nil
	e.upgradeBody = nil
	e.reader.Reset()
	if e.decoder != nil {
		e.decoder.Reset()
	}
	e.hb = heartbeater{paused: e.hb.paused}
	e.limiter.reset()
	e.deadline = time.Time{}
	e.pending = nil
	e.identifyWait = false
	e.identified = false
	e.replayed = 0
	e.healthy = false
}

// Receive feeds bytes read from the socket. Everything Discord says is
// handled here: the upgrade answer, frames, payloads. Replies (pongs,
// heartbeats, RESUME, close frames) are queued in Output; what happened is
// queued as events. It returns ErrNotConnected when there is no connection
// to feed.
func (e *Engine) Receive(now time.Time, data []byte) error {
	switch e.state {
	case StateDisconnected, StateStopped:
		return ErrNotConnected
	}
	if !e.open {
		e.receiveHandshake(now, data)
		return nil
	}
	e.reader.Feed(data)
	e.readFrames(now)
	return nil
}

func (e *Engine) receiveHandshake(now time.Time, data []byte) {
	if e.upgradeErr != nil {
		e.collectUpgradeBody(now, data)
		return
	}
	e.head = append(e.head, data...)
	resp, n, err := wsproto.ReadResponse(e.head, maxHandshakeHead)
	if err != nil {
		e.finish(now, &Disconnected{Code: discord.CloseAbnormal, Initiator: ByServer,
			Err: &HandshakeError{Reason: err.Error()}})
		return
	}
	if n == 0 {
		return
	}
	rest := e.head[n:]
	if resp.StatusCode != http.StatusSwitchingProtocols {
		e.upgradeErr = &UpgradeError{StatusCode: resp.StatusCode, Status: resp.Status, Header: resp.Header}
		e.upgradeLen = resp.ContentLength
		e.upgradeChunk = resp.Chunked
		e.collectUpgradeBody(now, rest)
		return
	}
	if err := wsproto.CheckUpgrade(resp, e.wsKey); err != nil {
		e.finish(now, &Disconnected{Code: discord.CloseAbnormal, Initiator: ByServer,
			Err: &HandshakeError{Reason: err.Error()}})
		return
	}
	e.open = true
	if e.usedResume {
		e.resumeURLFail = 0
	}
	e.reader.Feed(rest)
	e.head = e.head[:0]
	e.readFrames(now)
}

// collectUpgradeBody gathers the body of a refused upgrade, so the error
// can show what the server said, then ends the connection.
func (e *Engine) collectUpgradeBody(now time.Time, data []byte) {
	room := maxUpgradeBody - len(e.upgradeBody)
	if len(data) > room {
		data = data[:room]
	}
	e.upgradeBody = append(e.upgradeBody, data...)
	done := len(e.upgradeBody) >= maxUpgradeBody
	switch {
	case e.upgradeChunk:
		if body, complete, err := wsproto.DecodeChunked(e.upgradeBody); complete || err != nil {
			if err == nil {
				e.upgradeErr.Body = body
			}
			done = true
		}
	case e.upgradeLen >= 0:
		done = done || int64(len(e.upgradeBody)) >= e.upgradeLen
	}
	if done {
		e.finishUpgradeRefused(now)
	}
}

func (e *Engine) finishUpgradeRefused(now time.Time) {
	ue := e.upgradeErr
	if ue.Body == nil {
		ue.Body = e.upgradeBody
		if e.upgradeLen >= 0 && int64(len(ue.Body)) > e.upgradeLen {
			ue.Body = ue.Body[:e.upgradeLen]
		}
	}
	e.finish(now, &Disconnected{Code: discord.CloseAbnormal, Initiator: ByServer, Err: ue})
}

func (e *Engine) readFrames(now time.Time) {
	for e.open && e.state != StateDisconnected && e.state != StateStopped {
		m, ok, err := e.reader.Next()
		if err != nil {
			var pe *wsproto.ProtocolError
			code := discord.CloseProtocolError
			if errors.As(err, &pe) {
				code = discord.CloseCode(pe.Code)
			}
			e.protocolError(now, code, err)
			return
		}
		if !ok {
			return
		}
		switch m.Op {
		case wsproto.OpPing:
			e.out = wsproto.AppendFrame(e.out, wsproto.OpPong, true, m.Payload, e.mask())
		case wsproto.OpPong:
		case wsproto.OpClose:
			e.receiveClose(now, m.Payload)
			return
		case wsproto.OpText, wsproto.OpBinary:
			e.receiveMessage(now, m.Payload)
		}
	}
}

func (e *Engine) receiveMessage(now time.Time, msg []byte) {
	// The sink lives in the Engine: passed as a compress.Sink, a local
	// one would be allocated per message.
	e.sink = payloadSink{etf: e.cfg.Encoding == EncodingETF}
	sink := &e.sink
	defer func() { e.sink = payloadSink{} }() // keep no event's bytes
	if e.decoder == nil {
		sink.Take(msg)
	} else {
		// The decoder lends the message where it decompressed it: the
		// sink makes the event's own bytes from it, and nothing copies
		// it first.
		complete, err := e.decoder.DecodeTo(msg, sink)
		if err != nil {
			code := discord.CloseInvalidPayload
			if errors.Is(err, compress.ErrTooLarge) {
				code = discord.CloseMessageTooBig
			}
			e.protocolError(now, code, err)
			return
		}
		if !complete {
			return
		}
	}
	if sink.err != nil {
		e.emit(&PayloadError{Err: &DecodeError{What: "ETF payload", Err: sink.err}, Raw: sink.raw})
		return
	}
	e.handlePayload(now, sink.payload)
}

// payloadSink makes a gateway message the event's own bytes, from bytes
// it may only borrow (a frame's payload, or a message a decoder lends):
// JSON is copied, ETF transcoded to JSON. err says why ETF could not be
// read; raw is then its start, for the error.
type payloadSink struct {
	etf          bool
	payload, raw []byte
	err          error
}

// Take implements compress.Sink.
func (s *payloadSink) Take(b []byte) {
	if !s.etf {
		s.payload = make([]byte, len(b))
		copy(s.payload, b)
		return
	}
	s.payload, s.err = etf.ToJSON(make([]byte, 0, len(b)+len(b)/2), b)
	if s.err != nil {
		s.raw = truncate(b)
	}
}

func truncate(b []byte) []byte {
	if len(b) > maxRawInError {
		b = b[:maxRawInError]
	}
	return append([]byte(nil), b...)
}

func (e *Engine) handlePayload(now time.Time, payload []byte) {
	env, err := parseEnvelope(payload)
	if err == nil && !env.hasOp {
		err = errors.New("payload has no op")
	}
	if err != nil {
		e.emit(&PayloadError{Err: &DecodeError{What: "payload", Err: err}, Raw: truncate(payload)})
		return
	}
	if e.state == StateClosing {
		// Our close frame is out: the decision it carries stands. What
		// crosses it is still delivered if it is an event, and otherwise
		// changes nothing (a Hello must not start a session, an op 7 or
		// op 9 must not turn a stop into a reconnect).
		switch env.op {
		case discord.OpDispatch:
			e.handleDispatch(now, &env, payload)
		case discord.OpHello, discord.OpHeartbeat, discord.OpReconnect, discord.OpInvalidSession, discord.OpHeartbeatACK:
		default:
			e.emit(&PayloadError{Err: &UnknownOpcodeError{Op: env.op}, Raw: truncate(payload)})
		}
		return
	}
	switch env.op {
	case discord.OpDispatch:
		e.handleDispatch(now, &env, payload)
	case discord.OpHeartbeat:
		// Discord asks for a heartbeat now (PROTOCOL.md §4).
		if e.hb.interval > 0 {
			e.sendHeartbeat(now, false)
		}
	case discord.OpReconnect:
		e.emit(&Reconnect{})
		e.closeAndReconnect(now, discord.CloseResumable, "reconnect requested", e.resumeOrIdentify(), nil)
		e.pending.Cause = "reconnect_requested"
	case discord.OpInvalidSession:
		resumable := env.data != nil && string(env.data) == "true"
		e.emit(&InvalidSession{Resumable: resumable})
		if resumable && e.hasSession {
			e.closeAndReconnect(now, discord.CloseResumable, "invalid session (resumable)", ActionResume, nil)
			e.pending.Cause = "invalid_session"
			return
		}
		// d=false: the session is gone. Wait 1-5 s, then IDENTIFY on a
		// new connection. The wait is from the pre-2022 docs and
		// Discord staff (PROTOCOL.md §6, §15.2); the current docs say
		// only to reconnect and identify.
		e.loseSession()
		e.closeAndReconnect(now, discord.CloseNormal, "invalid session", ActionIdentify, nil)
		e.pending.Cause = "invalid_session"
		if e.pending != nil {
			e.pending.Wait = max(e.pending.Wait, time.Second+time.Duration(e.cfg.Rand()*float64(4*time.Second)))
		}
	case discord.OpHello:
		e.handleHello(now, env.data, payload)
	case discord.OpHeartbeatACK:
		if e.hb.ack(now) {
			if e.state == StateReady {
				e.healthy = true
			}
			e.emit(&HeartbeatAck{Latency: e.hb.latency})
		}
	default:
		e.emit(&PayloadError{Err: &UnknownOpcodeError{Op: env.op}, Raw: truncate(payload)})
	}
}

func (e *Engine) handleHello(now time.Time, data, payload []byte) {
	if e.identified || e.identifyWait {
		return // a second Hello changes nothing
	}
	interval, clamped, err := heartbeatInterval(data, e.cfg.SendLimit, e.cfg.SendWindow)
	if err != nil {
		e.emit(&PayloadError{Err: &DecodeError{What: "hello", Err: err}, Raw: truncate(payload)})
		return
	}
	if clamped != nil {
		e.emit(&OutOfRange{Err: clamped})
	}
	e.deadline = time.Time{}
	e.hb.start(now, interval, e.cfg.Rand())
	e.emit(&Hello{HeartbeatInterval: interval})
	if e.WillResume() {
		e.state = StateResuming
		e.identified = true
		e.writePayload(now, discord.OpResume, discord.Resume{
			Token: e.cfg.Token, SessionID: e.session.ID, Seq: e.session.Seq,
		})
		return
	}
	e.state = StateIdentifying
	e.identifyWait = true
	e.emit(&IdentifyRequired{})
}

// Identify sends IDENTIFY. Call it after IdentifyRequired, once the
// identify queue allows it.
func (e *Engine) Identify(now time.Time) error {
	if e.state != StateIdentifying || !e.identifyWait {
		return ErrNotIdentifying
	}
	e.identifyWait = false
	e.identified = true
	id := discord.Identify{
		Token:          e.cfg.Token,
		Properties:     e.cfg.Properties,
		LargeThreshold: e.cfg.LargeThreshold,
		Presence:       e.presence,
		Intents:        e.cfg.Intents,
	}
	if e.cfg.ShardCount > 0 {
		id.Shard = &[2]int{e.cfg.ShardID, e.cfg.ShardCount}
	}
	return e.writePayload(now, discord.OpIdentify, id)
}

type readyFields struct {
	SessionID        string `json:"session_id"`
	ResumeGatewayURL string `json:"resume_gateway_url"`
}

// maxDataSlack is how much larger than Dispatch.Data the memory it lies
// in may be: the dispatcher's typed strings point into Data, and a string
// a handler keeps keeps that memory alive.
const maxDataSlack = 4 << 10

func (e *Engine) handleDispatch(now time.Time, env *envelope, payload []byte) {
	name := internName(env.name)
	last := e.session.Seq
	if name == discord.EventReady {
		last = 0 // a new session counts from 1
	}
	verdict, bad := checkSeq(last, env)
	switch verdict {
	case seqReplay:
		// A number already delivered, or already reported missing by a
		// SequenceGap: each event is delivered once per session.
		return
	case seqBad:
		e.badSequence(now, bad)
		return
	case seqGap:
		e.emit(&SequenceGap{After: last, Next: env.seq})
	}
	if name == discord.EventReady {
		e.session.Seq = 0
	}
	if env.hasSeq {
		e.session.Seq = env.seq
	}
	d := &Dispatch{Seq: env.seq, Name: name, Data: env.data}
	if cap(payload)-len(env.data) > maxDataSlack {
		// The memory Data lies in is much larger than Data (an envelope
		// holding more than d, an ETF transcode buffer sized from the
		// ETF): Data gets its own, so what keeps it keeps only it.
		d.Data = bytes.Clone(env.data)
	}
	if env.dataErr != nil {
		d.Data = payload
		d.Err = &DecodeError{What: "dispatch " + name, Err: env.dataErr}
	}
	if e.state == StateResuming && name != discord.EventResumed {
		e.replayed++
	}
	e.emit(d)
	switch name {
	case discord.EventReady:
		var r readyFields
		if d.Err == nil {
			if err := json.Unmarshal(env.data, &r); err != nil {
				d.Err = &DecodeError{What: "READY", Err: err}
			}
		}
		if r.ResumeGatewayURL != "" {
			if _, bad := e.cfg.checkResumeURL(r.ResumeGatewayURL); bad != nil {
				e.emit(&OutOfRange{Err: bad})
				r.ResumeGatewayURL = ""
			}
		}
		prev := e.lost
		e.lost = nil
		e.session = SessionState{ID: r.SessionID, Seq: e.session.Seq, ResumeURL: r.ResumeGatewayURL,
			ShardID: e.cfg.ShardID, ShardCount: e.cfg.ShardCount}
		e.hasSession = r.SessionID != ""
		// A READY or RESUMED can cross our close frame: the close still
		// stands, and a session the close ends is not kept.
		closing := e.state == StateClosing
		if !closing {
			e.state = StateReady
		}
		e.emit(&SessionStarted{Session: e.session, Previous: prev})
		if closing && e.pending.Code == discord.CloseNormal {
			e.loseSession()
			e.lost = nil
		}
	case discord.EventResumed:
		if e.state != StateClosing {
			e.state = StateReady
		}
		e.emit(&Resumed{Session: e.session, Replayed: e.replayed})
	}
}

// loseSession forgets the session, keeping a note of it so the next READY
// can say which session it replaced.
func (e *Engine) loseSession() {
	if e.hasSession {
		s := e.session
		e.lost = &s
	}
	e.hasSession = false
	e.session = SessionState{}
}

func (e *Engine) resumeOrIdentify() Action {
	if e.hasSession {
		return ActionResume
	}
	return ActionIdentify
}

// HandleTimeout does what is due at now: a heartbeat (or, if the last one
// went unacknowledged, the zombie reconnect), a handshake or close that
// took too long.
func (e *Engine) HandleTimeout(now time.Time) {
	switch e.state {
	case StateDisconnected, StateStopped:
		return
	case StateConnecting:
		if !e.deadline.IsZero() && !now.Before(e.deadline) {
			code := discord.CloseAbnormal
			if e.open {
				code = discord.CloseResumable
				e.out = wsproto.AppendClose(e.out, uint16(code), "hello timeout", e.mask())
			}
			e.finish(now, &Disconnected{Code: code, Initiator: ByClient, Err: ErrHandshakeTimeout})
		}
		return
	case StateClosing:
		if !now.Before(e.deadline) {
			d := e.pending
			if d.Err == nil {
				d.Err = ErrCloseTimeout
			}
			e.finish(now, d)
		}
		return
	}
	if e.hb.due(now) {
		if e.hb.zombie() {
			// No ACK since the last heartbeat: the connection is dead
			// however open the socket looks. Close with a code that
			// keeps the session and resume (PROTOCOL.md §4).
			e.out = wsproto.AppendClose(e.out, uint16(discord.CloseResumable), "heartbeat not acknowledged", e.mask())
			e.finish(now, &Disconnected{Code: discord.CloseResumable, Initiator: ByClient, Err: ErrZombie,
				Action: e.resumeOrIdentify()})
			return
		}
		e.sendHeartbeat(now, true)
	}
}

func (e *Engine) sendHeartbeat(now time.Time, regular bool) {
	var d []byte
	if e.session.Seq > 0 {
		d = appendInt(nil, e.session.Seq)
	} else {
		d = []byte("null")
	}
	e.writeRaw(now, discord.OpHeartbeat, d)
	e.hb.beat(now, regular)
}

// ConnectionLost tells the engine the socket is gone: dialing failed, or a
// read or write returned an error or EOF. The engine decides what comes
// next and reports it as a Disconnected event.
func (e *Engine) ConnectionLost(now time.Time, err error) {
	switch e.state {
	case StateDisconnected, StateStopped:
		return
	case StateClosing:
		e.finish(now, e.pending)
		return
	}
	if e.upgradeErr != nil {
		e.finishUpgradeRefused(now)
		return
	}
	if err == nil {
		err = ErrConnectionLost
	} else {
		err = fmt.Errorf("%w: %w", ErrConnectionLost, err)
	}
	e.finish(now, &Disconnected{Code: discord.CloseAbnormal, Initiator: ByNetwork, Err: err})
}

// Close closes the connection on purpose and stops the engine. With
// CloseKeepSession the session stays resumable and Session returns it; with
// CloseEndSession Discord ends it. When a connection is open the engine
// sends the close frame and waits (up to Config.CloseTimeout) for
// Discord's answer; a Disconnected event with ActionStop ends it.
//
// Only a 1000 or 1001 on one of its own connections ends a session. So
// CloseEndSession while the engine is on its way to resume (closing or
// having closed a connection after op 7, a zombie or a drop, or dialling,
// or resuming on the next one) does nothing: the session is kept, the
// driver resumes as the engine says, and once Resumed calls
// Close(CloseEndSession) again, which ends the session with 1000
// (shard.Shard does).
func (e *Engine) Close(now time.Time, mode CloseMode) {
	if mode == CloseEndSession && e.closingToResume() {
		return
	}
	code, reason := discord.CloseResumable, "closing, will resume"
	if mode == CloseEndSession {
		code, reason = discord.CloseNormal, "closing"
		e.loseSession()
		e.lost = nil
	}
	switch e.state {
	case StateStopped:
		return
	case StateClosing:
		e.pending.Action = ActionStop
		if mode == CloseEndSession {
			e.pending.Code = code
		}
		return
	case StateDisconnected:
		e.finish(now, &Disconnected{Code: code, Initiator: ByClient, Action: ActionStop, Cause: "closed"})
		return
	}
	if !e.open {
		e.finish(now, &Disconnected{Code: code, Initiator: ByClient, Action: ActionStop, Cause: "closed"})
		return
	}
	e.closeAndReconnect(now, code, reason, ActionStop, nil)
	e.pending.Cause = "closed"
}

// closingToResume reports whether the engine is on its way to resume the
// session: closing (or having closed) a connection in a way that keeps
// it, or connecting or resuming on the next one.
func (e *Engine) closingToResume() bool {
	switch e.state {
	case StateClosing:
		return e.hasSession && e.pending != nil && e.pending.Action == ActionResume &&
			e.pending.Code != discord.CloseNormal && e.pending.Code != discord.CloseGoingAway
	case StateDisconnected:
		return e.hasSession && e.nextAction == ActionResume
	case StateConnecting, StateResuming:
		// The session is held at Discord and this connection is to
		// resume it: ending it takes that resume first.
		return e.WillResume()
	}
	return false
}

// closeAndReconnect sends a close frame and waits for Discord's answer
// before acting. The decision is made now, while the reason is known.
func (e *Engine) closeAndReconnect(now time.Time, code discord.CloseCode, reason string, action Action, err error) {
	e.out = wsproto.AppendClose(e.out, uint16(code), reason, e.mask())
	e.hb.stop()
	e.pending = &Disconnected{Code: code, Reason: reason, Initiator: ByClient, Action: action, Err: err}
	e.state = StateClosing
	e.deadline = now.Add(e.cfg.CloseTimeout)
}

func (e *Engine) protocolError(now time.Time, code discord.CloseCode, err error) {
	pe := &ProtocolError{Code: code, Err: err}
	// The stream is broken; there is no point waiting for an answer.
	e.out = wsproto.AppendClose(e.out, uint16(code), "", e.mask())
	e.finish(now, &Disconnected{Code: code, Initiator: ByClient, Err: pe, Action: e.resumeOrIdentify()})
}

func (e *Engine) receiveClose(now time.Time, payload []byte) {
	code, reason, err := wsproto.ParseClose(payload)
	if err != nil {
		e.protocolError(now, discord.CloseProtocolError, err)
		return
	}
	cc := discord.CloseCode(code)
	if e.state == StateClosing {
		// Discord answered our close. A fatal code still wins.
		d := e.pending
		if cc.Fatal() {
			d = &Disconnected{Code: cc, Reason: reason, Initiator: ByServer}
		}
		e.finish(now, d)
		return
	}
	// Echo the close (RFC 6455 §5.5.1), then act on the code.
	echo := uint16(0)
	if wsproto.ValidCloseCode(code) {
		echo = code
	}
	e.out = wsproto.AppendClose(e.out, echo, "", e.mask())
	e.finish(now, &Disconnected{Code: cc, Reason: reason, Initiator: ByServer})
}

// finish ends the connection with d, filling in the decision where it is
// not made yet, and queues d as an event.
func (e *Engine) finish(now time.Time, d *Disconnected) {
	if d.Initiator == ByServer && d.Code >= 4000 {
		ce := &CloseError{Code: d.Code, Reason: d.Reason}
		if d.Err == nil {
			d.Err = ce
		}
		switch {
		case d.Code.Fatal():
			d.Action, d.Fatal = ActionStop, ce
		case !d.Code.Resumable():
			// 4007, 4009: start a new session (PROTOCOL.md §3, §15.3).
			e.loseSession()
			d.Action = ActionIdentify
		}
	}
	if d.Action == 0 {
		d.Action = e.resumeOrIdentify()
	}
	if d.Cause == "" {
		d.Cause = causeOf(d)
	}
	if d.Action == ActionResume && !e.hasSession {
		d.Action = ActionIdentify
	}
	if e.healthy {
		e.backoff.reset()
	}
	if e.usedResume && !e.open {
		e.resumeURLFail++
	}
	e.hb.stop()
	e.open = false
	e.pending = nil
	e.deadline = time.Time{}
	if d.Action == ActionStop {
		d.Wait = 0
		e.state = StateStopped
	} else {
		d.Wait = max(d.Wait, e.backoff.next(e.cfg.Rand))
		e.state = StateDisconnected
		e.nextAction = d.Action
		e.reconnectAt = now.Add(d.Wait)
	}
	e.emit(d)
}

// Send sends a command (presence, voice state, guild members, soundboard
// sounds, channel info) on the ready session. It refuses, without sending
// anything: a payload over 4096 bytes (*PayloadTooLargeError), a command
// over the connection's send budget (*SendLimitError, which says when to
// retry), and any command while the session is not ready (ErrNotReady).
// IDENTIFY, RESUME and heartbeats are the engine's own business.
func (e *Engine) Send(now time.Time, cmd discord.Command) error {
	switch e.state {
	case StateStopped:
		return ErrStopped
	case StateReady:
	default:
		return ErrNotReady
	}
	op := cmd.Op()
	switch op {
	case discord.OpIdentify, discord.OpResume, discord.OpHeartbeat:
		return fmt.Errorf("gateway: %s is sent by the engine itself", op)
	}
	if v, ok := cmd.(interface{ Validate() error }); ok {
		if err := v.Validate(); err != nil {
			return err
		}
	}
	payload, err := e.encode(op, cmd)
	if err != nil {
		return err
	}
	if len(payload) > MaxPayloadSize {
		return &PayloadTooLargeError{Op: op, Size: len(payload)}
	}
	if ok, wait := e.limiter.allow(now, heartbeatReserve(e.cfg.SendLimit, e.cfg.SendWindow, e.hb.interval)); !ok {
		return &SendLimitError{RetryAfter: wait}
	}
	e.writeMessage(now, payload)
	if p, ok := cmd.(discord.UpdatePresence); ok {
		e.presence = &p
	} else if p, ok := cmd.(*discord.UpdatePresence); ok {
		cp := *p
		e.presence = &cp
	}
	return nil
}

// writePayload encodes and sends an engine payload (IDENTIFY, RESUME).
func (e *Engine) writePayload(now time.Time, op discord.Opcode, d any) error {
	payload, err := e.encode(op, d)
	if err != nil {
		return err
	}
	e.writeMessage(now, payload)
	return nil
}

func (e *Engine) writeRaw(now time.Time, op discord.Opcode, d []byte) {
	js := make([]byte, 0, 16+len(d))
	js = append(js, `{"op":`...)
	js = appendInt(js, int64(op))
	js = append(js, `,"d":`...)
	js = append(js, d...)
	js = append(js, '}')
	payload, err := e.toWire(js)
	if err != nil {
		return // cannot happen: the JSON is ours
	}
	e.writeMessage(now, payload)
}

// encode builds {"op":op,"d":d} in the connection's encoding.
func (e *Engine) encode(op discord.Opcode, d any) ([]byte, error) {
	data, err := json.Marshal(d)
	if err != nil {
		return nil, fmt.Errorf("gateway: encoding %s: %w", op, err)
	}
	js := make([]byte, 0, 16+len(data))
	js = append(js, `{"op":`...)
	js = appendInt(js, int64(op))
	js = append(js, `,"d":`...)
	js = append(js, data...)
	js = append(js, '}')
	return e.toWire(js)
}

func (e *Engine) toWire(js []byte) ([]byte, error) {
	if e.cfg.Encoding != EncodingETF {
		return js, nil
	}
	b, err := etf.FromJSON(make([]byte, 0, len(js)), js)
	if err != nil {
		return nil, fmt.Errorf("gateway: encoding ETF: %w", err)
	}
	return b, nil
}

func (e *Engine) writeMessage(now time.Time, payload []byte) {
	op := wsproto.OpText
	if e.cfg.Encoding == EncodingETF {
		op = wsproto.OpBinary
	}
	e.out = wsproto.AppendFrame(e.out, op, true, payload, e.mask())
	e.limiter.record(now)
}

// mask returns a fresh masking key for a client frame (RFC 6455 §5.3).
func (e *Engine) mask() *[4]byte {
	var m [4]byte
	if _, err := e.cfg.Entropy.Read(m[:]); err != nil {
		// crypto/rand does not fail; an injected source might. A fixed
		// mask is still a valid frame.
		m = [4]byte{0x5a, 0xa5, 0x3c, 0xc3}
	}
	return &m
}

// causeOf labels a disconnect whose cause was not set where it happened.
func causeOf(d *Disconnected) string {
	var ue *UpgradeError
	var he *HandshakeError
	var pe *ProtocolError
	switch {
	case errors.Is(d.Err, ErrZombie):
		return "zombie"
	case errors.Is(d.Err, ErrHandshakeTimeout):
		return "handshake_timeout"
	case errors.As(d.Err, &ue):
		return "upgrade_refused"
	case errors.As(d.Err, &he):
		return "handshake_failed"
	case errors.As(d.Err, &pe):
		return "protocol_error"
	case d.Initiator == ByServer:
		return "close_" + strconv.Itoa(int(d.Code))
	case d.Initiator == ByNetwork:
		return "network"
	}
	return "closed"
}
