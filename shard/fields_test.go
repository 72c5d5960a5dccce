package shard

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/wirecord/wirecord/discord"
)

// fieldsEvent is a MESSAGE_CREATE with something in many fields.
const fieldsEvent = `{"id":"1","channel_id":"2","content":"ping","author":{"id":"3","username":"ann","global_name":"Ann"},` +
	`"embeds":[{"description":"d"}],"mentions":[{"id":"4"}],"tts":true,"guild_id":"5"}`

func deliverData(m *Manager, data string) {
	m.dispatcher.deliver(context.Background(), &Dispatch{Name: discord.EventMessageCreate, Data: []byte(data)})
}

// Handlers that name their fields get those decoded and the others left
// zero; handlers of one event share one decode, so each sees what any of
// them named, and all of it as soon as one names nothing (or a typed
// waiter is there). Removing that handler narrows the decode again.
func TestFieldsNarrowTheDecodeToWhatTheHandlersRead(t *testing.T) {
	var m Manager
	var a, b, full *discord.MessageCreate
	On(&m, func(ctx context.Context, e *discord.MessageCreate) { a = e }, Fields("content"))
	deliverData(&m, fieldsEvent)
	if a == nil || a.Content != "ping" || a.ID != 0 || a.Author.ID != 0 || a.Embeds != nil || a.TTS || a.GuildID != 0 {
		t.Fatalf("Fields(content) decoded %+v", a)
	}

	On(&m, func(ctx context.Context, e *discord.MessageCreate) { b = e }, Fields("author"), Fields("guild_id"))
	deliverData(&m, fieldsEvent)
	if a != b || a.Content != "ping" || a.Author.Username != "ann" || *a.Author.GlobalName != "Ann" || a.GuildID != 5 || a.ID != 0 || a.Mentions != nil {
		t.Fatalf("content + author + guild_id decoded %+v (one value: %v)", a, a == b)
	}

	remove := On(&m, func(ctx context.Context, e *discord.MessageCreate) { full = e })
	deliverData(&m, fieldsEvent)
	if full != a || a.ID != 1 || len(a.Embeds) != 1 || len(a.Mentions) != 1 || !a.TTS {
		t.Fatalf("with a handler naming no fields, decoded %+v", a)
	}
	remove()
	deliverData(&m, fieldsEvent)
	if a.ID != 0 || a.Content != "ping" || a.GuildID != 5 {
		t.Fatalf("after the full handler left, decoded %+v", a)
	}

	// A typed waiter for the event wants every field.
	removeWaiter := m.dispatcher.add(func(id uint64) {
		if m.dispatcher.waiters == nil {
			m.dispatcher.waiters = map[uint64]*waiter{}
		}
		m.dispatcher.waiters[id] = &waiter{name: discord.EventMessageCreate, typ: reflect.TypeFor[discord.MessageCreate](),
			ch: make(chan any, 1), typedMatch: func(any) bool { return false }}
	})
	deliverData(&m, fieldsEvent)
	removeWaiter()
	if a.ID != 1 || !a.TTS {
		t.Fatalf("with a typed waiter, decoded %+v", a)
	}
}

// What an unnamed field holds is not an error, broken JSON is, and a
// named field of the wrong type is: the raw handlers then see Err.
func TestFieldsDecodeErrorsComeFromTheNamedFieldsAndFromBrokenJSON(t *testing.T) {
	for _, c := range []struct {
		data    string
		wantErr bool
	}{
		{`{"content":"ping","id":{"not":"an id"},"embeds":"no"}`, false},
		{`{"content":5}`, true},
		{`{"content":"ping","embeds":[}`, true},
	} {
		var m Manager
		var typed *discord.MessageCreate
		var raw *Dispatch
		On(&m, func(ctx context.Context, e *discord.MessageCreate) { typed = e }, Fields("content"))
		m.OnDispatch(discord.EventMessageCreate, func(ctx context.Context, d *Dispatch) { raw = d })
		deliverData(&m, c.data)
		if raw == nil || (raw.Err != nil) != c.wantErr || (typed != nil) == c.wantErr {
			t.Errorf("%s: raw %+v, typed %+v", c.data, raw, typed)
		}
		if !c.wantErr && (typed.Content != "ping" || typed.ID != 0) {
			t.Errorf("%s: typed %+v", c.data, typed)
		}
	}
}

// ownMessage is a user's own event type: Fields cannot narrow it.
type ownMessage struct {
	Content string `json:"content"`
	ID      string `json:"id"`
}

func (*ownMessage) EventName() string { return discord.EventMessageCreate }

func TestFieldsOnOwnTypesDecodeEverythingAndTyposPanic(t *testing.T) {
	var m Manager
	var own *ownMessage
	On(&m, func(ctx context.Context, e *ownMessage) { own = e }, Fields("content"))
	deliverData(&m, fieldsEvent)
	if own == nil || own.Content != "ping" || own.ID != "1" {
		t.Fatalf("own type decoded %+v", own)
	}
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), `"contents"`) {
			t.Errorf("a misspelt field: recovered %v", r)
		}
	}()
	On(&m, func(ctx context.Context, e *discord.MessageCreate) {}, Fields("content", "contents"))
}
