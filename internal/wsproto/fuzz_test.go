package wsproto

import (
	"bytes"
	"errors"
	"testing"
)

// chunks splits data into pieces whose sizes follow pattern.
func chunks(data []byte, pattern byte) [][]byte {
	size := int(pattern%17) + 1
	var out [][]byte
	for i := 0; len(data) > 0; i++ {
		n := min(size+(i*int(pattern>>4))%5, len(data))
		out = append(out, data[:n])
		data = data[n:]
	}
	return out
}

func FuzzReader(f *testing.F) {
	f.Add(byte(0), false, AppendFrame(nil, OpText, true, []byte(`{"op":10}`), nil))
	f.Add(byte(3), true, AppendFrame(nil, OpBinary, true, bytes.Repeat([]byte("x"), 300), testMask))
	f.Add(byte(17), false, append(AppendFrame(nil, OpText, false, []byte("ab"), nil), AppendFrame(nil, OpContinuation, true, []byte("cd"), nil)...))
	f.Add(byte(33), false, AppendClose(nil, 4004, "Authentication failed.", nil))
	f.Add(byte(5), true, AppendFrame(nil, OpPing, true, []byte("p"), testMask))
	f.Add(byte(90), false, AppendFrame(nil, OpBinary, true, make([]byte, 70000), nil))
	f.Fuzz(func(t *testing.T, pattern byte, server bool, data []byte) {
		role := Client
		if server {
			role = Server
		}
		const max = 1 << 16
		whole := &Reader{Role: role, MaxMessageSize: max}
		want, wantErr := readAll(whole, bytes.Clone(data))
		split := &Reader{Role: role, MaxMessageSize: max}
		var got []Message
		var gotErr error
		for _, c := range chunks(bytes.Clone(data), pattern) {
			msgs, err := readAll(split, c)
			got = append(got, msgs...)
			if err != nil {
				gotErr = err
				break
			}
		}
		if len(got) != len(want) || (wantErr == nil) != (gotErr == nil) {
			t.Fatalf("whole: %d messages, %v; in pieces: %d, %v", len(want), wantErr, len(got), gotErr)
		}
		for i := range want {
			if want[i].Op != got[i].Op || !bytes.Equal(want[i].Payload, got[i].Payload) {
				t.Fatalf("message %d differs", i)
			}
			if !want[i].Op.IsControl() && len(want[i].Payload) > max {
				t.Fatalf("message of %d bytes passed the limit", len(want[i].Payload))
			}
		}
		var pe *ProtocolError
		if wantErr != nil && !errors.As(wantErr, &pe) {
			t.Fatalf("error %T is not a *ProtocolError", wantErr)
		}
		// What came out encodes and parses back the same.
		var again []byte
		var mask *[4]byte
		if server {
			mask = testMask
		}
		for _, m := range want {
			again = AppendFrame(again, m.Op, true, m.Payload, mask)
		}
		back, err := readAll(&Reader{Role: role, MaxMessageSize: max}, again)
		if err != nil || len(back) != len(want) {
			t.Fatalf("re-encoded messages: %d, %v", len(back), err)
		}
	})
}

func FuzzParseClose(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{0x03, 0xe8})
	f.Add([]byte{0x0f, 0xa4, 'b', 'y', 'e'})
	f.Add([]byte{0x03, 0xed})
	f.Fuzz(func(t *testing.T, p []byte) {
		code, reason, err := ParseClose(p)
		if err != nil {
			var pe *ProtocolError
			if !errors.As(err, &pe) {
				t.Fatalf("error %T", err)
			}
			return
		}
		if len(p) == 0 {
			if code != 1005 {
				t.Fatalf("empty close gave %d", code)
			}
			return
		}
		if !ValidCloseCode(code) {
			t.Fatalf("accepted code %d", code)
		}
		if len(p) <= 125 {
			frame := AppendClose(nil, code, reason, nil)
			msgs, err := readAll(&Reader{Role: Client}, frame)
			if err != nil || len(msgs) != 1 || !bytes.Equal(msgs[0].Payload, p) {
				t.Fatalf("round trip: %v", err)
			}
		}
	})
}

func FuzzReadResponse(f *testing.F) {
	f.Add([]byte("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: x\r\n\r\n"))
	f.Add([]byte("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 3\r\n\r\nabc"))
	f.Add([]byte("HTTP/1.1 400 Bad Request\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		resp, n, err := ReadResponse(b, 4096)
		if err != nil || n == 0 {
			return
		}
		if n > len(b) || resp == nil || resp.Header == nil {
			t.Fatalf("n=%d len=%d", n, len(b))
		}
		DecodeChunked(b[n:])
		CheckUpgrade(resp, "dGhlIHNhbXBsZSBub25jZQ==")
	})
}
