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
	limiter    Limiter

	clock Clock
	// maxRetryAfter is the longest the client waits on a 429; a longer
	// retry_after is returned as a *RateLimitError.
	maxRetryAfter time.Duration
	// limits configures the in-memory limiter made when WithLimiter gave
	// none.
	limits LimiterConfig
	keys   routeKeys
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

// WithLimiter replaces the in-memory rate limiter, for one shared by
// several processes (package ratelimittest checks one). The options that
// configure the in-memory limiter are then ignored.
func WithLimiter(l Limiter) Option { return func(c *Client) { c.limiter = l } }

// WithGlobalLimit sets the global limit the in-memory limiter keeps:
// requests per second (default 50; Discord raises it for large bots).
func WithGlobalLimit(perSecond int) Option {
	return func(c *Client) { c.limits.GlobalPerSecond = perSecond }
}

// WithMaxRetryAfter sets the longest the client waits for a rate limit,
// on a 429 or in the limiter (default DefaultMaxRetryAfter, a minute). A
// longer one is returned at once as a *RateLimitError naming the wait,
// rather than blocking the call: a server answering retry_after = 86400
// does not stall a bot for a day.
func WithMaxRetryAfter(d time.Duration) Option {
	return func(c *Client) { c.maxRetryAfter = d }
}

// WithInvalidRequestLimit sets the invalid-request ban the in-memory
// limiter keeps clear of (default 10,000 in 10 minutes): from 80% of it
// requests are spaced out, from 95% refused with *InvalidRequestsError.
func WithInvalidRequestLimit(n int, window time.Duration) Option {
	return func(c *Client) { c.limits.InvalidLimit, c.limits.InvalidWindow = n, window }
}

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
	if c.clock == nil {
		c.clock = SystemClock
	}
	if c.maxRetryAfter <= 0 {
		c.maxRetryAfter = DefaultMaxRetryAfter
	}
	if c.limiter == nil {
		cfg := c.limits
		cfg.Clock, cfg.Logger, cfg.MaxWait = c.clock, c.log, c.maxRetryAfter
		c.limiter = NewLimiter(cfg)
	}
	return c
}

// BaseURL returns the API base the client calls.
func (c *Client) BaseURL() string { return c.base }

// Do sends a request to a path below the base URL ("/channels/123"; a
// query may follow): body (if not nil) is sent as JSON, and a 2xx answer is
// decoded into out (if not nil). It waits for the rate limiter, retries
// 429s whose retry_after is within WithMaxRetryAfter, retries 5xx answers
// and network errors of idempotent methods (GET, PUT, PATCH, DELETE, and a
// create-message POST whose discord.MessageSend carries a Nonce with
// EnforceNonce) up to the retry limit, and returns *Error for other error
// answers, *RateLimitError for a rate limit it will not wait out and
// *InvalidRequestsError when sending could get the IP banned. The
// generated methods are Do with types.
func (c *Client) Do(ctx context.Context, method, path string, body, out any) error {
	return c.call(ctx, &request{method: method, path: path, body: body, idempotent: idempotentMethod(method)}, out)
}

// call carries out one request: encode, wait for the limiter, send, tell
// the limiter what came back, retry what may be retried, decode.
func (c *Client) call(ctx context.Context, r *request, out any) error {
	method := r.method
	shown := redactPath(r.path) // for errors and logs: no webhook or interaction token
	enc, err := r.encode()
	if err != nil {
		return fmt.Errorf("rest: encoding %s %s: %w", method, shown, err)
	}
	route := routeIn(&c.keys, method, r.path)
	retryable := mayRetry(r, route)
	for attempt := 0; ; attempt++ {
		p, err := c.limiter.Acquire(ctx, route)
		if err != nil {
			return c.named(err, method, shown)
		}
		resp, data, at, sent, err := c.exchange(ctx, r, shown, enc)
		ans := Answer{At: at, Sent: sent}
		var rl rateLimited
		if resp != nil {
			ans.Status = resp.StatusCode
			ans.Headers = parseHeaders(resp.Header)
			if resp.StatusCode == http.StatusTooManyRequests {
				rl = parse429(resp.Header, data)
				ans.RetryAfter, ans.Scope, ans.Global, ans.Edge = rl.retryAfter, rl.scope, rl.global, rl.edge
			}
		}
		c.limiter.Release(p, ans)
		switch {
		case err != nil:
			if ctx.Err() != nil || !retryable || attempt >= c.maxRetries || errors.Is(err, ErrAnswerTooLarge) {
				return err
			}
			if err := c.pause(ctx, attempt, "network error; retrying", method, shown, "error", err); err != nil {
				return err
			}
		case resp.StatusCode == http.StatusTooManyRequests:
			rle := &RateLimitError{Method: method, Path: shown, RetryAfter: rl.retryAfter, Global: rl.global, Scope: rl.scope, Answered: true}
			if rl.retryAfter > c.maxRetryAfter || attempt >= c.maxRetries {
				return rle
			}
			level := slog.LevelWarn
			if rl.scope == ScopeShared {
				level = slog.LevelDebug // Discord's own limit on a shared resource: not our fault
			}
			c.log.Log(ctx, level, "rate limited; retrying", "method", method, "path", shown,
				"retry_after", rl.retryAfter, "global", rl.global, "scope", rl.scope)
			// The limiter holds the bucket (or everything) for retry_after.
		case resp.StatusCode >= 500 && retryable && attempt < c.maxRetries:
			if err := c.pause(ctx, attempt, "server error; retrying", method, shown, "status", resp.StatusCode); err != nil {
				return err
			}
		case resp.StatusCode >= 300:
			e := &Error{Method: method, Path: shown, Status: resp.StatusCode}
			decodeError(e, data)
			return e
		default:
			if out != nil && len(data) > 0 {
				if err := json.Unmarshal(data, out); err != nil {
					return fmt.Errorf("rest: %s %s: decoding the answer: %w", method, shown, err)
				}
			}
			return nil
		}
	}
}

// pause waits out the back-off before retry attempt+1, logging why.
func (c *Client) pause(ctx context.Context, attempt int, msg, method, shown, key string, val any) error {
	wait := backoff(attempt)
	c.log.Warn(msg, "method", method, "path", shown, key, val, "wait", wait)
	t := c.clock.NewTimer(wait)
	defer t.Stop()
	select {
	case <-t.C():
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// named fills in the request of a limiter's error.
func (c *Client) named(err error, method, shown string) error {
	var rle *RateLimitError
	var ire *InvalidRequestsError
	switch {
	case errors.As(err, &rle):
		rle.Method, rle.Path = method, shown
	case errors.As(err, &ire):
		ire.Method, ire.Path = method, shown
	}
	return err
}

// exchange sends one request and reads its answer (at most 8 MiB). at is
// when the answer's headers arrived (or the request failed); sent is
// false when the request never left: its context had ended, or it could
// not be built.
func (c *Client) exchange(ctx context.Context, r *request, shown string, enc encoded) (resp *http.Response, data []byte, at time.Time, sent bool, err error) {
	if ctx.Err() != nil {
		return nil, nil, c.clock.Now(), false, ctx.Err()
	}
	resp, err = c.send(ctx, r, shown, enc)
	at = c.clock.Now()
	if err != nil {
		return nil, nil, at, !errors.Is(err, errNotBuilt), err
	}
	defer resp.Body.Close()
	data, err = io.ReadAll(io.LimitReader(resp.Body, maxAnswer+1))
	if err != nil {
		return nil, nil, at, true, fmt.Errorf("rest: %s %s: reading the answer: %w", r.method, shown, err)
	}
	if len(data) > maxAnswer {
		// Cut short, it would surface as a puzzling JSON error; the
		// request was carried out all the same, so the status still
		// reaches the limiter.
		return resp, nil, at, true, fmt.Errorf("rest: %s %s: %w (status %d)", r.method, shown, ErrAnswerTooLarge, resp.StatusCode)
	}
	return resp, data, at, true, nil
}

// maxAnswer bounds the answer body the client reads: Discord's largest
// answers (a page of 1,000 members, a guild with its roles and emojis)
// are well under 1 MiB.
const maxAnswer = 8 << 20

// ErrAnswerTooLarge is returned (wrapped) when an answer's body is over
// 8 MiB, which no Discord answer is: the server is not Discord, or broken.
var ErrAnswerTooLarge = errors.New("rest: answer body over 8 MiB")

// errNotBuilt marks a request that could not be built, and so was never
// sent.
var errNotBuilt = errors.New("request not built")

func (c *Client) send(ctx context.Context, r *request, shown string, enc encoded) (*http.Response, error) {
	method := r.method
	var body io.Reader
	if enc.payload != nil {
		body = bytes.NewReader(enc.payload)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+r.target(), body)
	if err != nil {
		return nil, fmt.Errorf("rest: %s %s: %w: %w", method, shown, errNotBuilt, err)
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
