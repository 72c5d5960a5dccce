package fastjson

import (
	"bytes"
	"testing"
)

// plainByByte is plain one byte at a time: what the word tests must agree
// with.
func plainByByte(b []byte, j int) (int, bool) {
	high := false
	for ; j < len(b); j++ {
		c := b[j]
		if c == '"' || c == '\\' || c < 0x20 {
			break
		}
		high = high || c >= 0x80
	}
	return j, high
}

// Every byte value, at every offset of two words and a tail, in runs of
// ASCII and of high bytes, starting at every offset: the word tests find
// exactly the bytes the byte loop finds.
func TestPlainFindsWhatTheByteLoopFinds(t *testing.T) {
	for _, fill := range []byte{'a', 0xc3, 0x7f, 0x20, 0x80, 0xff} {
		for n := 0; n <= 19; n++ {
			for at := 0; at < n; at++ {
				for c := 0; c < 256; c++ {
					b := bytes.Repeat([]byte{fill}, n)
					b[at] = byte(c)
					for from := 0; from <= n; from++ {
						gotJ, gotHigh := plain(b, from)
						wantJ, wantHigh := plainByByte(b, from)
						if gotJ != wantJ || gotHigh != wantHigh {
							t.Fatalf("plain(%x, %d) = %d, %v; want %d, %v", b, from, gotJ, gotHigh, wantJ, wantHigh)
						}
					}
				}
			}
		}
	}
}

func FuzzPlain(f *testing.F) {
	f.Add([]byte(`hello "world"`), 0)
	f.Add([]byte("caf\xc3\xa9 na\\u00efve\x01"), 3)
	f.Fuzz(func(t *testing.T, b []byte, from int) {
		if from < 0 || from > len(b) {
			from = 0
		}
		gotJ, gotHigh := plain(b, from)
		wantJ, wantHigh := plainByByte(b, from)
		if gotJ != wantJ || gotHigh != wantHigh {
			t.Fatalf("plain(%q, %d) = %d, %v; want %d, %v", b, from, gotJ, gotHigh, wantJ, wantHigh)
		}
	})
}

// A Mask of one field, for each of the 256 a Mask holds: keep takes that
// field alone at the root, and every field below it. No root type has
// more than 64 fields yet, so only this reaches the Mask's upper words.
func TestKeepReadsEveryWordOfTheMask(t *testing.T) {
	for n := range 64 * len(Mask{}) {
		var m Mask
		m[n/64] |= 1 << (n % 64)
		d := dec{want: m, narrow: true}
		for k := range 64 * len(Mask{}) {
			d.depth = 1
			if got := d.keep(k); got != (k == n) {
				t.Fatalf("Mask of field %d: keep(%d) = %v at the root", n, k, got)
			}
			d.depth = 2
			if !d.keep(k) {
				t.Fatalf("Mask of field %d: keep(%d) refused below the root", n, k)
			}
		}
	}
}
