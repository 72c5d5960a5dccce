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
	control := fs.Bool("control", true, "serve the control surface under /_fake/ (see below)")
	usage := fs.Usage
	fs.Usage = func() {
		usage()
		fmt.Fprint(e.stderr, fakeControlHelp)
	}
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
		discordtest.WithHeartbeatInterval(*heartbeat), discordtest.WithObserver(print),
		discordtest.WithControl(*control))
	if err != nil {
		return err
	}
	defer srv.Close()
	fmt.Fprintf(e.stdout, "fake Discord running\n  REST:    %s\n  gateway: %s\n  token:   %s\n", srv.APIURL, srv.GatewayURL, srv.Token)
	if *control {
		fmt.Fprintf(e.stdout, "  control: %s/_fake/ (record, faults: see wirecord fake --help)\n", srv.URL)
	}
	fmt.Fprintf(e.stdout, "try: DISCORD_TOKEN=%s DISCORD_API=%s wirecord tail\n", srv.Token, srv.APIURL)
	stop := srv.StartChatter(*chatter)
	defer stop()
	<-ctx.Done()
	fmt.Fprintln(e.stdout, "fake Discord stopped")
	return nil
}

// fakeControlHelp documents the fake's HTTP control surface for --help.
const fakeControlHelp = `
Control surface (on unless --control=false), on the same address as REST,
under /_fake/ (never under Discord's /api/):

  GET  /_fake/record[?since=N][&follow=1]
       Everything the fake recorded, one JSON object a line:
       {"seq":1,"time":"...","kind":"identified","conn":1,"shard":0,"detail":"..."}
       kind is connected, identified, resumed, disconnected, violation,
       fault, rest or message (a message created). since=N gives only
       lines with seq > N (poll with the last seq you saw); follow=1
       keeps the response open and streams new lines as they happen.

  POST /_fake/faults/{shard}/{kind}    inject a fault on the shard's open connection
       reconnect                       op 7: the client should resume
       invalid-session[?resumable=B]   op 9 with d=B (default false: the session ends)
       drop                            close TCP without a close frame
       close?code=N                    close frame with code N (1000-4999)
       200 {"shard":S,"conn":C,"fault":K} when sent; 400 {"error":...} for a
       bad shard, kind or parameter; 404 {"error":...} when the shard has no
       open connection.

Example:
  curl -s 'http://127.0.0.1:8765/_fake/record?follow=1'
  curl -s -X POST 'http://127.0.0.1:8765/_fake/faults/0/close?code=4000'
`
