package discord

import (
	"encoding/json"
	"errors"
	"fmt"
)

// Interaction is a slash command, context-menu command, component use,
// autocomplete request or modal submit
// (developers/interactions/receiving-and-responding.mdx). Member is set
// in guilds, User in DMs; Invoker returns whichever is present.
//
// Data is kept raw because its shape depends on Type; CommandData,
// ComponentData and ModalSubmitData decode it. Token answers the
// interaction for 15 minutes: treat it as a secret.
type Interaction struct {
	ID                           InteractionID                            `json:"id"`
	ApplicationID                ApplicationID                            `json:"application_id"`
	Type                         InteractionType                          `json:"type"`
	Data                         json.RawMessage                          `json:"data,omitempty"`
	Guild                        *Guild                                   `json:"guild,omitempty"` // partial
	GuildID                      GuildID                                  `json:"guild_id,omitempty"`
	Channel                      *Channel                                 `json:"channel,omitempty"` // partial
	ChannelID                    ChannelID                                `json:"channel_id,omitempty"`
	Member                       *Member                                  `json:"member,omitempty"`
	User                         *User                                    `json:"user,omitempty"`
	Token                        string                                   `json:"token"`
	Version                      int                                      `json:"version"`
	Message                      *Message                                 `json:"message,omitempty"`
	AppPermissions               Permissions                              `json:"app_permissions"`
	Locale                       string                                   `json:"locale,omitempty"`
	GuildLocale                  string                                   `json:"guild_locale,omitempty"`
	Entitlements                 []Entitlement                            `json:"entitlements"`
	AuthorizingIntegrationOwners map[ApplicationIntegrationType]Snowflake `json:"authorizing_integration_owners,omitempty"`
	Context                      *InteractionContextType                  `json:"context,omitempty"`
	AttachmentSizeLimit          int                                      `json:"attachment_size_limit,omitempty"`
}

// Invoker is the user who triggered the interaction: Member.User in a
// guild, User elsewhere. It is nil only for PING.
func (i *Interaction) Invoker() *User {
	if i.Member != nil && i.Member.User != nil {
		return i.Member.User
	}
	return i.User
}

// ErrNoInteractionData is returned when an interaction's data is missing
// or is not of the asked kind.
var ErrNoInteractionData = errors.New("discord: interaction has no data of that kind")

// CommandData decodes Data for APPLICATION_COMMAND and
// APPLICATION_COMMAND_AUTOCOMPLETE interactions.
func (i *Interaction) CommandData() (*ApplicationCommandData, error) {
	if i.Type != InteractionTypeApplicationCommand && i.Type != InteractionTypeApplicationCommandAutocomplete {
		return nil, fmt.Errorf("%w: type %d", ErrNoInteractionData, i.Type)
	}
	var d ApplicationCommandData
	return &d, i.decodeData(&d)
}

// ComponentData decodes Data for MESSAGE_COMPONENT interactions.
func (i *Interaction) ComponentData() (*ComponentInteractionData, error) {
	if i.Type != InteractionTypeMessageComponent {
		return nil, fmt.Errorf("%w: type %d", ErrNoInteractionData, i.Type)
	}
	var d ComponentInteractionData
	return &d, i.decodeData(&d)
}

// ModalSubmitData decodes Data for MODAL_SUBMIT interactions.
func (i *Interaction) ModalSubmitData() (*ModalSubmitData, error) {
	if i.Type != InteractionTypeModalSubmit {
		return nil, fmt.Errorf("%w: type %d", ErrNoInteractionData, i.Type)
	}
	var d ModalSubmitData
	return &d, i.decodeData(&d)
}

func (i *Interaction) decodeData(v any) error {
	if len(i.Data) == 0 || string(i.Data) == "null" {
		return ErrNoInteractionData
	}
	if err := json.Unmarshal(i.Data, v); err != nil {
		return fmt.Errorf("discord: decoding interaction data: %w", err)
	}
	return nil
}

// InteractionType is the kind of an interaction.
type InteractionType int

// Interaction types.
const (
	InteractionTypePing                           InteractionType = 1
	InteractionTypeApplicationCommand             InteractionType = 2
	InteractionTypeMessageComponent               InteractionType = 3
	InteractionTypeApplicationCommandAutocomplete InteractionType = 4
	InteractionTypeModalSubmit                    InteractionType = 5
)

// InteractionContextType is where an interaction was triggered.
type InteractionContextType int

// Interaction context types.
const (
	InteractionContextGuild          InteractionContextType = 0
	InteractionContextBotDM          InteractionContextType = 1
	InteractionContextPrivateChannel InteractionContextType = 2
)

// ApplicationCommandData is the data of a command or autocomplete
// interaction. TargetID is the user or message of a context-menu command.
type ApplicationCommandData struct {
	ID       CommandID                      `json:"id"`
	Name     string                         `json:"name"`
	Type     ApplicationCommandType         `json:"type"`
	Resolved *ResolvedData                  `json:"resolved,omitempty"`
	Options  []ApplicationCommandDataOption `json:"options,omitempty"`
	GuildID  GuildID                        `json:"guild_id,omitempty"`
	TargetID Snowflake                      `json:"target_id,omitempty"`
}

// Option returns the top-level option with the given name.
func (d *ApplicationCommandData) Option(name string) (*ApplicationCommandDataOption, bool) {
	return findOption(d.Options, name)
}

// ApplicationCommandType is the kind of an application command.
type ApplicationCommandType int

// Application command types.
const (
	CommandTypeChatInput         ApplicationCommandType = 1 // slash command
	CommandTypeUser              ApplicationCommandType = 2 // user context menu
	CommandTypeMessage           ApplicationCommandType = 3 // message context menu
	CommandTypePrimaryEntryPoint ApplicationCommandType = 4 // launches the app's Activity
)

// ApplicationCommandDataOption is an option the user filled in, or a
// subcommand (group) holding further Options. Value is kept raw: a string,
// integer, double or boolean per Type; the typed accessors read it.
type ApplicationCommandDataOption struct {
	Name    string                         `json:"name"`
	Type    ApplicationCommandOptionType   `json:"type"`
	Value   json.RawMessage                `json:"value,omitempty"`
	Options []ApplicationCommandDataOption `json:"options,omitempty"`
	Focused bool                           `json:"focused,omitempty"`
}

// Option returns the nested option with the given name.
func (o *ApplicationCommandDataOption) Option(name string) (*ApplicationCommandDataOption, bool) {
	return findOption(o.Options, name)
}

func findOption(opts []ApplicationCommandDataOption, name string) (*ApplicationCommandDataOption, bool) {
	for i := range opts {
		if opts[i].Name == name {
			return &opts[i], true
		}
	}
	return nil, false
}

// StringValue returns a STRING option's value. During autocomplete, a
// partially typed number also arrives as a string.
func (o *ApplicationCommandDataOption) StringValue() (string, error) {
	var s string
	err := o.decodeValue(&s)
	return s, err
}

// IntValue returns an INTEGER option's value.
func (o *ApplicationCommandDataOption) IntValue() (int64, error) {
	var n int64
	err := o.decodeValue(&n)
	return n, err
}

// FloatValue returns a NUMBER (or INTEGER) option's value.
func (o *ApplicationCommandDataOption) FloatValue() (float64, error) {
	var f float64
	err := o.decodeValue(&f)
	return f, err
}

// BoolValue returns a BOOLEAN option's value.
func (o *ApplicationCommandDataOption) BoolValue() (bool, error) {
	var b bool
	err := o.decodeValue(&b)
	return b, err
}

// IDValue returns the ID of a USER, CHANNEL, ROLE, MENTIONABLE or
// ATTACHMENT option; look it up in the data's Resolved maps.
func (o *ApplicationCommandDataOption) IDValue() (Snowflake, error) {
	var s Snowflake
	if len(o.Value) == 0 {
		return 0, fmt.Errorf("discord: option %q has no value", o.Name)
	}
	if err := s.UnmarshalJSON(o.Value); err != nil {
		return 0, fmt.Errorf("discord: option %q: %w", o.Name, err)
	}
	return s, nil
}

func (o *ApplicationCommandDataOption) decodeValue(v any) error {
	if len(o.Value) == 0 {
		return fmt.Errorf("discord: option %q has no value", o.Name)
	}
	if err := json.Unmarshal(o.Value, v); err != nil {
		return fmt.Errorf("discord: option %q (type %d): %w", o.Name, o.Type, err)
	}
	return nil
}

// ApplicationCommandOptionType is the kind of a command option.
type ApplicationCommandOptionType int

// Application command option types.
const (
	OptionTypeSubCommand      ApplicationCommandOptionType = 1
	OptionTypeSubCommandGroup ApplicationCommandOptionType = 2
	OptionTypeString          ApplicationCommandOptionType = 3
	OptionTypeInteger         ApplicationCommandOptionType = 4 // between -2^53+1 and 2^53-1
	OptionTypeBoolean         ApplicationCommandOptionType = 5
	OptionTypeUser            ApplicationCommandOptionType = 6
	OptionTypeChannel         ApplicationCommandOptionType = 7
	OptionTypeRole            ApplicationCommandOptionType = 8
	OptionTypeMentionable     ApplicationCommandOptionType = 9
	OptionTypeNumber          ApplicationCommandOptionType = 10
	OptionTypeAttachment      ApplicationCommandOptionType = 11
)

// ResolvedData holds the users, members, roles, channels, messages and
// attachments an interaction refers to, by ID. Members and channels are
// partial; a member's user is in Users.
type ResolvedData struct {
	Users       map[UserID]User             `json:"users,omitempty"`
	Members     map[UserID]Member           `json:"members,omitempty"`
	Roles       map[RoleID]Role             `json:"roles,omitempty"`
	Channels    map[ChannelID]Channel       `json:"channels,omitempty"`
	Messages    map[MessageID]Message       `json:"messages,omitempty"`
	Attachments map[AttachmentID]Attachment `json:"attachments,omitempty"`
}

// ComponentInteractionData is the data of a MESSAGE_COMPONENT interaction.
type ComponentInteractionData struct {
	CustomID      string        `json:"custom_id"`
	ComponentType ComponentType `json:"component_type"`
	Values        []string      `json:"values,omitempty"` // select menus
	Resolved      *ResolvedData `json:"resolved,omitempty"`
}

// ModalSubmitData is the data of a MODAL_SUBMIT interaction. Components
// are kept raw; see Component.
type ModalSubmitData struct {
	CustomID   string        `json:"custom_id"`
	Components []Component   `json:"components"`
	Resolved   *ResolvedData `json:"resolved,omitempty"`
}

// InteractionResponse answers an interaction: the body of POST
// /interactions/{id}/{token}/callback. Over the gateway too, the answer
// goes by HTTP, within 3 seconds.
type InteractionResponse struct {
	Type InteractionResponseType  `json:"type"`
	Data *InteractionResponseData `json:"data,omitempty"`
}

// InteractionResponseType is the kind of an interaction response.
type InteractionResponseType int

// Interaction callback types. 11 is not documented.
const (
	InteractionResponsePong                                 InteractionResponseType = 1
	InteractionResponseChannelMessageWithSource             InteractionResponseType = 4
	InteractionResponseDeferredChannelMessageWithSource     InteractionResponseType = 5
	InteractionResponseDeferredUpdateMessage                InteractionResponseType = 6 // components only
	InteractionResponseUpdateMessage                        InteractionResponseType = 7 // components only
	InteractionResponseApplicationCommandAutocompleteResult InteractionResponseType = 8
	InteractionResponseModal                                InteractionResponseType = 9
	InteractionResponsePremiumRequired                      InteractionResponseType = 10 // deprecated by Discord
	InteractionResponseLaunchActivity                       InteractionResponseType = 12
)

// InteractionResponseData is the data of an interaction response. It
// unites Discord's three shapes: a message (TTS to Poll), autocomplete
// choices (Choices), and a modal (CustomID, Title, Components).
type InteractionResponseData struct {
	TTS             bool                             `json:"tts,omitempty"`
	Content         string                           `json:"content,omitempty"`
	Embeds          []Embed                          `json:"embeds,omitempty"`
	AllowedMentions *AllowedMentions                 `json:"allowed_mentions,omitempty"`
	Flags           MessageFlags                     `json:"flags,omitempty"` // for deferred responses only Ephemeral is valid
	Components      []Component                      `json:"components,omitempty"`
	Attachments     []Attachment                     `json:"attachments,omitempty"` // partial: id, filename, description
	Poll            *PollCreate                      `json:"poll,omitempty"`
	Choices         []ApplicationCommandOptionChoice `json:"choices,omitempty"` // at most 25
	CustomID        string                           `json:"custom_id,omitempty"`
	Title           string                           `json:"title,omitempty"`
}

// ApplicationCommandOptionChoice is a choice of a command option or an
// autocomplete answer. Value is a string, an integer or a float.
type ApplicationCommandOptionChoice struct {
	Name              string            `json:"name"`
	NameLocalizations map[string]string `json:"name_localizations,omitempty"`
	Value             any               `json:"value"`
	// NameLocalized is Name in the requesting user's locale (answers
	// only).
	NameLocalized string `json:"name_localized,omitempty"`
}

// GuildApplicationCommandPermissions are the permissions of one command,
// or of all commands when ID is the application's ID, in a guild.
type GuildApplicationCommandPermissions struct {
	ID            Snowflake                      `json:"id"` // a CommandID or the ApplicationID
	ApplicationID ApplicationID                  `json:"application_id"`
	GuildID       GuildID                        `json:"guild_id"`
	Permissions   []ApplicationCommandPermission `json:"permissions"`
}

// ApplicationCommandPermission allows or denies a command to a role, user
// or channel. The guild's ID stands for @everyone, the guild's ID minus 1
// for all channels.
type ApplicationCommandPermission struct {
	ID         Snowflake                        `json:"id"`
	Type       ApplicationCommandPermissionType `json:"type"`
	Permission bool                             `json:"permission"`
}

// ApplicationCommandPermissionType says what a command permission is for.
type ApplicationCommandPermissionType int

// Application command permission types.
const (
	CommandPermissionRole    ApplicationCommandPermissionType = 1
	CommandPermissionUser    ApplicationCommandPermissionType = 2
	CommandPermissionChannel ApplicationCommandPermissionType = 3
)

// AllChannelsPermissionID is the ID that stands for every channel of a
// guild in command permissions: the guild's ID minus 1.
func AllChannelsPermissionID(guild GuildID) Snowflake { return Snowflake(guild) - 1 }
