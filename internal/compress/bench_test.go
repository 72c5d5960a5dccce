package compress

import (
	"math/rand/v2"
	"testing"
)

// benchMessages returns n MESSAGE_CREATE payloads of about 1 KiB, the steady
// stream a busy shard receives.
func benchMessages(n int) [][]byte {
	r := rand.New(rand.NewPCG(60, 60))
	ps := make([][]byte, n)
	for i := range ps {
		ps[i] = messageCreate(r, i+1)
	}
	return ps
}

func averageSize(ps [][]byte) int64 {
	total := 0
	for _, p := range ps {
		total += len(p)
	}
	return int64(total / len(ps))
}

// benchmarkDecode decodes a pre-encoded stream, one message per op, starting
// over (Reset) when the stream is used up.
func benchmarkDecode(b *testing.B, d Decoder, msgs [][]byte, payloads [][]byte) {
	b.SetBytes(averageSize(payloads))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if i == len(msgs) {
			d.Reset()
			i = 0
		}
		if _, ok, err := d.Decode(msgs[i]); err != nil || !ok {
			b.Fatalf("message %d: ok %v, err %v", i, ok, err)
		}
		i++
	}
}

func BenchmarkZlibStreamDecode(b *testing.B) {
	payloads := benchMessages(4096)
	benchmarkDecode(b, NewZlibStream(0), zlibMessages(-1, payloads), payloads)
}

func BenchmarkZstdStreamDecode(b *testing.B) {
	payloads := benchMessages(4096)
	benchmarkDecode(b, newZstd(b, 0, 0), zstdMessages(b, 0, payloads), payloads)
}

func BenchmarkZlibStreamEncode(b *testing.B) {
	payloads := benchMessages(4096)
	e := NewZlibStreamEncoder(-1)
	benchmarkEncode(b, e.Encode, e.Reset, payloads)
}

func BenchmarkZstdStreamEncode(b *testing.B) {
	payloads := benchMessages(4096)
	e, err := NewZstdStreamEncoder(0)
	if err != nil {
		b.Fatal(err)
	}
	benchmarkEncode(b, e.Encode, e.Reset, payloads)
}

func benchmarkEncode(b *testing.B, encode func(dst, p []byte) []byte, reset func(), payloads [][]byte) {
	b.SetBytes(averageSize(payloads))
	b.ReportAllocs()
	buf := make([]byte, 0, 64<<10)
	i := 0
	for b.Loop() {
		if i == len(payloads) {
			reset()
			i = 0
		}
		buf = encode(buf[:0], payloads[i])
		i++
	}
}
