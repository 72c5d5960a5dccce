package shard_test

import (
	"context"
	"fmt"
	"time"

	"github.com/wirecord/wirecord/discord"
	"github.com/wirecord/wirecord/discordtest"
	"github.com/wirecord/wirecord/gateway"
	"github.com/wirecord/wirecord/rest"
	"github.com/wirecord/wirecord/shard"
)

// A Manager picks the shard count from GET /gateway/bot, paces IDENTIFYs,
// and hands every shard's events to typed handlers. Here it runs against a
// fake Discord; against Discord, leave REST out (or give it only the
// token).
func ExampleManager() {
	srv := discordtest.NewServer(discordtest.WithShards(2), discordtest.WithMaxConcurrency(2), discordtest.WithGuilds(4, 1))
	defer srv.Close()

	m, err := shard.NewManager(shard.ManagerConfig{
		Token:   discord.NewToken(srv.Token),
		Intents: discord.IntentGuilds,
		REST:    rest.New(srv.Token, rest.WithBaseURL(srv.APIURL)),
	})
	if err != nil {
		panic(err)
	}
	guilds := make(chan discord.GuildID, 4)
	shard.On(m, func(ctx context.Context, g *discord.GuildCreate) {
		guilds <- g.ID
	})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := m.Start(ctx); err != nil {
		panic(err)
	}
	defer m.Close(ctx, gateway.CloseEndSession)
	for range 4 {
		<-guilds
	}
	fmt.Println("shards:", m.ShardCount(), "guilds: 4")
	// Output: shards: 2 guilds: 4
}

// A handler that reads only a few of an event's fields names them with
// Fields, and the rest of the event is skipped instead of decoded: here
// a GUILD_CREATE's id and name, but not its members, channels or roles.
func ExampleFields() {
	srv := discordtest.NewServer(discordtest.WithGuilds(3, 2))
	defer srv.Close()

	m, err := shard.NewManager(shard.ManagerConfig{
		Token:   discord.NewToken(srv.Token),
		Intents: discord.IntentGuilds,
		REST:    rest.New(srv.Token, rest.WithBaseURL(srv.APIURL)),
	})
	if err != nil {
		panic(err)
	}
	members := make(chan int, 3)
	shard.On(m, func(ctx context.Context, g *discord.GuildCreate) {
		if g.ID != 0 && g.Name != "" {
			members <- len(g.Members)
		}
	}, shard.Fields("id", "name"))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := m.Start(ctx); err != nil {
		panic(err)
	}
	defer m.Close(ctx, gateway.CloseEndSession)
	for range 3 {
		fmt.Println("a guild with its id and name; members decoded:", <-members)
	}
	// Output:
	// a guild with its id and name; members decoded: 0
	// a guild with its id and name; members decoded: 0
	// a guild with its id and name; members decoded: 0
}
