// Package compress decodes Discord's gateway transport compression,
// zlib-stream and zstd-stream (PROTOCOL.md §8), and encodes it for the fake
// Discord and for tests.
//
// Both compressions keep one compression context for the whole connection:
// every WebSocket message continues the stream of the ones before it, so a
// connection needs its own [Decoder], created with [NewZlibStream] or
// [NewZstdStream] and Reset for each new connection (resumes included).
//
// A Decoder is push-driven, to suit the sans-I/O gateway engine: the engine
// hands it the payload of each WebSocket data message as it arrives and gets
// back a complete gateway message, or word that more WebSocket messages are
// needed. It never blocks, starts no goroutine and never reads past the
// message it was given. Go's decompressors pull from an io.Reader and make an
// error at the end of input sticky, which would kill the context after the
// first message; each Decoder feeds its decompressor exactly the bytes that
// decode completely and stops before the decompressor asks for more (see
// [ZlibStream] and [ZstdStream] for how).
//
// Every message is bounded: a message that decompresses past the limit
// (and, for zlib-stream, compressed input buffered past it while waiting for
// the end of a message) fails with a *[TooLargeError] as soon as it crosses
// the limit, so a decompression bomb costs memory in proportion to the limit,
// never the process. Malformed input fails with an error wrapping
// [ErrCorrupt]. After any error the stream is broken: drop the connection and
// Reset the Decoder.
//
// The encoders, [ZlibStreamEncoder] and [ZstdStreamEncoder], write what
// Discord sends: one stream per connection, flushed at the end of every
// message.
package compress
