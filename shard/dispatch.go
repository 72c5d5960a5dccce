package shard

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"sync/atomic"

	"github.com/wirecord/wirecord/discord"
	"github.com/wirecord/wirecord/internal/fastjson"
	"github.com/wirecord/wirecord/internal/jsondec"
)

type ctxKey struct{}

// handlerInfo travels in the context given to handlers.
type handlerInfo struct {
	shard *Shard
	m     *Manager
}

// FromContext returns the shard an event came from, in a handler's context.
func FromContext(ctx context.Context) (*Shard, bool) {
	h, ok := ctx.Value(ctxKey{}).(*handlerInfo)
	if !ok || h.shard == nil {
		return nil, false
	}
	return h.shard, true
}

// dispatcher holds the registered handlers and waiters. It is safe for
// concurrent use; handlers may be added while events flow.
type dispatcher struct {
	mu      sync.RWMutex
	nextID  uint64
	byName  map[string][]handlerEntry // "" = every dispatch
	typed   map[string][]typedEntry
	events  []eventEntry
	waiters map[uint64]*waiter
	// decodeErrors counts typed decodes that failed.
	decodeErrors atomic.Int64
}

type handlerEntry struct {
	id uint64
	fn func(context.Context, *Dispatch)
}

type typedEntry struct {
	id  uint64
	typ reflect.Type // the struct type to decode into
	fn  func(context.Context, any)
	// fields, when not nil, is the top-level fields the handler reads
	// (Fields); nil means all.
	fields *fastjson.Mask
}

type eventEntry struct {
	id uint64
	fn func(context.Context, Event)
}

type waiter struct {
	match func(Event) bool
	// Typed waiters decode dispatches named name into typ, then ask
	// typedMatch.
	name       string
	typ        reflect.Type
	typedMatch func(any) bool
	ch         chan any
}

func (d *dispatcher) add(f func(id uint64)) func() {
	d.mu.Lock()
	d.nextID++
	id := d.nextID
	f(id)
	d.mu.Unlock()
	return func() { d.remove(id) }
}

func (d *dispatcher) remove(id uint64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for name, hs := range d.byName {
		d.byName[name] = deleteFunc(hs, func(h handlerEntry) bool { return h.id == id })
	}
	for name, hs := range d.typed {
		d.typed[name] = deleteFunc(hs, func(h typedEntry) bool { return h.id == id })
	}
	d.events = deleteFunc(d.events, func(h eventEntry) bool { return h.id == id })
	delete(d.waiters, id)
}

// deleteFunc is slices.DeleteFunc on a copy: handler slices are read without
// the lock after being loaded, so they are never modified in place.
func deleteFunc[T any](s []T, del func(T) bool) []T {
	out := make([]T, 0, len(s))
	for _, v := range s {
		if !del(v) {
			out = append(out, v)
		}
	}
	return out
}

// OnDispatch registers fn for dispatches named name ("MESSAGE_CREATE"), or
// for every dispatch when name is "". fn gets the raw event, also when its
// payload could not be read (Err set). It returns a function that removes
// the handler.
func (m *Manager) OnDispatch(name string, fn func(ctx context.Context, e *Dispatch)) (remove func()) {
	d := &m.dispatcher
	return d.add(func(id uint64) {
		if d.byName == nil {
			d.byName = map[string][]handlerEntry{}
		}
		d.byName[name] = append(append([]handlerEntry(nil), d.byName[name]...), handlerEntry{id, fn})
	})
}

// OnEvent registers fn for every event: dispatches and the shard's own
// events (*Ready, *Resumed, *Reconnecting, *SessionRestarted, *Gap,
// *Stopped).
func (m *Manager) OnEvent(fn func(ctx context.Context, e Event)) (remove func()) {
	d := &m.dispatcher
	return d.add(func(id uint64) {
		d.events = append(append([]eventEntry(nil), d.events...), eventEntry{id, fn})
	})
}

// On registers a typed handler: On(m, func(ctx context.Context, e
// *discord.MessageCreate) {...}). The event is decoded once for all its
// typed handlers, and only when at least one is registered: events nobody
// listens to are never decoded. When decoding fails the typed handlers are
// skipped and the dispatch reaches OnDispatch handlers with Err set.
//
// With Fields, the handler says which of the event's top-level fields it
// reads, and the others are not decoded (see Fields).
func On[T any, P interface {
	*T
	discord.Event
}](m *Manager, fn func(ctx context.Context, e P), opts ...TypedOption) (remove func()) {
	name := P(new(T)).EventName()
	typ := reflect.TypeFor[T]()
	fields := fieldsOf(new(T), opts)
	d := &m.dispatcher
	return d.add(func(id uint64) {
		if d.typed == nil {
			d.typed = map[string][]typedEntry{}
		}
		d.typed[name] = append(append([]typedEntry(nil), d.typed[name]...), typedEntry{id, typ, func(ctx context.Context, v any) {
			fn(ctx, v.(P))
		}, fields})
	})
}

// A TypedOption changes how On decodes its handler's events.
type TypedOption struct {
	fields []string
}

// Fields names the top-level fields of the event that an On handler
// reads, by their JSON keys as Discord sends them: On(m, fn,
// shard.Fields("content", "author")). Its events are then decoded as if
// the members keyed exactly as the other top-level fields were not there:
// those fields stay zero, and what such a member holds is not looked at
// beyond JSON's grammar (a value of the wrong type there is no error;
// broken JSON anywhere still is). A key that only matches a field when
// case is ignored ("Content", which Discord does not send) is decoded as
// encoding/json decodes it, into that field. A field named is decoded
// whole, author with everything in it.
//
// It is the cheapest way to a typed event: skipping a member costs about
// a third of decoding it, and nothing is allocated for it. An event is
// decoded once for all its typed handlers, so each sees the fields any of
// them named, and every field when one of them (or a typed WaitFor) names
// none; a handler must read only the fields it named. Several Fields
// options add up. For event types the generated decoders do not take
// (your own types) Fields is ignored and the event is decoded whole.
//
// For the types the generated decoders take (wirecord's event types), On
// panics if a key is not one of the event's top-level fields: a typo would
// otherwise leave a field silently zero. Fields() naming no key decodes
// every field.
func Fields(keys ...string) TypedOption {
	return TypedOption{fields: keys}
}

// fieldsOf returns the Mask of the fields opts name for v's type, or nil
// when they name none (or the type is not one the generated decoders take).
func fieldsOf(v any, opts []TypedOption) *fastjson.Mask {
	var keys []string
	for _, o := range opts {
		keys = append(keys, o.fields...)
	}
	m, narrow, err := jsondec.FieldsMask(v, keys)
	if err != nil {
		panic("shard.Fields: " + err.Error())
	}
	if !narrow {
		return nil
	}
	return &m
}

// WaitFor waits for the first event, from any shard, for which match
// returns true. match runs on the dispatching goroutines and must be quick.
func (m *Manager) WaitFor(ctx context.Context, match func(Event) bool) (Event, error) {
	w := &waiter{match: match, ch: make(chan any, 1)}
	v, err := m.wait(ctx, w)
	if err != nil {
		return nil, err
	}
	return v.(Event), nil
}

// WaitFor waits for the first event of type P (decoded from its dispatch)
// for which match returns true: WaitFor(ctx, m, func(e *discord.MessageCreate)
// bool { return e.Content == "ping" }).
func WaitFor[T any, P interface {
	*T
	discord.Event
}](ctx context.Context, m *Manager, match func(P) bool) (P, error) {
	w := &waiter{name: P(new(T)).EventName(), typ: reflect.TypeFor[T](), ch: make(chan any, 1),
		typedMatch: func(v any) bool { return match(v.(P)) }}
	v, err := m.wait(ctx, w)
	if err != nil {
		return nil, err
	}
	return v.(P), nil
}

func (m *Manager) wait(ctx context.Context, w *waiter) (any, error) {
	d := &m.dispatcher
	remove := d.add(func(id uint64) {
		if d.waiters == nil {
			d.waiters = map[uint64]*waiter{}
		}
		d.waiters[id] = w
	})
	defer remove()
	select {
	case v := <-w.ch:
		return v, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// deliver runs the handlers for one event, in the calling goroutine.
//
// It never writes to an event it has handed out: every typed decode (for
// handlers and waiters alike) happens before the first handler runs, and
// when one fails the raw handlers get a copy of the dispatch with Err set.
func (d *dispatcher) deliver(ctx context.Context, ev Event) {
	d.mu.RLock()
	events := d.events
	var raw, all []handlerEntry
	var typed []typedEntry
	dis, isDispatch := ev.(*Dispatch)
	if isDispatch {
		raw, all, typed = d.byName[dis.Name], d.byName[""], d.typed[dis.Name]
	}
	var waiters []*waiter
	for _, w := range d.waiters {
		waiters = append(waiters, w)
	}
	d.mu.RUnlock()

	// Decode once per Go type, and only if someone wants it typed. The
	// decoded values sit in a small array on the stack: nearly every event
	// has one Go type, and a map per event cost an allocation.
	var buf [2]decodedValue
	decoded := decodedValues(buf[:0])
	if isDispatch && dis.Err == nil {
		decode := func(t reflect.Type) bool {
			if _, ok := decoded.get(t); ok {
				return true
			}
			v := reflect.New(t).Interface()
			want, narrow := fieldsWanted(t, typed, waiters, dis.Name)
			if err := unmarshal(dis.Data, v, want, narrow); err != nil {
				cp := *dis
				cp.Err = fmt.Errorf("shard: decoding %s: %w", dis.Name, err)
				dis, ev, decoded = &cp, &cp, nil
				d.decodeErrors.Add(1)
				return false
			}
			decoded = append(decoded, decodedValue{t, v})
			return true
		}
		ok := true
		for _, h := range typed {
			if ok = decode(h.typ); !ok {
				break
			}
		}
		for _, w := range waiters {
			if !ok {
				break
			}
			if w.typ != nil && w.name == dis.Name {
				ok = decode(w.typ)
			}
		}
	}
	if isDispatch {
		if dis.Err == nil {
			for _, h := range typed {
				v, _ := decoded.get(h.typ)
				h.fn(ctx, v)
			}
		}
		for _, h := range raw {
			h.fn(ctx, dis)
		}
		for _, h := range all {
			h.fn(ctx, dis)
		}
	}
	for _, h := range events {
		h.fn(ctx, ev)
	}
	for _, w := range waiters {
		var v any
		switch {
		case w.typ != nil:
			tv, ok := decoded.get(w.typ)
			if !isDispatch || dis.Name != w.name || !ok || !w.typedMatch(tv) {
				continue
			}
			v = tv
		default:
			if !w.match(ev) {
				continue
			}
			v = ev
		}
		select {
		case w.ch <- v:
		default: // already satisfied
		}
	}
}

// maxSharedEvent is the largest event whose typed value's strings point
// into Dispatch.Data instead of into copies of their own: one allocation
// per string saved on the hot events, and a string a handler keeps pins at
// most this much (and the 4 KiB the engine allows around Data). Larger events (a GUILD_CREATE of a megabyte, whose role
// names a cache keeps) copy their strings.
const maxSharedEvent = 16 << 10

// fieldsWanted is the union of the Fields of the typed handlers decoding
// into t; narrow is false (every field) when one of them, or a typed
// waiter for the event, names none.
func fieldsWanted(t reflect.Type, typed []typedEntry, waiters []*waiter, name string) (union fastjson.Mask, narrow bool) {
	for _, w := range waiters {
		if w.typ == t && w.name == name {
			return union, false
		}
	}
	for _, h := range typed {
		if h.typ != t {
			continue
		}
		if h.fields == nil {
			return union, false
		}
		for i := range union {
			union[i] |= h.fields[i]
		}
	}
	return union, true
}

// unmarshal decodes one event's data into the fresh value v, only the
// fields in want when narrow. Data is never written after the
// engine made it (Dispatch.Data's documentation asks the same of
// handlers), which is what sharing it needs.
func unmarshal(data []byte, v any, want fastjson.Mask, narrow bool) error {
	// The engine keeps the memory behind Data within 4 KiB of it; cap
	// catches a Dispatch made elsewhere with room to spare.
	shared := len(data) <= maxSharedEvent && cap(data) <= maxSharedEvent+4<<10
	switch {
	case narrow:
		return jsondec.UnmarshalFields(data, v, shared, want)
	case shared:
		return jsondec.UnmarshalShared(data, v)
	}
	return jsondec.UnmarshalFresh(data, v)
}

// decodedValue is one event decoded as one Go type.
type decodedValue struct {
	typ reflect.Type
	v   any
}

// decodedValues are an event's typed decodes, one per Go type.
type decodedValues []decodedValue

func (d decodedValues) get(t reflect.Type) (any, bool) {
	for _, e := range d {
		if e.typ == t {
			return e.v, true
		}
	}
	return nil, false
}
