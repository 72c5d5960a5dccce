package etf

import (
	"encoding/binary"
	"encoding/json"
	"math"
	"math/big"
	"strings"
	"testing"
)

// This file builds ETF terms for tests, written from the spec's tables
// (https://www.erlang.org/doc/apps/erts/erl_ext_dist.html). Every builder returns
// one term without the version byte; etf adds it.

type term []byte

func etf(t term) []byte { return append([]byte{version}, t...) }

func be16(n int) []byte { return binary.BigEndian.AppendUint16(nil, uint16(n)) }
func be32(n int) []byte { return binary.BigEndian.AppendUint32(nil, uint32(n)) }

func cat(parts ...[]byte) term {
	var t term
	for _, p := range parts {
		t = append(t, p...)
	}
	return t
}

func smallInt(v uint8) term { return term{tagSmallInteger, v} }
func intExt(v int32) term   { return cat([]byte{tagInteger}, be32(int(v))) }

// smallBig builds a SMALL_BIG_EXT; mag is least significant byte first.
func smallBig(neg bool, mag ...byte) term {
	return cat([]byte{tagSmallBig, byte(len(mag)), signByte(neg)}, mag)
}

func largeBig(neg bool, mag ...byte) term {
	return cat([]byte{tagLargeBig}, be32(len(mag)), []byte{signByte(neg)}, mag)
}

// bigOf builds the SMALL_BIG_EXT of a decimal integer.
func bigOf(decimal string) term {
	x, ok := new(big.Int).SetString(decimal, 10)
	if !ok {
		panic("bad decimal " + decimal)
	}
	be := new(big.Int).Abs(x).Bytes()
	mag := make([]byte, len(be))
	for i, c := range be {
		mag[len(be)-1-i] = c
	}
	return smallBig(x.Sign() < 0, mag...)
}

func newFloat(f float64) term {
	return binary.BigEndian.AppendUint64(term{tagNewFloat}, math.Float64bits(f))
}

// floatExt builds a FLOAT_EXT from its text, NUL-padded to 31 bytes.
func floatExt(text string) term {
	b := make([]byte, 31)
	copy(b, text)
	return cat([]byte{tagFloat}, b)
}

func atomExt(name string) term   { return cat([]byte{tagAtom}, be16(len(name)), []byte(name)) }
func smallAtom(name string) term { return cat([]byte{tagSmallAtom, byte(len(name))}, []byte(name)) }
func atomUTF8(name string) term  { return cat([]byte{tagAtomUTF8}, be16(len(name)), []byte(name)) }
func smallAtomUTF8(name string) term {
	return cat([]byte{tagSmallAtomUTF8, byte(len(name))}, []byte(name))
}

// atom is the atom form Discord's gateway sends for map keys.
func atom(name string) term { return smallAtomUTF8(name) }

func bin(s string) term    { return cat([]byte{tagBinary}, be32(len(s)), []byte(s)) }
func strExt(s string) term { return cat([]byte{tagString}, be16(len(s)), []byte(s)) }
func bitBin(bits byte, data string) term {
	return cat([]byte{tagBitBinary}, be32(len(data)), []byte{bits}, []byte(data))
}

func nilExt() term { return term{tagNil} }

func list(elems ...term) term { return improperList(nilExt(), elems...) }

func improperList(tail term, elems ...term) term {
	t := cat([]byte{tagList}, be32(len(elems)))
	for _, e := range elems {
		t = append(t, e...)
	}
	return append(t, tail...)
}

func tuple(elems ...term) term {
	t := term{tagSmallTuple, byte(len(elems))}
	for _, e := range elems {
		t = append(t, e...)
	}
	return t
}

func largeTuple(elems ...term) term {
	t := cat([]byte{tagLargeTuple}, be32(len(elems)))
	for _, e := range elems {
		t = append(t, e...)
	}
	return t
}

// mapOf builds a MAP_EXT from alternating keys and values.
func mapOf(kv ...term) term {
	t := cat([]byte{tagMap}, be32(len(kv)/2))
	for _, e := range kv {
		t = append(t, e...)
	}
	return t
}

// discordETF encodes JSON the way Discord's gateway does: map keys as atoms,
// strings as binaries, null as the atom nil, and snowflake strings (values of
// "id" and "*_id" keys, and of "roles" and "mention_roles" arrays) as integers.
// It is an encoder independent of FromJSON, built on encoding/json's tokens.
func discordETF(tb testing.TB, js string) []byte {
	tb.Helper()
	dec := json.NewDecoder(strings.NewReader(js))
	dec.UseNumber()
	out := []byte{version}
	var value func(key string) // key: the map key this value belongs to, if any
	value = func(key string) {
		tok, err := dec.Token()
		if err != nil {
			tb.Fatalf("discordETF: %v", err)
		}
		snowflake := key == "id" || strings.HasSuffix(key, "_id") || key == "roles" || key == "mention_roles"
		switch v := tok.(type) {
		case json.Delim:
			if v == '{' {
				out = append(out, tagMap, 0, 0, 0, 0)
				at, n := len(out)-4, 0
				for dec.More() {
					k, _ := dec.Token()
					out = append(out, atom(k.(string))...)
					value(k.(string))
					n++
				}
				dec.Token() // '}'
				binary.BigEndian.PutUint32(out[at:], uint32(n))
				return
			}
			if !dec.More() {
				dec.Token() // ']'
				out = append(out, tagNil)
				return
			}
			out = append(out, tagList, 0, 0, 0, 0)
			at, n := len(out)-4, 0
			for dec.More() {
				value(key) // elements of "roles" are snowflakes too
				n++
			}
			dec.Token() // ']'
			binary.BigEndian.PutUint32(out[at:], uint32(n))
			out = append(out, tagNil)
		case string:
			if x, ok := new(big.Int).SetString(v, 10); ok && snowflake {
				out = append(out, bigOf(x.String())...)
			} else {
				out = append(out, bin(v)...)
			}
		case json.Number:
			if x, ok := new(big.Int).SetString(string(v), 10); ok {
				switch {
				case x.Sign() >= 0 && x.Cmp(big.NewInt(255)) <= 0:
					out = append(out, smallInt(uint8(x.Int64()))...)
				case x.IsInt64() && x.Int64() >= math.MinInt32 && x.Int64() <= math.MaxInt32:
					out = append(out, intExt(int32(x.Int64()))...)
				default:
					out = append(out, bigOf(string(v))...)
				}
			} else {
				f, _ := v.Float64()
				out = append(out, newFloat(f)...)
			}
		case bool:
			out = append(out, atom(map[bool]string{true: "true", false: "false"}[v])...)
		case nil:
			out = append(out, atom("nil")...)
		}
	}
	value("")
	return out
}
