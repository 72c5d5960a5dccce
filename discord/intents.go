package discord

import (
	"fmt"
	"math/bits"
	"strconv"
	"strings"
)

// Intents is the gateway intents bitfield sent in IDENTIFY. Each bit
// subscribes the session to a group of events (PROTOCOL.md §10).
type Intents uint64

// The documented intents. Bits 17-19, 22 and 23 are not documented.
const (
	IntentGuilds                      Intents = 1 << 0
	IntentGuildMembers                Intents = 1 << 1 // privileged
	IntentGuildModeration             Intents = 1 << 2
	IntentGuildExpressions            Intents = 1 << 3
	IntentGuildIntegrations           Intents = 1 << 4
	IntentGuildWebhooks               Intents = 1 << 5
	IntentGuildInvites                Intents = 1 << 6
	IntentGuildVoiceStates            Intents = 1 << 7
	IntentGuildPresences              Intents = 1 << 8 // privileged
	IntentGuildMessages               Intents = 1 << 9
	IntentGuildMessageReactions       Intents = 1 << 10
	IntentGuildMessageTyping          Intents = 1 << 11
	IntentDirectMessages              Intents = 1 << 12
	IntentDirectMessageReactions      Intents = 1 << 13
	IntentDirectMessageTyping         Intents = 1 << 14
	IntentMessageContent              Intents = 1 << 15 // privileged
	IntentGuildScheduledEvents        Intents = 1 << 16
	IntentAutoModerationConfiguration Intents = 1 << 20
	IntentAutoModerationExecution     Intents = 1 << 21
	IntentGuildMessagePolls           Intents = 1 << 24
	IntentDirectMessagePolls          Intents = 1 << 25
)

// Intent sets.
const (
	// IntentsPrivileged are the intents an application must enable (and,
	// past 100 guilds, be approved for) in the Developer Portal; asking for
	// one that is not enabled closes the session with 4014.
	IntentsPrivileged = IntentGuildMembers | IntentGuildPresences | IntentMessageContent

	// IntentsAll is every documented intent (53608447).
	IntentsAll Intents = IntentGuilds | IntentGuildMembers | IntentGuildModeration |
		IntentGuildExpressions | IntentGuildIntegrations | IntentGuildWebhooks |
		IntentGuildInvites | IntentGuildVoiceStates | IntentGuildPresences |
		IntentGuildMessages | IntentGuildMessageReactions | IntentGuildMessageTyping |
		IntentDirectMessages | IntentDirectMessageReactions | IntentDirectMessageTyping |
		IntentMessageContent | IntentGuildScheduledEvents |
		IntentAutoModerationConfiguration | IntentAutoModerationExecution |
		IntentGuildMessagePolls | IntentDirectMessagePolls

	// IntentsNonPrivileged is every documented intent that needs no
	// approval.
	IntentsNonPrivileged = IntentsAll &^ IntentsPrivileged
)

// intentNames is the table of documented intents, in bit order, with the
// names Discord's documentation uses.
var intentNames = [...]struct {
	bit  Intents
	name string
}{
	{IntentGuilds, "GUILDS"},
	{IntentGuildMembers, "GUILD_MEMBERS"},
	{IntentGuildModeration, "GUILD_MODERATION"},
	{IntentGuildExpressions, "GUILD_EXPRESSIONS"},
	{IntentGuildIntegrations, "GUILD_INTEGRATIONS"},
	{IntentGuildWebhooks, "GUILD_WEBHOOKS"},
	{IntentGuildInvites, "GUILD_INVITES"},
	{IntentGuildVoiceStates, "GUILD_VOICE_STATES"},
	{IntentGuildPresences, "GUILD_PRESENCES"},
	{IntentGuildMessages, "GUILD_MESSAGES"},
	{IntentGuildMessageReactions, "GUILD_MESSAGE_REACTIONS"},
	{IntentGuildMessageTyping, "GUILD_MESSAGE_TYPING"},
	{IntentDirectMessages, "DIRECT_MESSAGES"},
	{IntentDirectMessageReactions, "DIRECT_MESSAGE_REACTIONS"},
	{IntentDirectMessageTyping, "DIRECT_MESSAGE_TYPING"},
	{IntentMessageContent, "MESSAGE_CONTENT"},
	{IntentGuildScheduledEvents, "GUILD_SCHEDULED_EVENTS"},
	{IntentAutoModerationConfiguration, "AUTO_MODERATION_CONFIGURATION"},
	{IntentAutoModerationExecution, "AUTO_MODERATION_EXECUTION"},
	{IntentGuildMessagePolls, "GUILD_MESSAGE_POLLS"},
	{IntentDirectMessagePolls, "DIRECT_MESSAGE_POLLS"},
}

// intentAliases are older names Discord used for renamed intents.
var intentAliases = map[string]Intents{
	"GUILD_BANS":                IntentGuildModeration,
	"GUILD_EMOJIS_AND_STICKERS": IntentGuildExpressions,
}

// Has reports whether every bit of want is set in i.
func (i Intents) Has(want Intents) bool { return i&want == want }

// Privileged returns the privileged intents in i.
func (i Intents) Privileged() Intents { return i & IntentsPrivileged }

// Undocumented returns the bits of i that are not documented intents;
// Discord closes a session that asks for them with 4013.
func (i Intents) Undocumented() Intents { return i &^ IntentsAll }

// String lists the intents by name, joined with "|", for example
// "GUILD_MESSAGES|MESSAGE_CONTENT". Undocumented bits are shown in hex.
// The empty set is "0".
func (i Intents) String() string {
	return flagString(i.Names(), uint64(i.Undocumented()))
}

// Names returns the documented names of the intents set in i, in bit order.
func (i Intents) Names() []string {
	names := make([]string, 0, bits.OnesCount64(uint64(i&IntentsAll)))
	for _, n := range intentNames {
		if i&n.bit != 0 {
			names = append(names, n.name)
		}
	}
	return names
}

// ParseIntents parses a list of intent names or numbers separated by
// commas, "|" or spaces: "GUILD_MESSAGES,MESSAGE_CONTENT", "33280",
// "guild_messages|message_content". Names are case-insensitive and may drop
// the underscores ("GuildMessages"). The words "all", "privileged" and
// "unprivileged" stand for the matching sets.
func ParseIntents(s string) (Intents, error) {
	var out Intents
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '|' || r == ' ' || r == '+' })
	if len(fields) == 0 {
		return 0, fmt.Errorf("discord: no intents in %q", s)
	}
	for _, f := range fields {
		v, err := parseIntent(f)
		if err != nil {
			return 0, err
		}
		out |= v
	}
	return out, nil
}

func parseIntent(f string) (Intents, error) {
	if v, err := strconv.ParseUint(f, 0, 64); err == nil {
		return Intents(v), nil
	}
	key := normalizeIntentName(f)
	switch key {
	case "ALL":
		return IntentsAll, nil
	case "PRIVILEGED":
		return IntentsPrivileged, nil
	case "UNPRIVILEGED", "NONPRIVILEGED", "DEFAULT":
		return IntentsNonPrivileged, nil
	}
	for _, n := range intentNames {
		if normalizeIntentName(n.name) == key {
			return n.bit, nil
		}
	}
	for name, v := range intentAliases {
		if normalizeIntentName(name) == key {
			return v, nil
		}
	}
	return 0, fmt.Errorf("discord: unknown intent %q (known: %s)", f, strings.Join(IntentsAll.Names(), ", "))
}

// normalizeIntentName upper-cases and drops underscores and dashes, so
// "guild_messages", "GuildMessages" and "GUILD-MESSAGES" compare equal.
func normalizeIntentName(s string) string {
	s = strings.TrimPrefix(strings.TrimPrefix(s, "Intent"), "INTENT_")
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '_' || r == '-':
		case r >= 'a' && r <= 'z':
			b.WriteRune(r - 'a' + 'A')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
