package wsproto

import (
	"encoding/binary"
	"strconv"
	"unicode/utf8"
)

// maxControlPayload is the largest control frame payload (RFC 6455 §5.5).
const maxControlPayload = 125

// ValidCloseCode reports whether code may be sent in a close frame: the
// defined codes 1000-1003 and 1007-1014, and the registered and private
// ranges 3000-4999. 1004, 1005, 1006 and 1015 are reserved and never sent
// (RFC 6455 §7.4.1).
func ValidCloseCode(code uint16) bool {
	switch {
	case code >= 1000 && code <= 1003, code >= 1007 && code <= 1014:
		return true
	case code >= 3000 && code <= 4999:
		return true
	}
	return false
}

// checkClose checks a received close payload.
func checkClose(p []byte) *ProtocolError {
	_, _, err := parseClose(p)
	return err
}

func parseClose(p []byte) (uint16, string, *ProtocolError) {
	switch {
	case len(p) == 0:
		return 1005, "", nil
	case len(p) == 1:
		return 0, "", protocolError(codeProtocolError, "close payload of one byte")
	}
	code := binary.BigEndian.Uint16(p)
	if !ValidCloseCode(code) {
		return 0, "", protocolError(codeProtocolError, "close code "+strconv.Itoa(int(code))+" may not be sent")
	}
	reason := p[2:]
	if !utf8.Valid(reason) {
		return 0, "", protocolError(codeInvalidPayload, "close reason is not UTF-8")
	}
	return code, string(reason), nil
}

// ParseClose reads a close frame's payload. An empty payload gives code
// 1005 (no status). One byte, a code that may not be sent, or a reason that
// is not UTF-8 is a *ProtocolError (1002 or 1007).
func ParseClose(payload []byte) (code uint16, reason string, err error) {
	code, reason, perr := parseClose(payload)
	if perr != nil {
		return 0, "", perr
	}
	return code, reason, nil
}

// AppendClose appends a close frame with code and reason. The reason is cut,
// on a UTF-8 boundary, to fit the 125-byte control payload. Code 0 writes
// a close frame with no payload.
func AppendClose(dst []byte, code uint16, reason string, mask *[4]byte) []byte {
	if code == 0 {
		return AppendFrame(dst, OpClose, true, nil, mask)
	}
	if len(reason) > maxControlPayload-2 {
		cut := maxControlPayload - 2
		for cut > 0 && !utf8.RuneStart(reason[cut]) {
			cut--
		}
		reason = reason[:cut]
	}
	var p [maxControlPayload]byte
	binary.BigEndian.PutUint16(p[:], code)
	n := 2 + copy(p[2:], reason)
	return AppendFrame(dst, OpClose, true, p[:n], mask)
}
