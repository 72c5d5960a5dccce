package shard

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// discordGatewayDomain is the domain of Discord's gateways
// (gateway.discord.gg, gateway-us-east1-b.discord.gg...).
const discordGatewayDomain = "discord.gg"

// GatewayURLError is a url in a GET /gateway/bot answer that the Manager
// refuses to connect to: not wss (the whole connection, token included,
// would go in plaintext), or a host that is not Discord's and that the
// user did not name. Nothing is dialled.
type GatewayURLError struct {
	// URL is the url as the answer gave it (at most 64 bytes of it).
	URL string
	// Want says what is accepted.
	Want string
}

// Error names the url, what is accepted, and how to use another gateway.
func (e *GatewayURLError) Error() string {
	return fmt.Sprintf("shard: GET /gateway/bot answered url %s, want %s: refusing it "+
		"(to use another gateway, set ManagerConfig.Gateway.URL or list its host in ManagerConfig.GatewayHosts)",
		strconv.Quote(truncateURL(e.URL)), e.Want)
}

func truncateURL(s string) string {
	if len(s) > 64 {
		return s[:64]
	}
	return s
}

// checkGatewayURL judges the url of a GET /gateway/bot answer. Accepted:
// wss to discord.gg or a subdomain; and, ws or wss, a host the user named,
// in trusted (ManagerConfig.GatewayHosts: "host" or "*.domain") or as the
// host of the REST base URL they set (a fake Discord, a proxy): ws there
// only when that base URL is plain http too, so that configuring https
// never leads to a plaintext gateway. A gateway URL the user sets
// (ManagerConfig.Gateway.URL) is not judged: it is theirs.
func checkGatewayURL(raw, restBase string, trusted []string) (*url.URL, error) {
	refuse := func(want string) (*url.URL, error) {
		return nil, &GatewayURLError{URL: raw, Want: want}
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.Scheme != "ws" && u.Scheme != "wss" {
		return refuse("a wss URL with a host")
	}
	host := hostOf(u)
	if host == discordGatewayDomain || strings.HasSuffix(host, "."+discordGatewayDomain) {
		if u.Scheme != "wss" {
			return refuse("wss: a connection to Discord never goes without TLS")
		}
		return u, nil
	}
	for _, h := range trusted {
		h = strings.TrimSuffix(strings.ToLower(h), ".")
		if host == h || strings.HasPrefix(h, "*.") && strings.HasSuffix(host, h[1:]) {
			return u, nil
		}
	}
	if b, err := url.Parse(restBase); err == nil && b.Host != "" && hostOf(b) == host {
		if u.Scheme == "ws" && b.Scheme != "http" {
			return refuse("wss, as the REST base URL " + b.Scheme + "://" + b.Host + " is: the gateway never drops TLS")
		}
		return u, nil
	}
	return refuse("wss with a host under " + discordGatewayDomain +
		", the REST base URL's host, or one in ManagerConfig.GatewayHosts")
}

func hostOf(u *url.URL) string { return strings.TrimSuffix(strings.ToLower(u.Hostname()), ".") }
