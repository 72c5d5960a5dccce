package benchload

import (
	"fmt"

	"github.com/wirecord/wirecord/gateway"
	"github.com/wirecord/wirecord/internal/benchload/payload"
	"github.com/wirecord/wirecord/internal/compress"
	"github.com/wirecord/wirecord/internal/wsproto"
)

// Compressions are the transport compressions a run measures, in order.
var Compressions = []gateway.Compression{gateway.CompressNone, gateway.CompressZlib, gateway.CompressZstd}

// Stream is the byte stream the server sends on one connection, built
// before the run so that the server does no work while a client is
// measured: WebSocket frames (text without compression, binary with it)
// carrying HELLO, then READY and what follows it, then the events. With
// compression the three parts are one compression context, as from
// Discord, so the stream must be sent whole and in order.
type Stream struct {
	Compression gateway.Compression
	// Events is how many event messages follow READY in the events part,
	// and EventBytes their JSON bytes (after decompression).
	Events     int
	EventBytes int64
	// WireBytes is the size of the events part on the wire, frames
	// included.
	WireBytes int64

	hello, ready, events []byte
	// ends[i] is the offset, in the decompressed JSON of the events part,
	// where event i ends; floor-inflate counts events with it.
	ends []int64
	free func()
}

// streamBuilder encodes payloads into frames with one compression context.
type streamBuilder struct {
	comp gateway.Compression
	zlib *compress.ZlibStreamEncoder
	zstd *compress.ZstdStreamEncoder
	buf  []byte
	tmp  []byte
}

func newStreamBuilder(c gateway.Compression) (*streamBuilder, error) {
	b := &streamBuilder{comp: c}
	switch c {
	case gateway.CompressNone:
	case gateway.CompressZlib:
		// Discord's level is not documented; the default level is what
		// the fake Discord uses.
		b.zlib = compress.NewZlibStreamEncoder(-1)
	case gateway.CompressZstd:
		z, err := compress.NewZstdStreamEncoder(compress.DefaultZstdEncoderWindow)
		if err != nil {
			return nil, err
		}
		b.zstd = z
	default:
		return nil, fmt.Errorf("benchload: unknown compression %q (want none, zlib-stream or zstd-stream)", c)
	}
	return b, nil
}

// add appends p as one frame and returns the frame's size.
func (b *streamBuilder) add(p []byte) int {
	start := len(b.buf)
	switch b.comp {
	case gateway.CompressNone:
		b.buf = wsproto.AppendFrame(b.buf, wsproto.OpText, true, p, nil)
	case gateway.CompressZlib:
		b.tmp = b.zlib.Encode(b.tmp[:0], p)
		b.buf = wsproto.AppendFrame(b.buf, wsproto.OpBinary, true, b.tmp, nil)
	case gateway.CompressZstd:
		b.tmp = b.zstd.Encode(b.tmp[:0], p)
		b.buf = wsproto.AppendFrame(b.buf, wsproto.OpBinary, true, b.tmp, nil)
	}
	return len(b.buf) - start
}

// buildStream builds a stream of hello, then the ready payloads, then the
// events payloads (generated on demand so they need not all be held).
func buildStream(c gateway.Compression, ready [][]byte, events int, event func(i int) []byte) (*Stream, error) {
	b, err := newStreamBuilder(c)
	if err != nil {
		return nil, err
	}
	s := &Stream{Compression: c, Events: events, ends: make([]int64, events)}
	b.add(payload.Hello())
	helloEnd := len(b.buf)
	for _, p := range ready {
		b.add(p)
	}
	readyEnd := len(b.buf)
	for i := range events {
		p := event(i)
		s.WireBytes += int64(b.add(p))
		s.EventBytes += int64(len(p))
		s.ends[i] = s.EventBytes
	}
	mem, free := offHeap(len(b.buf))
	copy(mem, b.buf)
	s.free = free
	s.hello, s.ready, s.events = mem[:helloEnd], mem[helloEnd:readyEnd], mem[readyEnd:]
	return s, nil
}

// MessageStream builds the stream of one shard that receives n
// MESSAGE_CREATE (seq 2 to n+1) after READY.
func MessageStream(seed uint64, n int, c gateway.Compression, resumeURL string) (*Stream, error) {
	return buildStream(c, [][]byte{payload.Ready(0, 1, nil, resumeURL)}, n, func(i int) []byte { return payload.MessageCreate(seed, i+2) })
}

// ShardStream builds the stream of shard id of count: READY, then guilds
// GUILD_CREATEs of about 30 KB, and nothing more. Each shard has guilds of
// its own, ids that route to it ((id >> 22) % count == id), as a client
// that caches guilds across shards must see.
func ShardStream(seed uint64, id, count, guilds int, c gateway.Compression, resumeURL string) (*Stream, error) {
	ids := make([]uint64, guilds)
	first := uint64(payload.GuildBase>>22) / uint64(count) * uint64(count)
	for i := range ids {
		ids[i] = (first+uint64(i*count+id))<<22 | uint64(i)
	}
	return buildStream(c, [][]byte{payload.Ready(id, count, ids, resumeURL)}, guilds, func(i int) []byte { return payload.GuildCreate(seed, i+2, ids[i]) })
}

// Size is the stream's size in memory, which the process's RSS includes.
func (s *Stream) Size() int { return len(s.hello) + len(s.ready) + len(s.events) }

// Release frees the stream's memory. The stream must not be served after.
func (s *Stream) Release() {
	if s.free != nil {
		s.free()
		s.free = nil
	}
	s.hello, s.ready, s.events = nil, nil, nil
}
