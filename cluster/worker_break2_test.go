package cluster

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wirecord/wirecord/discord"
	"github.com/wirecord/wirecord/internal/benchload/payload"
	"github.com/wirecord/wirecord/shard"
)

// logLines collects the messages and err attributes of log records.
type logLines struct {
	mu    sync.Mutex
	lines []string
}

func (l *logLines) Enabled(context.Context, slog.Level) bool { return true }
func (l *logLines) Handle(_ context.Context, r slog.Record) error {
	line := r.Message
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "err" || a.Key == "seq" {
			line += " " + a.Key + "=" + a.Value.String()
		}
		return true
	})
	l.mu.Lock()
	l.lines = append(l.lines, line)
	l.mu.Unlock()
	return nil
}
func (l *logLines) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l *logLines) WithGroup(string) slog.Handler      { return l }

// typedCases are MESSAGE_CREATE payloads: realistic ones, ones with
// unknown members holding every kind of value the decoders skip, escapes
// and bytes that are not UTF-8, and bad ones (wrong types, broken JSON,
// nesting past encoding/json's bound).
func typedCases(t *testing.T) [][]byte {
	var out [][]byte
	for i := range 6 {
		var env struct {
			D json.RawMessage `json:"d"`
		}
		if err := json.Unmarshal(payload.MessageCreate(1, i+2), &env); err != nil {
			t.Fatal(err)
		}
		out = append(out, env.D)
	}
	m := string(bytes.TrimSpace(out[0]))
	for _, v := range []string{`-0`, `1E+5`, `[ 1 , { "a" : [ ] } ]`, `"\u00e9\uD800\n"`, "\"\xff\"", `null`,
		strings.Repeat("[", 511) + strings.Repeat("]", 511), strings.Repeat("[", 600) + strings.Repeat("]", 600)} {
		out = append(out, []byte(`{"zz_unknown":`+v+`,`+m[1:]))
	}
	out = append(out,
		[]byte(`{"id":"1","content":"caf\u00e9 \ud83d\ude00 \"q\"","guild_id":"5"}`),
		[]byte("{\"id\":\"2\",\"content\":\"\xff\xfe bad utf-8\"}"),
		[]byte(`{"id":"3","content":"x","CONTENT":"folded"}`),
		// bad payloads
		[]byte(`{"id":"4","content":1}`),
		[]byte(`{"id":"not a snowflake"}`),
		[]byte(`{"id":"5","content":"cut`),
		[]byte(`{"id":"6","tts":tru}`),
		[]byte(`{"id":"7","zz":01}`),
		[]byte(`{"id":"8","zz":"\u12G4"}`),
		[]byte(`{"id":"9","zz":`+strings.Repeat("[", 10001)+strings.Repeat("]", 10001)+`}`),
		[]byte(`[]`),
		[]byte(`{"id":"10","content":"after the bad ones"}`),
	)
	return out
}

// runTypedWorker publishes each of cases as a MESSAGE_CREATE (seq i+1) on
// tc's event stream and runs a worker, named durable, with the handlers
// register adds and an OnDispatch handler that overwrites each payload
// after the typed handlers ran (their values must not share it), until
// every event has reached it, in order. It returns the worker's log.
func runTypedWorker(ctx context.Context, t *testing.T, tc *TestCluster, durable string, cases [][]byte, register func(*Worker)) *logLines {
	t.Helper()
	nc, js, n := memoryEventStream(ctx, t, tc)
	for i, data := range cases {
		m := eventMsg(n, "s1", &shard.Dispatch{ShardID: 0, Seq: int64(i + 1), Name: "MESSAGE_CREATE", Data: bytes.Clone(data)})
		if _, err := js.PublishMsg(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	logs := &logLines{}
	w, err := NewWorker(WorkerConfig{NATS: nc, Durable: durable, Logger: slog.New(logs)})
	if err != nil {
		t.Fatal(err)
	}
	register(w)
	raw := make(chan int64, len(cases))
	w.OnDispatch("MESSAGE_CREATE", func(_ context.Context, d *Delivery) {
		for i := range d.Data {
			d.Data[i] = 'X'
		}
		raw <- d.Seq
	})
	wctx, stop := context.WithCancel(ctx)
	ran := make(chan error, 1)
	go func() { ran <- w.Run(wctx) }()
	for i := range cases {
		select {
		case seq := <-raw:
			if seq != int64(i+1) {
				t.Fatalf("delivery %d arrived as the %dth", seq, i+1)
			}
		case <-ctx.Done():
			t.Fatalf("%d of %d events at the worker", i, len(cases))
		}
	}
	stop()
	if err := <-ran; err != nil {
		t.Fatal(err)
	}
	return logs
}

// A worker's typed handler gets, for each MESSAGE_CREATE, the value
// encoding/json decodes from its payload; a payload encoding/json
// refuses skips the typed handlers and is logged with encoding/json's
// error, and OnDispatch handlers still get it. The values handlers keep
// hold as later events arrive, even when the payload's bytes are
// overwritten after the handlers ran (they point into no delivery).
func TestATypedWorkerHandlerGetsEncodingJSONsValueAndError(t *testing.T) {
	tc := startCluster(t, 1)
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	cases := typedCases(t)
	var mu sync.Mutex
	typed := map[int64]*discord.MessageCreate{}
	content := map[int64]string{}
	logs := runTypedWorker(ctx, t, tc, "typed-break2", cases, func(w *Worker) {
		On(w, func(ctx context.Context, e *discord.MessageCreate) {
			d, _ := DeliveryFromContext(ctx)
			mu.Lock()
			typed[d.Seq] = e
			content[d.Seq] = strings.Clone(e.Content)
			mu.Unlock()
		})
	})

	mu.Lock()
	defer mu.Unlock()
	logs.mu.Lock()
	defer logs.mu.Unlock()
	logged := strings.Join(logs.lines, "\n")
	lines := map[string]bool{}
	for _, l := range logs.lines {
		lines[l] = true
	}
	for i, data := range cases {
		seq := int64(i + 1)
		want := new(discord.MessageCreate)
		wantErr := json.Unmarshal(data, want)
		got, ok := typed[seq]
		line := fmt.Sprintf("event not decoded; typed handlers skipped seq=%d err=cluster: decoding MESSAGE_CREATE: %v", seq, wantErr)
		switch {
		case wantErr != nil && ok:
			t.Errorf("event %d (%.60q): encoding/json refuses it (%v), the typed handler got %+v", seq, data, wantErr, got)
		case wantErr != nil && !lines[line]:
			t.Errorf("event %d (%.60q): no log line %q in\n%s", seq, data, line, logged)
		case wantErr == nil && !ok:
			t.Errorf("event %d (%.60q): encoding/json decodes it, the typed handler did not get it", seq, data)
		case wantErr == nil && !reflect.DeepEqual(got, want):
			t.Errorf("event %d (%.60q): the typed handler's value differs from encoding/json's (content %.40q, want %.40q)", seq, data, got.Content, want.Content)
		case wantErr == nil && content[seq] != want.Content:
			t.Errorf("event %d: content %.40q in the handler, want %.40q", seq, content[seq], want.Content)
		}
	}
}
