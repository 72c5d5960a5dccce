package compress

import (
	"bytes"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// The fuzz targets read their input as WebSocket messages: a 2-byte
// little-endian length, then that many bytes (0xffff: the rest of the input),
// again and again. Seeds live in testdata/fuzz/<target>; go test
// -run TestFuzzSeeds -update-seeds rewrites them. They are kept to a few
// hundred bytes: the fuzzer minimizes every input that finds new coverage,
// in time quadratic in its length, and spends its run doing so when inputs
// are kilobytes long.

var updateSeeds = flag.Bool("update-seeds", false, "rewrite the seed corpora in testdata/fuzz")

const fuzzLimit = 1 << 20

func splitMessages(in []byte) [][]byte {
	var msgs [][]byte
	for len(in) >= 2 {
		n := int(binary.LittleEndian.Uint16(in))
		in = in[2:]
		if n == 0xffff || n > len(in) {
			n = len(in)
		}
		msgs = append(msgs, in[:n])
		in = in[n:]
	}
	return msgs
}

func joinMessages(msgs ...[]byte) []byte {
	var b []byte
	for _, m := range msgs {
		if len(m) >= 0xffff {
			panic(fmt.Sprintf("message of %d bytes is too long for a seed", len(m)))
		}
		b = binary.LittleEndian.AppendUint16(b, uint16(len(m)))
		b = append(b, m...)
	}
	return b
}

// checkDecoder feeds msgs to d until an error and checks the Decoder
// contract; then it checks that Reset gives a working decoder back.
func checkDecoder(t *testing.T, d Decoder, msgs [][]byte, good []byte, want []byte) {
	for _, m := range msgs {
		out, ok, err := d.Decode(m)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrTooLarge) {
				t.Fatalf("error %v (%T) is neither ErrCorrupt nor ErrTooLarge", err, err)
			}
			if out != nil || ok {
				t.Fatalf("error %v came with %d bytes, ok %v", err, len(out), ok)
			}
			if _, _, again := d.Decode(good); again != err {
				t.Fatalf("Decode after %v = %v, want the same error until Reset", err, again)
			}
			break
		}
		if !ok {
			if out != nil {
				t.Fatalf("ok=false with %d bytes", len(out))
			}
			continue
		}
		if len(out) > fuzzLimit || cap(out) != len(out) {
			t.Fatalf("out of %d bytes (cap %d), limit %d", len(out), cap(out), fuzzLimit)
		}
	}
	d.Reset()
	out, ok, err := d.Decode(good)
	if err != nil || !ok || !bytes.Equal(out, want) {
		t.Fatalf("after Reset: Decode = %q, ok %v, err %v", out, ok, err)
	}
}

// FuzzZlibStream feeds arbitrary WebSocket messages to a ZlibStream: it must
// never panic, never return more than its limit, and fail only with ErrCorrupt
// or ErrTooLarge.
func FuzzZlibStream(f *testing.F) {
	want := []byte(`{"op":11,"d":null}`)
	good := NewZlibStreamEncoder(-1).Encode(nil, want)
	f.Add(joinMessages(zlibMessages(-1, smallChat(40)[:4])...))
	f.Fuzz(func(t *testing.T, in []byte) {
		checkDecoder(t, NewZlibStream(fuzzLimit), splitMessages(in), good, want)
	})
}

// FuzzZstdStream is FuzzZlibStream for ZstdStream.
func FuzzZstdStream(f *testing.F) {
	want := []byte(`{"op":11,"d":null}`)
	good := zstdMessages(f, 0, [][]byte{want})[0]
	f.Add(joinMessages(zstdMessages(f, 0, smallChat(41)[:4])...))
	f.Fuzz(func(t *testing.T, in []byte) {
		checkDecoder(t, newZstd(t, fuzzLimit, 0), splitMessages(in), good, want)
	})
}

// FuzzZlibStreamRoundTrip encodes the fuzzer's payloads with
// ZlibStreamEncoder and decodes them with ZlibStream. The low bits of mode pick
// the level (-2 to 9); its top bit splits every message into two fragments.
func FuzzZlibStreamRoundTrip(f *testing.F) {
	f.Add(byte(1), joinMessages(smallChat(42)[:4]...))
	var encoders [12]*ZlibStreamEncoder // built once: a level 9 deflater is costly
	f.Fuzz(func(t *testing.T, mode byte, in []byte) {
		payloads := splitMessages(in)
		level := int(mode&0x7f) % 12
		e := encoders[level]
		if e == nil {
			e = NewZlibStreamEncoder(level - 2)
			encoders[level] = e
		}
		e.Reset()
		d := NewZlibStream(0)
		for i, p := range payloads {
			m := e.Encode(nil, p)
			if mode&0x80 != 0 {
				// A server may split a message anywhere but just after
				// a 00 00 ff ff, which would read as the end.
				cut := len(m) / 2
				if !bytes.HasSuffix(m[:cut], syncFlush) {
					if out, ok, err := d.Decode(m[:cut]); ok || err != nil || out != nil {
						t.Fatalf("payload %d, first fragment: %d bytes, ok %v, err %v", i, len(out), ok, err)
					}
					m = m[cut:]
				}
			}
			out, ok, err := d.Decode(m)
			if err != nil || !ok || !bytes.Equal(out, p) {
				t.Fatalf("payload %d of %d bytes: Decode = %d bytes, ok %v, err %v", i, len(p), len(out), ok, err)
			}
		}
	})
}

// FuzzZstdStreamRoundTrip encodes the fuzzer's payloads with
// ZstdStreamEncoder and decodes them with ZstdStream. The low bits of mode
// pick the window (1 KiB to 256 KiB); its top bit appends an empty block to
// every message.
func FuzzZstdStreamRoundTrip(f *testing.F) {
	f.Add(byte(8), joinMessages(smallChat(43)[:4]...))
	var encoders [9]*ZstdStreamEncoder
	f.Fuzz(func(t *testing.T, mode byte, in []byte) {
		payloads := splitMessages(in)
		log := int(mode&0x7f) % 9
		e := encoders[log]
		if e == nil {
			var err error
			if e, err = NewZstdStreamEncoder(1 << (10 + log)); err != nil {
				t.Fatal(err)
			}
			encoders[log] = e
		}
		e.Reset()
		d := newZstd(t, 0, 0)
		for i, p := range payloads {
			m := e.Encode(nil, p)
			if mode&0x80 != 0 && len(m) > 0 {
				m = append(m, emptyRaw...)
			}
			out, ok, err := d.Decode(m)
			if err != nil || !ok || !bytes.Equal(out, p) {
				t.Fatalf("payload %d of %d bytes: Decode = %d bytes, ok %v, err %v", i, len(p), len(out), ok, err)
			}
		}
	})
}

// TestFuzzSeeds writes the seed corpora when run with -update-seeds.
func TestFuzzSeeds(t *testing.T) {
	if !*updateSeeds {
		t.Skip("run with -update-seeds to rewrite testdata/fuzz")
	}
	chat := smallChat(50)
	boundary := [][]byte{bytes.Repeat([]byte("a"), 32768), chat[1], {}, chat[2]}
	zlibMsgs := zlibMessages(-1, chat)
	frag := zlibMsgs[1]
	zstdMsgs := zstdMessages(t, 64<<10, chat)
	z1k := zstdMessages(t, 1<<10, chat[:3])
	over := fuzzLimit + fuzzLimit/8
	zlibBomb := NewZlibStreamEncoder(9).Encode(nil, make([]byte, over))
	zstdBomb := zstdMessages(t, 0, [][]byte{bytes.Repeat(chat[4], over/len(chat[4]))})[0]
	hdr := zstdFrame{window: 0x30}.header()
	checksummed := cat(zstdFrame{checksum: true, window: 0x30}.header(), rawBlock(false, "abc"), rawBlock(false, "def"), lastEmptyRaw, checksumOf("abcdef"))
	skippable := cat([]byte{0x5a, 0x2a, 0x4d, 0x18, 3, 0, 0, 0}, []byte("abc"))
	flipped := bytes.Clone(zlibMsgs[2])
	flipped[len(flipped)/2] ^= 0x40
	seeds := map[string][]string{
		"FuzzZlibStream": {
			"conversation", bytesSeed(joinMessages(zlibMsgs...)),
			"stdlib", bytesSeed(joinMessages(stdZlibMessages(t, 6, chat)...)),
			"fragmented", bytesSeed(joinMessages(zlibMsgs[0], frag[:10], frag[10:len(frag)-2], frag[len(frag)-2:], zlibMsgs[2])),
			"window_boundary", bytesSeed(joinMessages(zlibMessages(-1, boundary)...)),
			"stored", bytesSeed(joinMessages(zlibMessages(0, chat[:3])...)),
			"bomb", bytesSeed(joinMessages(zlibBomb)),
			"corrupt", bytesSeed(joinMessages(zlibMsgs[0], zlibMsgs[1], flipped)),
		},
		"FuzzZstdStream": {
			"conversation", bytesSeed(joinMessages(zstdMsgs...)),
			"window_1k", bytesSeed(joinMessages(z1k...)),
			"empty_blocks", bytesSeed(joinMessages(zstdMsgs[0], cat(zstdMsgs[1], emptyRaw, emptyCompressed), cat(emptyRLE, zstdMsgs[2]))),
			"frames", bytesSeed(joinMessages(zstdMsgs[0], cat(zstdMsgs[1], lastEmptyRaw, skippable, hdr), rawBlock(false, "x"), cat(rawBlock(true, "y"), checksummed))),
			"header_alone", bytesSeed(joinMessages(zstdMsgs[0][:len(hdr)], zstdMsgs[0][len(hdr):], zstdMsgs[1])),
			"bomb", bytesSeed(joinMessages(zstdBomb)),
			"truncated", bytesSeed(joinMessages(zstdMsgs[0], zstdMsgs[1][:len(zstdMsgs[1])-3])),
		},
		"FuzzZlibStreamRoundTrip": {
			"default", "byte('\\x01')\n" + bytesSeed(joinMessages(chat...)),
			"stored_fragmented", "byte('\\x82')\n" + bytesSeed(joinMessages(chat[:3]...)),
			"best_fragmented", "byte('\\x8b')\n" + bytesSeed(joinMessages(chat[1:]...)),
			"huffman_only_empty", "byte('\\x00')\n" + bytesSeed(joinMessages(chat[2], []byte{}, chat[3])),
		},
		"FuzzZstdStreamRoundTrip": {
			"window_256k", "byte('\\b')\n" + bytesSeed(joinMessages(chat...)),
			"window_1k_empty_blocks", "byte('\\x80')\n" + bytesSeed(joinMessages(chat[:4]...)),
			"window_64k", "byte('\\x06')\n" + bytesSeed(joinMessages(chat[1:]...)),
			"empty_payloads", "byte('\\x03')\n" + bytesSeed(joinMessages([]byte{}, chat[1], []byte{}, []byte("x"))),
		},
	}
	for target, files := range seeds {
		dir := filepath.Join("testdata", "fuzz", target)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < len(files); i += 2 {
			data := "go test fuzz v1\n" + files[i+1]
			if err := os.WriteFile(filepath.Join(dir, files[i]), []byte(data), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// smallChat returns a short READY and five short MESSAGE_CREATEs, cut to
// 60 to 200 bytes: seeds the fuzzer can minimize quickly.
func smallChat(seed uint64) [][]byte {
	r := rand.New(rand.NewPCG(seed, 2))
	chat := [][]byte{ready(r, 200)[:200]}
	for len(chat) < 6 {
		chat = append(chat, messageCreate(r, len(chat)+1)[:60+r.IntN(140)])
	}
	return chat
}

func bytesSeed(b []byte) string { return fmt.Sprintf("[]byte(%q)\n", b) }
