package rest

import (
	"encoding/json"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Headers is what an answer's X-RateLimit-* headers said about its bucket.
// Bucket is empty when the answer named no usable bucket.
type Headers struct {
	Bucket     string        // X-RateLimit-Bucket: an opaque hash
	Limit      int           // X-RateLimit-Limit
	Remaining  int           // X-RateLimit-Remaining
	ResetAfter time.Duration // X-RateLimit-Reset-After
}

// The ranges a server's values are held to; the table in the package doc
// says what a real Discord sends and why these bounds.
const (
	maxBucketHash = 128
	maxLimit      = 100000
	// maxPause bounds any reset or retry_after the limiter records: a
	// longer one is recorded as this long (and is far beyond MaxWait, so a
	// caller sees a *RateLimitError, not a wait).
	maxPause = 24 * time.Hour
	// defaultRetryAfter is used for a 429 that says nothing usable.
	defaultRetryAfter = time.Second
)

// Canonical header keys, so that reading them allocates nothing.
const (
	hdrBucket     = "X-Ratelimit-Bucket"
	hdrLimit      = "X-Ratelimit-Limit"
	hdrRemaining  = "X-Ratelimit-Remaining"
	hdrResetAfter = "X-Ratelimit-Reset-After"
	hdrGlobal     = "X-Ratelimit-Global"
	hdrScope      = "X-Ratelimit-Scope"
	hdrRetryAfter = "Retry-After"
)

func first(h http.Header, key string) string {
	if v := h[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// parseHeaders reads the bucket headers. All four must be present and
// sane, or the answer is taken to name no bucket: a limit outside
// 1..100000, a reset-after that is negative or not a number, or a hash
// longer than 128 bytes. A remaining count outside 0..limit is clamped,
// and a reset-after beyond 24 hours is taken as 24 hours.
func parseHeaders(h http.Header) Headers {
	hash := first(h, hdrBucket)
	if hash == "" || len(hash) > maxBucketHash {
		return Headers{}
	}
	limit, err := strconv.Atoi(first(h, hdrLimit))
	if err != nil || limit < 1 || limit > maxLimit {
		return Headers{}
	}
	remaining, err := strconv.Atoi(first(h, hdrRemaining))
	if err != nil {
		return Headers{}
	}
	remaining = min(max(remaining, 0), limit)
	reset, ok := parseSeconds(first(h, hdrResetAfter))
	if !ok {
		return Headers{}
	}
	return Headers{Bucket: hash, Limit: limit, Remaining: remaining, ResetAfter: reset}
}

// parseSeconds reads a non-negative number of seconds, with decimals,
// bounded by maxPause.
func parseSeconds(s string) (time.Duration, bool) {
	if s == "" {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, false
	}
	return secondsOf(f)
}

// secondsOf is f seconds, bounded by maxPause; false for a negative
// number or NaN.
func secondsOf(f float64) (time.Duration, bool) {
	if math.IsNaN(f) || f < 0 {
		return 0, false
	}
	if f >= maxPause.Seconds() {
		return maxPause, true
	}
	return time.Duration(f * float64(time.Second)), true
}

// rateLimited is what a 429 said.
type rateLimited struct {
	retryAfter time.Duration
	global     bool
	scope      string
	// edge: the 429 came from in front of the API (Cloudflare), which
	// holds the whole IP.
	edge bool
}

// parse429 reads a 429: retry_after from the JSON body (seconds, with
// decimals), else the Retry-After header, else one second; the scope from
// X-RateLimit-Scope; global from the header or the body. A scope other
// than user, global and shared is taken as user (it counts as invalid,
// the careful reading). A 429 with neither a JSON body nor a scope comes
// from in front of the API (Cloudflare) and is taken as global: it holds
// every request.
func parse429(h http.Header, body []byte) rateLimited {
	rl := rateLimited{scope: first(h, hdrScope), global: first(h, hdrGlobal) == "true"}
	var b struct {
		RetryAfter *float64 `json:"retry_after"`
		Global     bool     `json:"global"`
	}
	jsonBody := json.Unmarshal(body, &b) == nil
	if jsonBody && b.RetryAfter != nil {
		rl.retryAfter, _ = secondsOf(*b.RetryAfter)
		rl.global = rl.global || b.Global
	}
	if rl.retryAfter <= 0 {
		if d, ok := parseSeconds(first(h, hdrRetryAfter)); ok {
			rl.retryAfter = d
		}
	}
	if rl.retryAfter <= 0 {
		rl.retryAfter = defaultRetryAfter
	}
	switch rl.scope {
	case ScopeUser, ScopeShared:
	case ScopeGlobal:
		rl.global = true
	case "":
		if !jsonBody {
			rl.global, rl.edge = true, true
		}
		rl.scope = ScopeUser
		if rl.global {
			rl.scope = ScopeGlobal
		}
	default:
		rl.scope = ScopeUser
	}
	if rl.global {
		rl.scope = ScopeGlobal
	}
	return rl
}

// maxErrorMessage bounds the message kept from an error body.
const maxErrorMessage = 2000

// decodeError fills e from Discord's error body ({code, message,
// errors}). A body that is not that JSON leaves Code 0 and Message empty;
// a message longer than 2000 bytes is cut.
func decodeError(e *Error, data []byte) {
	var body struct {
		Code    json.Number     `json:"code"`
		Message string          `json:"message"`
		Errors  json.RawMessage `json:"errors"`
	}
	if json.Unmarshal(data, &body) != nil {
		return
	}
	if n, err := strconv.ParseInt(string(body.Code), 10, 32); err == nil {
		e.Code = int(n)
	}
	e.Message = body.Message
	if len(e.Message) > maxErrorMessage {
		e.Message = strings.ToValidUTF8(e.Message[:maxErrorMessage], "") + "..."
	}
	if len(body.Errors) > 0 && string(body.Errors) != "null" {
		e.Errors = body.Errors
	}
}
