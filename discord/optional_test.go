package discord

import (
	"encoding/json"
	"testing"
)

// Optional and Nullable round-trip through JSON in each of their states,
// and omitzero leaves out only the absent ones.
func TestOptionalAndNullableKeepTheirStates(t *testing.T) {
	type body struct {
		A Optional[bool]      `json:"a,omitzero"`
		B Nullable[string]    `json:"b,omitzero"`
		C Nullable[ChannelID] `json:"c,omitzero"`
	}
	for _, r := range []struct {
		in   body
		want string
	}{
		{body{}, `{}`},
		{body{A: Some(false)}, `{"a":false}`},
		{body{B: Null[string]()}, `{"b":null}`},
		{body{B: Value(""), C: Value(ChannelID(41771983423143937))}, `{"b":"","c":"41771983423143937"}`},
	} {
		b, err := json.Marshal(r.in)
		if err != nil || string(b) != r.want {
			t.Errorf("Marshal(%+v) = %s, %v; want %s", r.in, b, err, r.want)
			continue
		}
		var back body
		if err := json.Unmarshal(b, &back); err != nil || back != r.in {
			t.Errorf("Unmarshal(%s) = %+v, %v; want %+v", b, back, err, r.in)
		}
	}
	var n Nullable[int]
	if _, ok := n.Get(); ok || n.IsNull() || !n.IsZero() {
		t.Error("the zero Nullable is not absent")
	}
	if v, ok := Value(3).Get(); !ok || v != 3 {
		t.Error("Value(3).Get() is not 3")
	}
	if !Null[int]().IsNull() {
		t.Error("Null is not null")
	}
}
