package discord

import "sort"

// Event is a typed gateway dispatch: the d of an op 0 payload, decoded
// into the struct registered for its t (PROTOCOL.md §12). EventName returns
// that t. Every event struct has a value receiver, so values and pointers
// both satisfy Event.
type Event interface {
	EventName() string
}

// Dispatch event names: the t of op 0 payloads, in the order of Discord's
// Receive Events table. HELLO, RECONNECT and INVALID_SESSION are not
// dispatches (they have their own opcodes) and are not listed.
const (
	EventReady                               = "READY"
	EventResumed                             = "RESUMED"
	EventRateLimited                         = "RATE_LIMITED"
	EventApplicationCommandPermissionsUpdate = "APPLICATION_COMMAND_PERMISSIONS_UPDATE"
	EventAutoModerationRuleCreate            = "AUTO_MODERATION_RULE_CREATE"
	EventAutoModerationRuleUpdate            = "AUTO_MODERATION_RULE_UPDATE"
	EventAutoModerationRuleDelete            = "AUTO_MODERATION_RULE_DELETE"
	EventAutoModerationActionExecution       = "AUTO_MODERATION_ACTION_EXECUTION"
	EventChannelCreate                       = "CHANNEL_CREATE"
	EventChannelUpdate                       = "CHANNEL_UPDATE"
	EventChannelDelete                       = "CHANNEL_DELETE"
	EventChannelInfo                         = "CHANNEL_INFO"
	EventChannelPinsUpdate                   = "CHANNEL_PINS_UPDATE"
	EventThreadCreate                        = "THREAD_CREATE"
	EventThreadUpdate                        = "THREAD_UPDATE"
	EventThreadDelete                        = "THREAD_DELETE"
	EventThreadListSync                      = "THREAD_LIST_SYNC"
	EventThreadMemberUpdate                  = "THREAD_MEMBER_UPDATE"
	EventThreadMembersUpdate                 = "THREAD_MEMBERS_UPDATE"
	EventEntitlementCreate                   = "ENTITLEMENT_CREATE"
	EventEntitlementUpdate                   = "ENTITLEMENT_UPDATE"
	EventEntitlementDelete                   = "ENTITLEMENT_DELETE"
	EventGuildCreate                         = "GUILD_CREATE"
	EventGuildUpdate                         = "GUILD_UPDATE"
	EventGuildDelete                         = "GUILD_DELETE"
	EventGuildAuditLogEntryCreate            = "GUILD_AUDIT_LOG_ENTRY_CREATE"
	EventGuildBanAdd                         = "GUILD_BAN_ADD"
	EventGuildBanRemove                      = "GUILD_BAN_REMOVE"
	EventGuildEmojisUpdate                   = "GUILD_EMOJIS_UPDATE"
	EventGuildStickersUpdate                 = "GUILD_STICKERS_UPDATE"
	EventGuildIntegrationsUpdate             = "GUILD_INTEGRATIONS_UPDATE"
	EventGuildMemberAdd                      = "GUILD_MEMBER_ADD"
	EventGuildMemberRemove                   = "GUILD_MEMBER_REMOVE"
	EventGuildMemberUpdate                   = "GUILD_MEMBER_UPDATE"
	EventGuildMembersChunk                   = "GUILD_MEMBERS_CHUNK"
	EventGuildRoleCreate                     = "GUILD_ROLE_CREATE"
	EventGuildRoleUpdate                     = "GUILD_ROLE_UPDATE"
	EventGuildRoleDelete                     = "GUILD_ROLE_DELETE"
	EventGuildScheduledEventCreate           = "GUILD_SCHEDULED_EVENT_CREATE"
	EventGuildScheduledEventUpdate           = "GUILD_SCHEDULED_EVENT_UPDATE"
	EventGuildScheduledEventDelete           = "GUILD_SCHEDULED_EVENT_DELETE"
	EventGuildScheduledEventUserAdd          = "GUILD_SCHEDULED_EVENT_USER_ADD"
	EventGuildScheduledEventUserRemove       = "GUILD_SCHEDULED_EVENT_USER_REMOVE"
	EventGuildSoundboardSoundCreate          = "GUILD_SOUNDBOARD_SOUND_CREATE"
	EventGuildSoundboardSoundUpdate          = "GUILD_SOUNDBOARD_SOUND_UPDATE"
	EventGuildSoundboardSoundDelete          = "GUILD_SOUNDBOARD_SOUND_DELETE"
	EventGuildSoundboardSoundsUpdate         = "GUILD_SOUNDBOARD_SOUNDS_UPDATE"
	EventSoundboardSounds                    = "SOUNDBOARD_SOUNDS"
	EventIntegrationCreate                   = "INTEGRATION_CREATE"
	EventIntegrationUpdate                   = "INTEGRATION_UPDATE"
	EventIntegrationDelete                   = "INTEGRATION_DELETE"
	EventInteractionCreate                   = "INTERACTION_CREATE"
	EventInviteCreate                        = "INVITE_CREATE"
	EventInviteDelete                        = "INVITE_DELETE"
	EventMessageCreate                       = "MESSAGE_CREATE"
	EventMessageUpdate                       = "MESSAGE_UPDATE"
	EventMessageDelete                       = "MESSAGE_DELETE"
	EventMessageDeleteBulk                   = "MESSAGE_DELETE_BULK"
	EventMessageReactionAdd                  = "MESSAGE_REACTION_ADD"
	EventMessageReactionRemove               = "MESSAGE_REACTION_REMOVE"
	EventMessageReactionRemoveAll            = "MESSAGE_REACTION_REMOVE_ALL"
	EventMessageReactionRemoveEmoji          = "MESSAGE_REACTION_REMOVE_EMOJI"
	EventPresenceUpdate                      = "PRESENCE_UPDATE"
	EventStageInstanceCreate                 = "STAGE_INSTANCE_CREATE"
	EventStageInstanceUpdate                 = "STAGE_INSTANCE_UPDATE"
	EventStageInstanceDelete                 = "STAGE_INSTANCE_DELETE"
	EventSubscriptionCreate                  = "SUBSCRIPTION_CREATE"
	EventSubscriptionUpdate                  = "SUBSCRIPTION_UPDATE"
	EventSubscriptionDelete                  = "SUBSCRIPTION_DELETE"
	EventTypingStart                         = "TYPING_START"
	EventUserUpdate                          = "USER_UPDATE"
	EventVoiceChannelEffectSend              = "VOICE_CHANNEL_EFFECT_SEND"
	EventVoiceChannelStartTimeUpdate         = "VOICE_CHANNEL_START_TIME_UPDATE"
	EventVoiceChannelStatusUpdate            = "VOICE_CHANNEL_STATUS_UPDATE"
	EventVoiceStateUpdate                    = "VOICE_STATE_UPDATE"
	EventVoiceServerUpdate                   = "VOICE_SERVER_UPDATE"
	EventWebhooksUpdate                      = "WEBHOOKS_UPDATE"
	EventMessagePollVoteAdd                  = "MESSAGE_POLL_VOTE_ADD"
	EventMessagePollVoteRemove               = "MESSAGE_POLL_VOTE_REMOVE"
)

// eventTypes is the registry of typed dispatch events: one constructor per
// documented event name.
var eventTypes = map[string]func() Event{
	EventReady:                               func() Event { return new(Ready) },
	EventResumed:                             func() Event { return new(Resumed) },
	EventRateLimited:                         func() Event { return new(RateLimited) },
	EventApplicationCommandPermissionsUpdate: func() Event { return new(ApplicationCommandPermissionsUpdate) },
	EventAutoModerationRuleCreate:            func() Event { return new(AutoModerationRuleCreate) },
	EventAutoModerationRuleUpdate:            func() Event { return new(AutoModerationRuleUpdate) },
	EventAutoModerationRuleDelete:            func() Event { return new(AutoModerationRuleDelete) },
	EventAutoModerationActionExecution:       func() Event { return new(AutoModerationActionExecution) },
	EventChannelCreate:                       func() Event { return new(ChannelCreate) },
	EventChannelUpdate:                       func() Event { return new(ChannelUpdate) },
	EventChannelDelete:                       func() Event { return new(ChannelDelete) },
	EventChannelInfo:                         func() Event { return new(ChannelInfo) },
	EventChannelPinsUpdate:                   func() Event { return new(ChannelPinsUpdate) },
	EventThreadCreate:                        func() Event { return new(ThreadCreate) },
	EventThreadUpdate:                        func() Event { return new(ThreadUpdate) },
	EventThreadDelete:                        func() Event { return new(ThreadDelete) },
	EventThreadListSync:                      func() Event { return new(ThreadListSync) },
	EventThreadMemberUpdate:                  func() Event { return new(ThreadMemberUpdate) },
	EventThreadMembersUpdate:                 func() Event { return new(ThreadMembersUpdate) },
	EventEntitlementCreate:                   func() Event { return new(EntitlementCreate) },
	EventEntitlementUpdate:                   func() Event { return new(EntitlementUpdate) },
	EventEntitlementDelete:                   func() Event { return new(EntitlementDelete) },
	EventGuildCreate:                         func() Event { return new(GuildCreate) },
	EventGuildUpdate:                         func() Event { return new(GuildUpdate) },
	EventGuildDelete:                         func() Event { return new(GuildDelete) },
	EventGuildAuditLogEntryCreate:            func() Event { return new(GuildAuditLogEntryCreate) },
	EventGuildBanAdd:                         func() Event { return new(GuildBanAdd) },
	EventGuildBanRemove:                      func() Event { return new(GuildBanRemove) },
	EventGuildEmojisUpdate:                   func() Event { return new(GuildEmojisUpdate) },
	EventGuildStickersUpdate:                 func() Event { return new(GuildStickersUpdate) },
	EventGuildIntegrationsUpdate:             func() Event { return new(GuildIntegrationsUpdate) },
	EventGuildMemberAdd:                      func() Event { return new(GuildMemberAdd) },
	EventGuildMemberRemove:                   func() Event { return new(GuildMemberRemove) },
	EventGuildMemberUpdate:                   func() Event { return new(GuildMemberUpdate) },
	EventGuildMembersChunk:                   func() Event { return new(GuildMembersChunk) },
	EventGuildRoleCreate:                     func() Event { return new(GuildRoleCreate) },
	EventGuildRoleUpdate:                     func() Event { return new(GuildRoleUpdate) },
	EventGuildRoleDelete:                     func() Event { return new(GuildRoleDelete) },
	EventGuildScheduledEventCreate:           func() Event { return new(GuildScheduledEventCreate) },
	EventGuildScheduledEventUpdate:           func() Event { return new(GuildScheduledEventUpdate) },
	EventGuildScheduledEventDelete:           func() Event { return new(GuildScheduledEventDelete) },
	EventGuildScheduledEventUserAdd:          func() Event { return new(GuildScheduledEventUserAdd) },
	EventGuildScheduledEventUserRemove:       func() Event { return new(GuildScheduledEventUserRemove) },
	EventGuildSoundboardSoundCreate:          func() Event { return new(GuildSoundboardSoundCreate) },
	EventGuildSoundboardSoundUpdate:          func() Event { return new(GuildSoundboardSoundUpdate) },
	EventGuildSoundboardSoundDelete:          func() Event { return new(GuildSoundboardSoundDelete) },
	EventGuildSoundboardSoundsUpdate:         func() Event { return new(GuildSoundboardSoundsUpdate) },
	EventSoundboardSounds:                    func() Event { return new(SoundboardSounds) },
	EventIntegrationCreate:                   func() Event { return new(IntegrationCreate) },
	EventIntegrationUpdate:                   func() Event { return new(IntegrationUpdate) },
	EventIntegrationDelete:                   func() Event { return new(IntegrationDelete) },
	EventInteractionCreate:                   func() Event { return new(InteractionCreate) },
	EventInviteCreate:                        func() Event { return new(InviteCreate) },
	EventInviteDelete:                        func() Event { return new(InviteDelete) },
	EventMessageCreate:                       func() Event { return new(MessageCreate) },
	EventMessageUpdate:                       func() Event { return new(MessageUpdate) },
	EventMessageDelete:                       func() Event { return new(MessageDelete) },
	EventMessageDeleteBulk:                   func() Event { return new(MessageDeleteBulk) },
	EventMessageReactionAdd:                  func() Event { return new(MessageReactionAdd) },
	EventMessageReactionRemove:               func() Event { return new(MessageReactionRemove) },
	EventMessageReactionRemoveAll:            func() Event { return new(MessageReactionRemoveAll) },
	EventMessageReactionRemoveEmoji:          func() Event { return new(MessageReactionRemoveEmoji) },
	EventPresenceUpdate:                      func() Event { return new(PresenceUpdate) },
	EventStageInstanceCreate:                 func() Event { return new(StageInstanceCreate) },
	EventStageInstanceUpdate:                 func() Event { return new(StageInstanceUpdate) },
	EventStageInstanceDelete:                 func() Event { return new(StageInstanceDelete) },
	EventSubscriptionCreate:                  func() Event { return new(SubscriptionCreate) },
	EventSubscriptionUpdate:                  func() Event { return new(SubscriptionUpdate) },
	EventSubscriptionDelete:                  func() Event { return new(SubscriptionDelete) },
	EventTypingStart:                         func() Event { return new(TypingStart) },
	EventUserUpdate:                          func() Event { return new(UserUpdate) },
	EventVoiceChannelEffectSend:              func() Event { return new(VoiceChannelEffectSend) },
	EventVoiceChannelStartTimeUpdate:         func() Event { return new(VoiceChannelStartTimeUpdate) },
	EventVoiceChannelStatusUpdate:            func() Event { return new(VoiceChannelStatusUpdate) },
	EventVoiceStateUpdate:                    func() Event { return new(VoiceStateUpdate) },
	EventVoiceServerUpdate:                   func() Event { return new(VoiceServerUpdate) },
	EventWebhooksUpdate:                      func() Event { return new(WebhooksUpdate) },
	EventMessagePollVoteAdd:                  func() Event { return new(MessagePollVoteAdd) },
	EventMessagePollVoteRemove:               func() Event { return new(MessagePollVoteRemove) },
}

// sortedEventNames is EventNames' answer, computed once.
var sortedEventNames = func() []string {
	names := make([]string, 0, len(eventTypes))
	for n := range eventTypes {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}()

// NewEvent returns a pointer to a zero value of the type registered for
// the dispatch name, ready for json.Unmarshal, and false for a name
// Discord has not documented.
func NewEvent(name string) (Event, bool) {
	mk, ok := eventTypes[name]
	if !ok {
		return nil, false
	}
	return mk(), true
}

// EventNames returns every registered dispatch name, sorted. The slice is
// the caller's to keep.
func EventNames() []string {
	return append([]string(nil), sortedEventNames...)
}
