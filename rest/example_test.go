package rest_test

import (
	"context"
	"errors"
	"fmt"
	"time"

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
	me, err := client.CurrentUser(context.Background())
	if err != nil {
		panic(err)
	}
	fmt.Println(me.Bot)
	// Output: true
}
