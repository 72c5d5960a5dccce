// Command logmessages logs every message the bot can see, as a bot
// author's first program would.
//
//	DISCORD_TOKEN=... go run ./examples/logmessages
//
// Set DISCORD_API to the REST base of a fake Discord to run it offline.
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

func run(ctx context.Context, getenv func(string) string, out io.Writer) error {
	token := getenv("DISCORD_TOKEN")
	if token == "" {
		return fmt.Errorf("set DISCORD_TOKEN (and DISCORD_API to use a fake Discord)")
	}
	var opts []rest.Option
	if api := getenv("DISCORD_API"); api != "" {
		opts = append(opts, rest.WithBaseURL(api))
	}
	m, err := shard.NewManager(shard.ManagerConfig{
		Token:   discord.NewToken(token),
		Intents: discord.IntentGuildMessages | discord.IntentDirectMessages | discord.IntentMessageContent,
		REST:    rest.New(token, opts...),
	})
	if err != nil {
		return err
	}
	shard.On(m, func(ctx context.Context, msg *discord.MessageCreate) {
		fmt.Fprintf(out, "%s: %s\n", msg.Author.Username, msg.Content)
	})
	return m.Run(ctx)
}
