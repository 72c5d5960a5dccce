package compress_test

import (
	"fmt"

	"github.com/wirecord/wirecord/internal/compress"
)

// A connection's zlib-stream: every message continues the same deflate
// stream, so one decoder serves the whole connection.
func ExampleZlibStream() {
	server := compress.NewZlibStreamEncoder(-1) // the fake Discord's side
	d := compress.NewZlibStream(0)
	for _, payload := range []string{`{"op":10,"d":{"heartbeat_interval":41250}}`, `{"op":11}`} {
		msg := server.Encode(nil, []byte(payload)) // one WebSocket message
		out, ok, err := d.Decode(msg)
		if err != nil {
			// Drop the connection; Reset the decoder for the next one.
			fmt.Println("error:", err)
			return
		}
		if ok {
			fmt.Printf("%s\n", out)
		}
	}
	// Output:
	// {"op":10,"d":{"heartbeat_interval":41250}}
	// {"op":11}
}

// A connection's zstd-stream: one frame for the connection, one gateway
// message per WebSocket message.
func ExampleZstdStream() {
	server, err := compress.NewZstdStreamEncoder(0)
	if err != nil {
		panic(err)
	}
	d, err := compress.NewZstdStream(0, 0) // default limits: 16 MiB messages, 8 MiB window
	if err != nil {
		panic(err)
	}
	for _, payload := range []string{`{"op":10,"d":{"heartbeat_interval":41250}}`, `{"op":11}`} {
		out, _, err := d.Decode(server.Encode(nil, []byte(payload)))
		if err != nil {
			fmt.Println("error:", err)
			return
		}
		fmt.Printf("%s\n", out)
	}
	// A new connection needs a new stream on both sides.
	server.Reset()
	d.Reset()
	out, _, err := d.Decode(server.Encode(nil, []byte(`{"op":10}`)))
	fmt.Printf("%s %v\n", out, err)
	// Output:
	// {"op":10,"d":{"heartbeat_interval":41250}}
	// {"op":11}
	// {"op":10} <nil>
}
