// Command pingpong is a bot that answers "ping" with "pong": one typed
// handler and one REST call.
//
// Run it with a token against Discord, or against the fake Discord:
//
//	wirecord fake &
//	DISCORD_TOKEN=discordtest.bot.token DISCORD_API=http://127.0.0.1:8765/api/v10 go run ./examples/pingpong
package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"

	"github.com/wirecord/wirecord/discord"
	"github.com/wirecord/wirecord/rest"
	"github.com/wirecord/wirecord/shard"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Getenv, os.Stdout); err != nil {
		log.Fatal(err)
	}
}

// run runs the bot until ctx ends.
func run(ctx context.Context, getenv func(string) string, out io.Writer) error {
	token := getenv("DISCORD_TOKEN")
	if token == "" {
		return fmt.Errorf("set DISCORD_TOKEN (and DISCORD_API to use a fake Discord)")
	}
	opts := []rest.Option{}
	if api := getenv("DISCORD_API"); api != "" {
		opts = append(opts, rest.WithBaseURL(api))
	}
	client := rest.New(token, opts...)
	m, err := shard.NewManager(shard.ManagerConfig{
		Token:   discord.NewToken(token),
		Intents: discord.IntentGuildMessages | discord.IntentDirectMessages | discord.IntentMessageContent,
		REST:    client,
	})
	if err != nil {
		return err
	}
	shard.On(m, func(ctx context.Context, msg *discord.MessageCreate) {
		if msg.Author.Bot || msg.Content != "ping" {
			return
		}
		if _, err := client.SendMessage(ctx, msg.ChannelID, "pong"); err != nil {
			fmt.Fprintf(out, "could not answer %s: %v\n", msg.Author.Username, err)
			return
		}
		fmt.Fprintf(out, "answered %s\n", msg.Author.Username)
	})
	return m.Run(ctx)
}
