package discord

import "strconv"

// Opcode is a gateway payload's op field (PROTOCOL.md §2).
type Opcode int

// Gateway opcodes. The comment says which way each one travels.
const (
	OpDispatch                Opcode = 0  // receive: an event, named by t
	OpHeartbeat               Opcode = 1  // both: keep-alive; from the server, "heartbeat now"
	OpIdentify                Opcode = 2  // send: start a session
	OpPresenceUpdate          Opcode = 3  // send
	OpVoiceStateUpdate        Opcode = 4  // send
	OpResume                  Opcode = 6  // send: resume a session
	OpReconnect               Opcode = 7  // receive: reconnect and resume
	OpRequestGuildMembers     Opcode = 8  // send
	OpInvalidSession          Opcode = 9  // receive: d says whether the session may be resumed
	OpHello                   Opcode = 10 // receive: heartbeat_interval
	OpHeartbeatACK            Opcode = 11 // receive
	OpRequestSoundboardSounds Opcode = 31 // send
	OpRequestChannelInfo      Opcode = 43 // send
)

var opcodeNames = map[Opcode]string{
	OpDispatch:                "DISPATCH",
	OpHeartbeat:               "HEARTBEAT",
	OpIdentify:                "IDENTIFY",
	OpPresenceUpdate:          "PRESENCE_UPDATE",
	OpVoiceStateUpdate:        "VOICE_STATE_UPDATE",
	OpResume:                  "RESUME",
	OpReconnect:               "RECONNECT",
	OpRequestGuildMembers:     "REQUEST_GUILD_MEMBERS",
	OpInvalidSession:          "INVALID_SESSION",
	OpHello:                   "HELLO",
	OpHeartbeatACK:            "HEARTBEAT_ACK",
	OpRequestSoundboardSounds: "REQUEST_SOUNDBOARD_SOUNDS",
	OpRequestChannelInfo:      "REQUEST_CHANNEL_INFO",
}

// String returns the documented name, or "OPCODE_<n>" for an unknown one.
func (op Opcode) String() string {
	if n, ok := opcodeNames[op]; ok {
		return n
	}
	return "OPCODE_" + strconv.Itoa(int(op))
}

// Known reports whether op is a documented gateway opcode.
func (op Opcode) Known() bool {
	_, ok := opcodeNames[op]
	return ok
}
