package discord

import (
	"fmt"
	"strings"
)

// flagString is the String form shared by the bit sets with a name table
// (Intents, Permissions): the documented names joined with "|", then any
// undocumented bits in hex; the empty set is "0".
func flagString(names []string, undocumented uint64) string {
	if undocumented != 0 {
		names = append(names, fmt.Sprintf("%#x", undocumented))
	}
	if len(names) == 0 {
		return "0"
	}
	return strings.Join(names, "|")
}
