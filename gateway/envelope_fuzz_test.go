package gateway

import "testing"

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
