package discord

import "testing"

func TestBitSetsPrintByName(t *testing.T) {
	for _, tc := range []struct {
		got, want string
	}{
		{Intents(0).String(), "0"},
		{(IntentGuilds | IntentGuildMessages).String(), "GUILDS|GUILD_MESSAGES"},
		{(IntentGuilds | 1<<40).String(), "GUILDS|0x10000000000"},
		{Intents(1 << 40).String(), "0x10000000000"},
		{Permissions(0).String(), "0"},
		{(PermissionViewChannel | PermissionSendMessages).String(), "VIEW_CHANNEL|SEND_MESSAGES"},
		{Permissions(1 << 47).String(), "0x800000000000"},
		{MessageFlags(0).String(), "0"},
		{(MessageFlagEphemeral | MessageFlagIsComponentsV2).String(), "EPHEMERAL|IS_COMPONENTS_V2"},
		{(MessageFlagSuppressNotifications | 1<<30).String(), "SUPPRESS_NOTIFICATIONS|0x40000000"},
		{(UserFlagVerifiedBot | UserFlagBotHTTPInteractions).String(), "VERIFIED_BOT|BOT_HTTP_INTERACTIONS"},
		{(ChannelFlagPinned).String(), "PINNED"},
		{(MemberFlagDidRejoin | MemberFlagIsGuest).String(), "DID_REJOIN|IS_GUEST"},
		{SystemChannelSuppressJoinNotifications.String(), "SUPPRESS_JOIN_NOTIFICATIONS"},
		{(ApplicationFlagGatewayMessageContent).String(), "GATEWAY_MESSAGE_CONTENT"},
		{AttachmentFlags(1 << 3).String(), "IS_SPOILER"},
		{RoleFlagInPrompt.String(), "IN_PROMPT"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}
