package discord

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// FuzzDecodeEvent feeds arbitrary bytes to every event type: decoding may
// fail but must not panic, and whatever decodes must encode again.
func FuzzDecodeEvent(f *testing.F) {
	for _, tc := range dispatchCases {
		f.Add(tc.name, []byte(tc.d))
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "models", "*.json"))
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(EventMessageCreate, b)
			f.Add(EventGuildCreate, b)
		}
	}
	names := EventNames()
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		if _, ok := eventTypes[name]; !ok {
			name = names[len(name)%len(names)]
		}
		ev, _ := NewEvent(name)
		if json.Unmarshal(data, ev) != nil {
			return
		}
		if _, err := json.Marshal(ev); err != nil {
			t.Fatalf("%s decoded %q but does not encode: %v", name, data, err)
		}
	})
}

// FuzzParseIntents feeds arbitrary flag values to ParseIntents: it may
// refuse them but must not panic, and what it accepts must survive the
// round trip through String and through the number.
func FuzzParseIntents(f *testing.F) {
	for _, seed := range []string{
		"GUILD_MESSAGES,MESSAGE_CONTENT", "33280", "guild_messages|message_content", "GuildMessages",
		"all", "privileged", "unprivileged", "0", "0x40000", "1099511627776", "18446744073709551615",
		"18446744073709551616", "-1", "GUILDS GUILD_MEMBERS", "GUILDS+0x100", "IntentGuilds", "INTENT_GUILDS",
		"", ",,,", "|", "GUILD-MESSAGES", "0b101", "0o17", "\x00", "ＧＵＩＬＤＳ", "GUILDS,GUILD_MESAGES",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseIntents(s)
		if err != nil {
			if err.Error() == "" {
				t.Fatalf("ParseIntents(%q): empty error", s)
			}
			return
		}
		back, err := ParseIntents(v.String())
		if err != nil || back != v {
			t.Fatalf("ParseIntents(%q) = %v, whose String %q parses as %v, %v", s, uint64(v), v.String(), uint64(back), err)
		}
		n, err := ParseIntents(strconv.FormatUint(uint64(v), 10))
		if err != nil || n != v {
			t.Fatalf("ParseIntents(%q) = %d, which as a number parses as %d, %v", s, uint64(v), uint64(n), err)
		}
	})
}
