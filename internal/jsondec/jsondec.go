// Package jsondec is the JSON decoder of the typed-event hot path: the
// dispatcher decodes each event someone listens to with Unmarshal.
//
// It is segmentio/encoding/json, chosen by measurement (benchmarks/decoders:
// about 0.4x encoding/json's CPU per typed MESSAGE_CREATE, pure Go, no build
// flags, amd64 and arm64 alike). FuzzUnmarshalMatchesEncodingJSON holds it to
// encoding/json's answers on our models: the same values, and an error
// exactly when encoding/json returns one.
package jsondec

import (
	segment "github.com/segmentio/encoding/json"

	"github.com/wirecord/wirecord/internal/fastjson"
)

// Unmarshal decodes data into v as encoding/json.Unmarshal does, faster.
func Unmarshal(data []byte, v any) error { return segment.Unmarshal(data, v) }

// UnmarshalFresh is Unmarshal for a v that points to a zero value (a
// value just made with new): the hot event types go through the decoders
// generated in fastjson first, and only what they leave alone is decoded
// by segmentio/encoding. The answer is the same.
func UnmarshalFresh(data []byte, v any) error {
	if fastjson.Decode(data, v) {
		return nil
	}
	return segment.Unmarshal(data, v)
}
