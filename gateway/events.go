package gateway

import (
	"time"

	"github.com/wirecord/wirecord/discord"
)

// Event is something the engine reports through NextEvent. The concrete
// types are the pointer types below; switch on them.
type Event interface{ isEvent() }

// Hello reports that the WebSocket is open and Discord said hello.
type Hello struct {
	HeartbeatInterval time.Duration
}

// IdentifyRequired asks the driver for permission to IDENTIFY: the engine
// needs a new session and waits until Identify is called. Drivers run it
// through their identify queue (one IDENTIFY per 5 s per max_concurrency
// bucket, PROTOCOL.md §5); heartbeats keep going meanwhile.
type IdentifyRequired struct{}

// Dispatch is one op 0 payload: an event named Name with sequence Seq.
// Data is the raw JSON of d (ETF is transcoded to JSON), owned by the
// receiver; the memory it lies in is at most 4 KiB larger than it (so
// strings pointing into it pin about the event). READY and RESUMED come as Dispatch too, followed by the
// lifecycle events SessionStarted and Resumed.
type Dispatch struct {
	Seq  int64
	Name string
	Data []byte
	// Err is set when the payload could not be read completely (for
	// example d is malformed); Data then holds the whole raw payload.
	// The sequence still advances: one bad event never breaks the
	// connection.
	Err error
}

// SessionStarted reports a READY: a new session is live.
type SessionStarted struct {
	Session SessionState
	// Previous is the session this one replaces, when an earlier session
	// could not be resumed. Events after Previous.Seq in that session may
	// never have been delivered.
	Previous *SessionState
}

// Resumed reports a RESUMED: the session survived, and the events missed
// while disconnected were replayed (as Dispatch events) before it.
type Resumed struct {
	Session SessionState
	// Replayed counts the dispatches received between RESUME and RESUMED.
	Replayed int
}

// HeartbeatAck reports an acknowledged heartbeat and the round trip.
type HeartbeatAck struct {
	Latency time.Duration
}

// InvalidSession reports op 9. The engine acts on it by itself; a
// Disconnected event with its decision follows.
type InvalidSession struct {
	Resumable bool
}

// Reconnect reports op 7. A Disconnected event with the decision follows.
type Reconnect struct{}

// SequenceGap reports that a dispatch arrived with a sequence number more
// than one past the previous one: the events in between were never
// received. It precedes the Dispatch whose sequence is Next.
type SequenceGap struct {
	After, Next int64
}

// PayloadError reports a message that could not be understood at all (not
// JSON or ETF, no op, an unknown opcode). It is skipped; the connection
// goes on. Raw is the decompressed message, truncated to 512 bytes.
type PayloadError struct {
	Err error
	Raw []byte
}

// Action is what happens after a connection ends.
type Action int

// Actions, as decided by the engine.
const (
	// ActionResume connects again and resumes the session.
	ActionResume Action = iota + 1
	// ActionIdentify connects again and starts a new session.
	ActionIdentify
	// ActionStop ends the engine: a fatal close code, or Close.
	ActionStop
)

// String returns "resume", "identify" or "stop".
func (a Action) String() string {
	switch a {
	case ActionResume:
		return "resume"
	case ActionIdentify:
		return "identify"
	case ActionStop:
		return "stop"
	}
	return "unknown"
}

// Initiator says which side ended a connection.
type Initiator int

// Initiators.
const (
	ByServer  Initiator = iota + 1 // Discord sent a close frame or refused the upgrade
	ByClient                       // the engine closed (zombie, op 7, op 9, protocol error, Close)
	ByNetwork                      // the socket dropped without a close frame, or dialing failed
)

// String returns "server", "client" or "network".
func (i Initiator) String() string {
	switch i {
	case ByServer:
		return "server"
	case ByClient:
		return "client"
	case ByNetwork:
		return "network"
	}
	return "unknown"
}

// Disconnected reports that the connection is over. The driver closes the
// socket after writing any remaining Output, then (unless Action is
// ActionStop) waits Wait and calls Connect.
type Disconnected struct {
	// Code is the close code received or sent; 1006 when the connection
	// dropped without a close frame.
	Code      discord.CloseCode
	Reason    string
	Initiator Initiator
	// Err says what went wrong, if anything: a *CloseError, an
	// *UpgradeError, ErrZombie, a *ProtocolError, a dial error...
	Err error
	// Action is the engine's decision.
	Action Action
	// Wait is the back-off before the next Connect.
	Wait time.Duration
	// Fatal is non-nil when Action is ActionStop because the session can
	// never work as configured (a *CloseError with a fatal code). It is
	// nil when the engine was closed on purpose.
	Fatal error
	// Cause is a short stable label for logs and metrics: "zombie",
	// "reconnect_requested" (op 7), "invalid_session" (op 9), "network",
	// "close_4000" (a server close code), "protocol_error",
	// "handshake_timeout", "handshake_failed", "upgrade_refused",
	// "bad_sequence" (a sequence number Discord could not have sent),
	// "closed" (Close was called).
	Cause string
}

func (*Hello) isEvent()            {}
func (*IdentifyRequired) isEvent() {}
func (*Dispatch) isEvent()         {}
func (*SessionStarted) isEvent()   {}
func (*Resumed) isEvent()          {}
func (*HeartbeatAck) isEvent()     {}
func (*InvalidSession) isEvent()   {}
func (*Reconnect) isEvent()        {}
func (*SequenceGap) isEvent()      {}
func (*PayloadError) isEvent()     {}
func (*Disconnected) isEvent()     {}
