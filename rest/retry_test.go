package rest_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wirecord/wirecord/discord"
	"github.com/wirecord/wirecord/discordtest"
	"github.com/wirecord/wirecord/rest"
	"github.com/wirecord/wirecord/rest/ratelimittest"
)

// scripted serves answers from a function of the request number, on
// loopback, and counts the requests.
func scripted(t *testing.T, answer func(n int, w http.ResponseWriter, r *http.Request)) (*httptest.Server, *atomic.Int32) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		answer(int(n.Add(1)), w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

// A 429 asking for a day is returned at once as a *RateLimitError with
// the day, not waited out and retried (issue 13).
func TestADayLongRetryAfterIsARateLimitErrorNotAWait(t *testing.T) {
	srv, n := scripted(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-RateLimit-Scope", "user")
		w.WriteHeader(http.StatusTooManyRequests)
		fmt.Fprint(w, `{"message":"You are being rate limited.","retry_after":86400,"global":false}`)
	})
	for _, tc := range []struct {
		name     string
		opts     []rest.Option
		wantWait time.Duration
	}{
		{"default cap", nil, 24 * time.Hour},
		{"a cap of a second", []rest.Option{rest.WithMaxRetryAfter(time.Second)}, 24 * time.Hour},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n.Store(0)
			c := rest.New("tok", append([]rest.Option{rest.WithBaseURL(srv.URL)}, tc.opts...)...)
			start := time.Now()
			_, err := c.GetMyUser(ctx(t))
			var rle *rest.RateLimitError
			if !errors.As(err, &rle) || rle.RetryAfter != tc.wantWait || !rle.Answered || rle.Scope != rest.ScopeUser {
				t.Fatalf("err = %v, want a *rest.RateLimitError with retry after %v", err, tc.wantWait)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("the call took %v", d)
			}
			if got := n.Load(); got != 1 {
				t.Errorf("%d requests, want 1: a day-long retry_after is not retried", got)
			}
			// The bucket is held: the next call is refused before sending.
			_, err = c.GetMyUser(ctx(t))
			if !errors.As(err, &rle) || rle.Answered || rle.RetryAfter < 23*time.Hour {
				t.Fatalf("second call: %v, want a *rest.RateLimitError from the limiter", err)
			}
			if got := n.Load(); got != 1 {
				t.Errorf("%d requests: the held bucket sent again", got)
			}
		})
	}
}

// A 429 within the cap is waited out for its retry_after and retried.
func TestAShortRetryAfterIsWaitedOutAndRetried(t *testing.T) {
	srv, n := scripted(t, func(i int, w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if i == 1 {
			w.Header().Set("X-RateLimit-Scope", "shared")
			w.WriteHeader(http.StatusTooManyRequests)
			fmt.Fprint(w, `{"message":"The resource is being rate limited.","retry_after":0.2,"global":false}`)
			return
		}
		fmt.Fprint(w, `{"id":"1","username":"bot"}`)
	})
	c := rest.New("tok", rest.WithBaseURL(srv.URL))
	start := time.Now()
	if _, err := c.GetMyUser(ctx(t)); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 200*time.Millisecond {
		t.Errorf("retried after %v, before retry_after", d)
	}
	if n.Load() != 2 {
		t.Errorf("%d requests, want 2", n.Load())
	}
}

// 5xx answers are retried for idempotent requests, and for a
// create-message POST only when it carries a nonce with enforce_nonce.
func TestOnlyIdempotentRequestsAndEnforcedNoncesAreRetriedAfter5xx(t *testing.T) {
	for _, tc := range []struct {
		name  string
		call  func(c *rest.Client) error
		tries int32
	}{
		{"GET", func(c *rest.Client) error { return c.Do(ctx(t), "GET", "/channels/1", nil, nil) }, 2},
		{"PATCH", func(c *rest.Client) error { return c.Do(ctx(t), "PATCH", "/channels/1", map[string]string{}, nil) }, 2},
		{"create message with an enforced nonce", func(c *rest.Client) error {
			_, err := c.CreateMessage(ctx(t), 1, discord.MessageSend{Content: "x", Nonce: "n1", EnforceNonce: true}, rest.CreateMessageOptions{})
			return err
		}, 2},
		{"create message with a nonce not enforced", func(c *rest.Client) error {
			_, err := c.CreateMessage(ctx(t), 1, discord.MessageSend{Content: "x", Nonce: "n1"}, rest.CreateMessageOptions{})
			return err
		}, 1},
		{"create message without a nonce", func(c *rest.Client) error {
			_, err := c.CreateMessage(ctx(t), 1, discord.MessageSend{Content: "x", EnforceNonce: true}, rest.CreateMessageOptions{})
			return err
		}, 1},
		{"another POST", func(c *rest.Client) error {
			return c.Do(ctx(t), "POST", "/users/@me/channels", map[string]string{}, nil)
		}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, n := scripted(t, func(i int, w http.ResponseWriter, _ *http.Request) {
				if i == 1 {
					w.WriteHeader(http.StatusBadGateway)
					return
				}
				w.Header().Set("Content-Type", "application/json")
				fmt.Fprint(w, `{}`)
			})
			c := rest.New("tok", rest.WithBaseURL(srv.URL))
			err := tc.call(c)
			if got := n.Load(); got != tc.tries {
				t.Errorf("%d requests, want %d", got, tc.tries)
			}
			var re *rest.Error
			if tc.tries == 1 && (!errors.As(err, &re) || re.Status != 502) {
				t.Errorf("err = %v, want the 502", err)
			}
			if tc.tries == 2 && err != nil {
				t.Errorf("err = %v after a retry", err)
			}
		})
	}
}

// The client counts invalid answers and refuses before Cloudflare's ban:
// the fake, with the same threshold, never bans it.
func TestTheClientRefusesBeforeTheInvalidRequestBan(t *testing.T) {
	const limit = 20
	s := discordtest.NewServer(discordtest.WithInvalidRequestBan(limit, time.Hour, time.Hour))
	defer s.Close()
	clock := ratelimittest.NewFakeClock(time.Now())
	// From 16 invalid answers requests are spaced 20 s apart, so that the
	// 3 left before refusal last the minute.
	lim := rest.NewLimiter(rest.LimiterConfig{Clock: clock, InvalidLimit: limit, InvalidWindow: time.Minute})
	c := rest.New("not-the-token", rest.WithBaseURL(s.APIURL), rest.WithLimiter(lim))
	var err error
	for i := 0; i < 2*limit; i++ {
		done := make(chan error, 1)
		go func() { _, err := c.GetMyUser(ctx(t)); done <- err }()
		select {
		case err = <-done:
		case <-waitTimers(t, clock):
			// Slowed: move the clock past the spacing.
			clock.Advance(20 * time.Second)
			err = <-done
		}
		if !errors.Is(err, rest.ErrUnauthorized) {
			break
		}
	}
	var ire *rest.InvalidRequestsError
	if !errors.As(err, &ire) || ire.Limit != limit || ire.Path != "/users/@me" {
		t.Fatalf("err = %v, want a *rest.InvalidRequestsError", err)
	}
	if s.Banned() || s.InvalidRequests() >= limit {
		t.Errorf("the fake banned the client (%d invalid requests)", s.InvalidRequests())
	}
	t.Logf("refused after %d invalid answers: %v", s.InvalidRequests(), err)
}

// waitTimers is closed once a caller waits on the clock.
func waitTimers(t *testing.T, clock *ratelimittest.FakeClock) <-chan struct{} {
	ch := make(chan struct{})
	go func() {
		c, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if clock.WaitForTimers(c, 1) == nil {
			close(ch)
		}
	}()
	return ch
}
