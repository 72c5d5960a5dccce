package compress

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/klauspost/compress/zstd"
)

// zstdMessages encodes payloads with one ZstdStreamEncoder, one WebSocket
// message per payload.
func zstdMessages(t testing.TB, window int, payloads [][]byte) [][]byte {
	e, err := NewZstdStreamEncoder(window)
	if err != nil {
		t.Fatal(err)
	}
	msgs := make([][]byte, len(payloads))
	for i, p := range payloads {
		msgs[i] = e.Encode(nil, p)
	}
	return msgs
}

func newZstd(t testing.TB, limit, maxWindow int) *ZstdStream {
	d, err := NewZstdStream(limit, maxWindow)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestZstdStreamRoundTrip(t *testing.T) {
	long := conversation(11, 300, 64<<10)
	big := conversation(12, 12, 1<<20)
	r := rand.New(rand.NewPCG(13, 13))
	var tiny [][]byte
	for range 200 {
		tiny = append(tiny, messageCreate(r, len(tiny))[:1+r.IntN(40)])
	}
	tests := []struct {
		name     string
		window   int
		payloads [][]byte
	}{
		{"DefaultWindow", 0, long},
		{"SmallestWindow1KiB", 1 << 10, long},
		{"Window64KiB", 64 << 10, long},
		{"Window1MiB", 1 << 20, long},
		{"Window8MiB", 8 << 20, long},
		{"MegabyteReadyManyBlocks", 0, big},
		{"MegabyteReadyWindow8MiB", 8 << 20, big},
		{"TinyPayloads", 0, tiny},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			decodeEach(t, newZstd(t, 0, 0), zstdMessages(t, tc.window, tc.payloads), tc.payloads)
		})
	}
}

func TestZstdStreamEncoderWritesWholeBlocks(t *testing.T) {
	payloads := conversation(14, 40, 1<<20)
	msgs := zstdMessages(t, 0, payloads)
	var f zstdFrames
	for i, m := range msgs {
		p, err := f.parse(m, DefaultMaxWindow)
		if err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
		if p.feedEnd != len(m) || p.endsFrame || !f.inFrame {
			t.Fatalf("message %d: plan %+v for %d bytes, in frame %v: want every block to yield output and the frame to stay open", i, p, len(m), f.inFrame)
		}
		f.hdrFed = true
	}
	if !bytes.HasPrefix(msgs[0], []byte{0x28, 0xb5, 0x2f, 0xfd}) || bytes.HasPrefix(msgs[1], []byte{0x28, 0xb5, 0x2f, 0xfd}) {
		t.Fatal("want the frame header on the first message only")
	}
	if e, _ := NewZstdStreamEncoder(0); len(e.Encode(nil, nil)) != 0 {
		t.Fatal("an empty payload should encode to nothing")
	}
}

func TestZstdStreamEnforcesMaxWindow(t *testing.T) {
	payloads := conversation(15, 3, 1000)
	tests := []struct {
		name             string
		encoder, decoder int
		wantErr          bool
	}{
		{"DeclaredWindowAtDefaultLimit", 8 << 20, 0, false},
		{"DeclaredWindowOverDefaultLimit", 16 << 20, 0, true},
		{"DeclaredWindowAtLimit", 1 << 20, 1 << 20, false},
		{"DeclaredWindowOverLimit", 2 << 20, 1 << 20, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := newZstd(t, 0, tc.decoder)
			msgs := zstdMessages(t, tc.encoder, payloads)
			if !tc.wantErr {
				decodeEach(t, d, msgs, payloads)
				return
			}
			if _, _, err := d.Decode(msgs[0]); !errors.Is(err, ErrTooLarge) {
				t.Fatalf("err = %v, want ErrTooLarge", err)
			}
		})
	}
	if _, err := NewZstdStream(0, 512); err == nil {
		t.Fatal("NewZstdStream accepted a max window under 1 KiB")
	}
}

// zstdFrame builds a frame by hand: a header with the given descriptor
// fields, then blocks.
type zstdFrame struct {
	checksum bool
	dictID   uint32
	window   byte // Window_Descriptor
}

func (f zstdFrame) header() []byte {
	fhd := byte(0)
	if f.checksum {
		fhd |= 1 << 2
	}
	var did []byte
	if f.dictID != 0 {
		fhd |= 3
		did = binary.LittleEndian.AppendUint32(nil, f.dictID)
	}
	h := append([]byte{0x28, 0xb5, 0x2f, 0xfd, fhd, f.window}, did...)
	return h
}

// block returns a block header for a block of the given type and size.
func block(last bool, typ, size int) []byte {
	bh := uint32(size)<<3 | uint32(typ)<<1
	if last {
		bh |= 1
	}
	return []byte{byte(bh), byte(bh >> 8), byte(bh >> 16)}
}

func rawBlock(last bool, content string) []byte {
	return append(block(last, blockRaw, len(content)), content...)
}

var (
	emptyRaw         = block(false, blockRaw, 0)
	emptyRLE         = append(block(false, blockRLE, 0), 'x')
	emptyCompressed  = append(block(false, blockCompressed, 2), 0x00, 0x00)                  // no literals, no sequences
	emptyCompressed2 = append(block(false, blockCompressed, 5), 0x05, 0x00, 'x', 0x80, 0x00) // RLE literals, 2-byte headers
	lastEmptyRaw     = block(true, blockRaw, 0)
)

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

func TestZstdStreamSkipsTrailingEmptyBlocks(t *testing.T) {
	payloads := conversation(16, 30, 20000)
	msgs := zstdMessages(t, 0, payloads)
	tests := []struct {
		name  string
		extra []byte
	}{
		{"EmptyRawBlock", emptyRaw},
		{"EmptyRLEBlock", emptyRLE},
		{"EmptyCompressedBlock", emptyCompressed},
		{"EmptyCompressedBlockLongHeaders", emptyCompressed2},
		{"SeveralEmptyBlocks", cat(emptyRaw, emptyCompressed, emptyRLE, emptyRaw)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := newZstd(t, 0, 0)
			for i, m := range msgs {
				m = bytes.Clone(m)
				switch {
				case i%2 == 0:
					m = append(m, tc.extra...) // trailing: left out
				case i%3 == 0:
					m = cat(tc.extra, m) // leading: the decoder skips them
				}
				out, ok, err := d.Decode(m)
				if err != nil || !ok || !bytes.Equal(out, payloads[i]) {
					t.Fatalf("message %d: Decode = %d bytes, ok %v, err %v", i, len(out), ok, err)
				}
			}
		})
	}
}

func TestZstdStreamFramesEndAndStartAnywhere(t *testing.T) {
	p := conversation(17, 12, 3000)
	// msgsOf returns the messages of a fresh encoder: a new frame.
	msgsOf := func(ps ...[]byte) [][]byte { return zstdMessages(t, 64<<10, ps) }
	closed := func(checksum bool, ps ...[]byte) []byte {
		// A klauspost frame ended by Close: its last block holds data.
		var buf bytes.Buffer
		w, err := zstd.NewWriter(&buf, zstd.WithEncoderConcurrency(1), zstd.WithEncoderCRC(checksum), zstd.WithWindowSize(64<<10))
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range ps {
			w.Write(q)
		}
		w.Close()
		return buf.Bytes()
	}
	f1, f2 := msgsOf(p[0], p[1]), msgsOf(p[2], p[3])
	hdrLen := len(zstdFrame{window: 0x30}.header()) // what our encoder writes for 64 KiB
	skippable := cat([]byte{0x5a, 0x2a, 0x4d, 0x18, 3, 0, 0, 0}, []byte("abc"))
	// EncodeAll writes a whole single-segment frame with its content size.
	all, _ := zstd.NewWriter(nil, zstd.WithEncoderConcurrency(1))
	allInOne := all.EncodeAll(p[4], nil)
	tests := []struct {
		name string
		msgs [][]byte
		want [][]byte
	}{
		{"EmptyLastBlockThenNewFrame",
			[][]byte{f1[0], cat(f1[1], lastEmptyRaw), f2[0], f2[1]},
			[][]byte{p[0], p[1], p[2], p[3]}},
		{"EmptyLastBlockAloneThenNewFrame",
			[][]byte{f1[0], f1[1], lastEmptyRaw, f2[0], f2[1]},
			[][]byte{p[0], p[1], {}, p[2], p[3]}},
		{"LastBlockWithDataThenNewFrame",
			[][]byte{closed(false, p[0]), closed(false, p[1]), f2[0], f2[1]},
			[][]byte{p[0], p[1], p[2], p[3]}},
		{"LastBlockWithChecksum",
			[][]byte{closed(true, p[0]), closed(true, p[1])},
			[][]byte{p[0], p[1]}},
		{"WholeFramesWithContentSize",
			[][]byte{allInOne, allInOne, f2[0]},
			[][]byte{p[4], p[4], p[2]}},
		{"FrameEndsAndNextStartsInOneMessage",
			[][]byte{f1[0], cat(f1[1], lastEmptyRaw, f2[0]), f2[1]},
			[][]byte{p[0], cat(p[1], p[2]), p[3]}},
		{"HeaderAloneThenBlocks",
			[][]byte{f1[0][:hdrLen], f1[0][hdrLen:], f1[1]},
			[][]byte{{}, p[0], p[1]}},
		{"NextFrameHeaderAfterEmptyLastBlock",
			[][]byte{f1[0], cat(f1[1], lastEmptyRaw, f2[0][:hdrLen], emptyRaw), cat(emptyRaw), f2[0][hdrLen:], f2[1]},
			[][]byte{p[0], p[1], {}, p[2], p[3]}},
		{"SkippableFrames",
			[][]byte{cat(skippable, f1[0]), cat(f1[1], lastEmptyRaw, skippable), skippable, cat(skippable, f2[0], f2[1])},
			[][]byte{p[0], p[1], {}, cat(p[2], p[3])}},
		{"LastEmptyBlockWithChecksum",
			[][]byte{cat(zstdFrame{checksum: true, window: 0x30}.header(), rawBlock(false, "abc"), rawBlock(false, "def"), lastEmptyRaw, checksumOf("abcdef"))},
			[][]byte{[]byte("abcdef")}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := newZstd(t, 0, 0)
			for i, m := range tc.msgs {
				out, ok, err := d.Decode(m)
				if err != nil || !ok || !bytes.Equal(out, tc.want[i]) {
					t.Fatalf("message %d: Decode = %q, ok %v, err %v; want %.40q", i, out, ok, err, tc.want[i])
				}
			}
		})
	}
}

func TestZstdStreamRejectsCorruptInput(t *testing.T) {
	payloads := conversation(18, 4, 5000)
	msgs := zstdMessages(t, 0, payloads)
	hdr := zstdFrame{window: 0x30}.header()
	flipped := bytes.Clone(msgs[1])
	for i := 5; i < len(flipped); i += 5 {
		flipped[i] ^= 0xa5
	}
	r := rand.New(rand.NewPCG(19, 19))
	garbage := make([]byte, 2000)
	for i := range garbage {
		garbage[i] = byte(r.Uint32())
	}
	tests := []struct {
		name string
		msgs [][]byte
	}{
		{"MessageEndsMidBlock", [][]byte{msgs[0], msgs[1][:len(msgs[1])-1]}},
		{"MessageEndsInBlockHeader", [][]byte{msgs[0][:len(hdr)+2]}},
		{"MessageEndsInFrameHeader", [][]byte{msgs[0][:5]}},
		{"MessageSplitAcrossTwo", [][]byte{msgs[0], msgs[1][:len(msgs[1])/2], msgs[1][len(msgs[1])/2:]}},
		{"NotZstd", [][]byte{garbage}},
		{"ReservedBlockType", [][]byte{cat(hdr, block(false, 3, 4), []byte("abcd"))}},
		{"BlockOverWindow", [][]byte{cat(zstdFrame{window: 0}.header(), rawBlock(false, string(make([]byte, 1025))))}},
		{"ReservedHeaderBit", [][]byte{cat([]byte{0x28, 0xb5, 0x2f, 0xfd, 0x08, 0x30}, rawBlock(false, "x"))}},
		{"DictionaryNotNegotiated", [][]byte{cat(zstdFrame{dictID: 7, window: 0x30}.header(), rawBlock(false, "x"))}},
		{"CorruptCompressedBlock", [][]byte{msgs[0], flipped}},
		{"BadChecksum", [][]byte{cat(zstdFrame{checksum: true, window: 0x30}.header(), rawBlock(true, "abc"), []byte{1, 2, 3, 4})}},
		{"BadChecksumAfterEmptyLastBlock", [][]byte{cat(zstdFrame{checksum: true, window: 0x30}.header(), rawBlock(false, "abc"), lastEmptyRaw, []byte{1, 2, 3, 4})}},
		{"ChecksumCutShort", [][]byte{cat(zstdFrame{checksum: true, window: 0x30}.header(), rawBlock(true, "abc"), []byte{1, 2})}},
		{"SkippableFrameCutShort", [][]byte{cat([]byte{0x50, 0x2a, 0x4d, 0x18, 9, 0, 0, 0}, []byte("abc"))}},
		{"GarbageAfterFrameEnd", [][]byte{cat(msgs[0]), cat(rawBlock(true, "x"), []byte("junk"))}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := newZstd(t, 0, 0)
			var err error
			for _, m := range tc.msgs {
				if _, _, err = d.Decode(m); err != nil {
					break
				}
			}
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("err = %v, want ErrCorrupt", err)
			}
			if _, _, again := d.Decode(msgs[1]); again != err {
				t.Fatalf("Decode after the error = %v, want the same error until Reset", again)
			}
			d.Reset()
			decodeEach(t, d, msgs, payloads)
		})
	}
}

func TestZstdStreamStopsBombAtLimit(t *testing.T) {
	const limit = 1 << 20
	hdr := zstdFrame{window: 0x58}.header() // 8 MiB
	rle := cat(block(false, blockRLE, zstdMaxBlock), []byte{'a'})
	e, err := NewZstdStreamEncoder(8 << 20)
	if err != nil {
		t.Fatal(err)
	}
	// Repeated JSON compresses to compressed blocks (zeros would make RLE
	// blocks), whose output is only known by decoding them.
	one := conversation(22, 5, 100)[4]
	compressed := e.Encode(nil, bytes.Repeat(one, 4*limit/len(one)))
	tests := []struct {
		name string
		msg  []byte
	}{
		{"RLEBlocks", cat(hdr, bytes.Repeat(rle, 9))},
		{"CompressedBlocks", compressed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if len(tc.msg) > 8<<10 {
				t.Fatalf("bomb is %d bytes", len(tc.msg))
			}
			d := newZstd(t, limit, 0)
			allocated := allocatedBy(func() {
				_, _, err := d.Decode(tc.msg)
				var tl *TooLargeError
				if !errors.As(err, &tl) || tl.Limit != limit || !errors.Is(err, ErrTooLarge) {
					t.Fatalf("err = %v, want *TooLargeError{%d}", err, limit)
				}
			})
			// The decoder's 8 MiB history is allocated once the frame starts;
			// beyond it, no more than about twice the limit.
			if allocated > 8<<20+4*limit {
				t.Fatalf("decoding a %d-byte bomb allocated %d bytes with a limit of %d", len(tc.msg), allocated, limit)
			}
		})
	}
}

func TestZstdStreamResetStartsNewStream(t *testing.T) {
	first := conversation(20, 50, 10000)
	second := conversation(21, 50, 10000)
	d := newZstd(t, 0, 0)
	decodeEach(t, d, zstdMessages(t, 0, first)[:20], first[:20]) // leave mid-frame
	d.Reset()
	decodeEach(t, d, zstdMessages(t, 0, second), second)
	// And after a frame header that was held back.
	m := zstdMessages(t, 0, first)
	hdrLen := len(zstdFrame{window: 0x40}.header())
	if _, _, err := d.Decode(m[0][:hdrLen]); err == nil {
		t.Fatal("a frame header in the middle of a frame was accepted")
	}
	d.Reset()
	if out, ok, err := d.Decode(m[0][:hdrLen]); err != nil || !ok || len(out) != 0 {
		t.Fatalf("header alone: %q, %v, %v", out, ok, err)
	}
	d.Reset()
	decodeEach(t, d, zstdMessages(t, 0, second), second)
}

// checksumOf returns the frame checksum of content: the low 4 bytes of its
// XXH64, little-endian (RFC 8878 §3.1.1).
func checksumOf(content string) []byte {
	var buf bytes.Buffer
	w, _ := zstd.NewWriter(&buf, zstd.WithEncoderConcurrency(1), zstd.WithEncoderCRC(true))
	w.Write([]byte(content))
	w.Close()
	b := buf.Bytes()
	return b[len(b)-4:]
}
