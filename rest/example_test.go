package rest_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

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

// A rate limit longer than the client waits (WithMaxRetryAfter, a minute
// by default) comes back as a *RateLimitError naming the wait, instead of
// blocking the call.
func ExampleRateLimitError() {
	srv := discordtest.NewServer(discordtest.WithGuilds(1, 0),
		discordtest.WithRouteLimit(discordtest.RouteCreateMessage, discordtest.RouteLimit{Bucket: "slow", Limit: 1, Window: 10 * time.Minute}))
	defer srv.Close()
	client := rest.New(srv.Token, rest.WithBaseURL(srv.APIURL))
	channel := srv.Channels(srv.Guilds()[0].ID)[0]

	if _, err := client.SendMessage(context.Background(), channel.ID, "one"); err != nil {
		panic(err)
	}
	_, err := client.SendMessage(context.Background(), channel.ID, "two")
	var rle *rest.RateLimitError
	if errors.As(err, &rle) {
		fmt.Println("sent:", rle.Answered, "retry after:", rle.RetryAfter.Round(time.Minute))
	}
	// Output: sent: false retry after: 10m0s
}

// Several processes sharing one token can share one limiter: any
// implementation of rest.Limiter (ratelimittest checks one) replaces the
// in-memory one.
func ExampleWithLimiter() {
	srv := discordtest.NewServer(discordtest.WithGlobalLimit(500))
	defer srv.Close()
	limiter := rest.NewLimiter(rest.LimiterConfig{GlobalPerSecond: 500})
	client := rest.New(srv.Token, rest.WithBaseURL(srv.APIURL), rest.WithLimiter(limiter))
	me, err := client.GetMyUser(context.Background())
	if err != nil {
		panic(err)
	}
	fmt.Println(me.Bot)
	// Output: true
}
