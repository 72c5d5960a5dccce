package jsondec

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"unsafe"

	"github.com/wirecord/wirecord/discord"
)

// decoders are the three entry points held to encoding/json.
var decoders = []struct {
	name string
	fn   func([]byte, any) error
}{{"Unmarshal", Unmarshal}, {"UnmarshalFresh", UnmarshalFresh}, {"UnmarshalShared", UnmarshalShared}}

// agree decodes in as a fresh value of t with encoding/json and with each
// of our decoders, and reports the first way they differ ("" if none).
// The input given to our decoders is a copy, and for Unmarshal and
// UnmarshalFresh it is overwritten after the decode and before the
// comparison: their values must not share the input's memory.
func agree(t reflect.Type, in []byte) string {
	want := reflect.New(t).Interface()
	wantErr := json.Unmarshal(bytes.Clone(in), want)
	var diffs []string
	for _, dec := range decoders {
		buf := bytes.Clone(in)
		got := reflect.New(t).Interface()
		err := dec.fn(buf, got)
		if dec.name != "UnmarshalShared" {
			for i := range buf {
				buf[i] = 'X'
			}
		}
		switch {
		case (wantErr == nil) != (err == nil):
			diffs = append(diffs, fmt.Sprintf("%s: encoding/json says %v, %s says %v", t, wantErr, dec.name, err))
		case wantErr == nil && !reflect.DeepEqual(want, got):
			diffs = append(diffs, fmt.Sprintf("%s: %s decodes differently: %s", t, dec.name,
				firstDiff(reflect.ValueOf(want).Elem(), reflect.ValueOf(got).Elem(), t.Name())))
		}
	}
	return strings.Join(diffs, "\n")
}

var messageCreate = reflect.TypeFor[discord.MessageCreate]()

// IDs in every shape a server could send, in every place the generated
// decoders read one (a struct field, an array element, a nested struct,
// a pointer), with whitespace around them.
func TestIDEdgeShapesDecodeAsEncodingJSON(t *testing.T) {
	ids := []string{
		`""`, `"0"`, `"00"`, `"1"`, `"01"`, `"007"`,
		`"12345678901234567890"`,  // 20 digits, fits
		`"18446744073709551615"`,  // max
		`"18446744073709551616"`,  // max+1, 20 digits
		`"18446744073709551619"`,  // last digit overflows
		`"18446744073709551625"`,  // overflow in the last two digits
		`"28446744073709551615"`,  // overflow at the first digit
		`"99999999999999999999"`,  // 20 nines
		`"00000000000000000000"`,  // 20 zeros
		`"000000000000000000000"`, // 21 zeros
		`"018446744073709551615"`, // 21 digits whose value fits
		`"123456789012345678901"`, // 21 digits
		`"1234567890123456789012345678901234567890"`,
		`" "`, `" 1"`, `"1 "`, `"1\t"`, `"\u0031"`, `"1\u0030"`, `"\u0030"`, `"\"1"`, `"1\""`, `"\/1"`,
		`"-1"`, `"+1"`, `"1.0"`, `"1e3"`, `"0x1"`, `"١"`, "\"1\xff\"", "\"1\x00\"", `"1`, `"`,
		`0`, `1`, `-1`, `1.0`, `1e3`, `18446744073709551615`, `18446744073709551616`, `01`,
		`null`, `true`, `false`, `[]`, `{}`, `["1"]`,
	}
	ws := []string{"", " ", "\n\t ", "\r"}
	n := 0
	for _, id := range ids {
		for _, w := range ws {
			v := w + id + w
			for _, in := range []string{
				`{"id":` + v + `}`,
				`{"id":` + v + `,"channel_id":"5"}`,
				`{"channel_id":"5","id":` + v + `}`,
				`{"mention_roles":[` + v + `]}`,
				`{"mention_roles":["1",` + v + `,"2"]}`,
				`{"author":{"id":` + v + `}}`,
				`{"guild_id":` + v + `}`, // a typed ID beside the embedded Message
				`{"message_reference":{"message_id":` + v + `}}`,
				`{"referenced_message":{"id":` + v + `,"author":{"id":` + v + `}}}`,
				`{"application_id":` + v + `}`,
			} {
				n++
				if d := agree(messageCreate, []byte(in)); d != "" {
					t.Errorf("%s\n%s", in, d)
				}
			}
		}
	}
	t.Logf("%d inputs", n)
}

// Nonces: what Go's strconv.Unquote (Nonce.UnmarshalJSON) and JSON
// disagree on, and every number shape.
func TestNonceEdgeShapesDecodeAsEncodingJSON(t *testing.T) {
	nonces := []string{
		`""`, `"a"`, `"a b"`, `"'"`, `"\'"`, `"\/"`, `"a\/b"`, `"\\"`, `"\""`, `"\n"`, `"\t"`, `"\b"`, `"\f"`, `"\r"`,
		`"\a"`, `"\v"`, `"\x41"`, `"\101"`, `"\0"`, `"\u0041"`, `"\U00000041"`, `"\u00e9"`, `"\u0000"`,
		`"\ud83d\ude00"`, `"\ud83d"`, `"\ude00"`, `"\uDEAD"`, `"\u2028"`, "\"\u2028\"", "\"\x7f\"",
		"\"é\"", "\"😀\"", "\"\xff\"", "\"a\xc3\"", "\"\xed\xa0\x80\"", "\"\xef\xbb\xbf\"", "\"\x01\"", "\"a\nb\"",
		`"` + strings.Repeat("n", 25) + `"`, `"` + strings.Repeat("é", 300) + `"`, `"` + strings.Repeat("a", 1000) + `\n"`,
		`0`, `-0`, `1`, `-1`, `01`, `-01`, `00`, `1.0`, `1.5`, `1e3`, `1E3`, `1e+3`, `-1e-3`, `0e0`, `-0.0`,
		`9223372036854775807`, `9223372036854775808`, `-9223372036854775808`, `-9223372036854775809`,
		`18446744073709551615`, `99999999999999999999999999999`, `+1`, `.5`, `0x1`, `1_000`,
		`null`, `true`, `false`, `[]`, `{}`, `["a"]`, `nul`, `"`,
	}
	n := 0
	for _, nonce := range nonces {
		for _, in := range []string{
			`{"nonce":` + nonce + `}`,
			`{"nonce": ` + nonce + ` }`,
			`{"id":"1","nonce":` + nonce + `,"content":"x"}`,
			`{"referenced_message":{"nonce":` + nonce + `}}`,
			`{"message_snapshots":[{"message":{"nonce":` + nonce + `}}]}`,
		} {
			n++
			if d := agree(messageCreate, []byte(in)); d != "" {
				t.Errorf("%s\n%s", in, d)
			}
		}
	}
	t.Logf("%d inputs", n)
}

// Strings with escapes are decoded into one allocation of their raw
// length; every placement of escapes, and the shapes the fast path must
// leave to the full decoder (\u, invalid UTF-8), decode as encoding/json.
func TestEscapedStringEdgeShapesDecodeAsEncodingJSON(t *testing.T) {
	long := strings.Repeat("abcdefgh", 40) // 320 bytes
	strs := []string{
		`"\n"`, `"\\"`, `"\""`, `"\/"`, `"\n\n\n\n\n\n\n\n\n"`, `"\\\\\\\\\\\\\\\\"`, `"\b\f\n\r\t\/\\\""`,
		`"abc\n"`, `"\nabc"`, `"abcdefg\n"`, `"abcdefgh\n"`, `"abcdefghi\n"`, `"a\"b\"c"`, `"\\\""`, `"\\\\"`,
		`"` + long + `\n"`, `"\n` + long + `"`, `"` + long + `\n` + long + `"`, `"` + strings.Repeat(`\n`, 300) + `"`,
		`"` + strings.Repeat(`\\`, 200) + `"`, `"` + strings.Repeat(`a\t`, 200) + `"`,
		`"é\n"`, `"\né"`, `"` + long + `é\n"`, `"😀\t😀"`,
		"\"\xff\\n\"", "\"\\n\xff\"", "\"\xc3\\n\xa9\"", "\"\\n\xc3\"", "\"\xc3\\n\"", "\"" + long + "\xff\\n\"",
		"\"\xed\xa0\x80\\n\"", "\"\\n\xf4\x90\x80\x80\"", "\"\\n\xc0\xaf\"",
		`"\ud83d\ude00"`, `"a\ud83d\ude00b"`, `"\n\ud83d\ude00"`, `"\ud83d\ude00\n"`, `"\uD83D\uDE00"`,
		`"\ud83d"`, `"\ude00"`, `"\ud83d\n"`, `"\ud83dx"`, `"\ud83d\ud83d"`, `"\u00e9\n"`, `"\n\u00e9"`, `"\u0000"`,
		`"\n\u"`, `"\n\u12"`, `"\n\u12g4"`, `"\n\x"`, `"\n\'"`, `"\n\a"`, `"\n\v"`, `"\n\0"`, `"\n\`, `"\n`, `"\`,
		"\"\\n\x01\"", "\"\\n\x1f\"", "\"\\n\x7f\"", "\"\\n\t\"",
	}
	n := 0
	for _, s := range strs {
		for _, in := range []string{
			`{"content":` + s + `}`,
			`{"content":` + s + `,"id":"1"}`,
			`{"author":{"username":` + s + `,"global_name":` + s + `}}`,
			`{"embeds":[{"title":` + s + `,"description":` + s + `}]}`,
			`{"member":{"nick":` + s + `}}`,
			`{"referenced_message":{"content":` + s + `,"author":{"avatar":` + s + `}}}`,
			`{"unknown_key":` + s + `}`,
			`{"mentions":[{"id":"1","global_name":` + s + `},{"id":"2","global_name":"x"}]}`,
		} {
			n++
			if d := agree(messageCreate, []byte(in)); d != "" {
				t.Errorf("%s\n%s", in, d)
			}
		}
	}
	t.Logf("%d inputs", n)
}

// *string fields share slabs of four per decode: null, repeated keys,
// more than 4 and more than 8 pointers, nested referenced messages.
func TestStringPointerEdgeShapesDecodeAsEncodingJSON(t *testing.T) {
	user := func(i int, extra string) string {
		return fmt.Sprintf(`{"id":"%d","username":"u%d","global_name":"g%d","avatar":"a%d"%s}`, i+1, i, i, i, extra)
	}
	users := func(n int) string {
		var us []string
		for i := range n {
			us = append(us, user(i, ""))
		}
		return "[" + strings.Join(us, ",") + "]"
	}
	var ins []string
	for _, n := range []int{0, 1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 100} {
		ins = append(ins, `{"mentions":`+users(n)+`}`)
	}
	ins = append(ins,
		`{"author":{"global_name":null}}`,
		`{"author":{"global_name":null,"avatar":"a"}}`,
		`{"author":{"global_name":"a","global_name":"b"}}`,
		`{"author":{"global_name":null,"global_name":"b"}}`,
		`{"author":{"global_name":"a","global_name":null}}`,
		`{"author":{"global_name":"a","Global_Name":"b"}}`,
		`{"author":{"global_name":"a","avatar":"b","avatar":"c"}}`,
		`{"member":{"nick":"n","avatar":"a","banner":"b","nick":"m"}}`,
		`{"author":{"global_name":""}}`,
		`{"author":{"global_name":"\n"}}`,
		`{"author":{"global_name":"\u00e9"}}`,
		`{"author":{"global_name":1}}`,
		`{"author":{"global_name":["a"]}}`,
		`{"author":{"global_name":{}}}`,
		`{"member":{"nick":"n","avatar":"a","banner":"b"},"author":`+user(0, "")+`,"mentions":`+users(6)+`}`,
	)
	// A chain of referenced messages, each with its own *string fields.
	nested := `{"content":"end"}`
	for i := range 12 {
		nested = fmt.Sprintf(`{"author":%s,"member":{"nick":"n%d"},"referenced_message":%s}`, user(i, ""), i, nested)
	}
	ins = append(ins, nested)
	for _, in := range ins {
		if d := agree(messageCreate, []byte(in)); d != "" {
			t.Errorf("%s\n%s", in, d)
		}
	}
}

// stringPointers returns every non-nil *string reachable from v.
func stringPointers(v reflect.Value, out []*string) []*string {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return out
		}
		if v.Type().Elem().Kind() == reflect.String {
			if p, ok := v.Interface().(*string); ok {
				return append(out, p)
			}
			return out
		}
		return stringPointers(v.Elem(), out)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				out = stringPointers(v.Field(i), out)
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			out = stringPointers(v.Index(i), out)
		}
	}
	return out
}

// Every *string of a decoded message is its own: writing through one
// changes no other, however many share a slab, and they survive later
// decodes and collections.
func TestEveryStringPointerIsItsOwn(t *testing.T) {
	var us []string
	for i := range 13 {
		us = append(us, fmt.Sprintf(`{"id":"%d","global_name":"g%d","avatar":"a%d"}`, i+1, i, i))
	}
	nested := `{"author":{"id":"99","global_name":"deep","avatar":"deepa"},"member":{"nick":"dn","avatar":"da","banner":"db"}}`
	in := []byte(`{"author":{"id":"1","global_name":"ga","avatar":"aa"},"member":{"nick":"n","avatar":"ma","banner":"mb"},` +
		`"mentions":[` + strings.Join(us, ",") + `],"referenced_message":` + nested + `}`)
	for _, dec := range decoders {
		var got, want discord.MessageCreate
		if err := json.Unmarshal(in, &want); err != nil {
			t.Fatal(err)
		}
		if err := dec.fn(bytes.Clone(in), &got); err != nil {
			t.Fatal(err)
		}
		// Later decodes allocate and write memory; a collection frees
		// whatever is no longer referenced.
		for range 50 {
			var other discord.MessageCreate
			_ = dec.fn(bytes.ReplaceAll(in, []byte(`"g`), []byte(`"Z`)), &other)
		}
		runtime.GC()
		if !reflect.DeepEqual(want, got) {
			t.Fatalf("%s: values changed after later decodes: %s", dec.name, firstDiff(reflect.ValueOf(want), reflect.ValueOf(got), "MessageCreate"))
		}
		ps := stringPointers(reflect.ValueOf(&got), nil)
		if len(ps) < 33 {
			t.Fatalf("%s: %d *string fields found, want at least 33", dec.name, len(ps))
		}
		before := make([]string, len(ps))
		for i, p := range ps {
			before[i] = *p
		}
		for i, p := range ps {
			*p = fmt.Sprintf("changed %d", i)
			for j, q := range ps {
				if j != i && *q != before[j] && *q != fmt.Sprintf("changed %d", j) {
					t.Fatalf("%s: writing *string %d changed %d to %q", dec.name, i, j, *q)
				}
			}
		}
	}
}

// fixtureValues returns every JSON object and array in the fixtures,
// whole files and every value nested in them.
func fixtureValues(t *testing.T) map[string][]byte {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "..", "discord", "testdata", "models", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	out := map[string][]byte{}
	var walk func(name string, raw json.RawMessage)
	walk = func(name string, raw json.RawMessage) {
		raw = bytes.TrimSpace(raw)
		if len(raw) == 0 || raw[0] != '{' && raw[0] != '[' {
			return
		}
		out[name] = raw
		if raw[0] == '{' {
			var m map[string]json.RawMessage
			if json.Unmarshal(raw, &m) == nil {
				for k, v := range m {
					walk(name+"."+k, v)
				}
			}
		} else {
			var a []json.RawMessage
			if json.Unmarshal(raw, &a) == nil {
				for i, v := range a {
					walk(fmt.Sprintf("%s[%d]", name, i), v)
				}
			}
		}
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		walk(filepath.Base(f), b)
	}
	return out
}

// Every fixture, and every object and array inside one, decodes as every
// event type (and Message) as encoding/json decodes it: values, errors,
// and unknown fields ignored.
func TestFixturesDecodeAsEncodingJSONAsEveryEventType(t *testing.T) {
	values := fixtureValues(t)
	types := rootTypes()
	n := 0
	for name, raw := range values {
		for _, rt := range types {
			n++
			if d := agree(rt, raw); d != "" {
				t.Errorf("%s as %s:\n%s", name, rt, d)
			}
		}
	}
	t.Logf("%d values x %d types = %d decodes", len(values), len(types), n)
}

// A repeated key decodes into what the first occurrence left (encoding/json
// merges objects into the same struct, reuses slice elements, and zeroes a
// fixed-size array's elements past a shorter second array). The generated
// decoders give up on repeated keys, so this is segmentio/encoding's
// answer, held to encoding/json's.
func TestRepeatedKeysDecodeAsEncodingJSON(t *testing.T) {
	for _, c := range []struct {
		typ reflect.Type
		in  string
	}{
		{messageCreate, `{"author":{"id":"1"},"author":{"username":"x"}}`},
		{messageCreate, `{"message_reference":{"message_id":"1"},"message_reference":{"channel_id":"2"}}`},
		{messageCreate, `{"mentions":[{"id":"1"},{"id":"2"}],"mentions":[{"username":"x"}]}`},
		{messageCreate, `{"embeds":[{"title":"a","fields":[{"name":"n"}]}],"embeds":[{"description":"d"}]}`},
		{messageCreate, `{"mention_roles":["1","2"],"mention_roles":["3"]}`},
		{messageCreate, `{"interaction_metadata":{"authorizing_integration_owners":{"0":"1"},"authorizing_integration_owners":{"1":"2"}}}`},
		{messageCreate, `{"member":{"nick":"a"},"member":{"avatar":"b"}}`},
		{messageCreate, `{"author":{"global_name":"a"},"author":{"global_name":null}}`},
		{reflect.TypeFor[discord.Ready](), `{"shard":[1,2],"shard":[]}`},
		{reflect.TypeFor[discord.Ready](), `{"shard":[1,2],"shard":null}`},
		// Fixed-size arrays: the second, shorter array leaves the rest zero.
		{reflect.TypeFor[discord.Ready](), `{"shard":[1,2],"shard":[3]}`},
		{reflect.TypeFor[discord.PresenceUpdate](), `{"activities":[{"party":{"size":[1,2],"size":[3]}}]}`},
		{reflect.TypeFor[discord.PresenceUpdate](), `{"activities":[{"party":{"size":[1,2]}}],"activities":[{"party":{"size":[3]}}]}`},
		{messageCreate, `{"thread":{"member":{"presence":{"activities":[{"party":{"size":[1,2],"size":[3]}}]}}}}`},
	} {
		if d := agree(c.typ, []byte(c.in)); d != "" {
			t.Errorf("%s\n%s", c.in, d)
		}
	}
}

// shrink returns smaller values of raw's shape: an array of its first
// element, an empty array or object, an object of its last member.
func shrink(raw json.RawMessage) []string {
	raw = bytes.TrimSpace(raw)
	switch {
	case len(raw) > 0 && raw[0] == '[':
		var a []json.RawMessage
		if json.Unmarshal(raw, &a) != nil || len(a) == 0 {
			return nil
		}
		return []string{"[" + string(a[0]) + "]", "[]"}
	case len(raw) > 0 && raw[0] == '{':
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.Token()
		var last string
		for dec.More() {
			k, _ := dec.Token()
			var v json.RawMessage
			if dec.Decode(&v) != nil {
				return nil
			}
			last = fmt.Sprintf("{%q:%s}", k, v)
		}
		if last == "" {
			return nil
		}
		return []string{last, "{}"}
	}
	return nil
}

// members returns the keys and values of the JSON object raw's members,
// in order.
func members(t *testing.T, raw []byte) (keys []string, vals []json.RawMessage) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.Token()
	for dec.More() {
		k, _ := dec.Token()
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			t.Fatal(err)
		}
		keys, vals = append(keys, k.(string)), append(vals, v)
	}
	return keys, vals
}

// Every member of every object in the fixtures, repeated with a smaller
// value of its shape, decodes as every event type as encoding/json
// decodes it.
func TestFixtureMembersRepeatedDecodeAsEncodingJSON(t *testing.T) {
	types := rootTypes()
	n, bad := 0, 0
	for name, raw := range fixtureValues(t) {
		if raw[0] != '{' {
			continue
		}
		keys, vals := members(t, raw)
		for i := range keys {
			for _, s := range shrink(vals[i]) {
				var ms []string
				for j := range keys {
					ms = append(ms, fmt.Sprintf("%q:%s", keys[j], vals[j]))
					if j == i {
						ms = append(ms, fmt.Sprintf("%q:%s", keys[j], s))
					}
				}
				in := []byte("{" + strings.Join(ms, ",") + "}")
				for _, rt := range types {
					n++
					if d := agree(rt, in); d != "" {
						if bad++; bad <= 10 {
							t.Errorf("%s, %q repeated as %s, as %s:\n%s", name, keys[i], s, rt, d)
						}
					}
				}
			}
		}
	}
	t.Logf("%d decodes, %d differ", n, bad)
}

// overlap reports whether a's and b's bytes share memory.
func overlap(a, b string) bool {
	if len(a) == 0 || len(b) == 0 {
		return false
	}
	pa, pb := uintptr(unsafe.Pointer(unsafe.StringData(a))), uintptr(unsafe.Pointer(unsafe.StringData(b)))
	return pa < pb+uintptr(len(b)) && pb < pa+uintptr(len(a))
}

// allStrings returns every non-empty string reachable from v.
func allStrings(v reflect.Value, out []string) []string {
	switch v.Kind() {
	case reflect.String:
		if v.Len() > 0 {
			out = append(out, v.String())
		}
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			out = allStrings(v.Elem(), out)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				out = allStrings(v.Field(i), out)
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			out = allStrings(v.Index(i), out)
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			out = allStrings(it.Value(), out)
		}
	}
	return out
}

// Strings holding escapes are decoded into memory of their own: no two
// of them share bytes, none lies in the input, and they hold their
// values through later decodes and collections.
func TestEscapedStringsAreEachTheirOwn(t *testing.T) {
	var us []string
	for i := range 12 {
		us = append(us, fmt.Sprintf(`{"id":"%d","username":"u\t%d","global_name":"g\n%d","avatar":"a\\%d"}`, i+1, i, i, i))
	}
	in := []byte(`{"id":"1","content":"c\"` + strings.Repeat("x", 300) + `\"","nonce":"n\nn","author":{"id":"1","username":"au\/x"},` +
		`"embeds":[{"title":"t\r1","description":"d\b1"},{"title":"t\r2","description":"d\f2"}],` +
		`"mentions":[` + strings.Join(us, ",") + `],"referenced_message":{"content":"rc\n","nonce":"rn\t"}}`)
	for _, dec := range decoders {
		var want, got discord.MessageCreate
		if err := json.Unmarshal(in, &want); err != nil {
			t.Fatal(err)
		}
		data := bytes.Clone(in)
		if err := dec.fn(data, &got); err != nil {
			t.Fatal(err)
		}
		for range 50 {
			var other discord.MessageCreate
			_ = dec.fn(bytes.ReplaceAll(in, []byte(`\n`), []byte(`\t`)), &other)
		}
		runtime.GC()
		if !reflect.DeepEqual(want, got) {
			t.Fatalf("%s: values changed after later decodes: %s", dec.name, firstDiff(reflect.ValueOf(want), reflect.ValueOf(got), "MessageCreate"))
		}
		var esc []string
		for _, s := range allStrings(reflect.ValueOf(got), nil) {
			if strings.ContainsAny(s, "\n\t\r\b\f\"\\/") {
				esc = append(esc, s)
			}
		}
		if len(esc) < 40 {
			t.Fatalf("%s: %d strings with escapes, want at least 40", dec.name, len(esc))
		}
		for i, a := range esc {
			if within(a, data) {
				t.Errorf("%s: %q, which held escapes, lies in the input", dec.name, a)
			}
			for _, b := range esc[i+1:] {
				if overlap(a, b) {
					t.Errorf("%s: %q and %q share memory", dec.name, a, b)
				}
			}
		}
	}
}

// Values decoded with UnmarshalShared from many events at once, on
// several goroutines, hold their values through collections (run under
// -race and checkptr too).
func TestSharedValuesHoldAcrossGoroutinesAndCollections(t *testing.T) {
	data := messageData(t, 64)
	want := make([]discord.MessageCreate, len(data))
	for i, d := range data {
		if err := json.Unmarshal(d, &want[i]); err != nil {
			t.Fatal(err)
		}
	}
	const workers = 4
	done := make(chan string, workers)
	for w := range workers {
		go func() {
			got := make([]discord.MessageCreate, len(data))
			for round := range 20 {
				for i, d := range data {
					got[i] = discord.MessageCreate{}
					dec := decoders[(i+w+round)%len(decoders)]
					if err := dec.fn(d, &got[i]); err != nil {
						done <- err.Error()
						return
					}
				}
				runtime.GC()
				for i := range got {
					if !reflect.DeepEqual(want[i], got[i]) {
						done <- fmt.Sprintf("worker %d round %d message %d: %s", w, round, i,
							firstDiff(reflect.ValueOf(want[i]), reflect.ValueOf(got[i]), "MessageCreate"))
						return
					}
				}
			}
			done <- ""
		}()
	}
	for range workers {
		if msg := <-done; msg != "" {
			t.Error(msg)
		}
	}
}
