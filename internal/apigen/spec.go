package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
)

// spec is the part of an OpenAPI 3.1 document the generator reads.
type spec struct {
	Paths      ordered[pathItem] `json:"paths"`
	Components struct {
		Schemas ordered[*schema] `json:"schemas"`
	} `json:"components"`
}

type pathItem struct {
	Parameters []*parameter `json:"parameters"`
	Get        *operation   `json:"get"`
	Post       *operation   `json:"post"`
	Put        *operation   `json:"put"`
	Patch      *operation   `json:"patch"`
	Delete     *operation   `json:"delete"`
}

type operation struct {
	OperationID string       `json:"operationId"`
	Description string       `json:"description"`
	Deprecated  bool         `json:"deprecated"`
	Parameters  []*parameter `json:"parameters"`
	RequestBody *struct {
		Content  map[string]struct{ Schema *schema } `json:"content"`
		Required bool                                `json:"required"`
	} `json:"requestBody"`
	Responses map[string]struct {
		Content map[string]struct{ Schema *schema } `json:"content"`
	} `json:"responses"`
	// Security is nil when the operation does not say; an empty
	// requirement ({}) among the alternatives means no authentication.
	Security []map[string][]string `json:"security"`

	// Filled in by load.
	method, path string
	params       []*parameter // path-level first, then the operation's
}

type parameter struct {
	Name        string  `json:"name"`
	In          string  `json:"in"`
	Required    bool    `json:"required"`
	Description string  `json:"description"`
	Schema      *schema `json:"schema"`
}

// schema is a JSON Schema as the spec writes them. Properties keep the
// spec's order, so generated structs read like Discord's tables.
type schema struct {
	Ref                  string           `json:"$ref"`
	Type                 typeList         `json:"type"`
	Format               string           `json:"format"`
	Title                string           `json:"title"`
	Description          string           `json:"description"`
	Properties           ordered[*schema] `json:"properties"`
	Required             []string         `json:"required"`
	Items                *schema          `json:"items"`
	OneOf                []*schema        `json:"oneOf"`
	AnyOf                []*schema        `json:"anyOf"`
	AllOf                []*schema        `json:"allOf"`
	AdditionalProperties json.RawMessage  `json:"additionalProperties"`
	Const                json.RawMessage  `json:"const"`
	ContentEncoding      string           `json:"contentEncoding"`
	MaxLength            *int             `json:"maxLength"`
	Deprecated           bool             `json:"deprecated"`
}

// typeList is "type": a name or a list of names (["string", "null"]).
type typeList []string

func (t *typeList) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*t = typeList{s}
		return nil
	}
	return json.Unmarshal(b, (*[]string)(t))
}

func (t typeList) has(name string) bool {
	for _, n := range t {
		if n == name {
			return true
		}
	}
	return false
}

// main is the type other than null, or "".
func (t typeList) main() string {
	for _, n := range t {
		if n != "null" {
			return n
		}
	}
	return ""
}

// ordered is a JSON object that remembers the order of its keys.
type ordered[T any] struct {
	keys []string
	m    map[string]T
}

func (o *ordered[T]) UnmarshalJSON(b []byte) error {
	d := json.NewDecoder(bytes.NewReader(b))
	if t, err := d.Token(); err != nil || t != json.Delim('{') {
		return fmt.Errorf("want an object, got %v (%v)", t, err)
	}
	o.m = map[string]T{}
	for d.More() {
		t, err := d.Token()
		if err != nil {
			return err
		}
		k := t.(string)
		var v T
		if err := d.Decode(&v); err != nil {
			return fmt.Errorf("%s: %w", k, err)
		}
		o.keys = append(o.keys, k)
		o.m[k] = v
	}
	return nil
}

// loadSpec reads the spec and lists its operations sorted by path, then
// method, so that the output does not depend on map order.
func loadSpec(path string) (*spec, []*operation, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	var s spec
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	var ops []*operation
	paths := append([]string(nil), s.Paths.keys...)
	sort.Strings(paths)
	for _, p := range paths {
		it := s.Paths.m[p]
		for _, mo := range []struct {
			m  string
			op *operation
		}{{"GET", it.Get}, {"POST", it.Post}, {"PUT", it.Put}, {"PATCH", it.Patch}, {"DELETE", it.Delete}} {
			if mo.op == nil {
				continue
			}
			mo.op.method, mo.op.path = mo.m, p
			mo.op.params = append(append([]*parameter(nil), it.Parameters...), mo.op.Parameters...)
			ops = append(ops, mo.op)
		}
	}
	return &s, ops, nil
}

// refName is the schema name a $ref points at.
func refName(ref string) string { return strings.TrimPrefix(ref, "#/components/schemas/") }

// nonNull returns the variants of a oneOf/anyOf other than {"type":"null"},
// and whether a null variant was there.
func nonNull(vs []*schema) ([]*schema, bool) {
	var out []*schema
	null := false
	for _, v := range vs {
		if v.Ref == "" && len(v.Type) == 1 && v.Type[0] == "null" {
			null = true
			continue
		}
		out = append(out, v)
	}
	return out, null
}

// isEnum reports whether a named schema is an enum: a type with oneOf
// consts.
func (s *schema) isEnum() bool {
	return len(s.OneOf) > 0 && len(s.OneOf[0].Const) > 0
}
