package compress

import (
	"runtime"
	"testing"
)

// heapPerDecoder creates n decoders, feeds each the first message of a stream
// and returns the heap they hold, per decoder.
func heapPerDecoder(t *testing.T, n int, first []byte, newDecoder func() Decoder) uint64 {
	t.Helper()
	ds := make([]Decoder, n)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.GC() // twice: the scratch pool's buffers go on the second
	runtime.ReadMemStats(&before)
	for i := range ds {
		ds[i] = newDecoder()
		if _, ok, err := ds[i].Decode(first); err != nil || !ok {
			t.Fatalf("decoder %d: ok %v, err %v", i, ok, err)
		}
	}
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(ds)
	return (after.HeapAlloc - before.HeapAlloc) / uint64(n)
}

// TestDecoderMemoryPerConnection measures what a connection's decoder holds
// once its stream has started, the figures in the ZlibStream and ZstdStream
// documentation, and fails if they grow well past them.
func TestDecoderMemoryPerConnection(t *testing.T) {
	if testing.Short() {
		t.Skip("allocates a few hundred MiB")
	}
	payload := conversation(30, 5, 100)[4]
	zlibFirst := NewZlibStreamEncoder(-1).Encode(nil, payload)
	got := heapPerDecoder(t, 200, zlibFirst, func() Decoder { return NewZlibStream(0) })
	t.Logf("zlib-stream: %d bytes (%.1f KiB) per connection", got, float64(got)/1024)
	if got > 96<<10 {
		t.Errorf("zlib-stream: %d bytes per connection, documented about 77 KiB", got)
	}

	for _, tc := range []struct {
		window, n int
		max       uint64 // documented figure, with some slack
	}{
		{256 << 10, 64, 900 << 10},
		{1 << 20, 32, 1700 << 10},
		{8 << 20, 8, 9 << 20},
	} {
		first := zstdMessages(t, tc.window, [][]byte{payload})[0]
		got := heapPerDecoder(t, tc.n, first, func() Decoder { return newZstd(t, 0, 0) })
		t.Logf("zstd-stream, window %d KiB: %d bytes (%.1f KiB) per connection", tc.window>>10, got, float64(got)/1024)
		if got > tc.max {
			t.Errorf("zstd-stream, window %d KiB: %d bytes per connection, over %d", tc.window>>10, got, tc.max)
		}
	}
}
