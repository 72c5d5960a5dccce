package discord

import "encoding/json"

// Optional is a value that may be left out of a request, for the fields of
// PATCH bodies where Discord treats a missing field as "leave it alone"
// and the zero value (false, 0, "") as a value to set. The zero Optional
// is absent: with the omitzero JSON option it is not sent.
//
//	body.NSFW = discord.Some(false) // sends "nsfw": false
type Optional[T any] struct {
	value T
	set   bool
}

// Some returns an Optional holding v.
func Some[T any](v T) Optional[T] { return Optional[T]{value: v, set: true} }

// Get returns the value and whether there is one.
func (o Optional[T]) Get() (T, bool) { return o.value, o.set }

// IsZero reports whether o is absent; omitzero uses it.
func (o Optional[T]) IsZero() bool { return !o.set }

// MarshalJSON encodes the value. An absent Optional is left out by
// omitzero; marshalled anyway, it is null.
func (o Optional[T]) MarshalJSON() ([]byte, error) {
	if !o.set {
		return []byte("null"), nil
	}
	return json.Marshal(o.value)
}

// UnmarshalJSON sets the value; null leaves o absent.
func (o *Optional[T]) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*o = Optional[T]{}
		return nil
	}
	o.set = true
	return json.Unmarshal(b, &o.value)
}

// Nullable is a field of a PATCH body that Discord can leave alone, clear
// or set: absent (the zero value, not sent with omitzero), null (Null:
// clear it, "topic": null), or a value (Value). Discord's docs write these
// fields "?type" and "field?" at once.
//
//	body.Topic = discord.Null[string]()       // clears the topic
//	body.Topic = discord.Value("release day") // sets it
type Nullable[T any] struct {
	value T
	state uint8 // 0 absent, 1 null, 2 value
}

// Value returns a Nullable holding v.
func Value[T any](v T) Nullable[T] { return Nullable[T]{value: v, state: 2} }

// Null returns a Nullable that sends null.
func Null[T any]() Nullable[T] { return Nullable[T]{state: 1} }

// Get returns the value and whether there is one (false when absent or
// null).
func (n Nullable[T]) Get() (T, bool) { return n.value, n.state == 2 }

// IsNull reports whether n is an explicit null.
func (n Nullable[T]) IsNull() bool { return n.state == 1 }

// IsZero reports whether n is absent; omitzero uses it.
func (n Nullable[T]) IsZero() bool { return n.state == 0 }

// MarshalJSON encodes null or the value.
func (n Nullable[T]) MarshalJSON() ([]byte, error) {
	if n.state != 2 {
		return []byte("null"), nil
	}
	return json.Marshal(n.value)
}

// UnmarshalJSON reads null or a value (a field that is not there leaves n
// absent).
func (n *Nullable[T]) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*n = Nullable[T]{state: 1}
		return nil
	}
	n.state = 2
	return json.Unmarshal(b, &n.value)
}
