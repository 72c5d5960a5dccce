package rest

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"testing"
	"time"
)

func TestRouteKeyKeepsOnlyTheMajorParameter(t *testing.T) {
	for _, tc := range []struct{ method, path, want string }{
		{"POST", "/channels/111/messages", "POST /channels/111/messages"},
		{"PATCH", "/channels/111/messages/222", "PATCH /channels/111/messages/:id"},
		{"GET", "/guilds/333/members?limit=10", "GET /guilds/333/members"},
		{"GET", "/guilds/333/members/444", "GET /guilds/333/members/:id"},
		{"PUT", "/channels/111/messages/222/reactions/%F0%9F%91%8D/@me", "PUT /channels/111/messages/:id/reactions/:emoji/@me"},
		{"DELETE", "/channels/111/messages/222/reactions/x:55/666", "DELETE /channels/111/messages/:id/reactions/:emoji/:user"},
		{"POST", "/webhooks/777/tok-en/", "POST /webhooks/777/tok-en"},
		{"GET", "/users/@me", "GET /users/@me"},
	} {
		if got := routeKey(tc.method, tc.path); got != tc.want {
			t.Errorf("routeKey(%s %s) = %q, want %q", tc.method, tc.path, got, tc.want)
		}
	}
	if majorOf("POST /webhooks/777/tok") != "777/tok" || majorOf("GET /channels/1/messages") != "1" || majorOf("GET /users/@me") != "" {
		t.Error("majorOf")
	}
}

func TestRedactPathHidesWebhookAndInteractionTokens(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"/webhooks/123/s3cret-tok", "/webhooks/123/{token}"},
		{"/webhooks/123/s3cret-tok/messages/@original", "/webhooks/123/{token}/messages/@original"},
		{"/webhooks/123/s3cret-tok?wait=true", "/webhooks/123/{token}?wait=true"},
		{"/interactions/123/s3cret-tok/callback", "/interactions/123/{token}/callback"},
		{"/webhooks/123", "/webhooks/123"},
		{"/webhooks/123/", "/webhooks/123/"},
		{"/channels/111/messages", "/channels/111/messages"},
		{"/users/@me", "/users/@me"},
	} {
		if got := redactPath(tc.in); got != tc.want {
			t.Errorf("redactPath(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got := redactKey(routeKey("POST", "/webhooks/777/s3cret-tok")); got != "POST /webhooks/777/{token}" {
		t.Errorf("redactKey = %q", got)
	}
}

func TestUnknownRouteLetsOneRequestThroughUntilSettled(t *testing.T) {
	l := newLimiter(slog.New(slog.DiscardHandler))
	const key = "POST /channels/1/messages"
	ctx := context.Background()
	if err := l.wait(ctx, key); err != nil {
		t.Fatal(err)
	}
	second := make(chan error, 1)
	go func() { second <- l.wait(ctx, key) }()
	// A waiter that gives up returns its context's error.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := l.wait(cctx, key); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled waiter: %v", err)
	}
	select {
	case err := <-second:
		t.Fatalf("a second request went through before the first was answered (%v)", err)
	default:
	}
	// The first learnt nothing (a transport error): the second becomes
	// the next discoverer.
	l.settle(key)
	if err := <-second; err != nil {
		t.Fatal(err)
	}
	l.update(key, http.Header{}, time.Now()) // an answer without a bucket
	l.settle(key)
	for range 3 {
		if err := l.wait(ctx, key); err != nil {
			t.Fatal(err)
		}
	}
}

func TestInteractionRoutesAreOutsideTheGlobalLimit(t *testing.T) {
	l := newLimiter(slog.New(slog.DiscardHandler))
	now := time.Now()
	for range globalPerSecond {
		l.sent = append(l.sent, now)
	}
	// A context already cancelled: a request that would have to wait
	// returns its error, one that may go returns nil.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, tc := range []struct {
		key    string
		exempt bool
	}{
		{routeKey("POST", "/interactions/1/tok/callback"), true},
		{routeKey("POST", "/webhooks/2/tok"), true},
		{routeKey("PATCH", "/webhooks/2/tok/messages/@original"), true},
		{routeKey("POST", "/channels/3/messages"), false},
		{routeKey("GET", "/webhooks/2"), false},
	} {
		err := l.wait(ctx, tc.key)
		if tc.exempt && err != nil {
			t.Errorf("%s waited for the global limit: %v", tc.key, err)
		}
		if !tc.exempt && !errors.Is(err, context.Canceled) {
			t.Errorf("%s went past a spent global limit: %v", tc.key, err)
		}
		if err == nil {
			l.settle(tc.key)
		}
	}
	if len(l.sent) != globalPerSecond {
		t.Errorf("exempt requests counted towards the global limit: %d sends", len(l.sent))
	}
}
