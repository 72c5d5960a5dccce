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
		walkKeys(rt, seen, func(key string, wrap func(string) string) {
			q := strconv.Quote(key)
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
		})
	}
	tt.Logf("%d inputs, %d differ", n, bad)
}
