package gateway

import (
	"bytes"
	"testing"
)

// skipStringByByte is the plain reading of a JSON string's end: walk each
// byte, skip the one after a backslash. skipString must agree with it.
func skipStringByByte(b []byte, i int) (int, bool) {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '"':
			return j + 1, true
		case '\\':
			j++
		}
	}
	return 0, false
}

// FuzzSkipStringAgreesWithByteWalk checks that the IndexByte jumps of
// skipString find the same end of string as a byte-by-byte walk, escaped
// quotes and runs of backslashes included.
func FuzzSkipStringAgreesWithByteWalk(f *testing.F) {
	for _, s := range []string{`"abc"`, `"a\"b"`, `"a\\"b"`, `"a\\\"b"`, `"\\\\"`, `"\`, `"`, `"é\u00e9"x`, `"a\\\\\"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) == 0 || b[0] != '"' {
			b = append([]byte{'"'}, b...)
		}
		want, wantOK := skipStringByByte(b, 0)
		got, err := skipString(b, 0)
		if wantOK != (err == nil) || (wantOK && got != want) {
			t.Fatalf("skipString(%q) = %d, %v; the byte walk says %d, %v", b, got, err, want, wantOK)
		}
	})
}

// Every string of up to nine bytes drawn from a, a quote and a backslash,
// at every offset of a word, with and without bytes after it: skipString's
// word test and jumps find the end the byte walk finds.
func TestSkipStringAgreesWithByteWalkOnEveryShortString(t *testing.T) {
	alphabet := []byte{'a', '"', '\\'}
	var walk func(s []byte, n int)
	walk = func(s []byte, n int) {
		for lead := range 8 {
			for _, tail := range []string{"", "aaaaaaaaaaaaaaaa"} {
				b := append(append(append(bytes.Repeat([]byte{'x'}, lead), '"'), s...), tail...)
				want, wantOK := skipStringByByte(b, lead)
				got, err := skipString(b, lead)
				if wantOK != (err == nil) || (wantOK && got != want) {
					t.Fatalf("skipString(%q, %d) = %d, %v; the byte walk says %d, %v", b, lead, got, err, want, wantOK)
				}
			}
		}
		if n == 0 {
			return
		}
		for _, c := range alphabet {
			walk(append(s, c), n-1)
		}
	}
	walk(nil, 9)
}
