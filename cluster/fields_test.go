package cluster

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wirecord/wirecord/discord"
	"github.com/wirecord/wirecord/internal/fastjson"
	"github.com/wirecord/wirecord/internal/jsondec"
)

// Three typed handlers of one worker: Fields("id", "content"),
// Fields("id") and all fields. Each gets, for each MESSAGE_CREATE of
// typedCases and two more, what jsondec decodes for its own fields (the
// decode jsondec's tests hold to encoding/json), fresh: its values hold
// after the payload's bytes are overwritten. The fields it did not name
// stay zero, those it named equal the whole decode's, and a payload that
// fails one handler's decode skips that handler only: a content of the
// wrong type fails the handler that named content and not the one that
// named only id. Each failing event is logged once.
func TestWorkerFieldsNarrowEachHandlersOwnDecode(t *testing.T) {
	tc := startCluster(t, 1)
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	cases := append(typedCases(t),
		[]byte(`{"id":"11","content":"named","author":{"id":1},"tts":"not a bool"}`),
		[]byte(`{"id":"12","content":["not","a","string"]}`))
	handlers := []struct {
		name string
		keys []string
	}{{"id+content", []string{"id", "content"}}, {"id", []string{"id"}}, {"all", nil}}
	var mu sync.Mutex
	got := make([]map[int64]*discord.MessageCreate, len(handlers))
	logs := runTypedWorker(ctx, t, tc, "typed-fields", cases, func(w *Worker) {
		for h, hd := range handlers {
			got[h] = map[int64]*discord.MessageCreate{}
			var opts []TypedOption
			if hd.keys != nil {
				opts = append(opts, Fields(hd.keys...))
			}
			On(w, func(ctx context.Context, e *discord.MessageCreate) {
				d, _ := DeliveryFromContext(ctx)
				mu.Lock()
				got[h][d.Seq] = e
				mu.Unlock()
			}, opts...)
		}
	})

	mu.Lock()
	defer mu.Unlock()
	logs.mu.Lock()
	defer logs.mu.Unlock()
	logged := map[int64]int{}
	for _, l := range logs.lines {
		if strings.HasPrefix(l, "event not decoded; typed handlers skipped seq=") {
			var seq int64
			if _, err := fmtSscan(l, &seq); err == nil {
				logged[seq]++
			}
		}
	}
	failing := map[int64]bool{}
	for h, hd := range handlers {
		for i, data := range cases {
			seq := int64(i + 1)
			want := new(discord.MessageCreate)
			var wantErr error
			if hd.keys == nil {
				wantErr = jsondec.UnmarshalFresh(data, want)
			} else {
				mask, err := fastjson.MaskOf(want, hd.keys)
				if err != nil {
					t.Fatal(err)
				}
				wantErr = jsondec.UnmarshalFields(data, want, false, mask)
			}
			v, ok := got[h][seq]
			switch {
			case wantErr != nil:
				failing[seq] = true
				if ok {
					t.Errorf("%s, event %d (%.60q): the decode fails (%v), the handler got %+v", hd.name, seq, data, wantErr, v)
				}
			case !ok:
				t.Errorf("%s, event %d (%.60q): it decodes, the handler did not get it", hd.name, seq, data)
			case !reflect.DeepEqual(v, want):
				t.Errorf("%s, event %d (%.60q): the handler's value differs from jsondec's", hd.name, seq, data)
			case hd.keys != nil:
				full := new(discord.MessageCreate)
				if json.Unmarshal(data, full) == nil && (v.ID != full.ID || hd.name == "id+content" && v.Content != full.Content) {
					t.Errorf("%s, event %d: named fields %v %q, whole decode %v %q", hd.name, seq, v.ID, v.Content, full.ID, full.Content)
				}
				// (A case-folded "CONTENT" is decoded as encoding/json does,
				// into Content.)
				folded := bytes.Contains(data, []byte(`"CONTENT"`))
				if v.Author.ID != 0 || v.Mentions != nil || v.Timestamp != (time.Time{}) || hd.name == "id" && v.Content != "" && !folded {
					t.Errorf("%s, event %d: a field not named was decoded: %+v", hd.name, seq, v)
				}
			}
		}
	}
	// The wrong types that fail only where named.
	if _, ok := got[1][int64(len(cases)-1)]; !ok {
		t.Error(`Fields("id") did not get the event whose tts is a string`)
	}
	if _, ok := got[1][int64(len(cases))]; !ok {
		t.Error(`Fields("id") did not get the event whose content is an array`)
	}
	if _, ok := got[0][int64(len(cases))]; ok {
		t.Error(`Fields("id", "content") got the event whose content is an array`)
	}
	for i := range cases {
		seq := int64(i + 1)
		if want := map[bool]int{true: 1}[failing[seq]]; logged[seq] != want {
			t.Errorf("event %d logged %d times, want %d", seq, logged[seq], want)
		}
	}
}

// fmtSscan reads the seq of a logLines line.
func fmtSscan(line string, seq *int64) (int, error) {
	return fmt.Sscanf(strings.TrimPrefix(line, "event not decoded; typed handlers skipped seq="), "%d", seq)
}

// A key that is not one of the event's top-level fields panics at
// registration; Fields() naming none and a user's own type do not.
func TestWorkerFieldsTyposPanic(t *testing.T) {
	w := &Worker{raw: map[string]map[uint64]func(context.Context, *Delivery){}, typed: map[string]map[uint64]func(context.Context, *Delivery) error{}}
	func() {
		defer func() {
			if r := recover(); r == nil || !strings.Contains(r.(string), `cluster.Fields: `) || !strings.Contains(r.(string), `"contnet"`) {
				t.Errorf("On with Fields(\"contnet\") recovered %v, want a cluster.Fields panic naming the key", r)
			}
		}()
		On(w, func(context.Context, *discord.MessageCreate) {}, Fields("content", "contnet"))
	}()
	On(w, func(context.Context, *discord.MessageCreate) {}, Fields())
	On(w, func(context.Context, *ownEvent) {}, Fields("anything"))
	if len(w.typed[discord.EventMessageCreate]) != 1 || len(w.typed["OWN_EVENT"]) != 1 {
		t.Errorf("handlers registered: %d MESSAGE_CREATE, %d OWN_EVENT; want 1 each", len(w.typed[discord.EventMessageCreate]), len(w.typed["OWN_EVENT"]))
	}
}

// ownEvent is a user's own event type, which the generated decoders do
// not take.
type ownEvent struct {
	Anything string `json:"anything"`
}

func (*ownEvent) EventName() string { return "OWN_EVENT" }
