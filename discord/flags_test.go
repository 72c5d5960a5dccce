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
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}
