package jsondec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/wirecord/wirecord/discord"
	"github.com/wirecord/wirecord/internal/fastjson"
)

// refWithout is without written independently, for valid JSON only: a
// byte scan of the top-level object that keeps each member's bytes as
// they came (key included) unless its key, unescaped by JSON's rules,
// is in skip. Keys that unescape to anything but ASCII are kept: no
// field name is other than ASCII (TestRootFieldNamesAreASCII).
func refWithout(data []byte, skip map[string]bool) []byte {
	i := refSpace(data, 0)
	if data[i] != '{' {
		return data
	}
	out := []byte{'{'}
	i++
	for {
		i = refSpace(data, i)
		if data[i] == '}' {
			return append(out, '}')
		}
		if data[i] == ',' {
			i = refSpace(data, i+1)
		}
		kStart := i
		kEnd := refValueEnd(data, i)
		key, ascii := refUnescape(data[kStart+1 : kEnd-1])
		i = refSpace(data, kEnd) + 1 // the colon
		i = refSpace(data, i)
		vEnd := refValueEnd(data, i)
		if !(ascii && skip[key]) {
			if len(out) > 1 {
				out = append(out, ',')
			}
			out = append(out, data[kStart:kEnd]...)
			out = append(out, ':')
			out = append(out, data[i:vEnd]...)
		}
		i = vEnd
	}
}

func refSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// refValueEnd is the end of the valid value at i.
func refValueEnd(b []byte, i int) int {
	depth := 0
	for j := i; ; j++ {
		switch c := b[j]; {
		case c == '"':
			j++
			for b[j] != '"' {
				if b[j] == '\\' {
					j++
				}
				j++
			}
			if depth == 0 {
				return j + 1
			}
		case c == '{' || c == '[':
			depth++
		case c == '}' || c == ']':
			depth--
			if depth == 0 {
				return j + 1
			}
			if depth < 0 { // the end of a scalar at the container's close
				return j
			}
		case depth == 0 && (c == ',' || c == ' ' || c == '\t' || c == '\n' || c == '\r'):
			return j
		}
		if j+1 == len(b) && depth == 0 {
			return j + 1
		}
	}
}

// refUnescape undoes a key's escapes; ascii is false when the key holds
// anything but ASCII (raw, or \u-escaped, surrogates included).
func refUnescape(s []byte) (key string, ascii bool) {
	var out []byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			return "", false
		}
		if c != '\\' {
			out = append(out, c)
			continue
		}
		i++
		switch s[i] {
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			n, _ := strconv.ParseUint(string(s[i+1:i+5]), 16, 16)
			if n >= utf8.RuneSelf || utf16.IsSurrogate(rune(n)) {
				return "", false
			}
			out = append(out, byte(n))
			i += 4
		default: // " \ /
			out = append(out, s[i])
		}
	}
	return string(out), true
}

// canonical is JSON's token stream: the same for two texts exactly when
// they hold the same values in the same order.
func canonical(data []byte) (string, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var sb strings.Builder
	for {
		tok, err := dec.Token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return sb.String(), nil
			}
			return sb.String(), err
		}
		fmt.Fprintf(&sb, "%T:%q ", tok, fmt.Sprint(tok))
	}
}

func TestRootFieldNamesAreASCII(t *testing.T) {
	for _, rt := range rootTypes() {
		for _, f := range fastjson.RootFields(reflect.New(rt).Interface()) {
			for _, c := range []byte(f) {
				if c >= utf8.RuneSelf {
					t.Fatalf("%s has the field %q: refWithout takes names to be ASCII", rt, f)
				}
			}
		}
	}
}

// skipOf is the keys of rt's fields not in names.
func skipOf(rt reflect.Type, names []string) map[string]bool {
	skip := map[string]bool{}
	for _, f := range fastjson.RootFields(reflect.New(rt).Interface()) {
		if !contains(names, f) {
			skip[f] = true
		}
	}
	return skip
}

// sameWithout reports how without differs from refWithout on the valid
// data ("" when it does not).
func sameWithout(data []byte, skip map[string]bool) string {
	got, gotErr := canonical(without(bytes.Clone(data), skip))
	want, wantErr := canonical(refWithout(bytes.Clone(data), skip))
	if gotErr != nil || wantErr != nil || got != want {
		return fmt.Sprintf("without gives %s (%v)\nthe byte scan gives %s (%v)", got, gotErr, want, wantErr)
	}
	return ""
}

// agreeFieldsRef is agreeFields with the reference's reduced input made
// by refWithout instead of the without under test.
func agreeFieldsRef(rt reflect.Type, in []byte, names []string) string {
	diff, _ := agreeFieldsWith(rt, in, names, refWithout)
	return diff
}

// Keys spelt every way a server could spell them: escaped, folded,
// repeated, only inside a nested object; strings that are not UTF-8;
// values that are not JSON in a field not named; a message inside a
// message. Each decodes, narrowed, as encoding/json decodes the input
// without the other fields' members; the rows with a check say what that
// is.
func TestFieldsKeysAndValuesInEveryShape(t *testing.T) {
	big := strings.Repeat("é\\\"x", 1<<18)
	deep := func(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }
	for _, c := range []struct {
		in    string
		names []string
		check func(*discord.MessageCreate, error) bool
	}{
		// An escaped key is the key it spells: named, it is decoded;
		// not named, it is dropped with its value.
		{`{"con\u0074ent":"x","id":"1"}`, []string{"content"},
			func(m *discord.MessageCreate, err error) bool { return err == nil && m.Content == "x" && m.ID == 0 }},
		{`{"con\u0074ent":{},"id":"1"}`, []string{"id"},
			func(m *discord.MessageCreate, err error) bool { return err == nil && m.Content == "" && m.ID == 1 }},
		{`{"\u0069\u0064":"1","content":"x"}`, []string{"id"},
			func(m *discord.MessageCreate, err error) bool { return err == nil && m.Content == "" && m.ID == 1 }},
		// A folded key is not exactly another field's name: encoding/json
		// matches it.
		{`{"Content":"x","id":"1"}`, []string{"id"}, nil},
		{`{"CONTENT":"x","content":"y"}`, []string{"content"}, nil},
		{`{"content":"x","ID":"2"}`, []string{"content"}, nil},
		{`{"content":"x","Id":{}}`, []string{"content"}, nil},
		{`{"content":"x","ıd":"3"}`, []string{"content"}, nil},
		// Repeated keys, named and not.
		{`{"content":"a","content":"b"}`, []string{"content"},
			func(m *discord.MessageCreate, err error) bool { return err == nil && m.Content == "b" }},
		{`{"id":{},"content":"a","id":[1,"x"],"id":null}`, []string{"content"},
			func(m *discord.MessageCreate, err error) bool { return err == nil && m.Content == "a" && m.ID == 0 }},
		{`{"content":"a","con\u0074ent":"b","content":"c"}`, []string{"content"},
			func(m *discord.MessageCreate, err error) bool { return err == nil && m.Content == "c" }},
		// A key of a field only inside a nested object is not that field.
		{`{"author":{"content":"x","username":"u"},"content":"y"}`, []string{"content"},
			func(m *discord.MessageCreate, err error) bool {
				return err == nil && m.Content == "y" && m.Author.Username == ""
			}},
		{`{"author":{"content":"x","username":"u"},"content":"y"}`, []string{"author"},
			func(m *discord.MessageCreate, err error) bool {
				return err == nil && m.Content == "" && m.Author.Username == "u"
			}},
		// A Message within the root (referenced_message, a snapshot's
		// message) is decoded whole whatever the Mask.
		{`{"content":"o","referenced_message":{"id":"7","content":"i","referenced_message":{"content":"ii"}}}`, []string{"referenced_message"},
			func(m *discord.MessageCreate, err error) bool {
				r := m.ReferencedMessage
				return err == nil && m.Content == "" && r != nil && r.ID == 7 && r.Content == "i" && r.ReferencedMessage != nil && r.ReferencedMessage.Content == "ii"
			}},
		{`{"content":"o","message_snapshots":[{"message":{"id":"8","content":"s","tts":true}}]}`, []string{"message_snapshots"},
			func(m *discord.MessageCreate, err error) bool {
				s := m.MessageSnapshots
				return err == nil && m.Content == "" && len(s) == 1 && s[0].Message.ID == 8 && s[0].Message.Content == "s" && s[0].Message.TTS
			}},
		{`{"content":"o","referenced_message":{"id":"7","content":"i"}}`, []string{"content"},
			func(m *discord.MessageCreate, err error) bool {
				return err == nil && m.Content == "o" && m.ReferencedMessage == nil
			}},
		// Strings that are not UTF-8: replaced in a named field, no
		// matter in another.
		{"{\"content\":\"a\xffb\",\"id\":\"\xc0\"}", []string{"content"},
			func(m *discord.MessageCreate, err error) bool {
				return err == nil && m.Content == "a\uFFFDb" && m.ID == 0
			}},
		{"{\"content\":\"a\",\"embeds\":\"\xed\xa0\x80\",\"\xff\":1}", []string{"content"},
			func(m *discord.MessageCreate, err error) bool {
				return err == nil && m.Content == "a" && m.Embeds == nil
			}},
		{`{"content":"a","embeds":"\ud800"}`, []string{"content"},
			func(m *discord.MessageCreate, err error) bool { return err == nil && m.Content == "a" }},
		// Not JSON in a field not named: an error, whatever the field.
		{`{"content":"a","embeds":"\x"}`, []string{"content"}, nil},
		{`{"content":"a","embeds":"\u12"}`, []string{"content"}, nil},
		{`{"content":"a","embeds":"\u12g4"}`, []string{"content"}, nil},
		{"{\"content\":\"a\",\"embeds\":\"\t\"}", []string{"content"}, nil},
		{"{\"content\":\"a\",\"embeds\":\"\x7f\"}", []string{"content"}, nil}, // DEL is not a control to JSON
		{`{"content":"a","tts":01}`, []string{"content"}, nil},
		{`{"content":"a","tts":-}`, []string{"content"}, nil},
		{`{"content":"a","tts":1.}`, []string{"content"}, nil},
		{`{"content":"a","tts":1e}`, []string{"content"}, nil},
		{`{"content":"a","tts":+1}`, []string{"content"}, nil},
		{`{"content":"a","tts":.5}`, []string{"content"}, nil},
		{`{"content":"a","tts":-0.0e-0}`, []string{"content"}, nil},
		{`{"content":"a","tts":tru}`, []string{"content"}, nil},
		{`{"content":"a","tts":truex}`, []string{"content"}, nil},
		{`{"content":"a","tts":nul}`, []string{"content"}, nil},
		{`{"content":"a","tts":NaN}`, []string{"content"}, nil},
		{`{"content":"a","tts":[1 2]}`, []string{"content"}, nil},
		{`{"content":"a","tts":{"k" 1}}`, []string{"content"}, nil},
		{`{"content":"a","tts":{1:1}}`, []string{"content"}, nil},
		{`{"content":"a","tts":{"k":1,}}`, []string{"content"}, nil},
		{`{"content":"a","tts":[}`, []string{"content"}, nil},
		{`{"content":"a","tts":{]}`, []string{"content"}, nil},
		{"{\"content\":\"a\",\"tts\":\v1}", []string{"content"}, nil},
		{`{"content":"a","tts":1}x`, []string{"content"}, nil},
		{`{"content":"a","tts":1`, []string{"content"}, nil},
		{`{"content":"a",}`, []string{"content"}, nil},
		{` {"content" : "a" , "tts" : [ 1 , { } ] } `, []string{"content"}, nil},
		// Not objects.
		{`null`, []string{"content"}, nil},
		{`[]`, []string{"content"}, nil},
		{`"x"`, []string{"content"}, nil},
		{`{}`, []string{"content"}, nil},
		{``, []string{"content"}, nil},
		// Huge and deep, in a field not named and in one named.
		{`{"content":"a","embeds":"` + big + `"}`, []string{"content"},
			func(m *discord.MessageCreate, err error) bool { return err == nil && m.Content == "a" }},
		{`{"content":"` + big + `","embeds":[]}`, []string{"content"},
			func(m *discord.MessageCreate, err error) bool {
				return err == nil && len(m.Content) == 4<<18 && m.Embeds == nil
			}},
		{`{"content":"a","embeds":` + deep(600) + `}`, []string{"content"},
			func(m *discord.MessageCreate, err error) bool { return err == nil && m.Content == "a" }},
		{`{"content":"a","embeds":` + deep(10001) + `}`, []string{"content"},
			func(m *discord.MessageCreate, err error) bool { return err != nil }},
		{`{"content":"a","referenced_message":` + strings.Repeat(`{"referenced_message":`, 600) + `null` + strings.Repeat("}", 600) + `}`, []string{"content"},
			func(m *discord.MessageCreate, err error) bool {
				return err == nil && m.Content == "a" && m.ReferencedMessage == nil
			}},
	} {
		in := []byte(c.in)
		if d := agreeFieldsRef(messageCreate, in, c.names); d != "" {
			t.Errorf("%.200q:\n%s", c.in, d)
		}
		if json.Valid(in) {
			if d := sameWithout(in, skipOf(messageCreate, c.names)); d != "" {
				t.Errorf("%.200q:\n%s", c.in, d)
			}
		}
		if c.check == nil {
			continue
		}
		want, _ := fastjson.MaskOf(new(discord.MessageCreate), c.names)
		for _, shared := range []bool{false, true} {
			var m discord.MessageCreate
			if err := UnmarshalFields(bytes.Clone(in), &m, shared, want); !c.check(&m, err) {
				t.Errorf("%.200q %v (shared %v): error %v, %.300v", c.in, c.names, shared, err, m)
			}
		}
	}
}

// The same root type inside itself: a Message's referenced_message is a
// Message, decoded whole when the outer one is narrowed.
func TestFieldsNarrowOnlyTheOutermostOfNestedSameTypes(t *testing.T) {
	in := []byte(`{"id":"1","content":"outer","referenced_message":{"id":"2","content":"inner","tts":true,` +
		`"referenced_message":{"id":"3","content":"innermost"},"message_snapshots":[{"message":{"id":"4","content":"snap"}}]}}`)
	want, err := fastjson.MaskOf(new(discord.Message), []string{"referenced_message"})
	if err != nil {
		t.Fatal(err)
	}
	for _, shared := range []bool{false, true} {
		var m discord.Message
		if err := UnmarshalFields(bytes.Clone(in), &m, shared, want); err != nil {
			t.Fatal(err)
		}
		r := m.ReferencedMessage
		if m.ID != 0 || m.Content != "" || r == nil || r.ID != 2 || r.Content != "inner" || !r.TTS ||
			r.ReferencedMessage == nil || r.ReferencedMessage.Content != "innermost" ||
			len(r.MessageSnapshots) != 1 || r.MessageSnapshots[0].Message.Content != "snap" {
			t.Errorf("shared %v: %+v, referenced %+v", shared, m, r)
		}
		var fast discord.Message
		if !fastjson.DecodeFields(bytes.Clone(in), shared, want, &fast) || !reflect.DeepEqual(fast, m) {
			t.Errorf("shared %v: the fast path gave up or answered differently: %+v", shared, fast)
		}
	}
}

// Each field of every root type named alone, over every fixture that
// holds at least two of the type's keys: what encoding/json decodes from
// it without the other fields' members.
func TestFieldsEachAloneOnEveryRootType(t *testing.T) {
	values := fixtureValues(t)
	n := 0
	for _, rt := range rootTypes() {
		all := fastjson.RootFields(reflect.New(rt).Interface())
		if len(all) > 64 {
			t.Errorf("%s has %d fields: test the Mask's second word", rt, len(all))
		}
		for name, raw := range values {
			var top map[string]json.RawMessage
			if json.Unmarshal(raw, &top) != nil {
				continue
			}
			held := 0
			for _, f := range all {
				if _, ok := top[f]; ok {
					held++
				}
			}
			if held < 2 {
				continue
			}
			for _, f := range all {
				n++
				if d := agreeFieldsRef(rt, raw, []string{f}); d != "" {
					t.Fatalf("%s:\n%s", name, d)
				}
			}
		}
	}
	t.Logf("%d decodes", n)
}

// The reduced input the slow path decodes is the byte scan's: the same
// members, in the same order, the same values.
func TestWithoutAgreesWithAByteScanOnFixtures(t *testing.T) {
	for name, raw := range fixtureValues(t) {
		for _, rt := range []reflect.Type{messageCreate, reflect.TypeFor[discord.GuildCreate]()} {
			all := fastjson.RootFields(reflect.New(rt).Interface())
			for k := range 3 {
				var names []string
				for i, f := range all {
					if i%3 == k {
						names = append(names, f)
					}
				}
				if d := sameWithout(raw, skipOf(rt, names)); d != "" {
					t.Fatalf("%s:\n%s", name, d)
				}
			}
		}
	}
}

// FuzzWithoutAgreesWithAByteScan holds without to refWithout on any valid
// JSON and any set of MESSAGE_CREATE's keys, and UnmarshalFields to
// encoding/json over refWithout's reduced input.
func FuzzWithoutAgreesWithAByteScan(f *testing.F) {
	for _, s := range []string{
		`{"con\u0074ent":"x","id":"1","ID":2,"a\u00e9":3}`,
		"{\"\xff\":1,\"id\":\"\xc0\", \"content\" : [ ] }",
		`{"id":1,"id":2,"author":{"id":3},"\"id\"":4,"i\\d":5}`,
		`{"\ud83d\ude00":1,"\ud800":2,"id\u0000":3}`,
		`[{"id":1}]`, `"x"`, `null`, `{}`,
	} {
		f.Add(uint64(0b1001), []byte(s))
	}
	for i, d := range messageData(f, 4) {
		f.Add(uint64(1)<<i|0xff00, d)
	}
	all := fastjson.RootFields(new(discord.MessageCreate))
	f.Fuzz(func(t *testing.T, bits uint64, data []byte) {
		var names []string
		for i, name := range all {
			if bits&(1<<(i%64)) != 0 {
				names = append(names, name)
			}
		}
		if json.Valid(data) {
			if d := sameWithout(data, skipOf(messageCreate, names)); d != "" {
				t.Fatalf("%q %v:\n%s", data, names, d)
			}
		}
		if d := agreeFieldsRef(messageCreate, data, names); d != "" {
			t.Fatalf("%q:\n%s", data, d)
		}
	})
}
