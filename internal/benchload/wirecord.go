package benchload

import (
	"context"
	"time"

	"github.com/wirecord/wirecord/discord"
	"github.com/wirecord/wirecord/gateway"
	"github.com/wirecord/wirecord/shard"
)

// Wirecord is wirecord as a user runs it: a shard.Manager with typed
// handlers (shard.On) for *discord.MessageCreate and *discord.GuildCreate,
// everything else at its defaults.
var Wirecord = Client{Name: "wirecord", Run: func(ctx context.Context, s *Session) error {
	return runWirecord(ctx, s, typed)
}}

// WirecordRaw is the same Manager with raw handlers (OnDispatch) that
// read the event's name and never decode it: what the receive path and
// the dispatcher cost without the typed decode.
var WirecordRaw = Client{Name: "wirecord-raw", Run: func(ctx context.Context, s *Session) error {
	return runWirecord(ctx, s, raw)
}}

// WirecordFields is Wirecord with each typed handler naming the fields it
// reads (shard.Fields): MESSAGE_CREATE's id, channel_id, content and
// author, what floor-decode decodes; GUILD_CREATE's name.
var WirecordFields = Client{Name: "wirecord-fields", Run: func(ctx context.Context, s *Session) error {
	return runWirecord(ctx, s, fieldsTyped)
}}

// How runWirecord's handlers take their events.
const (
	raw         = iota // OnDispatch, never decoded
	typed              // shard.On, decoded whole
	fieldsTyped        // shard.On with shard.Fields
)

// instantQueue grants every IDENTIFY at once: the server has no identify
// rate limit, and a shard run should not wait 5 s per shard.
type instantQueue struct{ n int }

func (instantQueue) Wait(ctx context.Context, shardID int) error { return ctx.Err() }
func (q instantQueue) MaxConcurrency() int                       { return q.n }

func runWirecord(ctx context.Context, s *Session, how int) error {
	m, err := shard.NewManager(shard.ManagerConfig{
		Token:      discord.NewToken(s.Token),
		Intents:    discord.IntentGuilds | discord.IntentGuildMessages | discord.IntentMessageContent,
		ShardCount: s.Shards,
		Gateway:    gateway.Config{URL: s.URL, Compression: s.Compression, Encoding: gateway.EncodingJSON},
		Queue:      instantQueue{s.Shards},
	})
	if err != nil {
		return err
	}
	switch how {
	case typed:
		shard.On(m, func(ctx context.Context, e *discord.MessageCreate) { s.Deliver(e.Content) })
		shard.On(m, func(ctx context.Context, e *discord.GuildCreate) { s.Deliver(e.Name) })
	case fieldsTyped:
		shard.On(m, func(ctx context.Context, e *discord.MessageCreate) { s.Deliver(e.Content) },
			shard.Fields("id", "channel_id", "content", "author"))
		shard.On(m, func(ctx context.Context, e *discord.GuildCreate) { s.Deliver(e.Name) }, shard.Fields("name"))
	default:
		deliver := func(ctx context.Context, d *shard.Dispatch) { s.Deliver(d.Name) }
		m.OnDispatch(discord.EventMessageCreate, deliver)
		m.OnDispatch(discord.EventGuildCreate, deliver)
	}
	if err := m.Start(ctx); err != nil {
		return err
	}
	go func() {
		if m.WaitReady(ctx) == nil {
			s.Ready()
		}
	}()
	var fatal error
	select {
	case <-ctx.Done():
	case fatal = <-m.Fatal():
	}
	cctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	m.Close(cctx, gateway.CloseEndSession)
	return fatal
}
