// Package fastjson holds decoders generated for the hot event types
// (MESSAGE_CREATE and its relatives): straight-line code, one function per
// struct, with no reflection and no field map.
//
// They are a fast path, not a second JSON decoder with its own meaning.
// Each one accepts only input whose meaning it is sure of: valid JSON whose
// keys match the fields exactly, once each, and whose values have the
// fields' types, strings without \u escapes or invalid UTF-8. On anything
// else it gives up, and jsondec decodes the whole input again with
// segmentio/encoding, whose answers FuzzUnmarshalMatchesEncodingJSON holds
// to encoding/json's. So the value decoded, and the error on bad input,
// are encoding/json's either way.
//
// DecodeFields narrows a decode to the top-level fields a Mask names; the
// other members are skipped as JSON values (skipValue), and the answer is
// encoding/json's for the input without them (jsondec.UnmarshalFields).
//
// The generator is ./gen (go generate); its output is decode_gen.go.
package fastjson

//go:generate go run ./gen -o decode_gen.go

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"unicode/utf8"
	"unsafe"

	segment "github.com/segmentio/encoding/json"
)

// maxDepth is the deepest nesting the fast path follows; deeper input is
// left to the full decoder (encoding/json refuses beyond 10,000).
const maxDepth = 512

// maxCounted bounds the bytes decSlice's counting passes read, as a
// multiple of the input: each array counts everything inside it (an
// array of structs, all but its first element), so arrays of structs
// holding arrays, nested deep (a message snapshot's message's
// snapshots...), would read the innermost bytes once per level, up to
// 170 times. Wirecord bench's messages count less than their size; past 4
// the fast path gives up and the full decoder reads the input once.
const maxCounted = 4

// Decode decodes data into v, which must point to a zero value, on the
// fast path, and reports whether it could. When it could not, *v is zero
// again.
func Decode(data []byte, v any) bool { return decode(data, false, nil, v) }

// DecodeShared is Decode where v's strings may point into data instead of
// into copies of their own: the caller promises that data is never
// modified afterwards (it is then as immutable as the strings), and
// accepts that a string kept alive keeps all of data alive. Strings that
// hold escapes are still copies.
func DecodeShared(data []byte, v any) bool { return decode(data, true, nil, v) }

// Mask is a set of a root type's top-level fields, numbered as its
// generated decoder numbers them (MaskOf makes one from their JSON names).
type Mask [4]uint64

// MaskOf returns the Mask of the top-level fields of v's type whose JSON
// keys are names. It fails if Decode does not take v's type, or if a name
// is not one of its keys (exactly, as the generated decoder matches them).
func MaskOf(v any, names []string) (Mask, error) {
	var m Mask
	all := rootFields(v)
	if all == nil {
		return m, fmt.Errorf("fastjson: %T is not a type the generated decoders take", v)
	}
	for _, name := range names {
		n := slices.Index(all, name)
		if n < 0 {
			return m, fmt.Errorf("fastjson: %T has no field %q", v, name)
		}
		m[n/64] |= 1 << (n % 64)
	}
	return m, nil
}

// RootFields lists the top-level JSON keys of v's type in the order a
// Mask numbers them; nil if Decode does not take v's type.
func RootFields(v any) []string { return slices.Clone(rootFields(v)) }

// DecodeFields is DecodeShared (shared true) or Decode, decoding only the
// top-level fields in want: the others are skipped as JSON values, whatever
// their type, and stay zero. It gives up on the same input Decode gives up
// on in the fields it decodes, and on JSON that is not valid anywhere.
func DecodeFields(data []byte, shared bool, want Mask, v any) bool {
	return decode(data, shared, &want, v)
}

// decs recycles decoders: one escapes to the heap (the generated code
// hands it to decoders through function values), and a decode per event
// is the hot path.
var decs = sync.Pool{New: func() any { return new(dec) }}

// newDec returns a decoder of data from the pool.
func newDec(data []byte, shared bool) *dec {
	d := decs.Get().(*dec)
	d.b, d.shared = data, shared
	return d
}

// freeDec returns d to the pool, holding nothing: not the input, not the
// slab of *string fields, which belongs to the value decoded.
func freeDec(d *dec) {
	*d = dec{}
	decs.Put(d)
}

// dec reads one JSON value from b.
type dec struct {
	b     []byte
	i     int
	depth int
	// shared: strings may point into b (DecodeShared).
	shared bool
	// strs holds the strings of *string fields, a few to an allocation.
	strs []string
	// counted is how many bytes decSlice's counting passes have read,
	// held to maxCounted times the input.
	counted int
	// With narrow, want is the top-level fields to decode (DecodeFields).
	// It is held by value: a pointer would make every caller's Mask
	// escape to the heap with the pooled decoder.
	want   Mask
	narrow bool
}

// keep reports whether the root's field n is to be decoded: a Mask
// narrows the top-level object only (depth 1), not a value of the same
// type inside it.
func (d *dec) keep(n int) bool {
	return !d.narrow || d.depth != 1 || d.want[n/64]&(1<<(n%64)) != 0
}

func (d *dec) ws() {
	if d.i < len(d.b) && d.b[d.i] > ' ' {
		return // compact JSON, as Discord sends it
	}
	for d.i < len(d.b) {
		switch d.b[d.i] {
		case ' ', '\n', '\r', '\t':
			d.i++
		default:
			return
		}
	}
}

// end reports whether only whitespace is left.
func (d *dec) end() bool {
	d.ws()
	return d.i == len(d.b)
}

// null consumes a null literal, if that is what comes next. What follows
// it is checked by the caller (a ',' '}' or ']', or the end).
func (d *dec) null() bool {
	d.ws()
	if len(d.b)-d.i >= 4 && d.b[d.i] == 'n' && string(d.b[d.i:d.i+4]) == "null" {
		d.i += 4
		return true
	}
	return false
}

// open consumes c ('{' or '[').
func (d *dec) open(c byte) bool {
	d.ws()
	if d.i < len(d.b) && d.b[d.i] == c {
		d.i++
		d.depth++
		return d.depth <= maxDepth
	}
	return false
}

// next moves to the next member or element of the object or array being
// read, closed by c ('}' or ']'): more is false at its end.
func (d *dec) next(c byte, first bool) (more, ok bool) {
	d.ws()
	if d.i >= len(d.b) {
		return false, false
	}
	if d.b[d.i] == c {
		d.i++
		d.depth--
		return false, true
	}
	if !first {
		if d.b[d.i] != ',' {
			return false, false
		}
		d.i++
	}
	return true, true
}

// key reads a member's key and its colon. Keys with escapes are left to
// the full decoder.
func (d *dec) key() ([]byte, bool) {
	d.ws()
	if d.i >= len(d.b) || d.b[d.i] != '"' {
		return nil, false
	}
	start := d.i + 1
	for j := start; j < len(d.b); j++ {
		c := d.b[j]
		if c == '"' {
			d.i = j + 1
			d.ws()
			if d.i >= len(d.b) || d.b[d.i] != ':' {
				return nil, false
			}
			d.i++
			return d.b[start:j], true
		}
		if c == '\\' || c < 0x20 {
			return nil, false
		}
	}
	return nil, false
}

// unknown reports whether a key that matched no field exactly may be
// skipped: encoding/json would match it to a field case-insensitively
// (with Unicode folds, so any non-ASCII key is left to it too).
func unknown(key []byte, fields []string) bool {
	for _, c := range key {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	for _, f := range fields {
		if len(f) == len(key) && equalFoldASCII(key, f) {
			return false
		}
	}
	return true
}

func equalFoldASCII(a []byte, b string) bool {
	for i := range a {
		x, y := a[i], b[i]
		if x == y {
			continue
		}
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// seen marks field n of a struct as decoded, and is false if it was: a
// repeated key is left to the full decoder.
func seen(set []uint64, n int) bool {
	w, bit := n/64, uint64(1)<<(n%64)
	if set[w]&bit != 0 {
		return false
	}
	set[w] |= bit
	return true
}

// skip consumes one valid JSON value (skipValue).
func (d *dec) skip() bool {
	i, ok := skipValue(d.b, d.i, d.depth)
	d.i = i
	return ok
}

func (d *dec) literal(s string) bool {
	i, ok := skipLiteral(d.b, d.i, s)
	d.i = i
	return ok
}

// skipString consumes a valid JSON string (skipStr).
func (d *dec) skipString() bool {
	i, ok := skipStr(d.b, d.i)
	d.i = i
	return ok
}

// Bytes repeated over a word, for plain.
const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// plain returns the index of the first byte of b at or after j that ends
// a run of plain string bytes (a quote, a backslash or a control), or
// len(b), and whether the run holds a byte of 0x80 or above. It reads
// eight bytes at a time: the three tests are the classic exact word
// tests for a zero byte (x^quote, x^backslash) and for a byte below 0x20.
func plain(b []byte, j int) (int, bool) {
	var high uint64
	for ; j+8 <= len(b); j += 8 {
		x := binary.LittleEndian.Uint64(b[j:])
		q, bs := x^(ones*'"'), x^(ones*'\\')
		if ((q-ones)&^q|(bs-ones)&^bs|(x-ones*0x20)&^x)&highs != 0 {
			break
		}
		high |= x
	}
	for ; j < len(b); j++ {
		c := b[j]
		if c == '"' || c == '\\' || c < 0x20 {
			break
		}
		high |= uint64(c)
	}
	return j, high&highs != 0
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// number consumes a number as JSON's grammar has it, and says whether it
// is an integer (no fraction, no exponent).
func (d *dec) number() (lit []byte, integer, ok bool) {
	end, integer, ok := skipNumber(d.b, d.i)
	if !ok {
		return nil, false, false
	}
	lit, d.i = d.b[d.i:end], end
	return lit, integer, true
}

// raw consumes one valid value and returns its bytes.
func (d *dec) raw() ([]byte, bool) {
	d.ws()
	start := d.i
	if !d.skip() {
		return nil, false
	}
	return d.b[start:d.i], true
}

// str reads a JSON string. Strings with \u escapes, or with bytes that
// are not UTF-8 (encoding/json replaces them), are left to the full
// decoder; the common escapes are undone here.
func (d *dec) str() (string, bool) {
	b := d.b
	if d.i >= len(b) || b[d.i] != '"' {
		return "", false
	}
	start := d.i + 1
	j, high := plain(b, start)
	if j >= len(b) {
		return "", false
	}
	switch b[j] {
	case '"':
		return d.plainString(start, j, high)
	case '\\':
		return d.escaped(start)
	default: // a control
		return "", false
	}
}

// plainString takes the string of b[start:end], which holds no escape and
// no control and is closed by the quote at end (high: it holds bytes of
// 0x80 or above, to be checked for UTF-8). With d.shared it points into b.
func (d *dec) plainString(start, end int, high bool) (string, bool) {
	s := d.b[start:end]
	if high && !utf8.Valid(s) {
		return "", false
	}
	d.i = end + 1
	if d.shared && len(s) > 0 {
		return unsafe.String(&s[0], len(s)), true
	}
	return string(s), true
}

// escaped reads a string holding escapes, from its first byte at start
// (d.i is at its opening quote). The string's raw length bounds its
// unescaped one, so it is decoded into one allocation of that size, which
// the string then owns: no growing, no copy.
func (d *dec) escaped(start int) (string, bool) {
	b := d.b
	open := d.i
	if !d.skipString() {
		return "", false
	}
	out := make([]byte, 0, d.i-1-start)
	d.i = open
	anyHigh := false
	for j := start; ; j++ {
		k, high := plain(b, j)
		anyHigh = anyHigh || high
		out = append(out, b[j:k]...)
		if k >= len(b) {
			return "", false
		}
		switch b[k] {
		case '"':
			if anyHigh && !utf8.Valid(out) {
				return "", false
			}
			d.i = k + 1
			// out is this string's alone and never written again.
			return unsafe.String(unsafe.SliceData(out), len(out)), true
		case '\\':
			k++
			if k >= len(b) {
				return "", false
			}
			switch b[k] {
			case '"', '\\', '/':
				out = append(out, b[k])
			case 'b':
				out = append(out, '\b')
			case 'f':
				out = append(out, '\f')
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			default: // \u (and its surrogate pairs) is the full decoder's
				return "", false
			}
			j = k
		default: // a control
			return "", false
		}
	}
}

// The leaf decoders: each reads one value into *p as encoding/json would
// into a fresh field, where null leaves a non-pointer unchanged.

func decStr[T ~string](d *dec, p *T) bool {
	if d.null() {
		return true
	}
	s, ok := d.str()
	*p = T(s)
	return ok
}

func decBool[T ~bool](d *dec, p *T) bool {
	if d.null() {
		return true
	}
	switch {
	case d.literal("true"):
		*p = true
	case d.literal("false"):
		*p = false
	default:
		return false
	}
	return true
}

func decInt[T ~int | ~int8 | ~int16 | ~int32 | ~int64](d *dec, p *T) bool {
	if d.null() {
		return true
	}
	lit, integer, ok := d.number()
	if !ok || !integer {
		return false
	}
	neg := lit[0] == '-'
	if neg {
		lit = lit[1:]
	}
	if len(lit) > 19 {
		return false
	}
	var u uint64
	for _, c := range lit {
		u = u*10 + uint64(c-'0')
	}
	var v T
	bits := 8 * sizeOf(v)
	limit := uint64(1) << (bits - 1) // |min|; max is limit-1
	if neg && u > limit || !neg && u >= limit {
		return false
	}
	if neg {
		*p = T(-int64(u))
	} else {
		*p = T(u)
	}
	return true
}

func decUint[T ~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~uintptr](d *dec, p *T) bool {
	if d.null() {
		return true
	}
	lit, integer, ok := d.number()
	if !ok || !integer || lit[0] == '-' || len(lit) > 19 {
		return false
	}
	var u uint64
	for _, c := range lit {
		u = u*10 + uint64(c-'0')
	}
	var v T
	if bits := 8 * sizeOf(v); bits < 64 && u >= uint64(1)<<bits {
		return false
	}
	*p = T(u)
	return true
}

func decFloat[T ~float32 | ~float64](d *dec, p *T) bool {
	raw, ok := d.raw()
	if !ok {
		return false
	}
	if raw[0] == 'n' { // null
		return true
	}
	return segment.Unmarshal(raw, p) == nil
}

// leafJSON decodes a value whose type has its own UnmarshalJSON, which
// gets the raw value (null included), as with encoding/json.
func leafJSON[P json.Unmarshaler](d *dec, p P) bool {
	raw, ok := d.raw()
	return ok && p.UnmarshalJSON(raw) == nil
}

// decID decodes a snowflake ID (discord.Snowflake and the typed IDs, whose
// UnmarshalJSON is Snowflake's): a string of at most 20 digits that fits
// in 64 bits, or "", is read here, to the value UnmarshalJSON gives it;
// anything else (null, a number, an error) goes to UnmarshalJSON itself.
func decID[T ~uint64, P interface {
	*T
	json.Unmarshaler
}](d *dec, p P) bool {
	d.ws()
	b, i := d.b, d.i
	if i >= len(b) || b[i] != '"' {
		return leafJSON(d, p)
	}
	var v uint64
	j := i + 1
	// Up to 20 digits and the closing quote, at i+21.
	for ; j < len(b) && j-i <= 21; j++ {
		c := b[j]
		if c == '"' {
			*p = T(v)
			d.i = j + 1
			return true
		}
		if c < '0' || c > '9' {
			break
		}
		digit := uint64(c - '0')
		if v > (1<<64-1-digit)/10 {
			break
		}
		v = v*10 + digit
	}
	return leafJSON(d, p)
}

// leafAny decodes a value of a type the generator leaves alone (maps,
// interfaces, byte slices, text unmarshalers) with the full decoder.
func leafAny[T any](d *dec, p *T) bool {
	raw, ok := d.raw()
	return ok && segment.Unmarshal(raw, p) == nil
}

// stringsPerSlab is how many *string fields share one allocation: a
// message has a handful (names, avatars, nicks), and a kept one keeps the
// others' headers alive, 16 bytes each.
const stringsPerSlab = 4

// decStrPtr decodes into a *string field (or a pointer to a string type):
// null makes it nil, a string points it at a slot of d's slab.
func decStrPtr[T ~string](d *dec, p **T) bool {
	if d.null() {
		*p = nil
		return true
	}
	s, ok := d.str()
	if !ok {
		return false
	}
	if len(d.strs) == cap(d.strs) {
		d.strs = make([]string, 0, stringsPerSlab)
	}
	d.strs = append(d.strs, s)
	// T's underlying type is string: the same memory layout.
	*p = (*T)(unsafe.Pointer(&d.strs[len(d.strs)-1]))
	return true
}

// decNonce decodes a discord.Nonce: a string without escapes (valid
// UTF-8, no controls) is read here, as Nonce's UnmarshalJSON would read
// it; anything else (escapes, which it unquotes by Go's rules, integers,
// null) goes to UnmarshalJSON itself.
func decNonce[T ~string, P interface {
	*T
	json.Unmarshaler
}](d *dec, p P) bool {
	d.ws()
	b, i := d.b, d.i
	if i >= len(b) || b[i] != '"' {
		return leafJSON(d, p)
	}
	j, high := plain(b, i+1)
	if j >= len(b) || b[j] != '"' {
		return leafJSON(d, p)
	}
	s, ok := d.plainString(i+1, j, high)
	if !ok {
		return leafJSON(d, p) // not UTF-8: UnmarshalJSON's answer
	}
	*p = T(s)
	return true
}

// decPtr decodes into a pointer: null makes it nil, anything else a new
// value.
func decPtr[T any](d *dec, p **T, f func(*dec, *T) bool) bool {
	if d.null() {
		*p = nil
		return true
	}
	v := new(T)
	if !f(d, v) {
		return false
	}
	*p = v
	return true
}

// decSlice decodes an array: null makes the slice nil, [] empty but not
// nil (as encoding/json does).
func decSlice[E any](d *dec, p *[]E, f func(*dec, *E) bool) bool {
	if d.null() {
		*p = nil
		return true
	}
	if !d.open('[') {
		return false
	}
	// The slice is made once at its exact length (a grown slice's spare
	// capacity is garbage): the elements are counted first, by skipping
	// them, then decoded. An array of elements larger than 16 bytes (the
	// structs, and Component's 24-byte raw value; AutoModerationAction
	// and UnavailableGuild are 16 and counted) has its first element
	// decoded before the count instead, into a slice of one: most such
	// arrays in an event hold one element, which is then read once, and
	// one of more pays an allocation more. Scalars (ids, strings) are
	// skipped faster than that allocation costs, and all counted. A slice
	// of one left half filled by a failure never reaches the caller's
	// value: decode resets the root when the fast path gives up.
	var one []E
	if sizeOf(*new(E)) > 16 {
		more, ok := d.next(']', true)
		if !ok {
			return false
		}
		if !more {
			*p = []E{}
			return true
		}
		one = make([]E, 1)
		if !f(d, &one[0]) {
			return false
		}
	}
	start, depth := d.i, d.depth
	n := len(one)
	for first := n == 0; ; first = false {
		more, ok := d.next(']', first)
		if !ok {
			return false
		}
		if !more {
			break
		}
		if !d.skip() {
			return false
		}
		n++
	}
	if one != nil && n == 1 {
		*p = one
		return true
	}
	if d.counted += d.i - start; d.counted > maxCounted*len(d.b) {
		return false
	}
	d.i, d.depth = start, depth
	s := make([]E, n)
	copy(s, one)
	for i := len(one); i < n; i++ {
		if _, ok := d.next(']', i == 0); !ok || !f(d, &s[i]) {
			return false
		}
	}
	if more, ok := d.next(']', n == 0); more || !ok {
		return false
	}
	*p = s
	return true
}

func sizeOf[T any](v T) int { return int(unsafe.Sizeof(v)) }
