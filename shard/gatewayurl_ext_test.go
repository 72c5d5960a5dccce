package shard_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/wirecord/wirecord/discord"
	"github.com/wirecord/wirecord/rest"
	"github.com/wirecord/wirecord/shard"
)

// Start refuses a GET /gateway/bot whose url would take the connection
// off TLS or to a host nobody named, with a *shard.GatewayURLError, and
// dials nothing.
func TestStartRefusesAPlaintextOrForeignGatewayURL(t *testing.T) {
	for _, gw := range []string{"ws://gateway.discord.gg", "wss://gateway.evil.test", "ws://127.0.0.2:9/"} {
		t.Run(gw, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if !strings.HasSuffix(r.URL.Path, "/gateway/bot") {
					http.NotFound(w, r)
					return
				}
				w.Header().Set("Content-Type", "application/json")
				fmt.Fprintf(w, `{"url":%q,"shards":1,"session_start_limit":{"total":1000,"remaining":1000,"reset_after":0,"max_concurrency":1}}`, gw)
			}))
			defer srv.Close()
			m := newManager(t, shard.ManagerConfig{Token: discord.NewToken("t"), Logger: testLogger(),
				REST: rest.New("t", rest.WithBaseURL(srv.URL+"/api/v10"))})
			defer m.Close(context.Background(), 0)
			err := m.Start(within(t, 10*time.Second))
			var ue *shard.GatewayURLError
			if !errors.As(err, &ue) || ue.URL != gw || !strings.Contains(err.Error(), gw) {
				t.Fatalf("Start = %v, want a *shard.GatewayURLError naming %s", err, gw)
			}
			if n := len(m.Shards()); n != 0 {
				t.Errorf("%d shards built for a refused url", n)
			}
		})
	}
}
