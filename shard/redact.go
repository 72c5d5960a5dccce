package shard

import (
	"fmt"
	"log/slog"
)

// String describes the shard without its token: its id, state and last
// sequence number.
func (s *Shard) String() string {
	if s == nil {
		return "shard.Shard(nil)"
	}
	return fmt.Sprintf("shard.Shard{id:%d state:%s seq:%d}", s.id, s.State(), s.seq.Load())
}

// GoString is String, so %#v shows no token either.
func (s *Shard) GoString() string { return s.String() }

// Format writes String whatever the verb.
func (s *Shard) Format(f fmt.State, _ rune) { f.Write([]byte(s.String())) }

// LogValue logs the shard's id, state and sequence, never its token.
func (s *Shard) LogValue() slog.Value {
	if s == nil {
		return slog.StringValue("<nil>")
	}
	return slog.GroupValue(slog.Int("shard", s.id), slog.String("state", s.State().String()), slog.Int64("seq", s.seq.Load()))
}

// String describes the manager without its token.
func (m *Manager) String() string {
	if m == nil {
		return "shard.Manager(nil)"
	}
	return "shard.Manager{intents:" + m.cfg.Intents.String() + "}"
}

// GoString is String, so %#v shows no token either.
func (m *Manager) GoString() string { return m.String() }

// Format writes String whatever the verb.
func (m *Manager) Format(f fmt.State, _ rune) { f.Write([]byte(m.String())) }

// LogValue logs the manager's intents, never its token.
func (m *Manager) LogValue() slog.Value {
	if m == nil {
		return slog.StringValue("<nil>")
	}
	return slog.GroupValue(slog.String("intents", m.cfg.Intents.String()))
}
