package discordtest

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// RecordKind says what a Record is about.
type RecordKind string

// Record kinds.
const (
	KindConnected    RecordKind = "connected"    // a gateway connection opened
	KindIdentified   RecordKind = "identified"   // an IDENTIFY started a session
	KindResumed      RecordKind = "resumed"      // a RESUME resumed a session
	KindDisconnected RecordKind = "disconnected" // a gateway connection ended
	KindViolation    RecordKind = "violation"    // a client broke a rule
	KindFault        RecordKind = "fault"        // a fault was injected
	KindREST         RecordKind = "rest"         // a REST call was answered
	KindMessage      RecordKind = "message"      // a message was created
)

// Record is one notable thing the server saw, in order.
type Record struct {
	Seq    int // position in the server's record, from 1
	Time   time.Time
	Kind   RecordKind
	Conn   int // connection id, 0 if none
	Shard  int // shard id, -1 if none
	Detail string
}

// String formats the record as one log line: time, kind, connection,
// shard and detail.
func (r Record) String() string {
	s := fmt.Sprintf("%s %s", r.Time.Format("15:04:05.000"), r.Kind)
	if r.Conn > 0 {
		s += fmt.Sprintf(" conn=%d", r.Conn)
	}
	if r.Shard >= 0 {
		s += fmt.Sprintf(" shard=%d", r.Shard)
	}
	if r.Detail != "" {
		s += " " + r.Detail
	}
	return s
}

// Rule names a rule the server enforces, for Violations.
type Rule string

// Rules. Each violation is recorded; most also close the connection with
// the code Discord uses.
const (
	RuleBadToken            Rule = "bad token (4004)"
	RuleInvalidIntents      Rule = "invalid intents (4013)"
	RuleDisallowedIntents   Rule = "disallowed intents (4014)"
	RuleInvalidShard        Rule = "invalid shard (4010)"
	RuleShardingRequired    Rule = "sharding required (4011)"
	RuleInvalidVersion      Rule = "invalid API version (4012)"
	RuleIdentifyConcurrency Rule = "identify concurrency (op 9)"
	RuleSessionStartLimit   Rule = "session start limit (op 9)"
	RuleSendRateLimit       Rule = "send rate limit (4008)"
	RulePayloadTooLarge     Rule = "payload over 4096 bytes (4002)"
	RuleDecodeError         Rule = "undecodable payload (4002)"
	RuleUnknownOpcode       Rule = "unknown opcode (4001)"
	RuleNotAuthenticated    Rule = "payload before identify (4003)"
	RuleAlreadyAuth         Rule = "already authenticated (4005)"
	RuleInvalidSeq          Rule = "invalid resume seq (4007)"
	RuleMissedHeartbeat     Rule = "missed heartbeat (4009)"
	RuleResumeWrongURL      Rule = "resume not on resume_gateway_url"
	RuleWebSocketProtocol   Rule = "websocket protocol error"
	// REST rules: a 429 the client could have avoided, and Cloudflare's
	// ban for too many invalid requests.
	RuleRESTRateLimit     Rule = "REST bucket limit (429)"
	RuleRESTGlobalLimit   Rule = "REST global limit (429)"
	RuleInvalidRequestBan Rule = "invalid request ban (Cloudflare 1015)"
)

// Violation is a broken rule.
type Violation struct {
	Time   time.Time
	Rule   Rule
	Conn   int
	Shard  int
	Detail string
}

// IdentifyRecord is one IDENTIFY the server received.
type IdentifyRecord struct {
	Time       time.Time
	Conn       int
	ShardID    int
	ShardCount int
	// Bucket is the rate-limit key, shard_id % max_concurrency.
	Bucket    int
	Intents   uint64
	Accepted  bool
	SessionID string
	// Refused says why an IDENTIFY was not accepted.
	Refused Rule
}

// recorder keeps the server's record and lets tests wait on it.
type recorder struct {
	mu         sync.Mutex
	records    []Record
	violations []Violation
	identifies []IdentifyRecord
	changed    chan struct{} // closed and replaced on every new record
	observer   func(Record)
}

func newRecorder() *recorder { return &recorder{changed: make(chan struct{})} }

func (r *recorder) add(kind RecordKind, conn, shard int, format string, args ...any) Record {
	r.mu.Lock()
	rec := Record{Seq: len(r.records) + 1, Time: time.Now(), Kind: kind, Conn: conn, Shard: shard,
		Detail: fmt.Sprintf(format, args...)}
	r.records = append(r.records, rec)
	close(r.changed)
	r.changed = make(chan struct{})
	obs := r.observer
	r.mu.Unlock()
	if obs != nil {
		obs(rec)
	}
	return rec
}

func (r *recorder) violation(rule Rule, conn, shard int, detail string) {
	r.mu.Lock()
	r.violations = append(r.violations, Violation{Time: time.Now(), Rule: rule, Conn: conn, Shard: shard, Detail: detail})
	r.mu.Unlock()
	r.add(KindViolation, conn, shard, "%s: %s", rule, detail)
}

func (r *recorder) identify(rec IdentifyRecord) {
	r.mu.Lock()
	r.identifies = append(r.identifies, rec)
	r.mu.Unlock()
}

// Records returns everything the server recorded so far.
func (s *Server) Records() []Record {
	s.rec.mu.Lock()
	defer s.rec.mu.Unlock()
	return append([]Record(nil), s.rec.records...)
}

// Violations returns the rules clients broke so far.
func (s *Server) Violations() []Violation {
	s.rec.mu.Lock()
	defer s.rec.mu.Unlock()
	return append([]Violation(nil), s.rec.violations...)
}

// Identifies returns every IDENTIFY received, accepted or not.
func (s *Server) Identifies() []IdentifyRecord {
	s.rec.mu.Lock()
	defer s.rec.mu.Unlock()
	return append([]IdentifyRecord(nil), s.rec.identifies...)
}

// Wait blocks until match accepts a record (past records included), and
// returns it. It is how tests wait for the server without sleeping.
func (s *Server) Wait(ctx context.Context, match func(Record) bool) (Record, error) {
	seen := 0
	for {
		s.rec.mu.Lock()
		recs := s.rec.records[seen:]
		changed := s.rec.changed
		s.rec.mu.Unlock()
		for _, r := range recs {
			if match(r) {
				return r, nil
			}
		}
		seen += len(recs)
		select {
		case <-changed:
		case <-ctx.Done():
			return Record{}, fmt.Errorf("discordtest: waiting for a record: %w", ctx.Err())
		}
	}
}

// WaitKind waits for the n-th record of kind (counting from the start).
func (s *Server) WaitKind(ctx context.Context, kind RecordKind, n int) (Record, error) {
	count := 0
	return s.Wait(ctx, func(r Record) bool {
		if r.Kind == kind {
			count++
		}
		return count >= n
	})
}
