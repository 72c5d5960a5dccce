package discord

import (
	"fmt"
	"strconv"
	"time"
)

// Message is a message in a channel (developers/resources/message.mdx,
// Message Object). MESSAGE_CREATE and MESSAGE_UPDATE add guild and member
// fields; see MessageCreate.
//
// Without the MESSAGE_CONTENT intent, Content, Embeds, Attachments and
// Components are empty and Poll is nil, except in the bot's own messages,
// DMs, and messages that mention the bot.
//
// Author is a webhook's id, username and avatar when WebhookID is set.
// Resolved stays raw-decoded into ResolvedData; Activity and Call are
// rarely used by bots but modelled.
type Message struct {
	ID                   MessageID                   `json:"id"`
	ChannelID            ChannelID                   `json:"channel_id"`
	Author               User                        `json:"author"`
	Content              string                      `json:"content"`
	Timestamp            time.Time                   `json:"timestamp"`
	EditedTimestamp      *time.Time                  `json:"edited_timestamp"`
	TTS                  bool                        `json:"tts"`
	MentionEveryone      bool                        `json:"mention_everyone"`
	Mentions             []User                      `json:"mentions"`
	MentionRoles         []RoleID                    `json:"mention_roles"`
	MentionChannels      []ChannelMention            `json:"mention_channels,omitempty"`
	Attachments          []Attachment                `json:"attachments"`
	Embeds               []Embed                     `json:"embeds"`
	Reactions            []Reaction                  `json:"reactions,omitempty"`
	Nonce                Nonce                       `json:"nonce,omitempty"`
	Pinned               bool                        `json:"pinned"`
	WebhookID            WebhookID                   `json:"webhook_id,omitempty"`
	Type                 MessageType                 `json:"type"`
	Activity             *MessageActivity            `json:"activity,omitempty"`
	Application          *Application                `json:"application,omitempty"`
	ApplicationID        ApplicationID               `json:"application_id,omitempty"`
	Flags                MessageFlags                `json:"flags,omitempty"`
	MessageReference     *MessageReference           `json:"message_reference,omitempty"`
	MessageSnapshots     []MessageSnapshot           `json:"message_snapshots,omitempty"`
	ReferencedMessage    *Message                    `json:"referenced_message,omitempty"`
	InteractionMetadata  *MessageInteractionMetadata `json:"interaction_metadata,omitempty"`
	Interaction          *MessageInteraction         `json:"interaction,omitempty"` // deprecated by Discord: use InteractionMetadata
	Thread               *Channel                    `json:"thread,omitempty"`
	Components           []Component                 `json:"components,omitempty"`
	StickerItems         []StickerItem               `json:"sticker_items,omitempty"`
	Stickers             []Sticker                   `json:"stickers,omitempty"` // deprecated by Discord: use StickerItems
	Position             int                         `json:"position,omitempty"`
	RoleSubscriptionData *RoleSubscriptionData       `json:"role_subscription_data,omitempty"`
	Resolved             *ResolvedData               `json:"resolved,omitempty"`
	Poll                 *Poll                       `json:"poll,omitempty"`
	Call                 *MessageCall                `json:"call,omitempty"`
	SharedClientTheme    *SharedClientTheme          `json:"shared_client_theme,omitempty"`
	PurchaseNotification *PurchaseNotification       `json:"purchase_notification,omitempty"`
	LobbyMember          *MessageLobbyMember         `json:"lobby_member,omitempty"` // messages in a Social SDK lobby
}

// URL is the message's jump link. guild is zero for DMs.
func (m *Message) URL(guild GuildID) string {
	g := "@me"
	if guild != 0 {
		g = guild.String()
	}
	return "https://discord.com/channels/" + g + "/" + m.ChannelID.String() + "/" + m.ID.String()
}

// IsForward reports whether the message forwards another one.
func (m *Message) IsForward() bool {
	return m.MessageReference != nil && m.MessageReference.Type == MessageReferenceForward
}

// Nonce is a message nonce: up to 25 characters used to check that a
// message was sent. Discord accepts an integer or a string and echoes it
// in MESSAGE_CREATE; wirecord keeps the text of either (an integer nonce
// reads as its decimal digits) and always sends a string.
type Nonce string

// UnmarshalJSON accepts a JSON string, a JSON integer, or null.
func (n *Nonce) UnmarshalJSON(b []byte) error {
	switch {
	case string(b) == "null":
		*n = ""
	case len(b) > 0 && b[0] == '"':
		s, err := strconv.Unquote(string(b))
		if err != nil {
			return fmt.Errorf("discord: invalid nonce %s", truncateForError(b))
		}
		*n = Nonce(s)
	default:
		if _, err := strconv.ParseInt(string(b), 10, 64); err != nil {
			return fmt.Errorf("discord: invalid nonce %s", truncateForError(b))
		}
		*n = Nonce(b)
	}
	return nil
}

// MessageType is the kind of a message.
type MessageType int

// Message types. 13, 30, 33-35, 40-43 and 45 are not documented.
const (
	MessageTypeDefault                                 MessageType = 0
	MessageTypeRecipientAdd                            MessageType = 1
	MessageTypeRecipientRemove                         MessageType = 2
	MessageTypeCall                                    MessageType = 3
	MessageTypeChannelNameChange                       MessageType = 4
	MessageTypeChannelIconChange                       MessageType = 5
	MessageTypeChannelPinnedMessage                    MessageType = 6
	MessageTypeUserJoin                                MessageType = 7
	MessageTypeGuildBoost                              MessageType = 8
	MessageTypeGuildBoostTier1                         MessageType = 9
	MessageTypeGuildBoostTier2                         MessageType = 10
	MessageTypeGuildBoostTier3                         MessageType = 11
	MessageTypeChannelFollowAdd                        MessageType = 12
	MessageTypeGuildDiscoveryDisqualified              MessageType = 14
	MessageTypeGuildDiscoveryRequalified               MessageType = 15
	MessageTypeGuildDiscoveryGracePeriodInitialWarning MessageType = 16
	MessageTypeGuildDiscoveryGracePeriodFinalWarning   MessageType = 17
	MessageTypeThreadCreated                           MessageType = 18
	MessageTypeReply                                   MessageType = 19
	MessageTypeChatInputCommand                        MessageType = 20
	MessageTypeThreadStarterMessage                    MessageType = 21
	MessageTypeGuildInviteReminder                     MessageType = 22
	MessageTypeContextMenuCommand                      MessageType = 23
	MessageTypeAutoModerationAction                    MessageType = 24
	MessageTypeRoleSubscriptionPurchase                MessageType = 25
	MessageTypeInteractionPremiumUpsell                MessageType = 26
	MessageTypeStageStart                              MessageType = 27
	MessageTypeStageEnd                                MessageType = 28
	MessageTypeStageSpeaker                            MessageType = 29
	MessageTypeStageTopic                              MessageType = 31
	MessageTypeGuildApplicationPremiumSubscription     MessageType = 32
	MessageTypeGuildIncidentAlertModeEnabled           MessageType = 36
	MessageTypeGuildIncidentAlertModeDisabled          MessageType = 37
	MessageTypeGuildIncidentReportRaid                 MessageType = 38
	MessageTypeGuildIncidentReportFalseAlarm           MessageType = 39
	MessageTypePurchaseNotification                    MessageType = 44
	MessageTypePollResult                              MessageType = 46
)

// MessageFlags are message flags.
type MessageFlags uint64

// Documented message flags. Only SuppressEmbeds, SuppressNotifications,
// IsVoiceMessage and IsComponentsV2 may be set when creating a message
// (and Ephemeral in interaction responses).
const (
	MessageFlagCrossposted                      MessageFlags = 1 << 0
	MessageFlagIsCrosspost                      MessageFlags = 1 << 1
	MessageFlagSuppressEmbeds                   MessageFlags = 1 << 2
	MessageFlagSourceMessageDeleted             MessageFlags = 1 << 3
	MessageFlagUrgent                           MessageFlags = 1 << 4
	MessageFlagHasThread                        MessageFlags = 1 << 5
	MessageFlagEphemeral                        MessageFlags = 1 << 6
	MessageFlagLoading                          MessageFlags = 1 << 7
	MessageFlagFailedToMentionSomeRolesInThread MessageFlags = 1 << 8
	MessageFlagSuppressNotifications            MessageFlags = 1 << 12
	MessageFlagIsVoiceMessage                   MessageFlags = 1 << 13
	MessageFlagHasSnapshot                      MessageFlags = 1 << 14
	MessageFlagIsComponentsV2                   MessageFlags = 1 << 15
)

// MessageActivity is sent with rich presence chat embeds.
type MessageActivity struct {
	Type    MessageActivityType `json:"type"`
	PartyID string              `json:"party_id,omitempty"`
}

// MessageActivityType is the kind of a message activity.
type MessageActivityType int

// Message activity types.
const (
	MessageActivityJoin          MessageActivityType = 1
	MessageActivitySpectate      MessageActivityType = 2
	MessageActivityListen        MessageActivityType = 3
	MessageActivityJoinRequest   MessageActivityType = 5
	MessageActivityStreamRequest MessageActivityType = 6
)

// MessageReference points at the source of a reply, forward, crosspost,
// pin or follow message. When sending a reply only MessageID is needed; a
// forward needs Type, MessageID and ChannelID.
type MessageReference struct {
	Type            MessageReferenceType `json:"type,omitempty"`
	MessageID       MessageID            `json:"message_id,omitempty"`
	ChannelID       ChannelID            `json:"channel_id,omitempty"`
	GuildID         GuildID              `json:"guild_id,omitempty"`
	FailIfNotExists *bool                `json:"fail_if_not_exists,omitempty"` // Discord's default is true
}

// MessageReferenceType says how a reference is used.
type MessageReferenceType int

// Message reference types. An unset type means Default.
const (
	MessageReferenceDefault MessageReferenceType = 0 // a reply; see ReferencedMessage
	MessageReferenceForward MessageReferenceType = 1 // see MessageSnapshots
)

// MessageSnapshot is a copy of a forwarded message, with only type,
// content, embeds, attachments, timestamp, edited_timestamp, flags,
// mentions, mention_roles, stickers, sticker_items and components set.
type MessageSnapshot struct {
	Message Message `json:"message"`
}

// MessageInteractionMetadata describes the interaction a message answers.
// It unites Discord's three shapes: TargetUser and TargetMessageID are set
// for user and message commands, InteractedMessageID for components, and
// TriggeringInteractionMetadata for modal submits.
type MessageInteractionMetadata struct {
	ID                            InteractionID                            `json:"id"`
	Type                          InteractionType                          `json:"type"`
	User                          User                                     `json:"user"`
	AuthorizingIntegrationOwners  map[ApplicationIntegrationType]Snowflake `json:"authorizing_integration_owners"`
	OriginalResponseMessageID     MessageID                                `json:"original_response_message_id,omitempty"`
	TargetUser                    *User                                    `json:"target_user,omitempty"`
	TargetMessageID               MessageID                                `json:"target_message_id,omitempty"`
	InteractedMessageID           MessageID                                `json:"interacted_message_id,omitempty"`
	TriggeringInteractionMetadata *MessageInteractionMetadata              `json:"triggering_interaction_metadata,omitempty"`
}

// MessageInteraction is the deprecated form of MessageInteractionMetadata.
type MessageInteraction struct {
	ID     InteractionID   `json:"id"`
	Type   InteractionType `json:"type"`
	Name   string          `json:"name"`
	User   User            `json:"user"`
	Member *Member         `json:"member,omitempty"`
	// NameLocalized is Name in the user's locale.
	NameLocalized string `json:"name_localized,omitempty"`
}

// MessageCall is the call a private-channel message is about.
type MessageCall struct {
	Participants   []UserID   `json:"participants"`
	EndedTimestamp *time.Time `json:"ended_timestamp,omitempty"`
}

// RoleSubscriptionData describes the purchase or renewal behind a
// ROLE_SUBSCRIPTION_PURCHASE message.
type RoleSubscriptionData struct {
	RoleSubscriptionListingID SKUID  `json:"role_subscription_listing_id"`
	TierName                  string `json:"tier_name"`
	TotalMonthsSubscribed     int    `json:"total_months_subscribed"`
	IsRenewal                 bool   `json:"is_renewal"`
}

// SharedClientTheme is a client theme shared through a message.
type SharedClientTheme struct {
	Colors        []string   `json:"colors"` // hex, at most 5
	GradientAngle int        `json:"gradient_angle"`
	BaseMix       int        `json:"base_mix"`
	BaseTheme     *BaseTheme `json:"base_theme,omitempty"`
}

// BaseTheme is the mode of a shared client theme.
type BaseTheme int

// Base themes; Unset means Dark.
const (
	BaseThemeUnset    BaseTheme = 0
	BaseThemeDark     BaseTheme = 1
	BaseThemeLight    BaseTheme = 2
	BaseThemeDarker   BaseTheme = 3
	BaseThemeMidnight BaseTheme = 4
)

// Reaction is one emoji's reactions on a message.
type Reaction struct {
	Count        int                  `json:"count"`
	CountDetails ReactionCountDetails `json:"count_details"`
	Me           bool                 `json:"me"`
	MeBurst      bool                 `json:"me_burst"`
	Emoji        Emoji                `json:"emoji"`
	BurstColors  []string             `json:"burst_colors"`
}

// ReactionCountDetails splits a reaction count into super and normal
// reactions.
type ReactionCountDetails struct {
	Burst  int `json:"burst"`
	Normal int `json:"normal"`
}

// ReactionType is the kind of a reaction.
type ReactionType int

// Reaction types.
const (
	ReactionNormal ReactionType = 0
	ReactionBurst  ReactionType = 1 // a super reaction
)

// Attachment is a file attached to a message.
type Attachment struct {
	ID                 AttachmentID    `json:"id"`
	Filename           string          `json:"filename"`
	Title              string          `json:"title,omitempty"`
	Description        string          `json:"description,omitempty"`
	ContentType        string          `json:"content_type,omitempty"`
	Size               int             `json:"size"`
	URL                string          `json:"url"`
	ProxyURL           string          `json:"proxy_url"`
	Height             *int            `json:"height,omitempty"`
	Width              *int            `json:"width,omitempty"`
	Placeholder        string          `json:"placeholder,omitempty"`
	PlaceholderVersion int             `json:"placeholder_version,omitempty"`
	Ephemeral          bool            `json:"ephemeral,omitempty"`
	DurationSecs       float64         `json:"duration_secs,omitempty"`
	Waveform           string          `json:"waveform,omitempty"` // base64
	Flags              AttachmentFlags `json:"flags,omitempty"`
	ClipParticipants   []User          `json:"clip_participants,omitempty"`
	ClipCreatedAt      *time.Time      `json:"clip_created_at,omitempty"`
	Application        *Application    `json:"application,omitempty"`
}

// AttachmentFlags are attachment flags.
type AttachmentFlags uint64

// Documented attachment flags.
const (
	AttachmentFlagIsClip      AttachmentFlags = 1 << 0
	AttachmentFlagIsThumbnail AttachmentFlags = 1 << 1
	AttachmentFlagIsRemix     AttachmentFlags = 1 << 2
	AttachmentFlagIsSpoiler   AttachmentFlags = 1 << 3
	AttachmentFlagIsAnimated  AttachmentFlags = 1 << 5
)

// AllowedMentions says which mentions in a message notify. Parse is
// mutually exclusive with the matching Users or Roles list. A nil slice is
// left out; an empty non-nil slice is sent as [] (Parse: []{} suppresses
// every mention).
type AllowedMentions struct {
	Parse       []AllowedMentionType `json:"parse,omitzero"`
	Roles       []RoleID             `json:"roles,omitzero"` // at most 100
	Users       []UserID             `json:"users,omitzero"` // at most 100
	RepliedUser bool                 `json:"replied_user,omitempty"`
}

// AllowedMentionType is a kind of mention to parse.
type AllowedMentionType string

// Allowed mention types.
const (
	AllowedMentionRoles    AllowedMentionType = "roles"
	AllowedMentionUsers    AllowedMentionType = "users"
	AllowedMentionEveryone AllowedMentionType = "everyone" // @everyone and @here
)

// MessageSend is the JSON body of POST /channels/{channel.id}/messages
// (developers/resources/message.mdx, Create Message). At least one of
// Content, Embeds, StickerIDs, Components, Poll, SharedClientTheme or a
// file is needed, except for a forward, which needs only MessageReference.
// Files go in a multipart body: rest.CreateMessageOptions.Files.
type MessageSend struct {
	Content           string             `json:"content,omitempty"` // at most 2000 characters
	Nonce             Nonce              `json:"nonce,omitempty"`   // at most 25 characters
	EnforceNonce      bool               `json:"enforce_nonce,omitempty"`
	TTS               bool               `json:"tts,omitempty"`
	Embeds            []Embed            `json:"embeds,omitempty"` // at most 10
	AllowedMentions   *AllowedMentions   `json:"allowed_mentions,omitempty"`
	MessageReference  *MessageReference  `json:"message_reference,omitempty"`
	Components        []Component        `json:"components,omitempty"`
	StickerIDs        []StickerID        `json:"sticker_ids,omitempty"` // at most 3
	Flags             MessageFlags       `json:"flags,omitempty"`
	Poll              *PollCreate        `json:"poll,omitempty"`
	SharedClientTheme *SharedClientTheme `json:"shared_client_theme,omitempty"`
	// Attachments describes the uploaded files, at most 10. A nil slice
	// is left out.
	Attachments []UploadAttachment `json:"attachments,omitzero"`
}

// UploadAttachment describes a file in the attachments of a create or edit
// body. ID is the n of the part files[n] for a new upload, or the ID of an
// attachment the edited message keeps. It is sent as a string, "0"
// included (an AttachmentID would send 0 as null).
type UploadAttachment struct {
	ID           uint64  `json:"id,string"`
	Filename     string  `json:"filename,omitempty"`
	Title        string  `json:"title,omitempty"`
	Description  string  `json:"description,omitempty"`   // alt text, at most 1024 characters
	DurationSecs float64 `json:"duration_secs,omitempty"` // voice messages
	Waveform     string  `json:"waveform,omitempty"`      // voice messages, base64
	IsSpoiler    bool    `json:"is_spoiler,omitempty"`
	IsRemix      bool    `json:"is_remix,omitempty"`
}

// Create-message limits (PROTOCOL.md §14).
const (
	MessageMaxContent    = 2000
	MessageMaxEmbeds     = 10
	MessageMaxStickers   = 3
	MessageMaxNonceChars = 25
)
