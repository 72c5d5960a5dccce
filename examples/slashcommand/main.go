// Command slashcommand is a bot with a slash command: it registers /roll
// when it connects and answers each use with an embed.
//
// Run it with a token against Discord, or against the fake Discord:
//
//	wirecord fake &
//	DISCORD_TOKEN=discordtest.bot.token DISCORD_API=http://127.0.0.1:8765/api/v10 go run ./examples/slashcommand
package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"os"
	"os/signal"
	"sync"

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

// roll is the command the bot registers: /roll [sides].
var roll = rest.ApplicationCommandUpdate{
	Name:        "roll",
	Description: "Roll a die",
	Type:        discord.CommandTypeChatInput,
	Options: []discord.ApplicationCommandOption{{
		Type:        discord.OptionTypeInteger,
		Name:        "sides",
		Description: "How many sides the die has (default 6)",
	}},
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
		Intents: discord.IntentGuilds,
		REST:    client,
	})
	if err != nil {
		return err
	}

	// Register the command once, with the application id READY gives.
	// PUT replaces the application's commands: running the bot twice
	// leaves one /roll, not two.
	var register sync.Once
	shard.On(m, func(ctx context.Context, r *discord.Ready) {
		register.Do(func() {
			cmds, err := client.BulkSetApplicationCommands(ctx, r.Application.ID, []rest.ApplicationCommandUpdate{roll})
			if err != nil {
				fmt.Fprintf(out, "could not register /roll: %v\n", err)
				return
			}
			fmt.Fprintf(out, "registered %d command(s)\n", len(cmds))
		})
	})

	shard.On(m, func(ctx context.Context, ev *discord.InteractionCreate) {
		data, err := ev.CommandData()
		if err != nil || data.Name != "roll" {
			return
		}
		sides := int64(6)
		for _, o := range data.Options {
			if o.Name == "sides" {
				if n, err := o.IntValue(); err == nil && n >= 2 {
					sides = n
				}
			}
		}
		got := rand.Int64N(sides) + 1
		who := "someone"
		if u := ev.Invoker(); u != nil {
			who = u.Username
		}
		answer := discord.InteractionResponse{
			Type: discord.InteractionResponseChannelMessageWithSource,
			Data: &discord.InteractionResponseData{Embeds: []discord.Embed{{
				Title:       "🎲 " + fmt.Sprint(got),
				Description: fmt.Sprintf("%s rolled a %d-sided die.", who, sides),
				Color:       0x5865F2,
			}}},
		}
		// The interaction token authorises the answer for 15 minutes;
		// it is never printed.
		if _, err := client.CreateInteractionResponse(ctx, ev.ID, ev.Token, answer, rest.CreateInteractionResponseOptions{}); err != nil {
			fmt.Fprintf(out, "could not answer /roll: %v\n", err)
			return
		}
		fmt.Fprintf(out, "answered /roll for %s\n", who)
	})
	return m.Run(ctx)
}
