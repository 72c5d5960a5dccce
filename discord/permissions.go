package discord

import (
	"fmt"
	"math/bits"
	"strconv"
	"strings"
)

// Permissions is a permission bit set (developers/topics/permissions.mdx).
// In JSON it is a decimal string ("2147483647"), because the set is wider
// than a JSON number can carry safely; a JSON number and null (zero) are
// accepted too.
type Permissions uint64

// The documented permissions, in bit order. Bit 47 is not documented.
const (
	PermissionCreateInstantInvite              Permissions = 1 << 0
	PermissionKickMembers                      Permissions = 1 << 1
	PermissionBanMembers                       Permissions = 1 << 2
	PermissionAdministrator                    Permissions = 1 << 3
	PermissionManageChannels                   Permissions = 1 << 4
	PermissionManageGuild                      Permissions = 1 << 5
	PermissionAddReactions                     Permissions = 1 << 6
	PermissionViewAuditLog                     Permissions = 1 << 7
	PermissionPrioritySpeaker                  Permissions = 1 << 8
	PermissionStream                           Permissions = 1 << 9
	PermissionViewChannel                      Permissions = 1 << 10
	PermissionSendMessages                     Permissions = 1 << 11
	PermissionSendTTSMessages                  Permissions = 1 << 12
	PermissionManageMessages                   Permissions = 1 << 13
	PermissionEmbedLinks                       Permissions = 1 << 14
	PermissionAttachFiles                      Permissions = 1 << 15
	PermissionReadMessageHistory               Permissions = 1 << 16
	PermissionMentionEveryone                  Permissions = 1 << 17
	PermissionUseExternalEmojis                Permissions = 1 << 18
	PermissionViewGuildInsights                Permissions = 1 << 19
	PermissionConnect                          Permissions = 1 << 20
	PermissionSpeak                            Permissions = 1 << 21
	PermissionMuteMembers                      Permissions = 1 << 22
	PermissionDeafenMembers                    Permissions = 1 << 23
	PermissionMoveMembers                      Permissions = 1 << 24
	PermissionUseVAD                           Permissions = 1 << 25
	PermissionChangeNickname                   Permissions = 1 << 26
	PermissionManageNicknames                  Permissions = 1 << 27
	PermissionManageRoles                      Permissions = 1 << 28
	PermissionManageWebhooks                   Permissions = 1 << 29
	PermissionManageGuildExpressions           Permissions = 1 << 30
	PermissionUseApplicationCommands           Permissions = 1 << 31
	PermissionRequestToSpeak                   Permissions = 1 << 32
	PermissionManageEvents                     Permissions = 1 << 33
	PermissionManageThreads                    Permissions = 1 << 34
	PermissionCreatePublicThreads              Permissions = 1 << 35
	PermissionCreatePrivateThreads             Permissions = 1 << 36
	PermissionUseExternalStickers              Permissions = 1 << 37
	PermissionSendMessagesInThreads            Permissions = 1 << 38
	PermissionUseEmbeddedActivities            Permissions = 1 << 39
	PermissionModerateMembers                  Permissions = 1 << 40
	PermissionViewCreatorMonetizationAnalytics Permissions = 1 << 41
	PermissionUseSoundboard                    Permissions = 1 << 42
	PermissionCreateGuildExpressions           Permissions = 1 << 43
	PermissionCreateEvents                     Permissions = 1 << 44
	PermissionUseExternalSounds                Permissions = 1 << 45
	PermissionSendVoiceMessages                Permissions = 1 << 46
	PermissionSetVoiceChannelStatus            Permissions = 1 << 48
	PermissionSendPolls                        Permissions = 1 << 49
	PermissionUseExternalApps                  Permissions = 1 << 50
	PermissionPinMessages                      Permissions = 1 << 51
	PermissionBypassSlowmode                   Permissions = 1 << 52
)

// PermissionsAll is every documented permission.
var PermissionsAll = func() Permissions {
	var all Permissions
	for _, p := range permissionTable {
		all |= p.bit
	}
	return all
}()

// permissionTable is the documented permission table: each bit with the
// name Discord's documentation uses, and whether a guild with server-wide
// 2FA requires the owner to have 2FA for it (the "*" column).
var permissionTable = [...]struct {
	bit      Permissions
	name     string
	needsMFA bool
}{
	{PermissionCreateInstantInvite, "CREATE_INSTANT_INVITE", false},
	{PermissionKickMembers, "KICK_MEMBERS", true},
	{PermissionBanMembers, "BAN_MEMBERS", true},
	{PermissionAdministrator, "ADMINISTRATOR", true},
	{PermissionManageChannels, "MANAGE_CHANNELS", true},
	{PermissionManageGuild, "MANAGE_GUILD", true},
	{PermissionAddReactions, "ADD_REACTIONS", false},
	{PermissionViewAuditLog, "VIEW_AUDIT_LOG", false},
	{PermissionPrioritySpeaker, "PRIORITY_SPEAKER", false},
	{PermissionStream, "STREAM", false},
	{PermissionViewChannel, "VIEW_CHANNEL", false},
	{PermissionSendMessages, "SEND_MESSAGES", false},
	{PermissionSendTTSMessages, "SEND_TTS_MESSAGES", false},
	{PermissionManageMessages, "MANAGE_MESSAGES", true},
	{PermissionEmbedLinks, "EMBED_LINKS", false},
	{PermissionAttachFiles, "ATTACH_FILES", false},
	{PermissionReadMessageHistory, "READ_MESSAGE_HISTORY", false},
	{PermissionMentionEveryone, "MENTION_EVERYONE", false},
	{PermissionUseExternalEmojis, "USE_EXTERNAL_EMOJIS", false},
	{PermissionViewGuildInsights, "VIEW_GUILD_INSIGHTS", false},
	{PermissionConnect, "CONNECT", false},
	{PermissionSpeak, "SPEAK", false},
	{PermissionMuteMembers, "MUTE_MEMBERS", false},
	{PermissionDeafenMembers, "DEAFEN_MEMBERS", false},
	{PermissionMoveMembers, "MOVE_MEMBERS", false},
	{PermissionUseVAD, "USE_VAD", false},
	{PermissionChangeNickname, "CHANGE_NICKNAME", false},
	{PermissionManageNicknames, "MANAGE_NICKNAMES", false},
	{PermissionManageRoles, "MANAGE_ROLES", true},
	{PermissionManageWebhooks, "MANAGE_WEBHOOKS", true},
	{PermissionManageGuildExpressions, "MANAGE_GUILD_EXPRESSIONS", true},
	{PermissionUseApplicationCommands, "USE_APPLICATION_COMMANDS", false},
	{PermissionRequestToSpeak, "REQUEST_TO_SPEAK", false},
	{PermissionManageEvents, "MANAGE_EVENTS", false},
	{PermissionManageThreads, "MANAGE_THREADS", true},
	{PermissionCreatePublicThreads, "CREATE_PUBLIC_THREADS", false},
	{PermissionCreatePrivateThreads, "CREATE_PRIVATE_THREADS", false},
	{PermissionUseExternalStickers, "USE_EXTERNAL_STICKERS", false},
	{PermissionSendMessagesInThreads, "SEND_MESSAGES_IN_THREADS", false},
	{PermissionUseEmbeddedActivities, "USE_EMBEDDED_ACTIVITIES", false},
	{PermissionModerateMembers, "MODERATE_MEMBERS", false},
	{PermissionViewCreatorMonetizationAnalytics, "VIEW_CREATOR_MONETIZATION_ANALYTICS", true},
	{PermissionUseSoundboard, "USE_SOUNDBOARD", false},
	{PermissionCreateGuildExpressions, "CREATE_GUILD_EXPRESSIONS", false},
	{PermissionCreateEvents, "CREATE_EVENTS", false},
	{PermissionUseExternalSounds, "USE_EXTERNAL_SOUNDS", false},
	{PermissionSendVoiceMessages, "SEND_VOICE_MESSAGES", false},
	{PermissionSetVoiceChannelStatus, "SET_VOICE_CHANNEL_STATUS", false},
	{PermissionSendPolls, "SEND_POLLS", false},
	{PermissionUseExternalApps, "USE_EXTERNAL_APPS", false},
	{PermissionPinMessages, "PIN_MESSAGES", false},
	{PermissionBypassSlowmode, "BYPASS_SLOWMODE", false},
}

// Has reports whether every bit of want is set in p. ADMINISTRATOR is not
// special here; see Effective.
func (p Permissions) Has(want Permissions) bool { return p&want == want }

// Effective returns p with every permission set when p includes
// ADMINISTRATOR, which "allows all permissions and bypasses channel
// permission overwrites".
func (p Permissions) Effective() Permissions {
	if p&PermissionAdministrator != 0 {
		return p | PermissionsAll
	}
	return p
}

// RequiresMFA returns the permissions in p that need the owner to have
// two-factor authentication in a guild with server-wide 2FA enabled.
func (p Permissions) RequiresMFA() Permissions {
	var out Permissions
	for _, e := range permissionTable {
		if e.needsMFA && p&e.bit != 0 {
			out |= e.bit
		}
	}
	return out
}

// Undocumented returns the bits of p that are not documented permissions.
func (p Permissions) Undocumented() Permissions { return p &^ PermissionsAll }

// Names returns the documented names of the permissions set in p, in bit
// order.
func (p Permissions) Names() []string {
	names := make([]string, 0, bits.OnesCount64(uint64(p&PermissionsAll)))
	for _, e := range permissionTable {
		if p&e.bit != 0 {
			names = append(names, e.name)
		}
	}
	return names
}

// String lists the permissions by name, joined with "|", for example
// "VIEW_CHANNEL|SEND_MESSAGES". Undocumented bits are shown in hex; the
// empty set is "0".
func (p Permissions) String() string {
	return flagString(p.Names(), uint64(p.Undocumented()))
}

// ParsePermissions parses a decimal bit set ("2048") or a list of
// permission names separated by commas, "|", "+" or spaces
// ("VIEW_CHANNEL|SEND_MESSAGES"). Names are case-insensitive.
func ParsePermissions(s string) (Permissions, error) {
	if v, err := strconv.ParseUint(strings.TrimSpace(s), 10, 64); err == nil {
		return Permissions(v), nil
	}
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '|' || r == ' ' || r == '+' })
	if len(fields) == 0 {
		return 0, fmt.Errorf("discord: no permissions in %q", s)
	}
	var out Permissions
next:
	for _, f := range fields {
		for _, e := range permissionTable {
			if strings.EqualFold(e.name, f) {
				out |= e.bit
				continue next
			}
		}
		return 0, fmt.Errorf("discord: unknown permission %q", f)
	}
	return out, nil
}

// MarshalJSON encodes p as a decimal JSON string.
func (p Permissions) MarshalJSON() ([]byte, error) {
	b := make([]byte, 0, 22)
	b = append(b, '"')
	b = strconv.AppendUint(b, uint64(p), 10)
	return append(b, '"'), nil
}

// UnmarshalJSON accepts a decimal JSON string, a JSON integer, or null
// (zero).
func (p *Permissions) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*p = 0
		return nil
	}
	in := b
	if len(in) >= 2 && in[0] == '"' && in[len(in)-1] == '"' {
		in = in[1 : len(in)-1]
	}
	v, ok := parseDecimal(in)
	if !ok {
		return fmt.Errorf("discord: invalid permissions %s", truncateForError(b))
	}
	*p = Permissions(v)
	return nil
}

// truncateForError shortens untrusted input quoted in an error message.
func truncateForError(b []byte) string {
	if len(b) > 32 {
		return string(b[:32]) + "..."
	}
	return string(b)
}
