package etf

import (
	"bytes"
	"encoding/binary"
	"math"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// The atoms FromJSON writes, as SMALL_ATOM_UTF8_EXT terms.
const (
	atomTrue  = "\x77\x04true"
	atomFalse = "\x77\x05false"
	atomNil   = "\x77\x03nil" // erlpack's null, not "null"
)

// FromJSON appends to dst the ETF form (version byte 131, then the term) of the
// single JSON value in src. Whitespace may surround the value; anything else
// after it is an error. The package documentation lists how each JSON value maps
// to ETF.
//
// On error FromJSON returns dst with its original length and an [*Error]; bytes
// beyond that length in dst's capacity may have been overwritten.
func FromJSON(dst, src []byte) ([]byte, error) {
	e := encoder{src: src, dst: append(dst, version)}
	e.skipSpace()
	if err := e.value(0); err != nil {
		return dst, err
	}
	e.skipSpace()
	if e.pos != len(src) {
		return dst, errorAt(e.pos, "trailing data after the JSON value")
	}
	return e.dst, nil
}

// encoder reads JSON from src at pos and appends ETF to dst.
type encoder struct {
	src []byte
	pos int
	dst []byte
}

func (e *encoder) skipSpace() {
	for e.pos < len(e.src) {
		switch e.src[e.pos] {
		case ' ', '\t', '\n', '\r':
			e.pos++
		default:
			return
		}
	}
}

// unexpected reports the byte at e.pos, or the end of input, where something
// else was wanted.
func (e *encoder) unexpected(want string) *Error {
	if e.pos >= len(e.src) {
		return errorAt(e.pos, "unexpected end of JSON input, want "+want)
	}
	c := e.src[e.pos]
	what := "byte 0x" + string(hexDigits[c>>4]) + string(hexDigits[c&0xf])
	if 0x20 <= c && c < 0x7f {
		what = "'" + string(rune(c)) + "'"
	}
	return errorAt(e.pos, "invalid character "+what+", want "+want)
}

// value transcodes the JSON value at e.pos; depth is how many containers
// enclose it.
func (e *encoder) value(depth int) *Error {
	if e.pos >= len(e.src) {
		return e.unexpected("a value")
	}
	switch c := e.src[e.pos]; c {
	case '{':
		return e.object(depth)
	case '[':
		return e.array(depth)
	case '"':
		return e.string()
	case 't':
		return e.literal("true", atomTrue)
	case 'f':
		return e.literal("false", atomFalse)
	case 'n':
		return e.literal("null", atomNil)
	default:
		if c == '-' || '0' <= c && c <= '9' {
			return e.number()
		}
		return e.unexpected("a value")
	}
}

func (e *encoder) literal(word, term string) *Error {
	if !bytes.HasPrefix(e.src[e.pos:], []byte(word)) {
		return errorAt(e.pos, "invalid literal, want "+word)
	}
	e.pos += len(word)
	e.dst = append(e.dst, term...)
	return nil
}

func (e *encoder) object(depth int) *Error {
	if depth >= maxDepth {
		return tooDeep(e.pos)
	}
	e.pos++ // '{'
	e.dst = append(e.dst, tagMap, 0, 0, 0, 0)
	arity := len(e.dst) - 4
	e.skipSpace()
	if e.pos < len(e.src) && e.src[e.pos] == '}' {
		e.pos++
		return nil
	}
	var n uint32
	for {
		if e.pos >= len(e.src) || e.src[e.pos] != '"' {
			return e.unexpected("a string key")
		}
		// Keys are binaries: Discord closes with 4002 on atom keys.
		if err := e.string(); err != nil {
			return err
		}
		e.skipSpace()
		if e.pos >= len(e.src) || e.src[e.pos] != ':' {
			return e.unexpected("':' after an object key")
		}
		e.pos++
		e.skipSpace()
		if err := e.value(depth + 1); err != nil {
			return err
		}
		n++
		e.skipSpace()
		if e.pos >= len(e.src) {
			return e.unexpected("',' or '}' after an object value")
		}
		switch e.src[e.pos] {
		case ',':
			e.pos++
			e.skipSpace()
		case '}':
			e.pos++
			binary.BigEndian.PutUint32(e.dst[arity:], n)
			return nil
		default:
			return e.unexpected("',' or '}' after an object value")
		}
	}
}

func (e *encoder) array(depth int) *Error {
	if depth >= maxDepth {
		return tooDeep(e.pos)
	}
	e.pos++ // '['
	e.skipSpace()
	if e.pos < len(e.src) && e.src[e.pos] == ']' {
		// The empty list is NIL_EXT alone; LIST_EXT always has elements.
		e.pos++
		e.dst = append(e.dst, tagNil)
		return nil
	}
	e.dst = append(e.dst, tagList, 0, 0, 0, 0)
	length := len(e.dst) - 4
	var n uint32
	for {
		if err := e.value(depth + 1); err != nil {
			return err
		}
		n++
		e.skipSpace()
		if e.pos >= len(e.src) {
			return e.unexpected("',' or ']' after an array element")
		}
		switch e.src[e.pos] {
		case ',':
			e.pos++
			e.skipSpace()
		case ']':
			e.pos++
			binary.BigEndian.PutUint32(e.dst[length:], n)
			e.dst = append(e.dst, tagNil) // a proper list's tail
			return nil
		default:
			return e.unexpected("',' or ']' after an array element")
		}
	}
}

// string transcodes the JSON string at e.pos to a BINARY_EXT, decoding escapes.
// Invalid UTF-8 and unpaired surrogates become U+FFFD, as in encoding/json, so
// the binary is always valid UTF-8.
func (e *encoder) string() *Error {
	start := e.pos
	e.pos++ // '"'
	e.dst = append(e.dst, tagBinary, 0, 0, 0, 0)
	data := len(e.dst)
	run := e.pos
	for {
		if e.pos >= len(e.src) {
			return errorAt(start, "unterminated string")
		}
		if len(e.src)-e.pos >= 8 && plain8(e.src[e.pos:]) {
			e.pos += 8
			continue
		}
		c := e.src[e.pos]
		if !special[c] {
			e.pos++
			continue
		}
		switch {
		case c == '"':
			e.dst = append(e.dst, e.src[run:e.pos]...)
			e.pos++
			n := len(e.dst) - data
			if uint64(n) > math.MaxUint32 {
				return errorAt(start, "string longer than BINARY_EXT can hold")
			}
			binary.BigEndian.PutUint32(e.dst[data-4:], uint32(n))
			return nil
		case c == '\\':
			e.dst = append(e.dst, e.src[run:e.pos]...)
			if err := e.escape(); err != nil {
				return err
			}
			run = e.pos
		case c < 0x20:
			return errorAt(e.pos, "control character in string")
		default:
			r, size := utf8.DecodeRune(e.src[e.pos:])
			if r != utf8.RuneError || size != 1 {
				e.pos += size
				continue
			}
			e.dst = append(e.dst, e.src[run:e.pos]...)
			e.dst = append(e.dst, "\ufffd"...)
			e.pos++
			run = e.pos
		}
	}
}

// escape decodes the escape sequence at e.pos, a backslash.
func (e *encoder) escape() *Error {
	p := e.pos
	if p+1 >= len(e.src) {
		return errorAt(p, "unterminated escape sequence")
	}
	var c byte
	switch e.src[p+1] {
	case '"', '\\', '/':
		c = e.src[p+1]
	case 'b':
		c = '\b'
	case 'f':
		c = '\f'
	case 'n':
		c = '\n'
	case 'r':
		c = '\r'
	case 't':
		c = '\t'
	case 'u':
		r := hex4(e.src[p+2:])
		if r < 0 {
			return errorAt(p, "invalid \\u escape")
		}
		e.pos = p + 6
		if utf16.IsSurrogate(r) {
			// A UTF-16 surrogate pair is two escapes; a surrogate without
			// its partner becomes U+FFFD and the next escape stands alone.
			low := rune(-1)
			if p+7 < len(e.src) && e.src[p+6] == '\\' && e.src[p+7] == 'u' {
				low = hex4(e.src[p+8:])
			}
			r = utf16.DecodeRune(r, low)
			if r != utf8.RuneError {
				e.pos += 6
			}
		}
		e.dst = utf8.AppendRune(e.dst, r)
		return nil
	default:
		return errorAt(p, "invalid escape sequence")
	}
	e.dst = append(e.dst, c)
	e.pos = p + 2
	return nil
}

// hex4 returns the value of the four hex digits that start b, or -1.
func hex4(b []byte) rune {
	if len(b) < 4 {
		return -1
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return -1
		}
		r = r<<4 | rune(c)
	}
	return r
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// number transcodes the JSON number at e.pos: integers to the smallest integer
// term that holds them, anything with a fraction or exponent to NEW_FLOAT_EXT.
func (e *encoder) number() *Error {
	start := e.pos
	neg := e.src[e.pos] == '-'
	if neg {
		e.pos++
	}
	digits := e.pos
	switch {
	case e.pos < len(e.src) && e.src[e.pos] == '0':
		e.pos++
	case e.pos < len(e.src) && isDigit(e.src[e.pos]):
		for e.pos < len(e.src) && isDigit(e.src[e.pos]) {
			e.pos++
		}
	default:
		return e.unexpected("a digit")
	}
	integer := e.src[digits:e.pos]
	isFloat := false
	if e.pos < len(e.src) && e.src[e.pos] == '.' {
		e.pos++
		if e.pos >= len(e.src) || !isDigit(e.src[e.pos]) {
			return e.unexpected("a digit after the decimal point")
		}
		for e.pos < len(e.src) && isDigit(e.src[e.pos]) {
			e.pos++
		}
		isFloat = true
	}
	if e.pos < len(e.src) && (e.src[e.pos] == 'e' || e.src[e.pos] == 'E') {
		e.pos++
		if e.pos < len(e.src) && (e.src[e.pos] == '+' || e.src[e.pos] == '-') {
			e.pos++
		}
		if e.pos >= len(e.src) || !isDigit(e.src[e.pos]) {
			return e.unexpected("a digit in the exponent")
		}
		for e.pos < len(e.src) && isDigit(e.src[e.pos]) {
			e.pos++
		}
		isFloat = true
	}

	if isFloat {
		f, err := strconv.ParseFloat(string(e.src[start:e.pos]), 64)
		if err != nil {
			// The syntax was checked above, so this is ErrRange: a value
			// beyond float64 (underflow rounds to zero without error).
			return errorAt(start, "number is beyond the range of a float64")
		}
		e.dst = appendNewFloat(e.dst, f)
		return nil
	}
	// Up to 19 digits always fit in a uint64; 20 might.
	if len(integer) <= 19 {
		var v uint64
		for _, c := range integer {
			v = v*10 + uint64(c-'0')
		}
		e.dst = appendInteger(e.dst, v, neg)
		return nil
	}
	if len(integer) == 20 {
		if v, err := strconv.ParseUint(string(integer), 10, 64); err == nil {
			e.dst = appendInteger(e.dst, v, neg)
			return nil
		}
	}
	dst, ok := appendBigDecimal(e.dst, integer, neg)
	if !ok {
		return errorAt(start, "integer is beyond the limit of "+strconv.Itoa(maxBigBytes)+" bytes of magnitude")
	}
	e.dst = dst
	return nil
}
