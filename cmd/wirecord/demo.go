package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wirecord/wirecord/discord"
	"github.com/wirecord/wirecord/discordtest"
	"github.com/wirecord/wirecord/gateway"
	"github.com/wirecord/wirecord/rest"
	"github.com/wirecord/wirecord/shard"
)

// shardStats are the demo's counters for one shard.
type shardStats struct {
	events, messages, pongs, resumes, reconnects, restarts atomic.Int64
}

func runDemo(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "demo", "demo [--shards N] [--guilds G] [--chatter RATE] [--for DURATION] [--chaos]")
	shards := fs.Int("shards", 4, "shards to run")
	guilds := fs.Int("guilds", 8, "guilds in the fake Discord")
	members := fs.Int("members", 12, "simulated members per guild")
	chatter := fs.Float64("chatter", 4, "messages per second from simulated users")
	runFor := fs.Duration("for", 0, "stop after this long (default: until Ctrl-C)")
	chaos := fs.Bool("chaos", false, "inject a fault every few seconds (op 7, op 9, drops, zombies, close codes) and watch it heal")
	heartbeat := fs.Duration("heartbeat", 5*time.Second, "heartbeat interval of the fake Discord")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *shards < 1 || *guilds < 1 || *members < 1 || *chatter < 0 || *runFor < 0 {
		return usagef("--shards, --guilds and --members must be at least 1; --chatter and --for not negative")
	}
	if *runFor > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, *runFor)
		defer cancel()
	}

	// The engine lets heartbeats take at most half of the send budget, so
	// a demo with sub-second heartbeats raises the budget on both sides.
	sendLimit := gateway.DefaultSendLimit
	if *heartbeat > 0 {
		sendLimit = max(sendLimit, int(4*time.Minute / *heartbeat))
	}
	srv, err := discordtest.Start(
		discordtest.WithShards(*shards), discordtest.WithMaxConcurrency(*shards),
		discordtest.WithGuilds(*guilds, *members), discordtest.WithHeartbeatInterval(*heartbeat),
		discordtest.WithSendLimit(sendLimit, time.Minute))
	if err != nil {
		return err
	}
	defer srv.Close()

	out := newConsole(e)
	out.logf("fake Discord at %s with %d guilds; starting %d shards", srv.APIURL, *guilds, *shards)
	restc := rest.New(srv.Token, rest.WithBaseURL(srv.APIURL))
	m, err := shard.NewManager(shard.ManagerConfig{
		Token:   discord.NewToken(srv.Token),
		Intents: discord.IntentGuilds | discord.IntentGuildMessages | discord.IntentMessageContent,
		REST:    restc,
		Logger:  e.logger(),
		Gateway: gateway.Config{SendLimit: sendLimit, SendWindow: time.Minute},
	})
	if err != nil {
		return err
	}
	stats := make([]shardStats, *shards)
	channelNames := map[discord.ChannelID]string{}
	for _, g := range srv.Guilds() {
		for _, c := range srv.Channels(g.ID) {
			channelNames[c.ID] = g.Name + "#" + c.Name
		}
	}
	m.OnDispatch("", func(ctx context.Context, d *shard.Dispatch) {
		stats[d.ShardID].events.Add(1)
	})
	shard.On(m, func(ctx context.Context, msg *discord.MessageCreate) {
		s, _ := shard.FromContext(ctx)
		stats[s.ID()].messages.Add(1)
		out.logf("[shard %d] %s %s: %s", s.ID(), channelNames[msg.ChannelID], displayName(msg.Author), msg.Content)
		if msg.Author.Bot || strings.TrimSpace(msg.Content) != "ping" {
			return
		}
		if _, err := restc.SendMessage(ctx, msg.ChannelID, "pong"); err != nil {
			out.logf("[shard %d] could not answer: %v", s.ID(), err)
			return
		}
		stats[s.ID()].pongs.Add(1)
	})
	m.OnEvent(func(ctx context.Context, ev shard.Event) {
		switch ev := ev.(type) {
		case *shard.Ready:
			out.logf("[shard %d] ready (session %.8s…)", ev.ShardID, ev.SessionID)
		case *shard.Resumed:
			stats[ev.ShardID].resumes.Add(1)
			out.logf("[shard %d] resumed; %d missed events replayed", ev.ShardID, ev.Replayed)
		case *shard.Reconnecting:
			stats[ev.ShardID].reconnects.Add(1)
			out.logf("[shard %d] reconnecting to %s in %v: %v", ev.ShardID, ev.Action, ev.Wait.Round(time.Millisecond), reasonText(ev.Err))
		case *shard.SessionRestarted:
			stats[ev.ShardID].restarts.Add(1)
			out.logf("[shard %d] session restarted: events after seq %d of the old session may be missing", ev.ShardID, ev.MissedAfter)
		case *shard.Stopped:
			if ev.Err != nil {
				out.logf("[shard %d] stopped: %v", ev.ShardID, ev.Err)
			}
		}
	})
	if err := m.Start(ctx); err != nil {
		return err
	}
	stopChatter := srv.StartChatter(*chatter)
	var wg sync.WaitGroup
	if *chaos {
		wg.Add(1)
		go func() { defer wg.Done(); runChaos(ctx, srv, out) }()
	}

	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	plainEvery := 5
	var fatal error
loop:
	for i := 0; ; i++ {
		select {
		case <-ctx.Done():
			break loop
		case err := <-m.Fatal():
			fatal = err
			break loop
		case <-tick.C:
			if e.isTerminal || i%plainEvery == plainEvery-1 {
				out.status(statusLines(m, stats))
			}
		}
	}
	stopChatter()
	wg.Wait()
	out.finish()
	cctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	closeErr := m.Close(cctx, gateway.CloseEndSession)
	printSummary(e, srv, stats)
	if fatal != nil {
		return explain(fatal)
	}
	if closeErr != nil {
		return fmt.Errorf("closing the shards: %w", closeErr)
	}
	return nil
}

func reasonText(err error) string {
	switch {
	case err == nil:
		return "closed"
	case errors.Is(err, gateway.ErrZombie):
		return "heartbeat not acknowledged (zombie)"
	case errors.Is(err, gateway.ErrConnectionLost):
		return "connection dropped"
	}
	return err.Error()
}

func statusLines(m *shard.Manager, stats []shardStats) []string {
	var lines []string
	for _, s := range m.Shards() {
		st := &stats[s.ID()]
		lat := "-"
		if l := s.Latency(); l > 0 {
			lat = l.Round(10 * time.Microsecond).String()
		}
		lines = append(lines, fmt.Sprintf("shard %-2d %-12s latency %-9s events %-6d messages %-5d pongs %-4d resumes %d",
			s.ID(), s.State(), lat, st.events.Load(), st.messages.Load(), st.pongs.Load(), st.resumes.Load()))
	}
	return lines
}

func printSummary(e *env, srv *discordtest.Server, stats []shardStats) {
	identifies := map[int]int{}
	for _, id := range srv.Identifies() {
		if id.Accepted {
			identifies[id.ShardID]++
		}
	}
	fmt.Fprintln(e.stdout, "\nsummary")
	var total int64
	for i := range stats {
		st := &stats[i]
		total += st.events.Load()
		fmt.Fprintf(e.stdout, "  shard %-2d events %-6d messages %-5d pongs %-4d identifies %d  resumes %d  reconnects %d\n",
			i, st.events.Load(), st.messages.Load(), st.pongs.Load(), identifies[i], st.resumes.Load(), st.reconnects.Load())
	}
	fmt.Fprintf(e.stdout, "  %d events in all; %d rule violations recorded by the fake Discord\n", total, len(srv.Violations()))
	for _, v := range srv.Violations() {
		fmt.Fprintf(e.stdout, "    violation: %s (%s)\n", v.Rule, v.Detail)
	}
}

// runChaos injects a fault on a random connection every few seconds.
func runChaos(ctx context.Context, srv *discordtest.Server, out *console) {
	faults := []struct {
		name string
		do   func(c *discordtest.Conn)
	}{
		{"op 7 reconnect", func(c *discordtest.Conn) { c.SendReconnect() }},
		{"op 9 invalid session (resumable)", func(c *discordtest.Conn) { c.SendInvalidSession(true) }},
		{"TCP drop without close frame", func(c *discordtest.Conn) { c.Drop() }},
		{"close 4000", func(c *discordtest.Conn) { c.CloseWith(discord.CloseUnknownError, "chaos") }},
		{"heartbeat ACKs stopped (zombie)", func(c *discordtest.Conn) { c.SetAckHeartbeats(false) }},
		{"op 1 heartbeat request", func(c *discordtest.Conn) { c.RequestHeartbeat() }},
	}
	t := time.NewTicker(4 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		conns := srv.Conns()
		if len(conns) == 0 {
			continue
		}
		c := conns[rand.IntN(len(conns))]
		f := faults[rand.IntN(len(faults))]
		out.logf("chaos: %s on shard %d", f.name, c.Shard())
		f.do(c)
	}
}

// console writes log lines, with a status block below them that is
// redrawn in place on a terminal and printed as plain lines otherwise.
type console struct {
	e      *env
	mu     sync.Mutex
	drawn  int      // status lines on screen, to erase before writing
	lines  []string // the status block
	closed bool
}

func newConsole(e *env) *console { return &console{e: e} }

func (c *console) logf(format string, args ...any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.erase()
	fmt.Fprintf(c.e.stdout, "%s "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
	c.redraw()
}

func (c *console) status(lines []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return
	}
	if !c.e.isTerminal {
		for _, l := range lines {
			fmt.Fprintln(c.e.stdout, l)
		}
		return
	}
	c.erase()
	c.lines = lines
	c.redraw()
}

func (c *console) erase() {
	if c.e.isTerminal && c.drawn > 0 {
		fmt.Fprintf(c.e.stdout, "\x1b[%dA\x1b[J", c.drawn)
		c.drawn = 0
	}
}

func (c *console) redraw() {
	if !c.e.isTerminal || c.closed {
		return
	}
	for _, l := range c.lines {
		fmt.Fprintln(c.e.stdout, l)
	}
	c.drawn = len(c.lines)
}

// finish leaves the last status on screen and stops redrawing.
func (c *console) finish() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	c.drawn = 0
}
