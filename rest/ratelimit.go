package rest

import (
	"context"
	"log/slog"
	"time"
)

// Limiter keeps requests within Discord's rate limits (PROTOCOL.md §13).
// The client asks it before every request and tells it what became of
// each one; everything it knows (buckets, the global window, the
// invalid-request count) lives behind these two methods, so an
// implementation may keep it elsewhere, shared by several processes that
// use one bot token or one IP. NewLimiter returns the in-memory one;
// package ratelimittest checks any implementation against the rules.
type Limiter interface {
	// Acquire blocks until a request on route may be sent, and returns
	// its permit. It returns ctx's error when ctx ends first, a
	// *RateLimitError when the wait would be longer than the limiter
	// allows, and an *InvalidRequestsError when sending could get the IP
	// banned.
	Acquire(ctx context.Context, route Route) (Permit, error)
	// Release reports what became of a permitted request. It is called
	// exactly once for every permit Acquire returned.
	Release(p Permit, a Answer)
}

// Permit is a limiter's leave to send one request. The client hands it
// back to Release unchanged.
type Permit struct {
	Route Route
	// Ref and Seq are the implementation's own: which bucket and window
	// the permit was drawn from.
	Ref any
	Seq uint64
}

// Answer is what became of a permitted request.
type Answer struct {
	// At is when the answer arrived, or when the request failed.
	At time.Time
	// Sent is false when the request never left (its context ended, or
	// it could not be built): its permit is given back whole.
	Sent bool
	// Status is the HTTP status; 0 when no answer came (a network error).
	Status int
	// Headers are the answer's X-RateLimit-* headers, parsed.
	Headers Headers
	// For a 429: what its body and headers said.
	RetryAfter time.Duration
	Scope      string // "user", "global" or "shared"
	Global     bool
	// Edge marks a 429 from in front of the API (Cloudflare's, with
	// neither a JSON body nor a scope): it holds every request from the
	// IP, interaction routes included.
	Edge bool
}

// Invalid reports whether Discord counts the answer toward the
// invalid-request ban: 401, 403 and 429, except a 429 of scope "shared"
// (PROTOCOL.md §13).
func (a Answer) Invalid() bool {
	switch a.Status {
	case 401, 403:
		return true
	case 429:
		return a.Scope != ScopeShared
	}
	return false
}

// The scopes of a 429 (X-RateLimit-Scope).
const (
	ScopeUser   = "user"
	ScopeGlobal = "global"
	ScopeShared = "shared"
)

// LimiterConfig configures NewLimiter. The zero value has Discord's
// limits.
type LimiterConfig struct {
	// GlobalPerSecond is the global limit (default 50). Discord raises it
	// for large bots on request.
	GlobalPerSecond int
	// MaxWait is the longest Acquire waits for a bucket or the global
	// limit; a longer wait is a *RateLimitError at once (default
	// DefaultMaxRetryAfter).
	MaxWait time.Duration
	// InvalidLimit and InvalidWindow are Cloudflare's ban threshold:
	// default 10,000 invalid requests in 10 minutes. From 80% of it the
	// limiter spaces requests out; from 95% it refuses them with an
	// *InvalidRequestsError until old ones age out of the window.
	InvalidLimit  int
	InvalidWindow time.Duration
	// Clock is the time source (default the system clock).
	Clock Clock
	// Logger receives waits at Debug and pauses at Warn.
	Logger *slog.Logger
}

// Discord's limits (PROTOCOL.md §13).
const (
	DefaultGlobalPerSecond = 50
	DefaultInvalidLimit    = 10000
	DefaultInvalidWindow   = 10 * time.Minute
	// DefaultMaxRetryAfter is the longest the client waits on a 429 or a
	// bucket before it returns a *RateLimitError instead.
	DefaultMaxRetryAfter = time.Minute
)

func (c *LimiterConfig) defaults() {
	if c.GlobalPerSecond <= 0 {
		c.GlobalPerSecond = DefaultGlobalPerSecond
	}
	if c.MaxWait <= 0 {
		c.MaxWait = DefaultMaxRetryAfter
	}
	if c.InvalidLimit <= 0 {
		c.InvalidLimit = DefaultInvalidLimit
	}
	if c.InvalidWindow <= 0 {
		c.InvalidWindow = DefaultInvalidWindow
	}
	if c.Clock == nil {
		c.Clock = SystemClock
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
}
