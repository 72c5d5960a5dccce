// Package rest is an HTTP client for Discord's REST API with a rate limiter
// that keeps a bot out of 429s: it learns each route's bucket from the
// X-RateLimit headers, waits before a request that would exceed one, holds
// every request during a global limit, and retries a 429 after its
// retry_after.
package rest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/wirecord/wirecord/discord"
)

// DefaultBaseURL is Discord's API, version 10.
const DefaultBaseURL = "https://discord.com/api/v10"

// DefaultUserAgent follows Discord's required form (PROTOCOL.md §13).
const DefaultUserAgent = "DiscordBot (https://github.com/wirecord/wirecord, 0.1)"

// Client calls Discord's REST API. It is safe for concurrent use.
//
// The token is only ever placed in the Authorization header; it never
// appears in errors or logs.
type Client struct {
	token      discord.Token
	base       string
	http       *http.Client
	userAgent  string
	log        *slog.Logger
	maxRetries int
	limiter    *limiter
}

// Option configures a Client.
type Option func(*Client)

// WithBaseURL points the client at another Discord-compatible API, such as
// a discordtest server: "http://127.0.0.1:PORT/api/v10".
func WithBaseURL(u string) Option {
	return func(c *Client) { c.base = strings.TrimRight(u, "/") }
}

// WithHTTPClient sets the HTTP client (proxies, timeouts, transport).
func WithHTTPClient(h *http.Client) Option { return func(c *Client) { c.http = h } }

// WithUserAgent sets the User-Agent. Discord wants "DiscordBot (url,
// version)" at the start.
func WithUserAgent(ua string) Option { return func(c *Client) { c.userAgent = ua } }

// WithLogger sets where the client logs rate-limit waits and retries.
func WithLogger(l *slog.Logger) Option { return func(c *Client) { c.log = l } }

// WithMaxRetries bounds how often one request is retried after a 429 or a
// 5xx (default 3).
func WithMaxRetries(n int) Option { return func(c *Client) { c.maxRetries = n } }

// New returns a client for a bot token (without the "Bot " prefix).
func New(token string, opts ...Option) *Client {
	c := &Client{
		token:      discord.NewToken(token),
		base:       DefaultBaseURL,
		http:       &http.Client{Timeout: 30 * time.Second},
		userAgent:  DefaultUserAgent,
		log:        slog.New(slog.DiscardHandler),
		maxRetries: 3,
	}
	for _, o := range opts {
		o(c)
	}
	c.limiter = newLimiter(c.log)
	return c
}

// BaseURL returns the API base the client calls.
func (c *Client) BaseURL() string { return c.base }

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

// redactPath hides the token segment of webhook and interaction routes
// (/webhooks/{id}/{token}, /interactions/{id}/{token}): those tokens
// authorise whoever holds them, so they never reach an error or a log.
func redactPath(path string) string {
	for _, prefix := range []string{"/webhooks/", "/interactions/"} {
		rest, ok := strings.CutPrefix(path, prefix)
		if !ok {
			continue
		}
		id, tail, ok := strings.Cut(rest, "/")
		if !ok || tail == "" || !isID(id) {
			return path
		}
		end := strings.IndexAny(tail, "/?")
		if end < 0 {
			end = len(tail)
		}
		return prefix + id + "/{token}" + tail[end:]
	}
	return path
}

// ErrUnauthorized matches (errors.Is) a 401: a bad or reset token.
var ErrUnauthorized = errors.New("rest: unauthorized")

// Is makes errors.Is(err, ErrUnauthorized) true for a 401.
func (e *Error) Is(target error) bool {
	return target == ErrUnauthorized && e.Status == http.StatusUnauthorized
}

// RateLimitError is a 429 that outlasted the retries.
type RateLimitError struct {
	Method, Path string
	RetryAfter   time.Duration
	Global       bool
	Scope        string
}

// Error names the request, the scope and when to retry.
func (e *RateLimitError) Error() string {
	return fmt.Sprintf("rest: %s %s: rate limited (scope %q, global %v), retry after %v",
		e.Method, e.Path, e.Scope, e.Global, e.RetryAfter)
}

// Do sends a request to a path below the base URL ("/channels/123"; a
// query may follow): body (if not nil) is sent as JSON, and a 2xx answer is
// decoded into out (if not nil). It waits for the rate limiter, retries
// 429s, retries 5xx answers and network errors of idempotent methods (GET,
// PUT, PATCH, DELETE) up to the retry limit, and returns *Error for other
// error answers. The generated methods are Do with types.
func (c *Client) Do(ctx context.Context, method, path string, body, out any) error {
	return c.call(ctx, &request{method: method, path: path, body: body, idempotent: idempotentMethod(method)}, out)
}

// call carries out one request: encode, wait for the limiter, send, learn
// from the answer, retry what may be retried, decode.
func (c *Client) call(ctx context.Context, r *request, out any) error {
	method := r.method
	shown := redactPath(r.path) // for errors and logs: no webhook or interaction token
	enc, err := r.encode()
	if err != nil {
		return fmt.Errorf("rest: encoding %s %s: %w", method, shown, err)
	}
	key := routeKey(method, r.path)
	for attempt := 0; ; attempt++ {
		if err := c.limiter.wait(ctx, key); err != nil {
			return err
		}
		resp, data, err := c.exchange(ctx, r, shown, enc)
		var rl rateLimited
		if err == nil {
			now := time.Now()
			c.limiter.update(key, resp.Header, now)
			if resp.StatusCode == http.StatusTooManyRequests {
				rl = parse429(resp.Header, data)
				c.limiter.limited(key, rl, now)
			}
		}
		c.limiter.settle(key)
		if err != nil {
			return err
		}
		switch {
		case resp.StatusCode == http.StatusTooManyRequests:
			if attempt >= c.maxRetries {
				return &RateLimitError{Method: method, Path: shown, RetryAfter: rl.retryAfter, Global: rl.global, Scope: rl.scope}
			}
			c.log.Warn("rate limited; retrying", "method", method, "path", shown,
				"retry_after", rl.retryAfter, "global", rl.global, "scope", rl.scope)
			continue
		case resp.StatusCode >= 500 && r.idempotent && attempt < c.maxRetries:
			wait := time.Duration(attempt+1) * 500 * time.Millisecond
			c.log.Warn("server error; retrying", "method", method, "path", shown, "status", resp.StatusCode, "wait", wait)
			select {
			case <-time.After(wait):
			case <-ctx.Done():
				return ctx.Err()
			}
			continue
		case resp.StatusCode >= 300:
			e := &Error{Method: method, Path: shown, Status: resp.StatusCode}
			var body struct {
				Code    int             `json:"code"`
				Message string          `json:"message"`
				Errors  json.RawMessage `json:"errors"`
			}
			if json.Unmarshal(data, &body) == nil {
				e.Code, e.Message, e.Errors = body.Code, body.Message, body.Errors
			}
			return e
		}
		if out != nil && len(data) > 0 {
			if err := json.Unmarshal(data, out); err != nil {
				return fmt.Errorf("rest: %s %s: decoding the answer: %w", method, shown, err)
			}
		}
		return nil
	}
}

// exchange sends one request and reads its answer (at most 8 MiB).
func (c *Client) exchange(ctx context.Context, r *request, shown string, enc encoded) (*http.Response, []byte, error) {
	method := r.method
	resp, err := c.send(ctx, r, shown, enc)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return nil, nil, fmt.Errorf("rest: %s %s: reading the answer: %w", method, shown, err)
	}
	return resp, data, nil
}

func (c *Client) send(ctx context.Context, r *request, shown string, enc encoded) (*http.Response, error) {
	method := r.method
	var body io.Reader
	if enc.payload != nil {
		body = bytes.NewReader(enc.payload)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+r.target(), body)
	if err != nil {
		return nil, fmt.Errorf("rest: %s %s: %w", method, shown, err)
	}
	if !c.token.IsZero() && !r.noAuth {
		req.Header.Set("Authorization", "Bot "+c.token.Reveal())
	}
	req.Header.Set("User-Agent", c.userAgent)
	r.header(req.Header, enc)
	resp, err := c.http.Do(req)
	if err != nil {
		// net/http errors carry the URL, never the headers: the bot
		// token stays out of them; a webhook or interaction token in the
		// path is taken out here.
		var ue *url.Error
		if errors.As(err, &ue) {
			ue.URL = c.base + shown
		}
		return nil, fmt.Errorf("rest: %s %s: %w", method, shown, err)
	}
	return resp, nil
}
