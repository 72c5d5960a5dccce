package shard_test

import (
	"bytes"
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/wirecord/wirecord/discord"
	"github.com/wirecord/wirecord/discordtest"
	"github.com/wirecord/wirecord/gateway"
	"github.com/wirecord/wirecord/shard"
)

// sharedText is the content of the i-th message of a run: lengths from a
// few bytes to a few hundred, ASCII and not, some with escapes (those are
// copies), so that consecutive events differ where a reused buffer would
// show through.
func sharedText(round string, i int) string {
	body := strings.Repeat(string(rune('a'+i%26)), 1+(i*37)%400)
	switch i % 5 {
	case 1:
		body = "héllo ✓ " + body
	case 2:
		body = `quote " and \ backslash ` + body
	case 3:
		body = strings.ToUpper(body)
	}
	return fmt.Sprintf("%s #%d %s", round, i, body)
}

// keptEvent is what a handler kept of one event, and what it looked like
// when the handler ran.
type keptEvent struct {
	e        *discord.MessageCreate
	content  string // clones, taken in the handler
	username string
	channel  string
}

type keptRaw struct {
	d    *shard.Dispatch
	data []byte // a clone of d.Data taken in the handler
}

// Typed events' strings point into Dispatch.Data (events up to 16 KiB):
// that holds only if no byte of Data is ever written after the engine made
// it, and if Data is never a slice of a buffer that is reused (a read
// buffer, a decompressor's scratch, a pooled transcode buffer). A bot
// keeps e.Content and the event's Data while hundreds of later events
// arrive, across every encoding and compression, two shards decoding at
// once, a dropped connection (decoders reset, events replayed on resume)
// and events past 16 KiB: every kept string and every kept Data still
// holds what it held in the handler, and what was sent.
func TestKeptTypedStringsAndDataHoldTheirTextAsLaterEventsArrive(t *testing.T) {
	if testing.Short() {
		t.Skip("six connections' worth of traffic")
	}
	for _, enc := range []gateway.Encoding{gateway.EncodingJSON, gateway.EncodingETF} {
		for _, comp := range []gateway.Compression{gateway.CompressNone, gateway.CompressZlib, gateway.CompressZstd} {
			t.Run(string(enc)+"/"+string(comp), func(t *testing.T) {
				keptStringsAcrossEvents(t, enc, comp)
			})
		}
	}
}

func keptStringsAcrossEvents(t *testing.T, enc gateway.Encoding, comp gateway.Compression) {
	const perRound = 150
	s := startFake(t, discordtest.WithShards(2), discordtest.WithMaxConcurrency(2), discordtest.WithGuilds(4, 2),
		discordtest.WithSendLimit(1000, 60e9))
	cfg := managerConfig(s)
	cfg.Gateway = gateway.Config{Encoding: enc, Compression: comp}
	cfg.HandlerConcurrency = 2
	m := newManager(t, cfg)

	var mu sync.Mutex
	var typed []keptEvent
	var raw []keptRaw
	resumed := make(chan struct{}, 16)
	changed := make(chan struct{}, 1)
	shard.On(m, func(ctx context.Context, e *discord.MessageCreate) {
		mu.Lock()
		typed = append(typed, keptEvent{e: e, content: strings.Clone(e.Content),
			username: strings.Clone(e.Author.Username), channel: e.ChannelID.String()})
		mu.Unlock()
	})
	m.OnDispatch(discord.EventMessageCreate, func(ctx context.Context, d *shard.Dispatch) {
		mu.Lock()
		raw = append(raw, keptRaw{d: d, data: bytes.Clone(d.Data)})
		mu.Unlock()
		select {
		case changed <- struct{}{}:
		default:
		}
	})
	m.OnEvent(func(ctx context.Context, ev shard.Event) {
		if _, ok := ev.(*shard.Resumed); ok {
			resumed <- struct{}{}
		}
	})
	ctx := within(t, 60e9)
	startReady(t, ctx, m)

	sent := map[discord.MessageID]string{}
	say := func(round string) {
		guilds := s.Guilds()
		for i := range perRound {
			g := guilds[i%len(guilds)].ID
			msg, err := s.Say(s.Channels(g)[0].ID, s.Members(g)[1].User.ID, sharedText(round, i))
			if err != nil {
				t.Fatal(err)
			}
			sent[msg.ID] = msg.Content
		}
	}
	waitAll := func(what string) {
		t.Helper()
		for {
			mu.Lock()
			n := len(raw) // every event reaches OnDispatch, decoded or not
			mu.Unlock()
			if n >= len(sent) {
				return
			}
			select {
			case <-changed:
			case <-ctx.Done():
				t.Fatalf("waiting for %s: %d of %d messages delivered", what, n, len(sent))
			}
		}
	}

	say("first")
	waitAll("the first round")
	// Drop both connections while a round is said: the shards resume,
	// their decoders start again, and the fake replays what they missed.
	for _, c := range s.Conns() {
		c.Drop()
	}
	say("while dropped")
	for range 2 {
		select {
		case <-resumed:
		case <-ctx.Done():
			t.Fatal("waiting for both shards to resume")
		}
	}
	waitAll("the replayed round")
	// Events past the shared bound, in among small ones.
	for i, c := range s.Conns() {
		id := discord.MessageID(1<<40 + i)
		big := fmt.Sprintf("big %d %s", i, strings.Repeat("0123456789", 2<<10))
		sent[id] = big
		c.SendEvent(discord.EventMessageCreate, map[string]any{"id": id.String(), "channel_id": "1",
			"content": big, "author": map[string]any{"id": "2", "username": "big"}})
	}
	say("last")
	waitAll("the last round")
	runtime.GC()
	runtime.GC()

	mu.Lock()
	defer mu.Unlock()
	bad := 0
	for _, k := range typed {
		want, ok := sent[k.e.ID]
		if !ok {
			t.Errorf("message %v was never sent", k.e.ID)
			continue
		}
		switch {
		case k.content != want:
			t.Errorf("message %v: the handler saw content %.40q, %.40q was sent", k.e.ID, k.content, want)
		case k.e.Content != k.content:
			bad++
			if bad <= 5 {
				t.Errorf("message %v: the kept Content changed after its handler ran: %.40q, was %.40q", k.e.ID, k.e.Content, k.content)
			}
		case k.e.Author.Username != k.username || k.e.ChannelID.String() != k.channel:
			bad++
			if bad <= 5 {
				t.Errorf("message %v: the kept author changed after its handler ran: %q, was %q", k.e.ID, k.e.Author.Username, k.username)
			}
		}
	}
	for _, r := range raw {
		if !bytes.Equal(r.d.Data, r.data) {
			bad++
			if bad <= 10 {
				t.Errorf("seq %d: the kept Data changed after its handlers ran", r.d.Seq)
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d kept values of %d events changed", bad, len(typed))
	}
	if len(typed) < len(sent) {
		t.Errorf("%d messages delivered typed, want %d", len(typed), len(sent))
	}
	for _, r := range raw {
		if r.d.Err != nil {
			t.Errorf("seq %d: %v", r.d.Seq, r.d.Err)
		}
	}
}
