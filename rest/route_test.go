package rest

import "testing"

func TestRouteFoldsParametersAndKeepsTheMajorApart(t *testing.T) {
	for _, tc := range []struct {
		method, path string
		want         Route
	}{
		{"POST", "/channels/111/messages", Route{"POST /channels/:major/messages", "111", true}},
		{"PATCH", "/channels/111/messages/222", Route{"PATCH /channels/:major/messages/:id", "111", true}},
		{"GET", "/guilds/333/members?limit=10", Route{"GET /guilds/:major/members", "333", true}},
		{"GET", "/guilds/333/members/444", Route{"GET /guilds/:major/members/:id", "333", true}},
		{"PUT", "/channels/111/messages/222/reactions/%F0%9F%91%8D/@me", Route{"PUT /channels/:major/messages/:id/reactions/:emoji/@me", "111", true}},
		{"DELETE", "/channels/111/messages/222/reactions/x:55/666", Route{"DELETE /channels/:major/messages/:id/reactions/:emoji/:user", "111", true}},
		{"GET", "/channels/111/messages/222/reactions/x:55", Route{"GET /channels/:major/messages/:id/reactions/:emoji", "111", true}},
		{"POST", "/webhooks/777/tok-en/", Route{"POST /webhooks/:major/:token", "777/tok-en", false}},
		{"PATCH", "/webhooks/777/tok-en/messages/@original", Route{"PATCH /webhooks/:major/:token/messages/@original", "777/tok-en", false}},
		{"GET", "/webhooks/777", Route{"GET /webhooks/:major", "777", true}},
		{"POST", "/interactions/5/secret-tok/callback", Route{"POST /interactions/:major/:token/callback", "5", false}},
		{"GET", "/users/@me", Route{"GET /users/@me", "", true}},
		{"GET", "/invites/abcDEF", Route{"GET /invites/:code", "", true}},
		{"GET", "/guilds/templates/xyz", Route{"GET /guilds/templates/:code", "", true}},
		{"GET", "/gateway/bot", Route{"GET /gateway/bot", "", true}},
		{"GET", "/", Route{"GET ", "", true}},
	} {
		if got := routeOf(tc.method, tc.path); got != tc.want {
			t.Errorf("routeOf(%s %s) = %+v, want %+v", tc.method, tc.path, got, tc.want)
		}
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
}
