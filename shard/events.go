package shard

import (
	"encoding/json"
	"time"

	"github.com/wirecord/wirecord/discord"
	"github.com/wirecord/wirecord/gateway"
)

// Event is what a shard delivers to user code, in order. The concrete
// types are the pointer types in this file.
type Event interface {
	// Shard is the id of the shard the event came from.
	Shard() int
}

// Dispatch is a gateway event (op 0), raw. Data is the JSON of d (ETF is
// transcoded), and Err is set when the payload could not be read; such an
// event is still delivered, in its place.
//
// Data is shared, and must not be modified: every handler of the event
// gets the same bytes, and the strings of its typed value (for events up
// to 16 KiB) point into them. Copy it before changing it.
type Dispatch struct {
	ShardID int
	Seq     int64
	Name    string
	Data    json.RawMessage
	Err     error
}

// Ready reports a new session: READY was received.
type Ready struct {
	ShardID   int
	SessionID string
}

// Resumed reports that a session was resumed; the events missed while
// disconnected were delivered (as Dispatch events) before it.
type Resumed struct {
	ShardID  int
	Replayed int
}

// Reconnecting reports that the connection ended and the shard will
// connect again after Wait, to resume or to start a new session.
type Reconnecting struct {
	ShardID int
	Code    discord.CloseCode
	Action  gateway.Action
	Wait    time.Duration
	// Err is why: a *gateway.CloseError, gateway.ErrZombie, a network
	// error...
	Err error
}

// SessionRestarted reports that a session could not be resumed and a new
// one started: events of the old session after Previous.Seq may never have
// been delivered. It precedes the new session's Ready.
type SessionRestarted struct {
	ShardID  int
	Previous gateway.SessionState
	// MissedAfter is Previous.Seq: every event of the old session with a
	// higher sequence number may be missing.
	MissedAfter int64
}

// Gap reports that sequence numbers After+1 .. Next-1 never arrived in the
// current session.
type Gap struct {
	ShardID     int
	After, Next int64
}

// Stopped reports that the shard stopped: Err is nil after Close, or the
// fatal error (a *gateway.CloseError with 4004, 4010, 4011, 4012, 4013 or
// 4014).
type Stopped struct {
	ShardID int
	Err     error
}

// Shard returns the shard id.
func (e *Dispatch) Shard() int { return e.ShardID }

// Shard returns the shard id.
func (e *Ready) Shard() int { return e.ShardID }

// Shard returns the shard id.
func (e *Resumed) Shard() int { return e.ShardID }

// Shard returns the shard id.
func (e *Reconnecting) Shard() int { return e.ShardID }

// Shard returns the shard id.
func (e *SessionRestarted) Shard() int { return e.ShardID }

// Shard returns the shard id.
func (e *Gap) Shard() int { return e.ShardID }

// Shard returns the shard id.
func (e *Stopped) Shard() int { return e.ShardID }
