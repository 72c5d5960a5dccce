package discord

// User is a Discord user or bot account (developers/resources/user.mdx).
//
// Some payloads carry a partial user: PRESENCE_UPDATE promises only the
// id, and webhook message authors carry only the webhook's id, username
// and avatar. Missing fields keep their zero values.
type User struct {
	ID            UserID      `json:"id"`
	Username      string      `json:"username"`
	Discriminator string      `json:"discriminator"` // "0" for users on the new username system
	GlobalName    *string     `json:"global_name"`   // display name; nil when unset
	Avatar        *string     `json:"avatar"`        // avatar hash; nil when unset
	Bot           bool        `json:"bot,omitempty"`
	System        bool        `json:"system,omitempty"`
	MFAEnabled    bool        `json:"mfa_enabled,omitempty"`
	Banner        *string     `json:"banner,omitempty"`
	AccentColor   *int        `json:"accent_color,omitempty"`
	Locale        string      `json:"locale,omitempty"`
	Verified      bool        `json:"verified,omitempty"`
	Email         *string     `json:"email,omitempty"`
	Flags         UserFlags   `json:"flags,omitempty"`
	PremiumType   PremiumType `json:"premium_type,omitempty"`
	PublicFlags   UserFlags   `json:"public_flags,omitempty"`

	AvatarDecorationData *AvatarDecorationData `json:"avatar_decoration_data,omitempty"`
	Collectibles         *Collectibles         `json:"collectibles,omitempty"`
	PrimaryGuild         *PrimaryGuild         `json:"primary_guild,omitempty"`

	// Member is the partial guild member of a user mentioned in a guild
	// message. Discord sends it only inside the mentions of MESSAGE_CREATE
	// and MESSAGE_UPDATE (developers/events/gateway-events.mdx).
	Member *Member `json:"member,omitempty"`
}

// DisplayName is the user's global display name, or the username when no
// display name is set.
func (u *User) DisplayName() string {
	if u.GlobalName != nil && *u.GlobalName != "" {
		return *u.GlobalName
	}
	return u.Username
}

// Mention is the message markup that mentions the user: "<@id>".
func (u *User) Mention() string { return "<@" + u.ID.String() + ">" }

// UserFlags are the flags on a user's account.
type UserFlags uint64

// Documented user flags.
const (
	UserFlagStaff                 UserFlags = 1 << 0
	UserFlagPartner               UserFlags = 1 << 1
	UserFlagHypesquad             UserFlags = 1 << 2
	UserFlagBugHunterLevel1       UserFlags = 1 << 3
	UserFlagHypesquadOnlineHouse1 UserFlags = 1 << 6
	UserFlagHypesquadOnlineHouse2 UserFlags = 1 << 7
	UserFlagHypesquadOnlineHouse3 UserFlags = 1 << 8
	UserFlagPremiumEarlySupporter UserFlags = 1 << 9
	UserFlagTeamPseudoUser        UserFlags = 1 << 10
	UserFlagBugHunterLevel2       UserFlags = 1 << 14
	UserFlagVerifiedBot           UserFlags = 1 << 16
	UserFlagVerifiedDeveloper     UserFlags = 1 << 17
	UserFlagCertifiedModerator    UserFlags = 1 << 18
	UserFlagBotHTTPInteractions   UserFlags = 1 << 19
)

// PremiumType is a user's level of Nitro subscription.
type PremiumType int

// Premium types.
const (
	PremiumTypeNone         PremiumType = 0
	PremiumTypeNitroClassic PremiumType = 1
	PremiumTypeNitro        PremiumType = 2
	PremiumTypeNitroBasic   PremiumType = 3
)

// AvatarDecorationData is the avatar decoration of a user or member.
type AvatarDecorationData struct {
	Asset string `json:"asset"`
	SKUID SKUID  `json:"sku_id"`
}

// Collectibles are the collectibles a user has, other than avatar
// decorations and profile effects.
type Collectibles struct {
	Nameplate *Nameplate `json:"nameplate,omitempty"`
}

// Nameplate is a user's nameplate collectible.
type Nameplate struct {
	SKUID   SKUID  `json:"sku_id"`
	Asset   string `json:"asset"`
	Label   string `json:"label"`
	Palette string `json:"palette"`
}

// PrimaryGuild is the guild whose server tag a user displays.
type PrimaryGuild struct {
	IdentityGuildID GuildID `json:"identity_guild_id"`
	IdentityEnabled *bool   `json:"identity_enabled"` // nil when the system cleared the identity
	Tag             *string `json:"tag"`
	Badge           *string `json:"badge"`
}
