package decoders

import (
	stdjson "encoding/json"
	"os"
	"reflect"
	"testing"

	"github.com/wirecord/wirecord/discord"
)

// FuzzCandidateMatchesEncodingJSON holds the candidate named by $DECODER
// (default wirecord-jsondec, the chosen one) to encoding/json on
// MessageCreate: an error exactly when encoding/json errs, equal values
// otherwise. Run a candidate with
//
//	DECODER=goccy-go-json go test -fuzz FuzzCandidate -fuzztime 15s ./decoders
//
// When jsondec was chosen, goccy-go-json and go-json-experiment failed on
// the seed {"mentions":[],"embeds":null,"ID":"3"} and bytedance-sonic within
// 7 s on invalid UTF-8 in a string; segmentio-encoding ran clean.
func FuzzCandidateMatchesEncodingJSON(f *testing.F) {
	for _, d := range messageData(f, 8) {
		f.Add(d)
	}
	f.Add([]byte(`{"id":"1","content":"h\u00e9","unknown":[1,{"x":null}],"author":{"id":"2"}}`))
	f.Add([]byte(`{"mentions":[],"embeds":null,"ID":"3"}`))
	only := os.Getenv("DECODER")
	if only == "" {
		only = "wirecord-jsondec"
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var want discord.MessageCreate
		wantErr := stdjson.Unmarshal(data, &want)
		for _, d := range decoders[1:] {
			if d.name != only {
				continue
			}
			var got discord.MessageCreate
			gotErr := d.fn(data, &got)
			if (wantErr == nil) != (gotErr == nil) {
				t.Fatalf("%s %q: encoding/json says %v, %s says %v", d.name, data, wantErr, d.name, gotErr)
			}
			if wantErr == nil && !reflect.DeepEqual(want, got) {
				t.Fatalf("%s %q: decoded values differ", d.name, data)
			}
		}
	})
}
