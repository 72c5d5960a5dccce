package compress

import (
	"fmt"

	"github.com/klauspost/compress/zstd"
)

// DefaultZstdEncoderWindow is the window a ZstdStreamEncoder uses when 0 is
// given. Gateway messages are small and a window this size already holds
// hundreds of them; a larger one would cost every client connection more
// memory for little gain.
const DefaultZstdEncoderWindow = 256 << 10

// ZstdStreamEncoder writes a connection's zstd-stream as Discord does: one
// frame for the connection, flushed after every message so that each message
// is whole blocks, and never ended. It is meant for the fake Discord, tests and
// benchmarks. It holds about 0.8 MiB with the default window (1.5 MiB with a
// 1 MiB window). It is not safe for concurrent use.
type ZstdStreamEncoder struct {
	enc *zstd.Encoder
	w   appendWriter
}

// NewZstdStreamEncoder returns an encoder whose frames declare a window of
// windowSize bytes, a power of two from 1 KiB to 512 MiB
// (DefaultZstdEncoderWindow when 0). It compresses at klauspost's fastest
// level, synchronously.
func NewZstdStreamEncoder(windowSize int) (*ZstdStreamEncoder, error) {
	if windowSize == 0 {
		windowSize = DefaultZstdEncoderWindow
	}
	e := &ZstdStreamEncoder{}
	enc, err := zstd.NewWriter(nil,
		zstd.WithEncoderConcurrency(1), // synchronous: no goroutines
		zstd.WithWindowSize(windowSize),
		zstd.WithEncoderLevel(zstd.SpeedFastest),
		zstd.WithEncoderCRC(false), // the frame never ends, so no checksum is ever written
		zstd.WithLowerEncoderMem(true),
	)
	if err != nil {
		return nil, fmt.Errorf("compress: zstd encoder: %w", err)
	}
	e.enc = enc
	e.enc.Reset(&e.w)
	return e, nil
}

// Encode appends to dst the bytes that carry payload and returns the extended
// slice: the frame header first on the first message after New or Reset, then
// whole blocks. The frame is flushed, not ended. An empty payload appends
// nothing.
func (e *ZstdStreamEncoder) Encode(dst, payload []byte) []byte {
	e.w.b = dst
	// Writes to an appendWriter cannot fail, and the encoder reports
	// nothing else.
	if _, err := e.enc.Write(payload); err != nil {
		panic("compress: zstd encoder: " + err.Error())
	}
	if err := e.enc.Flush(); err != nil {
		panic("compress: zstd encoder: " + err.Error())
	}
	dst = e.w.b
	e.w.b = nil
	return dst
}

// Reset starts a new frame, for a new connection.
func (e *ZstdStreamEncoder) Reset() {
	e.enc.Reset(&e.w)
}
