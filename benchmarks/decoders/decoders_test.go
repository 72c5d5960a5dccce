// Package decoders compares JSON decoders on wirecord's hot model, the
// typed MESSAGE_CREATE of wirecord bench. It lives in the benchmarks
// module so that the library gains no dependency for a candidate:
//
//	cd benchmarks && go test -bench . -benchmem ./decoders
//
// Each benchmark decodes the same 64 seeded payloads round-robin into a
// fresh discord.MessageCreate, as the dispatcher does for a typed handler.
package decoders

import (
	stdjson "encoding/json"
	"testing"

	"github.com/bytedance/sonic"
	jsonv2 "github.com/go-json-experiment/json"
	goccy "github.com/goccy/go-json"
	segment "github.com/segmentio/encoding/json"
	"github.com/wirecord/wirecord/discord"
	"github.com/wirecord/wirecord/internal/benchload/payload"
	"github.com/wirecord/wirecord/internal/jsondec"
)

func messageData(tb testing.TB, n int) [][]byte {
	tb.Helper()
	out := make([][]byte, n)
	for i := range out {
		var env struct {
			D stdjson.RawMessage `json:"d"`
		}
		if err := stdjson.Unmarshal(payload.MessageCreate(1, i+2), &env); err != nil {
			tb.Fatal(err)
		}
		out[i] = env.D
	}
	return out
}

type decoder struct {
	name string
	fn   func([]byte, any) error
}

var decoders = []decoder{
	{"encoding-json", stdjson.Unmarshal},
	{"go-json-experiment", func(b []byte, v any) error { return jsonv2.Unmarshal(b, v) }},
	{"goccy-go-json", goccy.Unmarshal},
	{"segmentio-encoding", segment.Unmarshal},
	{"bytedance-sonic", sonic.Unmarshal},
	{"wirecord-jsondec", jsondec.Unmarshal},
}

func BenchmarkDecodeMessageCreate(b *testing.B) {
	data := messageData(b, 64)
	size := 0
	for _, d := range data {
		size += len(d)
	}
	for _, d := range decoders {
		b.Run(d.name, func(b *testing.B) {
			b.SetBytes(int64(size / len(data)))
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				var v discord.MessageCreate
				if err := d.fn(data[i%len(data)], &v); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

// TestDecodersAgreeWithEncodingJSON checks that each candidate decodes the
// benchmark's payloads into the same value as encoding/json, so the
// benchmark compares decoders that do the same work.
func TestDecodersAgreeWithEncodingJSON(t *testing.T) {
	for _, d := range messageData(t, 64) {
		var want discord.MessageCreate
		if err := stdjson.Unmarshal(d, &want); err != nil {
			t.Fatal(err)
		}
		wantJS, _ := stdjson.Marshal(want)
		for _, dec := range decoders[1:] {
			var got discord.MessageCreate
			if err := dec.fn(d, &got); err != nil {
				t.Errorf("%s: %v", dec.name, err)
				continue
			}
			gotJS, _ := stdjson.Marshal(got)
			if string(gotJS) != string(wantJS) {
				t.Errorf("%s decodes differently from encoding/json", dec.name)
			}
		}
	}
}
