package main

import (
	"bytes"
	"fmt"
	"go/ast"
	"sort"
	"strconv"
	"strings"
)

// method is one operation as a Go method of rest.Client.
type method struct {
	op         *operation
	name       string
	pathParams []*pathParam
	body       string // Go type of the body; "" for none
	query      []*queryField
	files      bool   // multipart: Options.Files
	fileField  string // the multipart part name of a single file ("file"), when not files[n]
	form       bool   // multipart-only: the body's fields are form fields
	reason     bool
	out        string // Go type of the answer; "" for none
	noAuth     bool
	rawAnswer  string // the content type of an answer that is not JSON
	tokenAuth  bool   // a webhook or interaction token in the path authorises it
	pager      *pager
}

type pathParam struct{ name, goName, typ string }

type queryField struct{ name, goName, typ, doc string }

// options is the name of the method's options struct, or "".
func (m *method) options() string {
	if len(m.query) == 0 && !m.files && !m.reason {
		return ""
	}
	return m.name + "Options"
}

// opName turns an operationId into a Go method name.
func opName(id string) string { return camel(id) }

func (g *gen) methods() []*method {
	var ms []*method
	for _, op := range g.ops {
		ms = append(ms, g.method(op))
	}
	return ms
}

func (g *gen) method(op *operation) *method {
	m := &method{op: op, name: opName(op.OperationID), reason: reasonOps[op.OperationID]}
	for _, p := range op.params {
		switch p.In {
		case "path":
			typ := g.expr(p.Schema, p.Name)
			if id, ok := idFields[p.Name]; ok {
				typ = "discord." + id
			}
			m.pathParams = append(m.pathParams, &pathParam{name: p.Name, goName: lowerFirst(camel(p.Name)), typ: typ})
		case "query":
			typ, ok := paramTypes[op.OperationID+"."+p.Name]
			if !ok {
				typ = g.expr(p.Schema, p.Name)
				if typ == "json.RawMessage" {
					typ = "string" // a union of a string and a list: send the string form
				}
			}
			m.query = append(m.query, &queryField{name: p.Name, goName: camel(p.Name), typ: typ, doc: p.Description})
		}
	}
	sort.SliceStable(m.pathParams, func(i, j int) bool {
		return strings.Index(op.path, "{"+m.pathParams[i].name+"}") < strings.Index(op.path, "{"+m.pathParams[j].name+"}")
	})
	m.tokenAuth = strings.Contains(op.path, "{webhook_token}") || strings.Contains(op.path, "{interaction_token}")
	m.noAuth = m.tokenAuth
	for _, alt := range op.Security {
		if len(alt) == 0 {
			m.noAuth = true // Discord answers without authentication
		}
	}
	if rb := op.RequestBody; rb != nil {
		c, hasJSON := rb.Content["application/json"]
		mp, hasMP := rb.Content["multipart/form-data"]
		m.files = hasMP
		if hasMP {
			m.fileField = fileField(mp.Schema)
		}
		if !hasJSON {
			c = mp
			m.form = true
		}
		m.body = g.body(op, m.name, c.Schema)
		if t := g.types[m.body]; m.body == "json.RawMessage" || t != nil && t.enumBase == "" && len(t.fields) == 0 {
			delete(g.types, m.body)
			m.body = "" // an object without properties (or only a file): nothing to send
		}
	}
	for _, code := range []string{"200", "201", "202"} {
		if c, ok := op.Responses[code].Content["application/json"]; ok {
			m.out = g.expr(c.Schema, "")
			break
		}
		for ct := range op.Responses[code].Content {
			m.rawAnswer = ct
		}
	}
	for i := range pagers {
		if pagers[i].op == op.OperationID {
			m.pager = &pagers[i]
		}
	}
	return m
}

// body resolves an operation's request body to a Go type.
func (g *gen) body(op *operation, name string, s *schema) string {
	params := name + "Params"
	switch {
	case s.Ref != "":
		n := refName(s.Ref)
		if t, ok := models[n]; !ok || g.hw.types[t] == nil {
			if _, named := g.bodyNames[n]; !named && !g.inModels[n] {
				g.bodyNames[n] = params
			}
		}
		q := g.ref(n)
		if t := g.types[q]; t != nil && op.method == "PATCH" {
			t.patch = true
		}
		return q
	case len(s.AllOf) > 0:
		return g.body(op, name, s.AllOf[0]) // the rest of allOf is files[n]
	case len(s.AnyOf) > 0 || len(s.OneOf) > 0:
		vs, _ := nonNull(append(s.AnyOf, s.OneOf...))
		same := models[refName(vs[0].Ref)]
		for _, v := range vs {
			if t, ok := models[refName(v.Ref)]; !ok || t != same {
				same = ""
			}
		}
		if same != "" {
			return g.ref(refName(vs[0].Ref))
		}
		// A union of request shapes: one struct with all their fields.
		t := &goType{name: params, pkg: "rest", patch: op.method == "PATCH"}
		for _, v := range vs {
			n := refName(v.Ref)
			g.merge(t, n, g.spec.Components.Schemas.m[n])
		}
		t.doc = "is the body of " + name + ": the fields of " + strings.Join(t.sources, ", ") + " in one struct, since Discord tells them apart by their content."
		g.types["rest."+params] = t
		return "rest." + params
	case s.Type.main() == "array" && s.Items != nil && s.Items.Ref == "" && len(s.Items.Properties.keys) > 0:
		item := &goType{name: name + "Item", pkg: "rest", doc: "is one element of the body of " + name + "."}
		g.merge(item, op.OperationID, s.Items)
		item.sources = nil
		g.types["rest."+item.name] = item
		return "[]rest." + item.name
	case s.Type.main() == "object" && len(s.Properties.keys) > 0:
		t := &goType{name: params, pkg: "rest", patch: op.method == "PATCH", doc: s.Description}
		if t.doc == "" {
			t.doc = "is the body of " + name + "."
		}
		g.merge(t, op.OperationID, s) // fieldTypes may name it by operation
		g.types["rest."+params] = t
		return "rest." + params
	}
	return g.expr(s, "")
}

// fileField is the part name of a multipart body's one file, when it is
// not files[n] ("file" for stickers, "target_users_file" for invites).
func fileField(s *schema) string {
	for _, part := range s.AllOf {
		if f := fileField(part); f != "" {
			return f
		}
	}
	for _, k := range s.Properties.keys {
		if s.Properties.m[k].ContentEncoding == "binary" && !strings.Contains(k, "[") {
			return k
		}
	}
	return ""
}

func lowerFirst(s string) string {
	for _, ini := range []string{"ID", "URL", "SKU", "DM"} {
		if strings.HasPrefix(s, ini) {
			return strings.ToLower(ini) + s[len(ini):]
		}
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// pathExpr is the Go expression of an operation's concrete path.
func (m *method) pathExpr() string {
	var parts []string
	rest := m.op.path
	for {
		i := strings.Index(rest, "{")
		if i < 0 {
			break
		}
		j := strings.Index(rest, "}")
		if i > 0 {
			parts = append(parts, strconv.Quote(rest[:i]))
		}
		name := rest[i+1 : j]
		for _, p := range m.pathParams {
			if p.name != name {
				continue
			}
			switch {
			case p.typ == "string":
				parts = append(parts, "url.PathEscape("+p.goName+")")
			case p.typ == "int":
				parts = append(parts, "strconv.Itoa("+p.goName+")")
			default:
				parts = append(parts, p.goName+".String()")
			}
		}
		rest = rest[j+1:]
	}
	if rest != "" {
		parts = append(parts, strconv.Quote(rest))
	}
	return strings.Join(parts, " + ")
}

// setter is the rest/query.go helper that adds a query field of typ.
func (g *gen) setter(typ string) string {
	elem, list := strings.CutPrefix(typ, "[]")
	name := "set"
	if list {
		name = "add"
	}
	switch {
	case elem == "bool":
		return name + "Bool"
	case elem == "time.Time":
		return name + "Time"
	case elem == "string":
		return name + "String"
	}
	if t := g.types[elem]; t != nil && t.enumBase == "string" {
		return name + "String"
	}
	if n, ok := strings.CutPrefix(elem, "discord."); ok {
		if id, isIdent := g.hw.types[n].(*ast.Ident); isIdent && id.Name == "string" {
			return name + "String"
		}
	}
	return name + "Int"
}

// writeMethod writes the method of one operation and its options type.
func (g *gen) writeMethod(b, opts *bytes.Buffer, m *method) {
	op := m.op
	o := m.options()
	if o != "" {
		fmt.Fprintf(opts, "\n// %s are the optional parts of %s.\ntype %s struct {\n", o, m.name, o)
		for _, q := range m.query {
			doc := q.doc
			if doc == "" {
				doc = fmt.Sprintf("%s is the %s query parameter; the zero value is not sent.", q.goName, q.name)
			}
			comment(opts, "\t", doc)
			fmt.Fprintf(opts, "\t%s %s\n", q.goName, local(q.typ, "rest"))
		}
		switch {
		case m.fileField != "":
			fmt.Fprintf(opts, "\t// Files holds the one file to upload, sent as the part %q.\n\tFiles []File\n", m.fileField)
		case m.files:
			opts.WriteString("\t// Files are uploaded with the request (multipart/form-data).\n\tFiles []File\n")
		}
		if m.reason {
			opts.WriteString("\t// Reason is recorded in the guild's audit log (X-Audit-Log-Reason).\n\tReason string\n")
		}
		opts.WriteString("}\n")
		if len(m.query) > 0 {
			fmt.Fprintf(opts, "\nfunc (o *%s) values() url.Values {\n\tq := url.Values{}\n", o)
			for _, q := range m.query {
				fmt.Fprintf(opts, "\t%s(q, %q, o.%s)\n", g.setter(q.typ), q.name, q.goName)
			}
			opts.WriteString("\treturn q\n}\n")
		}
	}

	args := []string{"ctx context.Context"}
	for _, p := range m.pathParams {
		args = append(args, p.goName+" "+local(p.typ, "rest"))
	}
	if m.body != "" {
		args = append(args, "body "+local(m.body, "rest"))
	}
	if o != "" {
		args = append(args, "opts "+o)
	}
	ret, zero, outVar := "error", "", ""
	if m.out != "" {
		out := local(m.out, "rest")
		if g.kind(m.out) == "struct" {
			ret, zero, outVar = "(*"+out+", error)", "nil", "&out"
		} else {
			ret, zero, outVar = "("+out+", error)", "out", "out"
		}
	}
	doc := fmt.Sprintf("%s calls %s %s (%s).", m.name, op.method, op.path, op.OperationID)
	if d := strings.TrimSpace(op.Description); d != "" {
		doc += " " + strings.TrimSuffix(d, ".") + "."
	}
	switch {
	case m.tokenAuth:
		doc += "\nIt is sent without the bot token: the token in the path authorises it, and is kept out of errors and logs."
	case m.noAuth:
		doc += "\nDiscord needs no authentication for it, so it is sent without the bot token."
	}
	if m.rawAnswer != "" && m.out == "" {
		doc += "\nDiscord answers " + m.rawAnswer + ", which the client does not return yet: only the error is."
	}
	if newer, ok := strings.CutPrefix(op.OperationID, "deprecated_"); ok {
		doc += "\n\nDeprecated: Discord replaced this route; use " + opName(newer) + "."
	} else if op.Deprecated {
		doc += "\n\nDeprecated: Discord deprecates this route."
	}
	b.WriteString("\n")
	comment(b, "", doc)
	fmt.Fprintf(b, "func (c *Client) %s(%s) %s {\n", m.name, strings.Join(args, ", "), ret)
	idem := fmt.Sprintf("idempotentMethod(%q)", op.method)
	if createMessageOps[op.OperationID] {
		idem = "createMessageRetryable(&body)"
	}
	fmt.Fprintf(b, "\tr := &request{method: %q, route: %q, path: %s, idempotent: %s", op.method, op.path, m.pathExpr(), idem)
	if m.body != "" {
		b.WriteString(", body: body")
	}
	if m.noAuth {
		b.WriteString(", noAuth: true")
	}
	if m.form {
		b.WriteString(", form: true")
	}
	if m.fileField != "" {
		fmt.Fprintf(b, ", fileField: %q", m.fileField)
	}
	b.WriteString("}\n")
	if len(m.query) > 0 {
		b.WriteString("\tr.query = opts.values()\n")
	}
	if m.files {
		b.WriteString("\tr.files = opts.Files\n")
	}
	if m.reason {
		b.WriteString("\tr.reason = opts.Reason\n")
	}
	if m.out == "" {
		b.WriteString("\treturn c.call(ctx, r, nil)\n}\n")
		return
	}
	fmt.Fprintf(b, "\tvar out %s\n\tif err := c.call(ctx, r, &out); err != nil {\n\t\treturn %s, err\n\t}\n\treturn %s, nil\n}\n",
		local(m.out, "rest"), zero, outVar)
}
