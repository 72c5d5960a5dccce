package jsondec

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/wirecord/wirecord/discord"
	"github.com/wirecord/wirecord/internal/fastjson"
)

// agreeFields decodes in as a fresh value of t with UnmarshalFields
// (shared and not) narrowed to names, and compares it with what
// encoding/json decodes from in without the members whose keys are
// exactly another field's name. It reports the first difference ("" if
// none), and whether the generated decoders took in.
func agreeFields(t reflect.Type, in []byte, names []string) (diff string, fast bool) {
	return agreeFieldsWith(t, in, names, without)
}

// agreeFieldsWith is agreeFields with drop making the reduced input the
// answer is held to.
func agreeFieldsWith(t reflect.Type, in []byte, names []string, drop func([]byte, map[string]bool) []byte) (diff string, fast bool) {
	v := reflect.New(t).Interface()
	want, err := fastjson.MaskOf(v, names)
	if err != nil {
		return err.Error(), false
	}
	fast = fastjson.DecodeFields(bytes.Clone(in), false, want, reflect.New(t).Interface())
	expect := reflect.New(t).Interface()
	var expectErr error
	if json.Valid(in) {
		skip := map[string]bool{}
		for _, f := range fastjson.RootFields(v) {
			skip[f] = !contains(names, f)
		}
		expectErr = json.Unmarshal(drop(in, skip), expect)
	} else {
		expectErr = json.Unmarshal(in, expect)
	}
	var diffs []string
	for _, shared := range []bool{false, true} {
		buf := bytes.Clone(in)
		got := reflect.New(t).Interface()
		err := UnmarshalFields(buf, got, shared, want)
		if !shared {
			for i := range buf {
				buf[i] = 'X'
			}
		}
		switch {
		case (expectErr == nil) != (err == nil):
			diffs = append(diffs, fmt.Sprintf("%s %v (shared %v): encoding/json says %v, UnmarshalFields says %v", t, names, shared, expectErr, err))
		case expectErr == nil && !reflect.DeepEqual(expect, got):
			diffs = append(diffs, fmt.Sprintf("%s %v (shared %v): %s", t, names, shared,
				firstDiff(reflect.ValueOf(expect).Elem(), reflect.ValueOf(got).Elem(), t.Name())))
		}
	}
	return strings.Join(diffs, "\n"), fast
}

func contains(names []string, s string) bool {
	for _, n := range names {
		if n == s {
			return true
		}
	}
	return false
}

// fieldSets are the masks tried on a type: none, all, three drawn at
// random (seeded), and, with every, each field alone.
func fieldSets(t reflect.Type, r *rand.Rand, every bool) [][]string {
	all := fastjson.RootFields(reflect.New(t).Interface())
	sets := [][]string{{}, all}
	for range 3 {
		var s []string
		for _, f := range all {
			if r.IntN(3) == 0 {
				s = append(s, f)
			}
		}
		sets = append(sets, s)
	}
	if every {
		for _, f := range all {
			sets = append(sets, []string{f})
		}
	}
	return sets
}

// Every fixture, and every object and array inside one, decoded as every
// event type narrowed to several sets of fields, is what encoding/json
// decodes from it without the other fields' members.
func TestFieldsDecodeAsEncodingJSONWithoutTheOtherMembers(t *testing.T) {
	values := fixtureValues(t)
	r := rand.New(rand.NewPCG(1, 2))
	n, fast := 0, 0
	for name, raw := range values {
		for _, rt := range rootTypes() {
			for _, names := range fieldSets(rt, r, rt == messageCreate) {
				n++
				d, f := agreeFields(rt, raw, names)
				if f {
					fast++
				}
				if d != "" {
					t.Errorf("%s:\n%s", name, d)
				}
			}
		}
	}
	t.Logf("%d decodes, %d on the fast path", n, fast)
	if fast < n/2 {
		t.Errorf("only %d of %d decodes took the fast path: the test would not see it break", fast, n)
	}
}

// The MESSAGE_CREATEs of wirecord bench, narrowed to the fields a small
// bot reads, all take the fast path and decode as encoding/json does
// without the rest.
func TestFieldsOfRealisticMessagesTakeTheFastPath(t *testing.T) {
	names := []string{"id", "channel_id", "content", "author"}
	for i, d := range messageData(t, 256) {
		diff, fast := agreeFields(messageCreate, d, names)
		if !fast || diff != "" {
			t.Fatalf("message %d: fast path %v; %s", i, fast, diff)
		}
	}
}

// What the members of fields not named hold is not looked at beyond JSON's
// grammar: a wrong type there is no error; broken JSON anywhere is. The
// fields named are held to their types, and a struct of a root's type
// inside the root (a referenced message) is decoded whole.
func TestFieldsNotNamedAreSkippedButStillJSON(t *testing.T) {
	for _, c := range []struct {
		in      string
		names   []string
		wantErr bool
		check   func(*discord.MessageCreate) bool
	}{
		{`{"content":"x","id":{},"embeds":{"no":"array"}}`, []string{"content"}, false,
			func(m *discord.MessageCreate) bool { return m.Content == "x" && m.ID == 0 && m.Embeds == nil }},
		{`{"content":"x","id":{}}`, []string{"content", "id"}, true, nil},
		{`{"content":"x","embeds":[1,}`, []string{"content"}, true, nil},
		{`{"content":"x","embeds":"\x01"}`, []string{"content"}, true, nil},
		{`{"content":"x"} {}`, []string{"content"}, true, nil},
		{`{"content":"\u00e9","id":{}}`, []string{"content"}, false, // the slow path, same answer
			func(m *discord.MessageCreate) bool { return m.Content == "é" && m.ID == 0 }},
		{`{"referenced_message":{"id":"7","content":"inner","author":{"id":"8"}},"content":"outer"}`, []string{"referenced_message"}, false,
			func(m *discord.MessageCreate) bool {
				r := m.ReferencedMessage
				return m.Content == "" && r != nil && r.ID == 7 && r.Content == "inner" && r.Author.ID == 8
			}},
	} {
		want, err := fastjson.MaskOf(new(discord.MessageCreate), c.names)
		if err != nil {
			t.Fatal(err)
		}
		for _, shared := range []bool{false, true} {
			var m discord.MessageCreate
			err := UnmarshalFields([]byte(c.in), &m, shared, want)
			if (err != nil) != c.wantErr || err == nil && !c.check(&m) {
				t.Errorf("%s %v (shared %v): error %v, value %+v", c.in, c.names, shared, err, m)
			}
		}
	}
}

func TestWithoutDropsExactlyTheKeysNamed(t *testing.T) {
	skip := map[string]bool{"id": true, "content": true}
	for in, want := range map[string]string{
		`{"id":"1","content":"x","author":{"id":"2"}}`:          `{"author":{"id":"2"}}`,
		`{"i\u0064":1,"ID":2,"tts" : true,"id":3, "content":4}`: `{"ID":2,"tts":true}`,
		`{}`:               `{}`,
		`[{"id":1}]`:       `[{"id":1}]`,
		`{"a":{"id":1}}`:   `{"a":{"id":1}}`,
		`{"a<":1,"a":"<"}`: `{"a\u003c":1,"a":"<"}`,
		`null`:             `null`,
	} {
		if got := string(without([]byte(in), skip)); got != want {
			t.Errorf("without(%s) = %s, want %s", in, got, want)
		}
	}
}

func TestMaskOfRefusesUnknownNamesAndTypes(t *testing.T) {
	if _, err := fastjson.MaskOf(new(discord.MessageCreate), []string{"content", "contents"}); err == nil || !strings.Contains(err.Error(), `"contents"`) {
		t.Errorf("an unknown field: %v", err)
	}
	if _, err := fastjson.MaskOf(new(discord.MessageCreate), []string{"Content"}); err == nil {
		t.Error("a key that only folds to a field was taken")
	}
	if _, err := fastjson.MaskOf(new(struct{ Content string }), []string{"Content"}); err == nil {
		t.Error("a type the generated decoders do not take was taken")
	}
}

// FuzzUnmarshalFieldsMatchesEncodingJSONWithout holds UnmarshalFields to
// encoding/json on arbitrary input and masks.
func FuzzUnmarshalFieldsMatchesEncodingJSONWithout(f *testing.F) {
	for i, d := range messageData(f, 8) {
		f.Add(uint8(0), uint64(1)<<i|0xf, d)
	}
	f.Add(uint8(0), uint64(0xf0), []byte(`{"id":"1","content":"h\u00e9","unknown":[1,{"x":null}],"author":{"id":"2"}}`))
	f.Add(uint8(3), uint64(0xffff), []byte(`{"guild_id":"1","ID":5}`))
	types := rootTypes()
	f.Fuzz(func(t *testing.T, typ uint8, bits uint64, data []byte) {
		rt := types[int(typ)%len(types)]
		all := fastjson.RootFields(reflect.New(rt).Interface())
		var names []string
		for i, name := range all {
			if bits&(1<<(i%64)) != 0 {
				names = append(names, name)
			}
		}
		if d, _ := agreeFields(rt, data, names); d != "" {
			t.Fatalf("%q:\n%s", data, d)
		}
	})
}
