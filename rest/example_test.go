package rest_test

import (
	"context"
	"fmt"

	"github.com/wirecord/wirecord/discordtest"
	"github.com/wirecord/wirecord/rest"
)

// A client for a fake Discord; for Discord itself, rest.New(token) is all.
func ExampleClient_SendMessage() {
	srv := discordtest.NewServer(discordtest.WithGuilds(1, 0))
	defer srv.Close()
	client := rest.New(srv.Token, rest.WithBaseURL(srv.APIURL))

	channel := srv.Channels(srv.Guilds()[0].ID)[0]
	msg, err := client.SendMessage(context.Background(), channel.ID, "hello")
	if err != nil {
		panic(err)
	}
	fmt.Println(msg.Content, msg.Author.Bot)
	// Output: hello true
}
