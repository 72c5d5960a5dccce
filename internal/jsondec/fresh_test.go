package jsondec

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unsafe"

	"github.com/wirecord/wirecord/discord"
	"github.com/wirecord/wirecord/internal/benchload/payload"
	"github.com/wirecord/wirecord/internal/fastjson"
)

// messageData returns the d of n of wirecord bench's MESSAGE_CREATE
// payloads (1.7 KB on average: members, mentions, embeds, replies with
// their referenced message, non-ASCII text).
func messageData(tb testing.TB, n int) [][]byte {
	tb.Helper()
	out := make([][]byte, n)
	for i := range out {
		var env struct {
			D json.RawMessage `json:"d"`
		}
		if err := json.Unmarshal(payload.MessageCreate(1, i+2), &env); err != nil {
			tb.Fatal(err)
		}
		out[i] = env.D
	}
	return out
}

// The generated decoders must take realistic messages themselves: were
// they to give up on them, every event would be decoded twice.
func TestGeneratedDecodersTakeRealisticMessages(t *testing.T) {
	for i, d := range messageData(t, 500) {
		var want, got discord.MessageCreate
		if err := json.Unmarshal(d, &want); err != nil {
			t.Fatal(err)
		}
		if !fastjson.Decode(d, &got) {
			t.Fatalf("message %d: the generated decoder gave up on %s", i, d)
		}
		if !reflect.DeepEqual(want, got) {
			t.Fatalf("message %d decodes differently:\nencoding/json %#v\nfastjson      %#v", i, want, got)
		}
	}
}

// The generated decoders give up, leaving *v zero, on what they are not
// sure of; UnmarshalFresh then answers as encoding/json does.
func TestGeneratedDecodersGiveUpOnWhatTheyLeaveAlone(t *testing.T) {
	for _, in := range []string{
		`{"ID":"1"}`,                        // a key matching a field only case-insensitively
		`{"id":"1","id":"2"}`,               // a repeated key
		`{"content":"caf\u00e9"}`,           // a \u escape
		"{\"content\":\"\xff\"}",            // bytes that are not UTF-8
		`{"content":1}`,                     // a type mismatch
		`{"position":1.5}`,                  // a fraction into an int
		`{"position":99999999999999999999}`, // overflow
		`{"id":"1"} x`,                      // trailing data
		`{"id":"1",}`,                       // invalid JSON
		`{"unknown":[1,{"x":nul}]}`,         // an invalid value where nothing is decoded
	} {
		var got discord.MessageCreate
		if fastjson.Decode([]byte(in), &got) {
			t.Errorf("%s: the generated decoder took it", in)
		}
		if !reflect.DeepEqual(got, discord.MessageCreate{}) {
			t.Errorf("%s: the generated decoder gave up but left %#v", in, got)
		}
		var want, fresh discord.MessageCreate
		wantErr := json.Unmarshal([]byte(in), &want)
		err := UnmarshalFresh([]byte(in), &fresh)
		if (wantErr == nil) != (err == nil) || wantErr == nil && !reflect.DeepEqual(want, fresh) {
			t.Errorf("%s: encoding/json says %v, %#v; UnmarshalFresh %v, %#v", in, wantErr, want.Content, err, fresh.Content)
		}
	}
}

func benchmarkDecode(b *testing.B, decode func([]byte, any) error) {
	data := messageData(b, 512)
	n := 0
	for _, d := range data {
		n += len(d)
	}
	b.SetBytes(int64(n / len(data)))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		var v discord.MessageCreate
		if err := decode(data[i%len(data)], &v); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkDecodeMessageCreate compares the typed decode of wirecord
// bench's MESSAGE_CREATE mix by encoding/json, segmentio/encoding alone
// (Unmarshal) and the generated decoders in front of it (UnmarshalFresh;
// UnmarshalShared and UnmarshalFields, what the dispatcher runs).
func BenchmarkDecodeMessageCreate(b *testing.B) {
	b.Run("encoding_json", func(b *testing.B) { benchmarkDecode(b, json.Unmarshal) })
	b.Run("segmentio", func(b *testing.B) { benchmarkDecode(b, Unmarshal) })
	b.Run("fresh", func(b *testing.B) { benchmarkDecode(b, UnmarshalFresh) })
	b.Run("shared", func(b *testing.B) { benchmarkDecode(b, UnmarshalShared) })
	// What floor-decode decodes (shard.Fields): the rest is skipped.
	want, err := fastjson.MaskOf(new(discord.MessageCreate), []string{"id", "channel_id", "content", "author"})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("fields", func(b *testing.B) {
		benchmarkDecode(b, func(data []byte, v any) error { return UnmarshalFields(data, v, true, want) })
	})
}

// BenchmarkDecodeGuildCreate is the same for wirecord bench's ~30 KB
// GUILD_CREATE (channels, roles, members, emojis: long arrays of structs,
// and many short ones).
func BenchmarkDecodeGuildCreate(b *testing.B) {
	var data [][]byte
	for i := range 8 {
		var env struct {
			D json.RawMessage `json:"d"`
		}
		if err := json.Unmarshal(payload.GuildCreate(1, i+2, uint64(1182004418843037706+i)), &env); err != nil {
			b.Fatal(err)
		}
		data = append(data, env.D)
	}
	for _, c := range []struct {
		name string
		fn   func([]byte, any) error
	}{{"encoding_json", json.Unmarshal}, {"fresh", UnmarshalFresh}, {"shared", UnmarshalShared}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				var v discord.GuildCreate
				if err := c.fn(data[i%len(data)], &v); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

// freshDecodeAllocs are the allocations of one UnmarshalFresh of wirecord
// bench's MESSAGE_CREATE mix when this test was written (encoding/json
// makes 35, segmentio/encoding alone 20; 20 before *string fields shared
// slabs). The test fails when they grow by more than 20%: if that is
// deliberate, record the new figure and say why in the commit.
const freshDecodeAllocs = 17

func TestFreshDecodeAllocationsArePinned(t *testing.T) {
	data := messageData(t, 256)
	i := 0
	got := testing.AllocsPerRun(4*len(data)-1, func() {
		var v discord.MessageCreate
		if err := UnmarshalFresh(data[i%len(data)], &v); err != nil {
			panic(err)
		}
		i++
	})
	t.Logf("%.1f allocations per MESSAGE_CREATE", got)
	if got > freshDecodeAllocs*1.2 {
		t.Errorf("%.1f allocations per MESSAGE_CREATE, more than 20%% over the %d recorded", got, freshDecodeAllocs)
	}
}

// sharedDecodeAllocs are the allocations of one UnmarshalShared of the
// same mix: its strings point into the input, so only structs, slices
// and *string slabs are allocated (UnmarshalFresh makes 17).
const sharedDecodeAllocs = 8

func TestSharedDecodeAllocationsArePinned(t *testing.T) {
	data := messageData(t, 256)
	i := 0
	got := testing.AllocsPerRun(4*len(data)-1, func() {
		var v discord.MessageCreate
		if err := UnmarshalShared(data[i%len(data)], &v); err != nil {
			panic(err)
		}
		i++
	})
	t.Logf("%.1f allocations per MESSAGE_CREATE", got)
	if got > sharedDecodeAllocs*1.2 {
		t.Errorf("%.1f allocations per MESSAGE_CREATE, more than 20%% over the %d recorded", got, sharedDecodeAllocs)
	}
}

// within reports whether s's bytes lie inside b.
func within(s string, b []byte) bool {
	if len(s) == 0 || len(b) == 0 {
		return false
	}
	p, lo := uintptr(unsafe.Pointer(unsafe.StringData(s))), uintptr(unsafe.Pointer(&b[0]))
	return p >= lo && p < lo+uintptr(len(b))
}

// UnmarshalShared's strings point into the input, and UnmarshalFresh's
// never do (a caller who reuses its buffer relies on that); a string
// holding an escape is a copy in both.
func TestSharedStringsPointIntoTheInputAndFreshOnesDoNot(t *testing.T) {
	data := []byte(`{"id":"1","content":"hello there","author":{"id":"2","username":"ann"},"nonce":"a\nb"}`)
	var shared, fresh discord.MessageCreate
	if err := UnmarshalShared(data, &shared); err != nil {
		t.Fatal(err)
	}
	if err := UnmarshalFresh(data, &fresh); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(shared, fresh) {
		t.Fatalf("values differ:\nshared %#v\nfresh  %#v", shared, fresh)
	}
	for _, s := range []string{shared.Content, shared.Author.Username} {
		if !within(s, data) {
			t.Errorf("UnmarshalShared: %q is a copy, want it in the input", s)
		}
	}
	if shared.Nonce != "a\nb" || within(string(shared.Nonce), data) {
		t.Errorf("UnmarshalShared: nonce %q, want a copy holding a newline", shared.Nonce)
	}
	for _, s := range []string{fresh.Content, fresh.Author.Username} {
		if within(s, data) {
			t.Errorf("UnmarshalFresh: %q points into the input", s)
		}
	}
}

// variations returns d changed in the ways real input differs from the
// generator's: indented, and, one change at a time in any object at any
// depth, a value null, a key in upper case, a member repeated.
func variations(t *testing.T, d []byte) [][]byte {
	t.Helper()
	var indented bytes.Buffer
	if err := json.Indent(&indented, d, "", "\t"); err != nil {
		t.Fatal(err)
	}
	return append(changes(t, d), indented.Bytes())
}

// changes returns every single change of raw, as variations describes.
func changes(t *testing.T, raw []byte) [][]byte {
	t.Helper()
	raw = bytes.TrimSpace(raw)
	var out [][]byte
	switch {
	case len(raw) > 0 && raw[0] == '{':
		keys, vals := members(t, raw)
		obj := func(i int, member ...string) []byte {
			ms := make([]string, 0, len(keys)+1)
			for j := range keys {
				if j == i {
					ms = append(ms, member...)
				} else {
					ms = append(ms, strconv.Quote(keys[j])+":"+string(vals[j]))
				}
			}
			return []byte("{" + strings.Join(ms, ",") + "}")
		}
		for i, k := range keys {
			q := strconv.Quote(k)
			out = append(out,
				obj(i, q+":null"),
				obj(i, strconv.Quote(strings.ToUpper(k))+":"+string(vals[i])),
				obj(i, q+":"+string(vals[i]), q+":"+string(vals[i])))
			for _, c := range changes(t, vals[i]) {
				out = append(out, obj(i, q+":"+string(c)))
			}
		}
	case len(raw) > 0 && raw[0] == '[':
		var elems []json.RawMessage
		if err := json.Unmarshal(raw, &elems); err != nil {
			t.Fatal(err)
		}
		for i := range elems {
			for _, c := range changes(t, elems[i]) {
				es := make([]string, len(elems))
				for j := range elems {
					es[j] = string(elems[j])
				}
				es[i] = string(c)
				out = append(out, []byte("["+strings.Join(es, ",")+"]"))
			}
		}
	}
	return out
}

func TestUnmarshalFreshMatchesEncodingJSONOnVariations(t *testing.T) {
	n := 0
	for _, d := range messageData(t, 12) {
		for _, in := range variations(t, d) {
			n++
			var want, got discord.MessageCreate
			wantErr := json.Unmarshal(in, &want)
			err := UnmarshalFresh(in, &got)
			if (wantErr == nil) != (err == nil) {
				t.Fatalf("%s: encoding/json says %v, UnmarshalFresh %v", in, wantErr, err)
			}
			if wantErr == nil && !reflect.DeepEqual(want, got) {
				t.Fatalf("%s: decoded values differ:\nencoding/json %#v\nUnmarshalFresh %#v", in, want, got)
			}
		}
	}
	t.Logf("%d variations", n)
}

// IDs are read in place by the generated decoders; every shape of ID
// decodes as encoding/json decodes it through Snowflake's UnmarshalJSON,
// to the same value or to an error, by every decoder (agree).
func TestIDsDecodeAsEncodingJSON(t *testing.T) {
	for _, id := range []string{
		`""`, `"0"`, `"1"`, `"175928847299117063"`,
		`"18446744073709551615"`, `"18446744073709551616"`, `"99999999999999999999"`,
		`"00000000000000000001"`, `"000000000000000000001"`, `"0000000000000000000000000001"`,
		`175928847299117063`, `null`, `"12a"`, `"-1"`, `"1 "`, `" 1"`, `"1\u0030"`, `"１"`, `"`,
	} {
		data := []byte(`{"id":` + id + `,"channel_id":` + id + `,"author":{"id":` + id + `},"mentions":[{"id":` + id + `}],"mention_roles":[` + id + `]}`)
		if diff := agree(messageCreate, data); diff != "" {
			t.Errorf("id %s:\n%s", id, diff)
		}
	}
}

// Nonces are read in place when they are plain strings; every shape
// decodes as encoding/json decodes it through Nonce's UnmarshalJSON (which
// unquotes by Go's rules, so `\/` is an error there).
func TestNoncesDecodeAsEncodingJSON(t *testing.T) {
	for _, n := range []string{
		`""`, `"abc"`, `"1234567890123456789012345"`, `"café"`, `"a\nb"`, `"a\/b"`, `"a\"b"`,
		`"\u00e9"`, `123`, `-5`, `1.5`, `null`, `true`, `"` + "\xff" + `"`, `"a` + "\t" + `b"`,
	} {
		data := []byte(`{"id":"1","nonce":` + n + `,"referenced_message":{"id":"2","nonce":` + n + `}}`)
		if diff := agree(messageCreate, data); diff != "" {
			t.Errorf("nonce %s:\n%s", n, diff)
		}
	}
}

// *string fields share a slab per decode; each still holds its own value,
// and null leaves the pointer nil, as encoding/json does.
func TestStringPointersHoldTheirOwnValues(t *testing.T) {
	data := []byte(`{"id":"1","author":{"id":"2","global_name":"Ann","avatar":null,"banner":"b1"},` +
		`"mentions":[{"id":"3","global_name":"Bo","avatar":"a3"},{"id":"4","global_name":null,"avatar":"a4"},` +
		`{"id":"5","global_name":"C","avatar":"a5"},{"id":"6","global_name":"D","avatar":"a6"},{"id":"7","global_name":"E","avatar":"a7"}]}`)
	var want, got discord.MessageCreate
	if err := json.Unmarshal(data, &want); err != nil {
		t.Fatal(err)
	}
	if err := UnmarshalShared(data, &got); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(want, got) {
		t.Fatalf("values differ:\nencoding/json %#v\nUnmarshalShared %#v", want, got)
	}
	*got.Author.GlobalName = "changed"
	if *got.Author.Banner != "b1" || *got.Mentions[0].GlobalName != "Bo" || *got.Mentions[4].Avatar != "a7" {
		t.Fatalf("changing one *string changed another: %q %q %q", *got.Author.Banner, *got.Mentions[0].GlobalName, *got.Mentions[4].Avatar)
	}
}
