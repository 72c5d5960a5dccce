// Package etf transcodes between Erlang's External Term Format (ETF), as the
// Discord gateway speaks it with encoding=etf, and JSON.
//
// The gateway engine never builds Go values from ETF directly. It transcodes a
// received ETF payload to JSON with [ToJSON] and then runs the same JSON decoding
// it uses for encoding=json; it sends a command by marshalling it to JSON and
// transcoding that with [FromJSON]. One decoding path serves both encodings, and
// this package is the only place that knows ETF. Both functions append to a
// caller's buffer and do not allocate per value in the common case.
//
// # ETF to JSON
//
// The input is a version byte 131 followed by exactly one term.
//
//	atom nil, atom null              null
//	atom true, atom false            true, false
//	any other atom                   string (ATOM_EXT and SMALL_ATOM_EXT are Latin-1,
//	                                 ATOM_UTF8_EXT and SMALL_ATOM_UTF8_EXT are UTF-8)
//	BINARY_EXT                       string; invalid UTF-8 becomes U+FFFD, as in encoding/json
//	STRING_EXT (list of bytes)       string, read as UTF-8 like a binary
//	BIT_BINARY_EXT                   string when its last byte is whole (Bits = 8),
//	                                 otherwise an error: JSON has no bit strings
//	SMALL_INTEGER_EXT, INTEGER_EXT   number
//	SMALL_BIG_EXT, LARGE_BIG_EXT     integer number in decimal, at most 64 bytes of
//	                                 magnitude (154 decimal digits)
//	NEW_FLOAT_EXT, FLOAT_EXT         number, formatted as encoding/json formats a
//	                                 float64; NaN and infinities are errors
//	MAP_EXT                          object; keys may be atoms, binaries, strings,
//	                                 bit binaries or integers (as decimal strings)
//	LIST_EXT                         array; the tail must be NIL_EXT
//	NIL_EXT                          []
//	SMALL_TUPLE_EXT, LARGE_TUPLE_EXT array
//
// Keys keep their ETF order and are not de-duplicated: a map holding both the atom
// id and the binary "id" becomes an object with "id" twice.
//
// Anything else is an error, COMPRESSED (80) included: Discord never sends it, and
// inflating it would hand a hostile peer a decompression bomb. Pids, ports,
// references and funs have no JSON form.
//
// # JSON to ETF
//
// The output follows erlpack, which is what Discord expects from clients:
//
//	object               MAP_EXT with BINARY_EXT keys (atom keys make Discord close with 4002)
//	string               BINARY_EXT, escapes decoded; invalid UTF-8 and lone surrogates
//	                     become U+FFFD, as in encoding/json
//	true, false          atoms true and false (SMALL_ATOM_UTF8_EXT)
//	null                 atom nil (SMALL_ATOM_UTF8_EXT)
//	[]                   NIL_EXT
//	non-empty array      LIST_EXT with a NIL_EXT tail
//	integer 0..255       SMALL_INTEGER_EXT
//	other int32          INTEGER_EXT
//	larger integer       SMALL_BIG_EXT, up to 64 bytes of magnitude (154 digits)
//	-0                   NEW_FLOAT_EXT -0.0, so that the sign survives
//	fraction or exponent NEW_FLOAT_EXT; a value beyond float64 range is an error
//
// # Limits
//
// Input may be hostile. Arrays, objects, lists, tuples and maps nest at most 512
// deep; a claimed length is checked against the bytes that remain before it is
// trusted; big integers are bounded at 64 bytes of magnitude so that no input can
// ask for expensive bignum work. Both functions run in time linear in their input
// and report malformed input as an [*Error] carrying the offset of the fault.
package etf
