package etf

import "strconv"

// The version byte that starts every term in external format.
const version = 131

// Term tags of the external term format
// (https://www.erlang.org/doc/apps/erts/erl_ext_dist.html).
const (
	tagNewFloat      = 70  // NEW_FLOAT_EXT: 8-byte IEEE 754 float, big-endian
	tagBitBinary     = 77  // BIT_BINARY_EXT: Len(4) Bits(1) Data(Len)
	tagCompressed    = 80  // COMPRESSED: UncompressedSize(4) zlib data; refused
	tagSmallInteger  = 97  // SMALL_INTEGER_EXT: uint8
	tagInteger       = 98  // INTEGER_EXT: int32, big-endian
	tagFloat         = 99  // FLOAT_EXT: 31-byte "%.20e" C string
	tagAtom          = 100 // ATOM_EXT: Len(2) Latin-1
	tagSmallTuple    = 104 // SMALL_TUPLE_EXT: Arity(1) Elements
	tagLargeTuple    = 105 // LARGE_TUPLE_EXT: Arity(4) Elements
	tagNil           = 106 // NIL_EXT: the empty list
	tagString        = 107 // STRING_EXT: Len(2) bytes, a list of small integers
	tagList          = 108 // LIST_EXT: Len(4) Elements Tail
	tagBinary        = 109 // BINARY_EXT: Len(4) Data
	tagSmallBig      = 110 // SMALL_BIG_EXT: n(1) Sign(1) d(n), little-endian
	tagLargeBig      = 111 // LARGE_BIG_EXT: n(4) Sign(1) d(n), little-endian
	tagSmallAtom     = 115 // SMALL_ATOM_EXT: Len(1) Latin-1
	tagMap           = 116 // MAP_EXT: Arity(4) Key Value pairs
	tagAtomUTF8      = 118 // ATOM_UTF8_EXT: Len(2) UTF-8
	tagSmallAtomUTF8 = 119 // SMALL_ATOM_UTF8_EXT: Len(1) UTF-8
)

// tagNames names every tag of the format, so that an error can say which term
// it met; the ones this package does not transcode are here for that alone.
var tagNames = [256]string{
	tagNewFloat:      "NEW_FLOAT_EXT",
	tagBitBinary:     "BIT_BINARY_EXT",
	tagCompressed:    "COMPRESSED",
	82:               "ATOM_CACHE_REF",
	88:               "NEW_PID_EXT",
	89:               "NEW_PORT_EXT",
	90:               "NEWER_REFERENCE_EXT",
	tagSmallInteger:  "SMALL_INTEGER_EXT",
	tagInteger:       "INTEGER_EXT",
	tagFloat:         "FLOAT_EXT",
	tagAtom:          "ATOM_EXT",
	101:              "REFERENCE_EXT",
	102:              "PORT_EXT",
	103:              "PID_EXT",
	tagSmallTuple:    "SMALL_TUPLE_EXT",
	tagLargeTuple:    "LARGE_TUPLE_EXT",
	tagNil:           "NIL_EXT",
	tagString:        "STRING_EXT",
	tagList:          "LIST_EXT",
	tagBinary:        "BINARY_EXT",
	tagSmallBig:      "SMALL_BIG_EXT",
	tagLargeBig:      "LARGE_BIG_EXT",
	112:              "NEW_FUN_EXT",
	113:              "EXPORT_EXT",
	114:              "NEW_REFERENCE_EXT",
	tagSmallAtom:     "SMALL_ATOM_EXT",
	tagMap:           "MAP_EXT",
	117:              "FUN_EXT",
	tagAtomUTF8:      "ATOM_UTF8_EXT",
	tagSmallAtomUTF8: "SMALL_ATOM_UTF8_EXT",
	120:              "V4_PORT_EXT",
	121:              "LOCAL_EXT",
}

// tagName returns the spec's name for tag, or "tag N" for a byte that is no tag.
func tagName(tag byte) string {
	if n := tagNames[tag]; n != "" {
		return n
	}
	return "tag " + strconv.Itoa(int(tag))
}

// Limits on hostile input, shared by both directions so that whatever one
// direction produces the other accepts.
const (
	// maxDepth is how deeply arrays, objects, lists, tuples and maps may nest.
	maxDepth = 512
	// maxBigBytes bounds the magnitude of a big integer: 64 bytes is 512 bits,
	// far beyond any snowflake, and cheap to convert to decimal.
	maxBigBytes = 64
	// maxBigDigits is the most decimal digits an integer below 2^512 can have.
	maxBigDigits = 155
)
