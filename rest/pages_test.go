package rest_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/wirecord/wirecord/discord"
	"github.com/wirecord/wirecord/rest"
)

// channelHistory serves GET /channels/{id}/messages from n messages with
// IDs 1..n, newest first, honouring before and limit as Discord does, and
// records the before of each request ("" for none).
func channelHistory(t *testing.T, n int) (*rest.Client, func() []string) {
	var mu sync.Mutex
	var befores []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		mu.Lock()
		befores = append(befores, q.Get("before"))
		mu.Unlock()
		before, limit := n+1, 50
		if b := q.Get("before"); b != "" {
			before, _ = strconv.Atoi(b)
		}
		if l := q.Get("limit"); l != "" {
			limit, _ = strconv.Atoi(l)
		}
		var items []string
		for id := before - 1; id >= 1 && len(items) < limit; id-- {
			items = append(items, fmt.Sprintf(`{"id":"%d","channel_id":"7","author":{"id":"9","username":"u"},"content":"m%d","timestamp":"2026-11-30T18:04:11Z","type":0}`, id, id))
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, "["+strings.Join(items, ",")+"]")
	}))
	t.Cleanup(srv.Close)
	return rest.New("t", rest.WithBaseURL(srv.URL)), func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), befores...)
	}
}

// The iterator pages back through the history with before = the oldest
// ID seen, and stops at the short last page.
func TestListMessagesAllPagesWithBeforeUntilAShortPage(t *testing.T) {
	c, befores := channelHistory(t, 250)
	var ids []discord.MessageID
	for m, err := range c.ListMessagesAll(context.Background(), 7, rest.ListMessagesOptions{}) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, m.ID)
	}
	if len(ids) != 250 || ids[0] != 250 || ids[249] != 1 {
		t.Fatalf("%d messages, first %d, last %d; want 250 from 250 down to 1", len(ids), ids[0], ids[len(ids)-1])
	}
	for i := 1; i < len(ids); i++ {
		if ids[i] != ids[i-1]-1 {
			t.Fatalf("message %d is %d after %d: a page was skipped or repeated", i, ids[i], ids[i-1])
		}
	}
	if got := befores(); strings.Join(got, ",") != ",151,51" {
		t.Errorf("before per request: %q, want [\"\" 151 51]", got)
	}
}

// A caller's own cursor and page size are where the iterator starts.
func TestListMessagesAllStartsFromTheCallersCursor(t *testing.T) {
	c, befores := channelHistory(t, 250)
	n := 0
	for _, err := range c.ListMessagesAll(context.Background(), 7, rest.ListMessagesOptions{Before: 31, Limit: 10}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if got := befores(); n != 30 || strings.Join(got, ",") != "31,21,11,1" {
		t.Errorf("%d messages, before per request %q; want 30 and [31 21 11 1]", n, got)
	}
}

// When ctx ends the iterator asks for no further page and yields the
// context's error.
func TestListMessagesAllStopsWhenTheContextEnds(t *testing.T) {
	c, befores := channelHistory(t, 250)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	n := 0
	var last error
	for _, err := range c.ListMessagesAll(ctx, 7, rest.ListMessagesOptions{}) {
		if err != nil {
			last = err
			break
		}
		if n++; n == 100 {
			cancel() // the end of the first page
		}
	}
	if !errors.Is(last, context.Canceled) || n != 100 || len(befores()) != 1 {
		t.Errorf("after %d messages and %d requests: %v; want 100, 1 and context.Canceled", n, len(befores()), last)
	}
}

// Breaking out of the loop stops the iterator: no request follows.
func TestListMessagesAllStopsWhenTheCallerBreaks(t *testing.T) {
	c, befores := channelHistory(t, 250)
	for range c.ListMessagesAll(context.Background(), 7, rest.ListMessagesOptions{}) {
		break
	}
	if n := len(befores()); n != 1 {
		t.Errorf("%d requests after a break on the first message, want 1", n)
	}
}

// multipartServer records the parts of one multipart request.
func multipartServer(t *testing.T, answer string) (*rest.Client, func() []part) {
	var mu sync.Mutex
	var parts []part
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if err != nil || mt != "multipart/form-data" {
			t.Errorf("Content-Type %q: %v", r.Header.Get("Content-Type"), err)
		}
		mr := multipart.NewReader(r.Body, params["boundary"])
		for {
			p, err := mr.NextPart()
			if err != nil {
				break
			}
			b, _ := io.ReadAll(p)
			mu.Lock()
			parts = append(parts, part{p.FormName(), p.FileName(), string(b)})
			mu.Unlock()
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, answer)
	}))
	t.Cleanup(srv.Close)
	return rest.New("t", rest.WithBaseURL(srv.URL)), func() []part {
		mu.Lock()
		defer mu.Unlock()
		return append([]part(nil), parts...)
	}
}

type part struct{ name, file, body string }

// CreateMessage with files sends the body as payload_json and each file
// as files[i].
func TestCreateMessageUploadsFiles(t *testing.T) {
	c, parts := multipartServer(t, messageJSON)
	_, err := c.CreateMessage(context.Background(), 7, discord.MessageSend{Content: "report",
		Attachments: []discord.UploadAttachment{{ID: 0, Filename: "r.csv", Description: "numbers"}}},
		rest.CreateMessageOptions{Files: []rest.File{{Name: "r.csv", ContentType: "text/csv", Reader: strings.NewReader("a,b\n1,2\n")}}})
	if err != nil {
		t.Fatal(err)
	}
	want := []part{
		{"payload_json", "", `{"content":"report","attachments":[{"id":"0","filename":"r.csv","description":"numbers"}]}`},
		{"files[0]", "r.csv", "a,b\n1,2\n"},
	}
	if fmt.Sprint(parts()) != fmt.Sprint(want) {
		t.Errorf("parts\n%q\nwant\n%q", parts(), want)
	}
}

// Create Guild Sticker is multipart only: its fields are form fields and
// its one file is the part "file" (Discord: Create Guild Sticker).
func TestCreateGuildStickerSendsFormFieldsAndOneFile(t *testing.T) {
	c, parts := multipartServer(t, `{"id":"1210000000000000001","name":"wave","tags":"wave","type":2,"format_type":1,"description":null,"available":true,"guild_id":"1130000000000000001"}`)
	got, err := c.CreateGuildSticker(context.Background(), 1130000000000000001, rest.CreateGuildStickerParams{Name: "wave", Tags: "wave", Description: "hello"},
		rest.CreateGuildStickerOptions{Files: []rest.File{{Name: "wave.png", ContentType: "image/png", Reader: strings.NewReader("PNG")}}, Reason: "new sticker"})
	if err != nil || got.ID != 1210000000000000001 || got.FormatType != 1 {
		t.Fatalf("%+v %v", got, err)
	}
	want := []part{{"description", "", "hello"}, {"name", "", "wave"}, {"tags", "", "wave"}, {"file", "wave.png", "PNG"}}
	if fmt.Sprint(parts()) != fmt.Sprint(want) {
		t.Errorf("parts\n%q\nwant\n%q", parts(), want)
	}
}
