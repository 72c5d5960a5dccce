package rest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"sort"
	"strings"
)

// request is one REST call as a method of the client describes it: the
// generated methods build one per operation, Do builds one from its
// arguments, and the limiter and the retry loop carry it out.
type request struct {
	method string
	// route is the operation's path template as Discord's spec writes it
	// ("/channels/{channel_id}/messages"). Empty when the caller only has a
	// concrete path (Do).
	route string
	// path is the concrete, escaped path below the base URL, without the
	// query.
	path string
	// query is sent as the URL's query when not empty.
	query url.Values
	// body is sent as JSON when not nil; with files it becomes the
	// multipart field payload_json.
	body any
	// files, when not empty, make the request multipart/form-data: each
	// file is the part files[i] (Discord: Uploading Files).
	files []File
	// fileField, when set, names the part of the one file of an
	// operation that takes a single file ("file" for stickers) instead
	// of files[i].
	fileField string
	// form sends the body's top-level fields as form fields instead of
	// payload_json: the multipart-only operations (Create Guild Sticker)
	// read them so.
	form bool
	// reason is sent as X-Audit-Log-Reason (URL-escaped, as Discord asks)
	// on the operations that accept it.
	reason string
	// idempotent says a 5xx or a network error may be retried: GET, PUT,
	// DELETE and PATCH, and a create-message POST that carries a nonce
	// with enforce_nonce (Discord de-duplicates those).
	idempotent bool
	// noAuth sends no Authorization header: routes authorised by a
	// webhook or interaction token in the path, and GET /gateway.
	noAuth bool
}

// File is a file to upload with a message, a sticker or an attachment.
type File struct {
	// Name is the file name Discord shows ("report.pdf").
	Name string
	// ContentType is the MIME type; empty means application/octet-stream.
	ContentType string
	// Reader gives the content. It is read once, when the request is
	// encoded, so that a retry sends the same bytes.
	Reader io.Reader
}

// encoded is a request's body as bytes on the wire, ready to be sent again
// on a retry.
type encoded struct {
	payload     []byte // nil: no body
	contentType string
}

// encode turns the body and files into the bytes a retry can send again.
func (r *request) encode() (encoded, error) {
	if len(r.files) == 0 {
		if r.body == nil {
			return encoded{}, nil
		}
		b, err := json.Marshal(r.body)
		if err != nil {
			return encoded{}, err
		}
		return encoded{payload: b, contentType: "application/json"}, nil
	}
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	if r.body != nil && r.form {
		if err := writeFormFields(w, r.body); err != nil {
			return encoded{}, err
		}
	} else if r.body != nil {
		b, err := json.Marshal(r.body)
		if err != nil {
			return encoded{}, err
		}
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="payload_json"`)
		h.Set("Content-Type", "application/json")
		part, err := w.CreatePart(h)
		if err != nil {
			return encoded{}, err
		}
		part.Write(b)
	}
	for i, f := range r.files {
		ct := f.ContentType
		if ct == "" {
			ct = "application/octet-stream"
		}
		name := fmt.Sprintf("files[%d]", i)
		if r.fileField != "" {
			if i > 0 {
				return encoded{}, fmt.Errorf("this operation takes one file, got %d", len(r.files))
			}
			name = r.fileField
		}
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="%s"; filename="%s"`, name, escapeQuotes(f.Name)))
		h.Set("Content-Type", ct)
		part, err := w.CreatePart(h)
		if err != nil {
			return encoded{}, err
		}
		if f.Reader == nil {
			return encoded{}, fmt.Errorf("file %d (%q) has no Reader", i, f.Name)
		}
		if _, err := io.Copy(part, f.Reader); err != nil {
			return encoded{}, fmt.Errorf("reading file %d (%q): %w", i, f.Name, err)
		}
	}
	if err := w.Close(); err != nil {
		return encoded{}, err
	}
	return encoded{payload: buf.Bytes(), contentType: w.FormDataContentType()}, nil
}

// writeFormFields writes each top-level field of body's JSON object as a
// form field: strings as they are, anything else as JSON.
func writeFormFields(w *multipart.Writer, body any) error {
	b, err := json.Marshal(body)
	if err != nil {
		return err
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(b, &fields); err != nil {
		return fmt.Errorf("a form body must be a JSON object: %w", err)
	}
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys) // the same bytes on every retry
	for _, k := range keys {
		v := string(fields[k])
		var s string
		if json.Unmarshal(fields[k], &s) == nil {
			v = s
		}
		if err := w.WriteField(k, v); err != nil {
			return err
		}
	}
	return nil
}

var quoteEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\r", "", "\n", "")

func escapeQuotes(s string) string { return quoteEscaper.Replace(s) }

// target is the path and query the request is sent to.
func (r *request) target() string {
	if len(r.query) == 0 {
		return r.path
	}
	return r.path + "?" + r.query.Encode()
}

// header adds the request's own headers to h.
func (r *request) header(h http.Header, e encoded) {
	if e.contentType != "" {
		h.Set("Content-Type", e.contentType)
	}
	if r.reason != "" {
		h.Set("X-Audit-Log-Reason", url.PathEscape(r.reason))
	}
}

// idempotentMethod reports whether Discord treats the method as safe to
// repeat.
func idempotentMethod(m string) bool {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete, http.MethodPatch:
		return true
	}
	return false
}
