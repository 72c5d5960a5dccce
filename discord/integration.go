package discord

import "time"

// Integration is a guild integration: Twitch, YouTube, a bot, or guild
// subscriptions (developers/resources/guild.mdx, Integration Object).
// Fields from Syncing to Revoked are not sent for bot integrations.
type Integration struct {
	ID                IntegrationID              `json:"id"`
	Name              string                     `json:"name"`
	Type              string                     `json:"type"` // twitch, youtube, discord or guild_subscription
	Enabled           bool                       `json:"enabled"`
	Syncing           bool                       `json:"syncing,omitempty"`
	RoleID            RoleID                     `json:"role_id,omitempty"`
	EnableEmoticons   bool                       `json:"enable_emoticons,omitempty"`
	ExpireBehavior    *IntegrationExpireBehavior `json:"expire_behavior,omitempty"`
	ExpireGracePeriod int                        `json:"expire_grace_period,omitempty"` // days
	User              *User                      `json:"user,omitempty"`
	Account           IntegrationAccount         `json:"account"`
	SyncedAt          *time.Time                 `json:"synced_at,omitempty"`
	SubscriberCount   int                        `json:"subscriber_count,omitempty"`
	Revoked           bool                       `json:"revoked,omitempty"`
	Application       *IntegrationApplication    `json:"application,omitempty"`
	Scopes            []string                   `json:"scopes,omitempty"`
	// ApplicationID is set in the partial integrations of an audit log.
	ApplicationID ApplicationID `json:"application_id,omitempty"`
}

// IntegrationExpireBehavior is what happens to expired subscribers.
type IntegrationExpireBehavior int

// Integration expire behaviors.
const (
	IntegrationExpireRemoveRole IntegrationExpireBehavior = 0
	IntegrationExpireKick       IntegrationExpireBehavior = 1
)

// IntegrationAccount is the external account of an integration.
type IntegrationAccount struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// IntegrationApplication is the bot or OAuth2 application of a Discord
// integration.
type IntegrationApplication struct {
	ID          ApplicationID `json:"id"`
	Name        string        `json:"name"`
	Icon        *string       `json:"icon"`
	Description string        `json:"description"`
	Bot         *User         `json:"bot,omitempty"`

	Type         ApplicationType `json:"type,omitempty"`
	CoverImage   string          `json:"cover_image,omitempty"`
	PrimarySKUID SKUID           `json:"primary_sku_id,omitempty"`
}
