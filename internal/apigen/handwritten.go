package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"reflect"
	"strings"
)

// handwritten is what the generator knows of the hand-written discord
// package: every declared type with its definition.
type handwritten struct {
	types map[string]ast.Expr
}

// readHandwritten parses discord/*.go, leaving out tests and the
// generator's own output.
func readHandwritten(dir string) (*handwritten, error) {
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, dir, func(fi os.FileInfo) bool {
		n := fi.Name()
		return !strings.HasSuffix(n, "_test.go") && n != modelsFile
	}, 0)
	if err != nil {
		return nil, err
	}
	h := &handwritten{types: map[string]ast.Expr{}}
	for _, p := range pkgs {
		for _, f := range p.Files {
			for _, d := range f.Decls {
				g, ok := d.(*ast.GenDecl)
				if !ok || g.Tok != token.TYPE {
					continue
				}
				for _, sp := range g.Specs {
					ts := sp.(*ast.TypeSpec)
					h.types[ts.Name.Name] = ts.Type
				}
			}
		}
	}
	return h, nil
}

// jsonFields lists the JSON names of a hand-written struct's fields,
// following embedded structs; ok is false for a type that is not a struct
// (Component is raw JSON and keeps every field).
func (h *handwritten) jsonFields(name string) (names []string, ok bool) {
	st, isStruct := h.types[name].(*ast.StructType)
	if !isStruct {
		return nil, false
	}
	for _, f := range st.Fields.List {
		tag := ""
		if f.Tag != nil {
			tag = reflect.StructTag(strings.Trim(f.Tag.Value, "`")).Get("json")
		}
		if len(f.Names) == 0 { // embedded
			if id, isIdent := f.Type.(*ast.Ident); isIdent && tag == "" {
				sub, _ := h.jsonFields(id.Name)
				names = append(names, sub...)
			}
			continue
		}
		jn, _, _ := strings.Cut(tag, ",")
		if jn == "-" {
			continue
		}
		if jn == "" {
			jn = f.Names[0].Name
		}
		names = append(names, jn)
	}
	return names, true
}
