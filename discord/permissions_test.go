package discord

import (
	"encoding/json"
	"math/bits"
	"strings"
	"testing"
)

func TestPermissionsAreADecimalStringInJSON(t *testing.T) {
	for _, tc := range []struct {
		name string
		p    Permissions
		json string
	}{
		{"none", 0, `"0"`},
		{"send messages", PermissionSendMessages, `"2048"`},
		{"a member's permissions", 1071698660929, `"1071698660929"`},
		{"above 2^53", PermissionBypassSlowmode | PermissionCreateInstantInvite, `"4503599627370497"`},
		{"every bit", Permissions(1<<64 - 1), `"18446744073709551615"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := json.Marshal(tc.p)
			if err != nil || string(b) != tc.json {
				t.Fatalf("marshal = %s, %v; want %s", b, err, tc.json)
			}
			var back Permissions
			if err := json.Unmarshal(b, &back); err != nil || back != tc.p {
				t.Errorf("round trip = %d, %v", back, err)
			}
		})
	}
}

func TestPermissionsDecodeNumbersAndNull(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Permissions
		ok   bool
	}{
		{`2048`, 2048, true},
		{`null`, 0, true},
		{`"8"`, PermissionAdministrator, true},
		{`""`, 0, false},
		{`"-1"`, 0, false},
		{`"0x10"`, 0, false},
		{`"18446744073709551616"`, 0, false},
		{`true`, 0, false},
	} {
		var p Permissions
		err := json.Unmarshal([]byte(tc.in), &p)
		if (err == nil) != tc.ok || (tc.ok && p != tc.want) {
			t.Errorf("%s: got %d, %v", tc.in, p, err)
		}
	}
}

func TestPermissionTableIsConsistent(t *testing.T) {
	seenName := map[string]bool{}
	var seenBits Permissions
	for _, e := range permissionTable {
		if bits.OnesCount64(uint64(e.bit)) != 1 {
			t.Errorf("%s is not one bit: %#x", e.name, uint64(e.bit))
		}
		if seenBits&e.bit != 0 || seenName[e.name] {
			t.Errorf("%s listed twice", e.name)
		}
		seenBits |= e.bit
		seenName[e.name] = true
	}
	// developers/topics/permissions.mdx documents bits 0-46 and 48-52.
	if len(permissionTable) != 52 || PermissionsAll != seenBits || PermissionsAll != (1<<53-1)&^(1<<47) {
		t.Errorf("%d permissions, all = %#x", len(permissionTable), uint64(PermissionsAll))
	}
}

func TestPermissionsPrintAndParseByName(t *testing.T) {
	for _, tc := range []struct {
		p    Permissions
		text string
	}{
		{0, "0"},
		{PermissionViewChannel | PermissionSendMessages, "VIEW_CHANNEL|SEND_MESSAGES"},
		{PermissionAdministrator | 1<<47, "ADMINISTRATOR|0x800000000000"},
		{PermissionBypassSlowmode, "BYPASS_SLOWMODE"},
	} {
		if got := tc.p.String(); got != tc.text {
			t.Errorf("%d prints as %q, want %q", uint64(tc.p), got, tc.text)
		}
	}
	for _, tc := range []struct {
		in   string
		want Permissions
		ok   bool
	}{
		{"VIEW_CHANNEL|SEND_MESSAGES", PermissionViewChannel | PermissionSendMessages, true},
		{"view_channel, send_messages", PermissionViewChannel | PermissionSendMessages, true},
		{"2048", PermissionSendMessages, true},
		{"SEND_MESAGES", 0, false},
		{"", 0, false},
	} {
		got, err := ParsePermissions(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParsePermissions(%q) = %v, %v", tc.in, got, err)
		}
	}
	for _, e := range permissionTable {
		if got, err := ParsePermissions(e.name); err != nil || got != e.bit {
			t.Errorf("%s does not parse back: %v, %v", e.name, got, err)
		}
	}
	if names := (PermissionKickMembers | PermissionSpeak).Names(); strings.Join(names, ",") != "KICK_MEMBERS,SPEAK" {
		t.Errorf("names %v", names)
	}
}

func TestAdministratorImpliesEveryPermission(t *testing.T) {
	if !PermissionAdministrator.Effective().Has(PermissionsAll) {
		t.Error("ADMINISTRATOR does not imply every permission")
	}
	if PermissionSendMessages.Effective() != PermissionSendMessages {
		t.Error("Effective changed a set without ADMINISTRATOR")
	}
	if got := (PermissionKickMembers | PermissionSendMessages).RequiresMFA(); got != PermissionKickMembers {
		t.Errorf("RequiresMFA = %v", got)
	}
}
