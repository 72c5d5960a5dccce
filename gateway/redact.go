package gateway

import (
	"fmt"
	"log/slog"
)

// String describes the engine without its token: its shard, state and
// sequence. Like every method, call it from the engine's owner only.
func (e *Engine) String() string {
	if e == nil {
		return "gateway.Engine(nil)"
	}
	return fmt.Sprintf("gateway.Engine{shard:[%d %d] state:%s seq:%d}", e.cfg.ShardID, e.cfg.ShardCount, e.state, e.session.Seq)
}

// GoString is String, so %#v shows no token either.
func (e *Engine) GoString() string { return e.String() }

// Format writes String whatever the verb.
func (e *Engine) Format(f fmt.State, _ rune) { f.Write([]byte(e.String())) }

// LogValue logs the engine's shard, state and sequence, never its token.
func (e *Engine) LogValue() slog.Value {
	if e == nil {
		return slog.StringValue("<nil>")
	}
	return slog.GroupValue(slog.Int("shard_id", e.cfg.ShardID), slog.Int("shard_count", e.cfg.ShardCount),
		slog.String("state", e.state.String()), slog.Int64("seq", e.session.Seq))
}
