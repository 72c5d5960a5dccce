package discordtest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wirecord/wirecord/discord"
)

// call makes a REST request with the bot token (auth false: without).
func call(t *testing.T, s *Server, method, path string, body any, auth bool) (*http.Response, []byte) {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, s.APIURL+path, r)
	if auth {
		req.Header.Set("Authorization", "Bot "+s.Token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp, data
}

type apiErr struct {
	Code       int             `json:"code"`
	Message    string          `json:"message"`
	Errors     json.RawMessage `json:"errors"`
	RetryAfter float64         `json:"retry_after"`
	Global     bool            `json:"global"`
}

func decodeErr(t *testing.T, b []byte) apiErr {
	t.Helper()
	var e apiErr
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatalf("error body %q: %v", b, err)
	}
	return e
}

func TestGatewayBotReportsTheConfiguredLimits(t *testing.T) {
	s := NewServer(WithShards(16), WithMaxConcurrency(4), WithSessionStartLimit(1000, 990, 2*time.Hour))
	defer s.Close()
	resp, body := call(t, s, "GET", "/gateway/bot", nil, true)
	var gb struct {
		URL               string
		Shards            int
		SessionStartLimit struct {
			Total, Remaining, ResetAfter, MaxConcurrency int
		} `json:"session_start_limit"`
	}
	json.Unmarshal(body, &gb)
	var raw map[string]map[string]any
	json.Unmarshal(body, &raw)
	l := raw["session_start_limit"]
	if resp.StatusCode != 200 || gb.Shards != 16 || l["max_concurrency"] != float64(4) || l["remaining"] != float64(990) || l["total"] != float64(1000) {
		t.Fatalf("gateway/bot = %s", body)
	}
	if ra := l["reset_after"].(float64); ra < 7000000 || ra > 7200000 {
		t.Errorf("reset_after %v ms, want about 2 h", ra)
	}
	if !strings.Contains(string(body), s.GatewayURL) {
		t.Errorf("url missing: %s", body)
	}
	// GET /gateway needs no token.
	if resp, _ := call(t, s, "GET", "/gateway", nil, false); resp.StatusCode != 200 {
		t.Errorf("GET /gateway without token: %d", resp.StatusCode)
	}
}

func TestRESTNeedsTheBotTokenAndCountsInvalidRequests(t *testing.T) {
	s := NewServer()
	defer s.Close()
	resp, body := call(t, s, "GET", "/users/@me", nil, false)
	e := decodeErr(t, body)
	if resp.StatusCode != 401 || e.Message != "401: Unauthorized" || e.Code != 0 {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	if s.InvalidRequests() != 1 {
		t.Errorf("invalid requests %d", s.InvalidRequests())
	}
}

func TestMessagesOverREST(t *testing.T) {
	s := NewServer(WithGuilds(1, 1))
	defer s.Close()
	ch := s.Channels(s.Guilds()[0].ID)[0]
	path := "/channels/" + ch.ID.String() + "/messages"
	resp, body := call(t, s, "POST", path, map[string]any{"content": "hello"}, true)
	var m discord.Message
	json.Unmarshal(body, &m)
	_, bot := s.Application()
	if resp.StatusCode != 200 || m.Content != "hello" || m.Author.ID != bot.ID || m.ChannelID != ch.ID {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	for _, tc := range []struct {
		name   string
		method string
		path   string
		body   any
		status int
		code   int
	}{
		{"empty message", "POST", path, map[string]any{"content": ""}, 400, 50006},
		{"content too long", "POST", path, map[string]any{"content": strings.Repeat("a", 2001)}, 400, 50035},
		{"unknown channel", "POST", "/channels/1/messages", map[string]any{"content": "x"}, 404, 10003},
		{"unknown message", "GET", path + "/1", nil, 404, 10008},
		{"unknown guild", "GET", "/guilds/1", nil, 404, 10004},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := call(t, s, tc.method, tc.path, tc.body, true)
			if e := decodeErr(t, body); resp.StatusCode != tc.status || e.Code != tc.code {
				t.Errorf("%d %s, want %d code %d", resp.StatusCode, body, tc.status, tc.code)
			}
		})
	}
	// Edit, get, list, react, delete.
	mp := path + "/" + m.ID.String()
	if resp, body := call(t, s, "PATCH", mp, map[string]any{"content": "edited"}, true); resp.StatusCode != 200 || !strings.Contains(string(body), "edited") {
		t.Errorf("edit: %d %s", resp.StatusCode, body)
	}
	if resp, body := call(t, s, "GET", path+"?limit=10", nil, true); resp.StatusCode != 200 || !strings.Contains(string(body), "edited") {
		t.Errorf("list: %d %s", resp.StatusCode, body)
	}
	if resp, _ := call(t, s, "PUT", mp+"/reactions/%F0%9F%91%8D/@me", nil, true); resp.StatusCode != 204 {
		t.Errorf("react: %d", resp.StatusCode)
	}
	if _, body := call(t, s, "GET", mp, nil, true); !strings.Contains(string(body), `"me":true`) {
		t.Errorf("reaction not on the message: %s", body)
	}
	if resp, _ := call(t, s, "DELETE", mp, nil, true); resp.StatusCode != 204 {
		t.Errorf("delete: %d", resp.StatusCode)
	}
	if len(s.Messages(ch.ID)) != 0 {
		t.Error("message still there")
	}
}

func TestCreateDMAndMembers(t *testing.T) {
	s := NewServer(WithGuilds(1, 3))
	defer s.Close()
	g := s.Guilds()[0]
	user := s.Members(g.ID)[1].User.ID
	resp, body := call(t, s, "POST", "/users/@me/channels", map[string]any{"recipient_id": user}, true)
	var ch discord.Channel
	json.Unmarshal(body, &ch)
	if resp.StatusCode != 200 || ch.Type != discord.ChannelTypeDM || len(ch.Recipients) != 1 || ch.Recipients[0].ID != user {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	resp, again := call(t, s, "POST", "/users/@me/channels", map[string]any{"recipient_id": user}, true)
	if resp.StatusCode != 200 {
		t.Fatalf("second create DM: %d %s", resp.StatusCode, again)
	}
	var ch2 discord.Channel
	json.Unmarshal(again, &ch2)
	if ch2.ID != ch.ID {
		t.Error("a second DM channel was created")
	}
	_, body = call(t, s, "GET", "/guilds/"+g.ID.String()+"/members?limit=1000", nil, true)
	var members []discord.Member
	json.Unmarshal(body, &members)
	if len(members) != 4 {
		t.Errorf("%d members, want 4 (bot and 3 users)", len(members))
	}
	if resp, _ := call(t, s, "GET", "/guilds/"+g.ID.String()+"/members/"+user.String(), nil, true); resp.StatusCode != 200 {
		t.Errorf("get member %d", resp.StatusCode)
	}
}

func TestRateLimitHeadersAnd429(t *testing.T) {
	s := NewServer(WithGuilds(2, 0), WithRouteLimit(RouteCreateMessage, RouteLimit{Bucket: "abc", Limit: 2, Window: time.Minute}),
		WithRouteLimit(RouteEditMessage, RouteLimit{Bucket: "abc", Limit: 2, Window: time.Minute}))
	defer s.Close()
	ch1 := s.Channels(s.Guilds()[0].ID)[0]
	ch2 := s.Channels(s.Guilds()[1].ID)[0]
	post := func(ch discord.Channel) (*http.Response, []byte) {
		return call(t, s, "POST", "/channels/"+ch.ID.String()+"/messages", map[string]any{"content": "x"}, true)
	}
	resp, body := post(ch1)
	if h := resp.Header; h.Get("X-RateLimit-Limit") != "2" || h.Get("X-RateLimit-Remaining") != "1" || h.Get("X-RateLimit-Bucket") != "abc" {
		t.Fatalf("headers %v", h)
	}
	if ra, err := strconv.ParseFloat(resp.Header.Get("X-RateLimit-Reset-After"), 64); err != nil || ra <= 0 || ra > 60 {
		t.Errorf("reset after %q", resp.Header.Get("X-RateLimit-Reset-After"))
	}
	var m discord.Message
	json.Unmarshal(body, &m)
	// PATCH shares the hash: it spends the same budget.
	call(t, s, "PATCH", "/channels/"+ch1.ID.String()+"/messages/"+m.ID.String(), map[string]any{"content": "y"}, true)
	resp, body = post(ch1)
	e := decodeErr(t, body)
	if resp.StatusCode != 429 || e.RetryAfter <= 0 || e.Global || resp.Header.Get("X-RateLimit-Scope") != "user" || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("third request: %d %s %v", resp.StatusCode, body, resp.Header)
	}
	// Another channel is another major parameter: its own budget.
	if resp, _ := post(ch2); resp.StatusCode != 200 {
		t.Errorf("other channel: %d", resp.StatusCode)
	}
	calls := s.RESTCalls()
	limited := 0
	for _, c := range calls {
		if c.Limited {
			limited++
		}
	}
	if limited != 1 || s.InvalidRequests() != 1 {
		t.Errorf("limited %d invalid %d", limited, s.InvalidRequests())
	}
}

func TestSharedScope429IsNotAnInvalidRequest(t *testing.T) {
	s := NewServer(WithRouteLimit(RouteGetCurrentUser, RouteLimit{Bucket: "shared", Limit: 1, Window: time.Minute, Shared: true}))
	defer s.Close()
	call(t, s, "GET", "/users/@me", nil, true)
	resp, body := call(t, s, "GET", "/users/@me", nil, true)
	if resp.StatusCode != 429 || resp.Header.Get("X-RateLimit-Scope") != "shared" || !strings.Contains(string(body), "resource") {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	if s.InvalidRequests() != 0 {
		t.Errorf("invalid requests %d", s.InvalidRequests())
	}
}

func TestGlobalLimit(t *testing.T) {
	s := NewServer(WithGlobalLimit(3))
	defer s.Close()
	var last *http.Response
	var body []byte
	for range 4 {
		last, body = call(t, s, "GET", "/users/@me", nil, true)
	}
	if e := decodeErr(t, body); last.StatusCode != 429 || !e.Global || last.Header.Get("X-RateLimit-Global") != "true" || last.Header.Get("X-RateLimit-Scope") != "global" {
		t.Fatalf("%d %s %v", last.StatusCode, body, last.Header)
	}
}

func TestFailNextREST(t *testing.T) {
	s := NewServer()
	defer s.Close()
	s.FailNextREST(2, 502)
	for i, want := range []int{502, 502, 200} {
		if resp, _ := call(t, s, "GET", "/users/@me", nil, true); resp.StatusCode != want {
			t.Errorf("call %d: %d, want %d", i, resp.StatusCode, want)
		}
	}
}

func TestInteractionResponseAndFollowup(t *testing.T) {
	s := NewServer(WithGuilds(1, 1))
	defer s.Close()
	g := s.Guilds()[0]
	ch := s.Channels(g.ID)[0]
	c, _ := dial(t, s.GatewayURL, "")
	c.ready(s.Token, 0, nil)
	it, err := s.Interact(ch.ID, s.Members(g.ID)[1].User.ID, "hello")
	if err != nil {
		t.Fatal(err)
	}
	p := c.expectDispatch(discord.EventInteractionCreate)
	var got discord.Interaction
	json.Unmarshal(p.D, &got)
	if got.ID != it.ID || got.Token == "" {
		t.Fatalf("interaction %s", p.raw)
	}
	cb := "/interactions/" + got.ID.String() + "/" + got.Token + "/callback"
	if resp, body := call(t, s, "POST", cb, map[string]any{"type": 4, "data": map[string]any{"content": "hi!"}}, false); resp.StatusCode != 204 {
		t.Fatalf("callback %d %s", resp.StatusCode, body)
	}
	if resp, body := call(t, s, "POST", cb, map[string]any{"type": 4, "data": map[string]any{"content": "again"}}, false); resp.StatusCode != 400 || decodeErr(t, body).Code != 40060 {
		t.Errorf("second callback %d %s", resp.StatusCode, body)
	}
	appID, _ := s.Application()
	fu := "/webhooks/" + appID.String() + "/" + got.Token
	if resp, body := call(t, s, "POST", fu, map[string]any{"content": "follow"}, false); resp.StatusCode != 200 {
		t.Errorf("follow-up %d %s", resp.StatusCode, body)
	}
	resp, follow := s.InteractionResponse(it.ID)
	if resp == nil || resp.Data == nil || resp.Data.Content != "hi!" || len(follow) != 1 || follow[0].Content != "follow" {
		t.Errorf("response %+v follow-ups %+v", resp, follow)
	}
	if msgs := s.Messages(ch.ID); len(msgs) != 2 {
		t.Errorf("%d messages in the channel, want the reply and the follow-up", len(msgs))
	}
}
