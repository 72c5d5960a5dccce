package gateway

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wirecord/wirecord/discord"
	"github.com/wirecord/wirecord/internal/wsproto"
)

const interval = 41250 * time.Millisecond

func TestUpgradeRequestCarriesVersionEncodingAndCompression(t *testing.T) {
	for _, tc := range []struct {
		enc      Encoding
		comp     Compression
		wantComp string
	}{
		{EncodingJSON, CompressNone, ""},
		{EncodingJSON, CompressZlib, "zlib-stream"},
		{EncodingETF, CompressZstd, "zstd-stream"},
	} {
		t.Run(string(tc.enc)+"/"+string(tc.comp), func(t *testing.T) {
			cfg := testConfig()
			cfg.Encoding, cfg.Compression = tc.enc, tc.comp
			p := newPeer(t, cfg)
			tg := p.connect()
			q := p.request.URL.Query()
			if q.Get("v") != "10" || q.Get("encoding") != string(tc.enc) || q.Get("compress") != tc.wantComp {
				t.Errorf("query = %v", q)
			}
			if tg.Addr != "gateway.test:443" || !tg.TLS || tg.ServerName != "gateway.test" {
				t.Errorf("target = %+v", tg)
			}
			if p.request.Header.Get("Sec-WebSocket-Version") != "13" || p.request.Header.Get("Sec-WebSocket-Key") == "" {
				t.Errorf("headers = %v", p.request.Header)
			}
			if strings.Contains(p.request.URL.String(), cfg.Token.Reveal()) {
				t.Error("token in the URL")
			}
		})
	}
}

func TestUpgradeRefusedIsTypedErrorWithStatusAndBody(t *testing.T) {
	for _, tc := range []struct {
		name     string
		response string
		lose     bool // the body ends with the connection
	}{
		{"content-length", "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 11\r\n\r\nupstream :(", false},
		{"chunked", "HTTP/1.1 503 Service Unavailable\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nupstr\r\n6\r\neam :(\r\n0\r\n\r\n", false},
		{"until-close", "HTTP/1.1 503 Service Unavailable\r\n\r\nupstream :(", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newPeer(t, testConfig())
			p.connect()
			// Split the answer to show the head may arrive in pieces.
			resp := []byte(tc.response)
			p.receive(resp[:10])
			p.receive(resp[10:])
			if tc.lose {
				p.e.ConnectionLost(p.now, nil)
			}
			d := mustEvent[*Disconnected](t, p.events())
			var ue *UpgradeError
			if !errors.As(d.Err, &ue) {
				t.Fatalf("err = %v, want *UpgradeError", d.Err)
			}
			if ue.StatusCode != 503 || string(ue.Body) != "upstream :(" {
				t.Errorf("status %d body %q", ue.StatusCode, ue.Body)
			}
			if d.Action != ActionIdentify || p.e.State() != StateDisconnected {
				t.Errorf("action %v state %v: a refused upgrade is retried", d.Action, p.e.State())
			}
		})
	}
}

func TestUpgradeWithWrongAcceptIsHandshakeError(t *testing.T) {
	p := newPeer(t, testConfig())
	p.connect()
	p.receive([]byte("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: bm90IHRoZSByaWdodCBrZXk=\r\n\r\n"))
	d := mustEvent[*Disconnected](t, p.events())
	var he *HandshakeError
	if !errors.As(d.Err, &he) {
		t.Fatalf("err = %v, want *HandshakeError", d.Err)
	}
}

func TestHandshakeTimeoutWithoutHello(t *testing.T) {
	p := newPeer(t, testConfig())
	p.connect()
	p.accept()
	p.advance(DefaultHandshakeTimeout)
	d := mustEvent[*Disconnected](t, p.events())
	if !errors.Is(d.Err, ErrHandshakeTimeout) {
		t.Fatalf("err = %v", d.Err)
	}
	if len(p.closes) != 1 || p.closes[0] == 1000 || p.closes[0] == 1001 {
		t.Errorf("closes = %v, want one non-1000 close", p.closes)
	}
}

func TestFirstHeartbeatIsJitteredThenEveryInterval(t *testing.T) {
	for _, jitter := range []float64{0, 0.25, 0.999} {
		t.Run(fmt.Sprint(jitter), func(t *testing.T) {
			cfg := testConfig()
			cfg.Rand = func() float64 { return jitter }
			p := newPeer(t, cfg)
			p.open(interval)
			start := p.now
			p.flush()
			n := len(p.sent)
			// Acknowledge each heartbeat so there is no zombie.
			for i := 0; i < 4; i++ {
				dl, _ := p.e.Deadline()
				p.advance(dl.Sub(p.now))
				p.send(`{"op":11}`)
			}
			var beats []time.Duration
			for _, s := range p.sent[n:] {
				if s.Op == discord.OpHeartbeat {
					beats = append(beats, s.At.Sub(start))
				}
			}
			first := time.Duration(jitter * float64(interval))
			want := []time.Duration{first, first + interval, first + 2*interval, first + 3*interval}
			if !slices.Equal(beats, want) {
				t.Errorf("heartbeats at %v, want %v", beats, want)
			}
		})
	}
}

func TestHeartbeatCarriesLastSequence(t *testing.T) {
	p := newPeer(t, testConfig())
	p.open(interval)
	p.advance(interval) // first beat, before any dispatch
	p.flush()
	if d := string(p.lastSent().D); d != "null" {
		t.Errorf("first heartbeat d = %s, want null", d)
	}
	p.send(`{"op":11}`)
	p.e.Identify(p.now)
	p.dispatch(1, "READY", `{"session_id":"s","resume_gateway_url":"wss://r.test"}`)
	p.dispatch(2, "MESSAGE_CREATE", `{}`)
	p.advance(interval)
	if d := string(p.lastSent().D); d != "2" {
		t.Errorf("heartbeat d = %s, want 2", d)
	}
}

func TestServerHeartbeatRequestIsAnsweredAtOnce(t *testing.T) {
	p := newPeer(t, testConfig())
	p.ready(interval, "s1")
	p.flush()
	n := len(p.sent)
	p.send(`{"op":1,"d":null}`)
	p.flush()
	if ops := p.sentOps(n); !slices.Equal(ops, []discord.Opcode{discord.OpHeartbeat}) {
		t.Fatalf("sent %v, want one heartbeat", ops)
	}
	if !p.sent[n].At.Equal(p.now) {
		t.Errorf("sent at %v, want now", p.sent[n].At)
	}
}

func TestServerHeartbeatRequestGetsGraceUntilNextRegularBeat(t *testing.T) {
	p := newPeer(t, testConfig())
	p.ready(interval, "s1")
	p.advance(interval / 2) // first regular beat at 0.5
	p.send(`{"op":11}`)
	// Discord asks for a heartbeat just before the next regular one; its
	// ACK is still on the way when the regular beat comes due.
	p.advance(interval - time.Millisecond)
	p.send(`{"op":1}`)
	p.advance(2 * time.Millisecond)
	if st := p.e.State(); st != StateReady {
		t.Fatalf("state %v: an op 1 heartbeat must not be judged before the next regular beat", st)
	}
}

func TestHeartbeatAckMeasuresLatency(t *testing.T) {
	p := newPeer(t, testConfig())
	p.ready(interval, "s1")
	dl, _ := p.e.Deadline()
	p.advance(dl.Sub(p.now))
	p.advance(87 * time.Millisecond)
	p.send(`{"op":11}`)
	ack := mustEvent[*HeartbeatAck](t, p.events())
	if ack.Latency != 87*time.Millisecond || p.e.Latency() != 87*time.Millisecond {
		t.Errorf("latency %v / %v, want 87ms", ack.Latency, p.e.Latency())
	}
}

func TestZombieClosesResumableAndResumes(t *testing.T) {
	p := newPeer(t, testConfig())
	p.ready(interval, "sess-z")
	p.dispatch(2, "MESSAGE_CREATE", `{}`)
	p.advance(interval / 2) // first heartbeat, never acknowledged
	p.events()
	p.advance(interval) // next one is due: zombie
	d := mustEvent[*Disconnected](t, p.events())
	if !errors.Is(d.Err, ErrZombie) || d.Action != ActionResume {
		t.Fatalf("disconnect = %+v", d)
	}
	if len(p.closes) != 1 || p.closes[0] == 1000 || p.closes[0] == 1001 {
		t.Fatalf("close codes %v: a zombie must close with a resumable code", p.closes)
	}
	// It reconnects to resume_gateway_url, with the same query, and
	// sends RESUME with the last sequence.
	p.advance(d.Wait)
	p.connect()
	if p.request.Host != "resume.test" {
		t.Errorf("reconnected to %q, want the resume URL", p.request.Host)
	}
	if q := p.request.URL.Query(); q.Get("v") != "10" || q.Get("encoding") != "json" {
		t.Errorf("resume query %v", q)
	}
	p.accept()
	n := len(p.sent)
	p.send(`{"op":10,"d":{"heartbeat_interval":41250}}`)
	p.flush()
	if ops := p.sentOps(n); !slices.Equal(ops, []discord.Opcode{discord.OpResume}) {
		t.Fatalf("sent %v, want RESUME", ops)
	}
	var r discord.Resume
	json.Unmarshal(p.lastSent().D, &r)
	if r.SessionID != "sess-z" || r.Seq != 2 || r.Token.Reveal() != testConfig().Token.Reveal() {
		t.Errorf("resume = %+v", r)
	}
	p.dispatch(3, "MESSAGE_CREATE", `{}`) // replayed
	p.dispatch(4, "RESUMED", `{}`)
	res := mustEvent[*Resumed](t, p.events())
	if res.Replayed != 1 || p.e.State() != StateReady {
		t.Errorf("resumed %+v state %v", res, p.e.State())
	}
}

func TestReadPausedSuspendsZombieDetection(t *testing.T) {
	p := newPeer(t, testConfig())
	p.ready(interval, "s1")
	p.e.SetReadPaused(true)
	p.advance(interval / 2)
	p.advance(3 * interval) // three beats, no ACK read
	if p.e.State() != StateReady {
		t.Fatalf("state %v: unread ACKs while paused are not a zombie", p.e.State())
	}
	p.flush()
	beats := 0
	for _, s := range p.sent {
		if s.Op == discord.OpHeartbeat {
			beats++
		}
	}
	if beats != 4 {
		t.Errorf("%d heartbeats while paused, want 4: heartbeats never stop", beats)
	}
	p.e.SetReadPaused(false)
	p.send(`{"op":11}`)
	p.advance(interval) // a beat whose interval saw the pause: no judgement
	p.advance(interval) // the next one judges: the earlier beats' ACKs never came
	if _, ok := eventOf[*Disconnected](p.events()); !ok {
		t.Error("after reading resumed, a dead connection is still detected")
	}
}

func TestServerOpsDecideResumeOrIdentify(t *testing.T) {
	for _, tc := range []struct {
		name       string
		payload    string
		wantClose  uint16
		wantAction Action
		minWait    time.Duration
		maxWait    time.Duration
		cause      string
	}{
		{"op7 reconnect", `{"op":7,"d":null}`, uint16(discord.CloseResumable), ActionResume, 0, 0, "reconnect_requested"},
		{"op9 resumable", `{"op":9,"d":true}`, uint16(discord.CloseResumable), ActionResume, 0, 0, "invalid_session"},
		{"op9 not resumable", `{"op":9,"d":false}`, 1000, ActionIdentify, time.Second, 5 * time.Second, "invalid_session"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newPeer(t, testConfig())
			p.ready(interval, "s1")
			p.events()
			p.send(tc.payload)
			p.flush()
			if len(p.closes) != 1 || p.closes[0] != tc.wantClose {
				t.Fatalf("closes %v, want [%d]", p.closes, tc.wantClose)
			}
			if p.e.State() != StateClosing {
				t.Fatalf("state %v, want closing until Discord answers", p.e.State())
			}
			p.closeFrame(p.closes[0], "")
			d := mustEvent[*Disconnected](t, p.events())
			if d.Cause != tc.cause {
				t.Errorf("cause %q, want %q", d.Cause, tc.cause)
			}
			if d.Action != tc.wantAction || d.Wait < tc.minWait || d.Wait > tc.maxWait {
				t.Fatalf("action %v wait %v, want %v in [%v, %v]", d.Action, d.Wait, tc.wantAction, tc.minWait, tc.maxWait)
			}
			if got := p.e.WillResume(); got != (tc.wantAction == ActionResume) {
				t.Errorf("WillResume = %v", got)
			}
			p.advance(d.Wait)
			p.connect()
			p.accept()
			n := len(p.sent)
			p.send(`{"op":10,"d":{"heartbeat_interval":41250}}`)
			p.flush()
			evs := p.events()
			if tc.wantAction == ActionResume {
				if ops := p.sentOps(n); !slices.Equal(ops, []discord.Opcode{discord.OpResume}) {
					t.Errorf("sent %v, want RESUME", ops)
				}
			} else {
				mustEvent[*IdentifyRequired](t, evs)
				if ops := p.sentOps(n); len(ops) != 0 {
					t.Errorf("sent %v before the identify queue allowed it", ops)
				}
				if p.request.Host != "gateway.test" {
					t.Errorf("a new session connects to %q, want the gateway URL", p.request.Host)
				}
			}
		})
	}
}

func TestOp9WaitIsRandomBetweenOneAndFiveSeconds(t *testing.T) {
	for _, r := range []float64{0, 0.5, 0.999} {
		cfg := testConfig()
		cfg.Rand = func() float64 { return r }
		p := newPeer(t, cfg)
		p.ready(interval, "s1")
		p.send(`{"op":9,"d":false}`)
		p.closeFrame(1000, "")
		d := mustEvent[*Disconnected](t, p.events())
		want := time.Second + time.Duration(r*float64(4*time.Second))
		if d.Wait != want {
			t.Errorf("rand %v: wait %v, want %v", r, d.Wait, want)
		}
	}
}

func TestCloseCodesFollowTheTable(t *testing.T) {
	for _, tc := range []struct {
		code   uint16
		action Action
		fatal  bool
	}{
		{1000, ActionResume, false},
		{1001, ActionResume, false},
		{1011, ActionResume, false},
		{4000, ActionResume, false},
		{4001, ActionResume, false},
		{4002, ActionResume, false},
		{4003, ActionResume, false},
		{4004, ActionStop, true},
		{4005, ActionResume, false},
		{4007, ActionIdentify, false},
		{4008, ActionResume, false},
		{4009, ActionIdentify, false},
		{4010, ActionStop, true},
		{4011, ActionStop, true},
		{4012, ActionStop, true},
		{4013, ActionStop, true},
		{4014, ActionStop, true},
		{4999, ActionResume, false}, // unknown codes resume
	} {
		t.Run(fmt.Sprint(tc.code), func(t *testing.T) {
			p := newPeer(t, testConfig())
			p.ready(interval, "s1")
			p.events()
			p.closeFrame(tc.code, "bye")
			p.flush()
			if len(p.closes) != 1 || p.closes[0] != tc.code {
				t.Errorf("echo %v, want [%d]", p.closes, tc.code)
			}
			d := mustEvent[*Disconnected](t, p.events())
			if d.Cause != fmt.Sprintf("close_%d", tc.code) {
				t.Errorf("cause %q", d.Cause)
			}
			if d.Action != tc.action || d.Initiator != ByServer || d.Code != discord.CloseCode(tc.code) {
				t.Fatalf("got %+v, want action %v", d, tc.action)
			}
			var ce *CloseError
			if tc.fatal {
				if !errors.As(d.Fatal, &ce) || ce.Code != discord.CloseCode(tc.code) {
					t.Fatalf("fatal = %v, want *CloseError %d", d.Fatal, tc.code)
				}
				if p.e.State() != StateStopped {
					t.Errorf("state %v, want stopped", p.e.State())
				}
				if _, err := p.e.Connect(p.now.Add(time.Hour)); !errors.Is(err, ErrStopped) {
					t.Errorf("Connect after a fatal close = %v, want ErrStopped", err)
				}
				if msg := ce.Error(); !strings.Contains(msg, fmt.Sprint(tc.code)) {
					t.Errorf("error %q does not name the code", msg)
				}
				return
			}
			if d.Fatal != nil {
				t.Errorf("fatal = %v", d.Fatal)
			}
			if resume := p.e.WillResume(); resume != (tc.action == ActionResume) {
				t.Errorf("WillResume = %v", resume)
			}
		})
	}
}

func TestDisallowedIntentsErrorSaysWhatToDo(t *testing.T) {
	p := newPeer(t, testConfig())
	p.open(interval)
	p.e.Identify(p.now)
	p.closeFrame(4014, "Disallowed intent(s).")
	d := mustEvent[*Disconnected](t, p.events())
	if d.Fatal == nil || !strings.Contains(d.Fatal.Error(), "Developer Portal") {
		t.Errorf("fatal = %v", d.Fatal)
	}
	if strings.Contains(fmt.Sprint(d, d.Fatal), testConfig().Token.Reveal()) {
		t.Error("token in the error")
	}
}

func TestDropWithoutCloseFrameResumes(t *testing.T) {
	p := newPeer(t, testConfig())
	p.ready(interval, "s1")
	p.dispatch(2, "MESSAGE_CREATE", `{}`)
	p.events()
	p.e.ConnectionLost(p.now, errors.New("read: connection reset by peer"))
	d := mustEvent[*Disconnected](t, p.events())
	if d.Code != discord.CloseAbnormal || d.Initiator != ByNetwork || d.Action != ActionResume {
		t.Fatalf("got %+v", d)
	}
	if !errors.Is(d.Err, ErrConnectionLost) {
		t.Errorf("err = %v", d.Err)
	}
	if s, ok := p.e.Session(); !ok || s.Seq != 2 {
		t.Errorf("session %+v %v", s, ok)
	}
}

func TestBackoffIsExponentialJitteredCappedAndResetAfterHealthySession(t *testing.T) {
	cfg := testConfig()
	cfg.BackoffMin, cfg.BackoffMax = time.Second, 8*time.Second
	r := 1.0 - 1e-9 // top of the jitter range
	cfg.Rand = func() float64 { return r }
	p := newPeer(t, cfg)
	var waits []time.Duration
	fail := func() {
		p.connect()
		p.e.ConnectionLost(p.now, errors.New("dial tcp: refused"))
		d := mustEvent[*Disconnected](t, p.events())
		waits = append(waits, d.Wait.Round(time.Millisecond))
		p.advance(d.Wait)
	}
	for i := 0; i < 6; i++ {
		fail()
	}
	want := []time.Duration{0, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 8 * time.Second}
	if !slices.Equal(waits, want) {
		t.Fatalf("waits %v, want %v", waits, want)
	}
	// Jitter: the bottom of the range is half the wait.
	r = 0
	fail()
	if waits[6] != 4*time.Second {
		t.Errorf("jittered wait %v, want 4s (half of the 8s cap)", waits[6])
	}
	// A healthy session (ready, one ACK) resets the back-off.
	r = 0.5
	p.ready(interval, "s1")
	p.advance(interval / 2)
	p.send(`{"op":11}`)
	p.e.ConnectionLost(p.now, nil)
	if d := mustEvent[*Disconnected](t, p.events()); d.Wait != 0 {
		t.Errorf("wait after a healthy session %v, want 0", d.Wait)
	}
}

func TestBadDispatchAdvancesSequenceAndKeepsConnection(t *testing.T) {
	p := newPeer(t, testConfig())
	p.ready(interval, "s1")
	p.events()
	p.send(`{"op":0,"s":2,"t":"MESSAGE_CREATE","d":{"id":"1","content":"unterminated}`)
	p.dispatch(3, "MESSAGE_CREATE", `{"id":"2"}`)
	evs := p.events()
	var ds []*Dispatch
	for _, ev := range evs {
		if d, ok := ev.(*Dispatch); ok {
			ds = append(ds, d)
		}
	}
	if len(ds) != 2 {
		t.Fatalf("events %s", describe(evs))
	}
	if ds[0].Err == nil || ds[0].Seq != 2 || !strings.Contains(string(ds[0].Data), "unterminated") {
		t.Errorf("bad dispatch = %+v", ds[0])
	}
	var de *DecodeError
	if !errors.As(ds[0].Err, &de) {
		t.Errorf("err %T, want *DecodeError", ds[0].Err)
	}
	if ds[1].Err != nil || ds[1].Seq != 3 || p.e.Seq() != 3 || p.e.State() != StateReady {
		t.Errorf("next dispatch %+v, seq %d, state %v", ds[1], p.e.Seq(), p.e.State())
	}
}

func TestGarbageAndUnknownOpcodesAreReportedAndSkipped(t *testing.T) {
	for _, tc := range []struct {
		name    string
		payload string
		want    any
	}{
		{"not json", "\x00\x01garbage", &DecodeError{}},
		{"no op", `{"d":1}`, &DecodeError{}},
		{"unknown op", `{"op":99,"d":null}`, &UnknownOpcodeError{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newPeer(t, testConfig())
			p.ready(interval, "s1")
			p.events()
			p.receive(wsproto.AppendFrame(nil, wsproto.OpBinary, true, []byte(tc.payload), nil))
			pe := mustEvent[*PayloadError](t, p.events())
			if fmt.Sprintf("%T", errors.Unwrap(pe.Err)) == "" || pe.Err == nil {
				t.Fatal("no error")
			}
			switch tc.want.(type) {
			case *DecodeError:
				var de *DecodeError
				if !errors.As(pe.Err, &de) {
					t.Errorf("err %T", pe.Err)
				}
			case *UnknownOpcodeError:
				var ue *UnknownOpcodeError
				if !errors.As(pe.Err, &ue) || ue.Op != 99 {
					t.Errorf("err %v", pe.Err)
				}
			}
			p.dispatch(2, "MESSAGE_CREATE", `{}`)
			if p.e.State() != StateReady || p.e.Seq() != 2 {
				t.Errorf("state %v seq %d: the connection goes on", p.e.State(), p.e.Seq())
			}
		})
	}
}

func TestUnknownEventNameComesOutRaw(t *testing.T) {
	p := newPeer(t, testConfig())
	p.ready(interval, "s1")
	p.events()
	p.dispatch(2, "BRAND_NEW_EVENT", `{"x":1}`)
	d := mustEvent[*Dispatch](t, p.events())
	if d.Name != "BRAND_NEW_EVENT" || string(d.Data) != `{"x":1}` || d.Err != nil {
		t.Errorf("dispatch %+v", d)
	}
}

func TestSequenceGapIsReportedAndReplaysAreDroppedOnce(t *testing.T) {
	p := newPeer(t, testConfig())
	p.ready(interval, "s1")
	p.dispatch(2, "MESSAGE_CREATE", `{}`)
	p.events()
	p.dispatch(5, "MESSAGE_CREATE", `{}`)
	gap := mustEvent[*SequenceGap](t, p.events())
	if gap.After != 2 || gap.Next != 5 {
		t.Errorf("gap %+v", gap)
	}
	p.dispatch(4, "MESSAGE_CREATE", `{}`) // already past: dropped
	p.dispatch(5, "MESSAGE_CREATE", `{}`) // duplicate: dropped
	if evs := p.events(); len(evs) != 0 {
		t.Errorf("duplicates delivered: %s", describe(evs))
	}
}

func TestNewSessionAfterLostSessionNamesThePreviousOne(t *testing.T) {
	p := newPeer(t, testConfig())
	p.ready(interval, "old")
	p.dispatch(2, "MESSAGE_CREATE", `{}`)
	p.dispatch(3, "MESSAGE_CREATE", `{}`)
	p.closeFrame(4009, "session timed out")
	d := mustEvent[*Disconnected](t, p.events())
	p.advance(d.Wait)
	p.ready(interval, "new")
	st := mustEvent[*SessionStarted](t, p.events())
	if st.Session.ID != "new" || st.Previous == nil || st.Previous.ID != "old" || st.Previous.Seq != 3 {
		t.Errorf("session started %+v previous %+v", st.Session, st.Previous)
	}
}

func TestCloseOnPurpose(t *testing.T) {
	for _, tc := range []struct {
		mode        CloseMode
		wantCode    uint16
		wantSession bool
	}{
		{CloseEndSession, 1000, false},
		{CloseKeepSession, uint16(discord.CloseResumable), true},
	} {
		t.Run(fmt.Sprint(tc.wantCode), func(t *testing.T) {
			p := newPeer(t, testConfig())
			p.ready(interval, "s1")
			p.dispatch(7, "MESSAGE_CREATE", `{}`)
			p.events()
			p.e.Close(p.now, tc.mode)
			p.flush()
			if len(p.closes) != 1 || p.closes[0] != tc.wantCode {
				t.Fatalf("closes %v, want [%d]", p.closes, tc.wantCode)
			}
			if p.e.State() != StateClosing {
				t.Fatalf("state %v", p.e.State())
			}
			p.closeFrame(tc.wantCode, "")
			d := mustEvent[*Disconnected](t, p.events())
			if d.Action != ActionStop || d.Fatal != nil || p.e.State() != StateStopped {
				t.Errorf("disconnect %+v state %v", d, p.e.State())
			}
			s, ok := p.e.Session()
			if ok != tc.wantSession {
				t.Fatalf("session kept = %v", ok)
			}
			if ok && (s.ID != "s1" || s.Seq != 7 || s.ResumeURL != "wss://resume.test/") {
				t.Errorf("session %+v", s)
			}
		})
	}
}

// Close while IDENTIFY is in flight: the READY that crosses the close
// frame is delivered, but the close still stands.
func TestReadyCrossingACloseDoesNotUndoIt(t *testing.T) {
	for _, tc := range []struct {
		mode        CloseMode
		wantCode    uint16
		wantSession bool
	}{
		{CloseEndSession, 1000, false},
		{CloseKeepSession, uint16(discord.CloseResumable), true},
	} {
		t.Run(fmt.Sprint(tc.wantCode), func(t *testing.T) {
			p := newPeer(t, testConfig())
			p.open(interval)
			if err := p.e.Identify(p.now); err != nil {
				t.Fatal(err)
			}
			p.flush()
			p.e.Close(p.now, tc.mode)
			p.flush()
			p.dispatch(1, "READY", `{"v":10,"session_id":"late","resume_gateway_url":"wss://resume.test/","user":{"id":"1","username":"bot"},"guilds":[]}`)
			if p.e.State() != StateClosing {
				t.Fatalf("state %v after a READY that crossed the close", p.e.State())
			}
			p.closeFrame(tc.wantCode, "")
			var d *Disconnected
			for _, ev := range p.events() {
				if dd, ok := ev.(*Disconnected); ok {
					d = dd
				}
			}
			if d == nil || d.Action != ActionStop || p.e.State() != StateStopped {
				t.Fatalf("disconnect %+v, state %v: the close was undone", d, p.e.State())
			}
			if _, ok := p.e.Session(); ok != tc.wantSession {
				t.Errorf("session kept = %v, want %v", ok, tc.wantSession)
			}
		})
	}
}

// Close right after the upgrade: a Hello, op 1, op 7 or op 9 that crosses
// the close frame changes nothing; the engine still stops.
func TestOpsCrossingACloseDoNotUndoIt(t *testing.T) {
	for _, tc := range []struct{ name, payload string }{
		{"hello before identify", `{"op":10,"d":{"heartbeat_interval":41250},"s":null,"t":null}`},
		{"heartbeat request", `{"op":1,"d":null,"s":null,"t":null}`},
		{"reconnect", `{"op":7,"d":null,"s":null,"t":null}`},
		{"invalid session", `{"op":9,"d":false,"s":null,"t":null}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newPeer(t, testConfig())
			if tc.name == "hello before identify" {
				p.connect()
				p.accept() // upgraded; Hello not yet received
			} else {
				p.ready(interval, "s1")
			}
			p.events()
			p.e.Close(p.now, CloseEndSession)
			p.flush()
			sent := len(p.sent)
			p.send(tc.payload)
			p.flush()
			if p.e.State() != StateClosing || len(p.sent) != sent {
				t.Fatalf("state %v, %d payloads sent after the close", p.e.State(), len(p.sent)-sent)
			}
			p.closeFrame(1000, "")
			d := mustEvent[*Disconnected](t, p.events())
			if d.Action != ActionStop || p.e.State() != StateStopped {
				t.Errorf("disconnect %+v, state %v: the close was undone", d, p.e.State())
			}
		})
	}
}

func TestCloseWaitsForAnswerThenTimesOut(t *testing.T) {
	p := newPeer(t, testConfig())
	p.ready(interval, "s1")
	p.e.Close(p.now, CloseKeepSession)
	p.events()
	p.advance(DefaultCloseTimeout)
	d := mustEvent[*Disconnected](t, p.events())
	if !errors.Is(d.Err, ErrCloseTimeout) || d.Action != ActionStop {
		t.Errorf("got %+v", d)
	}
}

func TestExportedSessionResumesInAFreshEngine(t *testing.T) {
	p := newPeer(t, testConfig())
	p.ready(interval, "handoff")
	p.dispatch(2, "MESSAGE_CREATE", `{}`)
	p.e.Close(p.now, CloseKeepSession)
	p.closeFrame(uint16(discord.CloseResumable), "")
	s, ok := p.e.Session()
	if !ok {
		t.Fatal("no session after CloseKeepSession")
	}
	// Through JSON, as another process would receive it.
	b, _ := json.Marshal(s)
	var imported SessionState
	json.Unmarshal(b, &imported)

	cfg := testConfig()
	cfg.Session = &imported
	q := newPeer(t, cfg)
	q.connect()
	if q.request.Host != "resume.test" {
		t.Errorf("connected to %q", q.request.Host)
	}
	q.accept()
	q.send(`{"op":10,"d":{"heartbeat_interval":41250}}`)
	q.flush()
	if ops := q.sentOps(0); !slices.Equal(ops, []discord.Opcode{discord.OpResume}) {
		t.Fatalf("sent %v, want RESUME only", ops)
	}
	if _, ok := eventOf[*IdentifyRequired](q.events()); ok {
		t.Error("asked to identify")
	}
	var r discord.Resume
	json.Unmarshal(q.lastSent().D, &r)
	if r.SessionID != "handoff" || r.Seq != 2 {
		t.Errorf("resume %+v", r)
	}
}

func TestSessionForAnotherShardIsRefused(t *testing.T) {
	cfg := testConfig()
	cfg.ShardID, cfg.ShardCount = 1, 4
	cfg.Session = &SessionState{ID: "x", Seq: 1, ShardID: 2, ShardCount: 4}
	if _, err := New(cfg); err == nil {
		t.Fatal("New accepted another shard's session")
	}
}

func TestResumeURLFailuresFallBackToGatewayURL(t *testing.T) {
	p := newPeer(t, testConfig())
	p.ready(interval, "s1")
	p.e.ConnectionLost(p.now, nil)
	var hosts []string
	for i := 0; i < 3; i++ {
		d := mustEvent[*Disconnected](t, p.events())
		p.advance(d.Wait)
		p.connect()
		hosts = append(hosts, p.request.Host)
		p.e.ConnectionLost(p.now, errors.New("dial: no such host"))
	}
	if want := []string{"resume.test", "resume.test", "gateway.test"}; !slices.Equal(hosts, want) {
		t.Errorf("hosts %v, want %v", hosts, want)
	}
	if !p.e.WillResume() {
		t.Error("the fallback still resumes")
	}
}

func TestIdentifyPayload(t *testing.T) {
	cfg := testConfig()
	cfg.ShardID, cfg.ShardCount = 3, 16
	cfg.LargeThreshold = 250
	cfg.Properties = discord.IdentifyProperties{OS: "linux", Browser: "wirecord", Device: "wirecord"}
	cfg.Presence = &discord.UpdatePresence{Status: "idle", Activities: []discord.Activity{{Name: "tests", Type: 0}}}
	p := newPeer(t, cfg)
	p.open(interval)
	if err := p.e.Identify(p.now); err != nil {
		t.Fatal(err)
	}
	p.flush()
	var got map[string]any
	if err := json.Unmarshal(p.lastSent().D, &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"token":           cfg.Token.Reveal(),
		"intents":         float64(cfg.Intents),
		"shard":           []any{float64(3), float64(16)},
		"large_threshold": float64(250),
		"properties":      map[string]any{"os": "linux", "browser": "wirecord", "device": "wirecord"},
	}
	for k, v := range want {
		if fmt.Sprint(got[k]) != fmt.Sprint(v) {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
	pres, _ := got["presence"].(map[string]any)
	if pres["status"] != "idle" {
		t.Errorf("presence %v", got["presence"])
	}
	if err := p.e.Identify(p.now); !errors.Is(err, ErrNotIdentifying) {
		t.Errorf("second Identify = %v", err)
	}
}

func TestPresenceUpdateIsRememberedForTheNextIdentify(t *testing.T) {
	p := newPeer(t, testConfig())
	p.ready(interval, "s1")
	if err := p.e.Send(p.now, discord.UpdatePresence{Status: "dnd", Activities: []discord.Activity{}}); err != nil {
		t.Fatal(err)
	}
	p.closeFrame(4009, "")
	d := mustEvent[*Disconnected](t, p.events())
	p.advance(d.Wait)
	p.open(interval)
	p.e.Identify(p.now)
	p.flush()
	var id struct {
		Presence struct{ Status string } `json:"presence"`
	}
	json.Unmarshal(p.lastSent().D, &id)
	if id.Presence.Status != "dnd" {
		t.Errorf("re-identify presence %q, want dnd", id.Presence.Status)
	}
}

func TestCommandsEncodeAsDiscordDocuments(t *testing.T) {
	q := ""
	for _, tc := range []struct {
		cmd  discord.Command
		op   discord.Opcode
		want string
	}{
		{discord.UpdatePresence{Status: "online", Activities: []discord.Activity{}}, 3,
			`{"since":null,"activities":[],"status":"online","afk":false}`},
		{discord.UpdateVoiceState{GuildID: 1166542210893082624}, 4,
			`{"guild_id":"1166542210893082624","channel_id":null,"self_mute":false,"self_deaf":false}`},
		{discord.RequestGuildMembers{GuildID: 1166542210893082624, Query: &q, Limit: 0, Nonce: "n1"}, 8,
			`{"guild_id":"1166542210893082624","query":"","limit":0,"nonce":"n1"}`},
		{discord.RequestSoundboardSounds{GuildIDs: []discord.GuildID{1, 2}}, 31,
			`{"guild_ids":["1","2"]}`},
	} {
		t.Run(tc.op.String(), func(t *testing.T) {
			p := newPeer(t, testConfig())
			p.ready(interval, "s1")
			if err := p.e.Send(p.now, tc.cmd); err != nil {
				t.Fatal(err)
			}
			p.flush()
			got := p.lastSent()
			if got.Op != tc.op || !jsonEqual(got.D, []byte(tc.want)) {
				t.Errorf("sent op %v %s, want %v %s", got.Op, got.D, tc.op, tc.want)
			}
		})
	}
}

func jsonEqual(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return fmt.Sprint(x) == fmt.Sprint(y)
}

func TestCommandOver4096BytesIsRefusedBeforeSending(t *testing.T) {
	p := newPeer(t, testConfig())
	p.ready(interval, "s1")
	p.flush()
	n := len(p.sent)
	ids := make([]discord.GuildID, 300)
	for i := range ids {
		ids[i] = discord.GuildID(1234567890123456789 + i)
	}
	err := p.e.Send(p.now, discord.RequestSoundboardSounds{GuildIDs: ids})
	var tl *PayloadTooLargeError
	if !errors.As(err, &tl) || tl.Size <= MaxPayloadSize || !errors.Is(err, ErrPayloadTooLarge) {
		t.Fatalf("err = %v", err)
	}
	p.flush()
	if len(p.sent) != n {
		t.Error("the oversized command went out")
	}
}

func TestSendLimitKeepsHeartbeatsOnTime(t *testing.T) {
	p := newPeer(t, testConfig())
	p.ready(interval, "s1")
	p.flush()
	start := len(p.sent)
	// Spend the whole budget on commands in one burst.
	accepted := 0
	var limited *SendLimitError
	for i := 0; i < 200; i++ {
		err := p.e.Send(p.now, discord.UpdatePresence{Status: "online"})
		if err == nil {
			accepted++
			continue
		}
		if !errors.As(err, &limited) || !errors.Is(err, ErrSendLimited) {
			t.Fatalf("err = %v", err)
		}
		break
	}
	// IDENTIFY already used a slot; 120 minus the reserve minus one.
	reserve := heartbeatReserve(120, time.Minute, interval)
	if accepted != 120-reserve-1 {
		t.Errorf("accepted %d commands, want %d", accepted, 120-reserve-1)
	}
	if limited.RetryAfter <= 0 || limited.RetryAfter > time.Minute {
		t.Errorf("retry after %v", limited.RetryAfter)
	}
	// Heartbeats still go out on schedule, for the whole window.
	for i := 0; i < 3; i++ {
		dl, _ := p.e.Deadline()
		due := dl
		p.advance(dl.Sub(p.now))
		p.flush()
		last := p.lastSent()
		if last.Op != discord.OpHeartbeat || !last.At.Equal(due) {
			t.Fatalf("beat %d: last sent %v at %v, want a heartbeat at %v", i, last.Op, last.At, due)
		}
		p.send(`{"op":11}`)
		// And commands are still refused while the window is full.
		if err := p.e.Send(p.now, discord.UpdatePresence{Status: "online"}); err == nil && p.now.Sub(epoch) < time.Minute {
			t.Fatalf("a command was accepted into a full window at %v", p.now.Sub(epoch))
		}
	}
	// Never more than 120 payloads in any 60 s window.
	times := []time.Time{}
	for _, s := range p.sent[:start] {
		times = append(times, s.At)
	}
	for _, s := range p.sent[start:] {
		times = append(times, s.At)
	}
	for i := range times {
		n := 0
		for j := i; j < len(times) && times[j].Sub(times[i]) < time.Minute; j++ {
			n++
		}
		if n > 120 {
			t.Fatalf("%d payloads within 60 s from %v", n, times[i])
		}
	}
}

func TestCommandsNeedAReadySession(t *testing.T) {
	p := newPeer(t, testConfig())
	if err := p.e.Send(p.now, discord.UpdatePresence{}); !errors.Is(err, ErrNotReady) {
		t.Errorf("before connecting: %v", err)
	}
	p.open(interval)
	if err := p.e.Send(p.now, discord.UpdatePresence{}); !errors.Is(err, ErrNotReady) {
		t.Errorf("before READY: %v", err)
	}
	if err := p.e.Send(p.now, discord.Identify{}); err == nil {
		t.Error("Send accepted IDENTIFY")
	}
}

func TestRequestGuildMembersIsValidatedBeforeSending(t *testing.T) {
	p := newPeer(t, testConfig())
	p.ready(interval, "s1")
	err := p.e.Send(p.now, discord.RequestGuildMembers{GuildID: 1}) // neither query nor user_ids
	if err == nil {
		t.Fatal("an invalid request was sent")
	}
}

func TestProtocolErrorsCloseWithTheirCodeAndResume(t *testing.T) {
	for _, tc := range []struct {
		name  string
		bytes []byte
		code  uint16
	}{
		{"masked server frame", wsproto.AppendFrame(nil, wsproto.OpText, true, []byte("{}"), &[4]byte{1, 2, 3, 4}), 1002},
		{"reserved bits", []byte{0xC1, 0x00}, 1002},
		{"invalid utf-8 text", wsproto.AppendFrame(nil, wsproto.OpText, true, []byte{0xff, 0xfe}, nil), 1007},
		{"one-byte close", []byte{0x88, 0x01, 0x03}, 1002},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newPeer(t, testConfig())
			p.ready(interval, "s1")
			p.events()
			p.receive(tc.bytes)
			p.flush()
			d := mustEvent[*Disconnected](t, p.events())
			if len(p.closes) != 1 || p.closes[0] != tc.code || d.Code != discord.CloseCode(tc.code) {
				t.Fatalf("closes %v, disconnect %+v, want %d", p.closes, d, tc.code)
			}
			var pe *ProtocolError
			if !errors.As(d.Err, &pe) || d.Action != ActionResume {
				t.Errorf("err %v action %v", d.Err, d.Action)
			}
		})
	}
}

func TestOversizedMessageClosesWith1009(t *testing.T) {
	cfg := testConfig()
	cfg.MaxMessageSize = 1024
	p := newPeer(t, cfg)
	p.ready(interval, "s1")
	p.events()
	big := `{"op":0,"s":2,"t":"X","d":"` + strings.Repeat("a", 2000) + `"}`
	p.send(big)
	p.flush()
	if len(p.closes) != 1 || p.closes[0] != 1009 {
		t.Fatalf("closes %v, want [1009]", p.closes)
	}
}

func TestPingIsAnsweredWithPong(t *testing.T) {
	p := newPeer(t, testConfig())
	p.ready(interval, "s1")
	p.receive(wsproto.AppendFrame(nil, wsproto.OpPing, true, []byte("are you there"), nil))
	p.flush()
	if len(p.pongs) != 1 || string(p.pongs[0]) != "are you there" {
		t.Errorf("pongs %q", p.pongs)
	}
}

func TestTokenNeverPrinted(t *testing.T) {
	cfg := testConfig()
	for _, s := range []string{fmt.Sprint(cfg), fmt.Sprintf("%+v", cfg), fmt.Sprintf("%#v", cfg), cfg.LogValue().String()} {
		if strings.Contains(s, cfg.Token.Reveal()) {
			t.Errorf("token printed: %s", s)
		}
	}
}

// Close(CloseEndSession) on the way to a resume (closing the connection
// after op 7, disconnected after a zombie or a drop, dialling again, or
// resuming) must not forget the session: Discord ends it only on a 1000 or
// 1001 of one of its connections. The engine keeps it and resumes; once
// Resumed, Close(CloseEndSession) ends it with 1000.
func TestEndSessionOnTheWayToAResumeResumesThenEndsWith1000(t *testing.T) {
	op7 := func(p *peer) {
		p.send(`{"op":7,"d":null}`)
		p.flush()
	}
	zombie := func(p *peer) { // a zombie closes without waiting for an answer
		p.advance(interval / 2)
		p.events()
		p.advance(interval)
	}
	drop := func(p *peer) { p.e.ConnectionLost(p.now, errors.New("connection reset")) }
	for _, tc := range []struct {
		name  string
		fault func(p *peer)
		at    State // where Close(CloseEndSession) comes
	}{
		{"op 7, while closing", op7, StateClosing},
		{"zombie, while disconnected", zombie, StateDisconnected},
		{"op 7, while disconnected", op7, StateDisconnected},
		{"drop, while disconnected", drop, StateDisconnected},
		{"drop, while connecting", drop, StateConnecting},
		{"op 7, while resuming", op7, StateResuming},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newPeer(t, testConfig())
			p.ready(interval, "s1")
			p.dispatch(2, "MESSAGE_CREATE", `{}`)
			p.events()
			tc.fault(p)
			closeAt := func(st State) {
				t.Helper()
				if tc.at != st {
					return
				}
				if got := p.e.State(); got != st {
					t.Fatalf("state %v, want %v", got, st)
				}
				p.e.Close(p.now, CloseEndSession)
			}
			closeAt(StateClosing)
			if p.e.State() == StateClosing {
				p.closeFrame(p.closes[len(p.closes)-1], "")
			}
			for _, ev := range p.events() {
				if d, ok := ev.(*Disconnected); ok && d.Action != ActionResume {
					t.Fatalf("disconnect %+v, want a resume", d)
				}
			}
			closeAt(StateDisconnected)
			if s, ok := p.e.Session(); !ok || s.ID != "s1" || !p.e.WillResume() {
				t.Fatalf("session %+v %v: forgotten while Discord keeps it", s, ok)
			}
			p.advance(time.Minute)
			p.connect()
			closeAt(StateConnecting)
			p.accept()
			n := len(p.sent)
			p.send(`{"op":10,"d":{"heartbeat_interval":41250}}`)
			p.flush()
			if ops := p.sentOps(n); !slices.Equal(ops, []discord.Opcode{discord.OpResume}) {
				t.Fatalf("sent %v, want RESUME", ops)
			}
			closeAt(StateResuming)
			p.dispatch(3, "RESUMED", `{}`)
			mustEvent[*Resumed](t, p.events())
			p.e.Close(p.now, CloseEndSession)
			p.flush()
			if code := p.closes[len(p.closes)-1]; code != 1000 {
				t.Errorf("closed the resumed connection with %d, want 1000", code)
			}
		})
	}
}
