package discordtest

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestSharedLimitAnswersSharedScope429sOnItsSchedule(t *testing.T) {
	s := NewServer(WithRouteLimit(RouteGetCurrentUser, RouteLimit{Bucket: "me", Limit: 100, Window: time.Minute}),
		WithSharedLimit(RouteGetCurrentUser, SharedLimit{Every: 3, RetryAfter: time.Minute}))
	defer s.Close()
	var got []int
	for range 4 {
		resp, _ := call(t, s, "GET", "/users/@me", nil, true)
		got = append(got, resp.StatusCode)
		if resp.StatusCode == 429 && resp.Header.Get("X-RateLimit-Scope") != "shared" {
			t.Errorf("scope %q, want shared", resp.Header.Get("X-RateLimit-Scope"))
		}
	}
	// The third is limited, and the fourth falls within its retry_after.
	if want := []int{200, 200, 429, 429}; !equalInts(got, want) {
		t.Errorf("statuses %v, want %v", got, want)
	}
	if s.InvalidRequests() != 0 {
		t.Errorf("%d invalid requests: shared 429s do not count", s.InvalidRequests())
	}
	if !recorded(s, KindFault, "shared 429") {
		t.Error("the shared 429 was not recorded")
	}
}

func TestBucketHashChangeMovesTheRouteToAFreshBucket(t *testing.T) {
	s := NewServer(WithRouteLimit(RouteGetCurrentUser, RouteLimit{Bucket: "old", Limit: 2, Window: time.Minute}),
		WithBucketHashChange(RouteGetCurrentUser, HashChange{After: 2, Bucket: "new"}))
	defer s.Close()
	var buckets []string
	for range 3 {
		resp, _ := call(t, s, "GET", "/users/@me", nil, true)
		if resp.StatusCode != 200 {
			t.Fatalf("status %d: the new bucket should have a fresh budget", resp.StatusCode)
		}
		buckets = append(buckets, resp.Header.Get("X-RateLimit-Bucket"))
	}
	if strings.Join(buckets, ",") != "old,old,new" {
		t.Errorf("buckets %v, want old, old, new", buckets)
	}
	if !recorded(s, KindFault, "hash old -> new") {
		t.Error("the change was not recorded")
	}
}

func TestEdgeErrorsCarryNoRateLimitHeadersAndCountNowhere(t *testing.T) {
	s := NewServer(WithEdgeErrors(2, http.StatusBadGateway), WithGlobalLimit(2))
	defer s.Close()
	var got []int
	for range 3 {
		resp, _ := call(t, s, "GET", "/users/@me", nil, true)
		got = append(got, resp.StatusCode)
		if resp.StatusCode == 502 && resp.Header.Get("X-RateLimit-Bucket") != "" {
			t.Error("a 502 from the edge carries bucket headers")
		}
	}
	// The edge's 502 did not spend the global limit of 2: the third
	// request passes.
	if want := []int{200, 502, 200}; !equalInts(got, want) {
		t.Errorf("statuses %v, want %v", got, want)
	}
	calls := s.RESTCalls()
	if !calls[1].Edge || calls[1].Global || calls[0].Edge || !calls[0].Global {
		t.Errorf("calls %+v", calls)
	}
}

func TestInvalidRequestsBanTheClientAtTheThreshold(t *testing.T) {
	s := NewServer(WithInvalidRequestBan(3, time.Minute, time.Hour))
	defer s.Close()
	for range 3 {
		if resp, _ := call(t, s, "GET", "/users/@me", nil, false); resp.StatusCode != 401 {
			t.Fatalf("status %d, want 401", resp.StatusCode)
		}
	}
	resp, body := call(t, s, "GET", "/users/@me", nil, true)
	if resp.StatusCode != 429 || !strings.Contains(string(body), "1015") || resp.Header.Get("Retry-After") == "" ||
		resp.Header.Get("X-RateLimit-Scope") != "" {
		t.Fatalf("after the threshold: %d %q %v, want Cloudflare's ban", resp.StatusCode, body, resp.Header)
	}
	if !s.Banned() {
		t.Error("Banned() is false")
	}
	found := false
	for _, v := range s.Violations() {
		found = found || v.Rule == RuleInvalidRequestBan
	}
	if !found {
		t.Error("the ban is not a recorded violation")
	}
}

func TestAnAvoidable429IsAViolation(t *testing.T) {
	s := NewServer(WithRouteLimit(RouteGetCurrentUser, RouteLimit{Bucket: "me", Limit: 1, Window: time.Minute}))
	defer s.Close()
	call(t, s, "GET", "/users/@me", nil, true)
	call(t, s, "GET", "/users/@me", nil, true)
	found := false
	for _, v := range s.Violations() {
		found = found || v.Rule == RuleRESTRateLimit
	}
	if !found {
		t.Errorf("violations %v, want the bucket's 429", s.Violations())
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func recorded(s *Server, kind RecordKind, detail string) bool {
	for _, r := range s.Records() {
		if r.Kind == kind && strings.Contains(r.Detail, detail) {
			return true
		}
	}
	return false
}
