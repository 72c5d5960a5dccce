package jsondec

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/wirecord/wirecord/discord"
	"github.com/wirecord/wirecord/internal/fastjson"
)

// arrayValues are the values put at every key inside struct arrays: good
// ones of every JSON kind, and bad ones the fast path must give up on
// after decoding what comes before them.
var arrayValues = []string{
	`null`, `true`, `1`, `-1`, `1.5`, `""`, `"1"`, `"x"`, `"\u00e9"`, `"a\nb"`, `[]`, `[null]`, `["1","2"]`,
	`[{}]`, `[{},{}]`, `[{},null]`, `{}`, `{"a":[1]}`, `nul`, `[1,]`, `{"a":1,}`, `[`,
}

// Every key reachable from every event type, holding every array value,
// inside struct arrays that hold it in the first element of several,
// the second, and the middle of three (and so at every level of arrays
// on the way to it): the generated decoders decode an array's first
// element before they count the rest, and every place must decode as
// encoding/json does.
func TestEveryKeyInEveryPlaceOfAnArrayDecodesAsEncodingJSON(t *testing.T) {
	places := []struct {
		name  string
		array func(string) string
	}{
		{"first", func(s string) string { return "[" + s + ",{}]" }},
		{"second", func(s string) string { return "[{}, " + s + "]" }},
		{"middle", func(s string) string { return "[{} ,\n" + s + " , {}]" }},
	}
	n, fast := 0, 0
	for _, p := range places {
		seen := map[reflect.Type]bool{}
		for _, rt := range rootTypes() {
			walkKeysIn(rt, seen, p.array, func(key string, wrap func(string) string) {
				q := strconv.Quote(key)
				for _, v := range arrayValues {
					in := wrap("{" + q + ":" + v + "}")
					n++
					if fastjson.Decode([]byte(in), reflect.New(rt).Interface()) {
						fast++
					}
					if d := agree(rt, []byte(in)); d != "" {
						t.Errorf("%s: %s\n%s", p.name, in, d)
					}
				}
			})
		}
	}
	t.Logf("%d inputs, %d on the fast path", n, fast)
	if fast < n/8 {
		t.Errorf("only %d of %d inputs took the fast path", fast, n)
	}
}

// A decode that gives up in an array, in its first element after much of
// it was decoded or in a later one, leaves the value zero, on every fast
// path; the full decoder's answer is then encoding/json's.
func TestAFastPathGivingUpInAnArrayLeavesTheValueZero(t *testing.T) {
	user := `{"id":"1","username":"a","global_name":"g","avatar":"h","bot":true,"member":{"nick":"n","roles":["1","2"]}`
	names := []string{"id", "mentions", "message_snapshots", "content", "embeds", "components"}
	for _, in := range []string{
		`{"content":"c","mentions":[` + user + `,"id":"2"}]}`, // a repeated key, which encoding/json takes
		`{"content":"c","mentions":[` + user + `,"x":tru}]}`,
		`{"content":"c","mentions":[` + user + `}{}]}`,
		`{"content":"c","mentions":[` + user + `},{"id":[]}]}`,
		`{"content":"c","mentions":[` + user + `},` + user + `,"avatar":"\u00e9"}]}`, // \u: the full decoder's
		`{"content":"c","mentions":[` + user + `},{}],"id":"x"}`,
		`{"content":"c","mentions":[` + user + `}],"mentions":[{}]}`,
		`{"content":"c","message_snapshots":[{"message":{"content":"d","mentions":[` + user + `,"bot":1}]}}]}`,
		`{"content":"c","message_snapshots":[{"message":{"content":"d","mentions":[` + user + `}]}},{"message":[]}]}`,
		`{"content":"c","embeds":[{"title":"t","fields":[{"name":"n","value":"v"},{"name":1}]}]}`,
		`{"content":"c","components":[{"type":1},{"type":2}],"components":[]}`,
	} {
		for _, c := range []struct {
			name   string
			decode func([]byte, any) bool
		}{
			{"Decode", fastjson.Decode},
			{"DecodeShared", fastjson.DecodeShared},
			{"DecodeFields", func(b []byte, v any) bool {
				m, err := fastjson.MaskOf(v, names)
				return err == nil && fastjson.DecodeFields(b, true, m, v)
			}},
		} {
			var v discord.MessageCreate
			if c.decode([]byte(in), &v) {
				t.Errorf("%s took %s", c.name, in)
			} else if !reflect.ValueOf(v).IsZero() {
				t.Errorf("%s gave up on %s and left %+v", c.name, in, v)
			}
		}
		if d := agree(messageCreate, []byte(in)); d != "" {
			t.Errorf("%s\n%s", in, d)
		}
		if d, _ := agreeFields(messageCreate, []byte(in), names); d != "" {
			t.Errorf("%s\n%s", in, d)
		}
	}
}

// A Mask narrows the root object only, which the generated decoders know
// by depth: arrays of every length, at the root and inside a referenced
// message and a snapshot, must leave the depth as they found it, so that
// the fields after them are narrowed exactly when they are the root's.
func TestFieldsAfterArraysNarrowOnlyTheRoot(t *testing.T) {
	var arrays []string
	for n := range 4 {
		users, roles := make([]string, n), make([]string, n)
		for i := range n {
			users[i] = fmt.Sprintf(`{"id":"%d","username":"u","member":{"roles":["%d","9"]}}`, i+1, i)
			roles[i] = strconv.Quote(strconv.Itoa(i + 1))
		}
		arrays = append(arrays,
			`"mentions":[`+strings.Join(users, ",")+`]`,
			`"mention_roles":[`+strings.Join(roles, ",")+`]`,
			`"components":[`+strings.Repeat(`{"type":1},`, n)+`{"type":2}]`)
	}
	n, fast := 0, 0
	for _, arr := range arrays {
		msg := `{` + arr + `,"content":"x","id":"5","pinned":true}`
		for _, in := range []string{
			`{` + arr + `,"content":"x","id":"5","channel_id":"6"}`,
			`{"referenced_message":` + msg + `,"content":"y","id":"7"}`,
			`{"message_snapshots":[{"message":` + msg + `},{"message":` + msg + `}],"content":"y","id":"7"}`,
			`{"message_snapshots":[{"message":` + msg + `}],"referenced_message":` + msg + `,"content":"y"}`,
		} {
			for _, names := range [][]string{
				{"content"}, {"id"}, {"mentions"}, {"referenced_message"}, {"message_snapshots"},
				{"mentions", "mention_roles", "components"}, {"referenced_message", "message_snapshots", "id"},
			} {
				n++
				d, f := agreeFields(messageCreate, []byte(in), names)
				if d != "" {
					t.Errorf("%s\n%s", in, d)
				}
				if !f {
					t.Errorf("%s %v: left the fast path", in, names)
				}
				if f {
					fast++
				}
			}
		}
	}
	t.Logf("%d decodes, %d on the fast path", n, fast)
}

// snapshotChain is a message whose snapshots' first element holds a
// message whose snapshots'... levels deep, each message also holding
// mentions, mention_roles and components of two, with the innermost
// message inner.
func snapshotChain(levels int, inner string) []byte {
	const open = `{"mentions":[{},{"id":"1"}],"mention_roles":["1","2"],"components":[{"type":1},[]],"message_snapshots":[{"message":`
	const close = `},{}]}`
	return []byte(strings.Repeat(open, levels) + inner + strings.Repeat(close, levels))
}

// Nesting through arrays of several elements keeps to the fast path's
// maxDepth, counted from the root: what is deeper leaves it, what is not
// stays on it (the deep element is first in each array, so nothing deep
// is counted), and either way the answer is encoding/json's.
func TestNestingThroughArraysOfSeveralKeepsToMaxDepth(t *testing.T) {
	const maxDepth = 512 // fastjson's
	inners := []string{`{}`, `{"author":{}}`, `{"author":{"avatar_decoration_data":{}}}`, `{"mentions":[{"member":{"roles":[]}}]}`}
	sawDeep, sawShallow := false, false
	for levels := 165; levels <= 172; levels++ {
		for _, inner := range inners {
			in := snapshotChain(levels, inner)
			deep := deeperThan(in, maxDepth)
			sawDeep, sawShallow = sawDeep || deep, sawShallow || !deep
			var v discord.MessageCreate
			if fast := fastjson.Decode(in, &v); fast == deep {
				t.Errorf("%d levels, innermost %s (deeper than %d: %v): the fast path took it: %v", levels, inner, maxDepth, deep, fast)
			}
			var want, got discord.MessageCreate
			if err := json.Unmarshal(in, &want); err != nil {
				t.Fatal(err)
			}
			if err := UnmarshalFresh(in, &got); err != nil || !reflect.DeepEqual(want, got) {
				t.Errorf("%d levels, innermost %s: UnmarshalFresh decodes differently (%v)", levels, inner, err)
			}
		}
	}
	if !sawDeep || !sawShallow {
		t.Errorf("the chains do not straddle maxDepth")
	}
}

// Arrays of 100,000 elements, of structs, of structs with arrays inside,
// of raw components and of ids, in one spacing or another, decode as
// encoding/json does and stay on the fast path.
func TestHugeArraysDecodeAsEncodingJSON(t *testing.T) {
	const n = 100_000
	for i, c := range []struct{ key, elem string }{
		{"mentions", `{}`},
		{"mentions", `{"id":"1","username":"a","member":{"roles":["2"]}}`},
		{"mentions", `null`},
		{"message_snapshots", `{"message":{"mention_roles":["1"]}}`},
		{"components", `{"type":1}`},
		{"mention_roles", `"18446744073709551615"`},
	} {
		sp := []string{"", " ", "\n\t"}[i%3]
		elems := strings.Repeat(c.elem+sp+","+sp, n-1) + c.elem
		in := []byte(`{"id":"1",` + sp + strconv.Quote(c.key) + ":" + sp + "[" + sp + elems + sp + "]" + sp + `}`)
		if d := agree(messageCreate, in); d != "" {
			t.Errorf("%d %s of %s: %s", n, c.key, c.elem, d)
		}
		var v discord.MessageCreate
		if !fastjson.Decode(in, &v) {
			t.Errorf("%d %s of %s (space %q): left the fast path", n, c.key, c.elem, sp)
		}
	}
}

// A key given twice with an array makes encoding/json decode the second
// array into the first's elements, merging struct elements, and keep the
// first's capacity for a third. The generated decoders give up on a
// repeated key; types without fixed-size arrays then go to
// segmentio/encoding, whose answer must be encoding/json's.
func TestRepeatedArrayKeysMergeAsEncodingJSON(t *testing.T) {
	emojis := reflect.TypeFor[discord.GuildEmojisUpdate]()
	for _, c := range []struct {
		typ reflect.Type
		in  string
	}{
		{emojis, `{"emojis":[{"id":"1","name":"a"},{"id":"2","name":"b"}],"emojis":[{"id":"3"}]}`},
		{emojis, `{"emojis":[{"id":"1","name":"a"},{"id":"2","name":"b"}],"emojis":[{"id":"3"}],"emojis":[{},{}]}`},
		{emojis, `{"emojis":[{"id":"1","roles":["1","2","3"]}],"emojis":[{"roles":["4"]}],"emojis":[{"roles":["5","6"]}]}`},
		{emojis, `{"emojis":[{"id":"1","user":{"id":"5","username":"u"}}],"emojis":[{"user":{"id":"6"}}]}`},
		{emojis, `{"emojis":[{"id":"1","name":"a"}],"emojis":null}`},
		{emojis, `{"emojis":[{"id":"1","name":"a"}],"emojis":[]}`},
		{emojis, `{"emojis":[{"id":"1","name":"a"}],"emojis":[null]}`},
		{emojis, `{"emojis":[{"id":"1","name":"a"}],"Emojis":[{"id":"2"}]}`},
		{emojis, `{"emojis":[{"id":"1","name":"a"},{"id":"2"}],"emojis":[{"id":"3"},{"id":1}]}`},
		{reflect.TypeFor[discord.GuildStickersUpdate](), `{"stickers":[{"id":"1","name":"a","tags":"t"},{"id":"2"}],"stickers":[{"id":"3"}],"stickers":[{},{}]}`},
		{reflect.TypeFor[discord.ChannelInfo](), `{"channels":[{"id":"1","status":"a"},{"id":"2","status":"b"}],"channels":[{"id":"3"}],"channels":[{},{}]}`},
		{reflect.TypeFor[discord.GuildSoundboardSoundsUpdate](), `{"soundboard_sounds":[{"name":"a","volume":1}],"soundboard_sounds":[{"sound_id":"2"}]}`},
		{reflect.TypeFor[discord.MessageDeleteBulk](), `{"ids":["1","2","3"],"ids":["4"],"ids":["5",null]}`},
		{reflect.TypeFor[discord.MessageReactionAdd](), `{"burst_colors":["a","b"],"burst_colors":["c"],"burst_colors":[null,null]}`},
		{messageCreate, `{"mentions":[{"id":"1","username":"a"},{"id":"3","username":"c"}],"mentions":[{"id":"2"}],"mentions":[{},{}]}`},
		{messageCreate, `{"components":[{"a":1},{"b":2}],"components":[[1]]}`},
		{messageCreate, `{"message_snapshots":[{"message":{"content":"a","mentions":[{"id":"1","username":"u"}]}}],"message_snapshots":[{"message":{"mentions":[{"id":"2"}]}}]}`},
	} {
		if d := agree(c.typ, []byte(c.in)); d != "" {
			t.Errorf("%s\n%s", c.in, d)
		}
	}
}

// arrayMessage writes a MESSAGE_CREATE heavy with arrays, steered by
// fuzz bytes: struct arrays (mentions, embeds with their fields,
// snapshots holding messages) and raw and scalar ones (components,
// mention_roles) of any length, with null, bad elements and repeated keys
// where the bytes ask for them. Bytes run out as zeros, which end
// everything.
type arrayMessage struct {
	in     []byte
	out    strings.Builder
	sp     string
	clean  bool // no bad token, no repeated key: the fast path must take it
	arrays int  // the deepest nesting of arrays in it
}

func (g *arrayMessage) next() byte {
	if len(g.in) == 0 {
		return 0
	}
	c := g.in[0]
	g.in = g.in[1:]
	return c
}

// badTokens replace an element or a value where a byte is 0xff.
var badTokens = []string{`nul`, `{"id":1.5}`, `[1,]`, `{"id":"1",}`, `"\u00e9"`, `{}}`, `tru`, `[`, `{"a"}`}

// bad writes a bad token in place of a value if the next byte says so.
func (g *arrayMessage) bad() bool {
	if len(g.in) == 0 || g.in[0] != 0xff {
		return false
	}
	g.next()
	g.out.WriteString(badTokens[int(g.next())%len(badTokens)])
	g.clean = false
	return true
}

func (g *arrayMessage) array(level int, elem func(level int)) {
	if g.bad() {
		return
	}
	c := g.next()
	if c%16 == 15 {
		g.out.WriteString("null")
		return
	}
	g.arrays = max(g.arrays, level+1)
	g.out.WriteString("[" + g.sp)
	for i := range int(c % 5) {
		if i > 0 {
			g.out.WriteString(g.sp + "," + g.sp)
		}
		if g.bad() {
			continue
		}
		if len(g.in) > 0 && g.in[0] == 0xfe {
			g.next()
			g.out.WriteString("null")
			continue
		}
		elem(level + 1)
	}
	g.out.WriteString(g.sp + "]")
}

func (g *arrayMessage) message(level int) {
	if g.bad() {
		return
	}
	keys := []string{"mentions", "mention_roles", "components", "embeds", "message_snapshots", "referenced_message", "content", "id", "unknown"}
	used := map[string]bool{}
	g.out.WriteString("{" + g.sp)
	for i := range int(g.next() % 6) {
		if i > 0 {
			g.out.WriteString("," + g.sp)
		}
		key := keys[int(g.next())%len(keys)]
		if used[key] {
			g.clean = false
		}
		used[key] = true
		g.out.WriteString(strconv.Quote(key) + ":" + g.sp)
		switch key {
		case "mentions":
			g.array(level, func(int) {
				g.out.WriteString(fmt.Sprintf(`{"id":"%d","username":"u%d"`, g.next(), g.next()))
				if g.next()%2 == 1 {
					g.out.WriteString(`,"member":{"roles":`)
					g.array(level+1, func(int) { g.out.WriteString(`"7"`) })
					g.out.WriteString("}")
				}
				g.out.WriteString("}")
			})
		case "mention_roles":
			g.array(level, func(int) { g.out.WriteString(fmt.Sprintf(`"%d"`, g.next())) })
		case "components":
			g.array(level, func(int) { g.out.WriteString(fmt.Sprintf(`{"type":%d,"components":[{"type":2}]}`, g.next())) })
		case "embeds":
			g.array(level, func(l int) {
				g.out.WriteString(`{"title":"t","fields":`)
				g.array(l, func(int) { g.out.WriteString(fmt.Sprintf(`{"name":"n%d","value":"v"}`, g.next())) })
				g.out.WriteString("}")
			})
		case "message_snapshots":
			g.array(level, func(l int) {
				g.out.WriteString(`{"message":`)
				g.message(l)
				g.out.WriteString("}")
			})
		case "referenced_message":
			g.message(level)
		case "content":
			g.out.WriteString(fmt.Sprintf(`"c%d"`, g.next()))
		case "id":
			g.out.WriteString(fmt.Sprintf(`"%d"`, g.next()))
		case "unknown":
			g.out.WriteString(`[{"a":[1,{}]},[]]`)
		}
	}
	g.out.WriteString(g.sp + "}")
}

// FuzzArraysOfStructsMatchEncodingJSON holds every decoder, and
// UnmarshalFields narrowed to the fields bits names, to encoding/json on
// array-heavy messages; the clean ones, nested within maxDepth and within
// four levels of arrays (so that counting reads at most four times the
// input), must take the fast path.
func FuzzArraysOfStructsMatchEncodingJSON(f *testing.F) {
	f.Add(uint64(0), []byte{1, 4, 0, 3})
	f.Add(uint64(1<<8|1<<23), []byte{0, 5, 0, 2, 1, 2, 3, 1, 5, 4, 4, 3, 4, 2, 2, 7, 2, 2, 4, 3})
	f.Add(uint64(0xff), []byte{2, 4, 4, 2, 4, 1, 0, 2, 0, 4, 3, 3, 3, 1, 2, 3, 0xff, 1, 2, 5, 0, 3})
	f.Add(uint64(1<<28), []byte{1, 5, 2, 1, 4, 0xfe, 2, 8, 9, 0, 0xff, 4})
	f.Fuzz(func(t *testing.T, bits uint64, data []byte) {
		g := &arrayMessage{in: data, clean: true}
		g.sp = []string{"", "", " ", "\n\t"}[g.next()%4]
		g.message(0)
		in := []byte(g.out.String())
		if d := agree(messageCreate, in); d != "" {
			t.Fatalf("%s\n%s", in, d)
		}
		var names []string
		for i, name := range fastjson.RootFields(new(discord.MessageCreate)) {
			if bits&(1<<(i%64)) != 0 {
				names = append(names, name)
			}
		}
		if d, _ := agreeFields(messageCreate, in, names); d != "" {
			t.Fatalf("%s %v\n%s", in, names, d)
		}
		var v discord.MessageCreate
		if g.clean && g.arrays <= 4 && !deeperThan(in, 512) && !fastjson.Decode(in, &v) {
			t.Fatalf("%s: clean, %d levels of arrays, and the fast path gave up", in, g.arrays)
		}
	})
}
