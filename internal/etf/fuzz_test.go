package etf

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
)

// FuzzToJSON checks that ToJSON never panics, fails only with *Error, emits
// valid JSON, and that its JSON survives FromJSON and ToJSON byte for byte.
// Seeds live in testdata/fuzz/FuzzToJSON.
func FuzzToJSON(f *testing.F) {
	f.Add(etf(mapOf(atom("op"), smallInt(11))))
	f.Add(etf(list(bigOf("-1234567890123456789"), newFloat(1e21), floatExt("1.0e-7"), atomExt("\xe9"))))
	f.Fuzz(func(t *testing.T, in []byte) {
		out, err := ToJSON(nil, in)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("ToJSON error %v (%T) is not *Error", err, err)
			}
			if e.Offset < 0 || e.Offset > len(in) {
				t.Fatalf("ToJSON error offset %d outside input of %d bytes", e.Offset, len(in))
			}
			return
		}
		if !json.Valid(out) {
			t.Fatalf("ToJSON produced invalid JSON: %q", out)
		}
		term, err := FromJSON(nil, out)
		if err != nil {
			t.Fatalf("FromJSON of ToJSON's output %q: %v", out, err)
		}
		again, err := ToJSON(nil, term)
		if err != nil {
			t.Fatalf("ToJSON of FromJSON's output: %v", err)
		}
		if !bytes.Equal(out, again) {
			t.Fatalf("JSON changed across FromJSON and ToJSON:\nfirst  %s\nsecond %s", out, again)
		}
	})
}

// FuzzFromJSON checks that FromJSON never panics, accepts exactly the JSON that
// encoding/json accepts (less the documented limits), and that ToJSON of its
// output is the same JSON value. Seeds live in testdata/fuzz/FuzzFromJSON.
func FuzzFromJSON(f *testing.F) {
	f.Add([]byte(`{"op":1,"d":null}`))
	f.Add([]byte(`[-0,1e-7,18446744073709551616,"\ud83c\udf89"]`))
	f.Fuzz(func(t *testing.T, in []byte) {
		term, err := FromJSON(nil, in)
		valid := json.Valid(in)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("FromJSON error %v (%T) is not *Error", err, err)
			}
			if e.Offset < 0 || e.Offset > len(in) {
				t.Fatalf("FromJSON error offset %d outside input of %d bytes", e.Offset, len(in))
			}
			if valid && !isLimit(e) {
				t.Fatalf("FromJSON rejects valid JSON %q: %v", in, err)
			}
			return
		}
		if !valid {
			t.Fatalf("FromJSON accepts invalid JSON %q", in)
		}
		out, err := ToJSON(nil, term)
		if err != nil {
			t.Fatalf("ToJSON of FromJSON's output: %v", err)
		}
		if err := sameJSON(in, out); err != nil {
			t.Fatalf("value changed: %v\n in: %s\nout: %s", err, in, out)
		}
	})
}
