package discord

import "time"

// ChannelCreate carries a new guild channel. It is not sent to bots for
// DMs (since API v8).
type ChannelCreate struct{ Channel }

// EventName returns EventChannelCreate.
func (ChannelCreate) EventName() string { return EventChannelCreate }

// ChannelUpdate carries a channel's new state. It is not sent when only
// last_message_id changes, and it may reference roles or members that no
// longer exist.
type ChannelUpdate struct{ Channel }

// EventName returns EventChannelUpdate.
func (ChannelUpdate) EventName() string { return EventChannelUpdate }

// ChannelDelete carries a deleted channel.
type ChannelDelete struct{ Channel }

// EventName returns EventChannelDelete.
func (ChannelDelete) EventName() string { return EventChannelDelete }

// ChannelInfo answers REQUEST_CHANNEL_INFO with ephemeral channel data.
type ChannelInfo struct {
	GuildID  GuildID              `json:"guild_id"`
	Channels []ChannelInfoChannel `json:"channels"`
}

// EventName returns EventChannelInfo.
func (ChannelInfo) EventName() string { return EventChannelInfo }

// ChannelInfoChannel is the ephemeral data of one channel. Each field is
// present only when it was asked for; VoiceStartTime is in Unix seconds.
type ChannelInfoChannel struct {
	ID             ChannelID `json:"id"`
	Status         *string   `json:"status,omitempty"`
	VoiceStartTime *int64    `json:"voice_start_time,omitempty"`
}

// ChannelPinsUpdate says a message was pinned or unpinned (not sent when
// a pinned message is deleted).
type ChannelPinsUpdate struct {
	GuildID          GuildID    `json:"guild_id,omitempty"`
	ChannelID        ChannelID  `json:"channel_id"`
	LastPinTimestamp *time.Time `json:"last_pin_timestamp,omitempty"`
}

// EventName returns EventChannelPinsUpdate.
func (ChannelPinsUpdate) EventName() string { return EventChannelPinsUpdate }

// ThreadCreate carries a new thread, or a thread the bot was added to
// (then Channel.Member is set). NewlyCreated is true for a new thread.
type ThreadCreate struct {
	Channel
	NewlyCreated bool `json:"newly_created,omitempty"`
}

// EventName returns EventThreadCreate.
func (ThreadCreate) EventName() string { return EventThreadCreate }

// ThreadUpdate carries a thread's new state (not sent when only
// last_message_id changes).
type ThreadUpdate struct{ Channel }

// EventName returns EventThreadUpdate.
func (ThreadUpdate) EventName() string { return EventThreadUpdate }

// ThreadDelete says a thread was deleted. Only ID, GuildID, ParentID and
// Type are set.
type ThreadDelete struct{ Channel }

// EventName returns EventThreadDelete.
func (ThreadDelete) EventName() string { return EventThreadDelete }

// ThreadListSync carries the active threads of channels the bot gained
// access to. ChannelIDs is empty when the whole guild was synced; it may
// name channels without threads, whose threads should be cleared.
type ThreadListSync struct {
	GuildID    GuildID        `json:"guild_id"`
	ChannelIDs []ChannelID    `json:"channel_ids,omitempty"`
	Threads    []Channel      `json:"threads"`
	Members    []ThreadMember `json:"members"`
}

// EventName returns EventThreadListSync.
func (ThreadListSync) EventName() string { return EventThreadListSync }

// ThreadMemberUpdate carries the bot's own thread membership.
type ThreadMemberUpdate struct {
	ThreadMember
	GuildID GuildID `json:"guild_id"`
}

// EventName returns EventThreadMemberUpdate.
func (ThreadMemberUpdate) EventName() string { return EventThreadMemberUpdate }

// ThreadMembersUpdate says users were added to or removed from a thread.
// Without the GUILD_MEMBERS intent it is only sent for the bot itself.
// AddedMembers carry Member and Presence.
type ThreadMembersUpdate struct {
	ID               ChannelID      `json:"id"`
	GuildID          GuildID        `json:"guild_id"`
	MemberCount      int            `json:"member_count"` // approximate, capped at 50
	AddedMembers     []ThreadMember `json:"added_members,omitempty"`
	RemovedMemberIDs []UserID       `json:"removed_member_ids,omitempty"`
}

// EventName returns EventThreadMembersUpdate.
func (ThreadMembersUpdate) EventName() string { return EventThreadMembersUpdate }

// StageInstanceCreate says a stage went live.
type StageInstanceCreate struct{ StageInstance }

// EventName returns EventStageInstanceCreate.
func (StageInstanceCreate) EventName() string { return EventStageInstanceCreate }

// StageInstanceUpdate carries a stage instance's new state.
type StageInstanceUpdate struct{ StageInstance }

// EventName returns EventStageInstanceUpdate.
func (StageInstanceUpdate) EventName() string { return EventStageInstanceUpdate }

// StageInstanceDelete says a stage was closed.
type StageInstanceDelete struct{ StageInstance }

// EventName returns EventStageInstanceDelete.
func (StageInstanceDelete) EventName() string { return EventStageInstanceDelete }

// InviteCreate carries a new invite. Invite events need MANAGE_CHANNELS
// on the channel. Uses is always 0.
type InviteCreate struct {
	ChannelID         ChannelID        `json:"channel_id"`
	Code              string           `json:"code"`
	CreatedAt         time.Time        `json:"created_at"`
	GuildID           GuildID          `json:"guild_id,omitempty"`
	Inviter           *User            `json:"inviter,omitempty"`
	MaxAge            int              `json:"max_age"` // seconds
	MaxUses           int              `json:"max_uses"`
	TargetType        InviteTargetType `json:"target_type,omitempty"`
	TargetUser        *User            `json:"target_user,omitempty"`
	TargetApplication *Application     `json:"target_application,omitempty"`
	Temporary         bool             `json:"temporary"`
	Uses              int              `json:"uses"`
	ExpiresAt         *time.Time       `json:"expires_at"`
	RoleIDs           []RoleID         `json:"role_ids,omitempty"`
}

// EventName returns EventInviteCreate.
func (InviteCreate) EventName() string { return EventInviteCreate }

// InviteDelete says an invite was deleted.
type InviteDelete struct {
	ChannelID ChannelID `json:"channel_id"`
	GuildID   GuildID   `json:"guild_id,omitempty"`
	Code      string    `json:"code"`
}

// EventName returns EventInviteDelete.
func (InviteDelete) EventName() string { return EventInviteDelete }

// WebhooksUpdate says a channel's webhooks changed.
type WebhooksUpdate struct {
	GuildID   GuildID   `json:"guild_id"`
	ChannelID ChannelID `json:"channel_id"`
}

// EventName returns EventWebhooksUpdate.
func (WebhooksUpdate) EventName() string { return EventWebhooksUpdate }
