package discordtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/wirecord/wirecord/discord"
)

// ControlPrefix is the path under which the control surface (WithControl)
// answers. Discord's own routes live under /api/, so the two never mix.
const ControlPrefix = "/_fake/"

// WithControl turns on the HTTP control surface on the server's main
// listener (default off), so other processes can read the record and
// inject faults:
//
//	GET  /_fake/record[?since=N][&follow=1]
//	     the record as JSON lines (RecordLine), those with seq > N;
//	     follow keeps the response open and streams new records until
//	     the client goes away or the server closes.
//	POST /_fake/faults/{shard}/reconnect                 op 7
//	POST /_fake/faults/{shard}/invalid-session[?resumable=true]  op 9
//	POST /_fake/faults/{shard}/drop                      TCP close, no close frame
//	POST /_fake/faults/{shard}/close?code=N              close frame with code N
//
// A fault answers 200 with {"shard":S,"conn":C,"fault":K}; a bad shard,
// kind or parameter 400, a shard with no open connection 404, each with
// {"error":"..."}.
func WithControl(on bool) Option { return func(o *options) { o.control = on } }

// RecordLine is one line of GET /_fake/record: a Record in JSON.
type RecordLine struct {
	Seq    int        `json:"seq"`
	Time   time.Time  `json:"time"`
	Kind   RecordKind `json:"kind"`
	Conn   int        `json:"conn,omitempty"`
	Shard  int        `json:"shard"`
	Detail string     `json:"detail,omitempty"`
}

func (s *Server) registerControl(mux *http.ServeMux) {
	mux.HandleFunc("GET "+ControlPrefix+"record", s.serveRecord)
	mux.HandleFunc("POST "+ControlPrefix+"faults/{shard}/{kind}", s.serveFault)
	mux.HandleFunc(ControlPrefix, func(w http.ResponseWriter, r *http.Request) {
		controlError(w, http.StatusNotFound, fmt.Sprintf("no control endpoint %s %s: use GET %srecord or POST %sfaults/{shard}/{kind}", r.Method, r.URL.Path, ControlPrefix, ControlPrefix))
	})
}

func controlError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

func boolParam(r *http.Request, name string) (bool, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("%s=%q is not a boolean: use true or false", name, v)
	}
	return b, nil
}

func (s *Server) serveRecord(w http.ResponseWriter, r *http.Request) {
	since := 0
	if v := r.URL.Query().Get("since"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			controlError(w, http.StatusBadRequest, fmt.Sprintf("since=%q is not a record seq: use a whole number of 0 or more", v))
			return
		}
		since = n
	}
	follow, err := boolParam(r, "follow")
	if err != nil {
		controlError(w, http.StatusBadRequest, err.Error())
		return
	}
	if follow {
		s.followers.Add(1)
		defer s.followers.Add(-1)
	}
	w.Header().Set("Content-Type", "application/x-ndjson")
	w.WriteHeader(http.StatusOK)
	enc := json.NewEncoder(w)
	flusher, _ := w.(http.Flusher)
	for {
		s.rec.mu.Lock()
		var recs []Record
		if since < len(s.rec.records) {
			recs = append(recs, s.rec.records[since:]...)
		}
		changed := s.rec.changed
		s.rec.mu.Unlock()
		for _, rec := range recs {
			line := RecordLine{Seq: rec.Seq, Time: rec.Time, Kind: rec.Kind, Conn: rec.Conn, Shard: rec.Shard, Detail: rec.Detail}
			if err := enc.Encode(line); err != nil {
				return
			}
			since = rec.Seq
		}
		if !follow {
			return
		}
		if flusher != nil {
			flusher.Flush()
		}
		select {
		case <-changed:
		case <-r.Context().Done():
			return
		case <-s.stop:
			return
		}
	}
}

func (s *Server) serveFault(w http.ResponseWriter, r *http.Request) {
	shardStr, kind := r.PathValue("shard"), r.PathValue("kind")
	shard, err := strconv.Atoi(shardStr)
	if err != nil || shard < 0 {
		controlError(w, http.StatusBadRequest, fmt.Sprintf("shard %q is not a shard id: use a whole number of 0 or more", shardStr))
		return
	}
	var fault func(c *Conn)
	switch kind {
	case "reconnect":
		fault = (*Conn).SendReconnect
	case "invalid-session":
		resumable, err := boolParam(r, "resumable")
		if err != nil {
			controlError(w, http.StatusBadRequest, err.Error())
			return
		}
		fault = func(c *Conn) { c.SendInvalidSession(resumable) }
	case "drop":
		fault = (*Conn).Drop
	case "close":
		v := r.URL.Query().Get("code")
		code, err := strconv.Atoi(v)
		if err != nil || code < 1000 || code > 4999 {
			controlError(w, http.StatusBadRequest, fmt.Sprintf("code=%q is not a close code: use ?code=N with N from 1000 to 4999", v))
			return
		}
		fault = func(c *Conn) { c.CloseWith(discord.CloseCode(code), "fault injected over HTTP") }
	default:
		controlError(w, http.StatusBadRequest, fmt.Sprintf("unknown fault %q: use reconnect, invalid-session, drop or close", kind))
		return
	}
	c := s.ConnForShard(shard)
	if c == nil {
		controlError(w, http.StatusNotFound, fmt.Sprintf("shard %d has no open gateway connection with a session", shard))
		return
	}
	fault(c)
	writeJSON(w, http.StatusOK, map[string]any{"shard": shard, "conn": c.ID(), "fault": kind})
}
