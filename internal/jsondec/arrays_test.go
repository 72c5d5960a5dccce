package jsondec

import (
	"strings"
	"testing"

	"github.com/wirecord/wirecord/discord"
	"github.com/wirecord/wirecord/internal/fastjson"
)

// Arrays of structs (a message's mentions, embeds, stickers) and of
// scalars (its mention_roles) with zero to four elements, each element in
// turn replaced by a bad one, in every spacing: the generated decoders
// read a struct array's first element before they count the rest, and a
// scalar array's elements all by counting, and every case must decode as
// encoding/json does. Good arrays must stay on the fast path.
func TestArraysOfEveryLengthWithABadElementAnywhereDecodeAsEncodingJSON(t *testing.T) {
	kinds := []struct {
		key       string
		good, bad []string
	}{
		{"mentions", []string{`{"id":"1","username":"a"}`, `{}`, `{"id":"2","member":{"roles":["3","4"]}}`},
			[]string{`1`, `"x"`, `[]`, `{"id":1}`, `{"id":"1"`, `{"id":"1",}`, `{,}`, `tru`, `nul`}},
		{"mention_roles", []string{`"1"`, `"18446744073709551615"`, `"0"`},
			[]string{`1`, `{}`, `"x"`, `"18446744073709551616"`, `"1`, `nul`}},
		{"stickers", []string{`{"id":"1","name":"s","format_type":1}`, `{}`},
			[]string{`[]`, `{"format_type":"1"}`, `{"id":"1"]`}},
	}
	spaces := []string{"", " ", "\n\t"}
	n, fast := 0, 0
	for _, k := range kinds {
		for length := 0; length <= 4; length++ {
			for badAt := -1; badAt < length; badAt++ {
				bads := []string{""}
				if badAt >= 0 {
					bads = k.bad
				}
				for _, bad := range bads {
					for _, sp := range spaces {
						elems := make([]string, length)
						for i := range elems {
							elems[i] = k.good[i%len(k.good)]
							if i == badAt {
								elems[i] = bad
							}
						}
						in := `{"id":"9",` + sp + `"` + k.key + `":` + sp + `[` + sp +
							strings.Join(elems, sp+`,`+sp) + sp + `]` + sp + `}`
						n++
						if d := agree(messageCreate, []byte(in)); d != "" {
							t.Fatalf("%s\n%s", in, d)
						}
						if badAt < 0 {
							var v discord.MessageCreate
							if !fastjson.Decode([]byte(in), &v) {
								t.Errorf("%s: a good array left the fast path", in)
							}
							fast++
						}
					}
				}
			}
		}
	}
	// Broken arrays around good elements: a missing comma or bracket, a
	// comma too many, garbage after an element.
	for _, in := range []string{
		`{"mentions":[{}{}]}`, `{"mentions":[{},]}`, `{"mentions":[,{}]}`, `{"mentions":[{}`,
		`{"mentions":[{},{}`, `{"mentions":[{}x]}`, `{"mentions":[{},{}x]}`, `{"mentions":[{}]]}`,
		`{"mentions":[{}}`, `{"mentions":[{},{}}`, `{"mentions":[`, `{"mentions":[]`, `{"mentions":[{}],}`,
		`{"mention_roles":["1""2"]}`, `{"mention_roles":["1",]}`, `{"mention_roles":["1"`,
		`{"mentions":null}`, `{"mentions":[]}`, `{"mentions":[null]}`, `{"mentions":[null,{}]}`, `{"mentions":[{},null]}`,
	} {
		n++
		if d := agree(messageCreate, []byte(in)); d != "" {
			t.Fatalf("%s\n%s", in, d)
		}
	}
	t.Logf("%d inputs, %d good ones on the fast path", n, fast)
}
