package jsondec

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/wirecord/wirecord/discord"
	"github.com/wirecord/wirecord/internal/benchload/payload"
)

// FuzzUnmarshalMatchesEncodingJSON decodes arbitrary bytes as every event
// type with Unmarshal and with encoding/json: both must fail, or both
// succeed with equal values (unknown fields ignored by both).
func FuzzUnmarshalMatchesEncodingJSON(f *testing.F) {
	for seq := 2; seq < 10; seq++ {
		var env struct {
			D json.RawMessage `json:"d"`
		}
		if err := json.Unmarshal(payload.MessageCreate(1, seq), &env); err != nil {
			f.Fatal(err)
		}
		f.Add(discord.EventMessageCreate, []byte(env.D))
	}
	files, _ := filepath.Glob(filepath.Join("..", "..", "discord", "testdata", "models", "*.json"))
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(discord.EventMessageCreate, b)
			f.Add(discord.EventGuildCreate, b)
		}
	}
	f.Add(discord.EventMessageCreate, []byte(`{"id":"1","content":"h\u00e9","unknown":[1,{"x":null}],"author":{"id":"2"}}`))
	f.Add(discord.EventMessageCreate, []byte(`{"id":1}`))
	f.Add(discord.EventMessageCreate, []byte(`{"mentions":[],"embeds":null}`))
	names := discord.EventNames()
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		want, ok := discord.NewEvent(name)
		if !ok {
			name = names[len(name)%len(names)]
			want, _ = discord.NewEvent(name)
		}
		wantErr := json.Unmarshal(data, want)
		for _, dec := range []struct {
			name string
			fn   func([]byte, any) error
		}{{"Unmarshal", Unmarshal}, {"UnmarshalFresh", UnmarshalFresh}, {"UnmarshalShared", UnmarshalShared}} {
			got, _ := discord.NewEvent(name)
			gotErr := dec.fn(data, got)
			if (wantErr == nil) != (gotErr == nil) {
				t.Fatalf("%s %q: encoding/json says %v, %s says %v", name, data, wantErr, dec.name, gotErr)
			}
			if wantErr == nil && !reflect.DeepEqual(want, got) {
				t.Fatalf("%s %q: decoded values differ:\nencoding/json %#v\n%s %#v", name, data, want, dec.name, got)
			}
		}
	})
}
