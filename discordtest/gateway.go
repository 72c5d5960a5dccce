package discordtest

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wirecord/wirecord/discord"
	"github.com/wirecord/wirecord/internal/compress"
	"github.com/wirecord/wirecord/internal/etf"
	"github.com/wirecord/wirecord/internal/wsproto"
)

const (
	// maxClientFrame bounds a client's WebSocket message; a payload over
	// 4096 bytes but under this is answered with 4002, as Discord does.
	maxClientFrame = 1 << 20
	maxTranscript  = 10000
	maxReplay      = 100000
)

// Frame is one payload in a connection's transcript.
type Frame struct {
	Time time.Time
	// Out is true for what the server sent.
	Out  bool
	Op   discord.Opcode
	Seq  int64
	Name string
	Size int
	// Close is set for close frames (Op is then -1).
	Close uint16
}

// Conn is one gateway connection to the server. Its methods inject faults
// and read its transcript; they are safe for concurrent use.
type Conn struct {
	s        *Server
	id       int
	listener string
	nc       net.Conn
	enc      string // json or etf
	comp     string
	encoder  interface {
		Encode(dst, payload []byte) []byte
		Reset()
	}

	out    chan outItem
	closed chan struct{}
	once   sync.Once

	noAck   atomic.Bool
	stalled atomic.Bool
	unstall chan struct{}

	mu          sync.Mutex
	sess        *session
	identified  bool
	shard       int
	sent        []time.Time
	lastBeat    time.Time
	watchdog    *time.Timer
	closeSent   uint16
	closeRecv   uint16
	closeByPeer bool
	transcript  []Frame
	closing     bool
}

type outItem struct {
	payload []byte // a JSON payload, to encode, compress and frame
	frame   []byte // bytes to write as they are
	close   uint16 // write a close frame with this code, then wait for the echo
	reason  string
	drop    bool // close the TCP connection without a close frame
	rec     Frame
}

// session is a gateway session: it outlives connections, for resuming.
type session struct {
	id         string
	shardID    int
	shardCount int
	intents    discord.Intents

	mu       sync.Mutex
	seq      int64
	replay   []stored
	conn     *Conn
	lostAt   time.Time
	invalid  bool
	readyNow bool     // READY queued: events may flow
	early    []stored // events that came while READY was being sent
}

type stored struct {
	seq     int64
	payload []byte
	name    string
}

// ID returns the connection id (1, 2, ...), as in records.
func (c *Conn) ID() int { return c.id }

// Listener returns "main" or "resume": which address the client used.
func (c *Conn) Listener() string { return c.listener }

// Shard returns the shard the connection identified or resumed as, or -1.
func (c *Conn) Shard() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sess == nil {
		return -1
	}
	return c.shard
}

// SessionID returns the connection's session id, or "".
func (c *Conn) SessionID() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sess == nil {
		return ""
	}
	return c.sess.id
}

// Done is closed when the connection has ended.
func (c *Conn) Done() <-chan struct{} { return c.closed }

// CloseCodes returns the close code the server sent and the one the client
// sent (0 when none).
func (c *Conn) CloseCodes() (sent, received uint16) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closeSent, c.closeRecv
}

// Transcript returns the payloads in and out, in order (the last 10000).
func (c *Conn) Transcript() []Frame {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Frame(nil), c.transcript...)
}

func (c *Conn) note(f Frame) {
	c.mu.Lock()
	if len(c.transcript) >= maxTranscript {
		copy(c.transcript, c.transcript[1:])
		c.transcript = c.transcript[:len(c.transcript)-1]
	}
	c.transcript = append(c.transcript, f)
	c.mu.Unlock()
}

// Conns returns the open gateway connections, oldest first.
func (s *Server) Conns() []*Conn {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*Conn
	for _, c := range s.allConns {
		if s.conns[c.id] != nil {
			out = append(out, c)
		}
	}
	return out
}

// AllConns returns every connection ever made, open or not.
func (s *Server) AllConns() []*Conn {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*Conn(nil), s.allConns...)
}

// ConnForShard returns the newest open connection whose session is for
// shard id, or nil.
func (s *Server) ConnForShard(id int) *Conn {
	conns := s.Conns()
	for i := len(conns) - 1; i >= 0; i-- {
		if conns[i].Shard() == id {
			return conns[i]
		}
	}
	return nil
}

func (s *Server) serveGateway(w http.ResponseWriter, r *http.Request, listener string) {
	key, err := wsproto.CheckUpgradeRequest(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	hj, ok := w.(http.Hijacker)
	if !ok {
		http.Error(w, "no hijacking", http.StatusInternalServerError)
		return
	}
	// The handler counts in s.wg from here, under the lock that Close takes
	// to set closed: Close's Wait either sees this Add or this handler sees
	// closed. net/http stops tracking a hijacked connection, so Shutdown
	// alone would not wait for the rest of the upgrade.
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		http.Error(w, "closed", http.StatusServiceUnavailable)
		return
	}
	s.wg.Add(1)
	s.mu.Unlock()
	defer s.wg.Done()
	nc, brw, err := hj.Hijack()
	if err != nil {
		return
	}
	q := r.URL.Query()
	c := &Conn{s: s, id: int(s.nextConn.Add(1)), listener: listener, nc: nc,
		enc: q.Get("encoding"), comp: q.Get("compress"),
		out: make(chan outItem, 8192), closed: make(chan struct{}), unstall: make(chan struct{}, 1), shard: -1}
	c.noAck.Store(false)
	if _, err := nc.Write(wsproto.AppendUpgradeResponse(nil, key, nil)); err != nil {
		nc.Close()
		return
	}
	s.mu.Lock()
	if s.closed {
		// Close took its list of connections before this one was in it.
		s.mu.Unlock()
		nc.Close()
		return
	}
	s.conns[c.id] = c
	s.allConns = append(s.allConns, c)
	s.mu.Unlock()
	s.rec.add(KindConnected, c.id, -1, "listener=%s v=%s encoding=%s compress=%s", listener, q.Get("v"), c.enc, c.comp)

	s.wg.Add(2)
	go func() { defer s.wg.Done(); c.writeLoop() }()
	go func() { defer s.wg.Done(); c.readLoop(brw.Reader) }()

	switch {
	// Discord serves versions 10 and 9; older ones are deprecated or gone
	// (PROTOCOL.md §13).
	case q.Get("v") != "10" && q.Get("v") != "9":
		s.rec.violation(RuleInvalidVersion, c.id, -1, "v="+q.Get("v"))
		c.closeWith(uint16(discord.CloseInvalidAPIVersion), "Invalid API version")
		return
	case c.enc == "":
		c.enc = "json"
	case c.enc != "json" && c.enc != "etf":
		s.rec.violation(RuleDecodeError, c.id, -1, "encoding="+c.enc)
		c.closeWith(uint16(discord.CloseDecodeError), "Invalid encoding")
		return
	}
	switch c.comp {
	case "":
	case "zlib-stream":
		c.encoder = compress.NewZlibStreamEncoder(-1)
	case "zstd-stream":
		z, err := compress.NewZstdStreamEncoder(1 << 18)
		if err != nil {
			c.Drop()
			return
		}
		c.encoder = z
	default:
		s.rec.violation(RuleDecodeError, c.id, -1, "compress="+c.comp)
		c.closeWith(uint16(discord.CloseDecodeError), "Invalid compression")
		return
	}
	interval := s.opts.heartbeatInterval
	c.mu.Lock()
	c.lastBeat = time.Now()
	c.watchdog = time.AfterFunc(interval+s.opts.heartbeatGrace, c.missedHeartbeat)
	c.mu.Unlock()
	c.sendOp(discord.OpHello, map[string]any{"heartbeat_interval": interval.Milliseconds()})
}

// sendOp queues a non-dispatch payload (s and t null, PROTOCOL.md §15.5).
func (c *Conn) sendOp(op discord.Opcode, d any) {
	data, _ := json.Marshal(d)
	p := fmt.Appendf(nil, `{"op":%d,"d":%s,"s":null,"t":null}`, int(op), data)
	c.queue(outItem{payload: p, rec: Frame{Out: true, Op: op, Size: len(p)}})
}

func (c *Conn) queue(it outItem) {
	select {
	case <-c.closed:
		return
	default:
	}
	select {
	case c.out <- it:
	case <-c.closed:
	default:
		// Discord drops a client that cannot keep up.
		// queue may run under a session's lock; hang up elsewhere.
		go func() {
			c.s.rec.add(KindFault, c.id, c.Shard(), "client too slow: outgoing buffer full, dropped")
			c.Drop()
		}()
	}
}

func (c *Conn) writeLoop() {
	defer c.shutdown()
	var buf []byte
	for {
		var it outItem
		select {
		case it = <-c.out:
		case <-c.closed:
			return
		}
		for c.stalled.Load() {
			select {
			case <-c.unstall:
			case <-c.closed:
				return
			}
		}
		buf = buf[:0]
		switch {
		case it.drop:
			return
		case it.frame != nil:
			buf = append(buf, it.frame...)
		case it.close != 0 || it.reason != "":
			buf = wsproto.AppendClose(buf, it.close, it.reason, nil)
			c.mu.Lock()
			c.closeSent = it.close
			c.closing = true
			c.mu.Unlock()
			c.note(Frame{Time: time.Now(), Out: true, Op: -1, Close: it.close})
		default:
			p := it.payload
			if c.enc == "etf" {
				var err error
				if p, err = etf.FromJSON(nil, p); err != nil {
					continue
				}
			}
			op := wsproto.OpText
			if c.encoder != nil {
				p = c.encoder.Encode(nil, p)
				op = wsproto.OpBinary
			} else if c.enc == "etf" {
				op = wsproto.OpBinary
			}
			buf = wsproto.AppendFrame(buf, op, true, p, nil)
			it.rec.Time = time.Now()
			c.note(it.rec)
		}
		c.nc.SetWriteDeadline(time.Now().Add(10 * time.Second))
		if _, err := c.nc.Write(buf); err != nil {
			return
		}
		if it.close != 0 || it.reason != "" {
			// Wait for the client's echo, briefly, then hang up.
			select {
			case <-c.closed:
			case <-time.After(2 * time.Second):
			}
			return
		}
	}
}

func (c *Conn) readLoop(br *bufio.Reader) {
	defer c.shutdown()
	rd := wsproto.Reader{Role: wsproto.Server, MaxMessageSize: maxClientFrame}
	buf := make([]byte, 32<<10)
	// Bytes the HTTP server had already buffered belong to the stream.
	if n := br.Buffered(); n > 0 {
		b, _ := br.Peek(n)
		rd.Feed(b)
	}
	for {
		if !c.drain(&rd) {
			return
		}
		for c.stalled.Load() {
			select {
			case <-c.unstall:
			case <-c.closed:
				return
			}
		}
		n, err := c.nc.Read(buf)
		if n > 0 {
			rd.Feed(buf[:n])
		}
		if err != nil {
			c.drain(&rd)
			return
		}
	}
}

// drain handles every complete message; false means the connection ends.
func (c *Conn) drain(rd *wsproto.Reader) bool {
	for {
		m, ok, err := rd.Next()
		if err != nil {
			code := uint16(discord.CloseProtocolError)
			if pe, ok := err.(*wsproto.ProtocolError); ok {
				code = pe.Code
				if code == uint16(discord.CloseMessageTooBig) {
					c.s.rec.violation(RulePayloadTooLarge, c.id, c.Shard(), err.Error())
					c.closeWith(uint16(discord.CloseDecodeError), "Decode error")
					return true
				}
			}
			c.s.rec.violation(RuleWebSocketProtocol, c.id, c.Shard(), err.Error())
			c.closeWith(code, "")
			return false
		}
		if !ok {
			return true
		}
		switch m.Op {
		case wsproto.OpPing:
			c.queue(outItem{frame: wsproto.AppendFrame(nil, wsproto.OpPong, true, m.Payload, nil)})
		case wsproto.OpClose:
			code, _, _ := wsproto.ParseClose(m.Payload)
			c.mu.Lock()
			c.closeRecv = code
			closing := c.closing
			if !closing {
				c.closeByPeer = true
			}
			c.mu.Unlock()
			c.note(Frame{Time: time.Now(), Op: -1, Close: code})
			if !closing {
				echo := uint16(0)
				if wsproto.ValidCloseCode(code) {
					echo = code
				}
				c.nc.SetWriteDeadline(time.Now().Add(time.Second))
				c.nc.Write(wsproto.AppendClose(nil, echo, "", nil))
			}
			return false
		case wsproto.OpText, wsproto.OpBinary:
			c.handle(m.Payload)
		}
	}
}

// shutdown ends the connection once, from whichever side.
func (c *Conn) shutdown() {
	c.once.Do(func() {
		close(c.closed)
		c.nc.Close()
		c.mu.Lock()
		if c.watchdog != nil {
			c.watchdog.Stop()
		}
		sess := c.sess
		sent, recv, byPeer := c.closeSent, c.closeRecv, c.closeByPeer
		c.mu.Unlock()
		if sess != nil {
			sess.mu.Lock()
			if sess.conn == c {
				sess.conn = nil
				sess.lostAt = time.Now()
				if byPeer && (recv == uint16(discord.CloseNormal) || recv == uint16(discord.CloseGoingAway)) {
					// A client closing with 1000 or 1001 ends its session;
					// its echo of our own close does not.
					sess.invalid = true
				}
			}
			sess.mu.Unlock()
		}
		c.s.mu.Lock()
		delete(c.s.conns, c.id)
		c.s.mu.Unlock()
		c.s.rec.add(KindDisconnected, c.id, c.Shard(), "close sent=%d received=%d", sent, recv)
	})
}

// closeWith sends a close frame (after what is queued) and ends the
// connection.
func (c *Conn) closeWith(code uint16, reason string) {
	c.queue(outItem{close: code, reason: reason})
}

func (c *Conn) missedHeartbeat() {
	c.mu.Lock()
	sess := c.sess
	last := c.lastBeat
	c.mu.Unlock()
	c.s.rec.violation(RuleMissedHeartbeat, c.id, c.Shard(), fmt.Sprintf("no heartbeat since %v", time.Since(last).Round(time.Millisecond)))
	// Discord documents no code for this (PROTOCOL.md §15.4); 4009
	// "session timed out" is the likely one, and it ends the session.
	if sess != nil {
		sess.mu.Lock()
		sess.invalid = true
		sess.mu.Unlock()
	}
	c.closeWith(uint16(discord.CloseSessionTimedOut), "Session timed out")
}

type clientPayload struct {
	Op discord.Opcode  `json:"op"`
	D  json.RawMessage `json:"d"`
}

func (c *Conn) handle(raw []byte) {
	s := c.s
	now := time.Now()
	if len(raw) > 4096 {
		s.rec.violation(RulePayloadTooLarge, c.id, c.Shard(), fmt.Sprintf("%d bytes", len(raw)))
		c.closeWith(uint16(discord.CloseDecodeError), "Decode error")
		return
	}
	c.mu.Lock()
	cut := 0
	for cut < len(c.sent) && now.Sub(c.sent[cut]) >= s.opts.sendWindow {
		cut++
	}
	c.sent = append(c.sent[cut:], now)
	over := len(c.sent) > s.opts.sendLimit
	c.mu.Unlock()
	if over {
		s.rec.violation(RuleSendRateLimit, c.id, c.Shard(), fmt.Sprintf("%d payloads in %v", s.opts.sendLimit+1, s.opts.sendWindow))
		c.closeWith(uint16(discord.CloseRateLimited), "Rate limited.")
		return
	}
	js := raw
	if c.enc == "etf" {
		var err error
		if js, err = etf.ToJSON(nil, raw); err != nil {
			s.rec.violation(RuleDecodeError, c.id, c.Shard(), err.Error())
			c.closeWith(uint16(discord.CloseDecodeError), "Decode error")
			return
		}
	}
	var p clientPayload
	if err := json.Unmarshal(js, &p); err != nil {
		s.rec.violation(RuleDecodeError, c.id, c.Shard(), err.Error())
		c.closeWith(uint16(discord.CloseDecodeError), "Decode error")
		return
	}
	c.note(Frame{Time: now, Op: p.Op, Size: len(raw)})
	c.mu.Lock()
	identified := c.identified
	c.mu.Unlock()
	switch p.Op {
	case discord.OpHeartbeat:
		c.mu.Lock()
		c.lastBeat = now
		if c.watchdog != nil {
			c.watchdog.Reset(s.opts.heartbeatInterval + s.opts.heartbeatGrace)
		}
		c.mu.Unlock()
		if !c.noAck.Load() {
			c.sendOp(discord.OpHeartbeatACK, nil)
		}
		return
	case discord.OpIdentify:
		c.identify(p.D)
		return
	case discord.OpResume:
		c.resume(p.D)
		return
	}
	if !identified {
		s.rec.violation(RuleNotAuthenticated, c.id, -1, "op "+p.Op.String())
		c.closeWith(uint16(discord.CloseNotAuthenticated), "Not authenticated.")
		return
	}
	switch p.Op {
	case discord.OpPresenceUpdate, discord.OpVoiceStateUpdate, discord.OpRequestChannelInfo:
		// Accepted; the world does not model presence or voice.
	case discord.OpRequestGuildMembers:
		c.requestMembers(p.D)
	case discord.OpRequestSoundboardSounds:
		var req discord.RequestSoundboardSounds
		json.Unmarshal(p.D, &req)
		for _, g := range req.GuildIDs {
			c.dispatchTo(discord.EventSoundboardSounds, map[string]any{"guild_id": g, "soundboard_sounds": []any{}})
		}
	default:
		s.rec.violation(RuleUnknownOpcode, c.id, c.Shard(), fmt.Sprintf("op %d", int(p.Op)))
		c.closeWith(uint16(discord.CloseUnknownOpcode), "Unknown opcode.")
	}
}

func (c *Conn) identify(d json.RawMessage) {
	s := c.s
	var id struct {
		Token   string          `json:"token"`
		Intents discord.Intents `json:"intents"`
		Shard   *[2]int         `json:"shard"`
	}
	if err := json.Unmarshal(d, &id); err != nil {
		s.rec.violation(RuleDecodeError, c.id, -1, "identify: "+err.Error())
		c.closeWith(uint16(discord.CloseDecodeError), "Decode error")
		return
	}
	shardID, count := 0, 1
	if id.Shard != nil {
		shardID, count = id.Shard[0], id.Shard[1]
	}
	rec := IdentifyRecord{Time: time.Now(), Conn: c.id, ShardID: shardID, ShardCount: count,
		Bucket: shardID % max(s.opts.maxConcurrency, 1), Intents: uint64(id.Intents)}
	refuse := func(rule Rule, code discord.CloseCode, reason string) {
		rec.Refused = rule
		s.rec.identify(rec)
		s.rec.violation(rule, c.id, shardID, reason)
		if code != 0 {
			c.closeWith(uint16(code), reason)
		} else {
			c.sendOp(discord.OpInvalidSession, false)
		}
	}
	c.mu.Lock()
	already := c.identified
	c.mu.Unlock()
	switch {
	case already:
		s.rec.violation(RuleAlreadyAuth, c.id, shardID, "second identify")
		c.closeWith(uint16(discord.CloseAlreadyAuthenticated), "Already authenticated.")
		return
	// Discord also accepts the token with the "Bot " prefix of the REST
	// Authorization header, as some libraries send it.
	case strings.TrimPrefix(id.Token, "Bot ") != s.Token:
		// The token is never recorded.
		refuse(RuleBadToken, discord.CloseAuthenticationFailed, "Authentication failed.")
		return
	case count < 1 || shardID < 0 || shardID >= count:
		refuse(RuleInvalidShard, discord.CloseInvalidShard, "Invalid shard.")
		return
	case id.Intents.Undocumented() != 0:
		refuse(RuleInvalidIntents, discord.CloseInvalidIntents, "Invalid intent(s).")
		return
	case id.Intents.Privileged()&^s.opts.privileged != 0:
		refuse(RuleDisallowedIntents, discord.CloseDisallowedIntents, "Disallowed intent(s).")
		return
	}
	guilds := s.guildsForShard(shardID, count)
	if len(guilds) > s.opts.maxGuildsPerShard {
		refuse(RuleShardingRequired, discord.CloseShardingRequired, "Sharding required.")
		return
	}
	// Identify concurrency: one IDENTIFY per interval per key.
	now := time.Now()
	s.mu.Lock()
	last, seen := s.buckets[rec.Bucket]
	tooSoon := seen && now.Sub(last) < s.opts.identifyInterval
	if !tooSoon {
		if now.After(s.budgetAt) {
			s.budget, s.budgetAt = s.opts.sessionTotal, now.Add(24*time.Hour)
		}
		if s.budget > 0 {
			s.buckets[rec.Bucket] = now
		}
	}
	budget := s.budget
	if !tooSoon && budget > 0 {
		s.budget--
	}
	delay := s.readyDelay
	s.mu.Unlock()
	if tooSoon {
		refuse(RuleIdentifyConcurrency, 0, fmt.Sprintf("bucket %d identified %v ago", rec.Bucket, now.Sub(last).Round(time.Millisecond)))
		return
	}
	if budget <= 0 {
		refuse(RuleSessionStartLimit, 0, "no session starts left")
		return
	}
	sess := &session{id: newSessionID(), shardID: shardID, shardCount: count, intents: id.Intents}
	rec.Accepted, rec.SessionID = true, sess.id
	s.rec.identify(rec)
	c.mu.Lock()
	c.identified = true
	c.sess = sess
	c.shard = shardID
	c.mu.Unlock()
	sess.conn = c
	// The session joins the routing table before anyone can see it was
	// identified: events routed to it before READY and the GUILD_CREATEs
	// are out wait in sess.early, and follow them.
	s.mu.Lock()
	s.sessions[sess.id] = sess
	s.mu.Unlock()
	s.rec.add(KindIdentified, c.id, shardID, "session=%s shards=%d intents=%s guilds=%d", sess.id, count, id.Intents, len(guilds))
	start := func() { s.startSession(sess, guilds) }
	if delay > 0 {
		time.AfterFunc(delay, start)
	} else {
		start()
	}
}

func newSessionID() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// guildsForShard lists the guilds a shard routes: (id >> 22) % count.
func (s *Server) guildsForShard(shardID, count int) []discord.GuildID {
	w := s.world
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []discord.GuildID
	for _, id := range w.order {
		if int((uint64(id)>>22)%uint64(count)) == shardID {
			out = append(out, id)
		}
	}
	return out
}

// startSession sends READY and the GUILD_CREATEs, then lets events flow.
func (s *Server) startSession(sess *session, guilds []discord.GuildID) {
	unavailable := make([]discord.UnavailableGuild, 0, len(guilds))
	for _, g := range guilds {
		unavailable = append(unavailable, discord.UnavailableGuild{ID: g, Unavailable: true})
	}
	appID, bot := s.Application()
	ready := map[string]any{
		"v": 10, "user": bot, "guilds": unavailable, "session_id": sess.id,
		"resume_gateway_url": s.ResumeURL, "shard": [2]int{sess.shardID, sess.shardCount},
		"application": map[string]any{"id": appID, "flags": 0},
	}
	sess.send(discord.EventReady, ready)
	s.mu.Lock()
	hold := s.guildCreateDelay
	s.mu.Unlock()
	if hold > 0 {
		time.AfterFunc(hold, func() { s.sendGuildCreates(sess, guilds) })
		return
	}
	s.sendGuildCreates(sess, guilds)
}

// sendGuildCreates sends a new session's GUILD_CREATEs, then lets the
// events that waited for them flow.
func (s *Server) sendGuildCreates(sess *session, guilds []discord.GuildID) {
	if sess.intents.Has(discord.IntentGuilds) {
		for _, g := range guilds {
			if gc, ok := s.guildCreate(g); ok {
				sess.send(discord.EventGuildCreate, gc)
			}
		}
	}
	sess.mu.Lock()
	sess.readyNow = true
	early := sess.early
	sess.early = nil
	sess.mu.Unlock()
	for _, ev := range early {
		sess.send(ev.name, json.RawMessage(ev.payload))
	}
}

// guildCreate builds a GUILD_CREATE payload.
func (s *Server) guildCreate(id discord.GuildID) (json.RawMessage, bool) {
	w := s.world
	w.mu.Lock()
	defer w.mu.Unlock()
	g := w.guilds[id]
	if g == nil {
		return nil, false
	}
	channels := make([]discord.Channel, 0, len(g.channels))
	for _, cid := range g.channels {
		channels = append(channels, w.channels[cid].ch)
	}
	members := make([]discord.Member, 0, len(g.order))
	for _, uid := range g.order {
		members = append(members, *g.members[uid])
	}
	gc := discord.GuildCreate{Guild: g.guild, MemberCount: len(g.order), Channels: channels, Members: members,
		JoinedAt: time.Now().UTC().Truncate(time.Second), Threads: []discord.Channel{},
		VoiceStates: []discord.VoiceState{}, Presences: []discord.Presence{}}
	b, err := json.Marshal(gc)
	return b, err == nil
}

// dispatch sends an event to the session; while the session is still
// sending READY, the event waits until READY is out.
func (sess *session) dispatch(name string, d any) {
	data, ok := d.(json.RawMessage)
	if !ok {
		data, _ = json.Marshal(d)
	}
	sess.mu.Lock()
	if !sess.readyNow {
		sess.early = append(sess.early, stored{payload: data, name: name})
		sess.mu.Unlock()
		return
	}
	sess.mu.Unlock()
	sess.send(name, json.RawMessage(data))
}

// send sequences an event in the session, keeps it for resuming, and
// writes it if the session has a connection.
func (sess *session) send(name string, d any) {
	data, ok := d.(json.RawMessage)
	if !ok {
		data, _ = json.Marshal(d)
	}
	sess.mu.Lock()
	defer sess.mu.Unlock()
	if sess.invalid {
		return
	}
	sess.seq++
	p := fmt.Appendf(nil, `{"op":0,"s":%d,"t":%q,"d":%s}`, sess.seq, name, data)
	if len(sess.replay) >= maxReplay {
		sess.replay = sess.replay[1:]
	}
	sess.replay = append(sess.replay, stored{seq: sess.seq, payload: p, name: name})
	if sess.conn != nil {
		sess.conn.queue(outItem{payload: p, rec: Frame{Out: true, Op: discord.OpDispatch, Seq: sess.seq, Name: name, Size: len(p)}})
	}
}

// dispatchTo sends an event on this connection's session.
func (c *Conn) dispatchTo(name string, d any) {
	c.mu.Lock()
	sess := c.sess
	c.mu.Unlock()
	if sess != nil {
		sess.dispatch(name, d)
	}
}

func (c *Conn) resume(d json.RawMessage) {
	s := c.s
	var r discord.Resume
	if err := json.Unmarshal(d, &r); err != nil {
		s.rec.violation(RuleDecodeError, c.id, -1, "resume: "+err.Error())
		c.closeWith(uint16(discord.CloseDecodeError), "Decode error")
		return
	}
	c.mu.Lock()
	already := c.identified
	c.mu.Unlock()
	if already {
		s.rec.violation(RuleAlreadyAuth, c.id, c.Shard(), "resume after identify")
		c.closeWith(uint16(discord.CloseAlreadyAuthenticated), "Already authenticated.")
		return
	}
	if r.Token.Reveal() != s.Token {
		s.rec.violation(RuleBadToken, c.id, -1, "resume with a bad token")
		c.closeWith(uint16(discord.CloseAuthenticationFailed), "Authentication failed.")
		return
	}
	s.mu.Lock()
	sess := s.sessions[r.SessionID]
	s.mu.Unlock()
	if c.listener != "resume" {
		s.rec.violation(RuleResumeWrongURL, c.id, -1, "resumed on the gateway URL, not resume_gateway_url")
	}
	if sess == nil {
		s.rec.add(KindResumed, c.id, -1, "refused: unknown session")
		c.sendOp(discord.OpInvalidSession, false)
		return
	}
	sess.mu.Lock()
	expired := sess.conn == nil && !sess.lostAt.IsZero() && time.Since(sess.lostAt) > s.opts.sessionTTL
	switch {
	case sess.invalid || expired:
		sess.mu.Unlock()
		s.rec.add(KindResumed, c.id, sess.shardID, "refused: session %s is over", sess.id)
		c.sendOp(discord.OpInvalidSession, false)
		return
	case r.Seq > sess.seq || r.Seq < 0:
		sess.invalid = true
		sess.mu.Unlock()
		s.rec.violation(RuleInvalidSeq, c.id, sess.shardID, fmt.Sprintf("seq %d, session at %d", r.Seq, sess.seq))
		c.closeWith(uint16(discord.CloseInvalidSeq), "Invalid seq.")
		return
	case len(sess.replay) > 0 && r.Seq < sess.replay[0].seq-1:
		sess.mu.Unlock()
		s.rec.add(KindResumed, c.id, sess.shardID, "refused: seq %d is older than the replay buffer", r.Seq)
		c.sendOp(discord.OpInvalidSession, false)
		return
	}
	old := sess.conn
	sess.conn = c
	c.mu.Lock()
	c.identified, c.sess, c.shard = true, sess, sess.shardID
	c.mu.Unlock()
	replayed := 0
	for _, ev := range sess.replay {
		if ev.seq > r.Seq {
			c.queue(outItem{payload: ev.payload, rec: Frame{Out: true, Op: discord.OpDispatch, Seq: ev.seq, Name: ev.name, Size: len(ev.payload)}})
			replayed++
		}
	}
	sess.mu.Unlock()
	if old != nil && old != c {
		old.Drop()
	}
	s.rec.add(KindResumed, c.id, sess.shardID, "session=%s from seq %d, replayed %d", sess.id, r.Seq, replayed)
	sess.send(discord.EventResumed, map[string]any{})
}

// requestMembers answers op 8 with GUILD_MEMBERS_CHUNKs, or RATE_LIMITED
// when all members of a guild were asked for less than 30 s ago.
func (c *Conn) requestMembers(d json.RawMessage) {
	s := c.s
	var req discord.RequestGuildMembers
	if err := json.Unmarshal(d, &req); err != nil {
		return
	}
	if req.Query != nil && *req.Query == "" && req.Limit == 0 {
		if wait := s.restState.membersAllowed(req.GuildID); wait > 0 {
			meta := map[string]any{"guild_id": req.GuildID}
			if req.Nonce != "" {
				meta["nonce"] = req.Nonce
			}
			c.dispatchTo(discord.EventRateLimited, map[string]any{"opcode": 8, "retry_after": wait.Seconds(), "meta": meta})
			return
		}
	}
	all := s.Members(req.GuildID)
	var picked []discord.Member
	var notFound []discord.UserID
	switch {
	case len(req.UserIDs) > 0:
		for _, want := range req.UserIDs {
			found := false
			for _, m := range all {
				if m.User != nil && m.User.ID == want {
					picked, found = append(picked, m), true
					break
				}
			}
			if !found {
				notFound = append(notFound, want)
			}
		}
	case req.Query != nil:
		for _, m := range all {
			if m.User != nil && strings.HasPrefix(strings.ToLower(m.User.Username), strings.ToLower(*req.Query)) {
				picked = append(picked, m)
			}
		}
		limit := req.Limit
		if *req.Query != "" && (limit == 0 || limit > 100) {
			limit = 100
		}
		if limit > 0 && len(picked) > limit {
			picked = picked[:limit]
		}
	}
	const perChunk = 1000
	count := max(1, (len(picked)+perChunk-1)/perChunk)
	for i := 0; i < count; i++ {
		part := picked[min(i*perChunk, len(picked)):min((i+1)*perChunk, len(picked))]
		chunk := discord.GuildMembersChunk{GuildID: req.GuildID, Members: part, ChunkIndex: i, ChunkCount: count, Nonce: req.Nonce}
		if chunk.Members == nil {
			chunk.Members = []discord.Member{}
		}
		if i == 0 {
			chunk.NotFound = notFound
		}
		c.dispatchTo(discord.EventGuildMembersChunk, chunk)
	}
}

// sessionsFor returns the live sessions that route a guild (0: DMs and
// other guild-less events, shard 0 only).
func (s *Server) sessionsFor(guild discord.GuildID) []*session {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*session
	for id, sess := range s.sessions {
		sess.mu.Lock()
		dead := sess.invalid || sess.conn == nil && !sess.lostAt.IsZero() && time.Since(sess.lostAt) > s.opts.sessionTTL
		sess.mu.Unlock()
		if dead {
			delete(s.sessions, id)
			continue
		}
		shard := 0
		if guild != 0 {
			shard = int((uint64(guild) >> 22) % uint64(sess.shardCount))
		}
		if shard == sess.shardID {
			out = append(out, sess)
		}
	}
	return out
}

// dispatchMessage sends MESSAGE_CREATE to the sessions that should see it:
// guild messages need GUILD_MESSAGES, DMs DIRECT_MESSAGES; without
// MESSAGE_CONTENT, content, embeds, attachments and components are empty
// unless the bot wrote the message, it is a DM, or it mentions the bot
// (PROTOCOL.md §10).
func (s *Server) dispatchMessage(guild discord.GuildID, ev discord.MessageCreate) {
	_, bot := s.Application()
	mentionsBot := false
	for _, u := range ev.Mentions {
		if u.ID == bot.ID {
			mentionsBot = true
		}
	}
	exempt := ev.Author.ID == bot.ID || guild == 0 || mentionsBot
	full, _ := json.Marshal(ev)
	var stripped []byte
	for _, sess := range s.sessionsFor(guild) {
		need := discord.IntentGuildMessages
		if guild == 0 {
			need = discord.IntentDirectMessages
		}
		if !sess.intents.Has(need) {
			continue
		}
		data := full
		if !exempt && !sess.intents.Has(discord.IntentMessageContent) {
			if stripped == nil {
				cp := ev
				cp.Content = ""
				cp.Embeds = []discord.Embed{}
				cp.Attachments = []discord.Attachment{}
				cp.Components = []discord.Component{}
				cp.Poll = nil
				stripped, _ = json.Marshal(cp)
			}
			data = stripped
		}
		sess.dispatch(discord.EventMessageCreate, json.RawMessage(data))
	}
}

// broadcast sends an event to the sessions routing guild that have the
// intent (0: no intent needed).
func (s *Server) broadcast(guild discord.GuildID, intent discord.Intents, name string, d any) {
	data, _ := json.Marshal(d)
	for _, sess := range s.sessionsFor(guild) {
		if intent == 0 || sess.intents.Has(intent) {
			sess.dispatch(name, json.RawMessage(data))
		}
	}
}

func (s *Server) broadcastGuildCreate(id discord.GuildID) {
	gc, ok := s.guildCreate(id)
	if !ok {
		return
	}
	for _, sess := range s.sessionsFor(id) {
		if sess.intents.Has(discord.IntentGuilds) {
			sess.dispatch(discord.EventGuildCreate, gc)
		}
	}
}
