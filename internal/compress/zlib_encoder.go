package compress

import (
	"fmt"

	"github.com/klauspost/compress/flate"
)

// ZlibStreamEncoder writes a connection's zlib-stream as Discord does: one
// deflate stream for the connection, sync-flushed after every message, so
// each message's chunk ends with 00 00 ff ff and decodes on its own given the
// chunks before it. It is meant for the fake Discord, tests and benchmarks.
// It holds about 1 MiB (the deflater's window and hash tables; 0.8 MiB at
// level 1, 1.4 MiB at level 9). It is not safe for concurrent use.
type ZlibStreamEncoder struct {
	deflate *flate.Writer
	w       appendWriter
	header  [2]byte
	started bool // the zlib header has been written
}

// NewZlibStreamEncoder returns an encoder compressing at level, as in
// compress/flate: -2 (Huffman only), -1 (default), 0 (stored) to 9 (best).
// It panics on any other level, a programming error.
func NewZlibStreamEncoder(level int) *ZlibStreamEncoder {
	e := &ZlibStreamEncoder{}
	w, err := flate.NewWriter(&e.w, level)
	if err != nil {
		panic(fmt.Sprintf("compress: zlib level %d: %v", level, err))
	}
	e.deflate = w
	e.header = zlibHeader(level)
	return e
}

// Encode appends to dst the chunk that carries payload, the zlib header
// first on the first chunk after New or Reset, and returns the extended
// slice. The chunk ends with the sync flush 00 00 ff ff.
func (e *ZlibStreamEncoder) Encode(dst, payload []byte) []byte {
	if !e.started {
		dst = append(dst, e.header[:]...)
		e.started = true
	}
	e.w.b = dst
	// Writes to an appendWriter cannot fail, and the deflater reports
	// nothing else.
	if _, err := e.deflate.Write(payload); err != nil {
		panic("compress: zlib encoder: " + err.Error())
	}
	if err := e.deflate.Flush(); err != nil {
		panic("compress: zlib encoder: " + err.Error())
	}
	dst = e.w.b
	e.w.b = nil
	return dst
}

// Reset starts a new stream, for a new connection.
func (e *ZlibStreamEncoder) Reset() {
	e.deflate.Reset(&e.w)
	e.started = false
}

// zlibHeader returns the RFC 1950 header for a 32 KiB window, with FLEVEL
// chosen from level as zlib does.
func zlibHeader(level int) [2]byte {
	const cmf = 0x78 // CM 8 (deflate), CINFO 7 (32 KiB window)
	var flevel uint16
	switch {
	case level == flate.HuffmanOnly, level == flate.NoCompression, level == flate.BestSpeed:
		flevel = 0
	case level >= 2 && level <= 5:
		flevel = 1
	case level == flate.DefaultCompression, level == 6:
		flevel = 2
	default:
		flevel = 3
	}
	h := uint16(cmf)<<8 | flevel<<6
	h += 31 - h%31
	return [2]byte{byte(h >> 8), byte(h)}
}

// appendWriter is an io.Writer appending to b.
type appendWriter struct{ b []byte }

func (w *appendWriter) Write(p []byte) (int, error) {
	w.b = append(w.b, p...)
	return len(p), nil
}
