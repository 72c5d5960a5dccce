package rest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/wirecord/wirecord/discord"
	"github.com/wirecord/wirecord/rest"
)

// answerer answers every request with one scripted response.
type answerer struct {
	status int
	header http.Header
	body   []byte
}

func (a answerer) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: a.status, Header: a.header.Clone(), Body: io.NopCloser(bytes.NewReader(a.body)), Request: r}, nil
}

// Whatever a server answers a generated method, the call returns at once
// with either the value encoding/json decodes from a 2xx body or a typed
// error: *rest.Error for a status of 300 and up, *rest.RateLimitError for
// a 429; it never panics, never waits, and its error never holds the
// token.
func FuzzDecodeAnswer(f *testing.F) {
	f.Add(uint8(0), 200, []byte(`{"id":"41771983423143937","type":0,"guild_id":"41771983423143938","name":"general","topic":null,"nsfw":false,"last_message_id":"155117677105512449","rate_limit_per_user":0,"position":6,"permission_overwrites":[],"parent_id":null}`), "", "")
	f.Add(uint8(1), 200, []byte(`[{"id":"1","channel_id":"2","author":{"id":"3","username":"a","discriminator":"0","avatar":null},"content":"hé","timestamp":"2026-12-03T12:00:00.000000+00:00","edited_timestamp":null,"tts":false,"mention_everyone":false,"mentions":[],"mention_roles":[],"attachments":[],"embeds":[],"pinned":false,"type":0,"flags":99999999999,"future_field":{"x":[1,2]}}]`), "", "")
	f.Add(uint8(2), 200, []byte(`{"id":"197038439483310086","name":"Discord Testers","roles":[{"id":"1","name":"@everyone","permissions":"104324161","color":0}],"features":["UNKNOWN_FEATURE"],"verification_level":99,"premium_tier":7}`), "", "")
	f.Add(uint8(0), 200, []byte(`{"id":"-1"}`), "", "")
	f.Add(uint8(0), 200, []byte(`{"id":18446744073709551616}`), "", "")
	f.Add(uint8(1), 200, []byte(`[`), "", "")
	f.Add(uint8(1), 204, []byte(``), "", "")
	f.Add(uint8(0), 404, []byte(`{"message":"Unknown Channel","code":10003}`), "", "")
	f.Add(uint8(2), 400, []byte(`{"code":50035,"errors":{"name":{"_errors":[{"code":"BASE_TYPE_REQUIRED","message":"This field is required"}]}},"message":"Invalid Form Body"}`), "", "")
	f.Add(uint8(0), 429, []byte(`{"message":"You are being rate limited.","retry_after":86400,"global":false}`), "user", "86400")
	f.Add(uint8(1), 502, []byte(`<html>bad gateway</html>`), "", "")
	f.Add(uint8(2), 401, []byte(`{"message":"401: Unauthorized","code":0}`), "", "")
	f.Add(uint8(0), 301, []byte(``), "", "")
	f.Fuzz(func(t *testing.T, op uint8, status int, body []byte, scope, retryAfter string) {
		if status < 200 || status > 599 {
			status = 200 + (status%400+400)%400
		}
		h := http.Header{"Content-Type": {"application/json"}}
		if scope != "" {
			h.Set("X-RateLimit-Scope", scope)
		}
		if retryAfter != "" {
			h.Set("Retry-After", retryAfter)
		}
		const token = "fuzz.token.SECRET"
		c := rest.New(token, rest.WithBaseURL("http://127.0.0.1:1/api/v10"), rest.WithMaxRetries(0),
			rest.WithHTTPClient(&http.Client{Transport: answerer{status, h, body}}))
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()

		var got, want any
		var err error
		switch op % 3 {
		case 0:
			var ch *discord.Channel
			ch, err = c.GetChannel(ctx, 41771983423143937)
			got, want = ch, new(discord.Channel)
		case 1:
			var msgs []discord.Message
			msgs, err = c.ListMessages(ctx, 41771983423143937, rest.ListMessagesOptions{})
			got, want = &msgs, new([]discord.Message)
		default:
			var g *discord.Guild
			g, err = c.GetGuild(ctx, 197038439483310086, rest.GetGuildOptions{})
			got, want = g, new(discord.Guild)
		}
		if ctx.Err() != nil {
			t.Fatalf("status %d: the call waited %v", status, 10*time.Second)
		}
		if err != nil && strings.Contains(err.Error(), token) {
			t.Fatalf("the error holds the token: %v", err)
		}
		var re *rest.Error
		var rle *rest.RateLimitError
		switch {
		case status == http.StatusTooManyRequests:
			if !errors.As(err, &rle) {
				t.Fatalf("429 answered %v, want a *rest.RateLimitError", err)
			}
		case status >= 300:
			if !errors.As(err, &re) || re.Status != status {
				t.Fatalf("%d answered %v, want a *rest.Error with that status", status, err)
			}
		case len(body) == 0:
			if err != nil {
				t.Fatalf("%d with no body: %v", status, err)
			}
		default:
			werr := json.Unmarshal(body, want)
			if (werr == nil) != (err == nil) {
				t.Fatalf("%d %q: client says %v, encoding/json says %v", status, body, err, werr)
			}
			if err == nil && !reflect.DeepEqual(got, want) {
				t.Fatalf("%d %q: decoded %+v, encoding/json %+v", status, body, got, want)
			}
		}
	})
}

// An answer over 8 MiB is refused with ErrAnswerTooLarge at once, not
// cut short into a puzzling JSON error, and not retried: the request was
// carried out.
func TestAnAnswerOver8MiBIsRefusedAsTooLarge(t *testing.T) {
	for _, tc := range []struct {
		name   string
		size   int
		status int
	}{
		{"a 200 one byte over", 8<<20 + 1, 200},
		{"a 200 of 64 MiB", 64 << 20, 200},
		{"a 502 of 9 MiB", 9 << 20, 502},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := append([]byte(`{"id":"1","name":"`), bytes.Repeat([]byte("x"), tc.size)...)
			body = append(body, `"}`...)
			tries := 0
			c := rest.New("t", rest.WithBaseURL("http://127.0.0.1:1/api/v10"),
				rest.WithHTTPClient(&http.Client{Transport: countingAnswerer{answerer{tc.status, http.Header{}, body}, &tries}}))
			_, err := c.GetChannel(context.Background(), 1)
			if !errors.Is(err, rest.ErrAnswerTooLarge) {
				t.Fatalf("got %v, want ErrAnswerTooLarge", err)
			}
			if tries != 1 {
				t.Errorf("sent %d times, want once", tries)
			}
		})
	}
	// At the bound exactly, the answer decodes.
	body := []byte(`{"id":"1","name":"` + strings.Repeat("x", 8<<20-len(`{"id":"1","name":""}`)) + `"}`)
	c := rest.New("t", rest.WithBaseURL("http://127.0.0.1:1/api/v10"),
		rest.WithHTTPClient(&http.Client{Transport: answerer{200, http.Header{}, body}}))
	if ch, err := c.GetChannel(context.Background(), 1); err != nil || len(ch.Name) != 8<<20-len(`{"id":"1","name":""}`) {
		t.Fatalf("an answer of exactly 8 MiB: %v", err)
	}
}

type countingAnswerer struct {
	answerer
	n *int
}

func (a countingAnswerer) RoundTrip(r *http.Request) (*http.Response, error) {
	*a.n++
	return a.answerer.RoundTrip(r)
}
