package discord

import (
	"encoding/json"
	"os"
	"path/filepath"
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
