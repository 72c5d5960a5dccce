package rest

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// stepClock is a clock tests move by hand; nothing here waits on it.
type stepClock struct{ now time.Time }

func (c *stepClock) Now() time.Time                 { return c.now }
func (c *stepClock) NewTimer(d time.Duration) Timer { return systemClock{}.NewTimer(d) }

// Interaction and webhook routes carry ids that never come back: their
// routes and buckets are forgotten once idle, so the limiter's memory
// stays bounded.
func TestIdleRoutesAndBucketsAreForgotten(t *testing.T) {
	clock := &stepClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	l := NewLimiter(LimiterConfig{Clock: clock}).(*memLimiter)
	for i := range 100 {
		r := routeOf("POST", fmt.Sprintf("/interactions/%d/tok%d/callback", 1000+i, i))
		p, err := l.Acquire(context.Background(), r)
		if err != nil {
			t.Fatal(err)
		}
		l.Release(p, Answer{At: clock.now, Sent: true, Status: 204,
			Headers: Headers{Bucket: "cb", Limit: 1, Remaining: 0, ResetAfter: time.Second}})
	}
	if len(l.routes) != 100 || len(l.buckets) != 100 {
		t.Fatalf("%d routes, %d buckets after 100 interactions", len(l.routes), len(l.buckets))
	}
	clock.now = clock.now.Add(idle + time.Minute)
	r := routeOf("GET", "/users/@me")
	p, err := l.Acquire(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	l.Release(p, Answer{At: clock.now, Sent: true, Status: 200})
	if len(l.routes) != 1 || len(l.buckets) != 1 {
		t.Errorf("%d routes, %d buckets after the idle ones were swept, want 1 and 1", len(l.routes), len(l.buckets))
	}
}
