package etf

import (
	"math/rand/v2"
	"testing"
)

// TestPlain8AgreesWithSpecial checks the word-at-a-time test against the byte
// table: every byte value at every position in ordinary text, then random words.
func TestPlain8AgreesWithSpecial(t *testing.T) {
	check := func(w []byte) {
		want := true
		for _, c := range w {
			if special[c] {
				want = false
			}
		}
		if got := plain8(w); got != want {
			t.Fatalf("plain8(% x) = %v, want %v", w, got, want)
		}
	}
	for pos := 0; pos < 8; pos++ {
		for c := 0; c < 256; c++ {
			w := []byte("abcdefgh")
			w[pos] = byte(c)
			check(w)
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	w := make([]byte, 8)
	for i := 0; i < 200000; i++ {
		for j := range w {
			// Mostly printable ASCII, sometimes anything.
			if r.IntN(8) == 0 {
				w[j] = byte(r.IntN(256))
			} else {
				w[j] = byte(0x20 + r.IntN(0x60))
			}
		}
		check(w)
	}
}
