package discord

import "time"

// GatewayBot is the answer of GET /gateway/bot: the gateway URL, the
// recommended shard count and the session start budget (PROTOCOL.md §1).
type GatewayBot struct {
	URL               string            `json:"url"`
	Shards            int               `json:"shards"`
	SessionStartLimit SessionStartLimit `json:"session_start_limit"`
}

// SessionStartLimit is the daily budget of session starts.
type SessionStartLimit struct {
	Total     int `json:"total"`
	Remaining int `json:"remaining"`
	// ResetAfterMS is milliseconds until the budget resets.
	ResetAfterMS   int64 `json:"reset_after"`
	MaxConcurrency int   `json:"max_concurrency"`
}

// ResetAfter is ResetAfterMS as a duration.
func (l SessionStartLimit) ResetAfter() time.Duration {
	return time.Duration(l.ResetAfterMS) * time.Millisecond
}
