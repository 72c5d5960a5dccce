package compress

import (
	"fmt"
	"io"

	"github.com/klauspost/compress/zstd"
)

// zstdReadSpace is the free space offered to each Read of the zstd decoder:
// one more byte than the largest block decodes to. The decoder hands over at
// most one block per Read, so a Read that returns less than it was offered
// has handed over the whole block.
const zstdReadSpace = zstdMaxBlock + 1

// ZstdStream is the Decoder for compress=zstd-stream: one zstd decompression
// context for the connection, each WebSocket message holding exactly one
// gateway message as whole blocks of a frame that does not end
// (PROTOCOL.md §8).
//
// It drives klauspost/compress/zstd synchronously (no goroutines) from an
// io.Reader refilled with each message, and never lets the decoder read past
// the message: once the decoder asks for input that is not there, its error is
// sticky and the frame's history is lost. So ZstdStream reads each message's
// frame and block structure itself (a message must hold whole blocks), and
// feeds the decoder the message up to its last block that yields output, or
// ends a frame; trailing blocks that yield nothing (empty raw or RLE blocks,
// or compressed blocks with no literals and no sequences) are left out, and a
// frame header that no block of its frame follows yet is held back and fed
// with the frame's next block. A frame may end and a new one start in any
// message; only frames with dictionary ID 0 are accepted (no dictionary is
// negotiated).
//
// Memory: the decoder allocates its history when a frame starts, sized by the
// window the server declares: the window plus room for two blocks. With its
// 128 KiB block buffer and tables, a connection costs about the window plus
// 420 KiB once its stream has started (measured on amd64, heap held per
// decoder after one message):
//
//	declared window   bytes per connection
//	256 KiB           674 KiB
//	1 MiB             1442 KiB
//	8 MiB             8610 KiB
//
// maxWindow caps what a server may declare. Decoded output goes through a
// scratch buffer that all connections share.
type ZstdStream struct {
	limit     int
	maxWindow uint64
	dec       *zstd.Decoder
	in        zstdInput
	frames    zstdFrames
	// prefix holds a frame header to feed before the message: the header of
	// the open frame, which arrived before any block that needed decoding.
	prefix [zstdMaxHeader]byte
	// stale is set when the decoder saw the end of a frame and then the end
	// of its input, which its error state remembers: it must be Reset
	// before it reads the next frame.
	stale bool
	err   error // the error that broke the stream, returned until Reset
}

var _ Decoder = (*ZstdStream)(nil)

// NewZstdStream returns a Decoder for compress=zstd-stream whose messages may
// decompress to at most maxMessageSize bytes (DefaultMaxMessageSize when
// maxMessageSize <= 0) and whose frames may declare a window of at most
// maxWindow bytes (DefaultMaxWindow when 0). A larger window fails Decode
// with an error wrapping ErrTooLarge. maxWindow must be at least 1 KiB, the
// smallest zstd window.
func NewZstdStream(maxMessageSize, maxWindow int) (*ZstdStream, error) {
	if maxWindow == 0 {
		maxWindow = DefaultMaxWindow
	}
	if maxWindow < zstdMinWindow {
		return nil, fmt.Errorf("compress: zstd max window of %d bytes, want at least %d", maxWindow, zstdMinWindow)
	}
	d := &ZstdStream{limit: limitOrDefault(maxMessageSize), maxWindow: uint64(maxWindow)}
	dec, err := zstd.NewReader(nil,
		zstd.WithDecoderConcurrency(1), // synchronous: no goroutines
		zstd.WithDecoderLowmem(true),
		zstd.WithDecoderMaxWindow(d.maxWindow),
	)
	if err != nil {
		return nil, fmt.Errorf("compress: zstd decoder: %w", err)
	}
	d.dec = dec
	if err := d.dec.Reset(&d.in); err != nil {
		return nil, fmt.Errorf("compress: zstd decoder: %w", err)
	}
	return d, nil
}

// Decode implements Decoder. It returns ok=true for every message that is
// not an error; a message that decodes to nothing yields an empty out.
func (d *ZstdStream) Decode(msg []byte) (out []byte, ok bool, err error) {
	return d.decodeMessage(msg, exact)
}

// DecodeTo implements LendingDecoder.
func (d *ZstdStream) DecodeTo(msg []byte, s Sink) (ok bool, err error) {
	_, ok, err = d.decodeMessage(msg, func(b []byte) []byte { s.Take(b); return nil })
	return ok, err
}

// decodeMessage is Decode, with keep making the result from the message
// in the scratch buffer (exact copies it).
func (d *ZstdStream) decodeMessage(msg []byte, keep func([]byte) []byte) (out []byte, ok bool, err error) {
	if d.err != nil {
		return nil, false, d.err
	}
	// The open frame's header is owed to the decoder if it has not read it.
	owed := 0
	if d.frames.inFrame && !d.frames.hdrFed {
		owed = copy(d.prefix[:], d.frames.hdr[:d.frames.hdrLen])
	}
	startFed := d.frames.inFrame && d.frames.hdrFed

	plan, err := d.frames.parse(msg, d.maxWindow)
	if err != nil {
		return d.fail(err)
	}
	if plan.known > d.limit {
		return d.fail(&TooLargeError{Limit: d.limit})
	}
	if plan.feedEnd > 0 {
		out, err = d.decode(d.prefix[:owed], msg[:plan.feedEnd], plan.endsFrame, keep)
		if err != nil {
			return d.fail(err)
		}
	} else {
		out = keep([]byte{})
	}

	// Which header has the decoder read? Blocks of the frame open at the
	// end were fed if they came after a header fed in this message, or
	// continue a frame and this message fed anything.
	switch {
	case !d.frames.inFrame:
		d.frames.hdrFed = false
	case plan.hdrAt >= 0:
		d.frames.hdrFed = plan.hdrAt < plan.feedEnd
	default:
		d.frames.hdrFed = startFed || plan.feedEnd > 0
	}
	return out, true, nil
}

// decode feeds prefix and then msg to the decoder and returns all it yields.
// msg ends with a block that yields output, or ends a frame.
func (d *ZstdStream) decode(prefix, msg []byte, endsFrame bool, keep func([]byte) []byte) ([]byte, error) {
	if d.stale {
		if err := d.dec.Reset(&d.in); err != nil {
			return nil, corruptCause(err, "zstd-stream: resetting the decoder")
		}
		d.stale = false
	}
	d.in.a, d.in.b = prefix, msg
	defer func() { d.in.a, d.in.b = nil, nil }() // do not keep the caller's msg

	scratch := getScratch()
	defer putScratch(scratch)
	buf := (*scratch)[:0]
	defer func() { *scratch = buf }()
	for {
		buf = reserve(buf, zstdReadSpace, d.limit)
		free := buf[len(buf):cap(buf)]
		n, err := d.dec.Read(free)
		buf = buf[:len(buf)+n]
		if len(buf) > d.limit {
			return nil, &TooLargeError{Limit: d.limit}
		}
		if err != nil {
			if err == io.EOF && endsFrame && d.in.len() == 0 {
				// The message ended a frame with a block that yields
				// nothing; the decoder then found no next frame.
				d.stale = true
				break
			}
			return nil, corruptCause(err, "zstd-stream")
		}
		if d.in.len() == 0 && n < len(free) {
			break
		}
		if n == 0 {
			return nil, corrupt("zstd-stream: the decoder made no progress")
		}
	}
	return keep(buf), nil
}

// Reset implements Decoder.
func (d *ZstdStream) Reset() {
	d.in = zstdInput{}
	d.frames = zstdFrames{}
	d.stale = false
	d.err = nil
	// Reset with a reader that is not a byte buffer cannot fail.
	if err := d.dec.Reset(&d.in); err != nil {
		d.err = fmt.Errorf("compress: zstd decoder: %w", err)
	}
}

func (d *ZstdStream) fail(err error) ([]byte, bool, error) {
	d.err = err
	d.in = zstdInput{}
	return nil, false, err
}

// zstdInput is the decoder's input: a then b. It must not have the Bytes and
// Len methods of a bytes.Buffer, which the decoder would read all at once.
type zstdInput struct{ a, b []byte }

func (r *zstdInput) Read(p []byte) (int, error) {
	n := copy(p, r.a)
	r.a = r.a[n:]
	m := copy(p[n:], r.b)
	r.b = r.b[m:]
	if n+m == 0 && len(p) > 0 {
		return 0, io.EOF
	}
	return n + m, nil
}

func (r *zstdInput) len() int { return len(r.a) + len(r.b) }
