// Package wsproto is the WebSocket protocol (RFC 6455) on bytes: frames in,
// messages out, frames built into a caller's buffer, and the opening
// handshake as request and response bytes. It never reads a socket, starts
// a goroutine or looks at a clock, so the gateway engine (client side) and
// the fake Discord (server side) drive it with whatever I/O they have.
//
// No extension is negotiated (no permessage-deflate: Discord compresses
// payloads itself), so the RSV bits must be zero.
package wsproto

import (
	"encoding/binary"
	"strconv"
	"unicode/utf8"
)

// Opcode is a frame's opcode.
type Opcode uint8

// Opcodes (RFC 6455 §5.2).
const (
	OpContinuation Opcode = 0x0
	OpText         Opcode = 0x1
	OpBinary       Opcode = 0x2
	OpClose        Opcode = 0x8
	OpPing         Opcode = 0x9
	OpPong         Opcode = 0xA
)

// IsControl reports whether o is a control opcode (close, ping, pong).
func (o Opcode) IsControl() bool { return o&0x8 != 0 }

// String returns the opcode's name.
func (o Opcode) String() string {
	switch o {
	case OpContinuation:
		return "continuation"
	case OpText:
		return "text"
	case OpBinary:
		return "binary"
	case OpClose:
		return "close"
	case OpPing:
		return "ping"
	case OpPong:
		return "pong"
	}
	return "opcode-" + strconv.Itoa(int(o))
}

func (o Opcode) known() bool {
	switch o {
	case OpContinuation, OpText, OpBinary, OpClose, OpPing, OpPong:
		return true
	}
	return false
}

// Role is the side of the connection a Reader runs on.
type Role uint8

// Roles: a client receives unmasked frames, a server masked ones.
const (
	Client Role = iota
	Server
)

// DefaultMaxMessageSize is used when Reader.MaxMessageSize is zero.
const DefaultMaxMessageSize = 16 << 20

// Close codes a Reader reports in ProtocolError.
const (
	codeProtocolError  = 1002
	codeInvalidPayload = 1007
	codeMessageTooBig  = 1009
)

// ProtocolError means the peer broke RFC 6455, or sent a message over the
// size limit. The connection must be closed with Code: 1002 (protocol
// error), 1007 (invalid payload data) or 1009 (message too big).
type ProtocolError struct {
	Code   uint16
	Reason string
}

func (e *ProtocolError) Error() string {
	return "websocket: protocol error " + strconv.Itoa(int(e.Code)) + ": " + e.Reason
}

func protocolError(code uint16, reason string) *ProtocolError {
	return &ProtocolError{Code: code, Reason: reason}
}

// Message is one complete message: a data message (OpText or OpBinary, all
// its fragments joined) or a control frame (OpClose, OpPing, OpPong).
type Message struct {
	Op      Opcode
	Payload []byte
}

// releaseAbove is the capacity past which a drained buffer is dropped, so an
// idle connection keeps only a small one.
const releaseAbove = 64 << 10

// Reader assembles messages from the bytes of a connection as they arrive.
// The zero value, with Role set, is ready to use.
type Reader struct {
	// Role is the side the reader runs on: a Client refuses masked frames,
	// a Server requires them and unmasks them.
	Role Role
	// MaxMessageSize bounds a data message's payload over all its
	// fragments; 0 means DefaultMaxMessageSize. A larger message is a
	// ProtocolError with code 1009, found from the frame headers before
	// the payload is buffered.
	MaxMessageSize int

	buf []byte // input; buf[off:] is unparsed
	off int

	// The header of the frame whose payload is awaited.
	hdr   header
	hdrOK bool

	// A fragmented data message in progress.
	inMsg bool
	msgOp Opcode
	msg   []byte

	err error
}

type header struct {
	fin    bool
	op     Opcode
	masked bool
	mask   [4]byte
	length int // payload length
	size   int // header length
}

// Feed appends bytes read from the connection. Payloads returned by Next
// before Feed become invalid.
func (r *Reader) Feed(data []byte) {
	r.compact()
	r.buf = append(r.buf, data...)
}

// compact drops parsed input, reusing or releasing the buffer.
func (r *Reader) compact() {
	switch {
	case r.off == 0:
	case r.off == len(r.buf):
		if cap(r.buf) > releaseAbove {
			r.buf = nil
		} else {
			r.buf = r.buf[:0]
		}
		r.off = 0
	default:
		n := copy(r.buf, r.buf[r.off:])
		r.buf = r.buf[:n]
		r.off = 0
	}
}

// Buffered reports how many bytes the reader holds: unparsed input and the
// fragments of a message in progress.
func (r *Reader) Buffered() int { return len(r.buf) - r.off + len(r.msg) }

// Reset discards everything, for a new connection. Role and MaxMessageSize
// are kept.
func (r *Reader) Reset() {
	*r = Reader{Role: r.Role, MaxMessageSize: r.MaxMessageSize}
}

func (r *Reader) max() int {
	if r.MaxMessageSize > 0 {
		return r.MaxMessageSize
	}
	return DefaultMaxMessageSize
}

// Next returns the next complete message, or ok=false when more bytes are
// needed. Control frames come out as soon as they are complete, also
// between the fragments of a data message. The payload is valid until the
// next call to Feed or Next. After an error (a *ProtocolError) the Reader
// is unusable until Reset.
func (r *Reader) Next() (m Message, ok bool, err error) {
	if r.err != nil {
		return Message{}, false, r.err
	}
	if !r.inMsg && cap(r.msg) > releaseAbove {
		r.msg = nil
	}
	for {
		if !r.hdrOK {
			h, ok, err := r.parseHeader(r.buf[r.off:])
			if err != nil {
				r.err = err
				return Message{}, false, err
			}
			if !ok {
				return Message{}, false, nil
			}
			r.hdr, r.hdrOK = h, true
		}
		h := r.hdr
		if len(r.buf)-r.off < h.size+h.length {
			return Message{}, false, nil
		}
		payload := r.buf[r.off+h.size : r.off+h.size+h.length]
		r.off += h.size + h.length
		r.hdrOK = false
		if h.masked {
			maskBytes(payload, h.mask, 0)
		}
		switch h.op {
		case OpClose:
			if err := checkClose(payload); err != nil {
				r.err = err
				return Message{}, false, err
			}
			return Message{Op: h.op, Payload: payload}, true, nil
		case OpPing, OpPong:
			return Message{Op: h.op, Payload: payload}, true, nil
		case OpText, OpBinary:
			if h.fin {
				if h.op == OpText && !utf8.Valid(payload) {
					r.err = protocolError(codeInvalidPayload, "text message is not UTF-8")
					return Message{}, false, r.err
				}
				return Message{Op: h.op, Payload: payload}, true, nil
			}
			r.inMsg, r.msgOp = true, h.op
			r.msg = append(r.msg[:0], payload...)
		case OpContinuation:
			r.msg = append(r.msg, payload...)
			if h.fin {
				r.inMsg = false
				if r.msgOp == OpText && !utf8.Valid(r.msg) {
					r.err = protocolError(codeInvalidPayload, "text message is not UTF-8")
					return Message{}, false, r.err
				}
				return Message{Op: r.msgOp, Payload: r.msg}, true, nil
			}
		}
	}
}

// parseHeader reads a frame header from b and checks it against the rules.
// ok is false when b holds only part of the header.
func (r *Reader) parseHeader(b []byte) (h header, ok bool, err error) {
	if len(b) < 2 {
		return h, false, nil
	}
	b0, b1 := b[0], b[1]
	h.fin = b0&0x80 != 0
	h.op = Opcode(b0 & 0x0f)
	h.masked = b1&0x80 != 0
	size := 2
	length := uint64(b1 & 0x7f)
	switch length {
	case 126:
		size += 2
	case 127:
		size += 8
	}
	if h.masked {
		size += 4
	}
	// Rules that need only the first two bytes come first, so a bad
	// frame is refused before the rest of its header arrives.
	switch {
	case b0&0x70 != 0:
		return h, false, protocolError(codeProtocolError, "reserved bits set without a negotiated extension")
	case !h.op.known():
		return h, false, protocolError(codeProtocolError, "unknown opcode "+strconv.Itoa(int(h.op)))
	case h.op.IsControl() && !h.fin:
		return h, false, protocolError(codeProtocolError, "fragmented control frame")
	case h.op.IsControl() && length > 125:
		return h, false, protocolError(codeProtocolError, "control frame payload over 125 bytes")
	case h.op == OpContinuation && !r.inMsg:
		return h, false, protocolError(codeProtocolError, "continuation frame without a message in progress")
	case (h.op == OpText || h.op == OpBinary) && r.inMsg:
		return h, false, protocolError(codeProtocolError, "new data frame while a fragmented message is in progress")
	case r.Role == Client && h.masked:
		return h, false, protocolError(codeProtocolError, "masked frame from the server")
	case r.Role == Server && !h.masked:
		return h, false, protocolError(codeProtocolError, "unmasked frame from the client")
	}
	if len(b) < size {
		return h, false, nil
	}
	switch length {
	case 126:
		length = uint64(binary.BigEndian.Uint16(b[2:4]))
		if length < 126 {
			return h, false, protocolError(codeProtocolError, "length not minimally encoded")
		}
	case 127:
		length = binary.BigEndian.Uint64(b[2:10])
		if length>>63 != 0 {
			return h, false, protocolError(codeProtocolError, "64-bit length with the top bit set")
		}
		if length < 1<<16 {
			return h, false, protocolError(codeProtocolError, "length not minimally encoded")
		}
	}
	if !h.op.IsControl() {
		total := length
		if h.op == OpContinuation {
			total += uint64(len(r.msg))
		}
		if total > uint64(r.max()) {
			return h, false, protocolError(codeMessageTooBig, "message over "+strconv.Itoa(r.max())+" bytes")
		}
	}
	if h.masked {
		copy(h.mask[:], b[size-4:size])
	}
	h.length, h.size = int(length), size
	return h, true, nil
}

// maskBytes XORs b with the mask, starting at mask position pos. It works
// eight bytes at a time.
func maskBytes(b []byte, mask [4]byte, pos int) int {
	if len(b) >= 16 {
		var k [8]byte
		for i := range k {
			k[i] = mask[(pos+i)&3]
		}
		key := binary.LittleEndian.Uint64(k[:])
		for len(b) >= 8 {
			v := binary.LittleEndian.Uint64(b)
			binary.LittleEndian.PutUint64(b, v^key)
			b = b[8:]
		}
	}
	for i := range b {
		b[i] ^= mask[(pos+i)&3]
	}
	return (pos + len(b)) & 3
}

// AppendFrame appends one frame to dst. A nil mask writes an unmasked frame
// (the server side); otherwise the payload is masked with *mask (the
// client side). Lengths use the minimal encoding.
func AppendFrame(dst []byte, op Opcode, fin bool, payload []byte, mask *[4]byte) []byte {
	b0 := byte(op)
	if fin {
		b0 |= 0x80
	}
	var maskBit byte
	if mask != nil {
		maskBit = 0x80
	}
	n := len(payload)
	switch {
	case n <= 125:
		dst = append(dst, b0, maskBit|byte(n))
	case n <= 0xffff:
		dst = append(dst, b0, maskBit|126, byte(n>>8), byte(n))
	default:
		dst = append(dst, b0, maskBit|127)
		dst = binary.BigEndian.AppendUint64(dst, uint64(n))
	}
	if mask == nil {
		return append(dst, payload...)
	}
	dst = append(dst, mask[:]...)
	start := len(dst)
	dst = append(dst, payload...)
	maskBytes(dst[start:], *mask, 0)
	return dst
}
