package shard

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wirecord/wirecord/rest"
)

// FuzzGatewayBotAnswer feeds GET /gateway/bot answers to the check the
// Manager applies: a refused answer gets a *GatewayBotError that names an
// out-of-range value; an accepted one builds a queue at once and grants a
// first IDENTIFY without waiting (when the budget allows one).
func FuzzGatewayBotAnswer(f *testing.F) {
	f.Add([]byte(`{"url":"wss://gateway.discord.gg/","shards":9,"session_start_limit":{"total":1000,"remaining":999,"reset_after":14400000,"max_concurrency":1}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var gb rest.GatewayBot
		if json.Unmarshal(data, &gb) != nil {
			return
		}
		err := checkGatewayBot(&gb)
		if err != nil {
			var ge *GatewayBotError
			if !errors.As(err, &ge) {
				t.Fatalf("untyped error %v", err)
			}
			if ge.Value >= ge.Min && ge.Value <= ge.Max {
				t.Fatalf("%s = %d refused though inside %d..%d", ge.Field, ge.Value, ge.Min, ge.Max)
			}
			if !strings.Contains(err.Error(), ge.Field) || !strings.Contains(err.Error(), strconv.FormatInt(ge.Value, 10)) {
				t.Fatalf("error %q does not name %s = %d", err, ge.Field, ge.Value)
			}
			return
		}
		l := gb.SessionStartLimit
		if gb.Shards < 1 || gb.Shards > MaxShardCount || l.MaxConcurrency < 0 || l.MaxConcurrency > MaxMaxConcurrency ||
			l.Remaining < 0 || l.Remaining > l.Total || l.ResetAfter() < 0 || l.ResetAfter() > maxBudgetReset {
			t.Fatalf("accepted %+v", gb)
		}
		lim := sessionStartLimit(&gb)
		q := NewLocalQueue(lim.MaxConcurrency, WithSessionStartLimit(lim, nil))
		if lim.Remaining == 0 {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		if err := q.Wait(ctx, gb.Shards-1); err != nil {
			t.Fatalf("first IDENTIFY of shard %d: %v", gb.Shards-1, err)
		}
	})
}
