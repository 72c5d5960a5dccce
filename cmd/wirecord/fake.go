package main

import (
	"context"
	"fmt"
	"time"

	"github.com/wirecord/wirecord/discordtest"
)

func runFake(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "fake", "fake [--addr HOST:PORT] [--token TOKEN] [--shards N] [--max-concurrency M] [--guilds G] [--chatter RATE]")
	addr := fs.String("addr", "127.0.0.1:8765", "address to listen on (loopback unless you say otherwise)")
	token := fs.String("token", discordtest.DefaultToken, "bot token the fake accepts")
	shards := fs.Int("shards", 1, "shard count GET /gateway/bot recommends")
	maxConc := fs.Int("max-concurrency", 1, "max_concurrency: identify rate-limit keys")
	guilds := fs.Int("guilds", 4, "guilds to create")
	members := fs.Int("members", 8, "simulated members per guild")
	chatter := fs.Float64("chatter", 0, "messages per second from simulated users (0: quiet)")
	heartbeat := fs.Duration("heartbeat", 41250*time.Millisecond, "heartbeat interval sent in Hello")
	verbose := fs.Bool("verbose", false, "also print every REST call and message")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *shards < 1 || *maxConc < 1 || *guilds < 0 || *members < 0 || *chatter < 0 {
		return usagef("--shards and --max-concurrency must be at least 1, --guilds, --members and --chatter not negative")
	}
	print := func(r discordtest.Record) {
		if !*verbose && (r.Kind == discordtest.KindREST || r.Kind == discordtest.KindMessage) {
			return
		}
		fmt.Fprintln(e.stdout, r)
	}
	srv, err := discordtest.Start(
		discordtest.WithAddr(*addr), discordtest.WithToken(*token), discordtest.WithShards(*shards),
		discordtest.WithMaxConcurrency(*maxConc), discordtest.WithGuilds(*guilds, *members),
		discordtest.WithHeartbeatInterval(*heartbeat), discordtest.WithObserver(print))
	if err != nil {
		return err
	}
	defer srv.Close()
	fmt.Fprintf(e.stdout, "fake Discord running\n  REST:    %s\n  gateway: %s\n  token:   %s\n", srv.APIURL, srv.GatewayURL, srv.Token)
	fmt.Fprintf(e.stdout, "try: DISCORD_TOKEN=%s DISCORD_API=%s wirecord tail\n", srv.Token, srv.APIURL)
	stop := srv.StartChatter(*chatter)
	defer stop()
	<-ctx.Done()
	fmt.Fprintln(e.stdout, "fake Discord stopped")
	return nil
}
