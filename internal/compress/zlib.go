package compress

import (
	"bytes"
	"io"
	"slices"

	"github.com/klauspost/compress/flate"
)

// syncFlush is the suffix of every zlib-stream message: the empty stored
// block that zlib's Z_SYNC_FLUSH writes. Discord: buffer WebSocket messages
// until the data ends with it, then inflate (PROTOCOL.md §8).
var syncFlush = []byte{0x00, 0x00, 0xff, 0xff}

const (
	// deflateWindow is the size of the deflate window (RFC 1951) and of the
	// history a decompressor needs to continue a stream.
	deflateWindow = 32 << 10
	// zlibReadSpace is the free space offered to each Read of the inflater.
	// A Read returns at most one window's worth of output, so a Read that
	// returns less than it was offered has handed over everything decoded.
	zlibReadSpace = deflateWindow + 1
	// maxKeptPending is the largest buffer of fragmented compressed input
	// kept for the next fragmented message; a larger one is released.
	maxKeptPending = 64 << 10
)

// ZlibStream is the Decoder for compress=zlib-stream: one deflate stream
// (RFC 1950 header, then RFC 1951 blocks) for the whole connection, with every
// gateway message ending in a sync flush (00 00 ff ff). WebSocket messages are
// buffered until the data ends with that suffix and then inflated with the
// connection's inflater, as Discord's reference code does.
//
// Go's inflaters pull their input from an io.Reader and an error is sticky.
// ZlibStream refills a persistent *bytes.Reader with each message and reads
// until the input is used up and the inflater returns less than the space it
// was offered, which means the sync flush made it hand over all its output.
// When the inflater's 32 KiB window filled up exactly at the end of a message
// (or the message held no data), the inflater had already handed everything
// over and that Read runs into the end of the input: ZlibStream then restarts the
// inflater before the next message with the last 32 KiB of output as its
// history, which it keeps for that purpose.
//
// Like every client that follows Discord's recipe, ZlibStream takes a message
// to be complete when the buffered data ends with 00 00 ff ff: a fragment of
// a larger message that happened to end with those bytes would break the
// stream, which Discord's reference code accepts too.
//
// Memory: about 77 KiB per connection once the stream has started
// (measured: the inflater's 32 KiB window and Huffman tables, and the 32 KiB
// of history kept here), plus a scratch buffer for the message being decoded
// that all connections share. A fragmented message is buffered until it is
// complete, up to the message size limit.
type ZlibStream struct {
	limit   int
	inflate io.ReadCloser // a klauspost/compress/flate inflater; also a flate.Resetter
	in      bytes.Reader  // the input of the message being inflated
	pending []byte        // the start of a message that has not ended yet
	started bool          // the zlib header has been read
	// restart is set when the inflater ran into the end of a message's input
	// and must be reset, with history, before the next message.
	restart bool
	err     error // the error that broke the stream, returned until Reset

	// hist holds the last deflateWindow bytes of output as a ring: histPos is
	// where the next byte goes, histLen how many bytes are valid.
	hist    [deflateWindow]byte
	histPos int
	histLen int

	restarts int // how many times the inflater was restarted (tests)
}

var _ Decoder = (*ZlibStream)(nil)

// NewZlibStream returns a Decoder for compress=zlib-stream whose messages may
// decompress to at most maxMessageSize bytes (DefaultMaxMessageSize when
// maxMessageSize <= 0). The same limit bounds the compressed bytes buffered
// while a fragmented message is incomplete.
func NewZlibStream(maxMessageSize int) *ZlibStream {
	d := &ZlibStream{limit: limitOrDefault(maxMessageSize)}
	d.inflate = flate.NewReader(&d.in)
	return d
}

// Decode implements Decoder. A message that decodes to nothing (a sync flush
// alone) yields ok=true and an empty out.
func (d *ZlibStream) Decode(msg []byte) (out []byte, ok bool, err error) {
	return d.decode(msg, exact)
}

// DecodeTo implements LendingDecoder.
func (d *ZlibStream) DecodeTo(msg []byte, s Sink) (ok bool, err error) {
	_, ok, err = d.decode(msg, func(b []byte) []byte { s.Take(b); return nil })
	return ok, err
}

// decode is Decode, with keep making the result from the message in the
// scratch buffer (exact copies it).
func (d *ZlibStream) decode(msg []byte, keep func([]byte) []byte) (out []byte, ok bool, err error) {
	if d.err != nil {
		return nil, false, d.err
	}
	data := msg
	if len(d.pending) > 0 || !bytes.HasSuffix(msg, syncFlush) {
		if len(d.pending)+len(msg) > d.limit {
			return d.fail(&TooLargeError{Limit: d.limit})
		}
		d.pending = append(d.pending, msg...)
		if !bytes.HasSuffix(d.pending, syncFlush) {
			return nil, false, nil
		}
		data = d.pending
	}
	out, err = d.inflateMessage(data, keep)
	if cap(d.pending) > maxKeptPending {
		d.pending = nil
	} else {
		d.pending = d.pending[:0]
	}
	if err != nil {
		return d.fail(err)
	}
	return out, true, nil
}

// Reset implements Decoder.
func (d *ZlibStream) Reset() {
	d.inflate.(flate.Resetter).Reset(&d.in, nil)
	d.in.Reset(nil)
	d.pending = nil
	d.started = false
	d.restart = false
	d.err = nil
	d.histPos, d.histLen = 0, 0
}

func (d *ZlibStream) fail(err error) ([]byte, bool, error) {
	d.err = err
	d.in.Reset(nil)
	d.pending = nil
	return nil, false, err
}

// inflateMessage inflates data, which ends with the sync flush.
func (d *ZlibStream) inflateMessage(data []byte, keep func([]byte) []byte) ([]byte, error) {
	if !d.started {
		if err := checkZlibHeader(data); err != nil {
			return nil, err
		}
		data = data[2:]
		d.started = true
	}
	if d.restart {
		// The inflater stopped at a block boundary, after the sync flush of
		// the previous message: a fresh one primed with the last window of
		// output continues the stream exactly.
		if err := d.inflate.(flate.Resetter).Reset(&d.in, d.history()); err != nil {
			return nil, corruptCause(err, "zlib-stream: restarting the inflater")
		}
		d.restart = false
		d.restarts++
	}
	d.in.Reset(data)
	defer d.in.Reset(nil) // do not keep the caller's msg

	scratch := getScratch()
	defer putScratch(scratch)
	buf := (*scratch)[:0]
	defer func() { *scratch = buf }()
	for {
		buf = reserve(buf, zlibReadSpace, d.limit)
		free := buf[len(buf):cap(buf)]
		n, err := d.inflate.Read(free)
		buf = buf[:len(buf)+n]
		if len(buf) > d.limit {
			return nil, &TooLargeError{Limit: d.limit}
		}
		if err != nil {
			if err == io.ErrUnexpectedEOF && d.in.Len() == 0 && n == 0 {
				// The sync flush had nothing to hand over: the window
				// filled, and was handed over, exactly at the end of the
				// message's data, and this Read went on to look for the
				// next block. (Data that ends inside a block fails here
				// with the output decoded so far, n > 0: corrupt.)
				d.restart = true
				break
			}
			if err == io.EOF {
				return nil, corrupt("zlib-stream: the deflate stream ended (final block), but a connection's stream never ends")
			}
			return nil, corruptCause(err, "zlib-stream")
		}
		if d.in.Len() == 0 && n < len(free) {
			break
		}
		if n == 0 {
			return nil, corrupt("zlib-stream: the inflater made no progress")
		}
	}
	d.remember(buf)
	return keep(buf), nil
}

// checkZlibHeader checks the 2-byte zlib header (RFC 1950 §2.2) that starts a
// connection's stream.
func checkZlibHeader(b []byte) error {
	cmf, flg := b[0], b[1]
	switch {
	case cmf&0x0f != 8:
		return corrupt("zlib-stream: compression method %d in the zlib header, want 8 (deflate)", cmf&0x0f)
	case cmf>>4 > 7:
		return corrupt("zlib-stream: window of 2^%d bytes in the zlib header, deflate allows at most 2^15", cmf>>4+8)
	case (uint16(cmf)<<8|uint16(flg))%31 != 0:
		return corrupt("zlib-stream: bad check bits in the zlib header %02x %02x", cmf, flg)
	case flg&0x20 != 0:
		return corrupt("zlib-stream: the zlib header asks for a preset dictionary, and none is defined")
	}
	return nil
}

// remember appends b to the ring of recent output.
func (d *ZlibStream) remember(b []byte) {
	if len(b) >= len(d.hist) {
		copy(d.hist[:], b[len(b)-len(d.hist):])
		d.histPos, d.histLen = 0, len(d.hist)
		return
	}
	n := copy(d.hist[d.histPos:], b)
	copy(d.hist[:], b[n:])
	d.histPos = (d.histPos + len(b)) % len(d.hist)
	d.histLen = min(d.histLen+len(b), len(d.hist))
}

// history returns the recent output in order, oldest first. It rotates the
// ring in place, which is cheap for how rarely it runs.
func (d *ZlibStream) history() []byte {
	if d.histLen < len(d.hist) {
		// Not wrapped yet: the ring is the whole output so far, in order.
		return d.hist[:d.histLen]
	}
	h := d.hist[:]
	slices.Reverse(h[:d.histPos])
	slices.Reverse(h[d.histPos:])
	slices.Reverse(h)
	d.histPos = 0
	return h
}
