package gateway

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

var words = strings.Fields(`the a deploy build green red staging prod lunch coffee meeting ok lol brb ship it who broke
what when why how tomorrow today later maybe never always thanks please sorry great nice cool weird
bug fix test merge review branch main release tag version docs readme issue ticket sprint standup`)

// messageCreate returns a MESSAGE_CREATE payload of about 1 KiB, the size
// of a typical guild message with author, member and one mention. Ids,
// names and text vary from message to message, as they do in a real
// stream, so compression is not flattered.
func messageCreate(seq int) string {
	r := rand.New(rand.NewPCG(uint64(seq), 7))
	id := 1200000000000000000 + seq*4194304 + r.IntN(4194304)
	var text strings.Builder
	for range 10 + r.IntN(40) {
		text.WriteString(words[r.IntN(len(words))])
		text.WriteByte(' ')
	}
	user := func() string { return fmt.Sprintf("%d", 1100000000000000000+r.Int64N(1<<58)) }
	hash := func() string { return fmt.Sprintf("%016x%016x", r.Uint64(), r.Uint64()) }
	return fmt.Sprintf(`{"t":"MESSAGE_CREATE","s":%d,"op":0,"d":{"type":0,"tts":false,"timestamp":"2026-11-23T10:%02d:%02d.%06d+00:00","pinned":false,"nonce":"%d","mentions":[{"username":"user%d","public_flags":0,"id":"%s","global_name":"User %d","discriminator":"0","avatar":"%s"}],"mention_roles":[],"mention_everyone":false,"member":{"roles":["%s","%s"],"premium_since":null,"pending":false,"nick":null,"mute":false,"joined_at":"2024-03-01T12:00:00.000000+00:00","flags":0,"deaf":false,"communication_disabled_until":null,"avatar":null},"id":"%d","flags":0,"embeds":[],"edited_timestamp":null,"content":"%s","components":[],"channel_id":"%s","author":{"username":"user%d","public_flags":0,"id":"%s","global_name":"User %d","discriminator":"0","avatar":"%s"},"attachments":[],"guild_id":"1166542210893082624"}}`,
		seq, (seq/60)%60, seq%60, r.IntN(1000000), id, r.IntN(500), user(), r.IntN(500), hash(), user(), user(), id,
		strings.TrimSpace(text.String()), user(), r.IntN(500), user(), r.IntN(500), hash())
}

// benchReceive measures the engine's receive path per event: frame
// parsing, decompression, transcoding (ETF) and envelope parsing, ending
// with a Dispatch event in hand. Each round of 4096 events runs on a fresh
// engine and stream; preparing a round is not timed.
func benchReceive(b *testing.B, enc Encoding, comp Compression) {
	const round = 4096
	cfg := testConfig()
	cfg.Encoding, cfg.Compression = enc, comp
	var p *peer
	frames := make([][]byte, round)
	var wireBytes, rawBytes int
	prepare := func() {
		p = newPeer(b, cfg)
		p.ready(interval, "bench")
		p.events()
		for i := range frames {
			msg := messageCreate(i + 2)
			frames[i] = p.frame(msg)
			wireBytes += len(frames[i])
			rawBytes += len(msg)
		}
	}
	prepare()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		j := i % round
		if j == 0 && i > 0 {
			b.StopTimer()
			prepare()
			b.StartTimer()
		}
		if err := p.e.Receive(p.now, frames[j]); err != nil {
			b.Fatal(err)
		}
		ev, ok := p.e.NextEvent()
		if d, isDispatch := ev.(*Dispatch); !ok || !isDispatch || d.Err != nil {
			b.Fatalf("event %#v", ev)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(wireBytes)/float64(rawBytes), "wire/raw")
}

func BenchmarkReceiveMessageCreate(b *testing.B) {
	for _, enc := range []Encoding{EncodingJSON, EncodingETF} {
		for _, comp := range []Compression{CompressNone, CompressZlib, CompressZstd} {
			b.Run(string(enc)+"/"+string(comp), func(b *testing.B) { benchReceive(b, enc, comp) })
		}
	}
}

// BenchmarkBaselineStdlibEnvelope is the yardstick for the figures above:
// what reading the same payload's envelope costs with encoding/json alone,
// with no framing and no compression, as most Go gateways do it.
func BenchmarkBaselineStdlibEnvelope(b *testing.B) {
	payloads := make([][]byte, 4096)
	for i := range payloads {
		payloads[i] = []byte(messageCreate(i + 2))
	}
	var env struct {
		Op int             `json:"op"`
		S  int64           `json:"s"`
		T  string          `json:"t"`
		D  json.RawMessage `json:"d"`
	}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if err := json.Unmarshal(payloads[i%len(payloads)], &env); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseEnvelope is the envelope scan alone (finding op, s, t and
// where d ends) over the same varied payloads as the receive benchmark,
// plus a third of them with non-ASCII content and escapes, as real
// messages have.
func BenchmarkParseEnvelope(b *testing.B) {
	payloads := make([][]byte, 4096)
	var n int
	for i := range payloads {
		msg := messageCreate(i + 2)
		if i%3 == 0 {
			msg = strings.Replace(msg, `"content":"`, `"content":"héllo wörld \"quoted\" \\ 日本語 `, 1)
		}
		payloads[i] = []byte(msg)
		n += len(msg)
	}
	b.SetBytes(int64(n / len(payloads)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		env, err := parseEnvelope(payloads[i%len(payloads)])
		if err != nil || env.data == nil {
			b.Fatal(err)
		}
	}
}
