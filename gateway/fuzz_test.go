package gateway

import (
	"errors"
	"testing"

	"github.com/wirecord/wirecord/internal/wsproto"
)

// FuzzReceive feeds arbitrary bytes to an engine whose connection is
// open, as a hostile or broken server would. The engine must never panic,
// and whatever it decides must be one of its documented outcomes.
func FuzzReceive(f *testing.F) {
	f.Add(byte(0), wsproto.AppendFrame(nil, wsproto.OpText, true, []byte(`{"op":10,"d":{"heartbeat_interval":41250}}`), nil))
	f.Add(byte(1), wsproto.AppendFrame(nil, wsproto.OpText, true, []byte(`{"op":0,"s":2,"t":"MESSAGE_CREATE","d":{"id":"1"}}`), nil))
	f.Add(byte(2), wsproto.AppendFrame(nil, wsproto.OpText, true, []byte(`{"op":9,"d":false}`), nil))
	f.Add(byte(3), wsproto.AppendClose(nil, 4014, "Disallowed intent(s).", nil))
	f.Add(byte(4), wsproto.AppendFrame(nil, wsproto.OpBinary, true, []byte{0x78, 0x9c, 0, 0, 0xff, 0xff}, nil))
	f.Add(byte(5), []byte{0x81, 0x7e, 0xff, 0xff})
	// Values outside what Discord sends (the table in doc.go).
	f.Add(byte(0), wsproto.AppendFrame(nil, wsproto.OpText, true, []byte(`{"op":0,"s":9999999999999999999,"t":"MESSAGE_CREATE","d":{}}`), nil))
	f.Add(byte(0), wsproto.AppendFrame(nil, wsproto.OpText, true, []byte(`{"op":0,"s":4611686018427387904,"t":"MESSAGE_CREATE","d":{}}`), nil))
	f.Add(byte(0), wsproto.AppendFrame(nil, wsproto.OpText, true, []byte(`{"op":0,"s":1,"t":"READY","d":{"session_id":"x","resume_gateway_url":"ws://evil.example:80/"}}`), nil))
	f.Fuzz(func(t *testing.T, mode byte, data []byte) {
		cfg := testConfig()
		switch mode % 4 {
		case 1:
			cfg.Compression = CompressZlib
		case 2:
			cfg.Compression = CompressZstd
		case 3:
			cfg.Encoding = EncodingETF
		}
		p := newPeer(t, cfg)
		p.ready(interval, "fuzz")
		p.events()
		if err := p.e.Receive(p.now, data); err != nil && !errors.Is(err, ErrNotConnected) {
			t.Fatalf("Receive: %v", err)
		}
		p.e.Output()
		for {
			ev, ok := p.e.NextEvent()
			if !ok {
				break
			}
			if d, ok := ev.(*Disconnected); ok {
				if d.Action == 0 || d.Action == ActionStop && d.Fatal == nil {
					t.Fatalf("disconnect without a decision: %+v", d)
				}
			}
		}
		// The engine stays usable: time can pass.
		p.advance(2 * interval)
	})
}
