package discord

import "time"

// GuildCreate brings a guild's full state: lazily after READY, when a
// guild recovers from an outage, and when the bot joins one. During an
// outage it may carry only ID and Unavailable (PROTOCOL.md §6).
//
// Members and Presences hold only the bot and users in voice without the
// GUILD_PRESENCES intent or above 75k members, and only non-offline
// members above large_threshold. VoiceStates lack GuildID.
type GuildCreate struct {
	Guild
	JoinedAt             time.Time         `json:"joined_at,omitzero"`
	Large                bool              `json:"large"`
	Unavailable          bool              `json:"unavailable,omitempty"`
	MemberCount          int               `json:"member_count"`
	VoiceStates          []VoiceState      `json:"voice_states"`
	Members              []Member          `json:"members"`
	Channels             []Channel         `json:"channels"`
	Threads              []Channel         `json:"threads"`
	Presences            []Presence        `json:"presences"`
	StageInstances       []StageInstance   `json:"stage_instances"`
	GuildScheduledEvents []ScheduledEvent  `json:"guild_scheduled_events"`
	SoundboardSounds     []SoundboardSound `json:"soundboard_sounds"`
}

// EventName returns EventGuildCreate.
func (GuildCreate) EventName() string { return EventGuildCreate }

// GuildUpdate carries a guild's new state.
type GuildUpdate struct{ Guild }

// EventName returns EventGuildUpdate.
func (GuildUpdate) EventName() string { return EventGuildUpdate }

// GuildDelete says a guild went unavailable (Unavailable true) or that the
// bot left or was removed from it (Unavailable false).
type GuildDelete struct{ UnavailableGuild }

// EventName returns EventGuildDelete.
func (GuildDelete) EventName() string { return EventGuildDelete }

// GuildAuditLogEntryCreate carries a new audit log entry; it needs the
// VIEW_AUDIT_LOG permission.
type GuildAuditLogEntryCreate struct {
	AuditLogEntry
	GuildID GuildID `json:"guild_id"`
}

// EventName returns EventGuildAuditLogEntryCreate.
func (GuildAuditLogEntryCreate) EventName() string { return EventGuildAuditLogEntryCreate }

// GuildBanAdd says a user was banned.
type GuildBanAdd struct {
	GuildID GuildID `json:"guild_id"`
	User    User    `json:"user"`
}

// EventName returns EventGuildBanAdd.
func (GuildBanAdd) EventName() string { return EventGuildBanAdd }

// GuildBanRemove says a user was unbanned.
type GuildBanRemove struct {
	GuildID GuildID `json:"guild_id"`
	User    User    `json:"user"`
}

// EventName returns EventGuildBanRemove.
func (GuildBanRemove) EventName() string { return EventGuildBanRemove }

// GuildEmojisUpdate carries a guild's whole new emoji list.
type GuildEmojisUpdate struct {
	GuildID GuildID `json:"guild_id"`
	Emojis  []Emoji `json:"emojis"`
}

// EventName returns EventGuildEmojisUpdate.
func (GuildEmojisUpdate) EventName() string { return EventGuildEmojisUpdate }

// GuildStickersUpdate carries a guild's whole new sticker list.
type GuildStickersUpdate struct {
	GuildID  GuildID   `json:"guild_id"`
	Stickers []Sticker `json:"stickers"`
}

// EventName returns EventGuildStickersUpdate.
func (GuildStickersUpdate) EventName() string { return EventGuildStickersUpdate }

// GuildIntegrationsUpdate says a guild's integrations changed.
type GuildIntegrationsUpdate struct {
	GuildID GuildID `json:"guild_id"`
}

// EventName returns EventGuildIntegrationsUpdate.
func (GuildIntegrationsUpdate) EventName() string { return EventGuildIntegrationsUpdate }

// GuildRoleCreate carries a new role.
type GuildRoleCreate struct {
	GuildID GuildID `json:"guild_id"`
	Role    Role    `json:"role"`
}

// EventName returns EventGuildRoleCreate.
func (GuildRoleCreate) EventName() string { return EventGuildRoleCreate }

// GuildRoleUpdate carries a role's new state.
type GuildRoleUpdate struct {
	GuildID GuildID `json:"guild_id"`
	Role    Role    `json:"role"`
}

// EventName returns EventGuildRoleUpdate.
func (GuildRoleUpdate) EventName() string { return EventGuildRoleUpdate }

// GuildRoleDelete says a role was deleted.
type GuildRoleDelete struct {
	GuildID GuildID `json:"guild_id"`
	RoleID  RoleID  `json:"role_id"`
}

// EventName returns EventGuildRoleDelete.
func (GuildRoleDelete) EventName() string { return EventGuildRoleDelete }

// GuildScheduledEventCreate carries a new scheduled event.
type GuildScheduledEventCreate struct{ ScheduledEvent }

// EventName returns EventGuildScheduledEventCreate.
func (GuildScheduledEventCreate) EventName() string { return EventGuildScheduledEventCreate }

// GuildScheduledEventUpdate carries a scheduled event's new state.
type GuildScheduledEventUpdate struct{ ScheduledEvent }

// EventName returns EventGuildScheduledEventUpdate.
func (GuildScheduledEventUpdate) EventName() string { return EventGuildScheduledEventUpdate }

// GuildScheduledEventDelete carries a deleted scheduled event.
type GuildScheduledEventDelete struct{ ScheduledEvent }

// EventName returns EventGuildScheduledEventDelete.
func (GuildScheduledEventDelete) EventName() string { return EventGuildScheduledEventDelete }

// GuildScheduledEventUserAdd says a user subscribed to a scheduled event.
type GuildScheduledEventUserAdd struct {
	GuildScheduledEventID ScheduledEventID `json:"guild_scheduled_event_id"`
	UserID                UserID           `json:"user_id"`
	GuildID               GuildID          `json:"guild_id"`
}

// EventName returns EventGuildScheduledEventUserAdd.
func (GuildScheduledEventUserAdd) EventName() string { return EventGuildScheduledEventUserAdd }

// GuildScheduledEventUserRemove says a user unsubscribed from a scheduled
// event.
type GuildScheduledEventUserRemove struct {
	GuildScheduledEventID ScheduledEventID `json:"guild_scheduled_event_id"`
	UserID                UserID           `json:"user_id"`
	GuildID               GuildID          `json:"guild_id"`
}

// EventName returns EventGuildScheduledEventUserRemove.
func (GuildScheduledEventUserRemove) EventName() string { return EventGuildScheduledEventUserRemove }

// GuildSoundboardSoundCreate carries a new soundboard sound.
type GuildSoundboardSoundCreate struct{ SoundboardSound }

// EventName returns EventGuildSoundboardSoundCreate.
func (GuildSoundboardSoundCreate) EventName() string { return EventGuildSoundboardSoundCreate }

// GuildSoundboardSoundUpdate carries a soundboard sound's new state.
type GuildSoundboardSoundUpdate struct{ SoundboardSound }

// EventName returns EventGuildSoundboardSoundUpdate.
func (GuildSoundboardSoundUpdate) EventName() string { return EventGuildSoundboardSoundUpdate }

// GuildSoundboardSoundDelete says a soundboard sound was deleted.
type GuildSoundboardSoundDelete struct {
	SoundID SoundID `json:"sound_id"`
	GuildID GuildID `json:"guild_id"`
}

// EventName returns EventGuildSoundboardSoundDelete.
func (GuildSoundboardSoundDelete) EventName() string { return EventGuildSoundboardSoundDelete }

// GuildSoundboardSoundsUpdate carries several updated soundboard sounds.
type GuildSoundboardSoundsUpdate struct {
	SoundboardSounds []SoundboardSound `json:"soundboard_sounds"`
	GuildID          GuildID           `json:"guild_id"`
}

// EventName returns EventGuildSoundboardSoundsUpdate.
func (GuildSoundboardSoundsUpdate) EventName() string { return EventGuildSoundboardSoundsUpdate }

// SoundboardSounds answers REQUEST_SOUNDBOARD_SOUNDS with one guild's
// sounds.
type SoundboardSounds struct {
	SoundboardSounds []SoundboardSound `json:"soundboard_sounds"`
	GuildID          GuildID           `json:"guild_id"`
}

// EventName returns EventSoundboardSounds.
func (SoundboardSounds) EventName() string { return EventSoundboardSounds }

// IntegrationCreate carries a new integration (without its user).
type IntegrationCreate struct {
	Integration
	GuildID GuildID `json:"guild_id"`
}

// EventName returns EventIntegrationCreate.
func (IntegrationCreate) EventName() string { return EventIntegrationCreate }

// IntegrationUpdate carries an integration's new state (without its
// user).
type IntegrationUpdate struct {
	Integration
	GuildID GuildID `json:"guild_id"`
}

// EventName returns EventIntegrationUpdate.
func (IntegrationUpdate) EventName() string { return EventIntegrationUpdate }

// IntegrationDelete says an integration was deleted.
type IntegrationDelete struct {
	ID            IntegrationID `json:"id"`
	GuildID       GuildID       `json:"guild_id"`
	ApplicationID ApplicationID `json:"application_id,omitempty"`
}

// EventName returns EventIntegrationDelete.
func (IntegrationDelete) EventName() string { return EventIntegrationDelete }
