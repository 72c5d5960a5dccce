// Command dm opens a direct message channel with a user and sends them a
// message, through REST only.
//
//	DISCORD_TOKEN=... go run ./examples/dm -user 1186417093561483264 -text "hello"
//
// Set DISCORD_API to the REST base of a fake Discord to run it offline.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os"

	"github.com/wirecord/wirecord/discord"
	"github.com/wirecord/wirecord/rest"
)

func main() {
	user := flag.String("user", "", "id of the user to message")
	text := flag.String("text", "hello from wirecord", "the message")
	flag.Parse()
	if err := run(context.Background(), os.Getenv, os.Stdout, *user, *text); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context, getenv func(string) string, out io.Writer, user, text string) error {
	token := getenv("DISCORD_TOKEN")
	if token == "" {
		return fmt.Errorf("set DISCORD_TOKEN (and DISCORD_API to use a fake Discord)")
	}
	id, err := discord.ParseSnowflake(user)
	if err != nil || id == 0 {
		return fmt.Errorf("-user must be a user id, not %q", user)
	}
	var opts []rest.Option
	if api := getenv("DISCORD_API"); api != "" {
		opts = append(opts, rest.WithBaseURL(api))
	}
	client := rest.New(token, opts...)
	ch, err := client.CreateDM(ctx, rest.CreateDMParams{RecipientID: discord.UserID(id)})
	if err != nil {
		return err
	}
	msg, err := client.SendMessage(ctx, ch.ID, text)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "sent message %s in DM channel %s\n", msg.ID, ch.ID)
	return nil
}
