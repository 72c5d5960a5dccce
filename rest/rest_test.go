package rest_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/wirecord/wirecord/discord"
	"github.com/wirecord/wirecord/discordtest"
	"github.com/wirecord/wirecord/rest"
)

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return c
}

func TestLimiterKeepsTheBotOutOf429s(t *testing.T) {
	s := discordtest.NewServer(discordtest.WithGuilds(2, 0),
		discordtest.WithRouteLimit(discordtest.RouteCreateMessage, discordtest.RouteLimit{Bucket: "msgs", Limit: 3, Window: 400 * time.Millisecond}))
	defer s.Close()
	c := rest.New(s.Token, rest.WithBaseURL(s.APIURL))
	ch := s.Channels(s.Guilds()[0].ID)[0]
	other := s.Channels(s.Guilds()[1].ID)[0]
	start := time.Now()
	for i := range 9 {
		if _, err := c.SendMessage(ctx(t), ch.ID, "hello"); err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
	}
	// Another channel is another bucket: no wait.
	if _, err := c.SendMessage(ctx(t), other.ID, "elsewhere"); err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	for _, call := range s.RESTCalls() {
		if call.Limited {
			t.Errorf("a request hit a 429: %+v", call)
		}
	}
	// 9 messages at 3 per 400 ms need two waits.
	if took < 800*time.Millisecond {
		t.Errorf("9 messages in %v: the limiter did not wait", took)
	}
}

func TestConcurrentCallersShareTheBucket(t *testing.T) {
	s := discordtest.NewServer(discordtest.WithGuilds(1, 0),
		discordtest.WithRouteLimit(discordtest.RouteCreateMessage, discordtest.RouteLimit{Bucket: "msgs", Limit: 2, Window: 300 * time.Millisecond}))
	defer s.Close()
	c := rest.New(s.Token, rest.WithBaseURL(s.APIURL))
	ch := s.Channels(s.Guilds()[0].ID)[0]
	// Learn the bucket first, then fire in parallel.
	c.SendMessage(ctx(t), ch.ID, "first")
	errs := make(chan error, 6)
	for range 6 {
		go func() { _, err := c.SendMessage(ctx(t), ch.ID, "x"); errs <- err }()
	}
	for range 6 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	limited := 0
	for _, call := range s.RESTCalls() {
		if call.Limited {
			limited++
		}
	}
	if limited > 0 {
		t.Errorf("%d requests hit a 429", limited)
	}
}

func TestRetriesA429AndServerErrors(t *testing.T) {
	s := discordtest.NewServer(discordtest.WithGlobalLimit(1))
	defer s.Close()
	c := rest.New(s.Token, rest.WithBaseURL(s.APIURL))
	// The second call in the same second meets the global 429 and is
	// retried after retry_after.
	for i := range 2 {
		if _, err := c.GetMyUser(ctx(t)); err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	s.FailNextREST(2, 502)
	if _, err := c.GetMyUser(ctx(t)); err != nil {
		t.Fatalf("after two 502s: %v", err)
	}
}

func TestErrorsAreTyped(t *testing.T) {
	s := discordtest.NewServer()
	defer s.Close()
	bad := rest.New("wrong-token-value", rest.WithBaseURL(s.APIURL))
	_, err := bad.GetMyUser(ctx(t))
	if !errors.Is(err, rest.ErrUnauthorized) || strings.Contains(err.Error(), "wrong-token-value") {
		t.Errorf("401: %v", err)
	}
	c := rest.New(s.Token, rest.WithBaseURL(s.APIURL))
	_, err = c.SendMessage(ctx(t), 12345, "x")
	var re *rest.Error
	if !errors.As(err, &re) || re.Status != 404 || re.Code != 10003 || re.Message != "Unknown Channel" {
		t.Errorf("404: %v", err)
	}
	s.FailNextREST(10, 503)
	few := rest.New(s.Token, rest.WithBaseURL(s.APIURL), rest.WithMaxRetries(1))
	if _, err := few.GetMyUser(ctx(t)); !errors.As(err, &re) || re.Status != 503 {
		t.Errorf("503 after retries: %v", err)
	}
}

func TestLimitedRequestRespectsContext(t *testing.T) {
	s := discordtest.NewServer(discordtest.WithGuilds(1, 0),
		discordtest.WithRouteLimit(discordtest.RouteCreateMessage, discordtest.RouteLimit{Bucket: "slow", Limit: 1, Window: 30 * time.Second}))
	defer s.Close()
	c := rest.New(s.Token, rest.WithBaseURL(s.APIURL))
	ch := s.Channels(s.Guilds()[0].ID)[0]
	c.SendMessage(ctx(t), ch.ID, "one")
	short, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := c.SendMessage(short, ch.ID, "two"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want the context's", err)
	}
}

func TestGatewayBotAndDM(t *testing.T) {
	s := discordtest.NewServer(discordtest.WithShards(3), discordtest.WithMaxConcurrency(2))
	defer s.Close()
	c := rest.New(s.Token, rest.WithBaseURL(s.APIURL))
	gb, err := c.GetBotGateway(ctx(t))
	if err != nil || gb.Shards != 3 || gb.SessionStartLimit.MaxConcurrency != 2 || gb.URL != s.GatewayURL || gb.SessionStartLimit.ResetAfter() <= 0 {
		t.Fatalf("%+v %v", gb, err)
	}
	u := s.AddUser("pal")
	dm, err := c.CreateDM(ctx(t), rest.CreateDMParams{RecipientID: u.ID})
	if err != nil || dm.Type != discord.ChannelTypeDM {
		t.Fatalf("%+v %v", dm, err)
	}
	if g, err := c.GetGateway(ctx(t)); err != nil || g.URL != s.GatewayURL {
		t.Errorf("%+v %v", g, err)
	}
}

// A webhook or interaction token authorises whoever holds it: it must not
// reach an error or a log line.
func TestErrorsAndLogsNeverCarryAWebhookOrInteractionToken(t *testing.T) {
	const secret = "s3cret-interaction-token"
	s := discordtest.NewServer(discordtest.WithGuilds(1, 0))
	defer s.Close()
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c := rest.New(s.Token, rest.WithBaseURL(s.APIURL), rest.WithLogger(log))

	var errs []error
	// An unknown interaction: Discord's 404, as *rest.Error.
	errs = append(errs, c.Do(ctx(t), "POST", "/interactions/999/"+secret+"/callback", map[string]int{"type": 1}, nil))
	// A 5xx of an idempotent request is retried (and logged) before it
	// succeeds or fails.
	s.FailNextREST(1, 502)
	errs = append(errs, c.Do(ctx(t), "GET", "/webhooks/999/"+secret+"/messages/@original", nil, nil))
	// A transport error carries the URL.
	dead := rest.New(s.Token, rest.WithBaseURL("http://127.0.0.1:1/api/v10"), rest.WithLogger(log))
	errs = append(errs, dead.Do(ctx(t), "GET", "/webhooks/999/"+secret, nil, nil))

	for i, err := range errs {
		if err == nil {
			t.Fatalf("call %d succeeded against an unknown interaction or a dead server", i)
		}
		if strings.Contains(err.Error(), secret) {
			t.Errorf("error %d carries the token: %v", i, err)
		}
		if !strings.Contains(err.Error(), "{token}") {
			t.Errorf("error %d does not name the route: %v", i, err)
		}
	}
	var apiErr *rest.Error
	if !errors.As(errs[0], &apiErr) || apiErr.Status != 404 {
		t.Errorf("unknown interaction: %v", errs[0])
	}
	if !strings.Contains(logs.String(), "server error; retrying") {
		t.Errorf("the 502 was not logged: %s", logs.String())
	}
	if strings.Contains(logs.String(), secret) {
		t.Errorf("a log line carries the token:\n%s", logs.String())
	}
}

// A burst on a route nobody has seen answered yet: the first request goes
// alone and reads the bucket, the rest follow within it. Nothing here
// depends on timing: every window is learnt from an answer (the rule
// itself is pinned on a fake clock in ratelimittest).
func TestABurstOnANewRouteDrawsNo429(t *testing.T) {
	s := discordtest.NewServer(discordtest.WithGuilds(1, 0),
		discordtest.WithRouteLimit(discordtest.RouteCreateMessage, discordtest.RouteLimit{Bucket: "msgs", Limit: 2, Window: 300 * time.Millisecond}))
	defer s.Close()
	c := rest.New(s.Token, rest.WithBaseURL(s.APIURL))
	ch := s.Channels(s.Guilds()[0].ID)[0]
	errs := make(chan error, 8)
	for range 8 {
		go func() { _, err := c.SendMessage(ctx(t), ch.ID, "burst"); errs <- err }()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	calls := s.RESTCalls()
	if len(calls) != 8 {
		t.Errorf("%d calls reached the fake, want 8 (no retries)", len(calls))
	}
	for _, call := range calls {
		if call.Limited {
			t.Errorf("a request hit a 429: %+v", call)
		}
	}
	if got := len(s.Messages(ch.ID)); got != 8 {
		t.Errorf("%d messages in the channel, want 8", got)
	}
	// Two per window: the first alone, then the second of its window,
	// then three more windows.
	if v := s.Violations(); len(v) > 0 {
		t.Errorf("violations: %v", v)
	}
}

// Answers that come late (after Discord counted the request) make a
// window look longer, never shorter: a slow API draws no 429. The exact
// case of issue 12 (a 5-per-5 s bucket, answers slower than a second,
// windows guessed to last 1 s) is pinned on a fake clock in ratelimittest,
// AWindowIsTimedFromItsAnswerNeverGuessed.
func TestSlowAnswersDrawNo429(t *testing.T) {
	s := discordtest.NewServer(discordtest.WithGuilds(1, 0), discordtest.WithAnswerDelay(400*time.Millisecond),
		discordtest.WithRouteLimit(discordtest.RouteCreateMessage, discordtest.RouteLimit{Bucket: "msgs", Limit: 5, Window: 300 * time.Millisecond}))
	defer s.Close()
	c := rest.New(s.Token, rest.WithBaseURL(s.APIURL))
	ch := s.Channels(s.Guilds()[0].ID)[0]
	const n = 15
	errs := make(chan error, n)
	for range n {
		go func() { _, err := c.SendMessage(ctx(t), ch.ID, "slow"); errs <- err }()
	}
	for range n {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	limited := 0
	for _, call := range s.RESTCalls() {
		if call.Limited {
			limited++
		}
	}
	if limited > 0 || s.InvalidRequests() > 0 {
		t.Errorf("%d 429s, %d invalid requests, want none", limited, s.InvalidRequests())
	}
	if got := len(s.Messages(ch.ID)); got != n {
		t.Errorf("%d messages, want %d", got, n)
	}
}
