package discord

// GuildMemberAdd carries a member who joined (or, Discord warns, who may
// already have been a member). It needs the GUILD_MEMBERS intent.
type GuildMemberAdd struct {
	Member
	GuildID GuildID `json:"guild_id"`
}

// EventName returns EventGuildMemberAdd.
func (GuildMemberAdd) EventName() string { return EventGuildMemberAdd }

// GuildMemberRemove says a user left, was kicked or was banned.
type GuildMemberRemove struct {
	GuildID GuildID `json:"guild_id"`
	User    User    `json:"user"`
}

// EventName returns EventGuildMemberRemove.
func (GuildMemberRemove) EventName() string { return EventGuildMemberRemove }

// GuildMemberUpdate carries a member's new state, also when only its user
// changed. User is always set; Deaf, Mute and Flags may be missing.
type GuildMemberUpdate struct {
	Member
	GuildID GuildID `json:"guild_id"`
}

// EventName returns EventGuildMemberUpdate.
func (GuildMemberUpdate) EventName() string { return EventGuildMemberUpdate }

// GuildMembersChunk answers REQUEST_GUILD_MEMBERS with up to 1000
// members; ChunkIndex counts from 0 to ChunkCount-1. NotFound lists the
// requested IDs that are not members (Discord may send them as JSON
// numbers; both forms decode).
type GuildMembersChunk struct {
	GuildID    GuildID    `json:"guild_id"`
	Members    []Member   `json:"members"`
	ChunkIndex int        `json:"chunk_index"`
	ChunkCount int        `json:"chunk_count"`
	NotFound   []UserID   `json:"not_found,omitempty"`
	Presences  []Presence `json:"presences,omitempty"`
	Nonce      string     `json:"nonce,omitempty"`
}

// EventName returns EventGuildMembersChunk.
func (GuildMembersChunk) EventName() string { return EventGuildMembersChunk }

// Last reports whether this is the final chunk of its response.
func (c *GuildMembersChunk) Last() bool { return c.ChunkIndex >= c.ChunkCount-1 }

// PresenceUpdate carries a user's new presence, or new user data such as
// name or avatar. It needs the GUILD_PRESENCES intent. See Presence for
// how partial it can be.
type PresenceUpdate struct{ Presence }

// EventName returns EventPresenceUpdate.
func (PresenceUpdate) EventName() string { return EventPresenceUpdate }

// UserUpdate carries the bot user's new state.
type UserUpdate struct{ User }

// EventName returns EventUserUpdate.
func (UserUpdate) EventName() string { return EventUserUpdate }
