package discord

import "encoding/json"

// AuditLogEntry is one administrative action in a guild's audit log
// (developers/resources/audit-log.mdx). The change values and the
// optional entry info depend on ActionType and are kept raw.
type AuditLogEntry struct {
	TargetID   *string          `json:"target_id"` // the affected entity's ID, as a string
	Changes    []AuditLogChange `json:"changes,omitempty"`
	UserID     UserID           `json:"user_id"`
	ID         AuditLogEntryID  `json:"id"`
	ActionType AuditLogEvent    `json:"action_type"`
	Options    json.RawMessage  `json:"options,omitempty"`
	Reason     string           `json:"reason,omitempty"`
}

// AuditLogChange is one changed property of an audit log entry's target.
type AuditLogChange struct {
	Key      string          `json:"key"`
	NewValue json.RawMessage `json:"new_value,omitempty"`
	OldValue json.RawMessage `json:"old_value,omitempty"`
}

// AuditLogEvent is the kind of an audit log entry.
type AuditLogEvent int

// Audit log events.
const (
	AuditLogGuildUpdate                             AuditLogEvent = 1
	AuditLogChannelCreate                           AuditLogEvent = 10
	AuditLogChannelUpdate                           AuditLogEvent = 11
	AuditLogChannelDelete                           AuditLogEvent = 12
	AuditLogChannelOverwriteCreate                  AuditLogEvent = 13
	AuditLogChannelOverwriteUpdate                  AuditLogEvent = 14
	AuditLogChannelOverwriteDelete                  AuditLogEvent = 15
	AuditLogMemberKick                              AuditLogEvent = 20
	AuditLogMemberPrune                             AuditLogEvent = 21
	AuditLogMemberBanAdd                            AuditLogEvent = 22
	AuditLogMemberBanRemove                         AuditLogEvent = 23
	AuditLogMemberUpdate                            AuditLogEvent = 24
	AuditLogMemberRoleUpdate                        AuditLogEvent = 25
	AuditLogMemberMove                              AuditLogEvent = 26
	AuditLogMemberDisconnect                        AuditLogEvent = 27
	AuditLogBotAdd                                  AuditLogEvent = 28
	AuditLogRoleCreate                              AuditLogEvent = 30
	AuditLogRoleUpdate                              AuditLogEvent = 31
	AuditLogRoleDelete                              AuditLogEvent = 32
	AuditLogInviteCreate                            AuditLogEvent = 40
	AuditLogInviteUpdate                            AuditLogEvent = 41
	AuditLogInviteDelete                            AuditLogEvent = 42
	AuditLogWebhookCreate                           AuditLogEvent = 50
	AuditLogWebhookUpdate                           AuditLogEvent = 51
	AuditLogWebhookDelete                           AuditLogEvent = 52
	AuditLogEmojiCreate                             AuditLogEvent = 60
	AuditLogEmojiUpdate                             AuditLogEvent = 61
	AuditLogEmojiDelete                             AuditLogEvent = 62
	AuditLogMessageDelete                           AuditLogEvent = 72
	AuditLogMessageBulkDelete                       AuditLogEvent = 73
	AuditLogMessagePin                              AuditLogEvent = 74
	AuditLogMessageUnpin                            AuditLogEvent = 75
	AuditLogIntegrationCreate                       AuditLogEvent = 80
	AuditLogIntegrationUpdate                       AuditLogEvent = 81
	AuditLogIntegrationDelete                       AuditLogEvent = 82
	AuditLogStageInstanceCreate                     AuditLogEvent = 83
	AuditLogStageInstanceUpdate                     AuditLogEvent = 84
	AuditLogStageInstanceDelete                     AuditLogEvent = 85
	AuditLogStickerCreate                           AuditLogEvent = 90
	AuditLogStickerUpdate                           AuditLogEvent = 91
	AuditLogStickerDelete                           AuditLogEvent = 92
	AuditLogGuildScheduledEventCreate               AuditLogEvent = 100
	AuditLogGuildScheduledEventUpdate               AuditLogEvent = 101
	AuditLogGuildScheduledEventDelete               AuditLogEvent = 102
	AuditLogThreadCreate                            AuditLogEvent = 110
	AuditLogThreadUpdate                            AuditLogEvent = 111
	AuditLogThreadDelete                            AuditLogEvent = 112
	AuditLogApplicationCommandPermissionUpdate      AuditLogEvent = 121
	AuditLogSoundboardSoundCreate                   AuditLogEvent = 130
	AuditLogSoundboardSoundUpdate                   AuditLogEvent = 131
	AuditLogSoundboardSoundDelete                   AuditLogEvent = 132
	AuditLogAutoModerationRuleCreate                AuditLogEvent = 140
	AuditLogAutoModerationRuleUpdate                AuditLogEvent = 141
	AuditLogAutoModerationRuleDelete                AuditLogEvent = 142
	AuditLogAutoModerationBlockMessage              AuditLogEvent = 143
	AuditLogAutoModerationFlagToChannel             AuditLogEvent = 144
	AuditLogAutoModerationUserCommunicationDisabled AuditLogEvent = 145
	AuditLogAutoModerationQuarantineUser            AuditLogEvent = 146
	AuditLogCreatorMonetizationRequestCreated       AuditLogEvent = 150
	AuditLogCreatorMonetizationTermsAccepted        AuditLogEvent = 151
	AuditLogOnboardingPromptCreate                  AuditLogEvent = 163
	AuditLogOnboardingPromptUpdate                  AuditLogEvent = 164
	AuditLogOnboardingPromptDelete                  AuditLogEvent = 165
	AuditLogOnboardingCreate                        AuditLogEvent = 166
	AuditLogOnboardingUpdate                        AuditLogEvent = 167
	AuditLogHomeSettingsCreate                      AuditLogEvent = 190
	AuditLogHomeSettingsUpdate                      AuditLogEvent = 191
	AuditLogVoiceChannelStatusCreate                AuditLogEvent = 192
	AuditLogVoiceChannelStatusDelete                AuditLogEvent = 193
)
