package discord

import "time"

// MessageCreate carries a new message (PROTOCOL.md §12). GuildID and
// Member are missing for DMs, ephemeral messages and (Member) webhook
// messages; Member has no User (it is Author). Each user in Mentions may
// carry a partial member in User.Member.
type MessageCreate struct {
	Message
	GuildID     GuildID      `json:"guild_id,omitempty"`
	Member      *Member      `json:"member,omitempty"`
	ChannelType *ChannelType `json:"channel_type,omitempty"`
}

// EventName returns EventMessageCreate.
func (MessageCreate) EventName() string { return EventMessageCreate }

// MessageUpdate carries an edited message with the same extra fields as
// MessageCreate. TTS is always false.
type MessageUpdate struct {
	Message
	GuildID     GuildID      `json:"guild_id,omitempty"`
	Member      *Member      `json:"member,omitempty"`
	ChannelType *ChannelType `json:"channel_type,omitempty"`
}

// EventName returns EventMessageUpdate.
func (MessageUpdate) EventName() string { return EventMessageUpdate }

// MessageDelete says a message was deleted.
type MessageDelete struct {
	ID        MessageID `json:"id"`
	ChannelID ChannelID `json:"channel_id"`
	GuildID   GuildID   `json:"guild_id,omitempty"`
}

// EventName returns EventMessageDelete.
func (MessageDelete) EventName() string { return EventMessageDelete }

// MessageDeleteBulk says several messages were deleted at once.
type MessageDeleteBulk struct {
	IDs       []MessageID `json:"ids"`
	ChannelID ChannelID   `json:"channel_id"`
	GuildID   GuildID     `json:"guild_id,omitempty"`
}

// EventName returns EventMessageDeleteBulk.
func (MessageDeleteBulk) EventName() string { return EventMessageDeleteBulk }

// MessageReactionAdd says a user reacted to a message. Emoji is partial;
// its Name is empty when a custom emoji is no longer available.
type MessageReactionAdd struct {
	UserID          UserID       `json:"user_id"`
	ChannelID       ChannelID    `json:"channel_id"`
	MessageID       MessageID    `json:"message_id"`
	GuildID         GuildID      `json:"guild_id,omitempty"`
	Member          *Member      `json:"member,omitempty"`
	Emoji           Emoji        `json:"emoji"`
	MessageAuthorID UserID       `json:"message_author_id,omitempty"`
	Burst           bool         `json:"burst"`
	BurstColors     []string     `json:"burst_colors,omitempty"` // "#rrggbb"
	Type            ReactionType `json:"type"`
}

// EventName returns EventMessageReactionAdd.
func (MessageReactionAdd) EventName() string { return EventMessageReactionAdd }

// MessageReactionRemove says a user removed a reaction.
type MessageReactionRemove struct {
	UserID    UserID       `json:"user_id"`
	ChannelID ChannelID    `json:"channel_id"`
	MessageID MessageID    `json:"message_id"`
	GuildID   GuildID      `json:"guild_id,omitempty"`
	Emoji     Emoji        `json:"emoji"`
	Burst     bool         `json:"burst"`
	Type      ReactionType `json:"type"`
}

// EventName returns EventMessageReactionRemove.
func (MessageReactionRemove) EventName() string { return EventMessageReactionRemove }

// MessageReactionRemoveAll says every reaction was removed from a message.
type MessageReactionRemoveAll struct {
	ChannelID ChannelID `json:"channel_id"`
	MessageID MessageID `json:"message_id"`
	GuildID   GuildID   `json:"guild_id,omitempty"`
}

// EventName returns EventMessageReactionRemoveAll.
func (MessageReactionRemoveAll) EventName() string { return EventMessageReactionRemoveAll }

// MessageReactionRemoveEmoji says every reaction with one emoji was
// removed from a message.
type MessageReactionRemoveEmoji struct {
	ChannelID ChannelID `json:"channel_id"`
	GuildID   GuildID   `json:"guild_id,omitempty"`
	MessageID MessageID `json:"message_id"`
	Emoji     Emoji     `json:"emoji"`
}

// EventName returns EventMessageReactionRemoveEmoji.
func (MessageReactionRemoveEmoji) EventName() string { return EventMessageReactionRemoveEmoji }

// MessagePollVoteAdd says a user voted for a poll answer; a multi-select
// vote sends one event per answer.
type MessagePollVoteAdd struct {
	UserID    UserID    `json:"user_id"`
	ChannelID ChannelID `json:"channel_id"`
	MessageID MessageID `json:"message_id"`
	GuildID   GuildID   `json:"guild_id,omitempty"`
	AnswerID  int       `json:"answer_id"`
}

// EventName returns EventMessagePollVoteAdd.
func (MessagePollVoteAdd) EventName() string { return EventMessagePollVoteAdd }

// MessagePollVoteRemove says a user removed a poll vote.
type MessagePollVoteRemove struct {
	UserID    UserID    `json:"user_id"`
	ChannelID ChannelID `json:"channel_id"`
	MessageID MessageID `json:"message_id"`
	GuildID   GuildID   `json:"guild_id,omitempty"`
	AnswerID  int       `json:"answer_id"`
}

// EventName returns EventMessagePollVoteRemove.
func (MessagePollVoteRemove) EventName() string { return EventMessagePollVoteRemove }

// TypingStart says a user started typing. Timestamp is in Unix seconds.
type TypingStart struct {
	ChannelID ChannelID `json:"channel_id"`
	GuildID   GuildID   `json:"guild_id,omitempty"`
	UserID    UserID    `json:"user_id"`
	Timestamp int64     `json:"timestamp"`
	Member    *Member   `json:"member,omitempty"`
}

// EventName returns EventTypingStart.
func (TypingStart) EventName() string { return EventTypingStart }

// Time is Timestamp as a time.Time.
func (t *TypingStart) Time() time.Time { return time.Unix(t.Timestamp, 0) }
