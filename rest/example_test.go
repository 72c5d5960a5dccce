package rest_test

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/wirecord/wirecord/discord"
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

// Generated methods take typed IDs, a typed body and the operation's
// options; list operations that page have an iterator.
func ExampleClient_ListMessagesAll() {
	srv := discordtest.NewServer(discordtest.WithGuilds(1, 0))
	defer srv.Close()
	client := rest.New(srv.Token, rest.WithBaseURL(srv.APIURL))
	ctx := context.Background()

	channel := srv.Channels(srv.Guilds()[0].ID)[0]
	for _, text := range []string{"first", "second", "third"} {
		if _, err := client.CreateMessage(ctx, channel.ID, discord.MessageSend{Content: text}, rest.CreateMessageOptions{}); err != nil {
			panic(err)
		}
	}
	// Newest first, two a page, until the channel's first message.
	for msg, err := range client.ListMessagesAll(ctx, channel.ID, rest.ListMessagesOptions{Limit: 2}) {
		if err != nil {
			panic(err)
		}
		fmt.Println(msg.Content)
	}
	// Output:
	// third
	// second
	// first
}

// PATCH bodies tell a field left alone from a field cleared: Topic is
// cleared (null), NSFW set to false, and every other field left as it is.
func ExampleUpdateChannelParams() {
	body := rest.UpdateChannelParams{Topic: discord.Null[string](), NSFW: discord.Value(false)}
	b, _ := json.Marshal(body)
	fmt.Println(string(b))
	// Output: {"topic":null,"nsfw":false}
}
