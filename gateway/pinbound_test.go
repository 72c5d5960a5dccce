package gateway

import (
	"strings"
	"testing"
	"time"
)

// maxSharedData is shard's maxSharedEvent: the largest Data whose typed
// strings point into it, so that "a string a handler keeps pins at most
// this much" (shard/dispatch.go).
const maxSharedData = 16 << 10

// allowedPin is the most memory a Data just under the shared bound may
// lie in: 20 KiB allows the envelope and the allocator's rounding.
const allowedPin = 20 << 10

// checkPinned fails unless dis is a good event of at most maxSharedData
// bytes lying in at most allowedPin bytes of memory (cap).
func checkPinned(t *testing.T, dis *Dispatch) {
	t.Helper()
	if dis.Err != nil || len(dis.Data) > maxSharedData {
		t.Fatalf("Data of %d bytes (%v), want at most %d", len(dis.Data), dis.Err, maxSharedData)
	}
	if c := cap(dis.Data); c > allowedPin {
		t.Errorf("a %d-byte Data lies in an allocation of at least %d bytes (cap): a string kept from it pins %.1fx its event",
			len(dis.Data), c, float64(c)/float64(len(dis.Data)))
	}
}

// A string kept from an event of Data just under the shared bound pins
// the allocation Data lies in: that must be about the event, not half as
// much again (allowedPin).
func TestTheMemoryAKeptSmallEventPinsIsAboutItsData(t *testing.T) {
	for _, enc := range []Encoding{EncodingJSON, EncodingETF} {
		for _, comp := range []Compression{CompressNone, CompressZlib, CompressZstd} {
			t.Run(string(enc)+"/"+string(comp), func(t *testing.T) {
				cfg := testConfig()
				cfg.Encoding, cfg.Compression = enc, comp
				p := newPeer(t, cfg)
				p.ready(time.Minute, "s1")
				p.events()
				d := sharedMessage(1, 0)
				d = sharedMessage(1, maxSharedData-len(d)-64)
				p.dispatch(2, "MESSAGE_CREATE", d)
				dis := mustEvent[*Dispatch](t, p.events())
				checkPinned(t, dis)
			})
		}
	}
}

// The same with an event whose ETF is larger than its JSON (floats: 9
// bytes of ETF, 4 of JSON): the transcode buffer is sized from the ETF.
func TestTheMemoryAKeptSmallETFEventPinsIsAboutItsDataWhenItsETFIsLarger(t *testing.T) {
	cfg := testConfig()
	cfg.Encoding = EncodingETF
	p := newPeer(t, cfg)
	p.ready(time.Minute, "s1")
	p.events()
	floats := strings.TrimSuffix(strings.Repeat("1.5,", (maxSharedData-200)/4), ",")
	d := `{"id":"1","channel_id":"2","content":"kept","author":{"id":"4","username":"u"},"scores":[` + floats + `]}`
	p.dispatch(2, "MESSAGE_CREATE", d)
	dis := mustEvent[*Dispatch](t, p.events())
	checkPinned(t, dis)
}

// A payload whose envelope holds more than d (a field the engine does not
// read) makes a small Data that lies in the whole payload's memory: its
// typed strings are shared (Data is under the bound), and a kept one pins
// the whole payload.
func TestTheMemoryAKeptSmallEventPinsIsAboutItsDataWhateverTheEnvelopeHolds(t *testing.T) {
	for _, comp := range []Compression{CompressNone, CompressZlib, CompressZstd} {
		t.Run(string(comp), func(t *testing.T) {
			cfg := testConfig()
			cfg.Compression = comp
			p := newPeer(t, cfg)
			p.ready(time.Minute, "s1")
			p.events()
			p.send(`{"op":0,"s":2,"t":"MESSAGE_CREATE","d":` + sharedMessage(1, 10) + `,"x":"` + strings.Repeat("x", 1<<20) + `"}`)
			dis := mustEvent[*Dispatch](t, p.events())
			checkPinned(t, dis)
		})
	}
}
