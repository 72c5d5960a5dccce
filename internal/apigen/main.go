// Command apigen writes wirecord's REST API from Discord's OpenAPI spec
// (discord/discord-api-spec): the models the spec has and discord lacks
// (discord/models_gen.go), the request bodies and options
// (rest/params_gen.go), and one method of rest.Client per operation, with
// an iterator for the list operations that page (rest/operations_gen.go).
//
//	go run ./internal/apigen -spec ../shared/discord-api-spec/openapi.json -root .
//
// go generate runs it from rest/ and discord/ (see rest/generate.go and
// discord/doc.go); its output is committed, .ci/run fails when
// regenerating changes it, and a test in this package fails when the
// committed output is stale.
//
// The files, by idea: spec.go reads the spec, overlay.go is every decision
// the spec does not make (the tables), handwritten.go reads the
// hand-written discord types, types.go turns schemas into Go types,
// emit.go writes them, ops.go and pages.go write the methods and
// iterators, main.go runs it all and checks the result.
//
// Why it is shaped this way:
//
//   - One type per entity. The spec has many schemas per entity
//     (MessageResponse, BasicMessageResponse, MinimalContentMessageResponse...;
//     GuildResponse, GuildWithCountsResponse...) and discord already has
//     hand-written models that the gateway events are built on and that
//     are tuned for decoding MESSAGE_CREATE on the hot path. Generating
//     the models instead would have meant either two Message types or
//     regenerating the event types and losing that tuning. So the
//     hand-written types are the models: one table (models in overlay.go)
//     maps spec schemas onto them, and only schemas with no hand-written
//     type are generated; schemas mapped onto one generated name (the
//     three webhook shapes are discord.Webhook) are merged. For every
//     schema mapped onto a hand-written type the generator checks that
//     each property has a JSON field in the Go type, or is listed in
//     omitted with a reason, so "hand-written" never silently means
//     "incomplete".
//   - The overlay wins. Where the spec is wrong or vaguer than Discord's
//     docs (PROTOCOL.md §0, §13-15), a table in overlay.go corrects it, one
//     commented entry per correction, all in that one file; an entry that
//     names nothing in the spec fails the generator.
//   - Data lives in discord: a schema any response reaches is generated
//     there; request bodies, options and query parameters go to rest.
//   - Standard library only, deterministic output (sorted, gofmt'ed), so
//     CI can regenerate and run git diff --exit-code.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Output files, relative to the repository root.
const (
	modelsFile = "models_gen.go"
	modelsPath = "discord/" + modelsFile
	paramsPath = "rest/params_gen.go"
	opsPath    = "rest/operations_gen.go"
)

func main() {
	specPath := flag.String("spec", "../shared/discord-api-spec/openapi.json", "Discord's OpenAPI spec")
	root := flag.String("root", ".", "the repository root")
	only := flag.String("only", "", `write only "discord" or "rest" (default: both)`)
	flag.Parse()
	files, err := generate(*specPath, *root)
	if err != nil {
		log.Fatal(err)
	}
	for path, b := range files {
		if *only != "" && !strings.HasPrefix(path, *only+"/") {
			continue
		}
		if err := os.WriteFile(filepath.Join(*root, path), b, 0o644); err != nil {
			log.Fatal(err)
		}
	}
}

// generate returns the generated files by path below the repository root.
func generate(specPath, root string) (map[string][]byte, error) {
	s, ops, err := loadSpec(specPath)
	if err != nil {
		return nil, err
	}
	hw, err := readHandwritten(filepath.Join(root, "discord"))
	if err != nil {
		return nil, err
	}
	g := newGen(s, ops, hw)
	ms := g.methods()
	g.finalize()
	g.checkHandwritten()
	g.checkOverlay()
	g.prune(ms)

	var ob, pb, mb bytes.Buffer
	g.typeDecls(&mb, "discord")
	g.typeDecls(&pb, "rest")
	for _, m := range ms {
		g.writeMethod(&ob, &pb, m)
		if m.pager != nil {
			if err := g.writePager(&ob, m); err != nil {
				g.errorf("%v", err)
			}
		}
	}
	for _, p := range pagers {
		found := false
		for _, m := range ms {
			found = found || m.op.OperationID == p.op
		}
		if !found {
			g.errorf("pagers: no operation %s", p.op)
		}
	}
	if len(g.errs) > 0 {
		sort.Strings(g.errs)
		return nil, errors.New("apigen:\n\t" + strings.Join(g.errs, "\n\t"))
	}
	out := map[string][]byte{}
	for path, part := range map[string]struct {
		pkg  string
		body []byte
	}{modelsPath: {"discord", mb.Bytes()}, paramsPath: {"rest", pb.Bytes()}, opsPath: {"rest", ob.Bytes()}} {
		b, err := file(part.pkg, part.body)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		out[path] = b
	}
	return out, nil
}

// checkHandwritten reports every property of a mapped schema that its
// hand-written type has no field for, unless omitted says why.
func (g *gen) checkHandwritten() {
	for name, target := range g.checked {
		have, ok := g.hw.jsonFields(target)
		if !ok {
			continue // not a struct (Component is raw JSON): nothing is lost
		}
		fields := map[string]bool{}
		for _, f := range have {
			fields[f] = true
		}
		props, _ := flatten(g, g.spec.Components.Schemas.m[name])
		for _, p := range props.keys {
			if !fields[p] && omitted[name+"."+p] == "" {
				g.errorf("discord.%s has no field for %s.%s: add it, or list it in omitted with a reason", target, name, p)
			}
		}
	}
	for k := range omitted {
		if _, ok := g.checked[strings.Split(k, ".")[0]]; !ok {
			g.errorf("omitted: %s is not a mapped schema", k)
		}
	}
}

// checkOverlay reports overlay entries that name nothing in the spec, so
// that a typo or a spec change cannot make a correction silently vanish.
func (g *gen) checkOverlay() {
	ops := map[string]*operation{}
	for _, op := range g.ops {
		ops[op.OperationID] = op
	}
	schemas := g.spec.Components.Schemas.m
	for _, table := range []map[string]bool{reasonOps, createMessageOps} {
		for id := range table {
			if ops[id] == nil {
				g.errorf("overlay: no operation %s", id)
			}
		}
	}
	for name := range models {
		if schemas[name] == nil {
			g.errorf("models: no schema %s", name)
		}
	}
	for _, table := range []map[string]string{fieldTypes, fieldLimits, omitted} {
		for key := range table {
			owner, prop, _ := strings.Cut(key, ".")
			if owner == "*" {
				continue
			}
			s := schemas[owner]
			if s == nil && ops[owner] != nil && ops[owner].RequestBody != nil {
				s = ops[owner].RequestBody.Content["application/json"].Schema
			}
			if s == nil {
				g.errorf("overlay: %s: no schema or operation %s", key, owner)
				continue
			}
			if props, _ := flatten(g, s); props.m[prop] == nil {
				g.errorf("overlay: %s: %s has no property %s", key, owner, prop)
			}
		}
	}
	for key := range paramTypes {
		id, name, _ := strings.Cut(key, ".")
		found := false
		if op := ops[id]; op != nil {
			for _, p := range op.params {
				found = found || p.Name == name
			}
		}
		if !found {
			g.errorf("paramTypes: %s names no query parameter", key)
		}
	}
}
