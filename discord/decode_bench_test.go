package discord

import (
	"encoding/json"
	"testing"

	"github.com/wirecord/wirecord/internal/benchload/payload"
)

// eventData returns the d of n payloads made by gen, as the dispatcher
// hands them to the typed decode.
func eventData(tb testing.TB, n int, gen func(seq int) []byte) [][]byte {
	tb.Helper()
	out := make([][]byte, n)
	for i := range out {
		var env struct {
			D json.RawMessage `json:"d"`
		}
		if err := json.Unmarshal(gen(i+2), &env); err != nil {
			tb.Fatal(err)
		}
		out[i] = env.D
	}
	return out
}

func messageData(tb testing.TB, n int) [][]byte {
	return eventData(tb, n, func(seq int) []byte { return payload.MessageCreate(1, seq) })
}

func guildData(tb testing.TB, n int) [][]byte {
	return eventData(tb, n, func(seq int) []byte { return payload.GuildCreate(1, seq, payload.GuildBase+uint64(seq)<<22) })
}

func totalBytes(data [][]byte) int {
	n := 0
	for _, d := range data {
		n += len(d)
	}
	return n
}

// benchDecode decodes data round-robin into a fresh T each time, as the
// dispatcher does for a typed handler.
func benchDecode[T any](b *testing.B, data [][]byte) {
	b.SetBytes(int64(totalBytes(data) / len(data)))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		var v T
		if err := json.Unmarshal(data[i%len(data)], &v); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkDecodeTypedMessageCreate is the typed decode of wirecord
// bench's MESSAGE_CREATE mix (1.7 KB on average: members, mentions,
// embeds, replies with their referenced message).
func BenchmarkDecodeTypedMessageCreate(b *testing.B) {
	benchDecode[MessageCreate](b, messageData(b, 512))
}

// BenchmarkDecodeTypedGuildCreate is the typed decode of a 33 KB
// GUILD_CREATE.
func BenchmarkDecodeTypedGuildCreate(b *testing.B) {
	benchDecode[GuildCreate](b, guildData(b, 8))
}

// typedDecodeAllocs are the allocations per typed decode, measured on the
// payloads above when this test was written. TestTypedDecodeAllocationsArePinned
// fails when one grows by more than 20%: if the growth is deliberate,
// record the new figure and say why in the commit.
var typedDecodeAllocs = map[string]float64{
	"MessageCreate": 35,
	"GuildCreate":   446,
}

func allocsPerDecode[T any](data [][]byte) float64 {
	i := 0
	// Each payload equally often (AllocsPerRun adds one warm-up call).
	return testing.AllocsPerRun(4*len(data)-1, func() {
		var v T
		if err := json.Unmarshal(data[i%len(data)], &v); err != nil {
			panic(err)
		}
		i++
	})
}

func TestTypedDecodeAllocationsArePinned(t *testing.T) {
	for name, got := range map[string]float64{
		"MessageCreate": allocsPerDecode[MessageCreate](messageData(t, 256)),
		"GuildCreate":   allocsPerDecode[GuildCreate](guildData(t, 4)),
	} {
		t.Logf("%s: %.0f allocations per decode", name, got)
		if want := typedDecodeAllocs[name]; got > want*1.2 {
			t.Errorf("%s: %.0f allocations per decode, more than 20%% over the %.0f recorded", name, got, want)
		}
	}
}
