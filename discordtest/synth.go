package discordtest

import (
	"bytes"
	"encoding/json"
	"image"
	"image/png"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/wirecord/wirecord/discord"
)

// specRoute serves an operation the world model does not know: it is
// checked, rate limited and recorded like any route, and answered with a
// response synthesised from the spec's schema.
func (s *Server) specRoute(r *http.Request) (routeSpec, bool) {
	op, params := findOperation(r.Method, r.URL.Path)
	if op == nil {
		return routeSpec{}, false
	}
	major := ""
	for _, p := range op.Params {
		r.SetPathValue(p.Name, params[p.Name])
		// The top-level resources Discord limits separately (PROTOCOL.md §13).
		if major == "" && (p.Name == "channel_id" || p.Name == "guild_id" || p.Name == "webhook_id") {
			major = p.Name
		}
	}
	// Interaction callbacks are exempt from the global limit (PROTOCOL.md §13).
	global := !strings.HasPrefix(op.Path, "/interactions/")
	// A bot token is checked before the rate limits, as on the world's
	// routes; checkRequest applies the spec's other security forms.
	return routeSpec{name: op.route(), major: major, auth: op.Auth == authBot, global: global,
		handler: func(w http.ResponseWriter, r *http.Request) { s.synthesize(w, r, op, params) }}, true
}

// specFirst hands a request to the spec's operation when that is not the
// one the world-model route stands for: the mux sends GET
// /channels/1/messages/pins to the get-message route, whose {message_id}
// matches "pins", but Discord's list-pins operation is more specific.
func (s *Server) specFirst(route string, h http.Handler) http.Handler {
	method, path, _ := strings.Cut(route, " ")
	own, _ := findOperation(method, templateParam.ReplaceAllString(path, "1"))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if op, _ := findOperation(r.Method, r.URL.Path); own != nil && op != nil && op != own {
			if rt, ok := s.specRoute(r); ok {
				s.serveRoute(rt).ServeHTTP(w, r)
				return
			}
		}
		h.ServeHTTP(w, r)
	})
}

var templateParam = regexp.MustCompile(`\{[a-z_]+\}`)

// synthesize answers op with the spec's success status and a minimal
// value of its response schema: required fields only, nullable ones null,
// snowflakes fresh ids (or the path's own, for fields named like a path
// parameter and for the id of the resource the path ends in).
func (s *Server) synthesize(w http.ResponseWriter, r *http.Request, op *operation, params map[string]string) {
	if op.Response == 0 || op.Status == http.StatusNoContent {
		w.WriteHeader(op.Status)
		return
	}
	if op.ResponseType != "application/json" {
		// A widget image is a 1x1 PNG; a text answer (a CSV of users) is
		// empty.
		var b bytes.Buffer
		if op.ResponseType == "image/png" {
			png.Encode(&b, image.NewGray(image.Rect(0, 0, 1, 1)))
		}
		w.Header().Set("Content-Type", op.ResponseType)
		w.WriteHeader(op.Status)
		w.Write(b.Bytes())
		return
	}
	v := synth(op.Response, s.world.newID, 0)
	if m, ok := v.(map[string]any); ok {
		echo(m, op.Response, r)
		for _, p := range op.Params {
			if _, has := m[p.Name]; has && isSnowflake(params[p.Name]) {
				m[p.Name] = params[p.Name]
			}
		}
		if last := len(op.Params) - 1; last >= 0 && strings.HasSuffix(op.Path, "{"+op.Params[last].Name+"}") {
			if id, ok := m["id"].(string); ok && isSnowflake(id) && isSnowflake(params[op.Params[last].Name]) {
				m["id"] = params[op.Params[last].Name]
			}
		}
	}
	writeJSON(w, op.Status, v)
}

// echo copies into a synthesised object the request body's fields that
// the answer has too, where the answer's schema takes the value: a role
// created with name "mods" comes back named "mods", as at Discord. The id
// stays the answer's own.
func echo(m map[string]any, response int32, r *http.Request) {
	b, err := io.ReadAll(r.Body)
	var req map[string]any
	if err != nil || decodeJSON(b, &req) != nil {
		return
	}
	props := map[string]int32{}
	for n := response; n != 0; n = specNodes[n].Ref {
		for _, p := range specNodes[n].Props {
			props[p.Name] = p.Node
		}
	}
	for k, v := range req {
		if pn, ok := props[k]; ok && k != "id" {
			var c checker
			if c.check(pn, v, nil, false); len(c.errs) == 0 {
				m[k] = v
			}
		}
	}
}

// synthTime is the timestamp synthesised values carry.
var synthTime = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Format(time.RFC3339)

// synth builds a minimal value node n accepts.
func synth(n int32, newID func() discord.Snowflake, depth int) any {
	nd := &specNodes[n]
	// Nullable fields are null: always valid and never recursive. A whole
	// body or answer is a value, though.
	if n == 0 || nd.Type&tNull != 0 && depth > 0 || depth > 32 {
		return nil
	}
	if len(nd.Enum) > 0 {
		return typed(nd.Enum[0], nd.Type)
	}
	// A scalar that refers to another schema (an enum type, mostly) takes
	// that schema's value.
	if nd.Type&tObject == 0 && (nd.Ref != 0 || len(nd.AllOf) > 0) {
		if nd.Ref != 0 {
			return synth(nd.Ref, newID, depth+1)
		}
		return synth(nd.AllOf[0], newID, depth+1)
	}
	obj := func() map[string]any {
		m := map[string]any{}
		for _, name := range nd.Required {
			var pn int32 = nd.Extra
			for _, p := range nd.Props {
				if p.Name == name {
					pn = p.Node
				}
			}
			m[name] = synth(pn, newID, depth+1)
		}
		return m
	}
	var v any
	switch t := nd.Type; {
	case t&tObject != 0:
		m := obj()
		for i := 0; len(m) < nd.MinProps; i++ {
			m["key"+strconv.Itoa(i)] = synth(nd.Extra, newID, depth+1)
		}
		v = m
	case t&tArray != 0:
		list := []any{}
		for range nd.MinItems {
			list = append(list, synth(nd.Items, newID, depth+1))
		}
		return list
	case t&tString != 0:
		switch nd.Format {
		case fSnowflake:
			return strconv.FormatUint(uint64(newID()), 10)
		case fDateTime:
			return synthTime
		case fURI:
			return "https://discord.com/"
		}
		if nd.Pattern != "" {
			// The patterns are a colour and (from the overlay) names.
			for _, sample := range []string{"#000000", "0", "x"} {
				if patternOf(nd.Pattern).MatchString(sample) {
					return sample
				}
			}
		}
		return strings.Repeat("x", nd.MinLen)
	case t&(tInteger|tNumber) != 0:
		if nd.Min != "" && !strings.HasPrefix(nd.Min, "-") && nd.Min != "0" {
			return json.Number(nd.Min)
		}
		return json.Number("0")
	case t&tBoolean != 0:
		return false
	}
	if nd.Ref != 0 {
		v = merge(v, synth(nd.Ref, newID, depth+1))
	}
	for _, a := range nd.AllOf {
		v = merge(v, synth(a, newID, depth+1))
	}
	if len(nd.OneOf) > 0 {
		v = merge(v, synth(nd.OneOf[0], newID, depth+1))
	}
	if len(nd.AnyOf) > 0 {
		v = merge(v, synth(nd.AnyOf[0], newID, depth+1))
	}
	return v
}

// merge combines the fields of two synthesised objects (allOf).
func merge(a, b any) any {
	ma, okA := a.(map[string]any)
	mb, okB := b.(map[string]any)
	if !okA || !okB {
		if a == nil {
			return b
		}
		return a
	}
	for k, v := range mb {
		if _, has := ma[k]; !has {
			ma[k] = v
		}
	}
	return ma
}

// typed turns an enum value's text into the JSON type of its node.
func typed(text string, t kind) any {
	switch {
	case t&(tInteger|tNumber) != 0:
		return json.Number(text)
	case t&tBoolean != 0:
		return text == "true"
	}
	return text
}
