package jsondec

import (
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// Every key reachable from every event type, given twice with every pair
// of a few values of each shape (arrays long and short, objects full and
// empty, maps, null, scalars), decodes as encoding/json decodes it. The
// generated decoders give up on the repeat; segmentio/encoding answers.
func TestRepeatedKeysEverywhereDecodeAsEncodingJSON(tt *testing.T) {
	vals := []string{`[1,2]`, `[3]`, `{"id":"1","name":"a"}`, `{}`, `null`, `[{"id":"1","name":"n"},{"id":"2"}]`, `[{}]`, `{"1":{"id":"1"}}`, `{"2":{"name":"b"}}`, `"x"`, `1`}
	n, bad := 0, 0
	seen := map[reflect.Type]bool{}
	for _, rt := range rootTypes() {
		var walk func(t reflect.Type, wrap func(string) string)
		walk = func(t reflect.Type, wrap func(string) string) {
			if seen[t] {
				return
			}
			seen[t] = true
			for _, f := range jsonFields(t) {
				q := strconv.Quote(f.key)
				for _, a := range vals {
					for _, b := range vals {
						in := wrap("{" + q + ":" + a + "," + q + ":" + b + "}")
						n++
						if d := agree(rt, []byte(in)); d != "" {
							bad++
							if bad < 30 {
								tt.Errorf("%s\n%s", in, strings.SplitN(d, "\n", 2)[0])
							}
						}
					}
				}
				if st, ws := inner(f.typ); st != nil {
					w := func(s string) string {
						for i := len(ws) - 1; i >= 0; i-- {
							s = ws[i](s)
						}
						return wrap("{" + q + ":" + s + "}")
					}
					walk(st, w)
				}
			}
		}
		walk(rt, func(s string) string { return s })
	}
	tt.Logf("%d inputs, %d differ", n, bad)
}
