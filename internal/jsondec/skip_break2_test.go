package jsondec

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/wirecord/wirecord/discord"
	"github.com/wirecord/wirecord/internal/fastjson"
)

// skippedValues are values for members the generated decoders skip:
// every grammar edge of numbers, literals and strings, valid and not,
// and nesting around maxDepth (512) counted from where they sit.
func skippedValues() []string {
	vals := []string{
		`0`, `-0`, `-0.0e-0`, `1e5`, `1E+5`, `1e-5`, `123456789012345678901234567890`, `1e999`,
		`01`, `-01`, `1.`, `.5`, `-`, `+1`, `1e`, `1e+`, `0x1`, `NaN`,
		`true`, `false`, `null`, `tru`, `fals`, `nul`, `truex`, `nullnull`, `True`,
		`""`, `"\"\\\/\b\f\n\r\t"`, `"\u00e9\uD83D\uDE00"`, `"\uD800"`, `"\u12"`, `"\u12G4"`, `"\u123G"`, `"\u004""`, `"\x"`,
		"\"\x01\"", "\"\x7f\"", "\"\xff\xfe\"", "\"\xed\xa0\x80\"", `"abc`, `"\`,
		`[]`, `{}`, ` [ 1 , "a" , { "b" : [ null ] } ] `, "\t{\n\"k\"\r:\n[\t]\n}\n", `[1,]`, `{"a":1,}`, `[1 2]`,
		`{"a"}`, `[}`, `{]`, `[[]`, "[\v]", "[\u00a0]",
		`[` + strings.Repeat(`0,`, 5000) + `0]`,
	}
	// The member's value starts at depth 1 (in the root object) or 2 (in
	// the author object): around 512 levels in all.
	for _, levels := range []int{509, 510, 511, 512, 513} {
		vals = append(vals,
			strings.Repeat("[", levels)+strings.Repeat("]", levels),
			strings.Repeat(`{"a":`, levels)+"1"+strings.Repeat("}", levels),
			strings.Repeat(`[{"a":`, levels/2)+"{}"+strings.Repeat("}]", levels/2))
	}
	return vals
}

// validWithin reports whether v is valid JSON that nests at most
// levels deep: what the fast path must take, from where v sits.
func validWithin(v string, levels int) bool {
	return json.Valid([]byte(v)) && !deeperThan([]byte(v), levels)
}

// Realistic messages with an unknown member holding each skipped value,
// in the root (depth 1) and in the author (depth 2), first or last:
// UnmarshalFresh and UnmarshalShared answer as encoding/json does, and
// the generated decoders take each input that is valid within their
// depth (so the skip itself is what answers, not a fallback).
func TestUnknownMembersHoldingEdgeValuesDecodeAsEncodingJSON(t *testing.T) {
	msgs := messageData(t, 4)
	for _, v := range skippedValues() {
		for mi, m := range msgs {
			m = bytes.TrimSpace(m)
			for _, place := range []struct {
				name  string
				in    []byte
				depth int
			}{
				{"root, first", []byte(`{"zz_unknown":` + v + `,` + string(m[1:])), 1},
				{"root, last", []byte(string(m[:len(m)-1]) + `,"zz_unknown" : ` + v + `}`), 1},
				{"author", bytes.Replace(m, []byte(`"author":{`), []byte(`"author":{"zz_unknown":`+v+`,`), 1), 2},
			} {
				if d := agree(messageCreate, place.in); d != "" {
					t.Fatalf("message %d, %.40q in %s:\n%.600s", mi, v, place.name, d)
				}
				var got discord.MessageCreate
				fast := fastjson.Decode(bytes.Clone(place.in), &got)
				if want := validWithin(v, 512-place.depth); fast != want {
					t.Fatalf("message %d, %.40q in %s: the generated decoder took it: %v, want %v", mi, v, place.name, fast, want)
				}
			}
		}
	}
}

// The same values in the members a Mask leaves out (an unknown one and
// known ones of other types): UnmarshalFields answers as encoding/json
// does without them, and DecodeFields takes exactly the input that is
// valid within maxDepth.
func TestFieldsSkippingEdgeValuesDecodeAsEncodingJSONWithout(t *testing.T) {
	msgs := messageData(t, 2)
	names := []string{"id", "channel_id", "content", "author"}
	mask, err := fastjson.MaskOf(new(discord.MessageCreate), names)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range skippedValues() {
		for mi, m := range msgs {
			m = bytes.TrimSpace(m)
			for _, member := range []string{"zz_unknown", "embeds", "tts", "nonce", "timestamp", "referenced_message"} {
				var in []byte
				if bytes.Contains(m, []byte(`"`+member+`":`)) {
					// Replace the member's value: prepend a copy of it and
					// drop nothing (a repeated key goes to the slow path),
					// so build the input from a decoded map instead.
					var obj map[string]json.RawMessage
					if err := json.Unmarshal(m, &obj); err != nil {
						t.Fatal(err)
					}
					delete(obj, member)
					rest, _ := json.Marshal(obj)
					in = []byte(fmt.Sprintf(`{%q: %s,%s`, member, v, rest[1:]))
				} else {
					in = []byte(fmt.Sprintf(`{%q: %s,%s`, member, v, m[1:]))
				}
				if d, _ := agreeFields(messageCreate, in, names); d != "" {
					t.Fatalf("message %d, %s holding %.40q:\n%.600s", mi, member, v, d)
				}
				fast := fastjson.DecodeFields(bytes.Clone(in), false, mask, new(discord.MessageCreate))
				if want := validWithin(v, 511); fast != want {
					t.Fatalf("message %d, %s holding %.40q: DecodeFields took it: %v, want %v", mi, member, v, fast, want)
				}
			}
		}
	}
}

// Every fixture value with an unknown member of each skipped value added
// to its objects' front: every entry point and UnmarshalFields agree with
// encoding/json, as every root type (two values for each fixture, in turn).
func TestFixturesWithUnknownEdgeMembersDecodeAsEncodingJSON(t *testing.T) {
	values := fixtureValues(t)
	vals := skippedValues()
	types := rootTypes()
	n, turn := 0, 0
	for name, raw := range values {
		if raw[0] != '{' || len(raw) < 3 {
			continue
		}
		turn++
		for k, v := range vals {
			if k != turn%len(vals) && k != (turn+len(vals)/2)%len(vals) { // two values for each fixture, in turn
				continue
			}
			in := []byte(`{"zz_unknown":` + v + `,` + string(raw[1:]))
			for _, rt := range types {
				n++
				if d := agree(rt, in); d != "" {
					t.Fatalf("%s with %.40q as %s:\n%.600s", name, v, rt, d)
				}
			}
			if d, _ := agreeFields(messageCreate, in, []string{"id", "content"}); d != "" {
				t.Fatalf("%s with %.40q, fields:\n%.600s", name, v, d)
			}
		}
	}
	t.Logf("%d decodes", n)
}
