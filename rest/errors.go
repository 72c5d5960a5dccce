package rest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// Error is an error answer from Discord: the HTTP status and Discord's JSON
// error body (PROTOCOL.md §13).
type Error struct {
	Method, Path string
	Status       int
	// Code is Discord's JSON error code (10003 unknown channel, 50013
	// missing permissions, ...); 0 when the body had none.
	Code    int
	Message string
	// Errors holds the nested field errors of a 400, raw.
	Errors json.RawMessage
}

// Error names the request, the status, Discord's message and code, and
// for 401 and 403 what to check.
func (e *Error) Error() string {
	msg := fmt.Sprintf("rest: %s %s: %d", e.Method, e.Path, e.Status)
	if e.Message != "" {
		msg += " " + e.Message
	}
	if e.Code != 0 {
		msg += " (code " + strconv.Itoa(e.Code) + ")"
	}
	switch e.Status {
	case http.StatusUnauthorized:
		msg += ": check the bot token"
	case http.StatusForbidden:
		msg += ": the bot lacks a permission for this"
	}
	return msg
}

// ErrUnauthorized matches (errors.Is) a 401: a bad or reset token.
var ErrUnauthorized = errors.New("rest: unauthorized")

// Is makes errors.Is(err, ErrUnauthorized) true for a 401.
func (e *Error) Is(target error) bool {
	return target == ErrUnauthorized && e.Status == http.StatusUnauthorized
}

// RateLimitError says a request was not sent, or not retried, because of
// a rate limit: a 429 that outlasted the retries, a 429 whose retry_after
// is longer than the client waits (WithMaxRetryAfter), or a bucket or
// global wait that would be that long. RetryAfter is how long Discord
// (or the limiter) asks to wait; the caller may try again after it.
type RateLimitError struct {
	Method, Path string
	RetryAfter   time.Duration
	Global       bool
	// Scope is the 429's scope (user, global, shared), or "bucket" when
	// the limiter refused to wait for a bucket.
	Scope string
	// Answered is true when Discord answered 429 (the request was sent);
	// false when the limiter refused to wait before sending.
	Answered bool
}

// Error names the request, the scope and when to retry.
func (e *RateLimitError) Error() string {
	what := "rate limited"
	if !e.Answered {
		what = "not sent: the rate limit wait is longer than the client waits"
	}
	return fmt.Sprintf("rest: %s %s: %s (scope %s, global %v), retry after %v",
		e.Method, e.Path, what, e.Scope, e.Global, e.RetryAfter)
}

// InvalidRequestsError says a request was refused before it was sent
// because too many recent answers were invalid (401, 403, 429): Cloudflare
// bans an IP at 10,000 in 10 minutes. Check the token and permissions;
// requests go again after RetryAfter.
type InvalidRequestsError struct {
	Method, Path string
	Count, Limit int
	Window       time.Duration
	RetryAfter   time.Duration
}

// Error says how many invalid answers were counted and when to retry.
func (e *InvalidRequestsError) Error() string {
	return fmt.Sprintf("rest: %s %s: refused: %d invalid answers (401, 403, 429) in %v, the ban is at %d; check the token and permissions, retry after %v",
		e.Method, e.Path, e.Count, e.Window, e.Limit, e.RetryAfter)
}
