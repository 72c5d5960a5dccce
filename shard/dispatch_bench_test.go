package shard

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"unsafe"

	"github.com/wirecord/wirecord/discord"
	"github.com/wirecord/wirecord/internal/benchload/payload"
)

// dispatches returns n seeded MESSAGE_CREATE as the loop hands them to the
// dispatcher. They are reused: the dispatcher only writes to one whose
// decode fails.
func dispatches(tb testing.TB, n int) []*Dispatch {
	tb.Helper()
	out := make([]*Dispatch, n)
	for i := range out {
		var env struct {
			S int64           `json:"s"`
			T string          `json:"t"`
			D json.RawMessage `json:"d"`
		}
		if err := json.Unmarshal(payload.MessageCreate(1, i+2), &env); err != nil {
			tb.Fatal(err)
		}
		out[i] = &Dispatch{Seq: env.S, Name: env.T, Data: env.D}
	}
	return out
}

// dispatchCase is one way a bot listens.
type dispatchCase struct {
	name   string
	listen func(m *Manager, sink *int)
}

var dispatchCases = []dispatchCase{
	// A typed handler: the event is decoded into *discord.MessageCreate.
	{"typed", func(m *Manager, sink *int) {
		On(m, func(ctx context.Context, e *discord.MessageCreate) { *sink += len(e.Content) })
	}},
	// A typed handler that reads what floor-decode reads (Fields): the
	// rest of the event is skipped.
	{"fields", func(m *Manager, sink *int) {
		On(m, func(ctx context.Context, e *discord.MessageCreate) { *sink += len(e.Content) },
			Fields("id", "channel_id", "content", "author"))
	}},
	// A raw handler for the event's name: no decode.
	{"raw", func(m *Manager, sink *int) {
		m.OnDispatch(discord.EventMessageCreate, func(ctx context.Context, e *Dispatch) { *sink += len(e.Data) })
	}},
	// Nobody listens to MESSAGE_CREATE (a handler for another event).
	{"unlistened", func(m *Manager, sink *int) {
		On(m, func(ctx context.Context, e *discord.GuildCreate) { *sink++ })
	}},
}

// BenchmarkDispatchMessageCreate measures the dispatcher's delivery of one
// MESSAGE_CREATE to the handlers of each case, from *Dispatch to the
// handler's return.
func BenchmarkDispatchMessageCreate(b *testing.B) {
	evs := dispatches(b, 512)
	for _, tc := range dispatchCases {
		b.Run(tc.name, func(b *testing.B) {
			var m Manager
			var sink int
			tc.listen(&m, &sink)
			ctx := context.Background()
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				m.dispatcher.deliver(ctx, evs[i%len(evs)])
				i++
			}
		})
	}
}

// dispatchAllocs are the allocations per delivered MESSAGE_CREATE, measured
// when this test was written. TestDispatchAllocationsArePinned fails when
// one grows by more than 20%: if the growth is deliberate, record the new
// figure and say why in the commit.
var dispatchAllocs = map[string]float64{
	"typed":      8, // jsondec.UnmarshalShared (the generated decoders) into MessageCreate; 20 when its strings were copies, 12 before *string slabs, 9 before pooled decoders
	"fields":     2, // the MessageCreate (857 B) and the slab of the author's *string fields
	"raw":        0, // no decode, no allocation
	"unlistened": 0,
}

func TestDispatchAllocationsArePinned(t *testing.T) {
	evs := dispatches(t, 256)
	for _, tc := range dispatchCases {
		var m Manager
		var sink int
		tc.listen(&m, &sink)
		ctx := context.Background()
		i := 0
		got := testing.AllocsPerRun(4*len(evs)-1, func() {
			m.dispatcher.deliver(ctx, evs[i%len(evs)])
			i++
		})
		t.Logf("%s: %.0f allocations per event", tc.name, got)
		if want := dispatchAllocs[tc.name]; got > want*1.2 {
			t.Errorf("%s: %.0f allocations per event, more than 20%% over the %.0f recorded", tc.name, got, want)
		}
		if tc.name != "unlistened" && sink == 0 {
			t.Errorf("%s: the handler never ran", tc.name)
		}
		for _, ev := range evs {
			if ev.Err != nil {
				t.Fatalf("%s: seq %d: %v", tc.name, ev.Seq, ev.Err)
			}
		}
	}
}

// A typed event's strings point into its Data up to maxSharedEvent, and
// are copies beyond, so a string a handler keeps pins at most that much
// of an event (a role name kept from a megabyte GUILD_CREATE pins its own
// bytes only).
func TestTypedStringsShareSmallEventsOnly(t *testing.T) {
	for _, tc := range []struct {
		name   string
		pad    int
		shared bool
	}{
		{"small", 0, true},
		{"at the bound", -1, true},
		{"past the bound", maxSharedEvent, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := []byte(`{"id":"1","channel_id":"2","content":"ping","author":{"id":"3","username":"ann"},"embeds":[{"description":"` + strings.Repeat("x", max(tc.pad, 0)) + `"}]}`)
			if tc.pad < 0 {
				// Grow the description to make data exactly maxSharedEvent long.
				data = []byte(`{"id":"1","channel_id":"2","content":"ping","author":{"id":"3","username":"ann"},"embeds":[{"description":"` + strings.Repeat("x", maxSharedEvent-len(data)) + `"}]}`)
				if len(data) != maxSharedEvent {
					t.Fatalf("data is %d bytes, want %d", len(data), maxSharedEvent)
				}
			}
			var m Manager
			var got *discord.MessageCreate
			On(&m, func(ctx context.Context, e *discord.MessageCreate) { got = e })
			m.dispatcher.deliver(context.Background(), &Dispatch{Name: discord.EventMessageCreate, Data: data})
			if got == nil || got.Content != "ping" || got.Author.Username != "ann" {
				t.Fatalf("handler got %+v", got)
			}
			lo := uintptr(unsafe.Pointer(&data[0]))
			for _, s := range []string{got.Content, got.Author.Username} {
				p := uintptr(unsafe.Pointer(unsafe.StringData(s)))
				if in := p >= lo && p < lo+uintptr(len(data)); in != tc.shared {
					t.Errorf("%d-byte event: %q in Data is %v, want %v", len(data), s, in, tc.shared)
				}
			}
		})
	}
}
