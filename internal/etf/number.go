package etf

import (
	"encoding/binary"
	"math"
	"math/big"
	"math/bits"
	"strconv"
)

// appendFloat appends f as a JSON number the way encoding/json formats a
// float64: plain decimal from 1e-6 up to 1e21, exponent form outside. So a float
// holding a whole number, as some peers send for integers, still decodes into a
// Go integer field.
func appendFloat(dst []byte, f float64) []byte {
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	dst = strconv.AppendFloat(dst, f, format, -1, 64)
	if format == 'e' {
		// Shorten "e-07" to "e-7", as encoding/json does.
		n := len(dst)
		if n >= 4 && dst[n-4] == 'e' && dst[n-3] == '-' && dst[n-2] == '0' {
			dst[n-2] = dst[n-1]
			dst = dst[:n-1]
		}
	}
	return dst
}

// appendBig appends a big integer's value in decimal. mag is its magnitude,
// least significant byte first, at most maxBigBytes long. A snowflake fits in
// eight bytes and takes the allocation-free path.
func appendBig(dst, mag []byte, neg bool) []byte {
	for len(mag) > 0 && mag[len(mag)-1] == 0 {
		mag = mag[:len(mag)-1]
	}
	if len(mag) == 0 {
		// Zero has no sign in JSON's integers; "-0" would read back as a float.
		return append(dst, '0')
	}
	if neg {
		dst = append(dst, '-')
	}
	if len(mag) <= 8 {
		var v uint64
		for i := len(mag) - 1; i >= 0; i-- {
			v = v<<8 | uint64(mag[i])
		}
		return strconv.AppendUint(dst, v, 10)
	}
	var be [maxBigBytes]byte
	for i, c := range mag {
		be[len(mag)-1-i] = c
	}
	return new(big.Int).SetBytes(be[:len(mag)]).Append(dst, 10)
}

// appendInteger appends the ETF term for the integer with magnitude v, in the
// smallest form erlpack would choose.
func appendInteger(dst []byte, v uint64, neg bool) []byte {
	switch {
	case !neg && v <= math.MaxUint8:
		return append(dst, tagSmallInteger, byte(v))
	case !neg && v <= math.MaxInt32:
		return binary.BigEndian.AppendUint32(append(dst, tagInteger), uint32(v))
	case neg && v == 0:
		// JSON's -0 is a float in every reader that keeps its sign.
		return appendNewFloat(dst, math.Copysign(0, -1))
	case neg && v <= -math.MinInt32:
		return binary.BigEndian.AppendUint32(append(dst, tagInteger), uint32(-int64(v)))
	}
	n := (bits.Len64(v) + 7) / 8
	dst = append(dst, tagSmallBig, byte(n), signByte(neg))
	for i := 0; i < n; i++ {
		dst = append(dst, byte(v>>(8*i)))
	}
	return dst
}

// appendBigDecimal appends the SMALL_BIG_EXT for an integer whose decimal
// digits do not fit in a uint64. It reports false if the magnitude exceeds
// maxBigBytes.
func appendBigDecimal(dst, digits []byte, neg bool) ([]byte, bool) {
	if len(digits) > maxBigDigits {
		return dst, false
	}
	var x big.Int
	if _, ok := x.SetString(string(digits), 10); !ok {
		return dst, false
	}
	mag := x.Bytes() // most significant byte first
	if len(mag) > maxBigBytes {
		return dst, false
	}
	dst = append(dst, tagSmallBig, byte(len(mag)), signByte(neg))
	for i := len(mag) - 1; i >= 0; i-- {
		dst = append(dst, mag[i])
	}
	return dst, true
}

func appendNewFloat(dst []byte, f float64) []byte {
	return binary.BigEndian.AppendUint64(append(dst, tagNewFloat), math.Float64bits(f))
}

func signByte(neg bool) byte {
	if neg {
		return 1
	}
	return 0
}
