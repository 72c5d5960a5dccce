package discord

import (
	"encoding/json"
	"fmt"
	"time"
)

// Ready is the first dispatch of a new session (PROTOCOL.md §6). Guilds
// start unavailable; each arrives later as GUILD_CREATE. Discord warns
// that READY carries undocumented fields; they are dropped.
type Ready struct {
	V                int                `json:"v"`
	User             User               `json:"user"`
	Guilds           []UnavailableGuild `json:"guilds"`
	SessionID        string             `json:"session_id"`
	ResumeGatewayURL string             `json:"resume_gateway_url"`
	Shard            *[2]int            `json:"shard,omitempty"`
	Application      Application        `json:"application"` // id and flags only
}

// EventName returns EventReady.
func (Ready) EventName() string { return EventReady }

// Resumed ends the replay of missed events after a RESUME. Its d is not
// documented.
type Resumed struct{}

// EventName returns EventResumed.
func (Resumed) EventName() string { return EventResumed }

// RateLimited says a gateway command was rate limited and not carried out
// (PROTOCOL.md §7). Meta depends on Opcode; for REQUEST_GUILD_MEMBERS read
// it with GuildMembersMeta.
type RateLimited struct {
	Opcode     Opcode          `json:"opcode"`
	RetryAfter float64         `json:"retry_after"` // seconds
	Meta       json.RawMessage `json:"meta"`
}

// EventName returns EventRateLimited.
func (RateLimited) EventName() string { return EventRateLimited }

// RetryAfterDuration is RetryAfter as a time.Duration.
func (r *RateLimited) RetryAfterDuration() time.Duration {
	return time.Duration(r.RetryAfter * float64(time.Second))
}

// GuildMembersRateLimit is the meta of a rate-limited
// REQUEST_GUILD_MEMBERS: the guild asked for and the request's nonce.
type GuildMembersRateLimit struct {
	GuildID GuildID `json:"guild_id"`
	Nonce   string  `json:"nonce,omitempty"`
}

// GuildMembersMeta decodes Meta for a rate-limited REQUEST_GUILD_MEMBERS
// (Opcode 8).
func (r *RateLimited) GuildMembersMeta() (GuildMembersRateLimit, error) {
	var m GuildMembersRateLimit
	if r.Opcode != OpRequestGuildMembers {
		return m, fmt.Errorf("discord: rate limit meta is for %s, not %s", r.Opcode, OpRequestGuildMembers)
	}
	if err := json.Unmarshal(r.Meta, &m); err != nil {
		return m, fmt.Errorf("discord: decoding rate limit meta: %w", err)
	}
	return m, nil
}

// GuildID returns the guild_id of Meta, or zero when there is none.
func (r *RateLimited) GuildID() GuildID {
	var m GuildMembersRateLimit
	json.Unmarshal(r.Meta, &m)
	return m.GuildID
}

// Nonce returns the nonce of Meta, or "" when there is none.
func (r *RateLimited) Nonce() string {
	var m GuildMembersRateLimit
	json.Unmarshal(r.Meta, &m)
	return m.Nonce
}
