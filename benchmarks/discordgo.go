package main

import (
	"context"
	"sync"

	"github.com/bwmarrin/discordgo"

	"github.com/wirecord/wirecord/gateway"
	"github.com/wirecord/wirecord/internal/benchload"
)

// noCompression is for clients that speak no transport compression.
var noCompression = []gateway.Compression{gateway.CompressNone}

// discordgoClient is github.com/bwmarrin/discordgo as its README shows it:
// a Session per shard with typed handlers, its state cache at its default
// (on). It speaks no transport compression (it asks for per-payload zlib,
// which the stream does not use).
var discordgoClient = benchload.Client{Name: "discordgo", Compressions: noCompression, Run: runDiscordgo}

// discordgo reads its REST endpoints from package variables.
var discordgoEndpoints sync.Mutex

func runDiscordgo(ctx context.Context, s *benchload.Session) error {
	discordgoEndpoints.Lock()
	discordgo.EndpointGateway = s.APIURL + "/gateway"
	discordgo.EndpointGatewayBot = s.APIURL + "/gateway/bot"
	discordgoEndpoints.Unlock()
	sessions := make([]*discordgo.Session, 0, s.Shards)
	defer func() {
		// One at a time, 64 sessions take longer to close than a run
		// waits.
		var wg sync.WaitGroup
		for _, dg := range sessions {
			wg.Add(1)
			go func() { defer wg.Done(); dg.Close() }()
		}
		wg.Wait()
	}()
	for id := range s.Shards {
		dg, err := discordgo.New("Bot " + s.Token)
		if err != nil {
			return err
		}
		dg.ShardID, dg.ShardCount = id, s.Shards
		dg.Identify.Intents = discordgo.IntentsGuilds | discordgo.IntentsGuildMessages | discordgo.IntentMessageContent
		dg.ShouldReconnectOnError = false
		dg.AddHandler(func(_ *discordgo.Session, e *discordgo.Ready) { s.ShardReady() })
		dg.AddHandler(func(_ *discordgo.Session, e *discordgo.MessageCreate) { s.Deliver(e.Content) })
		dg.AddHandler(func(_ *discordgo.Session, e *discordgo.GuildCreate) { s.Deliver(e.Name) })
		if err := dg.Open(); err != nil {
			return err
		}
		sessions = append(sessions, dg)
	}
	<-ctx.Done()
	return nil
}
