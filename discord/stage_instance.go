package discord

// StageInstance is a live stage (developers/resources/stage-instance.mdx).
type StageInstance struct {
	ID                    StageInstanceID   `json:"id"`
	GuildID               GuildID           `json:"guild_id"`
	ChannelID             ChannelID         `json:"channel_id"`
	Topic                 string            `json:"topic"`
	PrivacyLevel          StagePrivacyLevel `json:"privacy_level"`
	DiscoverableDisabled  bool              `json:"discoverable_disabled"` // deprecated by Discord
	GuildScheduledEventID ScheduledEventID  `json:"guild_scheduled_event_id"`
}

// StagePrivacyLevel is who can see a stage.
type StagePrivacyLevel int

// Stage privacy levels.
const (
	StagePrivacyPublic    StagePrivacyLevel = 1 // deprecated by Discord
	StagePrivacyGuildOnly StagePrivacyLevel = 2
)
