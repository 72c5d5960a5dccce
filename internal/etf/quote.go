package etf

import (
	"encoding/binary"
	"unicode/utf8"
)

// special marks the bytes a JSON string cannot carry as they are: control
// characters, the quote, the backslash, and the start of every multi-byte UTF-8
// sequence, which must be checked. Both directions scan strings for these and
// copy the runs between them whole.
var special = func() (t [256]bool) {
	for c := range t {
		t[c] = c < 0x20 || c == '"' || c == '\\' || c >= utf8.RuneSelf
	}
	return t
}()

const hexDigits = "0123456789abcdef"

const (
	ones = 0x0101010101010101 // 0x01 in every byte of a word
	high = 0x8080808080808080 // the top bit of every byte
)

// plain8 reports whether none of the 8 bytes at the start of s is special, by
// looking at them as one word: it finds bytes with the top bit set, bytes below
// 0x20, and bytes equal to '"' or '\\' (the zero-byte tests from Bit Twiddling
// Hacks). It lets the string loops skip ordinary text a word at a time.
func plain8(s []byte) bool {
	w := binary.LittleEndian.Uint64(s)
	q := w ^ (ones * '"')
	b := w ^ (ones * '\\')
	lt := (w - ones*0x20) &^ w        // high bit set where a byte is below 0x20
	hasQ := (q - ones) &^ q           // high bit set where a byte is '"'
	hasB := (b - ones) &^ b           // high bit set where a byte is '\\'
	return (w|lt|hasQ|hasB)&high == 0 // w&high: bytes of 0x80 and above
}

// appendString appends s, read as UTF-8, as a quoted JSON string. Each byte of
// invalid UTF-8 becomes U+FFFD, as encoding/json does.
func appendString(dst, s []byte) []byte {
	dst = append(dst, '"')
	run := 0
	i := 0
	for {
		for len(s)-i >= 8 && plain8(s[i:]) {
			i += 8
		}
		for i < len(s) && !special[s[i]] {
			i++
		}
		if i == len(s) {
			break
		}
		if c := s[i]; c < utf8.RuneSelf {
			dst = append(dst, s[run:i]...)
			dst = appendEscape(dst, c)
			i++
			run = i
			continue
		}
		r, size := utf8.DecodeRune(s[i:])
		if r != utf8.RuneError || size != 1 {
			i += size
			continue
		}
		dst = append(dst, s[run:i]...)
		dst = append(dst, "\ufffd"...)
		i++
		run = i
	}
	dst = append(dst, s[run:]...)
	return append(dst, '"')
}

// appendLatin1String appends s, read as Latin-1, as a quoted JSON string.
func appendLatin1String(dst, s []byte) []byte {
	dst = append(dst, '"')
	run := 0
	for i, c := range s {
		if !special[c] {
			continue
		}
		dst = append(dst, s[run:i]...)
		if c >= utf8.RuneSelf {
			// Latin-1 byte c is code point c: two bytes of UTF-8.
			dst = append(dst, 0xc0|c>>6, 0x80|c&0x3f)
		} else {
			dst = appendEscape(dst, c)
		}
		run = i + 1
	}
	dst = append(dst, s[run:]...)
	return append(dst, '"')
}

// appendEscape appends the JSON escape for an ASCII byte marked special.
func appendEscape(dst []byte, c byte) []byte {
	switch c {
	case '"', '\\':
		return append(dst, '\\', c)
	case '\n':
		return append(dst, '\\', 'n')
	case '\r':
		return append(dst, '\\', 'r')
	case '\t':
		return append(dst, '\\', 't')
	}
	return append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
}
