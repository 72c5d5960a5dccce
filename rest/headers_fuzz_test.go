package rest

import (
	"encoding/json"
	"net/http"
	"testing"
	"unicode/utf8"
)

// Whatever a server puts in the X-RateLimit-* headers, the limiter sees
// values inside the ranges of the package doc's table.
func FuzzParseHeaders(f *testing.F) {
	f.Add("80c17d2f203122d936070c88c8d10f33", "5", "4", "4.999")
	f.Add("abcd", "1", "0", "0.001")
	f.Add("abcd", "0", "0", "1")
	f.Add("abcd", "10", "-5", "86400")
	f.Add("abcd", "10", "50", "1e300")
	f.Add("abcd", "99999999999999999999", "1", "NaN")
	f.Add("", "5", "4", "1")
	f.Add("abcd", "5", "4", "-1")
	f.Fuzz(func(t *testing.T, bucket, limit, remaining, resetAfter string) {
		h := http.Header{}
		h.Set("X-RateLimit-Bucket", bucket)
		h.Set("X-RateLimit-Limit", limit)
		h.Set("X-RateLimit-Remaining", remaining)
		h.Set("X-RateLimit-Reset-After", resetAfter)
		got := parseHeaders(h)
		if got.Bucket == "" {
			if got != (Headers{}) {
				t.Fatalf("no bucket but values: %+v", got)
			}
			return
		}
		if len(got.Bucket) > maxBucketHash || got.Limit < 1 || got.Limit > maxLimit ||
			got.Remaining < 0 || got.Remaining > got.Limit || got.ResetAfter < 0 || got.ResetAfter > maxPause {
			t.Fatalf("out of range: %+v", got)
		}
	})
}

// Whatever a 429 says, the wait is positive and at most a day, and the
// scope is one of Discord's three.
func FuzzParse429(f *testing.F) {
	f.Add([]byte(`{"message":"You are being rate limited.","retry_after":64.57,"global":false}`), "user", "", "65")
	f.Add([]byte(`{"message":"You are being rate limited.","retry_after":1.5,"global":true}`), "global", "true", "2")
	f.Add([]byte(`{"message":"The resource is being rate limited.","retry_after":1336.57,"global":false,"code":0}`), "shared", "", "1337")
	f.Add([]byte(`{"retry_after":86400}`), "user", "", "")
	f.Add([]byte(`{"retry_after":-1}`), "", "", "-3")
	f.Add([]byte(`{"retry_after":1e309}`), "weird", "", "x")
	f.Add([]byte(`error code: 1015`), "", "", "3600")
	f.Add([]byte(``), "", "", "")
	f.Fuzz(func(t *testing.T, body []byte, scope, global, retryAfter string) {
		h := http.Header{}
		h.Set("X-RateLimit-Scope", scope)
		h.Set("X-RateLimit-Global", global)
		h.Set("Retry-After", retryAfter)
		rl := parse429(h, body)
		if rl.retryAfter <= 0 || rl.retryAfter > maxPause {
			t.Fatalf("retry after %v", rl.retryAfter)
		}
		switch rl.scope {
		case ScopeUser, ScopeShared, ScopeGlobal:
		default:
			t.Fatalf("scope %q", rl.scope)
		}
		if rl.global != (rl.scope == ScopeGlobal) {
			t.Fatalf("global %v with scope %q", rl.global, rl.scope)
		}
	})
}

// Whatever an error body holds, decoding it never fails the call: the
// message is bounded and valid UTF-8 when it was, and the field errors
// are JSON.
func FuzzDecodeError(f *testing.F) {
	f.Add([]byte(`{"message":"Unknown Channel","code":10003}`))
	f.Add([]byte(`{"message":"Invalid Form Body","code":50035,"errors":{"content":{"_errors":[{"code":"BASE_TYPE_MAX_LENGTH","message":"Must be 2000 or fewer in length."}]}}}`))
	f.Add([]byte(`{"message":"401: Unauthorized","code":0}`))
	f.Add([]byte(`{"code":1e99,"message":null}`))
	f.Add([]byte(`{"code":"10003"}`))
	f.Add([]byte(`<html>502 Bad Gateway</html>`))
	f.Add([]byte(`{"errors":null}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		e := &Error{Method: "GET", Path: "/x", Status: 400}
		decodeError(e, body)
		if len(e.Message) > maxErrorMessage+3 {
			t.Fatalf("message of %d bytes", len(e.Message))
		}
		if e.Errors != nil && !json.Valid(e.Errors) {
			t.Fatalf("field errors not JSON: %q", e.Errors)
		}
		if utf8.Valid(body) && !utf8.ValidString(e.Message) {
			t.Fatalf("message not UTF-8: %q", e.Message)
		}
		_ = e.Error()
	})
}
