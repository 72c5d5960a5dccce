package discord

import "time"

// Invite is an invite code to a guild or group DM
// (developers/resources/invite.mdx). The metadata fields (Uses to
// CreatedAt) are only sent by routes that return invite metadata.
type Invite struct {
	Type                     InviteType       `json:"type"`
	Code                     string           `json:"code"`
	Guild                    *Guild           `json:"guild,omitempty"`   // partial
	Channel                  *Channel         `json:"channel,omitempty"` // partial
	Inviter                  *User            `json:"inviter,omitempty"`
	TargetType               InviteTargetType `json:"target_type,omitempty"`
	TargetUser               *User            `json:"target_user,omitempty"`
	TargetApplication        *Application     `json:"target_application,omitempty"`
	ApproximatePresenceCount int              `json:"approximate_presence_count,omitempty"`
	ApproximateMemberCount   int              `json:"approximate_member_count,omitempty"`
	ExpiresAt                *time.Time       `json:"expires_at,omitempty"`
	GuildScheduledEvent      *ScheduledEvent  `json:"guild_scheduled_event,omitempty"`
	Flags                    InviteFlags      `json:"flags,omitempty"`
	Roles                    []Role           `json:"roles,omitempty"` // partial
	GuildID                  GuildID          `json:"guild_id,omitempty"`
	TargetChannelID          ChannelID        `json:"target_channel_id,omitempty"`
	TargetMessageID          MessageID        `json:"target_message_id,omitempty"`
	IsContact                bool             `json:"is_contact,omitempty"`
	IsNicknameChangeable     bool             `json:"is_nickname_changeable,omitempty"`
	FriendsCount             int              `json:"friends_count,omitempty"` // friend invites
	Liveliness               *GuildLiveliness `json:"liveliness,omitempty"`

	Uses      int        `json:"uses,omitempty"`
	MaxUses   int        `json:"max_uses,omitempty"`
	MaxAge    int        `json:"max_age,omitempty"` // seconds
	Temporary bool       `json:"temporary,omitempty"`
	CreatedAt *time.Time `json:"created_at,omitempty"`
}

// URL is the invite's link.
func (i *Invite) URL() string { return "https://discord.gg/" + i.Code }

// InviteType is the kind of an invite.
type InviteType int

// Invite types.
const (
	InviteTypeGuild   InviteType = 0
	InviteTypeGroupDM InviteType = 1
	InviteTypeFriend  InviteType = 2
)

// InviteTargetType is what a voice channel invite opens.
type InviteTargetType int

// Invite target types.
const (
	InviteTargetStream              InviteTargetType = 1
	InviteTargetEmbeddedApplication InviteTargetType = 2
)

// InviteFlags are guild invite flags.
type InviteFlags uint64

// InviteFlagIsGuestInvite marks a guest invite to a voice channel.
const InviteFlagIsGuestInvite InviteFlags = 1 << 0
