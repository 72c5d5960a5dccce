package discord

// Role is a set of permissions given to members of a guild
// (developers/topics/permissions.mdx, Role Object). The @everyone role has
// the guild's ID.
type Role struct {
	ID           RoleID      `json:"id"`
	Name         string      `json:"name"`
	Color        int         `json:"color"` // deprecated by Discord in favour of Colors
	Colors       RoleColors  `json:"colors"`
	Hoist        bool        `json:"hoist"`
	Icon         *string     `json:"icon,omitempty"`
	UnicodeEmoji *string     `json:"unicode_emoji,omitempty"`
	Position     int         `json:"position"`
	Permissions  Permissions `json:"permissions"`
	Managed      bool        `json:"managed"`
	Mentionable  bool        `json:"mentionable"`
	Tags         *RoleTags   `json:"tags,omitempty"`
	Flags        RoleFlags   `json:"flags"`
}

// Mention is the message markup that mentions the role: "<@&id>".
func (r *Role) Mention() string { return "<@&" + r.ID.String() + ">" }

// RoleColors are a role's colours. Secondary and tertiary colours need the
// guild's ENHANCED_ROLE_COLORS feature.
type RoleColors struct {
	PrimaryColor   int  `json:"primary_color"`
	SecondaryColor *int `json:"secondary_color"`
	TertiaryColor  *int `json:"tertiary_color"`
}

// RoleTags say what a role belongs to.
type RoleTags struct {
	BotID                 UserID        `json:"bot_id,omitempty"`
	IntegrationID         IntegrationID `json:"integration_id,omitempty"`
	PremiumSubscriber     RoleTagFlag   `json:"premium_subscriber,omitempty"`
	SubscriptionListingID SKUID         `json:"subscription_listing_id,omitempty"`
	AvailableForPurchase  RoleTagFlag   `json:"available_for_purchase,omitempty"`
	GuildConnections      RoleTagFlag   `json:"guild_connections,omitempty"`
}

// RoleTagFlag is a role tag whose presence is the value: Discord sends
// the key with a null value for true and leaves it out for false
// (developers/topics/permissions.mdx, Role Tags Structure).
type RoleTagFlag bool

// MarshalJSON encodes true as null; false is left out by omitempty.
func (f RoleTagFlag) MarshalJSON() ([]byte, error) {
	if f {
		return []byte("null"), nil
	}
	return []byte("false"), nil
}

// UnmarshalJSON sets f: a present key means true, whatever its value,
// except an explicit false.
func (f *RoleTagFlag) UnmarshalJSON(b []byte) error {
	*f = string(b) != "false"
	return nil
}

// RoleFlags are role flags.
type RoleFlags uint64

// RoleFlagInPrompt marks a role that members can pick in an onboarding
// prompt.
const RoleFlagInPrompt RoleFlags = 1 << 0
