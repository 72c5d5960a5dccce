package discord

// Application is a Discord application (developers/resources/application.mdx).
// Discord mostly sends it partial: READY carries only ID and Flags,
// messages and invites a few display fields.
type Application struct {
	ID                  ApplicationID    `json:"id"`
	Name                string           `json:"name,omitempty"`
	Icon                *string          `json:"icon,omitempty"`
	Description         string           `json:"description,omitempty"`
	RPCOrigins          []string         `json:"rpc_origins,omitempty"`
	BotPublic           bool             `json:"bot_public,omitempty"`
	BotRequireCodeGrant bool             `json:"bot_require_code_grant,omitempty"`
	Bot                 *User            `json:"bot,omitempty"`
	TermsOfServiceURL   string           `json:"terms_of_service_url,omitempty"`
	PrivacyPolicyURL    string           `json:"privacy_policy_url,omitempty"`
	Owner               *User            `json:"owner,omitempty"`
	VerifyKey           string           `json:"verify_key,omitempty"`
	GuildID             GuildID          `json:"guild_id,omitempty"`
	PrimarySKUID        SKUID            `json:"primary_sku_id,omitempty"`
	Slug                string           `json:"slug,omitempty"`
	CoverImage          string           `json:"cover_image,omitempty"`
	Flags               ApplicationFlags `json:"flags,omitempty"`

	ApproximateGuildCount             int `json:"approximate_guild_count,omitempty"`
	ApproximateUserInstallCount       int `json:"approximate_user_install_count,omitempty"`
	ApproximateUserAuthorizationCount int `json:"approximate_user_authorization_count,omitempty"`

	Tags                    []string `json:"tags,omitempty"`
	InteractionsEndpointURL *string  `json:"interactions_endpoint_url,omitempty"`
	CustomInstallURL        string   `json:"custom_install_url,omitempty"`

	// The fields below come with GET /applications/@me and the other
	// routes that return the full application.
	Type                           ApplicationType                                                        `json:"type,omitempty"`
	FlagsNew                       string                                                                 `json:"flags_new,omitempty"` // Flags as a decimal string, for bits beyond 2^53
	InstallParams                  *ApplicationOAuth2InstallParams                                        `json:"install_params,omitempty"`
	IntegrationTypesConfig         map[ApplicationIntegrationType]ApplicationIntegrationTypeConfiguration `json:"integration_types_config,omitempty"`
	MaxParticipants                *int                                                                   `json:"max_participants,omitempty"`
	EligibleOAuth2Scopes           []OAuth2Scope                                                          `json:"eligible_oauth2_scopes,omitempty"`
	EventWebhooksStatus            ApplicationEventWebhooksStatus                                         `json:"event_webhooks_status,omitempty"`
	EventWebhooksTypes             []string                                                               `json:"event_webhooks_types,omitempty"`
	EventWebhooksURL               *string                                                                `json:"event_webhooks_url,omitempty"`
	ExplicitContentFilter          ApplicationExplicitContentFilterType                                   `json:"explicit_content_filter,omitempty"`
	RedirectURIs                   []string                                                               `json:"redirect_uris,omitempty"`
	RoleConnectionsVerificationURL *string                                                                `json:"role_connections_verification_url,omitempty"`
	Team                           *Team                                                                  `json:"team,omitempty"`
}

// ApplicationFlags are an application's public flags.
type ApplicationFlags uint64

// Documented application flags. The "limited" intent flags mean the
// privileged intent is enabled for a bot in fewer than 100 guilds, without
// approval.
const (
	ApplicationFlagAutoModerationRuleCreateBadge ApplicationFlags = 1 << 6
	ApplicationFlagGatewayPresence               ApplicationFlags = 1 << 12
	ApplicationFlagGatewayPresenceLimited        ApplicationFlags = 1 << 13
	ApplicationFlagGatewayGuildMembers           ApplicationFlags = 1 << 14
	ApplicationFlagGatewayGuildMembersLimited    ApplicationFlags = 1 << 15
	ApplicationFlagVerificationPendingGuildLimit ApplicationFlags = 1 << 16
	ApplicationFlagEmbedded                      ApplicationFlags = 1 << 17
	ApplicationFlagGatewayMessageContent         ApplicationFlags = 1 << 18
	ApplicationFlagGatewayMessageContentLimited  ApplicationFlags = 1 << 19
	ApplicationFlagApplicationCommandBadge       ApplicationFlags = 1 << 23
)

// ApplicationIntegrationType is where an app can be installed. It keys
// the authorizing_integration_owners maps ("0", "1" in JSON).
type ApplicationIntegrationType int

// Application integration types.
const (
	ApplicationIntegrationGuildInstall ApplicationIntegrationType = 0
	ApplicationIntegrationUserInstall  ApplicationIntegrationType = 1
)
