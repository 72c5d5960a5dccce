package discord

import "time"

// Member is a user's membership of a guild
// (developers/resources/guild.mdx, Guild Member Object).
//
// User is absent from the member attached to MESSAGE_CREATE and
// MESSAGE_UPDATE, and from the partial members of interaction resolved
// data. JoinedAt is zero for guests invited to a voice channel (Discord
// sends null).
type Member struct {
	User                       *User                 `json:"user,omitempty"`
	Nick                       *string               `json:"nick,omitempty"`
	Avatar                     *string               `json:"avatar,omitempty"`
	Banner                     *string               `json:"banner,omitempty"`
	Roles                      []RoleID              `json:"roles"`
	JoinedAt                   time.Time             `json:"joined_at,omitzero"`
	PremiumSince               *time.Time            `json:"premium_since,omitempty"`
	Deaf                       bool                  `json:"deaf"`
	Mute                       bool                  `json:"mute"`
	Flags                      MemberFlags           `json:"flags"`
	Pending                    bool                  `json:"pending,omitempty"`
	Permissions                Permissions           `json:"permissions,omitempty"` // only in interactions
	CommunicationDisabledUntil *time.Time            `json:"communication_disabled_until,omitempty"`
	AvatarDecorationData       *AvatarDecorationData `json:"avatar_decoration_data,omitempty"`
	Collectibles               *Collectibles         `json:"collectibles,omitempty"`
}

// DisplayName is the member's guild nickname, else the user's display
// name, else the username.
func (m *Member) DisplayName() string {
	if m.Nick != nil && *m.Nick != "" {
		return *m.Nick
	}
	if m.User != nil {
		return m.User.DisplayName()
	}
	return ""
}

// TimedOut reports whether the member's timeout lasts past now.
func (m *Member) TimedOut(now time.Time) bool {
	return m.CommunicationDisabledUntil != nil && m.CommunicationDisabledUntil.After(now)
}

// MemberFlags are guild member flags.
type MemberFlags uint64

// Documented guild member flags.
const (
	MemberFlagDidRejoin                    MemberFlags = 1 << 0
	MemberFlagCompletedOnboarding          MemberFlags = 1 << 1
	MemberFlagBypassesVerification         MemberFlags = 1 << 2
	MemberFlagStartedOnboarding            MemberFlags = 1 << 3
	MemberFlagIsGuest                      MemberFlags = 1 << 4
	MemberFlagStartedHomeActions           MemberFlags = 1 << 5
	MemberFlagCompletedHomeActions         MemberFlags = 1 << 6
	MemberFlagAutomodQuarantinedUsername   MemberFlags = 1 << 7
	MemberFlagDMSettingsUpsellAcknowledged MemberFlags = 1 << 9
	MemberFlagAutomodQuarantinedGuildTag   MemberFlags = 1 << 10
)
