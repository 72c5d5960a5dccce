package fastjson

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand"
	"strings"
	"testing"
)

// nestingOf returns how deeply b nests arrays and objects (strings
// skipped), for input json.Valid takes.
func nestingOf(b []byte) int {
	depth, most := 0, 0
	for i := 0; i < len(b); i++ {
		switch b[i] {
		case '[', '{':
			depth++
			most = max(most, depth)
		case ']', '}':
			depth--
		case '"':
			for i++; i < len(b) && b[i] != '"'; i++ {
				if b[i] == '\\' {
					i++
				}
			}
		}
	}
	return most
}

// agreeSkipAt checks skipValue(b, i, depth) against the recursive skip
// from the same place and depth: the same answer, the same end. For a
// whole input (i and depth 0) it also holds the answer to json.Valid,
// within maxDepth.
func agreeSkipAt(t *testing.T, b []byte, i, depth int) {
	t.Helper()
	end, ok := skipValue(b, i, depth)
	d := &dec{b: b, i: i, depth: depth}
	refOK := d.skipByRecursion()
	if ok != refOK || ok && end != d.i {
		t.Fatalf("skipValue(%q, %d, %d) = %d, %v; the recursive skip says %d, %v", b, i, depth, end, ok, d.i, refOK)
	}
	if i != 0 || depth != 0 {
		return
	}
	whole := ok && skipWS(b, end) == len(b)
	valid := json.Valid(b)
	if whole && !valid {
		t.Fatalf("skipValue(%q) takes it whole; json.Valid refuses it", b)
	}
	if valid && !whole && nestingOf(b) <= maxDepth {
		t.Fatalf("skipValue(%q) = %d, %v; json.Valid takes it whole (nesting %d)", b, end, ok, nestingOf(b))
	}
}

// edgeValues are scalars in every grammar edge, valid and not.
var edgeValues = []string{
	// numbers
	`0`, `-0`, `-0.0`, `-0e0`, `0e-0`, `1`, `-1`, `1e5`, `1E5`, `1e+5`, `1E+5`, `1e-5`, `1E-05`,
	`1.5`, `1.5e3`, `-1.5E-3`, `123456789012345678901234567890`, `1e999`, `-1e-999`,
	`01`, `-01`, `00`, `1.`, `1.e5`, `.5`, `-.5`, `-`, `--1`, `+1`, `1e`, `1e+`, `1E-`, `1e5.5`,
	`1.5.5`, `0x1`, `1_000`, `Infinity`, `-Infinity`, `NaN`, `1ee5`, `1e++5`, `0.`, `-0.`, `-e5`,
	// literals
	`true`, `false`, `null`, `t`, `tr`, `tru`, `f`, `fa`, `fal`, `fals`, `n`, `nu`, `nul`,
	`truex`, `falsey`, `nullx`, `True`, `FALSE`, `Null`, `nil`, `undefined`, `trUe`,
	// strings
	`""`, `"a"`, `"\""`, `"\\"`, `"\/"`, `"\b\f\n\r\t"`, `"\u0041"`, `"\u00e9"`, `"\u00E9"`,
	`"\uD83D\uDE00"`, `"\uD800"`, `"\uDFFF"`, `"\u0000"`, `"\u12"`, `"\u12G4"`, `"\u123G"`, `"\u004""`, `"\uG123"`, `"\u1G23"`, `"\uZZZZ"`,
	`"\u 123"`, `"\u-123"`, `"\u+123"`, `"\U0041"`, `"\x41"`, `"\a"`, `"\'"`, `"\0"`, `"\ "`,
	"\"\x00\"", "\"\x01\"", "\"\x1f\"", "\"\t\"", "\"\n\"", "\"\x7f\"", "\"\x80\"", "\"\xff\"",
	"\"\xc3\"", "\"\xc3\xa9\"", "\"\xed\xa0\x80\"", "\"\xf4\x90\x80\x80\"", "\"\xef\xbf\xbd\"",
	`"\u`, `"\u0`, `"\u00`, `"\u004`, `"\u0041`, `"abc`, `"\`, `"`, `"\"`, `"\\\"`,
	`"'"`, `'a'`,
	// containers, small
	`[]`, `{}`, `[ ]`, `{ }`, `[,]`, `[1,]`, `[,1]`, `{,}`, `{"a"}`, `{"a":}`, `{"a":1,}`,
	`{:1}`, `{1:1}`, `{"a" 1}`, `{"a"::1}`, `[1 2]`, `[}`, `{]`, `[[]`, `[]]`, `{"a":1}}`,
	`{"\u0041":1}`, `{"\x":1}`, "{\"\x01\":1}", `{"a":[{"b":{}}]}`,
}

// whitespaces are the JSON whitespace runs inserted everywhere, and
// bytes that are not JSON whitespace.
var whitespaces = []string{"", " ", "\t", "\n", "\r", " \t\n\r ", "\v", "\f", "\u00a0", "\x00"}

// contexts wrap a value v (%[1]s) with whitespace w (%[2]s) in every
// place JSON allows it.
var contexts = []string{
	"%[2]s%[1]s%[2]s",
	"%[2]s[%[2]s%[1]s%[2]s]%[2]s",
	"[%[1]s%[2]s,%[2]s%[1]s]",
	"[%[2]s1%[2]s,%[2]s%[1]s%[2]s,%[2]s2%[2]s]",
	"{%[2]s\"k\"%[2]s:%[2]s%[1]s%[2]s}",
	"{\"k\":%[1]s%[2]s,%[2]s\"k2\"%[2]s:%[2]s%[1]s}",
	"{\"a\":[%[2]s{%[2]s\"b\"%[2]s:%[2]s[%[1]s]%[2]s}%[2]s]%[2]s,\"c\":%[1]s}",
	"[[[[[[[[%[1]s]]]]]]]]",
	"{\"a\":{\"a\":{\"a\":%[1]s%[2]s}%[2]s}%[2]s}",
}

// Every edge value in every context with every whitespace, and every
// prefix of each (literals and strings cut short): skipValue reads them
// as the recursive skip and json.Valid do, from depth 0 and from deeper
// (as the generated decoders call it), and from inside a member.
func TestSkipValueAgreesOnGrammarEdgesInEveryContext(t *testing.T) {
	n := 0
	for _, v := range edgeValues {
		for _, w := range whitespaces {
			for _, c := range contexts {
				b := []byte(fmt.Sprintf(c, v, w))
				for cut := 0; cut <= len(b); cut++ {
					agreeSkipAt(t, b[:cut], 0, 0)
					n++
				}
				for _, depth := range []int{1, 2, 63, 64, 65, 500, maxDepth - 1, maxDepth} {
					agreeSkipAt(t, b, 0, depth)
				}
				// The value as a member of an object being decoded: from
				// after its colon, at depth 1.
				in := append([]byte(`{"x":`), b...)
				in = append(in, '}')
				agreeSkipAt(t, in, len(`{"x":`), 1)
			}
		}
	}
	t.Logf("%d inputs", n)
}

// Strings of every length to 24 with one special byte at every place,
// across plain's eight-byte words.
func TestSkipValueAgreesOnSpecialBytesAtEveryPlaceInAString(t *testing.T) {
	specials := []string{`\"`, `\\`, `\n`, `\u0041`, `\u004`, `\uG041`, `\u004G`, `\u004"`, `\q`, "\x00", "\x1f", "\x7f", "\x80", "\xff", `"`, `\`}
	for n := 0; n <= 24; n++ {
		for at := 0; at <= n; at++ {
			for _, s := range specials {
				body := strings.Repeat("a", at) + s + strings.Repeat("b", n-at)
				for _, b := range []string{`"` + body + `"`, `["` + body + `"]`, `{"` + body + `":1}`, `"` + body} {
					agreeSkipAt(t, []byte(b), 0, 0)
					agreeSkipAt(t, []byte(b), 0, 7)
				}
			}
		}
	}
}

// nest builds levels containers around inner, kinds[k] saying whether
// level k is an object; closers are flipped (the wrong one) at level
// wrong (-1: none).
func nest(kinds []bool, inner string, wrong int) []byte {
	var b bytes.Buffer
	for _, obj := range kinds {
		if obj {
			b.WriteString(`{"k": `)
		} else {
			b.WriteString(`[ `)
		}
	}
	b.WriteString(inner)
	for k := len(kinds) - 1; k >= 0; k-- {
		obj := kinds[k]
		if k == wrong {
			obj = !obj
		}
		if obj {
			b.WriteString(` }`)
		} else {
			b.WriteString(` ]`)
		}
	}
	return b.Bytes()
}

// Nesting right at maxDepth from many starting depths, in arrays,
// objects and mixtures, around a value, an empty array or an empty
// object: taken exactly when depth+levels <= maxDepth.
func TestSkipValueKeepsToMaxDepthInEveryShape(t *testing.T) {
	shapes := map[string]func(k int) bool{
		"arrays":      func(int) bool { return false },
		"objects":     func(int) bool { return true },
		"alternating": func(k int) bool { return k%2 == 0 },
		"words":       func(k int) bool { return k/64%2 == 0 },
		"every third": func(k int) bool { return k%3 == 1 },
	}
	for _, depth := range []int{0, 1, 2, 63, 64, 65, 127, 128, 255, 256, 300, 448, 500, 510, 511} {
		for name, shape := range shapes {
			for _, total := range []int{maxDepth - 1, maxDepth, maxDepth + 1} {
				for _, inner := range []string{"1", "[]", "{}", `"s"`, "[1,{}]"} {
					levels := total - depth
					extra := 0
					if inner[0] == '[' || inner[0] == '{' {
						extra = 1 // inner is a container itself
					}
					levels -= extra
					if levels < 0 {
						continue
					}
					kinds := make([]bool, levels)
					for k := range kinds {
						kinds[k] = shape(k)
					}
					b := nest(kinds, inner, -1)
					end, ok := skipValue(b, 0, depth)
					d := &dec{b: b, depth: depth}
					ref := d.skipByRecursion()
					want := depth+levels+extra+strings.Count(inner[min(1, len(inner)-1):], "{") <= maxDepth
					if ok != ref || ok != want || ok && end != len(b) {
						t.Errorf("%s, %d levels around %s at depth %d: skipValue %d, %v; recursive skip %v; want %v",
							name, levels, inner, depth, end, ok, ref, want)
					}
				}
			}
		}
	}
}

// Random nesting of arrays and objects up to maxDepth, closed rightly or
// with one wrong closer at any level (the bit stack's word boundaries
// among them): skipValue agrees with the recursive skip.
func TestSkipValueTracksEveryContainerKind(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	for range 3000 {
		levels := r.Intn(maxDepth + 2)
		switch r.Intn(4) {
		case 0:
			levels = 60 + r.Intn(10) // around the first word boundary
		case 1:
			levels = 124 + r.Intn(10)
		}
		kinds := make([]bool, levels)
		for k := range kinds {
			kinds[k] = r.Intn(2) == 0
		}
		wrong := -1
		if r.Intn(2) == 0 && levels > 0 {
			wrong = r.Intn(levels)
			if r.Intn(2) == 0 {
				wrong = min(levels-1, 63+r.Intn(3))
			}
		}
		b := nest(kinds, "0", wrong)
		depth := 0
		if r.Intn(2) == 0 {
			depth = r.Intn(maxDepth + 1)
		}
		agreeSkipAt(t, b, 0, depth)
		if depth == 0 {
			if ok := json.Valid(b); ok != (wrong < 0) {
				t.Fatalf("the test's input is wrong: json.Valid %v, wrong closer %d", ok, wrong)
			}
		}
	}
}

// Huge arrays of tiny values: one pass, the right end.
func TestSkipValueReadsHugeArraysOfTinyValues(t *testing.T) {
	for _, v := range []string{"0", "1", "-0", "1e5", "true", "null", `""`, `"\n"`, "[]", "{}", `{"":0}`, "[[]]"} {
		for _, sep := range []string{",", " , ", ",\n"} {
			b := []byte("[" + strings.Repeat(v+sep, 200000) + v + "]")
			agreeSkipAt(t, b, 0, 0)
			agreeSkipAt(t, b[:len(b)-1], 0, 0)
			bad := bytes.Clone(b)
			bad[len(bad)/2+1] = '@'
			agreeSkipAt(t, bad, 0, 0)
		}
	}
}

// d.number and d.literal leave the decoder where it was when they fail:
// decBool tries "true" then "false" from the same place, and the leaf
// decoders give up from there.
func TestNumberAndLiteralFailuresLeaveThePosition(t *testing.T) {
	prefix := `{"a": `
	for _, v := range edgeValues {
		b := []byte(prefix + v)
		d := &dec{b: b, i: len(prefix)}
		if _, _, ok := d.number(); !ok && d.i != len(prefix) {
			t.Errorf("number on %q failed and moved to %d from %d", v, d.i, len(prefix))
		} else if ok {
			if _, _, okRef := skipNumber(b, len(prefix)); !okRef {
				t.Errorf("number on %q", v)
			}
		}
		for _, lit := range []string{"true", "false", "null"} {
			d := &dec{b: b, i: len(prefix)}
			if ok := d.literal(lit); !ok && d.i != len(prefix) {
				t.Errorf("literal %s on %q failed and moved to %d from %d", lit, v, d.i, len(prefix))
			} else if ok && d.i != len(prefix)+len(lit) {
				t.Errorf("literal %s on %q moved to %d", lit, v, d.i)
			}
		}
	}
	for _, in := range []string{"false", "true", "fals", "tru", "f", "t", "null", "nul"} {
		var got bool
		d := &dec{b: []byte(in)}
		ok := decBool(d, &got)
		var want bool
		wantErr := json.Unmarshal([]byte(in), &want)
		if ok && (wantErr != nil || got != want || d.i != len(in)) {
			t.Errorf("decBool(%q) = %v at %d; encoding/json %v, %v", in, got, d.i, want, wantErr)
		}
		if !ok && wantErr == nil {
			t.Errorf("decBool(%q) gave up; encoding/json takes it as %v", in, want)
		}
	}
}

// FuzzSkipValueFromAnywhere holds skipValue to the recursive skip from
// any start and depth the fuzzer picks, and whole inputs to json.Valid.
func FuzzSkipValueFromAnywhere(f *testing.F) {
	for _, v := range edgeValues {
		f.Add([]byte(v), uint16(0), uint16(0))
	}
	f.Add([]byte(`{"a":[1,{"b":[[[]]]}]}`), uint16(5), uint16(510))
	f.Fuzz(func(t *testing.T, b []byte, at, depth uint16) {
		i := int(at) % (len(b) + 1)
		agreeSkipAt(t, b, 0, 0)
		agreeSkipAt(t, b, i, int(depth)%(maxDepth+1))
	})
}
