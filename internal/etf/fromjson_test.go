package etf

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"math/big"
	"os"
	"strconv"
	"strings"
	"testing"
)

func TestFromJSON(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want term
	}{
		// Literals.
		{"TrueIsAtom", `true`, smallAtomUTF8("true")},
		{"FalseIsAtom", `false`, smallAtomUTF8("false")},
		{"NullIsAtomNil", `null`, smallAtomUTF8("nil")},

		// Strings.
		{"StringIsBinary", `"hello"`, bin("hello")},
		{"EmptyStringIsEmptyBinary", `""`, bin("")},
		{"StringUTF8IsKept", `"héllo 🎉"`, bin("héllo 🎉")},
		{"StringSimpleEscapesAreDecoded", `"\"\\\/\b\f\n\r\t"`, bin("\"\\/\b\f\n\r\t")},
		{"StringUnicodeEscapeIsDecoded", `"\u00e9\u65E5"`, bin("é日")},
		{"StringNULEscapeIsDecoded", `"a\u0000b"`, bin("a\x00b")},
		{"StringSurrogatePairIsOneRune", `"\ud83c\udf89"`, bin("🎉")},
		{"StringLoneHighSurrogateIsReplacement", `"\ud83cx"`, bin("\ufffdx")},
		{"StringLoneLowSurrogateIsReplacement", `"\udf89"`, bin("\ufffd")},
		{"StringHighSurrogateThenEscapeKeepsEscape", `"\ud83c\u0041"`, bin("\ufffdA")},
		{"StringTwoHighSurrogatesAreTwoReplacements", `"\ud83c\ud83c"`, bin("\ufffd\ufffd")},
		{"StringInvalidUTF8IsReplacement", "\"a\xffb\"", bin("a\ufffdb")},
		{"StringTruncatedUTF8IsReplacement", "\"\xe6\x97\"", bin("\ufffd\ufffd")},

		// Integers.
		{"ZeroIsSmallInteger", `0`, smallInt(0)},
		{"Integer255IsSmallInteger", `255`, smallInt(255)},
		{"Integer256IsInteger", `256`, intExt(256)},
		{"NegativeIsInteger", `-1`, intExt(-1)},
		{"Int32MaxIsInteger", `2147483647`, intExt(math.MaxInt32)},
		{"Int32MinIsInteger", `-2147483648`, intExt(math.MinInt32)},
		{"BeyondInt32MaxIsSmallBig", `2147483648`, smallBig(false, 0, 0, 0, 0x80)},
		{"BeyondInt32MinIsSmallBig", `-2147483649`, smallBig(true, 1, 0, 0, 0x80)},
		{"SnowflakeIsSmallBig", `1234567890123456789`, smallBig(false, 0x15, 0x81, 0xe9, 0x7d, 0xf4, 0x10, 0x22, 0x11)},
		{"MaxUint64IsSmallBig", `18446744073709551615`, bigOf("18446744073709551615")},
		{"NegativeMaxUint64IsSmallBig", `-18446744073709551615`, bigOf("-18446744073709551615")},
		{"BeyondUint64IsSmallBig", `18446744073709551616`, smallBig(false, 0, 0, 0, 0, 0, 0, 0, 0, 1)},
		{"HugeIntegerIsSmallBig", `123456789012345678901234567890`, bigOf("123456789012345678901234567890")},
		{"NegativeZeroIsNegativeFloat", `-0`, newFloat(math.Copysign(0, -1))},

		// Floats.
		{"FractionIsFloat", `1.5`, newFloat(1.5)},
		{"WholeFractionIsFloat", `1.0`, newFloat(1)},
		{"ExponentIsFloat", `1e3`, newFloat(1000)},
		{"NegativeExponentIsFloat", `-2.5E-3`, newFloat(-0.0025)},
		{"PositiveExponentSignIsFloat", `2e+2`, newFloat(200)},
		{"UnderflowIsZero", `1e-400`, newFloat(0)},

		// Arrays.
		{"EmptyArrayIsNil", `[]`, nilExt()},
		{"EmptyArrayWithSpaceIsNil", `[ ]`, nilExt()},
		{"ArrayIsListWithNilTail", `[1,"a",null]`, list(smallInt(1), bin("a"), smallAtomUTF8("nil"))},
		{"NestedArrays", `[[],[[]]]`, list(nilExt(), list(nilExt()))},

		// Objects.
		{"ObjectIsMapWithBinaryKeys", `{"op":1,"d":null}`, mapOf(bin("op"), smallInt(1), bin("d"), smallAtomUTF8("nil"))},
		{"EmptyObjectIsEmptyMap", `{}`, mapOf()},
		{"ObjectKeepsKeyOrder", `{"b":1,"a":2}`, mapOf(bin("b"), smallInt(1), bin("a"), smallInt(2))},
		{"ObjectKeyEscapesAreDecoded", `{"\u0069d":1}`, mapOf(bin("id"), smallInt(1))},
		{"ObjectDuplicateKeysAreKept", `{"a":1,"a":2}`, mapOf(bin("a"), smallInt(1), bin("a"), smallInt(2))},
		{"WhitespaceIsIgnored", " \t\r\n{ \"a\" : [ 1 , 2 ] }\n", mapOf(bin("a"), list(smallInt(1), smallInt(2)))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := FromJSON(nil, []byte(tt.in))
			if err != nil {
				t.Fatalf("FromJSON: %v", err)
			}
			if want := etf(tt.want); !bytes.Equal(got, want) {
				t.Errorf("FromJSON(%s)\n got % x\nwant % x", tt.in, got, want)
			}
		})
	}
}

// TestFromJSONHandWrittenVector checks a heartbeat against bytes written from the
// spec's tables, not through this package's test builders.
func TestFromJSONHandWrittenVector(t *testing.T) {
	got, err := FromJSON(nil, []byte(`{"op":1,"d":1234567890123456789}`))
	if err != nil {
		t.Fatal(err)
	}
	want := []byte{
		131,             // version
		116, 0, 0, 0, 2, // MAP_EXT, arity 2
		109, 0, 0, 0, 2, 'o', 'p', // BINARY_EXT "op": Discord wants string keys
		97, 1, // SMALL_INTEGER_EXT 1
		109, 0, 0, 0, 1, 'd', // BINARY_EXT "d"
		110, 8, 0, // SMALL_BIG_EXT, 8 bytes, positive
		0x15, 0x81, 0xe9, 0x7d, 0xf4, 0x10, 0x22, 0x11, // 0x112210F47DE98115, little-endian
	}
	if !bytes.Equal(got, want) {
		t.Errorf("FromJSON\n got % x\nwant % x", got, want)
	}
}

func TestFromJSONRejects(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		offset int
		msg    string
	}{
		{"EmptyInput", ``, 0, "unexpected end of JSON input, want a value"},
		{"OnlyWhitespace", "  ", 2, "unexpected end of JSON input, want a value"},
		{"TrailingData", `1 2`, 2, "trailing data after the JSON value"},
		{"TrailingComma", `[1,]`, 3, "invalid character ']', want a value"},
		{"TrailingCommaInObject", `{"a":1,}`, 7, "invalid character '}', want a string key"},
		{"UnquotedKey", `{a:1}`, 1, "invalid character 'a', want a string key"},
		{"MissingColon", `{"a" 1}`, 5, "invalid character '1', want ':' after an object key"},
		{"MissingComma", `[1 2]`, 3, "invalid character '2', want ',' or ']' after an array element"},
		{"MissingCommaInObject", `{"a":1 "b":2}`, 7, "invalid character '\"', want ',' or '}' after an object value"},
		{"UnclosedArray", `[1`, 2, "unexpected end of JSON input, want ',' or ']' after an array element"},
		{"UnclosedObject", `{"a":1`, 6, "unexpected end of JSON input, want ',' or '}' after an object value"},
		{"UnterminatedString", `"abc`, 0, "unterminated string"},
		{"ControlCharacterInString", "\"a\nb\"", 2, "control character in string"},
		{"InvalidEscape", `"\x"`, 1, "invalid escape sequence"},
		{"ShortUnicodeEscape", `"\u12"`, 1, "invalid \\u escape"},
		{"BadHexInUnicodeEscape", `"\u12g4"`, 1, "invalid \\u escape"},
		{"BadSecondEscapeOfPair", `"\ud83c\uzzzz"`, 7, "invalid \\u escape"},
		{"BackslashAtEnd", `"\`, 1, "unterminated escape sequence"},
		{"BadLiteral", `tru`, 0, "invalid literal, want true"},
		{"NullMisspelled", `nul1`, 0, "invalid literal, want null"},
		{"InvalidStart", `?`, 0, "invalid character '?', want a value"},
		{"NonASCIIStart", "\xff", 0, "invalid character byte 0xff, want a value"},
		{"LeadingZero", `01`, 1, "trailing data after the JSON value"},
		{"LonelyMinus", `-`, 1, "unexpected end of JSON input, want a digit"},
		{"MinusLetter", `-a`, 1, "invalid character 'a', want a digit"},
		{"PlusSign", `+1`, 0, "invalid character '+', want a value"},
		{"BareFraction", `.5`, 0, "invalid character '.', want a value"},
		{"DotWithoutDigits", `1.`, 2, "unexpected end of JSON input, want a digit after the decimal point"},
		{"ExponentWithoutDigits", `1e+`, 3, "unexpected end of JSON input, want a digit in the exponent"},
		{"FloatOverflow", `1e400`, 0, "number is beyond the range of a float64"},
		{"NegativeFloatOverflow", `[-1.5e309]`, 1, "number is beyond the range of a float64"},
		{"IntegerBeyond64Bytes", `1` + strings.Repeat("0", 155), 0, "integer is beyond the limit of 64 bytes of magnitude"},
		{"IntegerOf155DigitsBeyond64Bytes", strings.Repeat("9", 155), 0, "integer is beyond the limit of 64 bytes of magnitude"},
		{"HugeIntegerIsRejectedCheaply", strings.Repeat("7", 1<<20), 0, "integer is beyond the limit of 64 bytes of magnitude"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dst := []byte("prefix")
			got, err := FromJSON(dst, []byte(tt.in))
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("FromJSON error = %v (%T), want *Error", err, err)
			}
			if e.Offset != tt.offset || e.Msg != tt.msg {
				t.Errorf("FromJSON error = %q at %d, want %q at %d", e.Msg, e.Offset, tt.msg, tt.offset)
			}
			if string(got) != "prefix" {
				t.Errorf("FromJSON returned dst %q on error, want it unchanged", got)
			}
			if json.Valid([]byte(tt.in)) && !isLimit(e) {
				t.Errorf("FromJSON rejects valid JSON with %q, which is no documented limit", e.Msg)
			}
		})
	}
}

// isLimit reports whether e is one of the documented limits on valid JSON.
func isLimit(e *Error) bool {
	return strings.HasPrefix(e.Msg, "nesting deeper than") ||
		strings.HasPrefix(e.Msg, "integer is beyond the limit") ||
		strings.HasPrefix(e.Msg, "number is beyond the range")
}

func TestFromJSONBigIntegerLimit(t *testing.T) {
	max := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 8*maxBigBytes), big.NewInt(1)) // 2^512-1
	got, err := FromJSON(nil, []byte("-"+max.String()))
	if err != nil {
		t.Fatalf("FromJSON of -(2^512-1): %v", err)
	}
	if want := etf(bigOf("-" + max.String())); !bytes.Equal(got, want) {
		t.Errorf("FromJSON of -(2^512-1)\n got % x\nwant % x", got, want)
	}
	over := new(big.Int).Add(max, big.NewInt(1))
	if _, err := FromJSON(nil, []byte(over.String())); err == nil {
		t.Errorf("FromJSON of 2^512 succeeded, want the 64-byte limit")
	}
}

func TestFromJSONAppendsToDst(t *testing.T) {
	got, err := FromJSON([]byte{0xaa}, []byte(`1`))
	if err != nil {
		t.Fatal(err)
	}
	if want := []byte{0xaa, 131, 97, 1}; !bytes.Equal(got, want) {
		t.Errorf("FromJSON = % x, want % x", got, want)
	}
}

func TestFromJSONDepthLimit(t *testing.T) {
	for _, open := range []string{"[", `{"k":`} {
		closer := map[string]string{"[": "]", `{"k":`: "}"}[open]
		at := strings.Repeat(open, maxDepth) + "1" + strings.Repeat(closer, maxDepth)
		if _, err := FromJSON(nil, []byte(at)); err != nil {
			t.Errorf("FromJSON of %s nested %d deep: %v", open, maxDepth, err)
		}
		over := strings.Repeat(open, maxDepth+1) + "1" + strings.Repeat(closer, maxDepth+1)
		_, err := FromJSON(nil, []byte(over))
		var e *Error
		if !errors.As(err, &e) || e.Msg != "nesting deeper than 512" {
			t.Errorf("FromJSON of %s nested %d deep: error %v, want nesting limit", open, maxDepth+1, err)
		}
	}
}

// TestFromJSONTruncatedInputIsAnError cuts valid JSON at every offset: a prefix
// that is itself valid JSON (a number cut short) must transcode, any other
// must fail with *Error, and none may panic.
func TestFromJSONTruncatedInputIsAnError(t *testing.T) {
	payload, err := os.ReadFile("testdata/message_create.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range [][]byte{payload, []byte(`[12345, -1.5e10, "\ud83c\udf89", true, false, null, {}]`)} {
		for n := 0; n < len(in); n++ {
			_, err := FromJSON(nil, in[:n])
			if json.Valid(in[:n]) {
				if err != nil {
					t.Errorf("FromJSON of valid prefix %q: %v", in[:n], err)
				}
				continue
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("FromJSON of %d of %d bytes: error %v, want *Error", n, len(in), err)
			}
		}
	}
}

// TestRoundTrip transcodes JSON to ETF and back, and wants the same JSON
// value, numbers compared by value.
func TestRoundTrip(t *testing.T) {
	payload, err := os.ReadFile("testdata/message_create.json")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, in string }{
		{"MessageCreate", string(payload)},
		{"Identify", `{"op":2,"d":{"token":"redacted","intents":33281,"properties":{"os":"linux","browser":"wirecord","device":"wirecord"},"shard":[0,1],"compress":false,"large_threshold":250}}`},
		{"Resume", `{"op":6,"d":{"token":"redacted","session_id":"d2f1c4a3b5e6","seq":1337}}`},
		{"HeartbeatNull", `{"op":1,"d":null}`},
		{"PresenceWithFloatAndNegative", `{"op":3,"d":{"since":null,"activities":[{"name":"x","type":0}],"status":"online","afk":false,"ratio":-12.75,"delta":-300000}}`},
		{"Numbers", `[0,255,256,-1,2147483647,2147483648,-2147483648,-2147483649,18446744073709551615,18446744073709551616,-18446744073709551617,1.5,1e300,-1e-300,5e-324,-0,0.1]`},
		{"Unicode", `["日本語","\ud83c\udf89","\u0000\u001f","tab\there","Théo","\"quoted\"","back\\slash"]`},
		{"DeepMixed", `{"a":[{"b":[[],{}]},[[["c"]]]],"":""}`},
		{"Scalars", `"just a string"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bin, err := FromJSON(nil, []byte(tt.in))
			if err != nil {
				t.Fatalf("FromJSON: %v", err)
			}
			out, err := ToJSON(nil, bin)
			if err != nil {
				t.Fatalf("ToJSON: %v", err)
			}
			if err := sameJSON([]byte(tt.in), out); err != nil {
				t.Errorf("round trip changed the value: %v\n in: %s\nout: %s", err, tt.in, out)
			}
		})
	}
}

// TestDiscordShapedETFDecodes decodes the payload as Discord would send it
// (atom keys, snowflakes as integers) and compares it with the JSON form.
func TestDiscordShapedETFDecodes(t *testing.T) {
	payload, err := os.ReadFile("testdata/message_create.json")
	if err != nil {
		t.Fatal(err)
	}
	out, err := ToJSON(nil, discordETF(t, string(payload)))
	if err != nil {
		t.Fatalf("ToJSON: %v", err)
	}
	if !json.Valid(out) {
		t.Fatalf("ToJSON produced invalid JSON: %s", out)
	}
	// Snowflakes arrive as integers, so compare with them unquoted.
	var msg struct {
		D struct {
			ID     json.Number `json:"id"`
			Author struct {
				ID         json.Number `json:"id"`
				GlobalName string      `json:"global_name"`
			} `json:"author"`
			Content string `json:"content"`
			Member  struct {
				Roles []json.Number `json:"roles"`
			} `json:"member"`
		} `json:"d"`
	}
	if err := json.Unmarshal(out, &msg); err != nil {
		t.Fatal(err)
	}
	if msg.D.ID != "1241385934907719711" || msg.D.Author.ID != "192837465019283746" ||
		msg.D.Author.GlobalName != "Théo" || len(msg.D.Member.Roles) != 3 ||
		!strings.Contains(msg.D.Content, "🎉") {
		t.Errorf("decoded message = %+v", msg.D)
	}
}

// sameJSON reports how two JSON texts differ as values. Numbers are equal when
// both are integers of the same value, or otherwise when they parse to the
// same float64; strings compare after encoding/json's decoding.
func sameJSON(a, b []byte) error {
	va, err := decodeJSON(a)
	if err != nil {
		return err
	}
	vb, err := decodeJSON(b)
	if err != nil {
		return err
	}
	return sameValue("$", va, vb)
}

func decodeJSON(b []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	err := d.Decode(&v)
	return v, err
}

func sameValue(path string, a, b any) error {
	switch a := a.(type) {
	case map[string]any:
		b, ok := b.(map[string]any)
		if !ok || len(a) != len(b) {
			return errors.New(path + ": objects differ")
		}
		for k, va := range a {
			vb, ok := b[k]
			if !ok {
				return errors.New(path + ": key " + strconv.Quote(k) + " missing")
			}
			if err := sameValue(path+"."+k, va, vb); err != nil {
				return err
			}
		}
		return nil
	case []any:
		b, ok := b.([]any)
		if !ok || len(a) != len(b) {
			return errors.New(path + ": arrays differ")
		}
		for i := range a {
			if err := sameValue(path+"["+strconv.Itoa(i)+"]", a[i], b[i]); err != nil {
				return err
			}
		}
		return nil
	case json.Number:
		b, ok := b.(json.Number)
		if !ok || !sameNumber(string(a), string(b)) {
			return errors.New(path + ": numbers differ")
		}
		return nil
	default: // string, bool, nil
		if a != b {
			return errors.New(path + ": values differ")
		}
		return nil
	}
}

func sameNumber(a, b string) bool {
	ia, okA := new(big.Int).SetString(a, 10)
	ib, okB := new(big.Int).SetString(b, 10)
	if okA && okB {
		return ia.Cmp(ib) == 0
	}
	fa, errA := strconv.ParseFloat(a, 64)
	fb, errB := strconv.ParseFloat(b, 64)
	return errA == nil && errB == nil && fa == fb
}
