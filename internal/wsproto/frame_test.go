package wsproto

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"testing"
)

var testMask = &[4]byte{0x12, 0x34, 0x56, 0x78}

// readAll feeds data and collects messages until more bytes are needed or
// an error.
func readAll(r *Reader, data []byte) ([]Message, error) {
	r.Feed(data)
	var out []Message
	for {
		m, ok, err := r.Next()
		if err != nil {
			return out, err
		}
		if !ok {
			return out, nil
		}
		out = append(out, Message{Op: m.Op, Payload: append([]byte(nil), m.Payload...)})
	}
}

func rawHeader(b0, b1 byte, ext ...byte) []byte { return append([]byte{b0, b1}, ext...) }

func TestReaderRules(t *testing.T) {
	long := bytes.Repeat([]byte("a"), 200)
	for _, tc := range []struct {
		name  string
		role  Role
		max   int
		input []byte
		code  uint16
	}{
		{"reserved bits set", Client, 0, rawHeader(0x81|0x40, 0), 1002},
		{"unknown opcode", Client, 0, rawHeader(0x83, 0), 1002},
		{"fragmented control frame", Client, 0, rawHeader(0x09, 0), 1002},
		{"control payload over 125", Client, 0, AppendFrame(nil, OpPing, true, long, nil), 1002},
		{"continuation without a message", Client, 0, AppendFrame(nil, OpContinuation, true, []byte("x"), nil), 1002},
		{"data frame inside a fragmented message", Client, 0,
			append(AppendFrame(nil, OpText, false, []byte("a"), nil), AppendFrame(nil, OpText, true, []byte("b"), nil)...), 1002},
		{"16-bit length not minimal", Client, 0, rawHeader(0x82, 126, 0, 5), 1002},
		{"64-bit length not minimal", Client, 0, rawHeader(0x82, 127, 0, 0, 0, 0, 0, 0, 1, 0), 1002},
		{"64-bit length with top bit", Client, 0, rawHeader(0x82, 127, 0x80, 0, 0, 0, 0, 0, 0, 0), 1002},
		{"masked frame from the server", Client, 0, AppendFrame(nil, OpText, true, []byte("x"), testMask), 1002},
		{"unmasked frame from the client", Server, 0, AppendFrame(nil, OpText, true, []byte("x"), nil), 1002},
		{"text not utf-8", Client, 0, AppendFrame(nil, OpText, true, []byte{0xc3, 0x28}, nil), 1007},
		{"fragmented text not utf-8", Client, 0,
			append(AppendFrame(nil, OpText, false, []byte{0xe2, 0x82}, nil), AppendFrame(nil, OpContinuation, true, []byte{0x28}, nil)...), 1007},
		{"message over the limit in one frame", Client, 10, AppendFrame(nil, OpBinary, true, make([]byte, 11), nil), 1009},
		{"message over the limit over fragments", Client, 10,
			append(AppendFrame(nil, OpBinary, false, make([]byte, 6), nil), AppendFrame(nil, OpContinuation, true, make([]byte, 6), nil)...), 1009},
		{"one-byte close", Client, 0, AppendFrame(nil, OpClose, true, []byte{3}, nil), 1002},
		{"close 1005 on the wire", Client, 0, AppendFrame(nil, OpClose, true, []byte{0x03, 0xed}, nil), 1002},
		{"close 1006 on the wire", Client, 0, AppendFrame(nil, OpClose, true, []byte{0x03, 0xee}, nil), 1002},
		{"close 1015 on the wire", Client, 0, AppendFrame(nil, OpClose, true, []byte{0x03, 0xf7}, nil), 1002},
		{"close 999", Client, 0, AppendFrame(nil, OpClose, true, []byte{0x03, 0xe7}, nil), 1002},
		{"close 2000", Client, 0, AppendFrame(nil, OpClose, true, []byte{0x07, 0xd0}, nil), 1002},
		{"close 5000", Client, 0, AppendFrame(nil, OpClose, true, []byte{0x13, 0x88}, nil), 1002},
		{"close reason not utf-8", Client, 0, AppendFrame(nil, OpClose, true, []byte{0x03, 0xe8, 0xff}, nil), 1007},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &Reader{Role: tc.role, MaxMessageSize: tc.max}
			_, err := readAll(r, tc.input)
			var pe *ProtocolError
			if !errors.As(err, &pe) || pe.Code != tc.code {
				t.Fatalf("err = %v, want protocol error %d", err, tc.code)
			}
			// Sticky until Reset.
			if _, _, again := r.Next(); again == nil {
				t.Error("the reader went on after an error")
			}
			r.Reset()
			if _, err := readAll(r, AppendFrame(nil, OpPing, true, nil, maskFor(tc.role))); err != nil {
				t.Errorf("after Reset: %v", err)
			}
		})
	}
}

func maskFor(r Role) *[4]byte {
	if r == Server {
		return testMask
	}
	return nil
}

func TestOversizedFrameIsRefusedFromItsHeader(t *testing.T) {
	r := &Reader{Role: Client, MaxMessageSize: 1 << 10}
	// Only the header of a 1 GiB frame: the error comes before any payload.
	hdr := []byte{0x82, 127}
	hdr = binary.BigEndian.AppendUint64(hdr, 1<<30)
	_, err := readAll(r, hdr)
	var pe *ProtocolError
	if !errors.As(err, &pe) || pe.Code != 1009 {
		t.Fatalf("err = %v", err)
	}
	if r.Buffered() > len(hdr) {
		t.Errorf("buffered %d bytes", r.Buffered())
	}
}

func TestValidMessages(t *testing.T) {
	frag := func(op Opcode, fin bool, p string) []byte { return AppendFrame(nil, op, fin, []byte(p), nil) }
	cat := func(bs ...[]byte) []byte { return bytes.Join(bs, nil) }
	for _, tc := range []struct {
		name string
		in   []byte
		want []string
	}{
		{"text", frag(OpText, true, "héllo"), []string{"text:héllo"}},
		{"empty binary", frag(OpBinary, true, ""), []string{"binary:"}},
		{"fragmented", cat(frag(OpText, false, "he"), frag(OpContinuation, false, "l"), frag(OpContinuation, true, "lo")), []string{"text:hello"}},
		{"empty fragments", cat(frag(OpBinary, false, ""), frag(OpContinuation, true, "")), []string{"binary:"}},
		{"control between fragments", cat(frag(OpText, false, "a"), frag(OpPing, true, "p"), frag(OpContinuation, true, "b")),
			[]string{"ping:p", "text:ab"}},
		{"utf-8 split over fragments", cat(frag(OpText, false, "\xe2\x82"), frag(OpContinuation, true, "\xac")), []string{"text:€"}},
		{"close with reason", AppendClose(nil, 4000, "bye", nil), []string{"close:\x0f\xa0bye"}},
		{"empty close", AppendClose(nil, 0, "", nil), []string{"close:"}},
		{"16-bit length", frag(OpBinary, true, strings.Repeat("x", 300)), []string{"binary:" + strings.Repeat("x", 300)}},
		{"64-bit length", frag(OpBinary, true, strings.Repeat("y", 70000)), []string{"binary:" + strings.Repeat("y", 70000)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &Reader{Role: Client}
			msgs, err := readAll(r, tc.in)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, m := range msgs {
				got = append(got, m.Op.String()+":"+string(m.Payload))
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestByteAtATimeGivesTheSameMessages(t *testing.T) {
	var stream []byte
	stream = AppendFrame(stream, OpText, false, []byte("frag"), testMask)
	stream = AppendFrame(stream, OpPing, true, []byte("ping"), testMask)
	stream = AppendFrame(stream, OpContinuation, true, []byte("ment"), testMask)
	stream = AppendFrame(stream, OpBinary, true, bytes.Repeat([]byte{7}, 70000), testMask)
	stream = AppendClose(stream, 1000, "done", testMask)
	whole, err := readAll(&Reader{Role: Server}, stream)
	if err != nil {
		t.Fatal(err)
	}
	r := &Reader{Role: Server}
	var piecewise []Message
	for i := range stream {
		msgs, err := readAll(r, stream[i:i+1])
		if err != nil {
			t.Fatal(err)
		}
		piecewise = append(piecewise, msgs...)
	}
	if len(whole) != 4 || fmt.Sprint(whole) != fmt.Sprint(piecewise) {
		t.Fatalf("whole %d messages, piecewise %d: they differ", len(whole), len(piecewise))
	}
}

func TestLargeBuffersAreReleasedOnceDrained(t *testing.T) {
	r := &Reader{Role: Client}
	big := AppendFrame(nil, OpBinary, false, make([]byte, 1<<20), nil)
	big = AppendFrame(big, OpContinuation, true, make([]byte, 1<<20), nil)
	if msgs, err := readAll(r, big); err != nil || len(msgs) != 1 {
		t.Fatal(err)
	}
	readAll(r, AppendFrame(nil, OpPing, true, nil, nil))
	if cap(r.buf) > releaseAbove || cap(r.msg) > releaseAbove {
		t.Errorf("idle reader holds %d + %d bytes", cap(r.buf), cap(r.msg))
	}
}

func TestMaskingRoundTrip(t *testing.T) {
	for _, n := range []int{0, 1, 7, 8, 15, 16, 17, 125, 126, 65535, 65536} {
		p := make([]byte, n)
		for i := range p {
			p[i] = byte(i * 7)
		}
		frame := AppendFrame(nil, OpBinary, true, p, testMask)
		if n >= 16 && bytes.Contains(frame, p[:16]) {
			t.Errorf("%d bytes: payload not masked", n)
		}
		msgs, err := readAll(&Reader{Role: Server}, frame)
		if err != nil || len(msgs) != 1 || !bytes.Equal(msgs[0].Payload, p) {
			t.Errorf("%d bytes: %v", n, err)
		}
	}
}

func TestCloseFrames(t *testing.T) {
	long := strings.Repeat("é", 100) // 200 bytes: cut on a rune boundary
	frame := AppendClose(nil, 4014, long, nil)
	msgs, err := readAll(&Reader{Role: Client}, frame)
	if err != nil {
		t.Fatal(err)
	}
	code, reason, err := ParseClose(msgs[0].Payload)
	if err != nil || code != 4014 || len(msgs[0].Payload) > 125 || !strings.HasPrefix(long, reason) {
		t.Errorf("code %d reason %q (%d bytes) err %v", code, reason, len(reason), err)
	}
	if code, _, err := ParseClose(nil); code != 1005 || err != nil {
		t.Errorf("empty close: %d %v", code, err)
	}
	for code, want := range map[uint16]bool{999: false, 1000: true, 1003: true, 1004: false, 1005: false, 1006: false,
		1007: true, 1011: true, 1014: true, 1015: false, 2999: false, 3000: true, 4999: true, 5000: false} {
		if ValidCloseCode(code) != want {
			t.Errorf("ValidCloseCode(%d) = %v", code, !want)
		}
	}
}

func BenchmarkReaderMessage(b *testing.B) {
	payload := bytes.Repeat([]byte(`{"op":0,"d":{}}`), 70) // about 1 KiB
	var chunk []byte
	for range 8 {
		chunk = AppendFrame(chunk, OpBinary, true, payload, nil)
	}
	r := &Reader{Role: Client}
	b.ReportAllocs()
	b.SetBytes(int64(len(payload)))
	for i := 0; i < b.N; i += 8 {
		r.Feed(chunk)
		for {
			_, ok, err := r.Next()
			if err != nil {
				b.Fatal(err)
			}
			if !ok {
				break
			}
		}
	}
}

func BenchmarkAppendFrameMasked(b *testing.B) {
	payload := bytes.Repeat([]byte("x"), 1024)
	buf := make([]byte, 0, 2048)
	b.ReportAllocs()
	b.SetBytes(int64(len(payload)))
	for i := 0; i < b.N; i++ {
		buf = AppendFrame(buf[:0], OpText, true, payload, testMask)
	}
}
