package gateway

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"strconv"

	"github.com/wirecord/wirecord/discord"
)

// envelope is a gateway payload's outer object: {"op","d","s","t"}. Only
// the envelope is parsed on the receive path; d stays raw JSON until
// someone asks for it as a typed event.
type envelope struct {
	op     discord.Opcode
	hasOp  bool
	seq    int64
	hasSeq bool // s is present and not null
	// seqBad is set when s is not an integer that fits an int64; seqRaw is
	// then s as sent. Only a dispatch looks at s (checkSeq).
	seqBad bool
	seqRaw []byte
	name   []byte // t, unquoted; nil when null or absent
	data   []byte // d, raw JSON; nil when absent
	// dataErr is set when d could not be delimited; data is then nil.
	dataErr error
}

var errNotObject = errors.New("payload is not a JSON object")

// parseEnvelope reads the top-level fields of a payload. It scans d only
// far enough to find where it ends (strings and brackets), leaving full
// validation to whoever decodes it.
func parseEnvelope(b []byte) (env envelope, err error) {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return env, errNotObject
	}
	i++
	for {
		i = skipSpace(b, i)
		if i >= len(b) {
			return env, errors.New("unterminated payload object")
		}
		if b[i] == '}' {
			if skipSpace(b, i+1) != len(b) {
				return env, errors.New("data after the payload object")
			}
			return env, nil
		}
		if b[i] == ',' {
			i = skipSpace(b, i+1)
		}
		if i >= len(b) || b[i] != '"' {
			return env, fmt.Errorf("expected a key at offset %d", i)
		}
		kEnd, err := skipString(b, i)
		if err != nil {
			return env, err
		}
		key := b[i+1 : kEnd-1]
		i = skipSpace(b, kEnd)
		if i >= len(b) || b[i] != ':' {
			return env, fmt.Errorf("expected ':' at offset %d", i)
		}
		i = skipSpace(b, i+1)
		vEnd, verr := skipValue(b, i)
		if verr != nil {
			if len(key) == 1 && key[0] == 'd' {
				// d is broken; keep what the other fields say, so the
				// sequence still advances.
				env.dataErr = verr
				return env, nil
			}
			return env, verr
		}
		val := b[i:vEnd]
		switch string(key) {
		case "op":
			n, ok := parseInt(val)
			if !ok {
				return env, fmt.Errorf("op is not an integer: %.20q", val)
			}
			env.op, env.hasOp = discord.Opcode(n), true
		case "s":
			if !isNull(val) {
				n, ok := parseInt(val)
				env.seq, env.hasSeq, env.seqBad = n, true, !ok
				if !ok {
					env.seqRaw = val
				}
			}
		case "t":
			if !isNull(val) {
				name, err := unquote(val)
				if err != nil {
					return env, fmt.Errorf("t is not a string: %w", err)
				}
				env.name = name
			}
		case "d":
			env.data = val
		}
		i = vEnd
	}
}

func isNull(v []byte) bool { return len(v) == 4 && string(v) == "null" }

func skipSpace(b []byte, i int) int {
	for i < len(b) {
		switch b[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// skipString returns the offset just past the JSON string starting at i.
// Most of a dispatch's bytes are inside strings (content, embeds), so it
// looks at eight bytes at a time for the first quote or backslash
// (specials); a backslash skips the byte after it.
func skipString(b []byte, i int) (int, error) {
	j := i + 1
	for {
		for j+8 <= len(b) {
			if m := specials(binary.LittleEndian.Uint64(b[j:])); m != 0 {
				j += bits.TrailingZeros64(m) >> 3
				break
			}
			j += 8
		}
		for j < len(b) && b[j] != '"' && b[j] != '\\' {
			j++
		}
		if j >= len(b) {
			return 0, errors.New("unterminated string")
		}
		if b[j] == '"' {
			return j + 1, nil
		}
		j += 2 // a backslash and the byte it escapes
	}
}

const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// specials sets the high bit of the bytes of w that are a quote or a
// backslash. Only the lowest set bit is exact (a borrow can mark a byte
// above a match), which is all skipString uses: a false mark sits above a
// true one, so the lowest mark of either test is a true one.
func specials(w uint64) uint64 {
	q := w ^ (ones * '"')
	s := w ^ (ones * '\\')
	return ((q-ones)&^q | (s-ones)&^s) & highs
}

// structural marks the bytes skipValue stops at outside strings.
var structural = [256]bool{'"': true, '{': true, '[': true, '}': true, ']': true}

// skipValue returns the offset just past the JSON value starting at i.
// Objects and arrays are delimited by counting brackets outside strings.
func skipValue(b []byte, i int) (int, error) {
	if i >= len(b) {
		return 0, errors.New("missing value")
	}
	switch c := b[i]; c {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			c := b[j]
			if !structural[c] {
				continue
			}
			switch c {
			case '"':
				end, err := skipString(b, j)
				if err != nil {
					return 0, err
				}
				j = end - 1
			case '{', '[':
				depth++
			default: // '}', ']'
				depth--
				if depth == 0 {
					return j + 1, nil
				}
			}
		}
		return 0, errors.New("unterminated object or array")
	default:
		j := i
		for j < len(b) {
			switch b[j] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				if j == i {
					return 0, fmt.Errorf("unexpected %q at offset %d", b[j], j)
				}
				return j, nil
			}
			j++
		}
		if j == i {
			return 0, errors.New("missing value")
		}
		return j, nil
	}
}

// parseInt reads a JSON integer. It fails, rather than wrapping around,
// on a number that does not fit an int64.
func parseInt(v []byte) (int64, bool) {
	if len(v) == 0 || len(v) > 20 {
		return 0, false
	}
	neg := v[0] == '-'
	if neg {
		v = v[1:]
		if len(v) == 0 {
			return 0, false
		}
	}
	var n uint64
	for _, c := range v {
		if c < '0' || c > '9' {
			return 0, false
		}
		d := uint64(c - '0')
		if n > (math.MaxUint64-d)/10 {
			return 0, false
		}
		n = n*10 + d
	}
	switch {
	case neg && n <= math.MaxInt64+1:
		return -int64(n), true
	case !neg && n <= math.MaxInt64:
		return int64(n), true
	}
	return 0, false
}

// unquote returns the content of a JSON string; the common case (no
// escapes) is a sub-slice with no copy.
func unquote(v []byte) ([]byte, error) {
	if len(v) < 2 || v[0] != '"' || v[len(v)-1] != '"' {
		return nil, errors.New("not a string")
	}
	inner := v[1 : len(v)-1]
	for _, c := range inner {
		if c == '\\' {
			var s string
			if err := json.Unmarshal(v, &s); err != nil {
				return nil, err
			}
			return []byte(s), nil
		}
	}
	return inner, nil
}

// eventNames interns dispatch names so that the hot path does not allocate
// a string per event for the names Discord documents.
var eventNames = func() map[string]string {
	names := discord.EventNames()
	m := make(map[string]string, len(names))
	for _, n := range names {
		m[n] = n
	}
	return m
}()

func internName(b []byte) string {
	if s, ok := eventNames[string(b)]; ok {
		return s
	}
	return string(b)
}

// appendInt is strconv.AppendInt, named for the payload builders.
func appendInt(dst []byte, n int64) []byte { return strconv.AppendInt(dst, n, 10) }
