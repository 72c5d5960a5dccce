package main

import (
	"bytes"
	"fmt"
	"strings"
)

// writePager writes the iterator of a list operation: it pages with the
// pager's cursor parameter, from the caller's own cursor if set, and
// stops on a short page (or has_more false), an error, or ctx.
func (g *gen) writePager(b *bytes.Buffer, m *method) error {
	p := m.pager
	var cursorType string
	for _, q := range m.query {
		if q.name == p.param {
			cursorType = q.typ
		}
	}
	if cursorType == "" || m.options() == "" {
		return fmt.Errorf("pager %s: no query parameter %s", p.op, p.param)
	}
	item, page := strings.TrimPrefix(m.out, "[]"), "page"
	if p.items != "" {
		t := g.types[m.out]
		if t == nil {
			return fmt.Errorf("pager %s: answer %s is not a generated struct", p.op, m.out)
		}
		for _, f := range t.fields {
			if f.name == p.items {
				item, page = strings.TrimPrefix(f.typ, "[]"), "page."+p.items
			}
		}
	}
	field := camel(p.param)
	zero, less := "0", "a < b"
	if cursorType == "time.Time" {
		zero, less = "", "a.Before(b)"
	}
	isSet := "cursor != " + zero
	if zero == "" {
		isSet = "!cursor.IsZero()"
	}
	var args, call []string
	for _, pp := range m.pathParams {
		args = append(args, pp.goName+" "+local(pp.typ, "rest"))
		call = append(call, pp.goName)
	}
	more := fmt.Sprintf("len(%s) >= o.Limit", page)
	if p.more != "" {
		more = "page." + p.more
	}
	guard := ""
	if p.guard != "" {
		guard = fmt.Sprintf("if !(%s) {\n\t\t\tvar zero %s\n\t\t\treturn zero, false\n\t\t}\n\t\t", p.guard, local(cursorType, "rest"))
	}
	it, cur := local(item, "rest"), local(cursorType, "rest")
	var others []string
	for _, q := range m.query {
		if q.name != p.param && (q.name == "before" || q.name == "after" || q.name == "around") {
			others = append(others, "opts."+q.goName)
		}
	}
	other := ""
	if len(others) > 0 {
		other = "\n// It pages with " + p.param + " only: leave " + strings.Join(others, " and ") + " unset."
	}
	fmt.Fprintf(b, `
// %[1]sAll pages through %[1]s with %[2]s, %[3]d items a page unless
// opts.Limit says otherwise, starting from opts.%[4]s when it is set. It
// stops after the last page, at the first error (which it yields), or
// when ctx is done.%[16]s
func (c *Client) %[1]sAll(ctx context.Context, %[5]s) iter.Seq2[%[6]s, error] {
	if opts.Limit == 0 {
		opts.Limit = %[3]d
	}
	fetch := func(ctx context.Context, cursor %[7]s) ([]%[6]s, bool, error) {
		o := opts
		if %[8]s {
			o.%[4]s = cursor
		}
		page, err := c.%[1]s(ctx, %[9]s)
		if err != nil {
			return nil, false, err
		}
		return %[10]s, %[11]s, nil
	}
	next := func(it %[6]s) (%[7]s, bool) {
		%[12]sreturn %[13]s, true
	}
	return pages(ctx, opts.%[4]s, %[14]t, fetch, next, func(a, b %[7]s) bool { return %[15]s })
}
`, m.name, p.param, p.limit, field, strings.Join(append(args, "opts "+m.options()), ", "), it, cur, isSet,
		strings.Join(append(append([]string{}, call...), "o"), ", "), page, more, guard, p.cursor, p.param == "before", less, other)
	return nil
}
