package discordtest_test

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/wirecord/wirecord/discord"
	"github.com/wirecord/wirecord/discordtest"
	"github.com/wirecord/wirecord/gateway"
	"github.com/wirecord/wirecord/rest"
	"github.com/wirecord/wirecord/shard"
)

// Testing a bot's handler offline: start the fake, run the bot against
// it, say something as a user, and check what the bot answered.
func Example() {
	srv := discordtest.NewServer(discordtest.WithGuilds(1, 1))
	defer srv.Close()
	client := rest.New(srv.Token, rest.WithBaseURL(srv.APIURL))
	bot, _ := shard.NewManager(shard.ManagerConfig{Token: discord.NewToken(srv.Token), REST: client,
		Intents: discord.IntentGuildMessages | discord.IntentMessageContent})
	shard.On(bot, func(ctx context.Context, m *discord.MessageCreate) { // the handler under test
		if m.Content == "ping" {
			client.SendMessage(ctx, m.ChannelID, "pong")
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	bot.Start(ctx)
	defer bot.Close(ctx, gateway.CloseEndSession)
	bot.WaitReady(ctx)
	g := srv.Guilds()[0]
	srv.Say(srv.Channels(g.ID)[0].ID, srv.Members(g.ID)[1].User.ID, "ping")
	reply, _ := srv.Wait(ctx, func(r discordtest.Record) bool { return strings.Contains(r.Detail, `"pong"`) })
	fmt.Println(reply.Kind, strings.Contains(reply.Detail, "wirecord-test-bot"))
	// Output: message true
}
