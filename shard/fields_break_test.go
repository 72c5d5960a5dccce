package shard

import (
	"context"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"unsafe"

	"github.com/wirecord/wirecord/discord"
)

var (
	typeOfOwn           = reflect.TypeFor[ownMessage]()
	typeOfMessageCreate = reflect.TypeFor[discord.MessageCreate]()
)

// checkFull reports whether e holds every field of fieldsEvent.
func checkFull(e *discord.MessageCreate) bool {
	return e.ID == 1 && e.ChannelID == 2 && e.Content == "ping" && e.Author.Username == "ann" &&
		len(e.Embeds) == 1 && len(e.Mentions) == 1 && e.TTS && e.GuildID == 5
}

// Handlers with and without Fields registered and removed while events
// are delivered from several goroutines: each handler always gets the
// fields it named (all of them when it named none), and nothing races.
func TestFieldsHandlersComeAndGoWhileEventsFlow(t *testing.T) {
	var m Manager
	var bad atomic.Int64
	var contentSeen, fullSeen, authorSeen atomic.Int64
	On(&m, func(ctx context.Context, e *discord.MessageCreate) {
		contentSeen.Add(1)
		if e.Content != "ping" {
			bad.Add(1)
		}
	}, Fields("content"))
	const deliverers, events, churns = 4, 300, 300
	var wg sync.WaitGroup
	for range deliverers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range events {
				deliverData(&m, fieldsEvent)
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := range churns {
			var remove func()
			switch i % 3 {
			case 0:
				remove = On(&m, func(ctx context.Context, e *discord.MessageCreate) {
					fullSeen.Add(1)
					if !checkFull(e) {
						bad.Add(1)
					}
				})
			case 1:
				remove = On(&m, func(ctx context.Context, e *discord.MessageCreate) {
					authorSeen.Add(1)
					if e.Author.Username != "ann" || e.Author.GlobalName == nil || *e.Author.GlobalName != "Ann" {
						bad.Add(1)
					}
				}, Fields("author"))
			default:
				remove = On(&m, func(ctx context.Context, e *ownMessage) {
					if e.ID != "1" || e.Content != "ping" {
						bad.Add(1)
					}
				}, Fields("content"))
			}
			deliverData(&m, fieldsEvent) // at least one event meets each handler
			remove()
		}
	}()
	wg.Wait()
	if bad.Load() != 0 {
		t.Fatalf("%d deliveries lacked a field the handler named", bad.Load())
	}
	if contentSeen.Load() != deliverers*events+churns || fullSeen.Load() == 0 || authorSeen.Load() == 0 {
		t.Fatalf("content handler ran %d times (want %d), full %d, author %d", contentSeen.Load(), deliverers*events+churns, fullSeen.Load(), authorSeen.Load())
	}
}

// A typed WaitFor for an event whose typed handlers all name Fields gets
// the whole event, and so do those handlers while it waits.
func TestFieldsTypedWaitForGetsEveryField(t *testing.T) {
	var m Manager
	var seen []*discord.MessageCreate
	On(&m, func(ctx context.Context, e *discord.MessageCreate) { seen = append(seen, e) }, Fields("content"))
	type result struct {
		e   *discord.MessageCreate
		err error
	}
	done := make(chan result, 1)
	go func() {
		e, err := WaitFor(context.Background(), &m, func(e *discord.MessageCreate) bool { return true })
		done <- result{e, err}
	}()
	var r result
	for delivered := false; !delivered; {
		deliverData(&m, fieldsEvent) // until the waiter, once registered, takes one
		select {
		case r = <-done:
			delivered = true
		default:
		}
	}
	if r.err != nil || !checkFull(r.e) {
		t.Fatalf("WaitFor got %+v, %v", r.e, r.err)
	}
	shared := false
	for _, e := range seen {
		shared = shared || e == r.e
	}
	if !shared {
		t.Fatalf("the handler never got the value the waiter got")
	}
	deliverData(&m, fieldsEvent)
	if last := seen[len(seen)-1]; last.ID != 0 || last.Content != "ping" {
		t.Fatalf("after the waiter left, the handler got %+v", last)
	}
}

// Typed handlers and waiters of another Go type for the same event do not
// widen the decode of a Fields handler's type, and are not narrowed by it.
func TestFieldsOfOneTypeLeaveAnotherTypeOfTheEventAlone(t *testing.T) {
	var m Manager
	var msg *discord.MessageCreate
	var own *ownMessage
	On(&m, func(ctx context.Context, e *discord.MessageCreate) { msg = e }, Fields("content"))
	On(&m, func(ctx context.Context, e *ownMessage) { own = e })
	// A typed waiter for the other type, never satisfied.
	defer m.dispatcher.add(func(id uint64) {
		if m.dispatcher.waiters == nil {
			m.dispatcher.waiters = map[uint64]*waiter{}
		}
		m.dispatcher.waiters[id] = &waiter{name: discord.EventMessageCreate, typ: typeOfOwn,
			ch: make(chan any, 1), typedMatch: func(any) bool { return false }}
	})()
	deliverData(&m, fieldsEvent)
	if msg == nil || msg.Content != "ping" || msg.ID != 0 || msg.TTS {
		t.Errorf("MessageCreate with Fields(content): %+v", msg)
	}
	if own == nil || own.ID != "1" || own.Content != "ping" {
		t.Errorf("ownMessage: %+v", own)
	}
}

// Fields naming no key names no field: the handler reads every field,
// as fieldsOf's documentation says ("nil when they name none") and the
// dispatcher's rule says (every field when a handler names none). A
// list of keys built at run time may well be empty.
func TestFieldsWithNoKeysDecodesEveryField(t *testing.T) {
	var m Manager
	var got *discord.MessageCreate
	var keys []string
	On(&m, func(ctx context.Context, e *discord.MessageCreate) { got = e }, Fields(keys...))
	deliverData(&m, fieldsEvent)
	if got == nil || !checkFull(got) {
		t.Fatalf("On with Fields() decoded %+v", got)
	}
}

// Past maxSharedEvent (or with room to spare behind Data) a Fields
// handler's strings are copies, as a whole decode's are; up to it they
// point into Data.
func TestFieldsStringsShareSmallEventsOnly(t *testing.T) {
	small := []byte(fieldsEvent)
	large := []byte(`{"content":"ping","author":{"username":"ann"},"embeds":[{"description":"` + strings.Repeat("x", maxSharedEvent) + `"}]}`)
	roomy := make([]byte, len(small), maxSharedEvent+8<<10)
	copy(roomy, small)
	for _, tc := range []struct {
		name   string
		data   []byte
		shared bool
	}{{"small", small, true}, {"large", large, false}, {"roomy", roomy, false}} {
		var m Manager
		var got *discord.MessageCreate
		On(&m, func(ctx context.Context, e *discord.MessageCreate) { got = e }, Fields("content", "author"))
		m.dispatcher.deliver(context.Background(), &Dispatch{Name: discord.EventMessageCreate, Data: tc.data})
		if got == nil || got.Content != "ping" || got.Author.Username != "ann" || got.Embeds != nil {
			t.Fatalf("%s: handler got %+v", tc.name, got)
		}
		lo := uintptr(unsafe.Pointer(&tc.data[0]))
		for _, s := range []string{got.Content, got.Author.Username} {
			p := uintptr(unsafe.Pointer(unsafe.StringData(s)))
			if in := p >= lo && p < lo+uintptr(len(tc.data)); in != tc.shared {
				t.Errorf("%s: %q in Data is %v, want %v", tc.name, s, in, tc.shared)
			}
		}
	}
}

// A Fields decode that fails (a named field of the wrong type, broken
// JSON anywhere) skips the typed handlers and typed waiters, counts a
// decode error, and reaches the raw and event handlers as a copy of the
// dispatch with Err set; the Dispatch handed in is not written.
func TestFieldsDecodeErrorsReachRawHandlersWithErr(t *testing.T) {
	for _, data := range []string{
		`{"content":5}`,
		`{"content":"ping","embeds":[}`,
		`{"content":"ping","id":"1"`,
		`{"content":"ping"}{}`,
		`{"content":"ping","tts":01}`,
		`{"content":"ping","embeds":"\q"}`,
		`{"author":{"username":5},"content":"ping"}`,
	} {
		var m Manager
		var typed, ownTyped int
		var raw, all *Dispatch
		var ev Event
		On(&m, func(ctx context.Context, e *discord.MessageCreate) { typed++ }, Fields("content", "author"))
		On(&m, func(ctx context.Context, e *ownMessage) { ownTyped++ })
		m.OnDispatch(discord.EventMessageCreate, func(ctx context.Context, d *Dispatch) { raw = d })
		m.OnDispatch("", func(ctx context.Context, d *Dispatch) { all = d })
		m.OnEvent(func(ctx context.Context, e Event) { ev = e })
		w := &waiter{name: discord.EventMessageCreate, typ: typeOfMessageCreate, ch: make(chan any, 1), typedMatch: func(any) bool { return true }}
		m.dispatcher.add(func(id uint64) { m.dispatcher.waiters = map[uint64]*waiter{id: w} })
		in := &Dispatch{Name: discord.EventMessageCreate, Data: []byte(data)}
		m.dispatcher.deliver(context.Background(), in)
		evd, _ := ev.(*Dispatch)
		switch {
		case typed != 0 || ownTyped != 0:
			t.Errorf("%s: typed handlers ran (%d, %d)", data, typed, ownTyped)
		case raw == nil || raw.Err == nil || !strings.Contains(raw.Err.Error(), "MESSAGE_CREATE"):
			t.Errorf("%s: raw handler got %+v", data, raw)
		case all != raw || evd != raw:
			t.Errorf("%s: the handlers got different dispatches: %p %p %p", data, raw, all, evd)
		case in.Err != nil || raw == in:
			t.Errorf("%s: the dispatch handed in was written", data)
		case len(w.ch) != 0:
			t.Errorf("%s: the typed waiter was satisfied", data)
		case m.dispatcher.decodeErrors.Load() != 1:
			t.Errorf("%s: %d decode errors counted", data, m.dispatcher.decodeErrors.Load())
		}
	}
}
