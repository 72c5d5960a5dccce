package discord

// ApplicationCommandPermissionsUpdate carries a command's (or all
// commands') new permissions in a guild.
type ApplicationCommandPermissionsUpdate struct {
	GuildApplicationCommandPermissions
}

// EventName returns EventApplicationCommandPermissionsUpdate.
func (ApplicationCommandPermissionsUpdate) EventName() string {
	return EventApplicationCommandPermissionsUpdate
}

// InteractionCreate carries an interaction. Answer it over HTTP within 3
// seconds (see InteractionResponse); there is no gateway command for it.
type InteractionCreate struct{ Interaction }

// EventName returns EventInteractionCreate.
func (InteractionCreate) EventName() string { return EventInteractionCreate }

// AutoModerationRuleCreate carries a new auto moderation rule. Auto
// moderation events need the MANAGE_GUILD permission.
type AutoModerationRuleCreate struct{ AutoModerationRule }

// EventName returns EventAutoModerationRuleCreate.
func (AutoModerationRuleCreate) EventName() string { return EventAutoModerationRuleCreate }

// AutoModerationRuleUpdate carries a rule's new state.
type AutoModerationRuleUpdate struct{ AutoModerationRule }

// EventName returns EventAutoModerationRuleUpdate.
func (AutoModerationRuleUpdate) EventName() string { return EventAutoModerationRuleUpdate }

// AutoModerationRuleDelete carries a deleted rule.
type AutoModerationRuleDelete struct{ AutoModerationRule }

// EventName returns EventAutoModerationRuleDelete.
func (AutoModerationRuleDelete) EventName() string { return EventAutoModerationRuleDelete }

// AutoModerationActionExecution says a rule triggered and an action ran.
// MessageID is zero when the message was blocked; AlertSystemMessageID is
// set only for SEND_ALERT_MESSAGE. Content and MatchedContent need the
// MESSAGE_CONTENT intent.
type AutoModerationActionExecution struct {
	GuildID              GuildID                   `json:"guild_id"`
	Action               AutoModerationAction      `json:"action"`
	RuleID               AutoModerationRuleID      `json:"rule_id"`
	RuleTriggerType      AutoModerationTriggerType `json:"rule_trigger_type"`
	UserID               UserID                    `json:"user_id"`
	ChannelID            ChannelID                 `json:"channel_id,omitempty"`
	MessageID            MessageID                 `json:"message_id,omitempty"`
	AlertSystemMessageID MessageID                 `json:"alert_system_message_id,omitempty"`
	Content              string                    `json:"content"`
	MatchedKeyword       *string                   `json:"matched_keyword"`
	MatchedContent       *string                   `json:"matched_content"`
}

// EventName returns EventAutoModerationActionExecution.
func (AutoModerationActionExecution) EventName() string { return EventAutoModerationActionExecution }

// EntitlementCreate carries a new entitlement.
type EntitlementCreate struct{ Entitlement }

// EventName returns EventEntitlementCreate.
func (EntitlementCreate) EventName() string { return EventEntitlementCreate }

// EntitlementUpdate carries an entitlement's new state; for subscriptions
// it comes when the subscription ends, with EndsAt set.
type EntitlementUpdate struct{ Entitlement }

// EventName returns EventEntitlementUpdate.
func (EntitlementUpdate) EventName() string { return EventEntitlementUpdate }

// EntitlementDelete carries a deleted entitlement (refunds and removals;
// expiry does not delete).
type EntitlementDelete struct{ Entitlement }

// EventName returns EventEntitlementDelete.
func (EntitlementDelete) EventName() string { return EventEntitlementDelete }

// SubscriptionCreate carries a new premium app subscription, active or
// not yet.
type SubscriptionCreate struct{ Subscription }

// EventName returns EventSubscriptionCreate.
func (SubscriptionCreate) EventName() string { return EventSubscriptionCreate }

// SubscriptionUpdate carries a subscription's new state.
type SubscriptionUpdate struct{ Subscription }

// EventName returns EventSubscriptionUpdate.
func (SubscriptionUpdate) EventName() string { return EventSubscriptionUpdate }

// SubscriptionDelete carries a deleted subscription.
type SubscriptionDelete struct{ Subscription }

// EventName returns EventSubscriptionDelete.
func (SubscriptionDelete) EventName() string { return EventSubscriptionDelete }
