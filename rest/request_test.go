package rest

import (
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
)

// Uploads are multipart/form-data with the JSON body as payload_json and
// each file as files[i] (Discord: Uploading Files).
func TestFilesAreSentAsPayloadJSONAndFilesN(t *testing.T) {
	r := &request{method: "POST", path: "/channels/1/messages",
		body:  map[string]string{"content": "hi"},
		files: []File{{Name: `a "b".txt`, Reader: strings.NewReader("one")}, {Name: "c.png", ContentType: "image/png", Reader: strings.NewReader("two")}}}
	enc, err := r.encode()
	if err != nil {
		t.Fatal(err)
	}
	mt, params, err := mime.ParseMediaType(enc.contentType)
	if err != nil || mt != "multipart/form-data" {
		t.Fatalf("content type %q: %v", enc.contentType, err)
	}
	mr := multipart.NewReader(strings.NewReader(string(enc.payload)), params["boundary"])
	want := []struct{ name, file, ctype, body string }{
		{"payload_json", "", "application/json", `{"content":"hi"}`},
		{"files[0]", `a "b".txt`, "application/octet-stream", "one"},
		{"files[1]", "c.png", "image/png", "two"},
	}
	for i, w := range want {
		p, err := mr.NextPart()
		if err != nil {
			t.Fatalf("part %d: %v", i, err)
		}
		b, _ := io.ReadAll(p)
		if p.FormName() != w.name || p.FileName() != w.file || p.Header.Get("Content-Type") != w.ctype || string(b) != w.body {
			t.Errorf("part %d: name %q file %q type %q body %q, want %+v", i, p.FormName(), p.FileName(), p.Header.Get("Content-Type"), b, w)
		}
	}
	if _, err := mr.NextPart(); err != io.EOF {
		t.Errorf("more parts than files: %v", err)
	}
}

func TestAFileWithoutAReaderIsAnError(t *testing.T) {
	r := &request{method: "POST", path: "/x", files: []File{{Name: "x"}}}
	if _, err := r.encode(); err == nil || !strings.Contains(err.Error(), `"x"`) {
		t.Errorf("encode: %v, want an error naming the file", err)
	}
}

// Discord wants the audit-log reason URL-encoded (it may hold any Unicode).
func TestTheAuditLogReasonIsURLEscaped(t *testing.T) {
	h := http.Header{}
	(&request{reason: "spam / raid über"}).header(h, encoded{})
	if got := h.Get("X-Audit-Log-Reason"); got != "spam%20%2F%20raid%20%C3%BCber" {
		t.Errorf("X-Audit-Log-Reason = %q", got)
	}
}
