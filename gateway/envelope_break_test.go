package gateway

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"testing"

	"github.com/wirecord/wirecord/discord"
)

// skipValueByByte is skipValue read plainly: a string ends where the byte
// walk says, an object or array where its brackets balance outside
// strings, any other value at the first delimiter.
func skipValueByByte(b []byte, i int) (int, error) {
	if i >= len(b) {
		return 0, errors.New("missing value")
	}
	switch b[i] {
	case '"':
		end, ok := skipStringByByte(b, i)
		if !ok {
			return 0, errors.New("unterminated string")
		}
		return end, nil
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				end, ok := skipStringByByte(b, j)
				if !ok {
					return 0, errors.New("unterminated string")
				}
				j = end - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1, nil
				}
			}
		}
		return 0, errors.New("unterminated object or array")
	default:
		j := i
		for j < len(b) {
			switch b[j] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				if j == i {
					return 0, fmt.Errorf("unexpected %q at offset %d", b[j], j)
				}
				return j, nil
			}
			j++
		}
		if j == i {
			return 0, errors.New("missing value")
		}
		return j, nil
	}
}

// parseEnvelopeByByte is parseEnvelope on the byte walks: the same
// reading of op, s, t and d, with every string and value delimited one
// byte at a time.
func parseEnvelopeByByte(b []byte) (env envelope, err error) {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return env, errNotObject
	}
	i++
	for {
		i = skipSpace(b, i)
		if i >= len(b) {
			return env, errors.New("unterminated payload object")
		}
		if b[i] == '}' {
			if skipSpace(b, i+1) != len(b) {
				return env, errors.New("data after the payload object")
			}
			return env, nil
		}
		if b[i] == ',' {
			i = skipSpace(b, i+1)
		}
		if i >= len(b) || b[i] != '"' {
			return env, fmt.Errorf("expected a key at offset %d", i)
		}
		kEnd, ok := skipStringByByte(b, i)
		if !ok {
			return env, errors.New("unterminated string")
		}
		key := string(b[i+1 : kEnd-1])
		i = skipSpace(b, kEnd)
		if i >= len(b) || b[i] != ':' {
			return env, fmt.Errorf("expected ':' at offset %d", i)
		}
		i = skipSpace(b, i+1)
		vEnd, verr := skipValueByByte(b, i)
		if verr != nil {
			if key == "d" {
				env.dataErr = verr
				return env, nil
			}
			return env, verr
		}
		val := b[i:vEnd]
		switch key {
		case "op":
			n, ok := parseInt(val)
			if !ok {
				return env, fmt.Errorf("op is not an integer: %.20q", val)
			}
			env.op, env.hasOp = discord.Opcode(n), true
		case "s":
			if !isNull(val) {
				n, ok := parseInt(val)
				env.seq, env.hasSeq, env.seqBad = n, true, !ok
				if !ok {
					env.seqRaw = val
				}
			}
		case "t":
			if !isNull(val) {
				name, err := unquote(val)
				if err != nil {
					return env, fmt.Errorf("t is not a string: %w", err)
				}
				env.name = name
			}
		case "d":
			env.data = val
		}
		i = vEnd
	}
}

// sameEnvelope reports how parseEnvelope's answer on b differs from the
// byte walk's ("" when it does not).
func sameEnvelope(b []byte) string {
	want, wantErr := parseEnvelopeByByte(bytes.Clone(b))
	got, gotErr := parseEnvelope(bytes.Clone(b))
	if fmt.Sprint(wantErr) != fmt.Sprint(gotErr) {
		return fmt.Sprintf("error %v, the byte walk says %v", gotErr, wantErr)
	}
	if fmt.Sprint(want.dataErr) != fmt.Sprint(got.dataErr) {
		return fmt.Sprintf("d's error %v, the byte walk says %v", got.dataErr, want.dataErr)
	}
	want.dataErr, got.dataErr = nil, nil
	if !reflect.DeepEqual(want, got) {
		return fmt.Sprintf("%+v, the byte walk says %+v", got, want)
	}
	return ""
}

// FuzzParseEnvelopeAgreesWithByteWalk holds the whole envelope scan (the
// word-at-a-time string ends and the table skip of non-structural bytes)
// to the byte walk on arbitrary payloads, d's end and every string cut
// short included.
func FuzzParseEnvelopeAgreesWithByteWalk(f *testing.F) {
	for _, s := range []string{
		`{"op":0,"s":1,"t":"MESSAGE_CREATE","d":{"content":"a\"b\\","x":[1,{"y":"]}"}]}}`,
		`{"t":"X","d":{"a":"\\\\\\\"","b":"` + "\xa2\xdc\xdb\xfd" + `"},"s":2,"op":0}`,
		`{"d":"1234567\\","op":0}`,
		`{"d":{"a":"1234567\`,
		`{"op":0,"d":[[[[{"k":"v"}]]]],"s":null,"t":null}`,
		`{"op":11}`,
		`{"d":{"s":"}}}}}}}}"}, "t" : "A\u0042" , "s" : 99999999999999999999}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if d := sameEnvelope(b); d != "" {
			t.Fatalf("parseEnvelope(%q): %s", b, d)
		}
		// The same bytes as a d, where most of a payload's bytes are.
		p := append(append([]byte(`{"op":0,"s":3,"t":"E","d":`), b...), '}')
		if d := sameEnvelope(p); d != "" {
			t.Fatalf("parseEnvelope(%q): %s", p, d)
		}
	})
}

// Every d made of up to seven bytes drawn from the bytes the scan treats
// specially (and their neighbours, and the same low bits with the high
// bit set), at each offset of a word, cut short or closed: the envelope
// scan finds what the byte walk finds.
func TestParseEnvelopeAgreesWithByteWalkOnShortData(t *testing.T) {
	alphabet := []byte{'"', '\\', '{', '}', '[', ']', 'a', '!', '#', '[' | 0x80, '"' | 0x80, '\\' | 0x80, 0x01, 0xff}
	n := 0
	var walk func(s []byte, depth int)
	walk = func(s []byte, depth int) {
		for lead := range 8 {
			pad := bytes.Repeat([]byte{'x'}, lead)
			for _, d := range [][]byte{
				append(append(append([]byte(`"`), pad...), s...), '"'),
				append(append(append([]byte(`{"`), pad...), s...), `"}`...),
				append(append(append([]byte(`["`), pad...), s...), `",{"k":"\\"}]`...),
				append(append([]byte(`"`), pad...), s...),
			} {
				for _, tail := range []string{`}`, `,"s":7,"t":"T"}`, ``} {
					b := append(append([]byte(`{"op":0,"d":`), d...), tail...)
					n++
					if diff := sameEnvelope(b); diff != "" {
						t.Fatalf("parseEnvelope(%q): %s", b, diff)
					}
				}
			}
		}
		if depth == 0 {
			return
		}
		for _, c := range alphabet {
			walk(append(s, c), depth-1)
		}
	}
	walk(nil, 3)
	t.Logf("%d payloads", n)
}
