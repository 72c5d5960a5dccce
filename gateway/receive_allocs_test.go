package gateway

import (
	"fmt"
	"testing"

	"github.com/wirecord/wirecord/internal/benchload/payload"
)

// receiveAllocs are the allocations per delivered MESSAGE_CREATE on the
// receive path (Receive, then NextEvent returning the Dispatch), measured
// on the seeded payloads of wirecord bench when this test was written.
// TestReceiveAllocationsArePinned fails when one grows by more than 20%:
// if the growth is deliberate, record the new figure here and say why in
// the commit. Lower is welcome; record it too.
var receiveAllocs = map[string]float64{
	// The event's bytes and the *Dispatch.
	"json/none":        2,
	"json/zlib-stream": 2,
	"json/zstd-stream": 2,
	// ETF: the frame, or the message the decoder lends, is transcoded in
	// place, so the JSON is the event's bytes (3 before each).
	"etf/none":        2,
	"etf/zlib-stream": 2,
	"etf/zstd-stream": 2,
}

// receiveAllocsPerEvent streams n seeded MESSAGE_CREATE through a ready
// engine and returns the average allocations of one Receive+NextEvent.
func receiveAllocsPerEvent(t testing.TB, enc Encoding, comp Compression, n int) float64 {
	cfg := testConfig()
	cfg.Encoding, cfg.Compression = enc, comp
	p := newPeer(t, cfg)
	p.ready(interval, "allocs")
	p.events()
	// AllocsPerRun calls f once more than asked, to warm up.
	frames := make([][]byte, n+1)
	for i := range frames {
		frames[i] = p.frame(string(payload.MessageCreate(1, i+2)))
	}
	i := 0
	return testing.AllocsPerRun(n, func() {
		if err := p.e.Receive(p.now, frames[i]); err != nil {
			t.Fatal(err)
		}
		i++
		if ev, ok := p.e.NextEvent(); !ok {
			t.Fatalf("no event after frame %d", i)
		} else if d, isDispatch := ev.(*Dispatch); !isDispatch || d.Err != nil {
			t.Fatalf("event %#v", ev)
		}
	})
}

func TestReceiveAllocationsArePinned(t *testing.T) {
	for _, enc := range []Encoding{EncodingJSON, EncodingETF} {
		for _, comp := range []Compression{CompressNone, CompressZlib, CompressZstd} {
			name := fmt.Sprintf("%s/%s", enc, comp)
			t.Run(name, func(t *testing.T) {
				got := receiveAllocsPerEvent(t, enc, comp, 200)
				t.Logf("%s: %.0f allocations per event", name, got)
				if want := receiveAllocs[name]; got > want*1.2 {
					t.Errorf("%s: %.0f allocations per event, more than 20%% over the %.0f recorded", name, got, want)
				}
			})
		}
	}
}
