package wsproto

import (
	"bufio"
	"bytes"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// acceptGUID is the fixed string of RFC 6455 §1.3.
const acceptGUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

// HandshakeError is an opening handshake that does not follow RFC 6455.
type HandshakeError struct{ Reason string }

func (e *HandshakeError) Error() string { return "websocket: bad handshake: " + e.Reason }

// NewKey returns a Sec-WebSocket-Key: 16 random bytes from rand, base64.
func NewKey(rand io.Reader) (string, error) {
	var b [16]byte
	if _, err := io.ReadFull(rand, b[:]); err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(b[:]), nil
}

// AcceptKey returns the Sec-WebSocket-Accept answer to key.
func AcceptKey(key string) string {
	h := sha1.Sum([]byte(key + acceptGUID))
	return base64.StdEncoding.EncodeToString(h[:])
}

// AppendUpgradeRequest appends the client's opening handshake for u (ws,
// wss, http or https): a GET of the path ("/" if empty) and query, with
// Host (without a default port), Upgrade, Connection, Sec-WebSocket-Key,
// Sec-WebSocket-Version 13, and the extra headers in sorted order.
func AppendUpgradeRequest(dst []byte, u *url.URL, key string, extra http.Header) []byte {
	target := u.EscapedPath()
	if target == "" {
		target = "/"
	}
	if u.RawQuery != "" {
		target += "?" + u.RawQuery
	}
	host := u.Host
	if port := u.Port(); port != "" {
		secure := u.Scheme == "wss" || u.Scheme == "https"
		if secure && port == "443" || !secure && port == "80" {
			host = u.Hostname()
			if strings.Contains(host, ":") {
				host = "[" + host + "]"
			}
		}
	}
	dst = append(dst, "GET "...)
	dst = append(dst, target...)
	dst = append(dst, " HTTP/1.1\r\nHost: "...)
	dst = append(dst, host...)
	dst = append(dst, "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "...)
	dst = append(dst, key...)
	dst = append(dst, "\r\nSec-WebSocket-Version: 13\r\n"...)
	dst = appendHeaders(dst, extra)
	return append(dst, "\r\n"...)
}

func appendHeaders(dst []byte, h http.Header) []byte {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		for _, v := range h[k] {
			// Header values cannot carry line breaks.
			v = strings.NewReplacer("\r", " ", "\n", " ").Replace(v)
			dst = append(dst, http.CanonicalHeaderKey(k)...)
			dst = append(dst, ": "...)
			dst = append(dst, v...)
			dst = append(dst, "\r\n"...)
		}
	}
	return dst
}

// Response is the server's answer to an upgrade request.
type Response struct {
	StatusCode int
	// Status is the status line's code and text: "503 Service Unavailable".
	Status string
	Header http.Header
	// ContentLength is the body length, -1 when not given.
	ContentLength int64
	// Chunked reports a chunked body.
	Chunked bool
}

// ReadResponse parses the response head at the start of buf. It returns
// n == 0 and a nil error while the head is incomplete; then n is the
// head's length (status line, headers, blank line). A head over maxHead
// bytes, or a malformed one, is an error.
func ReadResponse(buf []byte, maxHead int) (resp *Response, n int, err error) {
	end := bytes.Index(buf, []byte("\r\n\r\n"))
	if end < 0 {
		if len(buf) > maxHead {
			return nil, 0, &HandshakeError{Reason: fmt.Sprintf("response head over %d bytes", maxHead)}
		}
		return nil, 0, nil
	}
	n = end + 4
	if n > maxHead {
		return nil, 0, &HandshakeError{Reason: fmt.Sprintf("response head over %d bytes", maxHead)}
	}
	hr, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(buf[:n])), nil)
	if err != nil {
		return nil, 0, &HandshakeError{Reason: "malformed response: " + err.Error()}
	}
	hr.Body.Close()
	resp = &Response{StatusCode: hr.StatusCode, Status: hr.Status, Header: hr.Header, ContentLength: -1}
	if cl := hr.Header.Get("Content-Length"); cl != "" {
		v, err := strconv.ParseInt(strings.TrimSpace(cl), 10, 64)
		if err != nil || v < 0 {
			return nil, 0, &HandshakeError{Reason: "bad Content-Length " + strconv.Quote(cl)}
		}
		resp.ContentLength = v
	}
	for _, te := range hr.TransferEncoding {
		if strings.EqualFold(te, "chunked") {
			resp.Chunked = true
		}
	}
	return resp, n, nil
}

// hasToken reports whether a comma-separated header has token (any case).
func hasToken(h http.Header, name, token string) bool {
	for _, v := range h.Values(name) {
		for _, t := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(t), token) {
				return true
			}
		}
	}
	return false
}

// CheckUpgrade verifies a server's 101 answer to a request made with key.
func CheckUpgrade(resp *Response, key string) error {
	switch {
	case resp.StatusCode != http.StatusSwitchingProtocols:
		return &HandshakeError{Reason: "status " + resp.Status + ", want 101"}
	case !strings.EqualFold(resp.Header.Get("Upgrade"), "websocket"):
		return &HandshakeError{Reason: "Upgrade header is " + strconv.Quote(resp.Header.Get("Upgrade"))}
	case !hasToken(resp.Header, "Connection", "upgrade"):
		return &HandshakeError{Reason: "Connection header lacks upgrade"}
	case resp.Header.Get("Sec-WebSocket-Accept") != AcceptKey(key):
		return &HandshakeError{Reason: "Sec-WebSocket-Accept does not match the key"}
	case resp.Header.Get("Sec-WebSocket-Extensions") != "":
		return &HandshakeError{Reason: "server chose an extension that was not offered"}
	case resp.Header.Get("Sec-WebSocket-Protocol") != "":
		return &HandshakeError{Reason: "server chose a subprotocol that was not offered"}
	}
	return nil
}

// DecodeChunked decodes an HTTP/1.1 chunked body held in b. complete
// reports whether the last (empty) chunk was seen; body holds the data of
// the whole chunks so far.
func DecodeChunked(b []byte) (body []byte, complete bool, err error) {
	for {
		line := bytes.Index(b, []byte("\r\n"))
		if line < 0 {
			return body, false, nil
		}
		sizeText := string(b[:line])
		if i := strings.IndexByte(sizeText, ';'); i >= 0 {
			sizeText = sizeText[:i]
		}
		size, perr := strconv.ParseUint(strings.TrimSpace(sizeText), 16, 31)
		if perr != nil {
			return body, false, errors.New("websocket: bad chunk size " + strconv.Quote(sizeText))
		}
		if size == 0 {
			return body, true, nil
		}
		rest := b[line+2:]
		if uint64(len(rest)) < size+2 {
			return body, false, nil
		}
		body = append(body, rest[:size]...)
		if rest[size] != '\r' || rest[size+1] != '\n' {
			return body, false, errors.New("websocket: chunk not followed by CRLF")
		}
		b = rest[size+2:]
	}
}

// CheckUpgradeRequest validates a client's opening handshake (server
// side) and returns its key.
func CheckUpgradeRequest(r *http.Request) (key string, err error) {
	switch {
	case r.Method != http.MethodGet:
		return "", &HandshakeError{Reason: "method " + r.Method + ", want GET"}
	case !strings.EqualFold(r.Header.Get("Upgrade"), "websocket"):
		return "", &HandshakeError{Reason: "Upgrade header is " + strconv.Quote(r.Header.Get("Upgrade"))}
	case !hasToken(r.Header, "Connection", "upgrade"):
		return "", &HandshakeError{Reason: "Connection header lacks upgrade"}
	case r.Header.Get("Sec-WebSocket-Version") != "13":
		return "", &HandshakeError{Reason: "Sec-WebSocket-Version is " + strconv.Quote(r.Header.Get("Sec-WebSocket-Version"))}
	}
	key = r.Header.Get("Sec-WebSocket-Key")
	if raw, err := base64.StdEncoding.DecodeString(key); err != nil || len(raw) != 16 {
		return "", &HandshakeError{Reason: "Sec-WebSocket-Key is not 16 bytes in base64"}
	}
	return key, nil
}

// AppendUpgradeResponse appends the server's 101 answer to a request with
// key, plus the extra headers.
func AppendUpgradeResponse(dst []byte, key string, extra http.Header) []byte {
	dst = append(dst, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: "...)
	dst = append(dst, AcceptKey(key)...)
	dst = append(dst, "\r\n"...)
	dst = appendHeaders(dst, extra)
	return append(dst, "\r\n"...)
}
