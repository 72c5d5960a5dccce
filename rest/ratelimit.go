package rest

import (
	"context"
	"encoding/json"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// limiter keeps requests inside Discord's limits (PROTOCOL.md §13):
//   - per bucket: a route (method and path, with the major parameter kept
//     and other ids folded) maps to the bucket hash Discord names in
//     X-RateLimit-Bucket; routes sharing a hash share its budget;
//   - globally: a 429 with global=true holds every request until it ends;
//   - and 50 requests per second in all, the documented global limit.
type limiter struct {
	log *slog.Logger

	mu          sync.Mutex
	routes      map[string]string  // route key -> bucket hash
	buckets     map[string]*bucket // bucket hash + major parameter -> state
	globalUntil time.Time
	// sent holds the times of recent requests for the 50/s global limit.
	sent []time.Time
	// discovering holds, for each route not yet seen answered, a channel
	// closed when the one request let through comes back: until a route's
	// bucket is known, its requests go one at a time, so a burst on a new
	// channel cannot overrun a limit nobody has read yet.
	discovering map[string]chan struct{}
}

type bucket struct {
	limit     int // X-RateLimit-Limit; 0 when not known
	remaining int
	resetAt   time.Time
}

// refill starts the bucket's next window once its reset time has passed:
// the budget is the limit again, spent locally until a response says
// otherwise. Without it, callers waiting for the reset would all go at
// once.
func (b *bucket) refill(now time.Time) {
	if b.limit > 0 && b.remaining <= 0 && !now.Before(b.resetAt) {
		b.remaining = b.limit
		// Until a response names the new reset time, assume the window
		// is at least a second.
		b.resetAt = now.Add(time.Second)
	}
}

// globalPerSecond is Discord's documented global limit.
const globalPerSecond = 50

func newLimiter(log *slog.Logger) *limiter {
	return &limiter{log: log, routes: map[string]string{}, buckets: map[string]*bucket{},
		discovering: map[string]chan struct{}{}}
}

// routeKey names the rate-limit route of a request: the method and path
// with ids replaced by placeholders, except the major parameter (the id
// after /channels/, /guilds/ or /webhooks/, plus a webhook token), which
// keeps its value because limits are counted per major resource.
func routeKey(method, path string) string {
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	parts := strings.Split(strings.Trim(path, "/"), "/")
	for i := 1; i < len(parts); i++ {
		major := i == 1 && (parts[0] == "channels" || parts[0] == "guilds" || parts[0] == "webhooks")
		if isID(parts[i]) && !major {
			parts[i] = ":id"
		}
	}
	// Reactions: the emoji segment is a parameter too.
	for i := 0; i+1 < len(parts); i++ {
		if parts[i] == "reactions" {
			parts[i+1] = ":emoji"
			if i+2 < len(parts) && parts[i+2] != "@me" {
				parts[i+2] = ":user"
			}
			break
		}
	}
	return method + " /" + strings.Join(parts, "/")
}

func isID(s string) bool {
	if len(s) == 0 || len(s) > 20 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// majorOf returns the major-parameter part of a route key, so that routes
// sharing a bucket hash still count separately per channel or guild.
func majorOf(key string) string {
	parts := strings.Split(key, "/")
	if len(parts) >= 3 {
		switch parts[1] {
		case "channels", "guilds":
			return parts[2]
		case "webhooks":
			if len(parts) >= 4 {
				return parts[2] + "/" + parts[3]
			}
			return parts[2]
		}
	}
	return ""
}

// wait blocks until a request on route key may be sent. After a nil
// return the caller must call settle(key) once the answer is in (or the
// request failed).
func (l *limiter) wait(ctx context.Context, key string) error {
	discoverer := false
	for {
		now := time.Now()
		l.mu.Lock()
		if _, known := l.routes[key]; !known && !discoverer {
			if ch := l.discovering[key]; ch != nil {
				l.mu.Unlock()
				select {
				case <-ch:
					continue
				case <-ctx.Done():
					return ctx.Err()
				}
			}
			l.discovering[key] = make(chan struct{})
			discoverer = true
		}
		wait := time.Duration(0)
		if now.Before(l.globalUntil) {
			wait = l.globalUntil.Sub(now)
		}
		if hash, ok := l.routes[key]; ok && wait == 0 {
			if b := l.buckets[hash+"|"+majorOf(key)]; b != nil {
				b.refill(now)
				if b.remaining <= 0 && now.Before(b.resetAt) {
					wait = b.resetAt.Sub(now)
				}
			}
		}
		exempt := globalExempt(key)
		if wait == 0 && !exempt {
			// The global 50/s: the oldest of the last 50 sends must be
			// more than a second ago.
			cut := 0
			for cut < len(l.sent) && now.Sub(l.sent[cut]) >= time.Second {
				cut++
			}
			l.sent = l.sent[cut:]
			if len(l.sent) >= globalPerSecond {
				wait = l.sent[0].Add(time.Second).Sub(now)
			}
		}
		if wait == 0 {
			if !exempt {
				l.sent = append(l.sent, now)
			}
			if hash, ok := l.routes[key]; ok {
				if b := l.buckets[hash+"|"+majorOf(key)]; b != nil && b.remaining > 0 {
					// Spend it now, so concurrent callers see it.
					b.remaining--
				}
			}
			l.mu.Unlock()
			return nil
		}
		l.mu.Unlock()
		l.log.Debug("rate limit wait", "route", redactKey(key), "wait", wait)
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			if discoverer {
				l.settle(key)
			}
			return ctx.Err()
		}
	}
}

// globalExempt reports whether a route is outside the 50/s global limit:
// interaction endpoints are (PROTOCOL.md §13). Those are the callback
// (/interactions/{id}/{token}/...) and the follow-ups, which live under
// /webhooks/{application_id}/{interaction_token}; a plain webhook called
// with its token shares that shape and is let through too, being limited
// by its own bucket.
func globalExempt(key string) bool {
	_, path, _ := strings.Cut(key, " ")
	if strings.HasPrefix(path, "/interactions/") {
		return true
	}
	parts := strings.SplitN(strings.TrimPrefix(path, "/"), "/", 4)
	return len(parts) >= 3 && parts[0] == "webhooks" && parts[2] != ""
}

// settle ends a request let through by wait: if it was the first on its
// route, the requests waiting behind it go on (one of them becomes the
// next discoverer if this one learnt nothing).
func (l *limiter) settle(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if ch := l.discovering[key]; ch != nil {
		close(ch)
		delete(l.discovering, key)
	}
}

// update learns from a response's X-RateLimit headers.
func (l *limiter) update(key string, h http.Header, now time.Time) {
	hash := h.Get("X-RateLimit-Bucket")
	limit, _ := strconv.Atoi(h.Get("X-RateLimit-Limit"))
	remaining, err1 := strconv.Atoi(h.Get("X-RateLimit-Remaining"))
	resetAfter, err2 := strconv.ParseFloat(h.Get("X-RateLimit-Reset-After"), 64)
	l.mu.Lock()
	defer l.mu.Unlock()
	if hash == "" || err1 != nil || err2 != nil {
		// An answer without a usable bucket: the route is known to have
		// none (its requests need not go one at a time), unless an
		// earlier answer named one.
		if _, ok := l.routes[key]; !ok {
			l.routes[key] = ""
		}
		return
	}
	l.routes[key] = hash
	id := hash + "|" + majorOf(key)
	b := l.buckets[id]
	if b == nil {
		b = &bucket{}
		l.buckets[id] = b
	}
	b.limit = limit
	reset := now.Add(seconds(resetAfter))
	// Answers can arrive out of order: within one window, the lowest
	// remaining count is the truest.
	if reset.Sub(b.resetAt) > 50*time.Millisecond || remaining < b.remaining {
		b.remaining = remaining
	}
	b.resetAt = reset
}

// rateLimited is what a 429 said.
type rateLimited struct {
	retryAfter time.Duration
	global     bool
	scope      string
}

func parse429(h http.Header, body []byte) rateLimited {
	rl := rateLimited{scope: h.Get("X-RateLimit-Scope"), global: h.Get("X-RateLimit-Global") == "true"}
	var b struct {
		RetryAfter float64 `json:"retry_after"`
		Global     bool    `json:"global"`
	}
	if json.Unmarshal(body, &b) == nil && b.RetryAfter > 0 {
		rl.retryAfter = seconds(b.RetryAfter)
		rl.global = rl.global || b.Global
	} else if s, err := strconv.ParseFloat(h.Get("Retry-After"), 64); err == nil {
		rl.retryAfter = seconds(s)
	}
	if rl.retryAfter <= 0 {
		rl.retryAfter = time.Second
	}
	return rl
}

// limited records a 429: the global hold, or the bucket's exhaustion.
func (l *limiter) limited(key string, rl rateLimited, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	until := now.Add(rl.retryAfter)
	if rl.global {
		if until.After(l.globalUntil) {
			l.globalUntil = until
		}
		return
	}
	hash, ok := l.routes[key]
	if !ok {
		hash = "route:" + key
		l.routes[key] = hash
	}
	id := hash + "|" + majorOf(key)
	b := l.buckets[id]
	if b == nil {
		b = &bucket{}
		l.buckets[id] = b
	}
	b.remaining = 0
	if until.After(b.resetAt) {
		b.resetAt = until
	}
}

func seconds(s float64) time.Duration {
	if s <= 0 || math.IsNaN(s) || math.IsInf(s, 0) {
		return 0
	}
	return time.Duration(s * float64(time.Second))
}

// redactKey is a route key fit for a log: without a webhook's token.
func redactKey(key string) string {
	method, path, _ := strings.Cut(key, " ")
	return method + " " + redactPath(path)
}
