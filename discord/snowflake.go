package discord

import (
	"errors"
	"strconv"
	"time"
)

//go:generate go run ./internal/genids

// Epoch is the Discord epoch, the first millisecond of 2015, in Unix
// milliseconds. A snowflake's top 42 bits count milliseconds from it
// (PROTOCOL.md §13).
const Epoch = 1420070400000

// Snowflake is a 64-bit Discord ID. In JSON it is a decimal string; it also
// accepts a JSON number, because ETF payloads (transcoded to JSON) and a few
// REST echoes carry IDs as integers (PROTOCOL.md §8, §13). The zero value
// means "no ID": it marshals as null, and null unmarshals to zero.
//
// Entity IDs have their own types (GuildID, ChannelID, UserID, ...) so that
// one cannot be passed where another is wanted; Snowflake is the untyped
// form they all convert to.
type Snowflake uint64

// ErrInvalidSnowflake is wrapped by the errors returned when a snowflake
// cannot be parsed.
var ErrInvalidSnowflake = errors.New("discord: invalid snowflake")

// SnowflakeFromTime returns the smallest snowflake that can be created at t.
// It is useful as a bound for paginated REST queries ("messages after t").
func SnowflakeFromTime(t time.Time) Snowflake {
	ms := t.UnixMilli() - Epoch
	if ms < 0 {
		return 0
	}
	return Snowflake(uint64(ms) << 22)
}

// ParseSnowflake parses a decimal snowflake.
func ParseSnowflake(s string) (Snowflake, error) {
	v, ok := parseDecimal([]byte(s))
	if !ok {
		return 0, &snowflakeError{input: s}
	}
	return Snowflake(v), nil
}

// Time is the moment the snowflake was created, in UTC.
func (s Snowflake) Time() time.Time {
	return time.UnixMilli(int64(s>>22) + Epoch).UTC()
}

// Worker is the internal worker ID encoded in bits 17-21.
func (s Snowflake) Worker() uint8 { return uint8((s & 0x3E0000) >> 17) }

// Process is the internal process ID encoded in bits 12-16.
func (s Snowflake) Process() uint8 { return uint8((s & 0x1F000) >> 12) }

// Increment is the per-process counter encoded in bits 0-11.
func (s Snowflake) Increment() uint16 { return uint16(s & 0xFFF) }

// IsValid reports whether s is non-zero.
func (s Snowflake) IsValid() bool { return s != 0 }

// String returns the decimal form.
func (s Snowflake) String() string { return strconv.FormatUint(uint64(s), 10) }

// MarshalJSON encodes s as a JSON string, or null when s is zero.
func (s Snowflake) MarshalJSON() ([]byte, error) { return appendSnowflakeJSON(nil, uint64(s)), nil }

// UnmarshalJSON accepts a JSON string of digits, a JSON integer, or null.
func (s *Snowflake) UnmarshalJSON(b []byte) error {
	v, err := parseSnowflakeJSON(b)
	*s = Snowflake(v)
	return err
}

// MarshalText encodes s in decimal, for map keys and query strings.
func (s Snowflake) MarshalText() ([]byte, error) { return strconv.AppendUint(nil, uint64(s), 10), nil }

// UnmarshalText parses a decimal snowflake.
func (s *Snowflake) UnmarshalText(b []byte) error {
	v, ok := parseDecimal(b)
	if !ok {
		return &snowflakeError{input: string(b)}
	}
	*s = Snowflake(v)
	return nil
}

type snowflakeError struct{ input string }

func (e *snowflakeError) Error() string {
	in := e.input
	if len(in) > 32 {
		in = in[:32] + "..."
	}
	return "discord: invalid snowflake " + strconv.Quote(in)
}

func (e *snowflakeError) Unwrap() error { return ErrInvalidSnowflake }

func appendSnowflakeJSON(dst []byte, v uint64) []byte {
	if v == 0 {
		return append(dst, "null"...)
	}
	dst = append(dst, '"')
	dst = strconv.AppendUint(dst, v, 10)
	return append(dst, '"')
}

// parseSnowflakeJSON is on the hot path of every event decode, so it parses
// in place instead of going through strconv.Unquote.
func parseSnowflakeJSON(b []byte) (uint64, error) {
	switch {
	case len(b) == 4 && string(b) == "null":
		return 0, nil
	case len(b) >= 2 && b[0] == '"' && b[len(b)-1] == '"':
		inner := b[1 : len(b)-1]
		if len(inner) == 0 {
			// Discord sends "" for a few absent IDs (for example an
			// unset application_id); treat it as absent.
			return 0, nil
		}
		if v, ok := parseDecimal(inner); ok {
			return v, nil
		}
	default:
		if v, ok := parseDecimal(b); ok {
			return v, nil
		}
	}
	return 0, &snowflakeError{input: string(b)}
}

func parseDecimal(b []byte) (uint64, bool) {
	if len(b) == 0 || len(b) > 20 {
		return 0, false
	}
	var v uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		d := uint64(c - '0')
		if v > (1<<64-1-d)/10 {
			return 0, false
		}
		v = v*10 + d
	}
	return v, true
}
