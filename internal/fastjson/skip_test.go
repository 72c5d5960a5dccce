package fastjson

import (
	"encoding/json"
	"strings"
	"testing"
)

// skipByRecursion is the skip that skipValue replaced: one call per value,
// the grammar read off the code. skipValue must agree with it.
func (d *dec) skipByRecursion() bool {
	d.ws()
	if d.i >= len(d.b) {
		return false
	}
	switch c := d.b[d.i]; c {
	case '{':
		if !d.open('{') {
			return false
		}
		for first := true; ; first = false {
			more, ok := d.next('}', first)
			if !ok {
				return false
			}
			if !more {
				return true
			}
			d.ws()
			if !d.skipString() {
				return false
			}
			d.ws()
			if d.i >= len(d.b) || d.b[d.i] != ':' {
				return false
			}
			d.i++
			if !d.skipByRecursion() {
				return false
			}
		}
	case '[':
		if !d.open('[') {
			return false
		}
		for first := true; ; first = false {
			more, ok := d.next(']', first)
			if !ok {
				return false
			}
			if !more {
				return true
			}
			if !d.skipByRecursion() {
				return false
			}
		}
	case '"':
		return d.skipString()
	case 't':
		return d.literal("true")
	case 'f':
		return d.literal("false")
	case 'n':
		return d.literal("null")
	default:
		_, _, ok := d.number()
		return ok
	}
}

// agreeSkip checks skipValue against skipByRecursion on b from offset 0,
// and, for input that is one value and whitespace, against json.Valid.
func agreeSkip(t *testing.T, b []byte) {
	t.Helper()
	end, ok := skipValue(b, 0, 0)
	d := &dec{b: b}
	refOK := d.skipByRecursion()
	if ok != refOK || ok && end != d.i {
		t.Fatalf("skipValue(%q) = %d, %v; the recursive skip says %d, %v", b, end, ok, d.i, refOK)
	}
	if valid := ok && skipWS(b, end) == len(b); valid != json.Valid(b) {
		t.Fatalf("skipValue(%q) = %d, %v: as a whole input that is %v, json.Valid says %v", b, end, ok, valid, !valid)
	}
}

// Every input of up to six bytes from an alphabet of JSON's structural
// bytes, a letter, a digit, a backslash and a space: skipValue reads each
// as the recursive skip and json.Valid do.
func TestSkipValueAgreesOnEveryShortInput(t *testing.T) {
	alphabet := []byte(`{}[]",:1 \t`)
	n := 0
	var walk func(b []byte, left int)
	walk = func(b []byte, left int) {
		agreeSkip(t, b)
		n++
		if left == 0 {
			return
		}
		for _, c := range alphabet {
			walk(append(b, c), left-1)
		}
	}
	walk(nil, 6)
	t.Logf("%d inputs", n)
}

// Nesting is refused past maxDepth, counting from the depth given.
func TestSkipValueKeepsToMaxDepth(t *testing.T) {
	for _, depth := range []int{0, 10, maxDepth - 1} {
		for _, levels := range []int{maxDepth - depth - 1, maxDepth - depth, maxDepth - depth + 1} {
			b := []byte(strings.Repeat(`{"a":[`, levels/2) + strings.Repeat("[", levels%2) + "1" + strings.Repeat("]", levels%2) + strings.Repeat(`]}`, levels/2))
			_, ok := skipValue(b, 0, depth)
			d := &dec{b: b, depth: depth}
			if want := d.skipByRecursion(); ok != want || ok != (depth+levels <= maxDepth) {
				t.Errorf("%d levels at depth %d: skipValue %v, recursive skip %v", levels, depth, ok, want)
			}
		}
	}
}

func FuzzSkipValue(f *testing.F) {
	for _, s := range []string{`{"a":[1,2,{"b":null}],"c":"d\u00e9\n"}`, `[]`, `{}`, `-0.5e+7`, `"\"`, `[1,]`, `{"a" : true , "b":false}`, `tru`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) { agreeSkip(t, b) })
}
