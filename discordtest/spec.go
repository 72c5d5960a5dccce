package discordtest

import (
	"strconv"
	"strings"
	"sync"
)

//go:generate go run ./internal/genchecks -spec ../../shared/discord-api-spec/openapi.json -o spec_gen.go

// The tables in spec_gen.go come from Discord's OpenAPI spec, so the fake
// checks requests against the spec without reading it at run time. This
// file holds their types and finds a request's operation.

// kind is a set of JSON types a schema node accepts; 0 accepts any.
type kind uint8

const (
	tArray kind = 1 << iota
	tBoolean
	tInteger
	tNull
	tNumber
	tObject
	tString
)

// format is the string format of a node the fake checks.
type format uint8

const (
	fNone      format = iota
	fSnowflake        // decimal digits (SnowflakeType)
	fDateTime         // ISO 8601
	fURI              // an absolute URL
)

// node is one schema. Fields holding a node index (Ref, Items, Extra,
// Props, OneOf, AnyOf, AllOf) point into specNodes; 0 means none (node 0
// accepts anything). Zero numbers mean no limit.
type node struct {
	Type     kind
	Format   format
	Ref      int32 // the value must also match this node
	Props    []prop
	Required []string
	Extra    int32 // additionalProperties: schema of the other keys
	Items    int32
	Enum     []string // allowed values, as text
	Min, Max string   // numeric bounds, as text; "" for none
	Pattern  string   // a regular expression a string matches
	// PatternError is the code and message Discord answers for a string
	// that does not match; "" for its generic STRING_TYPE_REGEX.
	PatternError [2]string
	MinLen       int
	MaxLen       int
	MinItems     int
	MaxItems     int
	MinProps     int
	MaxProps     int
	OneOf        []int32
	AnyOf        []int32
	AllOf        []int32
}

// prop is one property of an object node.
type prop struct {
	Name string
	Node int32
}

// authKind is what an operation takes in its Authorization header, from
// the spec's security requirements.
type authKind uint8

const (
	authBot         authKind = iota // Bot <token>
	authPathToken                   // a webhook or interaction token in the path; a header is optional
	authPublic                      // nothing, or a valid token
	authBotOrBearer                 // Bot <token> or an OAuth2 Bearer token
	authBearer                      // an OAuth2 Bearer token only
)

// paramKind is what a path parameter holds.
type paramKind uint8

const (
	pSnowflake paramKind = iota
	pString
	pInteger
)

// param is a path parameter; Node is its schema.
type param struct {
	Name string
	Kind paramKind
	Node int32
}

// queryParam is a query-string parameter.
type queryParam struct {
	Name     string
	Node     int32
	Required bool
}

// operation is one operation of the spec.
type operation struct {
	ID           string // operationId, e.g. create_message
	Method       string
	Path         string // template, e.g. /channels/{channel_id}/messages
	Auth         authKind
	Params       []param
	Query        []queryParam
	Body         int32 // application/json schema; 0 if none
	Multipart    int32 // multipart/form-data schema; 0 if none
	BodyRequired bool
	Status       int   // the success status the fake answers
	Response     int32 // schema of the answer; 0 for none
	ResponseType string
}

// route is "METHOD /template", as the Route* constants spell routes.
func (op *operation) route() string { return op.Method + " " + op.Path }

// indexed is an operation with its template split into segments.
type indexed struct {
	op   *operation
	segs []string // "" for a parameter
	lit  []bool
}

// opIndex finds operations by method and number of path segments.
var opIndex = sync.OnceValue(func() map[string][]indexed {
	idx := map[string][]indexed{}
	for i := range specOperations {
		op := &specOperations[i]
		e := indexed{op: op}
		for _, t := range strings.Split(strings.TrimPrefix(op.Path, "/"), "/") {
			param := strings.HasPrefix(t, "{")
			if param {
				t = ""
			}
			e.segs, e.lit = append(e.segs, t), append(e.lit, !param)
		}
		key := op.Method + " " + strconv.Itoa(len(e.segs))
		idx[key] = append(idx[key], e)
	}
	return idx
})

// findOperation returns the operation a request's method and path (with
// or without the /api/v10 prefix) name, and its path parameters. Where
// two templates match, the one with a literal segment first wins, as
// Discord routes /messages/bulk-delete before /messages/{message_id}.
func findOperation(method, path string) (*operation, map[string]string) {
	for _, v := range []string{"/api/v10", "/api/v9"} {
		if rest, ok := strings.CutPrefix(path, v+"/"); ok {
			path = "/" + rest
			break
		}
	}
	segs := strings.Split(strings.TrimPrefix(path, "/"), "/")
	var best *indexed
	for _, e := range opIndex()[method+" "+strconv.Itoa(len(segs))] {
		ok := true
		for i, t := range e.segs {
			if e.lit[i] && t != segs[i] || !e.lit[i] && segs[i] == "" {
				ok = false
				break
			}
		}
		if ok && (best == nil || moreLiteral(e.lit, best.lit)) {
			best = &e
		}
	}
	if best == nil {
		return nil, nil
	}
	vals := map[string]string{}
	for i, t := range strings.Split(strings.TrimPrefix(best.op.Path, "/"), "/") {
		if name, ok := strings.CutPrefix(t, "{"); ok {
			vals[strings.TrimSuffix(name, "}")] = segs[i]
		}
	}
	return best.op, vals
}

// moreLiteral reports whether a has a literal segment where b, at the
// first position they differ, has a parameter.
func moreLiteral(a, b []bool) bool {
	for i := range a {
		if a[i] != b[i] {
			return a[i]
		}
	}
	return false
}
