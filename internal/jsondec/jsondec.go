// Package jsondec is the JSON decoder of the typed-event hot path: the
// dispatcher decodes each event someone listens to with Unmarshal.
//
// It is segmentio/encoding/json, chosen by measurement (benchmarks/decoders:
// about 0.4x encoding/json's CPU per typed MESSAGE_CREATE, pure Go, no build
// flags, amd64 and arm64 alike). FuzzUnmarshalMatchesEncodingJSON holds it to
// encoding/json's answers on our models: the same values, and an error
// exactly when encoding/json returns one.
package jsondec

import segment "github.com/segmentio/encoding/json"

// Unmarshal decodes data into v as encoding/json.Unmarshal does, faster.
func Unmarshal(data []byte, v any) error { return segment.Unmarshal(data, v) }
