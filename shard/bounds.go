package shard

import (
	"fmt"
	"time"

	"github.com/wirecord/wirecord/rest"
)

// Ceilings on what GET /gateway/bot may answer and on what a Manager is
// asked to run. A real Discord stays far inside them; a value outside is a
// hostile or broken server (or a typo) and is refused with a
// *GatewayBotError, before anything is built from it.
//
//	value                          range accepted    why
//	shards, ShardCount, Rescale n  1 .. 65536        2500 guilds per shard at most (PROTOCOL.md §9);
//	                                                 the largest bots run tens of thousands of shards
//	max_concurrency                0 .. 1024         documented as small powers of two: 1, 16, 32, 64...
//	                                                 (PROTOCOL.md §5, §9); 0 (missing) means 1
//	session_start_limit.total      0 .. 10,000,000   1000 a day, max(2000, guilds/1000*5) for large bots (§5)
//	session_start_limit.remaining  0 .. total
//	session_start_limit.reset_after 0 .. 24 h        the budget is daily (§5)
const (
	MaxShardCount     = 1 << 16
	MaxMaxConcurrency = 1 << 10
	maxSessionStarts  = 10_000_000
	maxBudgetReset    = 24 * time.Hour
)

// GatewayBotError reports a value outside the range a real Discord sends
// (see MaxShardCount): Field names it as Discord does ("shards",
// "session_start_limit.max_concurrency"...), Value is what was said.
type GatewayBotError struct {
	Field    string
	Value    int64
	Min, Max int64
}

func (e *GatewayBotError) Error() string {
	return fmt.Sprintf("shard: %s = %d is outside %d..%d, which no real Discord sends: refusing it (check the REST base URL, or a proxy in between)",
		e.Field, e.Value, e.Min, e.Max)
}

// checkRange returns a *GatewayBotError when v is outside lo..hi.
func checkRange(field string, v, lo, hi int64) error {
	if v < lo || v > hi {
		return &GatewayBotError{Field: field, Value: v, Min: lo, Max: hi}
	}
	return nil
}

// checkGatewayBot checks every number of a GET /gateway/bot answer
// against the table above.
func checkGatewayBot(gb *rest.GatewayBot) error {
	l := gb.SessionStartLimit
	for _, c := range []struct {
		field     string
		v, lo, hi int64
	}{
		{"shards", int64(gb.Shards), 1, MaxShardCount},
		{"session_start_limit.max_concurrency", int64(l.MaxConcurrency), 0, MaxMaxConcurrency},
		{"session_start_limit.total", int64(l.Total), 0, maxSessionStarts},
		{"session_start_limit.remaining", int64(l.Remaining), 0, max(int64(l.Total), 0)},
		{"session_start_limit.reset_after", l.ResetAfterMS, 0, maxBudgetReset.Milliseconds()},
	} {
		if err := checkRange(c.field, c.v, c.lo, c.hi); err != nil {
			return err
		}
	}
	return nil
}

// sessionStartLimit converts a checked answer's budget.
func sessionStartLimit(gb *rest.GatewayBot) SessionStartLimit {
	l := gb.SessionStartLimit
	return SessionStartLimit{Total: l.Total, Remaining: l.Remaining, ResetAfter: l.ResetAfter(),
		MaxConcurrency: max(l.MaxConcurrency, 1)}
}
