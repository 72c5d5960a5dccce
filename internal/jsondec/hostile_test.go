package jsondec

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/wirecord/wirecord/discord"
	"github.com/wirecord/wirecord/internal/fastjson"
)

// hostileValues are values a hostile or buggy server may put in any
// field: numbers at and past every integer and float edge, number forms
// JSON forbids, strings with every escape and encoding problem, and
// containers of the wrong shape.
var hostileValues = []string{
	`null`, `true`, `false`, `0`, `-0`, `1`, `-1`, `01`, `-01`, `00`, `1.0`, `-0.0`, `1e2`, `1E2`, `1e+2`,
	`1e-2`, `-1e0`, `0.5`, `.5`, `5.`, `+1`, `0x10`, `1e400`, `-1e400`, `1e-400`, `3.4028235e38`,
	`3.5e38`, `-3.5e38`, `1e-46`, `4.9e-324`, `1.7976931348623157e308`, `1.8e308`, `NaN`, `Infinity`,
	`127`, `128`, `-128`, `-129`, `255`, `256`, `32767`, `32768`, `65535`, `65536`,
	`2147483647`, `2147483648`, `-2147483648`, `-2147483649`, `4294967295`, `4294967296`,
	`9223372036854775807`, `9223372036854775808`, `-9223372036854775808`, `-9223372036854775809`,
	`18446744073709551615`, `18446744073709551616`, `99999999999999999999`, `-18446744073709551615`,
	`1000000000000000000000000000000`,
	`""`, `"0"`, `"1"`, `"-1"`, `"-0"`, `"01"`, `"1e2"`, `"1.0"`, `" 1"`, `"1 "`, `"+1"`, `"true"`, `"null"`,
	`"18446744073709551615"`, `"18446744073709551616"`, `"99999999999999999999"`, `"175928847299117063"`,
	`"\u0000"`, `"\u2028\u2029"`, "\"\u2028\"", `"\ud800"`, `"\udc00x"`, `"\ud800\ud800"`, `"\ud83d\ude00"`,
	`"\uD83D\uDE00"`, "\"\xff\"", "\"\xed\xa0\x80\"", "\"\xc0\xaf\"", "\"\xf4\x90\x80\x80\"", "\"a\xffb\\n\"",
	`"a\/b"`, `"\""`, `"\\"`, `"\b\f\n\r\t"`, `"\u"`, `"\u12"`, `"\x41"`, `"\'"`, "\"\x01\"", "\"\x7f\"",
	`"2021-01-01T00:00:00Z"`, `"2021-01-01T00:00:00.000000+00:00"`, `"2021-13-01T00:00:00Z"`,
	`[]`, `[null]`, `[1]`, `["1"]`, `[[]]`, `[{}]`, `[{},null]`, `[1,]`, `[,1]`, `{}`, `{"":1}`,
	`{"a":null}`, `{"1":1}`, `{"a":1,}`, `nul`, `nulll`, `tru`, `[`, `{`, `"`,
}

// jsonField is one key of a struct as encoding/json sees it, with the
// type a value of it decodes into.
type jsonField struct {
	key string
	typ reflect.Type
}

// jsonFields lists t's keys: tag names or field names, promoted fields of
// embedded structs included (shadowing is not modelled: a key may appear
// twice, which only means more inputs).
func jsonFields(t reflect.Type) []jsonField {
	var out []jsonField
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		ft := f.Type
		if f.Anonymous && name == "" {
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				out = append(out, jsonFields(ft)...)
			}
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out = append(out, jsonField{name, ft})
	}
	return out
}

var (
	unmarshalerType = reflect.TypeFor[json.Unmarshaler]()
)

// wrappers returns how a value of type t is written around an inner
// struct's object: itself, an array of it (written by array), a map of
// it; and that struct.
func inner(t reflect.Type, array func(string) string) (reflect.Type, []func(string) string) {
	var wraps []func(string) string
	for {
		if reflect.PointerTo(t).Implements(unmarshalerType) {
			return nil, nil
		}
		switch t.Kind() {
		case reflect.Pointer:
			t = t.Elem()
			continue
		case reflect.Slice, reflect.Array:
			wraps = append(wraps, array)
			t = t.Elem()
			continue
		case reflect.Map:
			wraps = append(wraps, func(s string) string { return `{"1":` + s + "}" })
			t = t.Elem()
			continue
		case reflect.Struct:
			return t, wraps
		}
		return nil, nil
	}
}

// walkKeys calls visit for every JSON key reachable from root type t, each
// struct type expanded once (seen), with the function that puts an object
// holding that key where the key belongs in a value of t, each array
// around it an array of that one element.
func walkKeys(t reflect.Type, seen map[reflect.Type]bool, visit func(key string, wrap func(string) string)) {
	walkKeysIn(t, seen, func(s string) string { return "[" + s + "]" }, visit)
}

// walkKeysIn is walkKeys with array writing each array around the key's
// object from the element that leads to it.
func walkKeysIn(t reflect.Type, seen map[reflect.Type]bool, array func(string) string, visit func(key string, wrap func(string) string)) {
	var walk func(t reflect.Type, wrap func(string) string)
	walk = func(t reflect.Type, wrap func(string) string) {
		if seen[t] {
			return
		}
		seen[t] = true
		for _, f := range jsonFields(t) {
			visit(f.key, wrap)
			if st, ws := inner(f.typ, array); st != nil {
				q := strconv.Quote(f.key)
				w := func(s string) string {
					for i := len(ws) - 1; i >= 0; i-- {
						s = ws[i](s)
					}
					return wrap("{" + q + ":" + s + "}")
				}
				walk(st, w)
			}
		}
	}
	walk(t, func(s string) string { return s })
}

// hostileInputs returns, for root type t, one object per (reachable key,
// hostile value), each struct type expanded once, and key variations
// (case, escapes, Unicode folds, repeats) for every key.
func hostileInputs(t reflect.Type, seen map[reflect.Type]bool) []string {
	var out []string
	walkKeys(t, seen, func(key string, wrap func(string) string) {
		q := strconv.Quote(key)
		for _, v := range hostileValues {
			out = append(out, wrap("{"+q+":"+v+"}"))
		}
		for _, k := range keyVariants(key) {
			out = append(out, wrap("{"+k+":null}"), wrap("{"+k+":1}"), wrap("{"+k+`:"1"}`))
		}
	})
	return out
}

// keyVariants are keys encoding/json matches to key, or nearly does.
func keyVariants(key string) []string {
	q := strconv.Quote(key)
	vs := []string{
		strconv.Quote(strings.ToUpper(key)),
		strconv.Quote(strings.ToUpper(key[:1]) + key[1:]),
		q + `:1,` + q, // repeated
		q + `:1,` + strconv.Quote(strings.ToUpper(key)), // repeated under another case
		strconv.Quote(key + " "),
		strconv.Quote(key + "\x00"),
		`"\u` + fmt.Sprintf("%04x", key[0]) + key[1:] + `"`,
		strconv.Quote(strings.ReplaceAll(key, "s", "\u017f")), // ſ folds to S
		strconv.Quote(strings.ReplaceAll(key, "k", "\u212a")), // Kelvin folds to k
		strconv.Quote(strings.ReplaceAll(key, "i", "\u0130")), // İ does not fold to i
		`"` + key + "\xff" + `"`,
	}
	return vs
}

// decodeAll decodes in as a fresh value of t with encoding/json,
// Unmarshal and UnmarshalFresh, and says how the answers differ.
func differs(t reflect.Type, in []byte) string {
	want := reflect.New(t).Interface()
	wantErr := json.Unmarshal(in, want)
	var diffs []string
	for _, dec := range []struct {
		name string
		fn   func([]byte, any) error
	}{{"Unmarshal", Unmarshal}, {"UnmarshalFresh", UnmarshalFresh}} {
		got := reflect.New(t).Interface()
		err := dec.fn(in, got)
		switch {
		case (wantErr == nil) != (err == nil):
			diffs = append(diffs, fmt.Sprintf("%s: encoding/json says %v, %s says %v", t, wantErr, dec.name, err))
		case wantErr == nil && !reflect.DeepEqual(want, got):
			diffs = append(diffs, fmt.Sprintf("%s: %s decodes differently: %s", t, dec.name, firstDiff(reflect.ValueOf(want).Elem(), reflect.ValueOf(got).Elem(), t.Name())))
		}
	}
	return strings.Join(diffs, "\n")
}

// firstDiff names the first place where a and b differ, with both
// values.
func firstDiff(a, b reflect.Value, path string) string {
	if a.Kind() != b.Kind() || a.Kind() == reflect.Invalid {
		return path
	}
	switch a.Kind() {
	case reflect.Pointer, reflect.Interface:
		if a.IsNil() || b.IsNil() {
			return fmt.Sprintf("%s: %v, not %v", path, b, a)
		}
		return firstDiff(a.Elem(), b.Elem(), path)
	case reflect.Struct:
		for i := range a.NumField() {
			if !reflect.DeepEqual(a.Field(i).Interface(), b.Field(i).Interface()) {
				return firstDiff(a.Field(i), b.Field(i), path+"."+a.Type().Field(i).Name)
			}
		}
	case reflect.Slice, reflect.Array:
		if a.Len() != b.Len() || a.Kind() == reflect.Slice && a.IsNil() != b.IsNil() {
			return fmt.Sprintf("%s: %#v, not %#v", path, b.Interface(), a.Interface())
		}
		for i := range a.Len() {
			if !reflect.DeepEqual(a.Index(i).Interface(), b.Index(i).Interface()) {
				return firstDiff(a.Index(i), b.Index(i), fmt.Sprintf("%s[%d]", path, i))
			}
		}
	}
	return fmt.Sprintf("%s: %#v, not %#v", path, b.Interface(), a.Interface())
}

func rootTypes() []reflect.Type {
	out := []reflect.Type{reflect.TypeFor[discord.Message]()}
	seen := map[reflect.Type]bool{out[0]: true}
	for _, name := range discord.EventNames() {
		ev, _ := discord.NewEvent(name)
		t := reflect.TypeOf(ev).Elem()
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}

// Every key reachable from an event type, given every hostile value, and
// written in every near-miss way, decodes as encoding/json decodes it.
func TestHostileValuesDecodeAsEncodingJSON(t *testing.T) {
	n, fast, bad, folds := 0, 0, 0, 0
	seen := map[reflect.Type]bool{}
	for _, rt := range rootTypes() {
		for _, in := range hostileInputs(rt, seen) {
			n++
			if fastjson.Decode([]byte(in), reflect.New(rt).Interface()) {
				fast++
			}
			if d := differs(rt, []byte(in)); d != "" {
				if strings.ContainsAny(in, "\u017f\u212a") {
					folds++
				}
				bad++
				if bad <= 40 {
					t.Errorf("%s\n%s", in, d)
				}
			}
		}
	}
	t.Logf("%d inputs, %d taken by the fast path, %d decoded differently (%d of them with a key encoding/json folds)", n, fast, bad, folds)
}

// Where segmentio/encoding answers differently from encoding/json, the
// answer is encoding/json's: one row per difference found.
func TestSegmentioDifferencesAnswerAsEncodingJSON(t *testing.T) {
	for _, c := range []struct {
		rule string
		typ  reflect.Type
		in   string
	}{
		{"ſ in a key folds to s", reflect.TypeFor[discord.EntitlementCreate](), `{"ſku_id":"1"}`},
		{"ſ escaped in a key folds to s", reflect.TypeFor[discord.EntitlementCreate](), `{"\u017Fku_id":"1"}`},
		{"the Kelvin sign in a key folds to k", reflect.TypeFor[discord.MessageCreate](), "{\"stic\u212aers\":1}"},
		{"a folded key deep down", reflect.TypeFor[discord.MessageCreate](), `{"author":{"avatar_decoration_data":{"ſku_id":"7"}}}`},
		{"[] into a fixed-size array", reflect.TypeFor[discord.Ready](), `{"shard":[]}`},
		{"[] into a fixed-size array deep down", reflect.TypeFor[discord.MessageCreate](), `{"thread":{"member":{"presence":{"activities":[{"party":{"size":[]}}]}}}}`},
	} {
		if d := differs(c.typ, []byte(c.in)); d != "" {
			t.Errorf("%s: %s\n%s", c.rule, c.in, d)
		}
	}
}

// The check that sends folded keys to encoding/json finds them raw and
// escaped, in either case of hex, and nothing else.
func TestFoldsToASCII(t *testing.T) {
	for in, want := range map[string]bool{
		`{"id":"1"}`:           false,
		`{"content":"\u00e9"}`: false,
		`{"ſ":1}`:              true,
		"{\"\u212a\":1}":       true,
		`{"\u017f":1}`:         true,
		`{"\u017F":1}`:         true,
		`{"\u212A":1}`:         true,
		`{"\u212a":1}`:         true,
		`{"\u212":1}`:          false,
		`"\u`:                  false,
	} {
		if got := foldsToASCII([]byte(in)); got != want {
			t.Errorf("foldsToASCII(%s) = %v, want %v", in, got, want)
		}
	}
}

// encoding/json refuses nesting deeper than 10,000 levels; so must we,
// however the levels are written (unknown arrays or objects, a recursive
// field), and quickly: segmentio/encoding follows any depth on the stack.
func TestNestingDeeperThanEncodingJSONIsRefused(t *testing.T) {
	deep := func(open, leaf, close string, n int) string {
		return strings.Repeat(open, n) + leaf + strings.Repeat(close, n)
	}
	for _, c := range []struct {
		rule string
		in   string
	}{
		{"unknown arrays at the limit", `{"x":` + deep("[", "", "]", 9999) + `}`},
		{"unknown arrays past the limit", `{"x":` + deep("[", "", "]", 10000) + `}`},
		{"unknown objects at the limit", `{"x":` + deep(`{"a":`, "1", "}", 9999) + `}`},
		{"unknown objects past the limit", `{"x":` + deep(`{"a":`, "1", "}", 10000) + `}`},
		{"referenced messages at the limit", deep(`{"referenced_message":`, "null", "}", 10000)},
		{"referenced messages past the limit", deep(`{"referenced_message":`, "null", "}", 10001)},
		{"brackets in strings do not count", `{"content":"` + strings.Repeat("[", 20000) + `","x":[]}`},
		{"escaped quotes do not end a string", `{"content":"\"` + strings.Repeat("[", 20000) + `"}`},
		{"unclosed arrays past the limit", `{"x":` + strings.Repeat("[", 10001)},
	} {
		if d := differs(reflect.TypeFor[discord.MessageCreate](), []byte(c.in)); d != "" {
			if len(d) > 300 {
				d = d[:300] + "..."
			}
			t.Errorf("%s: %s", c.rule, d)
		}
	}
}

// A chain of referenced messages filling Gateway's default 16 MiB
// message is refused at once, as encoding/json refuses it, instead of
// costing seconds and a gigabyte of stack (segmentio/encoding alone: 6 s,
// 1 GB; past 22 MB the process dies of a stack overflow).
func TestMaximalNestingIsRefusedQuickly(t *testing.T) {
	const level = `{"referenced_message":`
	n := (16<<20)/len(level) - 1
	in := []byte(strings.Repeat(level, n) + "null" + strings.Repeat("}", n))
	var v discord.MessageCreate
	if err := UnmarshalFresh(in, &v); err == nil {
		t.Fatalf("%d levels of referenced_message decoded without an error", n)
	}
	var u discord.MessageCreate
	if err := Unmarshal(in, &u); err == nil {
		t.Fatalf("%d levels of referenced_message decoded by Unmarshal without an error", n)
	}
}

// BenchmarkTooDeep is the cost of the nesting check on a large event (the
// check runs only on input longer than 10,000 bytes).
func BenchmarkTooDeep(b *testing.B) {
	in := []byte("[" + string(bytes.Join(messageData(b, 512), []byte(","))) + "]")
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		if tooDeep(in) {
			b.Fatal("too deep")
		}
	}
}

// nestedSnapshots is a message whose snapshot holds a message whose
// snapshot holds... levels deep (three levels of nesting each, within the
// fast path's 512), the innermost with content of size bytes. With pairs,
// each array holds an empty snapshot first and the deeper one second.
func nestedSnapshots(levels, size int, pairs bool) []byte {
	open, close := `{"message_snapshots":[{"message":`, `}]}`
	if pairs {
		open = `{"message_snapshots":[{},{"message":`
	}
	inner := `{"content":"` + strings.Repeat("a", size) + `"}`
	return []byte(strings.Repeat(open, levels) + inner + strings.Repeat(close, levels))
}

// BenchmarkNestedArrays compares encoding/json and UnmarshalFresh on
// arrays of structs nested as deep as the fast path goes, with a large
// value at the bottom, each array an empty snapshot and a deeper one: the
// generated decoders count an array's elements after its first before
// decoding them, and each level counts everything below it again.
func BenchmarkNestedArrays(b *testing.B) {
	for _, c := range []struct{ levels, size int }{{1, 1 << 20}, {160, 0}, {160, 1 << 10}, {160, 1 << 20}} {
		in := nestedSnapshots(c.levels, c.size, true)
		for _, dec := range []struct {
			name string
			fn   func([]byte, any) error
		}{{"encoding_json", json.Unmarshal}, {"segmentio", Unmarshal}, {"fresh", UnmarshalFresh}} {
			b.Run(fmt.Sprintf("levels=%d/size=%d/%s", c.levels, c.size, dec.name), func(b *testing.B) {
				b.SetBytes(int64(len(in)))
				for b.Loop() {
					var v discord.MessageCreate
					if err := dec.fn(in, &v); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// Arrays of structs nested deep would make the generated decoders count
// the innermost bytes once per level (an array of more than one element
// counts the elements after its first before decoding them); past four
// times the input they give up, and UnmarshalFresh reads the input once
// with encoding/json. Shallow nesting, as Discord sends, stays on the fast
// path, and so does nesting of one element an array, which is not counted.
func TestDeeplyNestedArraysLeaveTheFastPath(t *testing.T) {
	for _, c := range []struct {
		levels int
		pairs  bool
		fast   bool
	}{{1, true, true}, {3, true, true}, {160, true, false}, {160, false, true}} {
		in := nestedSnapshots(c.levels, 1<<10, c.pairs)
		var got discord.MessageCreate
		if fast := fastjson.Decode(in, &got); fast != c.fast {
			t.Errorf("%d levels (pairs %v): the generated decoder took it: %v, want %v", c.levels, c.pairs, fast, c.fast)
		}
		var want, fresh discord.MessageCreate
		if err := json.Unmarshal(in, &want); err != nil {
			t.Fatal(err)
		}
		if err := UnmarshalFresh(in, &fresh); err != nil {
			t.Fatalf("%d levels: %v", c.levels, err)
		}
		if !reflect.DeepEqual(want, fresh) {
			t.Errorf("%d levels: UnmarshalFresh decodes differently from encoding/json", c.levels)
		}
	}
}
