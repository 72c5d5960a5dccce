package discord

// AutoModerationRule is a guild's auto moderation rule
// (developers/resources/auto-moderation.mdx).
type AutoModerationRule struct {
	ID              AutoModerationRuleID          `json:"id"`
	GuildID         GuildID                       `json:"guild_id"`
	Name            string                        `json:"name"`
	CreatorID       UserID                        `json:"creator_id"`
	EventType       AutoModerationEventType       `json:"event_type"`
	TriggerType     AutoModerationTriggerType     `json:"trigger_type"`
	TriggerMetadata AutoModerationTriggerMetadata `json:"trigger_metadata"`
	Actions         []AutoModerationAction        `json:"actions"`
	Enabled         bool                          `json:"enabled"`
	ExemptRoles     []RoleID                      `json:"exempt_roles"`    // at most 20
	ExemptChannels  []ChannelID                   `json:"exempt_channels"` // at most 50
}

// AutoModerationEventType is when a rule is checked.
type AutoModerationEventType int

// Auto moderation event types.
const (
	AutoModerationEventMessageSend  AutoModerationEventType = 1
	AutoModerationEventMemberUpdate AutoModerationEventType = 2
)

// AutoModerationTriggerType is what content triggers a rule.
type AutoModerationTriggerType int

// Auto moderation trigger types. 2 is not documented.
const (
	AutoModerationTriggerKeyword       AutoModerationTriggerType = 1
	AutoModerationTriggerSpam          AutoModerationTriggerType = 3
	AutoModerationTriggerKeywordPreset AutoModerationTriggerType = 4
	AutoModerationTriggerMentionSpam   AutoModerationTriggerType = 5
	AutoModerationTriggerMemberProfile AutoModerationTriggerType = 6
)

// AutoModerationTriggerMetadata configures a rule's trigger; which fields
// apply depends on the trigger type.
type AutoModerationTriggerMetadata struct {
	KeywordFilter                []string                      `json:"keyword_filter,omitempty"`
	RegexPatterns                []string                      `json:"regex_patterns,omitempty"` // Rust regex syntax
	Presets                      []AutoModerationKeywordPreset `json:"presets,omitempty"`
	AllowList                    []string                      `json:"allow_list,omitempty"`
	MentionTotalLimit            int                           `json:"mention_total_limit,omitempty"`
	MentionRaidProtectionEnabled bool                          `json:"mention_raid_protection_enabled,omitempty"`
}

// AutoModerationKeywordPreset is one of Discord's predefined word sets.
type AutoModerationKeywordPreset int

// Keyword preset types.
const (
	AutoModerationPresetProfanity     AutoModerationKeywordPreset = 1
	AutoModerationPresetSexualContent AutoModerationKeywordPreset = 2
	AutoModerationPresetSlurs         AutoModerationKeywordPreset = 3
)

// AutoModerationAction is what a rule does when it triggers.
type AutoModerationAction struct {
	Type     AutoModerationActionType      `json:"type"`
	Metadata *AutoModerationActionMetadata `json:"metadata,omitempty"`
}

// AutoModerationActionType is the kind of an auto moderation action.
type AutoModerationActionType int

// Auto moderation action types.
const (
	AutoModerationActionBlockMessage           AutoModerationActionType = 1
	AutoModerationActionSendAlertMessage       AutoModerationActionType = 2
	AutoModerationActionTimeout                AutoModerationActionType = 3
	AutoModerationActionBlockMemberInteraction AutoModerationActionType = 4
)

// AutoModerationActionMetadata configures an action: ChannelID for
// SEND_ALERT_MESSAGE, DurationSeconds for TIMEOUT (at most 4 weeks),
// CustomMessage for BLOCK_MESSAGE.
type AutoModerationActionMetadata struct {
	ChannelID       ChannelID `json:"channel_id,omitempty"`
	DurationSeconds int       `json:"duration_seconds,omitempty"`
	CustomMessage   string    `json:"custom_message,omitempty"`
}
