package etf

import (
	"bytes"
	"encoding/binary"
	"math"
	"strconv"
)

// ToJSON appends to dst the JSON form of the ETF term in src. src must start with
// the version byte 131 and hold exactly one term; trailing bytes are an error.
// The package documentation lists how each term maps to JSON.
//
// On error ToJSON returns dst with its original length and an [*Error]; bytes
// beyond that length in dst's capacity may have been overwritten.
func ToJSON(dst, src []byte) ([]byte, error) {
	if len(src) == 0 {
		return dst, errorAt(0, "empty input")
	}
	if src[0] != version {
		return dst, errorAt(0, "version byte is "+strconv.Itoa(int(src[0]))+", want 131")
	}
	d := decoder{src: src, pos: 1, dst: dst}
	if err := d.term(0); err != nil {
		return dst, err
	}
	if d.pos != len(src) {
		return dst, errorAt(d.pos, "trailing bytes after the term")
	}
	return d.dst, nil
}

// decoder reads ETF from src at pos and appends JSON to dst.
type decoder struct {
	src []byte
	pos int
	dst []byte
}

// read returns the next n bytes of the term whose tag is at start. n may be any
// length a header claims: it is checked against what remains before it is used.
func (d *decoder) read(start int, tag byte, n uint64) ([]byte, *Error) {
	if n > uint64(len(d.src)-d.pos) {
		return nil, truncated(start, tag)
	}
	b := d.src[d.pos : d.pos+int(n)]
	d.pos += int(n)
	return b, nil
}

func truncated(start int, tag byte) *Error {
	return errorAt(start, "input ends inside "+tagName(tag))
}

func tooDeep(offset int) *Error {
	return errorAt(offset, "nesting deeper than "+strconv.Itoa(maxDepth))
}

// term transcodes the term at d.pos; depth is how many containers enclose it.
func (d *decoder) term(depth int) *Error {
	start := d.pos
	if start >= len(d.src) {
		return errorAt(start, "input ends where a term should start")
	}
	tag := d.src[start]
	d.pos++
	switch tag {
	case tagSmallInteger, tagInteger, tagSmallBig, tagLargeBig:
		return d.integer(start, tag)
	case tagNewFloat:
		b, err := d.read(start, tag, 8)
		if err != nil {
			return err
		}
		return d.float(start, math.Float64frombits(binary.BigEndian.Uint64(b)))
	case tagFloat:
		b, err := d.read(start, tag, 31)
		if err != nil {
			return err
		}
		f, ok := parseFloatExt(b)
		if !ok {
			return errorAt(start, "FLOAT_EXT does not hold a finite float")
		}
		return d.float(start, f)
	case tagAtom, tagSmallAtom, tagAtomUTF8, tagSmallAtomUTF8:
		name, err := d.atom(start, tag)
		if err != nil {
			return err
		}
		switch string(name) {
		case "nil", "null":
			d.dst = append(d.dst, "null"...)
		case "true":
			d.dst = append(d.dst, "true"...)
		case "false":
			d.dst = append(d.dst, "false"...)
		default:
			d.appendAtom(tag, name)
		}
		return nil
	case tagBinary, tagString, tagBitBinary:
		s, err := d.bytes(start, tag)
		if err != nil {
			return err
		}
		d.dst = appendString(d.dst, s)
		return nil
	case tagNil:
		d.dst = append(d.dst, "[]"...)
		return nil
	case tagList:
		return d.list(start, depth)
	case tagSmallTuple, tagLargeTuple:
		return d.tuple(start, tag, depth)
	case tagMap:
		return d.mapping(start, depth)
	case tagCompressed:
		// Discord never sends compressed terms (transport compression does that
		// job), and inflating one would let a peer claim a small payload that
		// expands without bound: a decompression bomb. Refuse it outright.
		return errorAt(start, "COMPRESSED terms are refused")
	}
	if tagNames[tag] != "" {
		return errorAt(start, tagName(tag)+" has no JSON form")
	}
	return errorAt(start, "unknown tag "+strconv.Itoa(int(tag)))
}

// integer transcodes the integer term whose tag is at start to a JSON number.
func (d *decoder) integer(start int, tag byte) *Error {
	switch tag {
	case tagSmallInteger:
		b, err := d.read(start, tag, 1)
		if err != nil {
			return err
		}
		d.dst = strconv.AppendUint(d.dst, uint64(b[0]), 10)
		return nil
	case tagInteger:
		b, err := d.read(start, tag, 4)
		if err != nil {
			return err
		}
		d.dst = strconv.AppendInt(d.dst, int64(int32(binary.BigEndian.Uint32(b))), 10)
		return nil
	}
	var n uint64
	if tag == tagSmallBig {
		b, err := d.read(start, tag, 1)
		if err != nil {
			return err
		}
		n = uint64(b[0])
	} else {
		b, err := d.read(start, tag, 4)
		if err != nil {
			return err
		}
		n = uint64(binary.BigEndian.Uint32(b))
	}
	if n > maxBigBytes {
		return errorAt(start, "big integer of "+strconv.FormatUint(n, 10)+
			" bytes is beyond the limit of "+strconv.Itoa(maxBigBytes))
	}
	sign, err := d.read(start, tag, 1)
	if err != nil {
		return err
	}
	if sign[0] > 1 {
		return errorAt(d.pos-1, "big integer sign byte is "+strconv.Itoa(int(sign[0]))+", want 0 or 1")
	}
	mag, err := d.read(start, tag, n)
	if err != nil {
		return err
	}
	d.dst = appendBig(d.dst, mag, sign[0] == 1)
	return nil
}

func (d *decoder) float(start int, f float64) *Error {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return errorAt(start, "float "+strconv.FormatFloat(f, 'g', -1, 64)+" has no JSON form")
	}
	d.dst = appendFloat(d.dst, f)
	return nil
}

// parseFloatExt parses the "%.20e" text of a FLOAT_EXT, NUL-padded to 31 bytes.
func parseFloatExt(b []byte) (float64, bool) {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	if len(b) == 0 {
		return 0, false
	}
	// C's printf writes only these characters for a finite float. Refusing
	// others keeps out what strconv would also accept: hex floats, underscores,
	// "inf" and "nan".
	for _, c := range b {
		if !('0' <= c && c <= '9' || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
			return 0, false
		}
	}
	f, err := strconv.ParseFloat(string(b), 64)
	return f, err == nil
}

// atom returns the name of the atom whose tag is at start.
func (d *decoder) atom(start int, tag byte) ([]byte, *Error) {
	var n uint64
	switch tag {
	case tagSmallAtom, tagSmallAtomUTF8:
		b, err := d.read(start, tag, 1)
		if err != nil {
			return nil, err
		}
		n = uint64(b[0])
	default:
		b, err := d.read(start, tag, 2)
		if err != nil {
			return nil, err
		}
		n = uint64(binary.BigEndian.Uint16(b))
	}
	return d.read(start, tag, n)
}

// appendAtom appends an atom's name as a JSON string. ATOM_EXT and
// SMALL_ATOM_EXT hold Latin-1, the UTF-8 kinds hold UTF-8.
func (d *decoder) appendAtom(tag byte, name []byte) {
	if tag == tagAtom || tag == tagSmallAtom {
		d.dst = appendLatin1String(d.dst, name)
	} else {
		d.dst = appendString(d.dst, name)
	}
}

// bytes returns the data of the BINARY_EXT, STRING_EXT or BIT_BINARY_EXT whose
// tag is at start.
func (d *decoder) bytes(start int, tag byte) ([]byte, *Error) {
	switch tag {
	case tagString:
		b, err := d.read(start, tag, 2)
		if err != nil {
			return nil, err
		}
		return d.read(start, tag, uint64(binary.BigEndian.Uint16(b)))
	case tagBitBinary:
		b, err := d.read(start, tag, 5)
		if err != nil {
			return nil, err
		}
		// Bits counts the bits used in the last byte. Only a bit string of
		// whole bytes is a byte string; JSON has no form for the rest.
		if bits := b[4]; bits != 8 {
			return nil, errorAt(start, "BIT_BINARY_EXT with "+strconv.Itoa(int(bits))+
				" bits in its last byte has no JSON form")
		}
		return d.read(start, tag, uint64(binary.BigEndian.Uint32(b)))
	default:
		b, err := d.read(start, tag, 4)
		if err != nil {
			return nil, err
		}
		return d.read(start, tag, uint64(binary.BigEndian.Uint32(b)))
	}
}

func (d *decoder) list(start int, depth int) *Error {
	if depth >= maxDepth {
		return tooDeep(start)
	}
	b, err := d.read(start, tagList, 4)
	if err != nil {
		return err
	}
	n := binary.BigEndian.Uint32(b)
	// Every element takes at least one byte, and the tail one more.
	if uint64(n)+1 > uint64(len(d.src)-d.pos) {
		return truncated(start, tagList)
	}
	d.dst = append(d.dst, '[')
	for i := uint32(0); i < n; i++ {
		if i > 0 {
			d.dst = append(d.dst, ',')
		}
		if err := d.term(depth + 1); err != nil {
			return err
		}
	}
	if d.pos >= len(d.src) {
		return truncated(start, tagList)
	}
	if tail := d.src[d.pos]; tail != tagNil {
		return errorAt(d.pos, "improper list: the tail is "+tagName(tail)+", not NIL_EXT")
	}
	d.pos++
	d.dst = append(d.dst, ']')
	return nil
}

func (d *decoder) tuple(start int, tag byte, depth int) *Error {
	if depth >= maxDepth {
		return tooDeep(start)
	}
	var n uint64
	if tag == tagSmallTuple {
		b, err := d.read(start, tag, 1)
		if err != nil {
			return err
		}
		n = uint64(b[0])
	} else {
		b, err := d.read(start, tag, 4)
		if err != nil {
			return err
		}
		n = uint64(binary.BigEndian.Uint32(b))
	}
	if n > uint64(len(d.src)-d.pos) {
		return truncated(start, tag)
	}
	d.dst = append(d.dst, '[')
	for i := uint64(0); i < n; i++ {
		if i > 0 {
			d.dst = append(d.dst, ',')
		}
		if err := d.term(depth + 1); err != nil {
			return err
		}
	}
	d.dst = append(d.dst, ']')
	return nil
}

func (d *decoder) mapping(start int, depth int) *Error {
	if depth >= maxDepth {
		return tooDeep(start)
	}
	b, err := d.read(start, tagMap, 4)
	if err != nil {
		return err
	}
	n := uint64(binary.BigEndian.Uint32(b))
	// Every key and every value takes at least one byte.
	if 2*n > uint64(len(d.src)-d.pos) {
		return truncated(start, tagMap)
	}
	d.dst = append(d.dst, '{')
	for i := uint64(0); i < n; i++ {
		if i > 0 {
			d.dst = append(d.dst, ',')
		}
		if err := d.key(); err != nil {
			return err
		}
		d.dst = append(d.dst, ':')
		if err := d.term(depth + 1); err != nil {
			return err
		}
	}
	d.dst = append(d.dst, '}')
	return nil
}

// key transcodes a map key to a JSON string. Discord sends atoms; binaries,
// byte lists and integers (snowflake-keyed maps) have an obvious string form.
func (d *decoder) key() *Error {
	start := d.pos
	if start >= len(d.src) {
		return errorAt(start, "input ends where a map key should start")
	}
	tag := d.src[start]
	d.pos++
	switch tag {
	case tagAtom, tagSmallAtom, tagAtomUTF8, tagSmallAtomUTF8:
		name, err := d.atom(start, tag)
		if err != nil {
			return err
		}
		d.appendAtom(tag, name)
		return nil
	case tagBinary, tagString, tagBitBinary:
		s, err := d.bytes(start, tag)
		if err != nil {
			return err
		}
		d.dst = appendString(d.dst, s)
		return nil
	case tagSmallInteger, tagInteger, tagSmallBig, tagLargeBig:
		d.dst = append(d.dst, '"')
		if err := d.integer(start, tag); err != nil {
			return err
		}
		d.dst = append(d.dst, '"')
		return nil
	}
	return errorAt(start, "a map key of type "+tagName(tag)+" has no JSON form")
}
