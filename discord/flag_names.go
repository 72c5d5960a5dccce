package discord

// The documented names of each flag set's bits, as Discord writes them,
// for String. Intents and Permissions keep their own tables.

type flagName struct {
	bit  uint64
	name string
}

// flagsString names the set bits of v from names, in bit order, then
// the undocumented rest in hex ("EPHEMERAL|0x40000000"); 0 is "0".
func flagsString(v uint64, names []flagName) string {
	var set []string
	for _, n := range names {
		if v&n.bit != 0 {
			set = append(set, n.name)
			v &^= n.bit
		}
	}
	return flagString(set, v)
}

// String names the flags set in f, for example "INSTANCE".
func (f ActivityFlags) String() string { return flagsString(uint64(f), activityFlagsNames) }

var activityFlagsNames = []flagName{
	{uint64(ActivityFlagInstance), "INSTANCE"},
	{uint64(ActivityFlagJoin), "JOIN"},
	{uint64(ActivityFlagSpectate), "SPECTATE"},
	{uint64(ActivityFlagJoinRequest), "JOIN_REQUEST"},
	{uint64(ActivityFlagSync), "SYNC"},
	{uint64(ActivityFlagPlay), "PLAY"},
	{uint64(ActivityFlagPartyPrivacyFriends), "PARTY_PRIVACY_FRIENDS"},
	{uint64(ActivityFlagPartyPrivacyVoiceChannel), "PARTY_PRIVACY_VOICE_CHANNEL"},
	{uint64(ActivityFlagEmbedded), "EMBEDDED"},
}

// String names the flags set in f, for example "AUTO_MODERATION_RULE_CREATE_BADGE".
func (f ApplicationFlags) String() string { return flagsString(uint64(f), applicationFlagsNames) }

var applicationFlagsNames = []flagName{
	{uint64(ApplicationFlagAutoModerationRuleCreateBadge), "AUTO_MODERATION_RULE_CREATE_BADGE"},
	{uint64(ApplicationFlagGatewayPresence), "GATEWAY_PRESENCE"},
	{uint64(ApplicationFlagGatewayPresenceLimited), "GATEWAY_PRESENCE_LIMITED"},
	{uint64(ApplicationFlagGatewayGuildMembers), "GATEWAY_GUILD_MEMBERS"},
	{uint64(ApplicationFlagGatewayGuildMembersLimited), "GATEWAY_GUILD_MEMBERS_LIMITED"},
	{uint64(ApplicationFlagVerificationPendingGuildLimit), "VERIFICATION_PENDING_GUILD_LIMIT"},
	{uint64(ApplicationFlagEmbedded), "EMBEDDED"},
	{uint64(ApplicationFlagGatewayMessageContent), "GATEWAY_MESSAGE_CONTENT"},
	{uint64(ApplicationFlagGatewayMessageContentLimited), "GATEWAY_MESSAGE_CONTENT_LIMITED"},
	{uint64(ApplicationFlagApplicationCommandBadge), "APPLICATION_COMMAND_BADGE"},
}

// String names the flags set in f, for example "IS_CLIP".
func (f AttachmentFlags) String() string { return flagsString(uint64(f), attachmentFlagsNames) }

var attachmentFlagsNames = []flagName{
	{uint64(AttachmentFlagIsClip), "IS_CLIP"},
	{uint64(AttachmentFlagIsThumbnail), "IS_THUMBNAIL"},
	{uint64(AttachmentFlagIsRemix), "IS_REMIX"},
	{uint64(AttachmentFlagIsSpoiler), "IS_SPOILER"},
	{uint64(AttachmentFlagIsAnimated), "IS_ANIMATED"},
}

// String names the flags set in f, for example "PINNED".
func (f ChannelFlags) String() string { return flagsString(uint64(f), channelFlagsNames) }

var channelFlagsNames = []flagName{
	{uint64(ChannelFlagPinned), "PINNED"},
	{uint64(ChannelFlagRequireTag), "REQUIRE_TAG"},
	{uint64(ChannelFlagHideMediaDownloadOptions), "HIDE_MEDIA_DOWNLOAD_OPTIONS"},
	{uint64(ChannelFlagIsSpoilerChannel), "IS_SPOILER_CHANNEL"},
}

// String names the flags set in f, for example "IS_CONTENT_INVENTORY_ENTRY".
func (f EmbedFlags) String() string { return flagsString(uint64(f), embedFlagsNames) }

var embedFlagsNames = []flagName{
	{uint64(EmbedFlagIsContentInventoryEntry), "IS_CONTENT_INVENTORY_ENTRY"},
}

// String names the flags set in f, for example "IS_ANIMATED".
func (f EmbedMediaFlags) String() string { return flagsString(uint64(f), embedMediaFlagsNames) }

var embedMediaFlagsNames = []flagName{
	{uint64(EmbedMediaFlagIsAnimated), "IS_ANIMATED"},
}

// String names the flags set in f, for example "IS_GUEST_INVITE".
func (f InviteFlags) String() string { return flagsString(uint64(f), inviteFlagsNames) }

var inviteFlagsNames = []flagName{
	{uint64(InviteFlagIsGuestInvite), "IS_GUEST_INVITE"},
}

// String names the flags set in f, for example "DID_REJOIN".
func (f MemberFlags) String() string { return flagsString(uint64(f), memberFlagsNames) }

var memberFlagsNames = []flagName{
	{uint64(MemberFlagDidRejoin), "DID_REJOIN"},
	{uint64(MemberFlagCompletedOnboarding), "COMPLETED_ONBOARDING"},
	{uint64(MemberFlagBypassesVerification), "BYPASSES_VERIFICATION"},
	{uint64(MemberFlagStartedOnboarding), "STARTED_ONBOARDING"},
	{uint64(MemberFlagIsGuest), "IS_GUEST"},
	{uint64(MemberFlagStartedHomeActions), "STARTED_HOME_ACTIONS"},
	{uint64(MemberFlagCompletedHomeActions), "COMPLETED_HOME_ACTIONS"},
	{uint64(MemberFlagAutomodQuarantinedUsername), "AUTOMOD_QUARANTINED_USERNAME"},
	{uint64(MemberFlagDMSettingsUpsellAcknowledged), "DM_SETTINGS_UPSELL_ACKNOWLEDGED"},
	{uint64(MemberFlagAutomodQuarantinedGuildTag), "AUTOMOD_QUARANTINED_GUILD_TAG"},
}

// String names the flags set in f, for example "CROSSPOSTED".
func (f MessageFlags) String() string { return flagsString(uint64(f), messageFlagsNames) }

var messageFlagsNames = []flagName{
	{uint64(MessageFlagCrossposted), "CROSSPOSTED"},
	{uint64(MessageFlagIsCrosspost), "IS_CROSSPOST"},
	{uint64(MessageFlagSuppressEmbeds), "SUPPRESS_EMBEDS"},
	{uint64(MessageFlagSourceMessageDeleted), "SOURCE_MESSAGE_DELETED"},
	{uint64(MessageFlagUrgent), "URGENT"},
	{uint64(MessageFlagHasThread), "HAS_THREAD"},
	{uint64(MessageFlagEphemeral), "EPHEMERAL"},
	{uint64(MessageFlagLoading), "LOADING"},
	{uint64(MessageFlagFailedToMentionSomeRolesInThread), "FAILED_TO_MENTION_SOME_ROLES_IN_THREAD"},
	{uint64(MessageFlagSuppressNotifications), "SUPPRESS_NOTIFICATIONS"},
	{uint64(MessageFlagIsVoiceMessage), "IS_VOICE_MESSAGE"},
	{uint64(MessageFlagHasSnapshot), "HAS_SNAPSHOT"},
	{uint64(MessageFlagIsComponentsV2), "IS_COMPONENTS_V2"},
}

// String names the flags set in f, for example "IN_PROMPT".
func (f RoleFlags) String() string { return flagsString(uint64(f), roleFlagsNames) }

var roleFlagsNames = []flagName{
	{uint64(RoleFlagInPrompt), "IN_PROMPT"},
}

// String names the flags set in f, for example "STAFF".
func (f UserFlags) String() string { return flagsString(uint64(f), userFlagsNames) }

var userFlagsNames = []flagName{
	{uint64(UserFlagStaff), "STAFF"},
	{uint64(UserFlagPartner), "PARTNER"},
	{uint64(UserFlagHypesquad), "HYPESQUAD"},
	{uint64(UserFlagBugHunterLevel1), "BUG_HUNTER_LEVEL1"},
	{uint64(UserFlagHypesquadOnlineHouse1), "HYPESQUAD_ONLINE_HOUSE1"},
	{uint64(UserFlagHypesquadOnlineHouse2), "HYPESQUAD_ONLINE_HOUSE2"},
	{uint64(UserFlagHypesquadOnlineHouse3), "HYPESQUAD_ONLINE_HOUSE3"},
	{uint64(UserFlagPremiumEarlySupporter), "PREMIUM_EARLY_SUPPORTER"},
	{uint64(UserFlagTeamPseudoUser), "TEAM_PSEUDO_USER"},
	{uint64(UserFlagBugHunterLevel2), "BUG_HUNTER_LEVEL2"},
	{uint64(UserFlagVerifiedBot), "VERIFIED_BOT"},
	{uint64(UserFlagVerifiedDeveloper), "VERIFIED_DEVELOPER"},
	{uint64(UserFlagCertifiedModerator), "CERTIFIED_MODERATOR"},
	{uint64(UserFlagBotHTTPInteractions), "BOT_HTTP_INTERACTIONS"},
}

// String names the flags set in f, for example "SUPPRESS_JOIN_NOTIFICATIONS".
func (f SystemChannelFlags) String() string { return flagsString(uint64(f), systemChannelFlagsNames) }

var systemChannelFlagsNames = []flagName{
	{uint64(SystemChannelSuppressJoinNotifications), "SUPPRESS_JOIN_NOTIFICATIONS"},
	{uint64(SystemChannelSuppressPremiumSubscriptions), "SUPPRESS_PREMIUM_SUBSCRIPTIONS"},
	{uint64(SystemChannelSuppressGuildReminderNotifications), "SUPPRESS_GUILD_REMINDER_NOTIFICATIONS"},
	{uint64(SystemChannelSuppressJoinNotificationReplies), "SUPPRESS_JOIN_NOTIFICATION_REPLIES"},
	{uint64(SystemChannelSuppressRoleSubscriptionPurchaseNotifications), "SUPPRESS_ROLE_SUBSCRIPTION_PURCHASE_NOTIFICATIONS"},
	{uint64(SystemChannelSuppressRoleSubscriptionPurchaseNotificationReplies), "SUPPRESS_ROLE_SUBSCRIPTION_PURCHASE_NOTIFICATION_REPLIES"},
}
