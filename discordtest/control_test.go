package discordtest

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/wirecord/wirecord/discord"
)

func getRecord(t *testing.T, s *Server, query string) []RecordLine {
	t.Helper()
	resp, err := http.Get(s.URL + "/_fake/record" + query)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("GET record%s: %d %s", query, resp.StatusCode, b)
	}
	var out []RecordLine
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		var l RecordLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		out = append(out, l)
	}
	return out
}

func postFault(t *testing.T, s *Server, path string) (int, map[string]any) {
	t.Helper()
	resp, err := http.Post(s.URL+"/_fake/faults/"+path, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatalf("POST %s: body not JSON: %v", path, err)
	}
	return resp.StatusCode, body
}

func TestControlSurfaceAnswersOnlyWhenEnabled(t *testing.T) {
	s := NewServer()
	defer s.Close()
	resp, err := http.Get(s.URL + "/_fake/record")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("without WithControl GET /_fake/record = %d, want 404", resp.StatusCode)
	}
}

func TestControlRecordListsIdentifiesAndSinceSkipsSeenLines(t *testing.T) {
	s := NewServer(WithControl(true), WithShards(2))
	defer s.Close()
	c, _ := dial(t, s.GatewayURL, "v=10&encoding=json")
	c.ready(s.Token, 1, &[2]int{1, 2})
	all := getRecord(t, s, "")
	want := s.Records()
	if len(all) != len(want) || len(all) < 2 {
		t.Fatalf("record has %d lines, server has %d records", len(all), len(want))
	}
	var identified bool
	for i, l := range all {
		if l.Seq != want[i].Seq || l.Kind != want[i].Kind || l.Detail != want[i].Detail {
			t.Errorf("line %d = %+v, record %+v", i, l, want[i])
		}
		if l.Kind == KindIdentified && l.Shard == 1 {
			identified = true
		}
	}
	if !identified {
		t.Errorf("no identified line for shard 1 in %+v", all)
	}
	tail := getRecord(t, s, "?since=1")
	if len(tail) != len(all)-1 || tail[0].Seq != 2 {
		t.Errorf("since=1 gave %+v, want lines from seq 2", tail)
	}
	if got := getRecord(t, s, "?since=1000"); len(got) != 0 {
		t.Errorf("since past the end gave %+v", got)
	}
}

func TestControlFaultsReachTheShardsConnection(t *testing.T) {
	for _, tc := range []struct {
		path   string
		expect func(c *rawClient)
	}{
		{"reconnect", func(c *rawClient) { c.expectOp(discord.OpReconnect) }},
		{"invalid-session?resumable=true", func(c *rawClient) {
			if p := c.expectOp(discord.OpInvalidSession); string(p.D) != "true" {
				t.Errorf("op 9 d = %s, want true", p.D)
			}
		}},
		{"invalid-session", func(c *rawClient) {
			if p := c.expectOp(discord.OpInvalidSession); string(p.D) != "false" {
				t.Errorf("op 9 d = %s, want false", p.D)
			}
		}},
		{"close?code=4000", func(c *rawClient) { c.expectClose(4000) }},
		{"drop", func(c *rawClient) {
			if _, err := c.tryNext(5 * time.Second); err == nil {
				t.Error("connection still delivers after drop")
			}
		}},
	} {
		t.Run(tc.path, func(t *testing.T) {
			s := NewServer(WithControl(true), WithShards(2))
			defer s.Close()
			c, _ := dial(t, s.GatewayURL, "v=10&encoding=json")
			c.ready(s.Token, 1, &[2]int{1, 2})
			status, body := postFault(t, s, "1/"+tc.path)
			if status != http.StatusOK || body["shard"] != float64(1) {
				t.Fatalf("POST 1/%s = %d %v", tc.path, status, body)
			}
			tc.expect(c)
			if _, err := s.WaitKind(t.Context(), KindFault, 1); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestControlBadInputsAnswerJSONErrors(t *testing.T) {
	s := NewServer(WithControl(true), WithShards(2))
	defer s.Close()
	c, _ := dial(t, s.GatewayURL, "v=10&encoding=json")
	c.ready(s.Token, 1, &[2]int{0, 2})
	for _, tc := range []struct {
		path   string
		status int
		says   string
	}{
		{"x/reconnect", 400, "not a shard id"},
		{"-1/reconnect", 400, "not a shard id"},
		{"0/explode", 400, "unknown fault"},
		{"0/close", 400, "not a close code"},
		{"0/close?code=99", 400, "not a close code"},
		{"0/invalid-session?resumable=maybe", 400, "not a boolean"},
		{"1/reconnect", 404, "no open gateway connection"},
	} {
		status, body := postFault(t, s, tc.path)
		msg, _ := body["error"].(string)
		if status != tc.status || !strings.Contains(msg, tc.says) {
			t.Errorf("POST %s = %d %q, want %d and %q", tc.path, status, msg, tc.status, tc.says)
		}
	}
	for _, q := range []string{"?since=-1", "?since=x", "?follow=perhaps"} {
		resp, err := http.Get(s.URL + "/_fake/record" + q)
		if err != nil {
			t.Fatal(err)
		}
		var body map[string]string
		json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if resp.StatusCode != 400 || body["error"] == "" {
			t.Errorf("GET record%s = %d %v, want 400 with an error", q, resp.StatusCode, body)
		}
	}
	if got := len(s.Records()); got == 0 {
		t.Fatal("no records")
	}
	for _, r := range s.Records() {
		if r.Kind == KindFault {
			t.Errorf("a bad request injected a fault: %v", r)
		}
	}
}

// waitNoFollowers spins (without sleeping) until every follow handler has
// returned, or fails after d.
func waitNoFollowers(t *testing.T, s *Server, d time.Duration) {
	t.Helper()
	deadline := time.Now().Add(d)
	for s.followers.Load() != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d follow handlers still running after %v", s.followers.Load(), d)
		}
		runtime.Gosched()
	}
}

func TestControlFollowStreamsNewRecordsAndEndsWhenTheClientGoes(t *testing.T) {
	s := NewServer(WithControl(true), WithShards(2))
	defer s.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", s.URL+"/_fake/record?follow=1", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	c, _ := dial(t, s.GatewayURL, "v=10&encoding=json")
	c.ready(s.Token, 1, &[2]int{0, 2})
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		var l RecordLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatal(err)
		}
		if l.Kind == KindIdentified {
			break
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("stream ended before the identify: %v", err)
	}
	if s.followers.Load() != 1 {
		t.Fatalf("followers = %d, want 1", s.followers.Load())
	}
	cancel()
	waitNoFollowers(t, s, 5*time.Second)
}

func TestControlFollowEndsWhenTheServerCloses(t *testing.T) {
	s := NewServer(WithControl(true))
	resp, err := http.Get(s.URL + "/_fake/record?follow=1")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	deadline := time.Now().Add(5 * time.Second)
	for s.followers.Load() != 1 {
		if time.Now().After(deadline) {
			t.Fatal("the follow handler never started")
		}
		runtime.Gosched()
	}
	start := time.Now()
	s.Close()
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Close took %v with a follower open", d)
	}
	waitNoFollowers(t, s, time.Second)
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		t.Errorf("follow stream ended with %v, want a clean end", err)
	}
}
