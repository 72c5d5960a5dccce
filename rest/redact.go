package rest

import (
	"fmt"
	"log/slog"
)

// String describes the client without its token: "rest.Client{base:...}".
func (c *Client) String() string {
	if c == nil {
		return "rest.Client(nil)"
	}
	return "rest.Client{base:" + c.BaseURL() + " token:" + c.token.String() + "}"
}

// GoString is String, so %#v shows no token either.
func (c *Client) GoString() string { return c.String() }

// Format writes String whatever the verb.
func (c *Client) Format(f fmt.State, _ rune) { f.Write([]byte(c.String())) }

// LogValue logs the client's base URL, never its token.
func (c *Client) LogValue() slog.Value {
	if c == nil {
		return slog.StringValue("<nil>")
	}
	return slog.GroupValue(slog.String("base", c.BaseURL()), slog.Any("token", c.token))
}
