package discord

import (
	"strconv"
	"time"
)

// Channel is a guild channel, thread or DM channel
// (developers/resources/channel.mdx, Channel Object). Most fields apply to
// some channel types only and are zero for the others. GuildID may be
// missing from channels inside GUILD_CREATE.
type Channel struct {
	ID                            ChannelID             `json:"id"`
	Type                          ChannelType           `json:"type"`
	GuildID                       GuildID               `json:"guild_id,omitempty"`
	Position                      int                   `json:"position,omitempty"`
	PermissionOverwrites          []PermissionOverwrite `json:"permission_overwrites,omitempty"`
	Name                          string                `json:"name,omitempty"` // empty (null) for DMs
	Topic                         *string               `json:"topic,omitempty"`
	NSFW                          bool                  `json:"nsfw,omitempty"`
	LastMessageID                 MessageID             `json:"last_message_id,omitempty"`
	Bitrate                       int                   `json:"bitrate,omitempty"`
	UserLimit                     int                   `json:"user_limit,omitempty"`
	RateLimitPerUser              int                   `json:"rate_limit_per_user,omitempty"` // slow mode, in seconds
	Recipients                    []User                `json:"recipients,omitempty"`
	Icon                          *string               `json:"icon,omitempty"`
	OwnerID                       UserID                `json:"owner_id,omitempty"`
	ApplicationID                 ApplicationID         `json:"application_id,omitempty"`
	Managed                       bool                  `json:"managed,omitempty"`
	ParentID                      ChannelID             `json:"parent_id,omitempty"` // category, or a thread's channel
	LastPinTimestamp              *time.Time            `json:"last_pin_timestamp,omitempty"`
	RTCRegion                     *string               `json:"rtc_region,omitempty"`
	VideoQualityMode              VideoQualityMode      `json:"video_quality_mode,omitempty"`
	MessageCount                  int                   `json:"message_count,omitempty"`
	MemberCount                   int                   `json:"member_count,omitempty"`
	ThreadMetadata                *ThreadMetadata       `json:"thread_metadata,omitempty"`
	Member                        *ThreadMember         `json:"member,omitempty"` // the current user's thread membership
	DefaultAutoArchiveDuration    int                   `json:"default_auto_archive_duration,omitempty"`
	Permissions                   Permissions           `json:"permissions,omitempty"`     // only in interaction resolved data
	AppPermissions                Permissions           `json:"app_permissions,omitempty"` // only in interaction resolved data
	Flags                         ChannelFlags          `json:"flags,omitempty"`
	TotalMessageSent              int                   `json:"total_message_sent,omitempty"`
	AvailableTags                 []ForumTag            `json:"available_tags,omitempty"`
	AppliedTags                   []TagID               `json:"applied_tags,omitempty"`
	DefaultReactionEmoji          *DefaultReaction      `json:"default_reaction_emoji,omitempty"`
	DefaultThreadRateLimitPerUser int                   `json:"default_thread_rate_limit_per_user,omitempty"`
	DefaultSortOrder              *SortOrderType        `json:"default_sort_order,omitempty"`
	DefaultForumLayout            ForumLayoutType       `json:"default_forum_layout,omitempty"`

	DefaultTagSetting ThreadSearchTagSetting `json:"default_tag_setting,omitempty"` // forum search
}

// Mention is the message markup that links the channel: "<#id>".
func (c *Channel) Mention() string { return "<#" + c.ID.String() + ">" }

// IsThread reports whether the channel is a thread.
func (c *Channel) IsThread() bool { return c.Type.IsThread() }

// ChannelType is the kind of a channel.
type ChannelType int

// Channel types.
const (
	ChannelTypeGuildText          ChannelType = 0
	ChannelTypeDM                 ChannelType = 1
	ChannelTypeGuildVoice         ChannelType = 2
	ChannelTypeGroupDM            ChannelType = 3
	ChannelTypeGuildCategory      ChannelType = 4
	ChannelTypeGuildAnnouncement  ChannelType = 5
	ChannelTypeAnnouncementThread ChannelType = 10
	ChannelTypePublicThread       ChannelType = 11
	ChannelTypePrivateThread      ChannelType = 12
	ChannelTypeGuildStageVoice    ChannelType = 13
	ChannelTypeGuildDirectory     ChannelType = 14
	ChannelTypeGuildForum         ChannelType = 15
	ChannelTypeGuildMedia         ChannelType = 16
)

var channelTypeNames = map[ChannelType]string{
	ChannelTypeGuildText:          "GUILD_TEXT",
	ChannelTypeDM:                 "DM",
	ChannelTypeGuildVoice:         "GUILD_VOICE",
	ChannelTypeGroupDM:            "GROUP_DM",
	ChannelTypeGuildCategory:      "GUILD_CATEGORY",
	ChannelTypeGuildAnnouncement:  "GUILD_ANNOUNCEMENT",
	ChannelTypeAnnouncementThread: "ANNOUNCEMENT_THREAD",
	ChannelTypePublicThread:       "PUBLIC_THREAD",
	ChannelTypePrivateThread:      "PRIVATE_THREAD",
	ChannelTypeGuildStageVoice:    "GUILD_STAGE_VOICE",
	ChannelTypeGuildDirectory:     "GUILD_DIRECTORY",
	ChannelTypeGuildForum:         "GUILD_FORUM",
	ChannelTypeGuildMedia:         "GUILD_MEDIA",
}

// String returns the documented name, or "CHANNEL_TYPE_<n>".
func (t ChannelType) String() string {
	if n, ok := channelTypeNames[t]; ok {
		return n
	}
	return "CHANNEL_TYPE_" + strconv.Itoa(int(t))
}

// IsThread reports whether t is one of the thread types.
func (t ChannelType) IsThread() bool {
	return t == ChannelTypeAnnouncementThread || t == ChannelTypePublicThread || t == ChannelTypePrivateThread
}

// IsVoice reports whether t is a channel one can connect to (voice or
// stage).
func (t ChannelType) IsVoice() bool {
	return t == ChannelTypeGuildVoice || t == ChannelTypeGuildStageVoice
}

// ChannelFlags are channel flags.
type ChannelFlags uint64

// Documented channel flags.
const (
	ChannelFlagPinned                   ChannelFlags = 1 << 1
	ChannelFlagRequireTag               ChannelFlags = 1 << 4
	ChannelFlagHideMediaDownloadOptions ChannelFlags = 1 << 15
	ChannelFlagIsSpoilerChannel         ChannelFlags = 1 << 21
)

// VideoQualityMode is the camera quality of a voice channel; zero means
// not sent, which Discord documents as AUTO.
type VideoQualityMode int

// Video quality modes.
const (
	VideoQualityAuto VideoQualityMode = 1
	VideoQualityFull VideoQualityMode = 2 // 720p
)

// SortOrderType is how a forum or media channel sorts its posts.
type SortOrderType int

// Sort order types.
const (
	SortOrderLatestActivity SortOrderType = 0
	SortOrderCreationDate   SortOrderType = 1
)

// ForumLayoutType is how a forum channel displays its posts.
type ForumLayoutType int

// Forum layout types.
const (
	ForumLayoutNotSet      ForumLayoutType = 0
	ForumLayoutListView    ForumLayoutType = 1
	ForumLayoutGalleryView ForumLayoutType = 2
)

// PermissionOverwrite allows and denies permissions to one role or member
// in a channel.
type PermissionOverwrite struct {
	ID    Snowflake     `json:"id"` // a RoleID or a UserID, as Type says
	Type  OverwriteType `json:"type"`
	Allow Permissions   `json:"allow"`
	Deny  Permissions   `json:"deny"`
}

// OverwriteType says whether an overwrite is for a role or a member.
type OverwriteType int

// Overwrite types.
const (
	OverwriteRole   OverwriteType = 0
	OverwriteMember OverwriteType = 1
)

// ThreadMetadata holds the fields only threads have.
type ThreadMetadata struct {
	Archived            bool       `json:"archived"`
	AutoArchiveDuration int        `json:"auto_archive_duration"` // minutes: 60, 1440, 4320 or 10080
	ArchiveTimestamp    time.Time  `json:"archive_timestamp"`
	Locked              bool       `json:"locked"`
	Invitable           bool       `json:"invitable,omitempty"`
	CreateTimestamp     *time.Time `json:"create_timestamp,omitempty"`
}

// ThreadMember is a user's membership of a thread. ID and UserID are
// absent in GUILD_CREATE. Member is sent by the member-listing REST routes
// with with_member=true and in THREAD_MEMBERS_UPDATE, which also adds
// Presence.
type ThreadMember struct {
	ID            ChannelID `json:"id,omitempty"`
	UserID        UserID    `json:"user_id,omitempty"`
	JoinTimestamp time.Time `json:"join_timestamp"`
	Flags         int       `json:"flags"`
	Member        *Member   `json:"member,omitempty"`
	Presence      *Presence `json:"presence,omitempty"`
}

// ForumTag is a tag that can be applied to threads in a forum or media
// channel. At most one of EmojiID and EmojiName is set.
type ForumTag struct {
	ID        TagID   `json:"id,omitempty"`
	Name      string  `json:"name"`
	Moderated bool    `json:"moderated"`
	EmojiID   EmojiID `json:"emoji_id"`
	EmojiName *string `json:"emoji_name"`
}

// DefaultReaction is the emoji of the add-reaction button on forum posts.
// Exactly one of EmojiID and EmojiName is set.
type DefaultReaction struct {
	EmojiID   EmojiID `json:"emoji_id"`
	EmojiName *string `json:"emoji_name"`
}

// ChannelMention is a channel mentioned in a crossposted message.
type ChannelMention struct {
	ID      ChannelID   `json:"id"`
	GuildID GuildID     `json:"guild_id"`
	Type    ChannelType `json:"type"`
	Name    string      `json:"name"`
}
