package discord

import "time"

// Guild is a Discord server (developers/resources/guild.mdx, Guild
// Object). GUILD_CREATE adds more fields; see GuildCreate. Owner and
// Permissions are only sent by GET /users/@me/guilds, relative to the
// current user.
type Guild struct {
	ID                          GuildID                    `json:"id"`
	Name                        string                     `json:"name"`
	Icon                        *string                    `json:"icon"`
	IconHash                    *string                    `json:"icon_hash,omitempty"`
	Splash                      *string                    `json:"splash"`
	DiscoverySplash             *string                    `json:"discovery_splash"`
	Owner                       bool                       `json:"owner,omitempty"`
	OwnerID                     UserID                     `json:"owner_id"`
	Permissions                 Permissions                `json:"permissions,omitempty"`
	Region                      *string                    `json:"region,omitempty"` // deprecated: see Channel.RTCRegion
	AFKChannelID                ChannelID                  `json:"afk_channel_id"`
	AFKTimeout                  int                        `json:"afk_timeout"` // seconds
	WidgetEnabled               bool                       `json:"widget_enabled,omitempty"`
	WidgetChannelID             ChannelID                  `json:"widget_channel_id,omitempty"`
	VerificationLevel           VerificationLevel          `json:"verification_level"`
	DefaultMessageNotifications MessageNotificationLevel   `json:"default_message_notifications"`
	ExplicitContentFilter       ExplicitContentFilterLevel `json:"explicit_content_filter"`
	Roles                       []Role                     `json:"roles"`
	Emojis                      []Emoji                    `json:"emojis"`
	Features                    []GuildFeature             `json:"features"`
	MFALevel                    MFALevel                   `json:"mfa_level"`
	ApplicationID               ApplicationID              `json:"application_id"`
	SystemChannelID             ChannelID                  `json:"system_channel_id"`
	SystemChannelFlags          SystemChannelFlags         `json:"system_channel_flags"`
	RulesChannelID              ChannelID                  `json:"rules_channel_id"`
	MaxPresences                *int                       `json:"max_presences,omitempty"`
	MaxMembers                  int                        `json:"max_members,omitempty"`
	VanityURLCode               *string                    `json:"vanity_url_code"`
	Description                 *string                    `json:"description"`
	Banner                      *string                    `json:"banner"`
	PremiumTier                 PremiumTier                `json:"premium_tier"`
	PremiumSubscriptionCount    int                        `json:"premium_subscription_count,omitempty"`
	PreferredLocale             string                     `json:"preferred_locale"`
	PublicUpdatesChannelID      ChannelID                  `json:"public_updates_channel_id"`
	MaxVideoChannelUsers        int                        `json:"max_video_channel_users,omitempty"`
	MaxStageVideoChannelUsers   int                        `json:"max_stage_video_channel_users,omitempty"`
	ApproximateMemberCount      int                        `json:"approximate_member_count,omitempty"`
	ApproximatePresenceCount    int                        `json:"approximate_presence_count,omitempty"`
	WelcomeScreen               *WelcomeScreen             `json:"welcome_screen,omitempty"`
	NSFWLevel                   NSFWLevel                  `json:"nsfw_level"`
	Stickers                    []Sticker                  `json:"stickers,omitempty"`
	PremiumProgressBarEnabled   bool                       `json:"premium_progress_bar_enabled"`
	SafetyAlertsChannelID       ChannelID                  `json:"safety_alerts_channel_id"`
	IncidentsData               *IncidentsData             `json:"incidents_data"`
	NSFW                        bool                       `json:"nsfw,omitempty"`
	HomeHeader                  *string                    `json:"home_header,omitempty"`

	PremiumProgressBarEnabledUserUpdatedAt *time.Time `json:"premium_progress_bar_enabled_user_updated_at,omitempty"`
}

// HasFeature reports whether the guild has feature f enabled.
func (g *Guild) HasFeature(f GuildFeature) bool {
	for _, have := range g.Features {
		if have == f {
			return true
		}
	}
	return false
}

// Role returns the guild's role with the given ID.
func (g *Guild) Role(id RoleID) (*Role, bool) {
	for i := range g.Roles {
		if g.Roles[i].ID == id {
			return &g.Roles[i], true
		}
	}
	return nil, false
}

// UnavailableGuild is a guild whose data has not arrived yet (READY lists
// them; each later comes as GUILD_CREATE) or that is down in an outage.
// In GUILD_DELETE an unset Unavailable means the bot left or was removed.
type UnavailableGuild struct {
	ID          GuildID `json:"id"`
	Unavailable bool    `json:"unavailable"`
}

// VerificationLevel is what a member must have done before chatting.
type VerificationLevel int

// Verification levels.
const (
	VerificationLevelNone     VerificationLevel = 0
	VerificationLevelLow      VerificationLevel = 1 // verified email
	VerificationLevelMedium   VerificationLevel = 2 // registered for over 5 minutes
	VerificationLevelHigh     VerificationLevel = 3 // member for over 10 minutes
	VerificationLevelVeryHigh VerificationLevel = 4 // verified phone number
)

// MessageNotificationLevel is a guild's default notification setting.
type MessageNotificationLevel int

// Default message notification levels.
const (
	MessageNotificationsAllMessages  MessageNotificationLevel = 0
	MessageNotificationsOnlyMentions MessageNotificationLevel = 1
)

// ExplicitContentFilterLevel says whose media Discord scans.
type ExplicitContentFilterLevel int

// Explicit content filter levels.
const (
	ExplicitContentFilterDisabled            ExplicitContentFilterLevel = 0
	ExplicitContentFilterMembersWithoutRoles ExplicitContentFilterLevel = 1
	ExplicitContentFilterAllMembers          ExplicitContentFilterLevel = 2
)

// MFALevel is a guild's 2FA requirement for moderation actions.
type MFALevel int

// MFA levels.
const (
	MFALevelNone     MFALevel = 0
	MFALevelElevated MFALevel = 1
)

// NSFWLevel is a guild's age-restriction level.
type NSFWLevel int

// Guild age-restriction levels.
const (
	NSFWLevelDefault       NSFWLevel = 0
	NSFWLevelExplicit      NSFWLevel = 1
	NSFWLevelSafe          NSFWLevel = 2
	NSFWLevelAgeRestricted NSFWLevel = 3
)

// PremiumTier is a guild's Server Boost level.
type PremiumTier int

// Premium tiers.
const (
	PremiumTierNone PremiumTier = 0
	PremiumTier1    PremiumTier = 1
	PremiumTier2    PremiumTier = 2
	PremiumTier3    PremiumTier = 3
)

// SystemChannelFlags suppress kinds of system channel messages.
type SystemChannelFlags uint64

// Documented system channel flags.
const (
	SystemChannelSuppressJoinNotifications                           SystemChannelFlags = 1 << 0
	SystemChannelSuppressPremiumSubscriptions                        SystemChannelFlags = 1 << 1
	SystemChannelSuppressGuildReminderNotifications                  SystemChannelFlags = 1 << 2
	SystemChannelSuppressJoinNotificationReplies                     SystemChannelFlags = 1 << 3
	SystemChannelSuppressRoleSubscriptionPurchaseNotifications       SystemChannelFlags = 1 << 4
	SystemChannelSuppressRoleSubscriptionPurchaseNotificationReplies SystemChannelFlags = 1 << 5
)

// GuildFeature is a feature string from a guild's features list. Discord
// adds features without notice, so any string may appear.
type GuildFeature string

// Documented guild features.
const (
	GuildFeatureAnimatedBanner                        GuildFeature = "ANIMATED_BANNER"
	GuildFeatureAnimatedIcon                          GuildFeature = "ANIMATED_ICON"
	GuildFeatureApplicationCommandPermissionsV2       GuildFeature = "APPLICATION_COMMAND_PERMISSIONS_V2"
	GuildFeatureAutoModeration                        GuildFeature = "AUTO_MODERATION"
	GuildFeatureBanner                                GuildFeature = "BANNER"
	GuildFeatureCommunity                             GuildFeature = "COMMUNITY"
	GuildFeatureCreatorMonetizableProvisional         GuildFeature = "CREATOR_MONETIZABLE_PROVISIONAL"
	GuildFeatureCreatorStorePage                      GuildFeature = "CREATOR_STORE_PAGE"
	GuildFeatureDeveloperSupportServer                GuildFeature = "DEVELOPER_SUPPORT_SERVER"
	GuildFeatureDiscoverable                          GuildFeature = "DISCOVERABLE"
	GuildFeatureFeaturable                            GuildFeature = "FEATURABLE"
	GuildFeatureInvitesDisabled                       GuildFeature = "INVITES_DISABLED"
	GuildFeatureInviteSplash                          GuildFeature = "INVITE_SPLASH"
	GuildFeatureMemberVerificationGateEnabled         GuildFeature = "MEMBER_VERIFICATION_GATE_ENABLED"
	GuildFeatureMoreSoundboard                        GuildFeature = "MORE_SOUNDBOARD"
	GuildFeatureMoreStickers                          GuildFeature = "MORE_STICKERS"
	GuildFeatureNews                                  GuildFeature = "NEWS"
	GuildFeaturePartnered                             GuildFeature = "PARTNERED"
	GuildFeaturePreviewEnabled                        GuildFeature = "PREVIEW_ENABLED"
	GuildFeatureRaidAlertsDisabled                    GuildFeature = "RAID_ALERTS_DISABLED"
	GuildFeatureRoleIcons                             GuildFeature = "ROLE_ICONS"
	GuildFeatureRoleSubscriptionsAvailableForPurchase GuildFeature = "ROLE_SUBSCRIPTIONS_AVAILABLE_FOR_PURCHASE"
	GuildFeatureRoleSubscriptionsEnabled              GuildFeature = "ROLE_SUBSCRIPTIONS_ENABLED"
	GuildFeatureSoundboard                            GuildFeature = "SOUNDBOARD"
	GuildFeatureTicketedEventsEnabled                 GuildFeature = "TICKETED_EVENTS_ENABLED"
	GuildFeatureVanityURL                             GuildFeature = "VANITY_URL"
	GuildFeatureVerified                              GuildFeature = "VERIFIED"
	GuildFeatureVIPRegions                            GuildFeature = "VIP_REGIONS"
	GuildFeatureWelcomeScreenEnabled                  GuildFeature = "WELCOME_SCREEN_ENABLED"
	GuildFeatureGuestsEnabled                         GuildFeature = "GUESTS_ENABLED"
	GuildFeatureGuildTags                             GuildFeature = "GUILD_TAGS"
	GuildFeatureEnhancedRoleColors                    GuildFeature = "ENHANCED_ROLE_COLORS"
)

// WelcomeScreen is the welcome screen of a Community guild.
type WelcomeScreen struct {
	Description     *string                `json:"description"`
	WelcomeChannels []WelcomeScreenChannel `json:"welcome_channels"`
}

// WelcomeScreenChannel is one channel shown on a welcome screen.
type WelcomeScreenChannel struct {
	ChannelID   ChannelID `json:"channel_id"`
	Description string    `json:"description"`
	EmojiID     EmojiID   `json:"emoji_id"`
	EmojiName   *string   `json:"emoji_name"`
}

// IncidentsData says which safety measures are active in a guild.
type IncidentsData struct {
	InvitesDisabledUntil *time.Time `json:"invites_disabled_until"`
	DMsDisabledUntil     *time.Time `json:"dms_disabled_until"`
	DMSpamDetectedAt     *time.Time `json:"dm_spam_detected_at,omitempty"`
	RaidDetectedAt       *time.Time `json:"raid_detected_at,omitempty"`
}
