// Package jsondec is the JSON decoder of the typed-event hot path: the
// dispatcher decodes each event someone listens to with Unmarshal.
//
// It is segmentio/encoding/json, chosen by measurement (benchmarks/decoders:
// about 0.4x encoding/json's CPU per typed MESSAGE_CREATE, pure Go, no build
// flags, amd64 and arm64 alike). FuzzUnmarshalMatchesEncodingJSON holds it to
// encoding/json's answers on our models: the same values, and an error
// exactly when encoding/json returns one.
//
// Where segmentio/encoding answers differently, encoding/json decides
// (TestHostileValuesDecodeAsEncodingJSON finds these):
//   - a key holding ſ (U+017F) or the Kelvin sign (U+212A), which
//     encoding/json matches to a field with s or k and segmentio/encoding
//     does not always: input holding either goes to encoding/json;
//   - nesting deeper than encoding/json's 10,000 levels, which it refuses
//     and segmentio/encoding follows without a bound (6 s and 1 GB of
//     stack for a 16 MiB chain of referenced_message, a fatal stack
//     overflow past 22 MB): such input goes to encoding/json, which
//     refuses it at once;
//   - input segmentio/encoding refuses (it refuses [] for a fixed-size
//     array such as READY's shard, which encoding/json takes): on an error
//     encoding/json decodes again, and its error is the one returned.
package jsondec

import (
	"bytes"
	"encoding/json"
	"reflect"
	"sync"

	segment "github.com/segmentio/encoding/json"

	"github.com/wirecord/wirecord/internal/fastjson"
)

// Unmarshal decodes data into v as encoding/json.Unmarshal does, faster.
func Unmarshal(data []byte, v any) error {
	if encodingJSONOnly(data) || holdsArrays(v) {
		return json.Unmarshal(data, v)
	}
	if err := segment.Unmarshal(data, v); err != nil {
		// Decoding is idempotent and segmentio/encoding stored only what
		// data holds, so encoding/json over its partial answer is
		// encoding/json's answer.
		return json.Unmarshal(data, v)
	}
	return nil
}

// UnmarshalFresh is Unmarshal for a v that points to a zero value (a
// value just made with new): the hot event types go through the decoders
// generated in fastjson first, and only what they leave alone is decoded
// by segmentio/encoding. The answer is the same.
func UnmarshalFresh(data []byte, v any) error {
	return unmarshalFresh(data, v, fastjson.Decode)
}

// UnmarshalShared is UnmarshalFresh where v's strings may point into data
// rather than into copies of their own (fastjson.DecodeShared): the caller
// promises data is never modified afterwards, and accepts that a string
// kept alive keeps data alive. The value is the same.
func UnmarshalShared(data []byte, v any) error {
	return unmarshalFresh(data, v, fastjson.DecodeShared)
}

// unmarshalFresh is UnmarshalFresh with fast as its fast path.
func unmarshalFresh(data []byte, v any, fast func([]byte, any) bool) error {
	if fast(data, v) {
		return nil
	}
	return unmarshalSlow(data, v)
}

// FieldsMask is the Mask UnmarshalFields takes for the top-level fields
// of v's type keyed as keys (JSON keys, exactly). narrow is false when
// nothing is to be narrowed: keys is empty (every field, not none), or
// the generated decoders do not take v's type (it is decoded whole). A
// key that is not one of the type's is an error.
func FieldsMask(v any, keys []string) (want fastjson.Mask, narrow bool, err error) {
	if len(keys) == 0 || fastjson.RootFields(v) == nil {
		return want, false, nil
	}
	want, err = fastjson.MaskOf(v, keys)
	return want, err == nil, err
}

// UnmarshalFields is UnmarshalShared (shared true) or UnmarshalFresh that
// decodes only the top-level fields of v's type in want
// (fastjson.MaskOf): it answers as encoding/json does for data without
// the members whose keys are exactly another field's name. Those are
// skipped as JSON values, whatever they hold, and their fields stay zero;
// data must still be valid JSON throughout. A type the generated decoders
// do not take is decoded whole.
func UnmarshalFields(data []byte, v any, shared bool, want fastjson.Mask) error {
	if fastjson.DecodeFields(data, shared, want, v) {
		return nil
	}
	all := fastjson.RootFields(v)
	if all == nil || !json.Valid(data) {
		return unmarshalSlow(data, v)
	}
	skip := make(map[string]bool, len(all))
	for n, name := range all {
		if want[n/64]&(1<<(n%64)) == 0 {
			skip[name] = true
		}
	}
	return unmarshalSlow(without(data, skip), v)
}

// without returns the valid JSON data with the members of its top-level
// object whose (unescaped) keys are in skip left out, in the order they
// came; data itself if it is not an object.
func without(data []byte, skip map[string]bool) []byte {
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return data
	}
	out := []byte{'{'}
	for dec.More() {
		tok, err := dec.Token()
		key, isKey := tok.(string)
		var val json.RawMessage
		if err != nil || !isKey || dec.Decode(&val) != nil {
			return data // not reached for valid JSON
		}
		if skip[key] {
			continue
		}
		if len(out) > 1 {
			out = append(out, ',')
		}
		k, _ := json.Marshal(key)
		out = append(append(append(out, k...), ':'), val...)
	}
	return append(out, '}')
}

// unmarshalSlow decodes data into the fresh v when the fast path cannot.
func unmarshalSlow(data []byte, v any) error {
	if encodingJSONOnly(data) || holdsArrays(v) {
		return json.Unmarshal(data, v)
	}
	if err := segment.Unmarshal(data, v); err != nil {
		reflect.ValueOf(v).Elem().SetZero()
		return json.Unmarshal(data, v)
	}
	return nil
}

// arrayTypes caches holdsArrays per type.
var arrayTypes sync.Map // reflect.Type -> bool

// holdsArrays reports whether v's type can hold a fixed-size array
// (READY's shard, an activity's party size). A key given twice with a
// shorter array the second time leaves segmentio/encoding's array
// holding the first's tail, where encoding/json zeroes it; the generated
// decoders give up on a repeated key, and such types then go to
// encoding/json. They reach segmentio/encoding only when the fast path
// gives up, which realistic events do not make it do.
func holdsArrays(v any) bool {
	t := reflect.TypeOf(v)
	if has, ok := arrayTypes.Load(t); ok {
		return has.(bool)
	}
	has := reaches(t, map[reflect.Type]bool{})
	arrayTypes.Store(t, has)
	return has
}

var jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()

// reaches reports whether a value of type t can hold an array that
// encoding/json decodes itself (a type with its own UnmarshalJSON decodes
// what is inside it).
func reaches(t reflect.Type, seen map[reflect.Type]bool) bool {
	if seen[t] {
		return false
	}
	seen[t] = true
	if t.Kind() != reflect.Pointer && reflect.PointerTo(t).Implements(jsonUnmarshaler) {
		return false
	}
	switch t.Kind() {
	case reflect.Array:
		return true
	case reflect.Pointer, reflect.Slice, reflect.Map:
		return reaches(t.Elem(), seen)
	case reflect.Struct:
		for i := range t.NumField() {
			if reaches(t.Field(i).Type, seen) {
				return true
			}
		}
	}
	return false
}

// encodingJSONOnly reports whether data is input segmentio/encoding
// would decode differently from encoding/json.
func encodingJSONOnly(data []byte) bool {
	return foldsToASCII(data) || len(data) > maxNesting && tooDeep(data)
}

// maxNesting is encoding/json's bound on nested arrays and objects.
const maxNesting = 10000

// tooDeep reports whether data nests arrays and objects deeper than
// encoding/json allows (only an input longer than maxNesting can).
func tooDeep(data []byte) bool { return deeperThan(data, maxNesting) }

// deeperThan reports whether data nests arrays and objects deeper than
// levels, counting brackets outside strings.
func deeperThan(data []byte, levels int) bool {
	depth := 0
	for i := 0; i < len(data); i++ {
		switch data[i] {
		case '[', '{':
			if depth++; depth > levels {
				return true
			}
		case ']', '}':
			depth--
		case '"':
			for i++; i < len(data) && data[i] != '"'; i++ {
				if data[i] == '\\' {
					i++
				}
			}
		}
	}
	return false
}

// foldsToASCII reports whether data holds, raw or \u-escaped, one of the
// two runes encoding/json folds to an ASCII letter when it matches keys
// to fields: ſ (U+017F, to S) and the Kelvin sign (U+212A, to K). Both are
// rare in text, so input holding them anywhere is sent to encoding/json.
func foldsToASCII(data []byte) bool {
	if bytes.Contains(data, []byte("\u017f")) || bytes.Contains(data, []byte("\u212a")) {
		return true
	}
	for i := 0; ; {
		j := bytes.Index(data[i:], []byte(`\u`))
		if j < 0 {
			return false
		}
		i += j + 2
		if len(data)-i >= 4 {
			h := data[i : i+4]
			if string(h[:3]) == "017" && h[3]|0x20 == 'f' || string(h[:3]) == "212" && h[3]|0x20 == 'a' {
				return true
			}
		}
	}
}
