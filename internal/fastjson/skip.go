package fastjson

// skipValue returns the index just past the valid JSON value that starts
// at b[i] (after whitespace), and whether there is one. depth is how deeply
// b[i] is nested already: containers past maxDepth are refused, as
// everywhere on the fast path. It reads nested containers with a stack of
// bits instead of recursion, keeping its position in a register: skipping
// the members a Mask leaves out is most of a narrowed decode.
func skipValue(b []byte, i, depth int) (int, bool) {
	var objects [maxDepth/64 + 1]uint64 // bit k: the k-th open container is an object
	n := 0                              // containers open
	var ok bool
value:
	for {
		i = skipWS(b, i)
		if i >= len(b) {
			return i, false
		}
		switch c := b[i]; c {
		case '{', '[':
			if depth+n+1 > maxDepth {
				return i, false
			}
			i = skipWS(b, i+1)
			if i >= len(b) {
				return i, false
			}
			if b[i] == c+2 { // '}' and ']' follow their openers by two
				i++
				break // an empty container: a whole value
			}
			if c == '{' {
				objects[n/64] |= 1 << (n % 64)
				if i, ok = skipKey(b, i); !ok {
					return i, false
				}
			} else {
				objects[n/64] &^= 1 << (n % 64)
			}
			n++
			continue value // its first member's value
		case '"':
			if i, ok = skipStr(b, i); !ok {
				return i, false
			}
		case 't':
			if i, ok = skipLiteral(b, i, "true"); !ok {
				return i, false
			}
		case 'f':
			if i, ok = skipLiteral(b, i, "false"); !ok {
				return i, false
			}
		case 'n':
			if i, ok = skipLiteral(b, i, "null"); !ok {
				return i, false
			}
		default:
			if i, _, ok = skipNumber(b, i); !ok {
				return i, false
			}
		}
		// A value ended: close the containers it ends, then go on to the
		// next member or element.
		for n > 0 {
			i = skipWS(b, i)
			if i >= len(b) {
				return i, false
			}
			object := objects[(n-1)/64]&(1<<((n-1)%64)) != 0
			switch c := b[i]; {
			case c == ',':
				i++
				if object {
					if i, ok = skipKey(b, i); !ok {
						return i, false
					}
				}
				continue value
			case object && c == '}', !object && c == ']':
				i++
				n--
			default:
				return i, false
			}
		}
		return i, true
	}
}

// skipWS returns the index of the first byte at or after i that is not
// JSON whitespace.
func skipWS(b []byte, i int) int {
	for i < len(b) {
		switch b[i] {
		case ' ', '\n', '\r', '\t':
			i++
		default:
			return i
		}
	}
	return i
}

// skipKey reads an object member's key and its colon, from before the
// key's whitespace to just past the colon.
func skipKey(b []byte, i int) (int, bool) {
	i, ok := skipStr(b, skipWS(b, i))
	if !ok {
		return i, false
	}
	i = skipWS(b, i)
	if i >= len(b) || b[i] != ':' {
		return i, false
	}
	return i + 1, true
}

// skipStr returns the index just past the valid JSON string at b[i] (any
// bytes but controls; the escapes JSON allows).
func skipStr(b []byte, i int) (int, bool) {
	if i >= len(b) || b[i] != '"' {
		return i, false
	}
	for j := i + 1; ; j++ {
		j, _ = plain(b, j)
		if j >= len(b) {
			return j, false
		}
		switch b[j] {
		case '"':
			return j + 1, true
		case '\\':
			j++
			if j >= len(b) {
				return j, false
			}
			switch b[j] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if j+4 >= len(b) {
					return j, false
				}
				for _, h := range b[j+1 : j+5] {
					if !isHex(h) {
						return j, false
					}
				}
				j += 4
			default:
				return j, false
			}
		default: // a control
			return j, false
		}
	}
}

// skipLiteral returns the index just past lit at b[i].
func skipLiteral(b []byte, i int, lit string) (int, bool) {
	if len(b)-i >= len(lit) && string(b[i:i+len(lit)]) == lit {
		return i + len(lit), true
	}
	return i, false
}

// skipNumber returns the index just past the JSON number at b[i], and
// whether it is an integer (no fraction, no exponent).
func skipNumber(b []byte, i int) (end int, integer, ok bool) {
	j := i
	if j < len(b) && b[j] == '-' {
		j++
	}
	switch {
	case j < len(b) && b[j] == '0':
		j++
	case j < len(b) && '1' <= b[j] && b[j] <= '9':
		for j < len(b) && '0' <= b[j] && b[j] <= '9' {
			j++
		}
	default:
		return j, false, false
	}
	integer = true
	if j < len(b) && b[j] == '.' {
		integer = false
		j++
		k := j
		for j < len(b) && '0' <= b[j] && b[j] <= '9' {
			j++
		}
		if j == k {
			return j, false, false
		}
	}
	if j < len(b) && (b[j] == 'e' || b[j] == 'E') {
		integer = false
		j++
		if j < len(b) && (b[j] == '+' || b[j] == '-') {
			j++
		}
		k := j
		for j < len(b) && '0' <= b[j] && b[j] <= '9' {
			j++
		}
		if j == k {
			return j, false, false
		}
	}
	return j, integer, true
}
