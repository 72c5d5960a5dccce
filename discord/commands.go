package discord

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
)

// Command is a payload a client sends on the gateway (a "send event" in
// Discord's documentation, PROTOCOL.md §11). Op is the opcode it travels
// under; the value itself marshals to the payload's d field. Every command
// has value receivers, so values and pointers both satisfy Command.
type Command interface {
	Op() Opcode
}

// ErrInvalidCommand is wrapped by the errors Validate methods return.
var ErrInvalidCommand = errors.New("discord: invalid command")

// redacted replaces secrets in printed and logged values.
const redacted = "[redacted]"

// Identify starts a new session (op 2, PROTOCOL.md §5).
//
// Token is the bot token. Printing an Identify with fmt (any verb) or
// logging it with log/slog shows "[redacted]" in its place, even when the
// Identify sits in an unexported field of another value; only
// json.Marshal of the Identify itself writes the token, for the wire. Log
// an Identify as a value of its own (slog.Any("identify", id)): slog's
// JSON handler encodes values nested in exported fields of other structs
// with encoding/json, which writes the wire form.
type Identify struct {
	Token          Token              `json:"token"`
	Properties     IdentifyProperties `json:"properties"`
	Compress       bool               `json:"compress,omitempty"`        // payload compression; JSON only
	LargeThreshold int                `json:"large_threshold,omitempty"` // 50 to 250; Discord's default is 50
	Shard          *[2]int            `json:"shard,omitempty"`           // shard_id, num_shards
	Presence       *UpdatePresence    `json:"presence,omitempty"`
	Intents        Intents            `json:"intents"`
}

// Op returns OpIdentify.
func (Identify) Op() Opcode { return OpIdentify }

// MarshalJSON writes the wire form, token included.
func (id Identify) MarshalJSON() ([]byte, error) {
	type wire Identify
	return json.Marshal(struct {
		Token string `json:"token"`
		wire
	}{id.Token.Reveal(), wire(id)})
}

// String prints the command with its token redacted.
func (id Identify) String() string {
	shard := "none"
	if id.Shard != nil {
		shard = fmt.Sprintf("[%d %d]", id.Shard[0], id.Shard[1])
	}
	return fmt.Sprintf("Identify{Token:%s Properties:%+v Compress:%t LargeThreshold:%d Shard:%s Presence:%v Intents:%s}",
		id.Token.String(), id.Properties, id.Compress, id.LargeThreshold, shard, presenceString(id.Presence), id.Intents)
}

// GoString is String, so that %#v does not print the token either.
func (id Identify) GoString() string { return "discord." + id.String() }

// LogValue logs the command as a group, with the token redacted.
func (id Identify) LogValue() slog.Value {
	attrs := []slog.Attr{
		slog.String("token", id.Token.String()),
		slog.String("os", id.Properties.OS),
		slog.String("browser", id.Properties.Browser),
		slog.String("device", id.Properties.Device),
		slog.Bool("compress", id.Compress),
		slog.Int("large_threshold", id.LargeThreshold),
		slog.String("intents", id.Intents.String()),
	}
	if id.Shard != nil {
		attrs = append(attrs, slog.Int("shard_id", id.Shard[0]), slog.Int("shard_count", id.Shard[1]))
	}
	if id.Presence != nil {
		attrs = append(attrs, slog.String("status", string(id.Presence.Status)))
	}
	return slog.GroupValue(attrs...)
}

// IdentifyProperties are the connection properties of IDENTIFY.
type IdentifyProperties struct {
	OS      string `json:"os"`
	Browser string `json:"browser"` // the library's name
	Device  string `json:"device"`  // the library's name
}

// Resume resumes a dropped session (op 6, PROTOCOL.md §6). Discord calls
// Token the "session token"; its example, and every client, sends the bot
// token. Like Identify, Resume prints and logs the token as "[redacted]".
type Resume struct {
	Token     Token  `json:"token"`
	SessionID string `json:"session_id"`
	Seq       int64  `json:"seq"`
}

// Op returns OpResume.
func (Resume) Op() Opcode { return OpResume }

// MarshalJSON writes the wire form, token included.
func (r Resume) MarshalJSON() ([]byte, error) {
	type wire Resume
	return json.Marshal(struct {
		Token string `json:"token"`
		wire
	}{r.Token.Reveal(), wire(r)})
}

// String prints the command with its token redacted.
func (r Resume) String() string {
	return fmt.Sprintf("Resume{Token:%s SessionID:%s Seq:%d}", r.Token.String(), r.SessionID, r.Seq)
}

// GoString is String, so that %#v does not print the token either.
func (r Resume) GoString() string { return "discord." + r.String() }

// LogValue logs the command as a group, with the token redacted.
func (r Resume) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("token", r.Token.String()),
		slog.String("session_id", r.SessionID),
		slog.Int64("seq", r.Seq),
	)
}

// redactToken hides a token but still tells an empty one apart, which is
// worth knowing when a session fails to authenticate.
func redactToken(tok string) string {
	if tok == "" {
		return `""`
	}
	return redacted
}

func presenceString(p *UpdatePresence) string {
	if p == nil {
		return "<nil>"
	}
	since := "nil"
	if p.Since != nil {
		since = fmt.Sprint(*p.Since)
	}
	return fmt.Sprintf("&{Since:%s Activities:%+v Status:%s AFK:%t}", since, p.Activities, p.Status, p.AFK)
}

// UpdatePresence sets the bot's presence (op 3, PROTOCOL.md §11). Since
// is the Unix time in milliseconds at which the client went idle, or nil
// (null) when it is not idle. Activities is sent as [] when empty, never
// as null. Bots may only set an activity's Name, Type, URL and State.
type UpdatePresence struct {
	Since      *int64     `json:"since"`
	Activities []Activity `json:"activities"`
	Status     Status     `json:"status"`
	AFK        bool       `json:"afk"`
}

// Op returns OpPresenceUpdate.
func (UpdatePresence) Op() Opcode { return OpPresenceUpdate }

// MarshalJSON writes Activities as [] when it is nil: Discord documents
// the field as an array, not a nullable one.
func (p UpdatePresence) MarshalJSON() ([]byte, error) {
	type plain UpdatePresence // no methods: no recursion
	if p.Activities == nil {
		p.Activities = []Activity{}
	}
	return json.Marshal(plain(p))
}

// UpdateVoiceState joins, moves between or leaves voice channels (op 4).
// A zero ChannelID is sent as null, which leaves voice. On success Discord
// answers with both VOICE_STATE_UPDATE and VOICE_SERVER_UPDATE.
type UpdateVoiceState struct {
	GuildID   GuildID   `json:"guild_id"`
	ChannelID ChannelID `json:"channel_id"`
	SelfMute  bool      `json:"self_mute"`
	SelfDeaf  bool      `json:"self_deaf"`
}

// Op returns OpVoiceStateUpdate.
func (UpdateVoiceState) Op() Opcode { return OpVoiceStateUpdate }

// Validate checks that a guild is named.
func (v UpdateVoiceState) Validate() error {
	if v.GuildID == 0 {
		return fmt.Errorf("%w: update voice state needs a guild_id", ErrInvalidCommand)
	}
	return nil
}

// RequestGuildMembers asks for a guild's members (op 8, PROTOCOL.md §11);
// they arrive as GUILD_MEMBERS_CHUNK dispatches carrying Nonce.
//
// Give exactly one of Query (a username prefix; "" with Limit 0 asks for
// every member, which needs GUILD_MEMBERS and is limited to once per guild
// per 30 s) and UserIDs (at most 100). Presences needs GUILD_PRESENCES.
type RequestGuildMembers struct {
	GuildID   GuildID  `json:"guild_id"`
	Query     *string  `json:"query,omitempty"`
	Limit     int      `json:"limit"`
	Presences bool     `json:"presences,omitempty"`
	UserIDs   []UserID `json:"user_ids,omitempty"`
	Nonce     string   `json:"nonce,omitempty"`
}

// Limits of REQUEST_GUILD_MEMBERS.
const (
	RequestGuildMembersMaxUserIDs    = 100
	RequestGuildMembersMaxNonceBytes = 32
)

// Op returns OpRequestGuildMembers.
func (RequestGuildMembers) Op() Opcode { return OpRequestGuildMembers }

// Validate applies the documented rules: a guild, exactly one of query
// and user_ids, at most 100 user IDs, a non-negative limit, and a nonce of
// at most 32 bytes (Discord silently drops a longer one, so its chunks
// could never be matched to the request).
func (r RequestGuildMembers) Validate() error {
	switch {
	case r.GuildID == 0:
		return fmt.Errorf("%w: request guild members needs a guild_id", ErrInvalidCommand)
	case r.Query == nil && len(r.UserIDs) == 0:
		return fmt.Errorf("%w: request guild members needs a query or user_ids", ErrInvalidCommand)
	case r.Query != nil && len(r.UserIDs) > 0:
		return fmt.Errorf("%w: request guild members takes a query or user_ids, not both", ErrInvalidCommand)
	case len(r.UserIDs) > RequestGuildMembersMaxUserIDs:
		return fmt.Errorf("%w: request guild members takes at most %d user_ids, got %d",
			ErrInvalidCommand, RequestGuildMembersMaxUserIDs, len(r.UserIDs))
	case r.Limit < 0:
		return fmt.Errorf("%w: request guild members limit %d is negative", ErrInvalidCommand, r.Limit)
	case len(r.Nonce) > RequestGuildMembersMaxNonceBytes:
		return fmt.Errorf("%w: request guild members nonce is %d bytes; at most %d are allowed",
			ErrInvalidCommand, len(r.Nonce), RequestGuildMembersMaxNonceBytes)
	}
	return nil
}

// RequestSoundboardSounds asks for the soundboard sounds of guilds (op
// 31); each guild answers with a SOUNDBOARD_SOUNDS dispatch.
type RequestSoundboardSounds struct {
	GuildIDs []GuildID `json:"guild_ids"`
}

// Op returns OpRequestSoundboardSounds.
func (RequestSoundboardSounds) Op() Opcode { return OpRequestSoundboardSounds }

// Validate checks that at least one guild is named.
func (r RequestSoundboardSounds) Validate() error {
	if len(r.GuildIDs) == 0 {
		return fmt.Errorf("%w: request soundboard sounds needs at least one guild_id", ErrInvalidCommand)
	}
	return nil
}

// RequestChannelInfo asks for ephemeral data of a guild's channels (op
// 43); the answer is a CHANNEL_INFO dispatch.
type RequestChannelInfo struct {
	GuildID GuildID  `json:"guild_id"`
	Fields  []string `json:"fields"`
}

// Fields RequestChannelInfo can ask for.
const (
	ChannelInfoFieldStatus         = "status"
	ChannelInfoFieldVoiceStartTime = "voice_start_time"
)

// Op returns OpRequestChannelInfo.
func (RequestChannelInfo) Op() Opcode { return OpRequestChannelInfo }

// Validate checks that a guild and at least one field are named.
func (r RequestChannelInfo) Validate() error {
	switch {
	case r.GuildID == 0:
		return fmt.Errorf("%w: request channel info needs a guild_id", ErrInvalidCommand)
	case len(r.Fields) == 0:
		return fmt.Errorf("%w: request channel info needs at least one field", ErrInvalidCommand)
	}
	return nil
}

// Hello is the d of op 10, the first payload on a connection.
// HeartbeatInterval is in milliseconds.
type Hello struct {
	HeartbeatInterval int `json:"heartbeat_interval"`
}
