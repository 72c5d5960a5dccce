package gateway

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wirecord/wirecord/discord"
)

// dispatchedSeqs lists the sequence numbers of the dispatches among evs.
func dispatchedSeqs(evs []Event) []int64 {
	var seqs []int64
	for _, ev := range evs {
		if d, ok := ev.(*Dispatch); ok {
			seqs = append(seqs, d.Seq)
		}
	}
	return seqs
}

// resumeAfter answers the engine's close, reconnects and checks that it
// sends RESUME with seq.
func resumeAfter(t *testing.T, p *peer, d *Disconnected, seq int64) {
	t.Helper()
	p.advance(d.Wait)
	p.connect()
	p.accept()
	n := len(p.sent)
	p.send(`{"op":10,"d":{"heartbeat_interval":41250}}`)
	p.flush()
	if ops := p.sentOps(n); !slices.Equal(ops, []discord.Opcode{discord.OpResume}) {
		t.Fatalf("sent %v after the reconnect, want RESUME", ops)
	}
	var r discord.Resume
	json.Unmarshal(p.lastSent().D, &r)
	if r.Seq != seq {
		t.Fatalf("RESUME seq %d, want the last good sequence %d", r.Seq, seq)
	}
}

func TestSequenceDiscordCannotSendBreaksTheConnectionAndResumesFromLastGood(t *testing.T) {
	for _, tc := range []struct {
		name   string
		before []int64 // dispatches after READY (s=1)
		s      string  // the hostile s, as sent
		value  string  // ValueError.Value
	}{
		{"jump to 2^62", []int64{2}, "4611686018427387904", "4611686018427387904"},
		{"overflows int64", []int64{2}, "9999999999999999999", `"9999999999999999999"`},
		{"overflows int64 negative", []int64{2}, "-9999999999999999999", `"-9999999999999999999"`},
		{"past 2^53", []int64{2}, "9007199254740992", "9007199254740992"},
		{"jump past the skew", []int64{2}, "1003", "1003"},
		{"zero", []int64{2}, "0", "0"},
		{"negative", []int64{2}, "-3", "-3"},
		{"not an integer", []int64{2}, "2.5", `"2.5"`},
		{"a string", []int64{2}, `"3"`, `"\"3\""`},
		{"far backwards", []int64{900, 1800}, "5", "5"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newPeer(t, testConfig())
			p.ready(interval, "s1")
			for _, s := range tc.before {
				p.dispatch(s, "MESSAGE_CREATE", `{}`)
			}
			last := tc.before[len(tc.before)-1]
			p.events()
			p.send(`{"op":0,"s":` + tc.s + `,"t":"MESSAGE_CREATE","d":{"id":"hostile"}}`)
			p.flush()
			evs := p.events()
			if seqs := dispatchedSeqs(evs); len(seqs) != 0 {
				t.Errorf("delivered %v: a number Discord cannot send is not delivered", seqs)
			}
			oor := mustEvent[*OutOfRange](t, evs)
			if oor.Err.Field != "s" || oor.Err.Value != tc.value || !strings.Contains(oor.Err.Error(), tc.value) {
				t.Errorf("value error %+v, want field s value %s", oor.Err, tc.value)
			}
			if len(p.closes) != 1 || p.closes[0] != uint16(discord.CloseResumable) {
				t.Fatalf("closes %v, want one %d", p.closes, discord.CloseResumable)
			}
			p.closeFrame(uint16(discord.CloseResumable), "")
			d := mustEvent[*Disconnected](t, p.events())
			var ve *ValueError
			if !errors.As(d.Err, &ve) || ve != oor.Err || d.Action != ActionResume || d.Cause != "bad_sequence" {
				t.Fatalf("disconnect %+v, want a resume with the *ValueError", d)
			}
			if p.e.Seq() != last {
				t.Errorf("seq %d after the bad one, want %d", p.e.Seq(), last)
			}
			resumeAfter(t, p, d, last)
		})
	}
}

func TestEventsAfterAnAbsurdSequenceAreDeliveredOnceEach(t *testing.T) {
	// The hostile jump of issue 13: s = 2^62 once, then 3..12. Nothing may
	// be swallowed, and nothing delivered twice, whether the next events
	// cross the close or come in the replay after RESUME.
	p := newPeer(t, testConfig())
	p.ready(interval, "s1")
	p.dispatch(2, "MESSAGE_CREATE", `{}`)
	p.events()
	p.dispatch(1<<62, "MESSAGE_CREATE", `{}`)
	for s := int64(3); s <= 7; s++ { // these cross our close frame
		p.dispatch(s, "MESSAGE_CREATE", `{}`)
	}
	p.closeFrame(uint16(discord.CloseResumable), "")
	evs := p.events()
	got := dispatchedSeqs(evs)
	d := mustEvent[*Disconnected](t, evs)
	resumeAfter(t, p, d, 7)
	for s := int64(5); s <= 12; s++ { // a replay that overlaps what we have
		p.dispatch(s, "MESSAGE_CREATE", `{}`)
	}
	p.dispatch(13, "RESUMED", `{}`)
	got = append(got, dispatchedSeqs(p.events())...)
	want := []int64{3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13}
	if !slices.Equal(got, want) {
		t.Errorf("delivered %v, want %v", got, want)
	}
}

func TestSequenceJumpWithinTheSkewIsAGapAndDelivered(t *testing.T) {
	p := newPeer(t, testConfig())
	p.ready(interval, "s1")
	p.dispatch(2, "MESSAGE_CREATE", `{}`)
	p.events()
	p.dispatch(2+MaxSequenceSkew, "MESSAGE_CREATE", `{}`)
	evs := p.events()
	gap := mustEvent[*SequenceGap](t, evs)
	if gap.After != 2 || gap.Next != 2+MaxSequenceSkew || !slices.Equal(dispatchedSeqs(evs), []int64{2 + MaxSequenceSkew}) {
		t.Errorf("gap %+v, events %s", gap, describe(evs))
	}
	if _, ok := eventOf[*OutOfRange](evs); ok || p.e.State() != StateReady {
		t.Errorf("state %v: a gap within the skew keeps the connection", p.e.State())
	}
}

func TestBadSequenceInReadyKeepsNoSession(t *testing.T) {
	p := newPeer(t, testConfig())
	p.open(interval)
	p.e.Identify(p.now)
	p.events()
	p.dispatch(1<<40, "READY", `{"session_id":"s1","resume_gateway_url":"wss://resume.test/"}`)
	p.closeFrame(uint16(discord.CloseResumable), "")
	evs := p.events()
	if _, ok := eventOf[*SessionStarted](evs); ok {
		t.Error("a READY with a bad sequence started a session")
	}
	d := mustEvent[*Disconnected](t, evs)
	if d.Action != ActionIdentify || d.Cause != "bad_sequence" {
		t.Errorf("disconnect %+v, want identify", d)
	}
}

func TestParseIntRefusesWhatDoesNotFitInt64(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"0", 0, true},
		{"9223372036854775807", 1<<63 - 1, true},
		{"-9223372036854775808", -1 << 63, true},
		{"9223372036854775808", 0, false},
		{"-9223372036854775809", 0, false},
		{"9999999999999999999", 0, false},
		{"18446744073709551616", 0, false},
		{"99999999999999999999", 0, false},
		{"-", 0, false},
		{"1e3", 0, false},
	} {
		n, ok := parseInt([]byte(tc.in))
		if n != tc.want || ok != tc.ok {
			t.Errorf("parseInt(%s) = %d, %v; want %d, %v", tc.in, n, ok, tc.want, tc.ok)
		}
	}
}

func TestHeartbeatIntervalIsBounded(t *testing.T) {
	for _, tc := range []struct {
		name      string
		ms        string
		sendLimit int // per minute; 0 is Discord's 120
		want      time.Duration
		clamped   bool
	}{
		{"discord's", "41250", 0, 41250 * time.Millisecond, false},
		{"1e13 overflows a Duration", "10000000000000", 0, MaxHeartbeatInterval, true},
		{"MaxInt64", "9223372036854775807", 0, MaxHeartbeatInterval, true},
		{"past MaxUint64", "99999999999999999999999", 0, MaxHeartbeatInterval, true},
		{"1e12 is 31 years", "1000000000000", 0, MaxHeartbeatInterval, true},
		{"exponent", "1e400", 0, MaxHeartbeatInterval, true},
		{"just over", "120001", 0, MaxHeartbeatInterval, true},
		{"1 ms eats the send budget", "1", 0, time.Second, true},
		{"fraction", "0.25", 0, time.Second, true},
		{"short with a larger budget", "300", 1000, 300 * time.Millisecond, false},
		{"too short for a larger budget", "100", 1000, 120 * time.Millisecond, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testConfig()
			if tc.sendLimit > 0 {
				cfg.SendLimit, cfg.SendWindow = tc.sendLimit, time.Minute
			}
			p := newPeer(t, cfg)
			p.connect()
			p.accept()
			p.send(`{"op":10,"d":{"heartbeat_interval":` + tc.ms + `},"s":null,"t":null}`)
			evs := p.events()
			h := mustEvent[*Hello](t, evs)
			if h.HeartbeatInterval != tc.want || p.e.HeartbeatInterval() != tc.want {
				t.Fatalf("interval %v (engine %v), want %v", h.HeartbeatInterval, p.e.HeartbeatInterval(), tc.want)
			}
			oor, ok := eventOf[*OutOfRange](evs)
			if ok != tc.clamped {
				t.Fatalf("OutOfRange reported %v, want %v", ok, tc.clamped)
			}
			if ok && (oor.Err.Field != "heartbeat_interval" || !strings.Contains(oor.Err.Value, tc.ms[:min(len(tc.ms), 20)])) {
				t.Errorf("value error %+v", oor.Err)
			}
			// The first heartbeat waits interval x jitter (0.5), and an
			// unacknowledged one is a zombie one interval later.
			p.advance(tc.want/2 - time.Nanosecond)
			p.flush()
			if ops := p.sentOps(0); len(ops) != 0 {
				t.Fatalf("sent %v before the first heartbeat was due", ops)
			}
			p.advance(time.Nanosecond)
			if ops := p.sentOps(0); !slices.Equal(ops, []discord.Opcode{discord.OpHeartbeat}) {
				t.Fatalf("sent %v at interval/2, want one heartbeat", ops)
			}
			p.advance(tc.want)
			d := mustEvent[*Disconnected](t, p.events())
			if !errors.Is(d.Err, ErrZombie) {
				t.Errorf("disconnect %+v, want a zombie one interval after the unacknowledged beat", d)
			}
		})
	}
}

func TestHelloWithoutAPositiveIntervalIsRefused(t *testing.T) {
	for _, ms := range []string{"0", "-41250", `"soon"`, "null", "-1e400"} {
		t.Run(ms, func(t *testing.T) {
			p := newPeer(t, testConfig())
			p.connect()
			p.accept()
			p.send(`{"op":10,"d":{"heartbeat_interval":` + ms + `}}`)
			evs := p.events()
			if _, ok := eventOf[*Hello](evs); ok {
				t.Fatal("hello accepted")
			}
			mustEvent[*PayloadError](t, evs)
			p.advance(DefaultHandshakeTimeout)
			if d := mustEvent[*Disconnected](t, p.events()); !errors.Is(d.Err, ErrHandshakeTimeout) {
				t.Errorf("disconnect %+v, want a handshake timeout", d)
			}
		})
	}
}

func TestResumeURLNeverDowngradesOrLeavesTrustedHosts(t *testing.T) {
	for _, tc := range []struct {
		name    string
		gateway string
		hosts   []string
		resume  string
		want    string // host:port the resume dials
		tls     bool
		refused bool
	}{
		{"wss to ws is refused", "wss://gateway.test/", []string{"*.test"}, "ws://resume.test:80/", "gateway.test:443", true, true},
		{"wss to ws on the same host is refused", "wss://gateway.test/", nil, "ws://gateway.test/", "gateway.test:443", true, true},
		{"a host nobody trusts", "wss://gateway.test/", []string{"*.test"}, "wss://evil.example/", "gateway.test:443", true, true},
		{"a look-alike of discord.gg", "wss://gateway.discord.gg/", nil, "wss://gateway.notdiscord.gg/", "gateway.discord.gg:443", true, true},
		{"not a websocket", "wss://gateway.test/", []string{"*.test"}, "https://resume.test/", "gateway.test:443", true, true},
		{"no host", "wss://gateway.test/", nil, "wss:///x", "gateway.test:443", true, true},
		{"discord's own", "wss://gateway.discord.gg/", nil, "wss://gateway-us-east1-b.discord.gg", "gateway-us-east1-b.discord.gg:443", true, false},
		{"discord's, from another gateway", "wss://gateway.test/", nil, "wss://gateway-us-east1-b.discord.gg", "gateway-us-east1-b.discord.gg:443", true, false},
		{"trusted by the user", "wss://gateway.test/", []string{"resume.example"}, "wss://resume.example/", "resume.example:443", true, false},
		{"trusted by pattern", "wss://gateway.test/", []string{"*.example"}, "wss://a.resume.example:8443/", "a.resume.example:8443", true, false},
		{"pattern is not its bare domain", "wss://gateway.test/", []string{"*.example"}, "wss://example/", "gateway.test:443", true, true},
		{"the fake discord: same host, other port", "ws://127.0.0.1:4000/", nil, "ws://127.0.0.1:4001", "127.0.0.1:4001", false, false},
		{"ws gateway to another host", "ws://127.0.0.1:4000/", nil, "ws://10.0.0.1:4001", "127.0.0.1:4000", false, true},
		{"ws to wss is allowed", "ws://127.0.0.1:4000/", nil, "wss://127.0.0.1:4001", "127.0.0.1:4001", true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testConfig()
			cfg.URL, cfg.ResumeHosts = tc.gateway, tc.hosts
			p := newPeer(t, cfg)
			p.open(interval)
			p.e.Identify(p.now)
			p.events()
			p.dispatch(1, "READY", `{"session_id":"s1","resume_gateway_url":"`+tc.resume+`"}`)
			evs := p.events()
			oor, refused := eventOf[*OutOfRange](evs)
			s, _ := p.e.Session()
			if refused {
				if oor.Err.Field != "resume_gateway_url" || !strings.Contains(oor.Err.Value, tc.resume) {
					t.Errorf("value error %+v", oor.Err)
				}
				if s.ResumeURL != "" {
					t.Errorf("session keeps the refused resume URL %q", s.ResumeURL)
				}
			}
			p.e.ConnectionLost(p.now, nil)
			d := mustEvent[*Disconnected](t, p.events())
			p.advance(d.Wait)
			tg := p.connect()
			if tg.Addr != tc.want || tg.TLS != tc.tls {
				t.Errorf("resume dials %s (tls %v), want %s (tls %v)", tg.Addr, tg.TLS, tc.want, tc.tls)
			}
			if refused != tc.refused {
				t.Errorf("refused %v, want %v", refused, tc.refused)
			}
		})
	}
}

func TestImportedSessionWithADowngradingResumeURLIsRefused(t *testing.T) {
	cfg := testConfig()
	cfg.Session = &SessionState{ID: "s1", Seq: 5, ResumeURL: "ws://resume.test/"}
	_, err := New(cfg)
	var ve *ValueError
	if !errors.As(err, &ve) || ve.Field != "resume_gateway_url" {
		t.Fatalf("New: %v, want a *ValueError for the resume URL", err)
	}
}
