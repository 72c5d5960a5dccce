package gateway

// SessionState is what it takes to resume a session: its id, the last
// sequence number received, and the URL to resume at. It can be exported
// from one engine (Engine.Session) and given to another, even in another
// process (Config.Session), for example during a rolling deploy. The
// session survives only if the first connection was closed in a way that
// keeps it (Close with CloseKeepSession, never with 1000 or 1001).
type SessionState struct {
	ID        string `json:"session_id"`
	Seq       int64  `json:"seq"`
	ResumeURL string `json:"resume_gateway_url,omitempty"`
	// ShardID and ShardCount identify the shard the session belongs to; a
	// session must be resumed with the same shard.
	ShardID    int `json:"shard_id"`
	ShardCount int `json:"shard_count"`
}
