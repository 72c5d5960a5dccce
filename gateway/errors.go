package gateway

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/wirecord/wirecord/discord"
)

// Sentinel errors. Use errors.Is.
var (
	// ErrNotConnected: the engine has no open connection to act on.
	ErrNotConnected = errors.New("gateway: not connected")
	// ErrNotReady: commands can only be sent while the session is ready.
	ErrNotReady = errors.New("gateway: session not ready")
	// ErrStopped: the engine has stopped (fatal close or Close).
	ErrStopped = errors.New("gateway: engine stopped")
	// ErrZombie: a heartbeat came due before the previous one was
	// acknowledged, so the connection was presumed dead (PROTOCOL.md §4).
	ErrZombie = errors.New("gateway: heartbeat not acknowledged (zombie connection)")
	// ErrHandshakeTimeout: no Hello within Config.HandshakeTimeout.
	ErrHandshakeTimeout = errors.New("gateway: no hello before the handshake timeout")
	// ErrCloseTimeout: the server did not answer our close frame in time.
	ErrCloseTimeout = errors.New("gateway: close handshake timed out")
	// ErrConnectionLost: the socket ended without a close frame.
	ErrConnectionLost = errors.New("gateway: connection lost without a close frame")
	// ErrSendLimited is wrapped by *SendLimitError.
	ErrSendLimited = errors.New("gateway: send rate limit reached")
	// ErrPayloadTooLarge is wrapped by *PayloadTooLargeError.
	ErrPayloadTooLarge = errors.New("gateway: payload too large")
	// ErrNotIdentifying: Identify was called when no IDENTIFY is pending.
	ErrNotIdentifying = errors.New("gateway: no identify pending")
)

// CloseError is a close frame from Discord. For fatal codes (4004, 4010,
// 4011, 4012, 4013, 4014) it is Disconnected.Fatal; errors.As finds it.
type CloseError struct {
	Code   discord.CloseCode
	Reason string
}

// Error says what the code means and, for fatal codes, what to do:
// "gateway: closed with 4014 (disallowed intents): enable the privileged
// intents ...".
func (e *CloseError) Error() string {
	info, _ := e.Code.Info()
	msg := "gateway: closed with " + e.Code.String()
	if e.Reason != "" {
		msg += " " + strconv.Quote(e.Reason)
	}
	if info.Remedy != "" {
		msg += ": " + info.Remedy
	}
	return msg
}

// Fatal reports whether the code forbids reconnecting.
func (e *CloseError) Fatal() bool { return e.Code.Fatal() }

// UpgradeError is a refused WebSocket upgrade: the server answered the
// upgrade request with something other than 101.
type UpgradeError struct {
	StatusCode int
	Status     string
	Header     http.Header
	// Body is the start of the response body (at most 64 KiB).
	Body []byte
}

// Error names the HTTP status and quotes the start of the body.
func (e *UpgradeError) Error() string {
	msg := "gateway: upgrade refused: HTTP " + e.Status
	if len(e.Body) > 0 {
		b := e.Body
		if len(b) > 200 {
			b = b[:200]
		}
		msg += ": " + strconv.Quote(string(b))
	}
	return msg
}

// HandshakeError is a 101 answer that does not complete a WebSocket
// handshake (a wrong Sec-WebSocket-Accept, missing Upgrade header...).
type HandshakeError struct{ Reason string }

// Error says why the handshake failed.
func (e *HandshakeError) Error() string { return "gateway: bad websocket handshake: " + e.Reason }

// ProtocolError means Discord's side broke the WebSocket protocol or sent
// data the engine cannot decode (corrupt compression, a message over
// Config.MaxMessageSize). The engine closes with Code and resumes.
type ProtocolError struct {
	Code discord.CloseCode
	Err  error
}

// Error names the close code and the cause.
func (e *ProtocolError) Error() string {
	return fmt.Sprintf("gateway: protocol error (closing with %d): %v", e.Code, e.Err)
}

// Unwrap returns the cause.
func (e *ProtocolError) Unwrap() error { return e.Err }

// SendLimitError refuses a command because the connection's send budget
// (120 payloads per 60 s, some kept back for heartbeats) is spent.
type SendLimitError struct {
	// RetryAfter is when a command would next be accepted.
	RetryAfter time.Duration
}

// Error says when a command would be accepted again.
func (e *SendLimitError) Error() string {
	return fmt.Sprintf("gateway: send rate limit reached; retry after %v", e.RetryAfter)
}

// Unwrap returns ErrSendLimited.
func (e *SendLimitError) Unwrap() error { return ErrSendLimited }

// PayloadTooLargeError refuses a command whose encoded payload is over
// 4096 bytes; Discord would close the connection with 4002.
type PayloadTooLargeError struct {
	Op   discord.Opcode
	Size int
}

// Error names the opcode, the size and the limit.
func (e *PayloadTooLargeError) Error() string {
	return fmt.Sprintf("gateway: %s payload is %d bytes; the limit is %d", e.Op, e.Size, MaxPayloadSize)
}

// Unwrap returns ErrPayloadTooLarge.
func (e *PayloadTooLargeError) Unwrap() error { return ErrPayloadTooLarge }

// UnknownOpcodeError is a payload with an opcode the engine does not know.
type UnknownOpcodeError struct{ Op discord.Opcode }

// Error names the opcode.
func (e *UnknownOpcodeError) Error() string {
	return fmt.Sprintf("gateway: unknown opcode %d", int(e.Op))
}

// DecodeError is a payload that is not valid JSON or ETF, or lacks a
// field the engine needs.
type DecodeError struct {
	What string
	Err  error
}

// Error names what could not be decoded, and why.
func (e *DecodeError) Error() string {
	if e.Err == nil {
		return "gateway: cannot decode " + e.What
	}
	return "gateway: cannot decode " + e.What + ": " + e.Err.Error()
}

// Unwrap returns the decoder's error.
func (e *DecodeError) Unwrap() error { return e.Err }
