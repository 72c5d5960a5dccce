package compress

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"testing"
)

// collect is a Sink that keeps copies of what it is lent, and scribbles
// over the lent buffer, so a decoder that kept using it would show.
type collect struct{ got [][]byte }

func (c *collect) Take(out []byte) {
	c.got = append(c.got, bytes.Clone(out))
	for i := range out {
		out[i] = 'X'
	}
}

// DecodeTo lends exactly the messages Decode returns, in order, over a
// stream of realistic messages split into fragments (zlib-stream waits for
// the sync flush), and fails exactly where Decode fails.
func TestDecodeToLendsWhatDecodeReturns(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	var payloads [][]byte
	for i := range 60 {
		payloads = append(payloads, messageCreate(r, i+1))
	}
	payloads = append(payloads, []byte{}, guildCreate(r, 61, 300))
	z, err := NewZstdStreamEncoder(0)
	if err != nil {
		t.Fatal(err)
	}
	var zstdMsgs [][]byte
	for _, p := range payloads {
		zstdMsgs = append(zstdMsgs, z.Encode(nil, p))
	}
	// zlib-stream: each message split in two WebSocket messages.
	var zlibMsgs [][]byte
	for _, m := range zlibMessages(6, payloads) {
		h := len(m) / 2
		zlibMsgs = append(zlibMsgs, m[:h], m[h:])
	}
	corrupt := []byte{0xff, 0xff, 0xff, 0xff, 0, 0, 0xff, 0xff}
	for _, tc := range []struct {
		name string
		msgs [][]byte
		dec  func() LendingDecoder
	}{
		{"zlib-stream", zlibMsgs, func() LendingDecoder { return NewZlibStream(0) }},
		{"zstd-stream", zstdMsgs, func() LendingDecoder {
			d, err := NewZstdStream(0, 0)
			if err != nil {
				t.Fatal(err)
			}
			return d
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plain, lending := tc.dec(), tc.dec()
			var want [][]byte
			var sink collect
			for i, m := range append(tc.msgs, corrupt) {
				out, ok, err := plain.Decode(m)
				lok, lerr := lending.DecodeTo(m, &sink)
				if ok != lok || (err == nil) != (lerr == nil) {
					t.Fatalf("message %d: Decode says ok %v err %v, DecodeTo ok %v err %v", i, ok, err, lok, lerr)
				}
				if err != nil {
					if !errors.Is(lerr, ErrCorrupt) {
						t.Fatalf("DecodeTo's error %v is not ErrCorrupt", lerr)
					}
					break
				}
				if ok {
					want = append(want, out)
				}
			}
			if len(sink.got) != len(want) || len(want) != len(payloads) {
				t.Fatalf("DecodeTo lent %d messages, Decode returned %d, %d were sent", len(sink.got), len(want), len(payloads))
			}
			for i := range want {
				if !bytes.Equal(sink.got[i], want[i]) || !bytes.Equal(want[i], payloads[i]) {
					t.Fatalf("message %d differs: lent %d bytes, returned %d, sent %d", i, len(sink.got[i]), len(want[i]), len(payloads[i]))
				}
			}
		})
	}
}
