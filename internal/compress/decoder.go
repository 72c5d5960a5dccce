package compress

import "sync"

// Decoder turns the payloads of one connection's WebSocket data messages into
// gateway messages. It is not safe for concurrent use: one connection, one
// goroutine.
type Decoder interface {
	// Decode takes one WebSocket message's payload (the caller may reuse msg
	// after Decode returns). When a gateway message is complete it returns it
	// in out, a new slice of exactly its length owned by the caller, and
	// ok=true. ok=false with a nil error means more WebSocket messages are
	// needed (zlib-stream only). An error means the stream is broken: the
	// connection must be dropped and the decoder Reset; until then Decode
	// keeps returning the error.
	Decode(msg []byte) (out []byte, ok bool, err error)
	// Reset readies the decoder for a new connection (a fresh inflate/zstd
	// context; Discord requires one per connection).
	Reset()
}

// LendingDecoder is a Decoder that can also lend a message instead of
// handing it over: DecodeTo passes a complete message to s.Take, in a
// buffer reused once Take returns, so Take copies what it keeps. It saves
// the copy of a message that is turned into something else at once (ETF,
// transcoded to JSON). ZlibStream and ZstdStream are LendingDecoders.
type LendingDecoder interface {
	Decoder
	// DecodeTo is Decode, with the message given to s.Take (also an empty
	// one) instead of returned.
	DecodeTo(msg []byte, s Sink) (ok bool, err error)
}

// Sink takes the messages a LendingDecoder lends.
type Sink interface {
	// Take gets one message, valid until Take returns.
	Take(out []byte)
}

// DefaultMaxMessageSize bounds one decompressed gateway message when a limit
// of 0 is given.
const DefaultMaxMessageSize = 16 << 20

// DefaultMaxWindow is the largest zstd window accepted when 0 is given: 8 MiB,
// the size RFC 8878 recommends decoders support.
const DefaultMaxWindow = 8 << 20

// Decompressed bytes are read into a scratch buffer shared by all the
// connections of a process (only one message per goroutine is in flight),
// then copied into the exact-size slice returned to the caller: one
// allocation per message, and no per-connection buffer sized for the largest
// message ever seen.
const (
	// scratchSize is the capacity of a new scratch buffer. It leaves room for
	// one Read of a whole zstd block (readSpace) plus typical messages.
	scratchSize = 256 << 10
	// maxPooledScratch is the largest scratch buffer put back in the pool; a
	// larger one (grown for a big READY) is left to the garbage collector.
	maxPooledScratch = 1 << 20
)

var scratchPool = sync.Pool{New: func() any {
	b := make([]byte, 0, scratchSize)
	return &b
}}

func getScratch() *[]byte { return scratchPool.Get().(*[]byte) }

func putScratch(b *[]byte) {
	if cap(*b) > maxPooledScratch {
		return
	}
	*b = (*b)[:0]
	scratchPool.Put(b)
}

// reserve returns buf with at least free bytes of capacity after len(buf).
// It doubles the capacity, but not past what a message of limit bytes
// needs, so a message at the limit costs about twice the limit in
// allocations, not five times as append's gentler growth would.
func reserve(buf []byte, free, limit int) []byte {
	if cap(buf)-len(buf) >= free {
		return buf
	}
	n := max(min(2*cap(buf), limit+free), len(buf)+free)
	return append(make([]byte, 0, n), buf...)
}

// exact returns a new slice holding a copy of b, with cap == len.
func exact(b []byte) []byte {
	out := make([]byte, len(b))
	copy(out, b)
	return out
}

// limitOrDefault returns n, or DefaultMaxMessageSize when n <= 0.
func limitOrDefault(n int) int {
	if n <= 0 {
		return DefaultMaxMessageSize
	}
	return n
}
