package main

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"sort"
	"strings"
)

// A generated named type: a struct or an enum.
type goType struct {
	name    string
	pkg     string // "discord" or "rest"
	doc     string
	sources []string // spec schemas merged into it
	fields  []*goField
	patch   bool // a PATCH body: optional fields tell absent from null
	nsrc    int  // how many schemas were merged

	enumBase string // "int" or "string" for an enum
	consts   []goConst
}

type goField struct {
	name, json, typ string
	doc             string
	opt             string // "omitempty", "omitzero" or ""
	required        int    // in how many sources it is required
	schema          *schema
}

type goConst struct{ name, value, doc string }

// gen holds the spec, the overlay and everything generated so far.
type gen struct {
	spec *spec
	ops  []*operation
	hw   *handwritten

	types      map[string]*goType // "discord.X" / "rest.X" -> type
	named      map[string]string  // schema name -> qualified Go type
	inModels   map[string]bool    // schema reachable from a response: its type lives in discord
	modelNames map[string]bool    // Go names of the generated models
	checked    map[string]string  // schema -> hand-written type it maps onto
	bodyNames  map[string]string  // schema name -> rest name when it is an operation's body
	cur        *goType            // the type whose fields are being typed
	errs       []string
}

func newGen(s *spec, ops []*operation, hw *handwritten) *gen {
	g := &gen{spec: s, ops: ops, hw: hw, types: map[string]*goType{}, named: map[string]string{},
		inModels: map[string]bool{}, checked: map[string]string{}, bodyNames: map[string]string{}}
	// Everything reachable from a response is a model; a request schema
	// that is also a response (or inside one) is one type, in discord.
	for _, op := range ops {
		for _, code := range []string{"200", "201", "202"} {
			for _, c := range op.Responses[code].Content {
				g.reach(c.Schema)
			}
		}
	}
	g.modelNames = map[string]bool{}
	for n := range g.inModels {
		if _, mapped := models[n]; !mapped {
			g.modelNames[goName(n)] = true
		}
	}
	return g
}

func (g *gen) errorf(format string, args ...any) {
	g.errs = append(g.errs, fmt.Sprintf(format, args...))
}

// reach marks the schemas a response can contain.
func (g *gen) reach(s *schema) {
	if s == nil {
		return
	}
	if s.Ref != "" {
		n := refName(s.Ref)
		if g.inModels[n] {
			return
		}
		g.inModels[n] = true
		g.reach(g.spec.Components.Schemas.m[n])
		return
	}
	for _, k := range s.Properties.keys {
		g.reach(s.Properties.m[k])
	}
	g.reach(s.Items)
	for _, v := range append(append(append([]*schema(nil), s.OneOf...), s.AnyOf...), s.AllOf...) {
		g.reach(v)
	}
	if ap := s.additional(); ap != nil {
		g.reach(ap)
	}
}

// additional is additionalProperties when it is a schema.
func (s *schema) additional() *schema {
	if len(s.AdditionalProperties) == 0 || s.AdditionalProperties[0] != '{' {
		return nil
	}
	var ap schema
	if json.Unmarshal(s.AdditionalProperties, &ap) != nil {
		return nil
	}
	return &ap
}

// ref resolves a named schema to a qualified Go type, generating it when
// needed: in discord when a response reaches it or models maps it, else in
// rest.
func (g *gen) ref(name string) string {
	if q, ok := g.named[name]; ok {
		return q
	}
	s, ok := g.spec.Components.Schemas.m[name]
	if !ok {
		g.errorf("unknown schema %s", name)
		return "json.RawMessage"
	}
	switch name {
	case "SnowflakeType":
		return "discord.Snowflake"
	case "Int53Type":
		return "int64"
	case "UInt32Type":
		return "uint32"
	}
	if s.isEnum() {
		return g.enum(name, s)
	}
	target, mapped := models[name]
	if mapped && g.hw.types[target] != nil {
		q := "discord." + target
		g.named[name] = q
		g.checked[name] = target
		// The hand-written struct may use types only the spec has: resolve
		// its properties so that they are generated.
		if _, isStruct := g.hw.types[target].(*ast.StructType); isStruct {
			props, _ := flatten(g, s)
			for _, k := range props.keys {
				g.expr(props.m[k], k)
			}
		}
		return q
	}
	// A request schema named like a model (RecurrenceRule beside
	// RecurrenceRuleResponse) is the same entity: one type, in discord.
	pkg := "rest"
	if g.inModels[name] || mapped || g.modelNames[goName(name)] {
		pkg = "discord"
	}
	if !mapped {
		target = goName(name)
		if pkg == "rest" {
			if b, ok := g.bodyNames[name]; ok {
				target = b
			}
		}
	}
	if len(s.Properties.keys) == 0 && len(s.AllOf) == 0 {
		// An object without properties (a map, or free-form JSON).
		q := g.expr(s, "")
		g.named[name] = q
		return q
	}
	q := pkg + "." + target
	g.named[name] = q
	if pkg == "discord" && g.hw.types[target] != nil {
		g.errorf("schema %s would be generated as discord.%s, which is hand-written: map it in models", name, target)
	}
	t := g.types[q]
	if t == nil {
		t = &goType{name: target, pkg: pkg}
		g.types[q] = t
	}
	g.merge(t, name, s)
	return q
}

// goName is a spec schema's name for a generated type.
func goName(name string) string {
	for _, suf := range []string{"Response", "RequestPartial", "Request"} {
		if n, ok := strings.CutSuffix(name, suf); ok && n != "" {
			return n
		}
	}
	return name
}

// merge adds a schema's properties to a generated struct.
func (g *gen) merge(t *goType, name string, s *schema) {
	t.sources = append(t.sources, name)
	t.nsrc++
	if t.doc == "" && s.Description != "" {
		t.doc = s.Description
	}
	props, required := flatten(g, s)
	req := map[string]bool{}
	for _, r := range required {
		req[r] = true
	}
	for _, k := range props.keys {
		if strings.Contains(k, "[") || props.m[k].ContentEncoding == "binary" {
			continue // files[0], file...: multipart parts, sent from File values
		}
		var f *goField
		for _, have := range t.fields {
			if have.json == k {
				f = have
			}
		}
		if f == nil {
			f = &goField{json: k, name: camel(k), schema: props.m[k]}
			t.fields = append(t.fields, f)
		}
		if numeric(f.schema) == "integer" && numeric(props.m[k]) == "number" {
			f.schema = props.m[k] // an integer in one variant, a number in another: float64 holds both
		}
		if req[k] {
			f.required++
		}
	}
}

// flatten gives an object schema's properties with allOf parts folded in.
func flatten(g *gen, s *schema) (ordered[*schema], []string) {
	props := ordered[*schema]{m: map[string]*schema{}}
	var required []string
	add := func(x *schema) {
		for _, k := range x.Properties.keys {
			if _, ok := props.m[k]; !ok {
				props.keys = append(props.keys, k)
			}
			props.m[k] = x.Properties.m[k]
		}
		required = append(required, x.Required...)
	}
	for _, part := range s.AllOf {
		if part.Ref != "" {
			part = g.spec.Components.Schemas.m[refName(part.Ref)]
		}
		sub, r := flatten(g, part)
		add(&schema{Properties: sub, Required: r})
	}
	add(s)
	return props, required
}

// expr is the Go type of a schema; prop names the property it types (for
// ID fields and inline objects).
func (g *gen) expr(s *schema, prop string) string {
	if s.Ref != "" {
		q := g.ref(refName(s.Ref))
		if q == "discord.Snowflake" {
			if id, ok := idFields[prop]; ok {
				return "discord." + id
			}
		}
		return q
	}
	if len(s.AllOf) == 1 {
		return g.expr(s.AllOf[0], prop)
	}
	if vs := append(s.OneOf, s.AnyOf...); len(vs) > 0 {
		vs, _ = nonNull(vs)
		if len(vs) == 2 && vs[0].Type.main() == "string" && vs[1].Type.main() == "array" {
			vs = vs[1:] // a list, or the same list comma-separated: send the list
		}
		var types []string
		for _, v := range vs {
			types = append(types, g.expr(v, prop))
		}
		sort.Strings(types)
		if len(types) > 0 && types[0] == types[len(types)-1] {
			return types[0]
		}
		return "json.RawMessage" // a union of different shapes: decoded by the caller
	}
	switch s.Type.main() {
	case "string":
		switch {
		case s.Format == "date-time":
			return "time.Time"
		case s.ContentEncoding == "binary":
			return "[]byte"
		}
		return "string"
	case "integer":
		if s.Format == "int64" {
			return "int64"
		}
		return "int"
	case "number":
		return "float64"
	case "boolean":
		return "bool"
	case "array":
		if s.Items == nil {
			return "[]json.RawMessage"
		}
		return "[]" + g.expr(s.Items, prop)
	case "object", "":
		if ap := s.additional(); ap != nil {
			return "map[string]" + g.expr(ap, "")
		}
		if len(s.Properties.keys) > 0 && g.cur != nil {
			// An inline object: a type named for its parent and field.
			name := g.cur.name + camel(prop)
			q := g.cur.pkg + "." + name
			if g.types[q] == nil {
				t := &goType{name: name, pkg: g.cur.pkg, patch: g.cur.patch, doc: s.Description}
				g.merge(t, "", s)
				t.sources = nil
				g.types[q] = t
			}
			return q
		}
		if len(s.Properties.keys) > 0 {
			g.errorf("inline object in %s outside a struct: name it", prop)
		}
		return "json.RawMessage"
	}
	return "json.RawMessage"
}

// enum resolves an enum schema: a hand-written enum type, or a generated
// one with its constants.
func (g *gen) enum(name string, s *schema) string {
	target, ok := models[name]
	if ok && g.hw.types[target] != nil {
		q := "discord." + target
		g.named[name] = q
		return q
	}
	if !ok {
		target = singular(goName(name))
	}
	if g.hw.types[target] != nil {
		g.errorf("enum %s would be generated as %s, which is hand-written: map it in models", name, target)
	}
	q := "discord." + target
	g.named[name] = q
	t := &goType{name: target, pkg: "discord", doc: s.Description, sources: []string{name}, enumBase: "int"}
	if s.Type.main() == "string" {
		t.enumBase = "string"
	}
	for _, c := range s.OneOf {
		v := string(c.Const)
		title := c.Title
		if title == "" {
			title = strings.Trim(v, `"`)
		}
		t.consts = append(t.consts, goConst{name: target + camel(title), value: v, doc: c.Description})
	}
	g.types[q] = t
	return q
}

// singular turns a plural enum name into the name of one value.
func singular(n string) string {
	for _, p := range [][2]string{{"ies", "y"}, {"Statuses", "Status"}, {"sses", "ss"}} {
		if s, ok := strings.CutSuffix(n, p[0]); ok {
			return s + p[1]
		}
	}
	if strings.HasSuffix(n, "s") && !strings.HasSuffix(n, "ss") && !strings.HasSuffix(n, "us") {
		return n[:len(n)-1]
	}
	return n
}

// initialisms are written in capitals in Go names.
var initialisms = set("id", "ids", "url", "urls", "api", "nsfw", "tts", "dm", "dms", "mfa", "rtc", "sku", "skus",
	"json", "ip", "uri", "http", "https", "sdk", "png", "csv", "ml", "oauth2", "gif", "utc", "afk", "rpc", "pii", "ui")

// camel turns snake_case, kebab-case or SHOUTING_CASE into CamelCase.
func camel(s string) string {
	var b strings.Builder
	for _, w := range strings.FieldsFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	}) {
		lw := strings.ToLower(w)
		switch {
		case lw == "oauth2":
			b.WriteString("OAuth2")
		case lw == "ids":
			b.WriteString("IDs")
		case lw == "skus":
			b.WriteString("SKUs")
		case lw == "dms":
			b.WriteString("DMs")
		case initialisms[lw]:
			b.WriteString(strings.ToUpper(lw))
		default:
			b.WriteString(strings.ToUpper(lw[:1]) + lw[1:])
		}
	}
	out := b.String()
	if out == "" || out[0] >= '0' && out[0] <= '9' {
		out = "N" + out
	}
	return out
}

// numeric is "integer" or "number" for a schema of either kind (the
// Int53Type and UInt32Type references included), else "".
func numeric(s *schema) string {
	if s.Ref != "" {
		switch refName(s.Ref) {
		case "Int53Type", "UInt32Type":
			return "integer"
		}
	}
	if vs, _ := nonNull(s.OneOf); len(vs) == 1 {
		return numeric(vs[0])
	}
	switch t := s.Type.main(); t {
	case "integer", "number":
		return t
	}
	return ""
}
