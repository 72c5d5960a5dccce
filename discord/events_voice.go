package discord

import (
	"fmt"
	"log/slog"
)

// VoiceStateUpdate says a user joined, left or moved between voice
// channels.
type VoiceStateUpdate struct{ VoiceState }

// EventName returns EventVoiceStateUpdate.
func (VoiceStateUpdate) EventName() string { return EventVoiceStateUpdate }

// VoiceServerUpdate gives the voice server to connect to, on joining voice
// and on failover. A nil Endpoint means the server went away: disconnect
// and wait for the next update. Token is the voice connection's secret;
// fmt and log/slog print it as "[redacted]".
type VoiceServerUpdate struct {
	Token    string  `json:"token"`
	GuildID  GuildID `json:"guild_id"`
	Endpoint *string `json:"endpoint"`
}

// EventName returns EventVoiceServerUpdate.
func (VoiceServerUpdate) EventName() string { return EventVoiceServerUpdate }

// String prints the event with its token redacted.
func (v VoiceServerUpdate) String() string {
	endpoint := "<nil>"
	if v.Endpoint != nil {
		endpoint = *v.Endpoint
	}
	return fmt.Sprintf("VoiceServerUpdate{Token:%s GuildID:%s Endpoint:%s}", redactToken(v.Token), v.GuildID, endpoint)
}

// GoString is String, so that %#v does not print the token either.
func (v VoiceServerUpdate) GoString() string { return "discord." + v.String() }

// LogValue logs the event as a group, with the token redacted.
func (v VoiceServerUpdate) LogValue() slog.Value {
	endpoint := ""
	if v.Endpoint != nil {
		endpoint = *v.Endpoint
	}
	return slog.GroupValue(
		slog.String("token", redactToken(v.Token)),
		slog.String("guild_id", v.GuildID.String()),
		slog.String("endpoint", endpoint),
	)
}

// VoiceChannelEffectSend says someone sent an effect (an emoji reaction or
// a soundboard sound) in the bot's voice channel. SoundID may arrive as a
// JSON number for default sounds; both forms decode.
type VoiceChannelEffectSend struct {
	ChannelID     ChannelID           `json:"channel_id"`
	GuildID       GuildID             `json:"guild_id"`
	UserID        UserID              `json:"user_id"`
	Emoji         *Emoji              `json:"emoji,omitempty"`
	AnimationType *VoiceAnimationType `json:"animation_type,omitempty"`
	AnimationID   int                 `json:"animation_id,omitempty"`
	SoundID       SoundID             `json:"sound_id,omitempty"`
	SoundVolume   float64             `json:"sound_volume,omitempty"` // 0 to 1
}

// EventName returns EventVoiceChannelEffectSend.
func (VoiceChannelEffectSend) EventName() string { return EventVoiceChannelEffectSend }

// VoiceAnimationType is the kind of a voice channel effect animation.
type VoiceAnimationType int

// Voice channel effect animation types.
const (
	VoiceAnimationPremium VoiceAnimationType = 0 // sent by a Nitro subscriber
	VoiceAnimationBasic   VoiceAnimationType = 1
)

// VoiceChannelStatusUpdate carries a voice channel's new status; nil
// clears it.
type VoiceChannelStatusUpdate struct {
	ID      ChannelID `json:"id"`
	GuildID GuildID   `json:"guild_id"`
	Status  *string   `json:"status"`
}

// EventName returns EventVoiceChannelStatusUpdate.
func (VoiceChannelStatusUpdate) EventName() string { return EventVoiceChannelStatusUpdate }

// VoiceChannelStartTimeUpdate carries when a voice channel's session
// started, in Unix seconds; nil when it has none.
type VoiceChannelStartTimeUpdate struct {
	ID             ChannelID `json:"id"`
	GuildID        GuildID   `json:"guild_id"`
	VoiceStartTime *int64    `json:"voice_start_time,omitempty"`
}

// EventName returns EventVoiceChannelStartTimeUpdate.
func (VoiceChannelStartTimeUpdate) EventName() string { return EventVoiceChannelStartTimeUpdate }
