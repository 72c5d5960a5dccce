package gateway

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/wirecord/wirecord/discord"
	"github.com/wirecord/wirecord/internal/wsproto"
)

// bigReady builds a READY of about n bytes: many unavailable guilds, as a
// bot in thousands of guilds receives.
func bigReady(n int) string {
	var b strings.Builder
	b.WriteString(`{"op":0,"s":1,"t":"READY","d":{"v":10,"session_id":"big","resume_gateway_url":"wss://resume.test/","user":{"id":"1","username":"bot"},"guilds":[`)
	for i := 0; b.Len() < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":"%d","unavailable":true}`, 1171002337115320320+i*7919)
	}
	b.WriteString(`]}}`)
	return b.String()
}

// fragment splits a message into WebSocket frames of at most size bytes.
func fragment(op wsproto.Opcode, msg []byte, size int) []byte {
	var out []byte
	for first := true; ; first = false {
		n := min(size, len(msg))
		fop := wsproto.OpContinuation
		if first {
			fop = op
		}
		out = wsproto.AppendFrame(out, fop, n == len(msg), msg[:n], nil)
		msg = msg[n:]
		if len(msg) == 0 {
			return out
		}
	}
}

func TestFragmentedOneMegabyteReadyUnderEachCompression(t *testing.T) {
	ready := bigReady(1 << 20)
	for _, enc := range []Encoding{EncodingJSON, EncodingETF} {
		for _, comp := range []Compression{CompressNone, CompressZlib, CompressZstd} {
			t.Run(string(enc)+"/"+string(comp), func(t *testing.T) {
				cfg := testConfig()
				cfg.Encoding, cfg.Compression = enc, comp
				p := newPeer(t, cfg)
				p.open(interval)
				p.e.Identify(p.now)
				p.events()

				wire := p.wirePayload(ready)
				op := wsproto.OpBinary
				if comp == CompressNone && enc == EncodingJSON {
					op = wsproto.OpText
				}
				var stream []byte
				if comp == CompressZlib {
					// zlib-stream may also split one payload over several
					// WebSocket messages; only the last ends in 00 00 ff ff.
					third := len(wire) / 3
					stream = append(stream, fragment(op, wire[:third], 16<<10)...)
					stream = append(stream, fragment(op, wire[third:2*third], 16<<10)...)
					stream = append(stream, fragment(op, wire[2*third:], 16<<10)...)
				} else {
					stream = fragment(op, wire, 16<<10)
				}
				// Feed it in socket-sized reads that cut frames anywhere.
				for len(stream) > 0 {
					n := min(4093, len(stream))
					p.receive(stream[:n])
					stream = stream[n:]
				}
				evs := p.events()
				d := mustEvent[*Dispatch](t, evs)
				if d.Err != nil || d.Name != "READY" {
					t.Fatalf("dispatch %s err %v", d.Name, d.Err)
				}
				var r discord.Ready
				if err := json.Unmarshal(d.Data, &r); err != nil {
					t.Fatalf("READY data: %v", err)
				}
				want := strings.Count(ready, `"unavailable"`)
				if len(r.Guilds) != want || r.Guilds[0].ID != 1171002337115320320 {
					t.Errorf("%d guilds, first %v; want %d", len(r.Guilds), r.Guilds[0].ID, want)
				}
				st := mustEvent[*SessionStarted](t, evs)
				if st.Session.ID != "big" || p.e.State() != StateReady {
					t.Errorf("session %+v state %v", st.Session, p.e.State())
				}
				// The stream goes on after the big message.
				p.dispatch(2, "MESSAGE_CREATE", `{"id":"5"}`)
				if d := mustEvent[*Dispatch](t, p.events()); string(d.Data) != `{"id":"5"}` {
					t.Errorf("next dispatch %s", d.Data)
				}
			})
		}
	}
}

func TestCompressionStreamIsFreshOnEachConnection(t *testing.T) {
	for _, comp := range []Compression{CompressZlib, CompressZstd} {
		t.Run(string(comp), func(t *testing.T) {
			cfg := testConfig()
			cfg.Compression = comp
			p := newPeer(t, cfg)
			p.ready(interval, "s1")
			p.dispatch(2, "MESSAGE_CREATE", `{"content":"before"}`)
			p.e.ConnectionLost(p.now, nil)
			d := mustEvent[*Disconnected](t, p.events())
			p.advance(d.Wait)
			// peer.connect resets the server's compressor, as Discord
			// starts a new stream per connection.
			p.connect()
			p.accept()
			p.send(`{"op":10,"d":{"heartbeat_interval":41250}}`)
			p.dispatch(3, "MESSAGE_CREATE", `{"content":"after"}`)
			p.dispatch(4, "RESUMED", `{}`)
			evs := p.events()
			if _, ok := eventOf[*Resumed](evs); !ok {
				t.Fatalf("events %s", describe(evs))
			}
			if _, ok := eventOf[*Disconnected](evs); ok {
				t.Fatal("the new stream was decoded with the old context")
			}
		})
	}
}

func TestCorruptCompressedStreamClosesAndResumes(t *testing.T) {
	for _, comp := range []Compression{CompressZlib, CompressZstd} {
		t.Run(string(comp), func(t *testing.T) {
			cfg := testConfig()
			cfg.Compression = comp
			p := newPeer(t, cfg)
			p.ready(interval, "s1")
			p.events()
			garbage := []byte{0xde, 0xad, 0xbe, 0xef, 0x00, 0x00, 0xff, 0xff}
			p.receive(wsproto.AppendFrame(nil, wsproto.OpBinary, true, garbage, nil))
			p.flush()
			d := mustEvent[*Disconnected](t, p.events())
			if d.Action != ActionResume || d.Code != discord.CloseInvalidPayload {
				t.Errorf("disconnect %+v", d)
			}
		})
	}
}

func TestETFSnowflakesMayBeIntegersOrStrings(t *testing.T) {
	cfg := testConfig()
	cfg.Encoding = EncodingETF
	p := newPeer(t, cfg)
	p.ready(interval, "s1")
	p.events()
	// As ETF, the first id is a big integer and the second a binary.
	p.dispatch(2, "MESSAGE_CREATE", `{"id":1234567890123456789,"channel_id":"1166542210893082624","content":"hi","author":{"id":1186417093561483264,"username":"u"}}`)
	d := mustEvent[*Dispatch](t, p.events())
	var m discord.MessageCreate
	if err := json.Unmarshal(d.Data, &m); err != nil {
		t.Fatalf("decode: %v (%s)", err, d.Data)
	}
	if m.ID != 1234567890123456789 || m.ChannelID != 1166542210893082624 || m.Author.ID != 1186417093561483264 || m.Content != "hi" {
		t.Errorf("message %+v", m)
	}
	// What the engine sends is ETF too, with string keys.
	p.e.Send(p.now, discord.UpdatePresence{Status: "online", Activities: []discord.Activity{}})
	p.flush()
	if last := p.lastSent(); last.op != wsproto.OpBinary || last.Op != discord.OpPresenceUpdate {
		t.Errorf("sent %+v", last)
	}
}
