package rest_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/wirecord/wirecord/discord"
	"github.com/wirecord/wirecord/rest"
)

// An interaction's or a webhook's token is in the path of the calls that
// use it. Whatever the answer (404, a retried 5xx, a 429, no server at
// all), neither the error nor a log line of either slog handler at debug
// level holds it.
func TestInteractionAndWebhookTokensStayOutOfErrorsAndLogs(t *testing.T) {
	const secret = "aW50ZXJhY3Rpb246MTIzNDU2Nzg5OnNlY3JldA"
	answers := map[string]func(w http.ResponseWriter){
		"404": func(w http.ResponseWriter) {
			w.WriteHeader(404)
			w.Write([]byte(`{"message":"Unknown Webhook","code":10015}`))
		},
		"500 then 500": func(w http.ResponseWriter) { w.WriteHeader(500) },
		"429": func(w http.ResponseWriter) {
			w.Header().Set("X-RateLimit-Bucket", "abc")
			w.Header().Set("X-RateLimit-Scope", "user")
			w.WriteHeader(429)
			w.Write([]byte(`{"message":"You are being rate limited.","retry_after":3600,"global":false}`))
		},
	}
	calls := map[string]func(c *rest.Client) error{
		"CreateInteractionResponse": func(c *rest.Client) error {
			_, err := c.CreateInteractionResponse(context.Background(), 1, secret,
				discord.InteractionResponse{Type: discord.InteractionResponseChannelMessageWithSource}, rest.CreateInteractionResponseOptions{})
			return err
		},
		// A GET is retried after a 5xx, with a warning logged.
		"GetOriginalWebhookMessage": func(c *rest.Client) error {
			_, err := c.GetOriginalWebhookMessage(context.Background(), 3, secret, rest.GetOriginalWebhookMessageOptions{})
			return err
		},
		"ExecuteWebhook": func(c *rest.Client) error {
			_, err := c.ExecuteWebhook(context.Background(), 2, secret, rest.ExecuteWebhookParams{Content: "hi"}, rest.ExecuteWebhookOptions{})
			return err
		},
	}
	for aname, answer := range answers {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { answer(w) }))
		for cname, call := range calls {
			t.Run(aname+"/"+cname, func(t *testing.T) { checkTokenHidden(t, srv.URL, secret, call) })
		}
		srv.Close()
	}
	for cname, call := range calls {
		t.Run("no server/"+cname, func(t *testing.T) { checkTokenHidden(t, "http://127.0.0.1:1", secret, call) })
	}
}

func checkTokenHidden(t *testing.T, base, secret string, call func(c *rest.Client) error) {
	t.Helper()
	var text, js bytes.Buffer
	opts := &slog.HandlerOptions{Level: slog.LevelDebug}
	for _, h := range []slog.Handler{slog.NewTextHandler(&text, opts), slog.NewJSONHandler(&js, opts)} {
		c := rest.New("bot-token", rest.WithBaseURL(base+"/api/v10"), rest.WithMaxRetries(1), rest.WithLogger(slog.New(h)))
		err := call(c)
		if err == nil {
			t.Fatal("the call succeeded against a server that only fails")
		}
		if strings.Contains(err.Error(), secret) {
			t.Errorf("the error holds the token: %v", err)
		}
	}
	if base != "http://127.0.0.1:1" && text.Len() == 0 && js.Len() == 0 && strings.Contains(t.Name(), "500/GetOriginal") {
		t.Fatal("nothing was logged: the test would not see a token in the logs")
	}
	for name, out := range map[string]string{"text": text.String(), "JSON": js.String()} {
		if strings.Contains(out, secret) {
			t.Errorf("the %s log holds the token:\n%s", name, out)
		}
	}
}
