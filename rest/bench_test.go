package rest

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
)

// The limiter's cost per request when nothing waits: deriving the route,
// a permit, parsing the answer's headers and releasing it.
func BenchmarkLimiter(b *testing.B) {
	l := NewLimiter(LimiterConfig{GlobalPerSecond: 100_000_000})
	h := http.Header{}
	h.Set("X-RateLimit-Bucket", "80c17d2f203122d936070c88c8d10f33")
	h.Set("X-RateLimit-Limit", "100000")
	h.Set("X-RateLimit-Remaining", "99999")
	h.Set("X-RateLimit-Reset-After", "0.001")
	ctx := context.Background()
	var keys routeKeys
	b.ReportAllocs()
	for b.Loop() {
		r := routeIn(&keys, "POST", "/channels/1234567890123456789/messages")
		p, err := l.Acquire(ctx, r)
		if err != nil {
			b.Fatal(err)
		}
		l.Release(p, Answer{Sent: true, Status: 200, Headers: parseHeaders(h)})
	}
}

// stub answers every request at once, without a network.
type stub struct{ header http.Header }

func (s stub) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: 200, Header: s.header, Body: io.NopCloser(strings.NewReader("{}")), Request: r}, nil
}

func benchHeader() http.Header {
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("X-RateLimit-Bucket", "80c17d2f203122d936070c88c8d10f33")
	h.Set("X-RateLimit-Limit", "100000")
	h.Set("X-RateLimit-Remaining", "99999")
	h.Set("X-RateLimit-Reset-After", "0.001")
	return h
}

// A whole call through the client, against BenchmarkPlainHTTP: the
// difference is what the client and its limiter add to net/http.
func BenchmarkClientCall(b *testing.B) {
	c := New("token", WithBaseURL("http://discord.invalid/api/v10"), WithGlobalLimit(100_000_000),
		WithHTTPClient(&http.Client{Transport: stub{benchHeader()}}))
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if err := c.Do(ctx, "GET", "/channels/1234567890123456789/messages", nil, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// The same request with net/http alone.
func BenchmarkPlainHTTP(b *testing.B) {
	hc := &http.Client{Transport: stub{benchHeader()}}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		req, err := http.NewRequestWithContext(ctx, "GET", "http://discord.invalid/api/v10/channels/1234567890123456789/messages", nil)
		if err != nil {
			b.Fatal(err)
		}
		req.Header.Set("Authorization", "Bot token")
		req.Header.Set("User-Agent", DefaultUserAgent)
		resp, err := hc.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		io.ReadAll(io.LimitReader(resp.Body, 8<<20))
		resp.Body.Close()
	}
}
