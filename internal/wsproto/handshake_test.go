package wsproto

import (
	"bufio"
	"bytes"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestAcceptKeyOfRFC6455(t *testing.T) {
	// The worked example of RFC 6455 §1.3.
	if got := AcceptKey("dGhlIHNhbXBsZSBub25jZQ=="); got != "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=" {
		t.Errorf("AcceptKey = %q", got)
	}
}

func TestUpgradeRequestRoundTrip(t *testing.T) {
	for _, tc := range []struct{ url, target, host string }{
		{"wss://gateway.example.test/?v=10&encoding=json", "/?v=10&encoding=json", "gateway.example.test"},
		{"wss://gateway.example.test:443", "/", "gateway.example.test"},
		{"ws://127.0.0.1:8765/gateway?v=10", "/gateway?v=10", "127.0.0.1:8765"},
		{"ws://[::1]:80/", "/", "[::1]"},
	} {
		u, _ := url.Parse(tc.url)
		key, _ := NewKey(bytes.NewReader(make([]byte, 16)))
		raw := AppendUpgradeRequest(nil, u, key, http.Header{"User-Agent": {"DiscordBot (x, 1)"}})
		req, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(raw)))
		if err != nil {
			t.Fatalf("%s: %v\n%s", tc.url, err, raw)
		}
		if req.RequestURI != tc.target || req.Host != tc.host || req.UserAgent() != "DiscordBot (x, 1)" {
			t.Errorf("%s: target %q host %q", tc.url, req.RequestURI, req.Host)
		}
		got, err := CheckUpgradeRequest(req)
		if err != nil || got != key {
			t.Errorf("%s: server check %q %v", tc.url, got, err)
		}
		resp, n, err := ReadResponse(AppendUpgradeResponse(nil, key, nil), 4096)
		if err != nil || n == 0 || CheckUpgrade(resp, key) != nil {
			t.Errorf("%s: response %v %v", tc.url, resp, err)
		}
	}
}

func TestUpgradeChecks(t *testing.T) {
	key := "dGhlIHNhbXBsZSBub25jZQ=="
	good := "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: keep-alive, Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
	for _, tc := range []struct {
		name, head string
		ok         bool
	}{
		{"good", good + "\r\n", true},
		{"refused", "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n", false},
		{"wrong accept", strings.Replace(good, "s3pP", "AAAA", 1) + "\r\n", false},
		{"no upgrade token", strings.Replace(good, "keep-alive, Upgrade", "keep-alive", 1) + "\r\n", false},
		{"extension not offered", good + "Sec-WebSocket-Extensions: permessage-deflate\r\n\r\n", false},
	} {
		resp, _, err := ReadResponse([]byte(tc.head), 4096)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		err = CheckUpgrade(resp, key)
		var he *HandshakeError
		if tc.ok != (err == nil) || (!tc.ok && !errors.As(err, &he)) {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
}

func TestReadResponseWaitsForTheWholeHead(t *testing.T) {
	head := "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\nRetry-After: 5\r\n\r\nbusy"
	for i := 0; i < len(head)-5; i++ {
		if resp, n, err := ReadResponse([]byte(head[:i]), 4096); resp != nil || n != 0 || err != nil {
			t.Fatalf("at %d: %v %d %v", i, resp, n, err)
		}
	}
	resp, n, err := ReadResponse([]byte(head), 4096)
	if err != nil || resp.StatusCode != 503 || resp.Status != "503 Service Unavailable" || resp.ContentLength != 4 || head[n:] != "busy" {
		t.Fatalf("%+v %d %v", resp, n, err)
	}
	if _, _, err := ReadResponse([]byte(strings.Repeat("x", 5000)), 4096); err == nil {
		t.Error("an endless head was accepted")
	}
	if _, _, err := ReadResponse([]byte("garbage\r\n\r\n"), 4096); err == nil {
		t.Error("a malformed head was accepted")
	}
}

func TestDecodeChunked(t *testing.T) {
	body := "4\r\nWiki\r\n6;ext=1\r\npedia \r\nE\r\nin \r\n\r\nchunks.\r\n0\r\n\r\n"
	// Complete once the last chunk's "0" line is in (trailers are ignored).
	last := strings.LastIndex(body, "0\r\n")
	for i := 0; i < last+3; i++ {
		got, complete, err := DecodeChunked([]byte(body[:i]))
		if err != nil || complete {
			t.Fatalf("at %d: %q %v %v", i, got, complete, err)
		}
	}
	got, complete, err := DecodeChunked([]byte(body))
	if err != nil || !complete || string(got) != "Wikipedia in \r\n\r\nchunks." {
		t.Errorf("%q %v %v", got, complete, err)
	}
	if _, _, err := DecodeChunked([]byte("zz\r\n")); err == nil {
		t.Error("bad size accepted")
	}
}

func TestUpgradeRequestRules(t *testing.T) {
	base := func() *http.Request {
		r, _ := http.NewRequest("GET", "http://x/", nil)
		r.Header.Set("Upgrade", "websocket")
		r.Header.Set("Connection", "Upgrade")
		r.Header.Set("Sec-WebSocket-Version", "13")
		r.Header.Set("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
		return r
	}
	for name, mutate := range map[string]func(r *http.Request){
		"post":        func(r *http.Request) { r.Method = "POST" },
		"no upgrade":  func(r *http.Request) { r.Header.Del("Upgrade") },
		"version 8":   func(r *http.Request) { r.Header.Set("Sec-WebSocket-Version", "8") },
		"short key":   func(r *http.Request) { r.Header.Set("Sec-WebSocket-Key", "c2hvcnQ=") },
		"no conn hdr": func(r *http.Request) { r.Header.Del("Connection") },
	} {
		r := base()
		mutate(r)
		if _, err := CheckUpgradeRequest(r); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := CheckUpgradeRequest(base()); err != nil {
		t.Error(err)
	}
}
