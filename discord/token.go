package discord

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
)

// Token is a bot token that does not print. fmt (every verb), log/slog
// (both handlers) and encoding/json show "[redacted]" in its place, or ""
// when it is empty, and so does any value holding a Token, even in an
// unexported field: the token sits behind a pointer to a string, which fmt
// prints as an address when it cannot call Token's methods (a pointer to a
// struct would not do: a bad verb such as %s prints what it points to). Reveal is the only way to
// the token; wirecord calls it to write the IDENTIFY, RESUME and REST
// Authorization header, and nowhere else.
//
// The zero Token is empty.
type Token struct{ v *string }

// NewToken wraps a bot token. A "Bot " prefix is dropped: wirecord adds it
// where Discord wants it.
func NewToken(s string) Token {
	s = strings.TrimPrefix(strings.TrimSpace(s), "Bot ")
	if s == "" {
		return Token{}
	}
	return Token{&s}
}

// Reveal returns the token. Never print, log or wrap what it returns.
func (t Token) Reveal() string {
	if t.v == nil {
		return ""
	}
	return *t.v
}

// IsZero reports whether the token is empty.
func (t Token) IsZero() bool { return t.v == nil || *t.v == "" }

// String returns "[redacted]", or `""` for an empty token: telling an empty
// one apart is worth it when a session fails to authenticate.
func (t Token) String() string {
	if t.IsZero() {
		return `""`
	}
	return redacted
}

// GoString is String.
func (t Token) GoString() string { return t.String() }

// Format writes String whatever the verb, so that %x or %q cannot reveal
// the token either.
func (t Token) Format(f fmt.State, _ rune) { f.Write([]byte(t.String())) }

// LogValue logs String.
func (t Token) LogValue() slog.Value { return slog.StringValue(t.String()) }

// MarshalJSON writes "[redacted]" (or ""): a config or a struct holding a
// Token may be encoded for a log. The commands that carry the token on the
// wire (Identify, Resume) write it themselves.
func (t Token) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte(`""`), nil
	}
	return []byte(`"` + redacted + `"`), nil
}

// UnmarshalJSON reads a token from a JSON string (a fake Discord reading
// IDENTIFY, for example).
func (t *Token) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("discord: token is not a JSON string")
	}
	*t = NewToken(s)
	return nil
}
