package fastjson

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/wirecord/wirecord/discord"
)

// elem16 and elem17 are array elements a byte either side of the size
// past which decSlice decodes an array's first element before counting
// the rest (16 bytes: a string, an interface). Each decodes from a JSON
// integer into N.
type (
	elem16 struct {
		N int8
		_ [15]byte
	}
	elem17 struct {
		N int8
		_ [16]byte
	}
)

func decElem16(d *dec, p *elem16) bool { return decInt(d, &p.N) }
func decElem17(d *dec, p *elem17) bool { return decInt(d, &p.N) }

// decInt8s decodes a slice of int8: slices are 24 bytes, so an array of
// them is decoded first element first, and each element counts its own.
func decInt8s(d *dec, p *[]int8) bool { return decSlice(d, p, decInt[int8]) }

// arrayCase is an array's text, the end of its first element in it (0
// when it has none), how many elements it has, and whether encoding/json
// takes it.
type arrayCase struct {
	in       string
	firstEnd int
	n        int
}

// arrays returns every array of 0 to 4 elements drawn from good, with each
// element in turn replaced by each of bad, in several spacings.
func arrays(good, bad []string) []arrayCase {
	var out []arrayCase
	for _, sp := range []string{"", " ", "\n\t\r "} {
		for n := 0; n <= 4; n++ {
			for badAt := -1; badAt < n; badAt++ {
				bads := []string{""}
				if badAt >= 0 {
					bads = bad
				}
				for _, b := range bads {
					var s strings.Builder
					s.WriteString(sp + "[" + sp)
					firstEnd := 0
					for i := range n {
						if i > 0 {
							s.WriteString(sp + "," + sp)
						}
						e := good[i%len(good)]
						if i == badAt {
							e = b
						}
						s.WriteString(e)
						if i == 0 {
							firstEnd = s.Len()
						}
					}
					s.WriteString(sp + "]")
					out = append(out, arrayCase{s.String(), firstEnd, n})
				}
			}
		}
	}
	return out
}

// checkArrays decodes each array with decSlice from several depths, the
// array followed by more input, and holds it to encoding/json's answer
// (want): when decSlice takes an array, it is at the array's end, at the
// depth it started from, with encoding/json's value and the bytes its
// counting read in d.counted; an array encoding/json takes, within
// maxDepth, it must take. counts is whether d.counted is checked exactly
// (elements without arrays inside).
func checkArrays[E any](t *testing.T, cases []arrayCase, f func(*dec, *E) bool, want func(string) ([]E, error), counts bool) {
	t.Helper()
	first := sizeOf(*new(E)) > 16
	for _, c := range cases {
		w, err := want(c.in)
		nesting := nestingOf([]byte(c.in))
		for _, base := range []int{0, 1, 7, maxDepth - nesting, maxDepth - nesting + 1} {
			if base < 0 {
				continue
			}
			d := &dec{b: []byte(c.in + `,"next":1}`), depth: base}
			var got []E
			ok := decSlice(d, &got, f)
			within := base+nesting <= maxDepth
			switch {
			case ok && (err != nil || !within):
				t.Errorf("%q at depth %d: taken; encoding/json: %v, nesting %d", c.in, base, err, nesting)
			case !ok && err == nil && within:
				t.Errorf("%q at depth %d: given up, but encoding/json takes it", c.in, base)
			case !ok:
			case !reflect.DeepEqual(got, w):
				t.Errorf("%q at depth %d: %#v, encoding/json %#v", c.in, base, got, w)
			case d.i != len(c.in):
				t.Errorf("%q at depth %d: stopped at %d, not at the array's end %d", c.in, base, d.i, len(c.in))
			case d.depth != base:
				t.Errorf("%q at depth %d: left at depth %d", c.in, base, d.depth)
			case counts:
				// Scalars are all counted, from the opening bracket; a
				// struct's array from its first element's end, unless it
				// has one element or none.
				wantCounted := len(c.in) - (strings.IndexByte(c.in, '[') + 1)
				if first {
					wantCounted = len(c.in) - c.firstEnd
					if c.n <= 1 {
						wantCounted = 0
					}
				}
				if d.counted != wantCounted {
					t.Errorf("%q: counted %d bytes, want %d", c.in, d.counted, wantCounted)
				}
			}
		}
	}
}

// viaInt8 is encoding/json's answer for an array of elements holding an
// int8 each, read as an array of int8.
func viaInt8[E any](set func(*E, int8)) func(string) ([]E, error) {
	return func(in string) ([]E, error) {
		var ns []int8
		if err := json.Unmarshal([]byte(in), &ns); err != nil || ns == nil {
			return nil, err
		}
		out := make([]E, len(ns))
		for i, n := range ns {
			set(&out[i], n)
		}
		return out, nil
	}
}

func direct[E any](in string) ([]E, error) {
	var out []E
	err := json.Unmarshal([]byte(in), &out)
	return out, err
}

var (
	goodInts = []string{`1`, `-2`, `null`, `127`, `0`}
	badInts  = []string{`128`, `"1"`, `1.5`, `{}`, `[]`, `nul`, `tru`, `1 2`, ``, `,`, `-`, `[1]`}
)

// Arrays of every length with a bad element anywhere, decoded by decSlice
// directly, for element types either side of 16 bytes, slices of slices
// and structs: the answer is encoding/json's, the decoder ends where the
// array does, at the depth it began at (maxDepth held from there), and
// the counting passes read what they should.
func TestDecSliceEndsWhereTheArrayDoesAtTheDepthItBegan(t *testing.T) {
	checkArrays(t, arrays(goodInts, badInts), decInt[int8], direct[int8], true)
	checkArrays(t, arrays(goodInts, badInts), decElem16, viaInt8(func(e *elem16, n int8) { e.N = n }), true)
	checkArrays(t, arrays(goodInts, badInts), decElem17, viaInt8(func(e *elem17, n int8) { e.N = n }), true)
	checkArrays(t, arrays(
		[]string{`[1, -2]`, `[]`, `null`, `[ null ]`},
		[]string{`[128]`, `[1,]`, `[,1]`, `1`, `{}`, `["1"]`, `[1 2]`, `[[]]`, `[1`}),
		decInt8s, direct[[]int8], false)
	checkArrays(t, arrays(
		[]string{`{"id":"1","username":"a","global_name":"g"}`, `{}`, `null`, `{ "bot" : true , "avatar" : null }`},
		[]string{`{"id":1}`, `[]`, `{"id":"1",}`, `{"id":"1"`, `{,}`, `"x"`, `{"username":"a","bot":tru}`}),
		decUser, direct[discord.User], true)
	// Users holding members holding role arrays: nested arrays in the
	// first element and in the later ones.
	checkArrays(t, arrays(
		[]string{`{"id":"2","member":{"roles":["3","4"]}}`, `{"member":{"roles":[]}}`, `{"member":{"roles":["5"]}}`},
		[]string{`{"member":{"roles":[3]}}`, `{"member":{"roles":["3",]}}`, `{"member":{"roles":[[]]}}`}),
		decUser, direct[discord.User], false)
}

// The counting passes give up past maxCounted times the input, and a
// struct's array of one element counts nothing, so it is taken whatever
// has been counted before it.
func TestDecSliceGivesUpPastMaxCounted(t *testing.T) {
	for _, c := range []struct {
		in      string
		counts  int // what the counting pass reads
		decode  func(d *dec) bool
		counted bool
	}{
		{`["1","2"]`, len(`"1","2"]`), func(d *dec) bool { var s []discord.RoleID; return decSlice(d, &s, decID) }, true},
		{`[{},{}]`, len(`,{}]`), func(d *dec) bool { var s []discord.User; return decSlice(d, &s, decUser) }, true},
		{`[{"id":"1"}]`, 0, func(d *dec) bool { var s []discord.User; return decSlice(d, &s, decUser) }, false},
	} {
		limit := maxCounted * len(c.in)
		for _, before := range []int{0, limit - c.counts, limit - c.counts + 1, limit} {
			d := &dec{b: []byte(c.in), counted: before}
			want := !c.counted || before+c.counts <= limit
			if ok := c.decode(d); ok != want {
				t.Errorf("%s with %d counted before: taken %v, want %v", c.in, before, ok, want)
			}
		}
	}
}
