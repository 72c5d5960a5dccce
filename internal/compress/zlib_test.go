package compress

import (
	"bytes"
	stdzlib "compress/zlib"
	"errors"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/klauspost/compress/flate"
)

// zlibMessages encodes payloads with one ZlibStreamEncoder, one WebSocket
// message per payload.
func zlibMessages(level int, payloads [][]byte) [][]byte {
	e := NewZlibStreamEncoder(level)
	msgs := make([][]byte, len(payloads))
	for i, p := range payloads {
		msgs[i] = e.Encode(nil, p)
	}
	return msgs
}

// stdZlibMessages encodes payloads with the standard library's zlib writer,
// flushed after each payload, one WebSocket message per payload.
func stdZlibMessages(t testing.TB, level int, payloads [][]byte) [][]byte {
	var buf bytes.Buffer
	w, err := stdzlib.NewWriterLevel(&buf, level)
	if err != nil {
		t.Fatal(err)
	}
	msgs := make([][]byte, len(payloads))
	for i, p := range payloads {
		if _, err := w.Write(p); err != nil {
			t.Fatal(err)
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		msgs[i] = bytes.Clone(buf.Bytes())
		buf.Reset()
	}
	return msgs
}

// decodeEach decodes msgs, each of which must complete a message equal to
// the payload of the same index.
func decodeEach(t *testing.T, d Decoder, msgs, payloads [][]byte) {
	t.Helper()
	for i, m := range msgs {
		out, ok, err := d.Decode(m)
		if err != nil || !ok {
			t.Fatalf("message %d: Decode = ok %v, err %v", i, ok, err)
		}
		if !bytes.Equal(out, payloads[i]) {
			t.Fatalf("message %d: decoded %d bytes, want %d bytes %.60q", i, len(out), len(payloads[i]), payloads[i])
		}
		if cap(out) != len(out) {
			t.Fatalf("message %d: out has cap %d, len %d", i, cap(out), len(out))
		}
	}
}

func TestZlibStreamRoundTrip(t *testing.T) {
	long := conversation(1, 300, 64<<10)
	big := conversation(2, 20, 1<<20)
	r := rand.New(rand.NewPCG(3, 3))
	var tiny [][]byte
	for range 200 {
		tiny = append(tiny, messageCreate(r, len(tiny))[:r.IntN(40)])
	}
	tests := []struct {
		name     string
		level    int
		payloads [][]byte
	}{
		{"DefaultLevel", flate.DefaultCompression, long},
		{"BestSpeed", flate.BestSpeed, long},
		{"BestCompression", flate.BestCompression, long},
		{"HuffmanOnly", flate.HuffmanOnly, long},
		{"Stored", flate.NoCompression, long},
		{"MegabyteReady", flate.DefaultCompression, big},
		{"TinyAndEmptyPayloads", flate.DefaultCompression, tiny},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			decodeEach(t, NewZlibStream(0), zlibMessages(tc.level, tc.payloads), tc.payloads)
		})
	}
}

func TestZlibStreamDecodesStandardLibraryZlib(t *testing.T) {
	payloads := conversation(4, 200, 300<<10)
	for _, level := range []int{stdzlib.DefaultCompression, stdzlib.BestSpeed, stdzlib.BestCompression, stdzlib.NoCompression, stdzlib.HuffmanOnly} {
		decodeEach(t, NewZlibStream(0), stdZlibMessages(t, level, payloads), payloads)
	}
}

func TestZlibStreamBuffersFragmentsUntilSyncFlush(t *testing.T) {
	payloads := conversation(5, 10, 1<<20)
	msgs := zlibMessages(flate.DefaultCompression, payloads)
	// Send the 1 MiB READY as several WebSocket messages: only the last one
	// ends with the sync flush.
	d := NewZlibStream(0)
	r := rand.New(rand.NewPCG(5, 5))
	whole := msgs[0]
	var frags [][]byte
	for rest := whole; len(rest) > 0; {
		n := min(len(rest), 1+r.IntN(len(whole)/4))
		if n < len(rest) && bytes.HasSuffix(rest[:n], syncFlush) {
			n++ // not a place a server could split
		}
		frags = append(frags, rest[:n])
		rest = rest[n:]
	}
	// Include a 3-byte fragment whose end completes the suffix across
	// fragments: the check is on the buffered data, not on one fragment.
	last := frags[len(frags)-1]
	if len(last) > 4 {
		frags = append(frags[:len(frags)-1], last[:len(last)-2], last[len(last)-2:])
	}
	if len(frags) < 3 {
		t.Fatalf("only %d fragments", len(frags))
	}
	for i, f := range frags[:len(frags)-1] {
		out, ok, err := d.Decode(bytes.Clone(f))
		if err != nil || ok || out != nil {
			t.Fatalf("fragment %d of %d: Decode = %d bytes, ok %v, err %v; want more needed", i, len(frags), len(out), ok, err)
		}
	}
	out, ok, err := d.Decode(frags[len(frags)-1])
	if err != nil || !ok || !bytes.Equal(out, payloads[0]) {
		t.Fatalf("last fragment: Decode = %d bytes, ok %v, err %v; want the %d-byte READY", len(out), ok, err, len(payloads[0]))
	}
	decodeEach(t, d, msgs[1:], payloads[1:])
}

// TestZlibStreamRestartsAtWindowBoundary covers the messages whose output
// ends exactly where the inflater's 32 KiB window fills: the inflater has
// already handed everything over, the sync flush yields nothing, and its
// next Read runs into the end of the input. The stream must go on exactly.
func TestZlibStreamRestartsAtWindowBoundary(t *testing.T) {
	r := rand.New(rand.NewPCG(6, 6))
	sized := func(sizes ...int) [][]byte {
		var ps [][]byte
		for _, n := range sizes {
			var p []byte
			for len(p) < n {
				p = append(p, messageCreate(r, len(ps))...)
			}
			ps = append(ps, p[:n])
		}
		return ps
	}
	var random []int
	for total := 0; len(random) < 400; {
		// Mostly ordinary sizes, now and then one that lands on a boundary.
		n := 1 + r.IntN(3000)
		if r.IntN(8) == 0 {
			n = deflateWindow - total%deflateWindow
		}
		if r.IntN(50) == 0 {
			n = 0
		}
		random = append(random, n)
		total += n
	}
	tests := []struct {
		name  string
		sizes []int
	}{
		{"FirstMessageFillsTheWindow", []int{32768, 100, 200}},
		{"TwoMessagesFillTheWindow", []int{1000, 31768, 5, 70000}},
		{"MessageOfTwoWindows", []int{65536, 1, 32767, 3}},
		{"BoundaryTwiceInARow", []int{32768, 32768, 32768, 17}},
		{"EmptyFirstMessage", []int{0, 10, 0, 0, 32758, 1}},
		{"LargeMessageAfterBoundary", []int{32768, 500000, 12}},
		{"RandomSizes", random},
	}
	encoders := []struct {
		name   string
		encode func(t *testing.T, ps [][]byte) [][]byte
	}{
		{"klauspost", func(t *testing.T, ps [][]byte) [][]byte { return zlibMessages(flate.DefaultCompression, ps) }},
		{"stdlib", func(t *testing.T, ps [][]byte) [][]byte { return stdZlibMessages(t, stdzlib.DefaultCompression, ps) }},
		{"stored", func(t *testing.T, ps [][]byte) [][]byte { return zlibMessages(flate.NoCompression, ps) }},
	}
	for _, tc := range tests {
		for _, enc := range encoders {
			t.Run(tc.name+"/"+enc.name, func(t *testing.T) {
				payloads := sized(tc.sizes...)
				msgs := enc.encode(t, payloads)
				d := NewZlibStream(0)
				// The inflater's window fills at base + k*32 KiB, where base
				// moves when a restart primes it with the last window.
				total, base, want := 0, 0, 0
				for i, m := range msgs {
					if d.restart {
						want++
						base = total - min(total, deflateWindow)
					}
					out, ok, err := d.Decode(m)
					if err != nil || !ok || !bytes.Equal(out, payloads[i]) {
						t.Fatalf("message %d (%d bytes at %d): Decode = %d bytes, ok %v, err %v", i, len(payloads[i]), total, len(out), ok, err)
					}
					total += len(out)
					// The inflater runs dry exactly when it had nothing
					// left for the sync flush to hand over.
					boundary := len(out) == 0 || (total-base)%deflateWindow == 0
					if d.restart != boundary {
						t.Fatalf("message %d ends at %d: restart pending = %v, want %v", i, total, d.restart, boundary)
					}
				}
				if d.restarts != want || want == 0 {
					t.Fatalf("restarts = %d, want %d (> 0)", d.restarts, want)
				}
			})
		}
	}
}

func TestZlibStreamRejectsCorruptInput(t *testing.T) {
	good := zlibMessages(flate.DefaultCompression, conversation(7, 3, 4000))
	withHeader := func(h0, h1 byte) []byte {
		m := bytes.Clone(good[0])
		m[0], m[1] = h0, h1
		return m
	}
	flipped := bytes.Clone(good[1])
	for i := 2; i < len(flipped)-4; i += 7 {
		flipped[i] ^= 0x5a
	}
	var final bytes.Buffer
	w := stdzlib.NewWriter(&final)
	w.Write([]byte(`{"op":11}`))
	w.Close()
	finalBlock := append(final.Bytes(), syncFlush...)
	r := rand.New(rand.NewPCG(8, 8))
	garbage := make([]byte, 3000)
	for i := range garbage {
		garbage[i] = byte(r.Uint32())
	}
	tests := []struct {
		name string
		msgs [][]byte
	}{
		{"NotDeflate", [][]byte{withHeader(0x79, 0x9c-1)}},
		{"WindowOver32KiB", [][]byte{withHeader(0x88, 0x1c)}},
		{"BadHeaderCheckBits", [][]byte{withHeader(0x78, 0x9d)}},
		{"PresetDictionary", [][]byte{withHeader(0x78, 0xbb)}},
		{"CorruptDeflateData", [][]byte{good[0], flipped}},
		{"StreamEndsWithFinalBlock", [][]byte{finalBlock}},
		{"GarbageAfterGoodHeader", [][]byte{append(append([]byte{0x78, 0x9c}, garbage...), syncFlush...)}},
		{"NoHeaderAtAll", [][]byte{syncFlush}},
		// A stored block of 10 bytes cut after 7 that happen to end with
		// the suffix: the data ends inside a block, not at a sync flush.
		{"DataEndsInsideABlock", [][]byte{{0x78, 0x9c, 0x00, 0x0a, 0x00, 0xf5, 0xff, 'a', 'b', 'c', 0x00, 0x00, 0xff, 0xff}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := NewZlibStream(0)
			var err error
			for _, m := range tc.msgs {
				if _, _, err = d.Decode(m); err != nil {
					break
				}
			}
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("err = %v, want ErrCorrupt", err)
			}
			if _, _, again := d.Decode(good[1]); again != err {
				t.Fatalf("Decode after the error = %v, want the same error until Reset", again)
			}
			d.Reset()
			decodeEach(t, d, good, conversation(7, 3, 4000))
		})
	}
}

func TestZlibStreamStopsBombAtLimit(t *testing.T) {
	const limit = 1 << 20
	e := NewZlibStreamEncoder(flate.BestCompression)
	bomb := e.Encode(nil, make([]byte, 4*limit)) // 4 MiB of zeros
	if len(bomb) > 8<<10 {
		t.Fatalf("bomb is %d bytes", len(bomb))
	}
	d := NewZlibStream(limit)
	allocated := allocatedBy(func() {
		_, _, err := d.Decode(bomb)
		var tl *TooLargeError
		if !errors.As(err, &tl) || tl.Limit != limit || !errors.Is(err, ErrTooLarge) {
			t.Fatalf("err = %v, want *TooLargeError{%d}", err, limit)
		}
	})
	if allocated > 4*limit {
		t.Fatalf("decoding a %d-byte bomb allocated %d bytes with a limit of %d", len(bomb), allocated, limit)
	}
}

func TestZlibStreamBoundsBufferedFragments(t *testing.T) {
	d := NewZlibStream(10000)
	for i := range 3 {
		if _, ok, err := d.Decode(make([]byte, 3000)); ok || err != nil {
			t.Fatalf("fragment %d: ok %v, err %v", i, ok, err)
		}
	}
	_, _, err := d.Decode(make([]byte, 3000))
	var tl *TooLargeError
	if !errors.As(err, &tl) || tl.Limit != 10000 {
		t.Fatalf("err = %v, want *TooLargeError{10000}", err)
	}
}

func TestZlibStreamResetStartsNewStream(t *testing.T) {
	first := conversation(9, 50, 10000)
	second := conversation(10, 50, 10000)
	d := NewZlibStream(0)
	decodeEach(t, d, zlibMessages(-1, first)[:20], first[:20]) // leave mid-stream
	// A fragment still buffered must not leak into the new connection.
	if _, ok, err := d.Decode([]byte{1, 2, 3}); ok || err != nil {
		t.Fatalf("fragment: ok %v, err %v", ok, err)
	}
	d.Reset()
	decodeEach(t, d, zlibMessages(-1, second), second)
}

// allocatedBy returns how many bytes f allocated on the heap.
func allocatedBy(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}
