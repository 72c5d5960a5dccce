package shard

import (
	"errors"
	"testing"
)

// A GET /gateway/bot url is used only when it keeps TLS to Discord, or
// names a host the user configured: anything else would send the whole
// connection, token included, in plaintext or to a stranger.
func TestGatewayURLFromAnAnswerMustBeDiscordsOverTLSOrConfigured(t *testing.T) {
	const discordREST = "https://discord.com/api/v10"
	for _, tc := range []struct {
		name, url, rest string
		trusted         []string
		ok              bool
	}{
		{"wss to Discord", "wss://gateway.discord.gg", discordREST, nil, true},
		{"wss to a regional Discord gateway", "wss://gateway-us-east1-b.discord.gg/", discordREST, nil, true},
		{"ws to Discord is plaintext", "ws://gateway.discord.gg", discordREST, nil, false},
		{"ws to Discord even with the host trusted", "ws://gateway.discord.gg", discordREST, []string{"gateway.discord.gg"}, false},
		{"wss to a look-alike host", "wss://gateway.discord.gg.evil.test", discordREST, nil, false},
		{"wss to a stranger", "wss://gateway.evil.test", discordREST, nil, false},
		{"ws to a stranger", "ws://gateway.evil.test", discordREST, nil, false},
		{"not a websocket URL", "https://gateway.discord.gg", discordREST, nil, false},
		{"no host", "wss:///", discordREST, nil, false},
		{"garbage", "\x00::", discordREST, nil, false},
		{"a host in GatewayHosts", "ws://gw.proxy.test:8080", discordREST, []string{"gw.proxy.test"}, true},
		{"a wildcard in GatewayHosts", "wss://a.proxy.test", discordREST, []string{"*.proxy.test"}, true},
		{"a wildcard does not cover its domain's neighbours", "wss://evilproxy.test", discordREST, []string{"*.proxy.test"}, false},
		{"the REST base's host over plain http (a fake Discord)", "ws://127.0.0.1:4001/", "http://127.0.0.1:4000/api/v10", nil, true},
		{"the REST base's host with TLS kept", "wss://fake.test/", "https://fake.test/api", nil, true},
		{"the REST base's host is https: no plaintext gateway", "ws://fake.test/", "https://fake.test/api", nil, false},
		{"another host than the REST base's", "ws://127.0.0.2:4001/", "http://127.0.0.1:4000/api/v10", nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u, err := checkGatewayURL(tc.url, tc.rest, tc.trusted)
			if tc.ok {
				if err != nil || u == nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			var ue *GatewayURLError
			if !errors.As(err, &ue) || ue.URL != tc.url {
				t.Fatalf("err = %v, want a *GatewayURLError naming %q", err, tc.url)
			}
		})
	}
}
