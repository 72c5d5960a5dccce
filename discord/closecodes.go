package discord

import "strconv"

// CloseCode is the status code of a WebSocket close frame. Gateway codes are
// 4000-4014; 1000-1015 are WebSocket's own (RFC 6455 §7.4.1).
type CloseCode uint16

// Gateway close codes (PROTOCOL.md §3) and the WebSocket codes the gateway
// meets.
const (
	CloseNormal          CloseCode = 1000 // ends the session: the bot shows offline
	CloseGoingAway       CloseCode = 1001 // ends the session too
	CloseProtocolError   CloseCode = 1002
	CloseUnsupportedData CloseCode = 1003
	CloseNoStatus        CloseCode = 1005 // never sent: the close frame had no code
	CloseAbnormal        CloseCode = 1006 // never sent: the connection dropped without a close frame
	CloseInvalidPayload  CloseCode = 1007
	ClosePolicyViolation CloseCode = 1008
	CloseMessageTooBig   CloseCode = 1009
	CloseInternalError   CloseCode = 1011

	CloseUnknownError         CloseCode = 4000
	CloseUnknownOpcode        CloseCode = 4001
	CloseDecodeError          CloseCode = 4002
	CloseNotAuthenticated     CloseCode = 4003
	CloseAuthenticationFailed CloseCode = 4004
	CloseAlreadyAuthenticated CloseCode = 4005
	CloseInvalidSeq           CloseCode = 4007
	CloseRateLimited          CloseCode = 4008
	CloseSessionTimedOut      CloseCode = 4009
	CloseInvalidShard         CloseCode = 4010
	CloseShardingRequired     CloseCode = 4011
	CloseInvalidAPIVersion    CloseCode = 4012
	CloseInvalidIntents       CloseCode = 4013
	CloseDisallowedIntents    CloseCode = 4014

	// CloseResumable is the code wirecord sends when it closes a connection
	// it means to resume (zombie, op 7, Close with keep-session). Any code
	// but 1000 and 1001 keeps the session (PROTOCOL.md §6); a code from the
	// 4000-4999 private range says plainly that it is ours.
	CloseResumable CloseCode = 4900
)

// CloseCodeInfo describes what a close code means for the session.
type CloseCodeInfo struct {
	Code CloseCode
	// Name is the documented name, for logs.
	Name string
	// Reconnect reports whether the client may connect again. False means
	// the close is fatal: retrying cannot succeed without a change of
	// configuration (token, shard, intents, version).
	Reconnect bool
	// Resume reports whether the session survives, so the next connection
	// sends RESUME rather than IDENTIFY.
	Resume bool
	// Remedy says what the operator should do, for fatal codes.
	Remedy string
}

// closeCodes is the table of gateway close codes. Where the documented
// "Reconnect" column says true but the text says "start a new session"
// (4007, 4009), the session does not survive (PROTOCOL.md §15.3).
var closeCodes = [...]CloseCodeInfo{
	{CloseUnknownError, "unknown error", true, true, ""},
	{CloseUnknownOpcode, "unknown opcode", true, true, ""},
	{CloseDecodeError, "decode error", true, true, ""},
	// 4003 may also mean the session was invalidated; resuming is still
	// the documented answer, and a failed resume comes back as op 9
	// d=false, which starts a new session.
	{CloseNotAuthenticated, "not authenticated", true, true, ""},
	{CloseAuthenticationFailed, "authentication failed", false, false,
		"check the bot token; a reset token invalidates the old one"},
	{CloseAlreadyAuthenticated, "already authenticated", true, true, ""},
	{CloseInvalidSeq, "invalid seq", true, false, ""},
	{CloseRateLimited, "rate limited", true, true, ""},
	{CloseSessionTimedOut, "session timed out", true, false, ""},
	{CloseInvalidShard, "invalid shard", false, false,
		"check the shard id and count (for large-bot sharding the count must be a multiple of the one Discord assigns)"},
	{CloseShardingRequired, "sharding required", false, false,
		"run more shards; GET /gateway/bot recommends a count"},
	{CloseInvalidAPIVersion, "invalid API version", false, false,
		"connect with gateway version 10"},
	{CloseInvalidIntents, "invalid intents", false, false,
		"remove undocumented bits from the intents"},
	{CloseDisallowedIntents, "disallowed intents", false, false,
		"enable the privileged intents for the application in the Developer Portal, or stop asking for them"},
}

// Info returns the table row for c. Codes outside the gateway table (the
// WebSocket range, a drop without a close frame, unknown 4xxx codes) report
// ok=false and Reconnect and Resume true: the protocol says to resume after
// any close that is not known to be fatal (PROTOCOL.md §6).
func (c CloseCode) Info() (info CloseCodeInfo, ok bool) {
	for _, row := range closeCodes {
		if row.Code == c {
			return row, true
		}
	}
	return CloseCodeInfo{Code: c, Name: c.wsName(), Reconnect: true, Resume: true}, false
}

// Fatal reports whether a close with c must not be retried.
func (c CloseCode) Fatal() bool {
	info, _ := c.Info()
	return !info.Reconnect
}

// Resumable reports whether the session survives a close with c.
func (c CloseCode) Resumable() bool {
	info, _ := c.Info()
	return info.Resume
}

// String returns "4014 (disallowed intents)".
func (c CloseCode) String() string {
	info, _ := c.Info()
	return strconv.Itoa(int(c)) + " (" + info.Name + ")"
}

func (c CloseCode) wsName() string {
	switch c {
	case CloseNormal:
		return "normal closure"
	case CloseGoingAway:
		return "going away"
	case CloseProtocolError:
		return "protocol error"
	case CloseUnsupportedData:
		return "unsupported data"
	case CloseNoStatus:
		return "no status"
	case CloseAbnormal:
		return "abnormal closure"
	case CloseInvalidPayload:
		return "invalid payload data"
	case ClosePolicyViolation:
		return "policy violation"
	case CloseMessageTooBig:
		return "message too big"
	case CloseInternalError:
		return "internal error"
	case CloseResumable:
		return "wirecord reconnect"
	}
	return "unknown"
}
