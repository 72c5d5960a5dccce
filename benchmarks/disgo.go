package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/disgoorg/disgo"
	"github.com/disgoorg/disgo/bot"
	"github.com/disgoorg/disgo/events"
	"github.com/disgoorg/disgo/gateway"
	"github.com/disgoorg/disgo/rest"
	"github.com/disgoorg/disgo/sharding"

	"github.com/wirecord/wirecord/internal/benchload"
)

// disgoClient is github.com/disgoorg/disgo as its README shows it: a bot
// client with typed listeners, its caches at their defaults. It speaks no
// transport compression (its Compress option is per-payload zlib).
var disgoClient = benchload.Client{Name: "disgo", Compressions: noCompression, Run: runDisgo}

// instantLimiter lets every shard identify at once: the server has no
// identify rate limit.
type instantLimiter struct{}

func (instantLimiter) Close(context.Context)                       {}
func (instantLimiter) WaitBucket(ctx context.Context, _ int) error { return ctx.Err() }
func (instantLimiter) UnlockBucket(int)                            {}

func runDisgo(ctx context.Context, s *benchload.Session) error {
	intents := gateway.WithIntents(gateway.IntentGuilds, gateway.IntentGuildMessages, gateway.IntentMessageContent)
	opts := []bot.ConfigOpt{
		bot.WithLogger(slog.New(slog.DiscardHandler)),
		bot.WithRestClientConfigOpts(rest.WithURL(s.APIURL)),
		bot.WithEventListenerFunc(func(e *events.Ready) { s.ShardReady() }),
		bot.WithEventListenerFunc(func(e *events.MessageCreate) { s.Deliver(e.Message.Content) }),
		bot.WithEventListenerFunc(func(e *events.GuildReady) { s.Deliver(e.Guild.Name) }),
		bot.WithEventListenerFunc(func(e *events.GuildJoin) { s.Deliver(e.Guild.Name) }),
	}
	sharded := s.Shards > 1
	if sharded {
		ids := make([]int, s.Shards)
		for i := range ids {
			ids[i] = i
		}
		opts = append(opts, bot.WithShardManagerConfigOpts(
			sharding.WithShardIDs(ids...), sharding.WithShardCount(s.Shards), sharding.WithAutoScaling(false),
			sharding.WithRateLimiter(instantLimiter{}),
			sharding.WithGatewayConfigOpts(gateway.WithURL(s.URL), intents, gateway.WithCompress(false)),
		))
	} else {
		opts = append(opts, bot.WithGatewayConfigOpts(gateway.WithURL(s.URL), intents, gateway.WithCompress(false)))
	}
	client, err := disgo.New(s.Token, opts...)
	if err != nil {
		return err
	}
	if sharded {
		err = client.OpenShardManager(ctx)
	} else {
		err = client.OpenGateway(ctx)
	}
	if err != nil {
		return err
	}
	<-ctx.Done()
	cctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	client.Close(cctx)
	return nil
}
