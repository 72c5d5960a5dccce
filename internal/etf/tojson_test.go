package etf

import (
	"bytes"
	"errors"
	"math"
	"os"
	"strings"
	"testing"
)

func TestToJSON(t *testing.T) {
	tests := []struct {
		name string
		in   term
		want string
	}{
		// Atoms.
		{"AtomNilIsNull", atom("nil"), `null`},
		{"AtomNullIsNull", atom("null"), `null`},
		{"AtomTrueIsBoolean", atom("true"), `true`},
		{"AtomFalseIsBoolean", atom("false"), `false`},
		{"OtherAtomIsString", atom("MESSAGE_CREATE"), `"MESSAGE_CREATE"`},
		{"ATOM_EXTIsLatin1", atomExt("caf\xe9"), `"café"`},
		{"SMALL_ATOM_EXTIsLatin1", smallAtom("\xfcber"), `"über"`},
		{"ATOM_UTF8_EXTIsUTF8", atomUTF8("café"), `"café"`},
		{"SMALL_ATOM_UTF8_EXTIsUTF8", smallAtomUTF8("日本"), `"日本"`},
		{"ATOM_EXTNilIsNull", atomExt("nil"), `null`},
		{"SMALL_ATOM_EXTTrueIsBoolean", smallAtom("true"), `true`},
		{"EmptyAtomIsEmptyString", atom(""), `""`},

		// Byte strings.
		{"BinaryIsString", bin("hello"), `"hello"`},
		{"EmptyBinaryIsEmptyString", bin(""), `""`},
		{"BinaryUTF8IsKept", bin("héllo 🎉"), `"héllo 🎉"`},
		{"BinaryQuoteAndBackslashAreEscaped", bin(`a"b\c`), `"a\"b\\c"`},
		{"BinaryControlCharactersAreEscaped", bin("\n\r\t\x00\x1f\b"), `"\n\r\t\u0000\u001f\u0008"`},
		{"BinaryInvalidUTF8BecomesReplacement", bin("a\xffb\xc3"), "\"a\ufffdb\ufffd\""},
		{"BinarySurrogateInUTF8BecomesReplacement", bin("\xed\xa0\x80"), "\"\ufffd\ufffd\ufffd\""},
		{"BinaryDELAndSlashAreKept", bin("\x7f/"), "\"\x7f/\""},
		{"StringExtIsString", strExt("abc"), `"abc"`},
		{"StringExtIsUTF8", strExt("é"), `"é"`},
		{"BitBinaryOfWholeBytesIsString", bitBin(8, "ab"), `"ab"`},
		{"EmptyBitBinaryOfWholeBytesIsString", bitBin(8, ""), `""`},

		// Integers.
		{"SmallIntegerIsNumber", smallInt(255), `255`},
		{"SmallIntegerZero", smallInt(0), `0`},
		{"IntegerIsNumber", intExt(70000), `70000`},
		{"IntegerNegative", intExt(-5), `-5`},
		{"IntegerMin", intExt(math.MinInt32), `-2147483648`},
		{"IntegerMax", intExt(math.MaxInt32), `2147483647`},
		{"SmallBigSnowflakeIsNumber", bigOf("1234567890123456789"), `1234567890123456789`},
		{"SmallBigMaxUint64", bigOf("18446744073709551615"), `18446744073709551615`},
		{"SmallBigNegative", bigOf("-9223372036854775808"), `-9223372036854775808`},
		{"SmallBigNegativeBeyondInt64", bigOf("-18446744073709551615"), `-18446744073709551615`},
		{"SmallBigBeyondUint64", bigOf("18446744073709551616"), `18446744073709551616`},
		{"SmallBigEmptyIsZero", smallBig(false), `0`},
		{"SmallBigNegativeZeroIsZero", smallBig(true, 0, 0), `0`},
		{"SmallBigHighZeroBytesAreIgnored", smallBig(false, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0), `1`},
		{"LargeBigIsNumber", largeBig(false, 0x15, 0x81, 0xe9, 0x7d, 0xf4, 0x10, 0x22, 0x11), `1234567890123456789`},
		{"LargeBigNegative", largeBig(true, 1), `-1`},
		{"BigOf64BytesIsAccepted", smallBig(false, bytes.Repeat([]byte{0xff}, 64)...),
			"13407807929942597099574024998205846127479365820592393377723561443721764030073546976801874298166903427690031858186486050853753882811946569946433649006084095"},

		// Floats.
		{"NewFloatIsNumber", newFloat(1.5), `1.5`},
		{"NewFloatNegative", newFloat(-0.25), `-0.25`},
		{"NewFloatWholeIsPlainInteger", newFloat(1e20), `100000000000000000000`},
		{"NewFloatHugeUsesExponent", newFloat(1e21), `1e+21`},
		{"NewFloatTinyUsesShortExponent", newFloat(1e-7), `1e-7`},
		{"NewFloatNegativeZeroKeepsSign", newFloat(math.Copysign(0, -1)), `-0`},
		{"FloatExtIsParsed", floatExt("1.50000000000000000000e+00"), `1.5`},
		{"FloatExtNegative", floatExt("-2.50000000000000000000e-03"), `-0.0025`},

		// Lists and tuples.
		{"NilIsEmptyArray", nilExt(), `[]`},
		{"ListIsArray", list(smallInt(1), bin("a"), atom("true")), `[1,"a",true]`},
		{"EmptyListExtIsEmptyArray", list(), `[]`},
		{"NestedLists", list(list(), list(nilExt())), `[[],[[]]]`},
		{"SmallTupleIsArray", tuple(atom("ok"), smallInt(1)), `["ok",1]`},
		{"EmptyTupleIsEmptyArray", tuple(), `[]`},
		{"LargeTupleIsArray", largeTuple(smallInt(1), smallInt(2)), `[1,2]`},

		// Maps.
		{"MapIsObject", mapOf(atom("op"), smallInt(10), atom("d"), atom("nil")), `{"op":10,"d":null}`},
		{"EmptyMapIsEmptyObject", mapOf(), `{}`},
		{"MapKeepsKeyOrder", mapOf(atom("b"), smallInt(1), atom("a"), smallInt(2)), `{"b":1,"a":2}`},
		{"MapAtomKeyIsString", mapOf(atom("id"), smallInt(1)), `{"id":1}`},
		{"MapAtomNilKeyIsString", mapOf(atom("nil"), smallInt(1)), `{"nil":1}`},
		{"MapLatin1AtomKeyIsString", mapOf(smallAtom("\xe9"), smallInt(1)), `{"é":1}`},
		{"MapBinaryKeyIsString", mapOf(bin("id"), smallInt(1)), `{"id":1}`},
		{"MapStringExtKeyIsString", mapOf(strExt("id"), smallInt(1)), `{"id":1}`},
		{"MapBitBinaryKeyIsString", mapOf(bitBin(8, "id"), smallInt(1)), `{"id":1}`},
		{"MapSmallIntegerKeyIsDecimalString", mapOf(smallInt(7), bin("x")), `{"7":"x"}`},
		{"MapIntegerKeyIsDecimalString", mapOf(intExt(-7), bin("x")), `{"-7":"x"}`},
		{"MapSnowflakeKeyIsDecimalString", mapOf(bigOf("1234567890123456789"), bin("x")), `{"1234567890123456789":"x"}`},
		{"MapKeyIsEscaped", mapOf(bin("a\"b"), smallInt(1)), `{"a\"b":1}`},
		{"MapAtomAndBinaryKeysAreNotMerged", mapOf(atom("id"), smallInt(1), bin("id"), smallInt(2)), `{"id":1,"id":2}`},
		{"NestedMaps", mapOf(atom("d"), mapOf(atom("user"), mapOf(atom("id"), bigOf("1186417093561483264")))),
			`{"d":{"user":{"id":1186417093561483264}}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ToJSON(nil, etf(tt.in))
			if err != nil {
				t.Fatalf("ToJSON: %v", err)
			}
			if string(got) != tt.want {
				t.Errorf("ToJSON = %s, want %s", got, tt.want)
			}
		})
	}
}

// TestToJSONHandWrittenVectors decodes terms written byte by byte from the
// spec's tables, not through this package's test builders.
func TestToJSONHandWrittenVectors(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{
			// #{op => 1, d => 251}, a heartbeat as Discord would send it.
			name: "HeartbeatWithAtomKeys",
			in: []byte{
				131,             // version
				116, 0, 0, 0, 2, // MAP_EXT, arity 2
				119, 2, 'o', 'p', // SMALL_ATOM_UTF8_EXT "op"
				97, 1, // SMALL_INTEGER_EXT 1
				119, 1, 'd', // SMALL_ATOM_UTF8_EXT "d"
				97, 251, // SMALL_INTEGER_EXT 251
			},
			want: `{"op":1,"d":251}`,
		},
		{
			// 1234567890123456789 = 0x112210F47DE98115: eight magnitude bytes,
			// least significant first.
			name: "SnowflakeAsSmallBig",
			in:   []byte{131, 110, 8, 0, 0x15, 0x81, 0xe9, 0x7d, 0xf4, 0x10, 0x22, 0x11},
			want: `1234567890123456789`,
		},
		{
			// [<<"a">>, -1, 1.0] with 1.0 as NEW_FLOAT_EXT 0x3FF0000000000000.
			name: "ListOfBinaryIntegerFloat",
			in: []byte{
				131,
				108, 0, 0, 0, 3, // LIST_EXT, 3 elements
				109, 0, 0, 0, 1, 'a', // BINARY_EXT "a"
				98, 0xff, 0xff, 0xff, 0xff, // INTEGER_EXT -1
				70, 0x3f, 0xf0, 0, 0, 0, 0, 0, 0, // NEW_FLOAT_EXT 1.0
				106, // NIL_EXT tail
			},
			want: `["a",-1,1]`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ToJSON(nil, tt.in)
			if err != nil {
				t.Fatalf("ToJSON: %v", err)
			}
			if string(got) != tt.want {
				t.Errorf("ToJSON = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestToJSONRejects(t *testing.T) {
	tests := []struct {
		name   string
		in     []byte
		offset int
		msg    string
	}{
		{"EmptyInput", nil, 0, "empty input"},
		{"MissingVersionByte", smallInt(1), 0, "version byte is 97, want 131"},
		{"VersionOnly", []byte{131}, 1, "input ends where a term should start"},
		{"TrailingBytes", append(etf(smallInt(1)), 0), 3, "trailing bytes after the term"},
		{"TrailingTerm", append(etf(smallInt(1)), smallInt(2)...), 3, "trailing bytes after the term"},
		{"ImproperList", etf(improperList(smallInt(2), smallInt(1))), 8, "improper list: the tail is SMALL_INTEGER_EXT, not NIL_EXT"},
		{"ImproperListOfBinaryTail", etf(improperList(bin("x"), smallInt(1))), 8, "improper list: the tail is BINARY_EXT, not NIL_EXT"},
		{"ListWithoutTail", etf(list(smallInt(1))[:7]), 1, "input ends inside LIST_EXT"},
		{"Compressed", etf(cat([]byte{tagCompressed}, be32(100), []byte{0x78, 0x9c})), 1, "COMPRESSED terms are refused"},
		{"BitBinaryPartialByte", etf(bitBin(3, "a")), 1, "BIT_BINARY_EXT with 3 bits in its last byte has no JSON form"},
		{"PidHasNoJSONForm", etf(term{88}), 1, "NEW_PID_EXT has no JSON form"},
		{"ReferenceHasNoJSONForm", etf(term{90, 0, 1}), 1, "NEWER_REFERENCE_EXT has no JSON form"},
		{"FunHasNoJSONForm", etf(term{112}), 1, "NEW_FUN_EXT has no JSON form"},
		{"UnknownTag", etf(term{200}), 1, "unknown tag 200"},
		{"NewFloatNaN", etf(newFloat(math.NaN())), 1, "float NaN has no JSON form"},
		{"NewFloatInfinity", etf(newFloat(math.Inf(-1))), 1, "float -Inf has no JSON form"},
		{"FloatExtNotANumber", etf(floatExt("nan")), 1, "FLOAT_EXT does not hold a finite float"},
		{"FloatExtHex", etf(floatExt("0x1p-2")), 1, "FLOAT_EXT does not hold a finite float"},
		{"FloatExtOverflow", etf(floatExt("1.0e999")), 1, "FLOAT_EXT does not hold a finite float"},
		{"FloatExtEmpty", etf(floatExt("")), 1, "FLOAT_EXT does not hold a finite float"},
		{"BigBeyond64Bytes", etf(smallBig(false, bytes.Repeat([]byte{1}, 65)...)), 1, "big integer of 65 bytes is beyond the limit of 64"},
		{"LargeBigBeyond64Bytes", etf(cat([]byte{tagLargeBig}, be32(1<<30), []byte{0})), 1, "big integer of 1073741824 bytes is beyond the limit of 64"},
		{"BigBadSign", etf(cat([]byte{tagSmallBig, 1, 2, 1})), 3, "big integer sign byte is 2, want 0 or 1"},
		{"MapFloatKey", etf(mapOf(newFloat(1), smallInt(1))), 6, "a map key of type NEW_FLOAT_EXT has no JSON form"},
		{"MapListKey", etf(mapOf(nilExt(), smallInt(1))), 6, "a map key of type NIL_EXT has no JSON form"},
		{"MapMapKey", etf(mapOf(mapOf(), smallInt(1))), 6, "a map key of type MAP_EXT has no JSON form"},
		{"MapAtomKeyPartialBitBinary", etf(mapOf(bitBin(1, "a"), smallInt(1))), 6, "BIT_BINARY_EXT with 1 bits in its last byte has no JSON form"},
		{"MapMissingValue", etf(cat([]byte{tagMap}, be32(1), atom("a"))), 9, "input ends where a term should start"},
		{"BinaryLengthBeyondInput", etf(cat([]byte{tagBinary}, be32(math.MaxUint32), []byte("abc"))), 1, "input ends inside BINARY_EXT"},
		{"ListLengthBeyondInput", etf(cat([]byte{tagList}, be32(math.MaxUint32), smallInt(1))), 1, "input ends inside LIST_EXT"},
		{"LargeTupleArityBeyondInput", etf(cat([]byte{tagLargeTuple}, be32(math.MaxUint32), smallInt(1))), 1, "input ends inside LARGE_TUPLE_EXT"},
		{"MapArityBeyondInput", etf(cat([]byte{tagMap}, be32(math.MaxUint32), smallInt(1))), 1, "input ends inside MAP_EXT"},
		{"ErrorInsideNestedTermReportsItsOffset", etf(list(smallInt(1), term{88})), 8, "NEW_PID_EXT has no JSON form"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dst := []byte("prefix")
			got, err := ToJSON(dst, tt.in)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("ToJSON error = %v (%T), want *Error", err, err)
			}
			if e.Offset != tt.offset || e.Msg != tt.msg {
				t.Errorf("ToJSON error = %q at %d, want %q at %d", e.Msg, e.Offset, tt.msg, tt.offset)
			}
			if string(got) != "prefix" {
				t.Errorf("ToJSON returned dst %q on error, want it unchanged", got)
			}
		})
	}
}

func TestToJSONAppendsToDst(t *testing.T) {
	got, err := ToJSON([]byte("x="), etf(list(smallInt(1))))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != "x=[1]" {
		t.Errorf("ToJSON = %q, want %q", got, "x=[1]")
	}
}

func TestErrorMessage(t *testing.T) {
	_, err := ToJSON(nil, etf(improperList(smallInt(2), smallInt(1))))
	const want = "etf: improper list: the tail is SMALL_INTEGER_EXT, not NIL_EXT at offset 8"
	if err == nil || err.Error() != want {
		t.Errorf("error = %v, want %s", err, want)
	}
}

// nested builds depth lists, each holding the next, around inner.
func nested(depth int, inner term) term {
	t := inner
	for i := 0; i < depth; i++ {
		t = list(t)
	}
	return t
}

func TestToJSONDepthLimit(t *testing.T) {
	containers := []struct {
		name string
		wrap func(term) term
	}{
		{"List", func(t term) term { return list(t) }},
		{"SmallTuple", func(t term) term { return tuple(t) }},
		{"LargeTuple", func(t term) term { return largeTuple(t) }},
		{"Map", func(t term) term { return mapOf(atom("k"), t) }},
	}
	for _, c := range containers {
		t.Run(c.name+"At512IsAccepted", func(t *testing.T) {
			in := smallInt(1)
			for i := 0; i < maxDepth; i++ {
				in = c.wrap(in)
			}
			if _, err := ToJSON(nil, etf(in)); err != nil {
				t.Errorf("ToJSON at depth %d: %v", maxDepth, err)
			}
		})
		t.Run(c.name+"At513IsRejected", func(t *testing.T) {
			in := smallInt(1)
			for i := 0; i < maxDepth+1; i++ {
				in = c.wrap(in)
			}
			_, err := ToJSON(nil, etf(in))
			var e *Error
			if !errors.As(err, &e) || !strings.Contains(e.Msg, "nesting deeper than 512") {
				t.Errorf("ToJSON at depth %d: error %v, want nesting limit", maxDepth+1, err)
			}
		})
	}
}

// TestToJSONTruncatedInputIsAnError cuts valid terms at every offset: each
// prefix must fail with *Error, and never panic.
func TestToJSONTruncatedInputIsAnError(t *testing.T) {
	payload, err := os.ReadFile("testdata/message_create.json")
	if err != nil {
		t.Fatal(err)
	}
	inputs := map[string][]byte{
		"MessageCreate": discordETF(t, string(payload)),
		"EveryTag": etf(list(
			smallInt(1), intExt(-1), bigOf("1234567890123456789"), largeBig(true, 1, 2),
			newFloat(0.5), floatExt("5.00000000000000000000e-01"),
			atomExt("a"), smallAtom("b"), atomUTF8("c"), smallAtomUTF8("d"),
			bin("e"), strExt("f"), bitBin(8, "g"), nilExt(),
			tuple(smallInt(1)), largeTuple(smallInt(2)),
			mapOf(atom("k"), bin("v"), bin("k2"), nilExt(), intExt(5), smallInt(5)),
		)),
	}
	for name, in := range inputs {
		t.Run(name, func(t *testing.T) {
			if _, err := ToJSON(nil, in); err != nil {
				t.Fatalf("ToJSON of the whole input: %v", err)
			}
			for n := 0; n < len(in); n++ {
				_, err := ToJSON(nil, in[:n])
				var e *Error
				if !errors.As(err, &e) {
					t.Fatalf("ToJSON of %d of %d bytes: error %v, want *Error", n, len(in), err)
				}
				if e.Offset < 0 || e.Offset > n {
					t.Errorf("ToJSON of %d bytes: offset %d out of range", n, e.Offset)
				}
			}
		})
	}
}
