package discord

import "time"

// VoiceState is a user's voice connection status
// (developers/resources/voice.mdx). A zero ChannelID means the user is not
// connected (Discord sends null). Voice states inside GUILD_CREATE lack
// GuildID.
type VoiceState struct {
	GuildID                 GuildID    `json:"guild_id,omitempty"`
	ChannelID               ChannelID  `json:"channel_id"`
	UserID                  UserID     `json:"user_id"`
	Member                  *Member    `json:"member,omitempty"`
	SessionID               string     `json:"session_id"`
	Deaf                    bool       `json:"deaf"`
	Mute                    bool       `json:"mute"`
	SelfDeaf                bool       `json:"self_deaf"`
	SelfMute                bool       `json:"self_mute"`
	SelfStream              bool       `json:"self_stream,omitempty"`
	SelfVideo               bool       `json:"self_video"`
	Suppress                bool       `json:"suppress"`
	RequestToSpeakTimestamp *time.Time `json:"request_to_speak_timestamp"`
}
