package rest

import "testing"

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
