package shard_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/wirecord/wirecord/discord"
	"github.com/wirecord/wirecord/discordtest"
	"github.com/wirecord/wirecord/gateway"
	"github.com/wirecord/wirecord/shard"
)

const hb = 300 * time.Millisecond

// fastFake is a fake Discord with short heartbeats, so zombies are found
// quickly, and a send limit to match.
func fastFake(t *testing.T, opts ...discordtest.Option) *discordtest.Server {
	return startFake(t, append([]discordtest.Option{
		discordtest.WithGuilds(1, 2), discordtest.WithHeartbeatInterval(hb),
		discordtest.WithSendLimit(1000, time.Minute),
	}, opts...)...)
}

func fastConfig(s *discordtest.Server) shard.ManagerConfig {
	cfg := managerConfig(s)
	cfg.Gateway.SendLimit, cfg.Gateway.SendWindow = 1000, time.Minute
	cfg.Gateway.BackoffMin = 20 * time.Millisecond
	cfg.Gateway.BackoffMax = 200 * time.Millisecond
	return cfg
}

func TestShardHealsEachFaultAndDeliversEveryEventOnce(t *testing.T) {
	for _, tc := range []struct {
		name string
		// newSession: the fault ends the session, so the shard must say
		// so and messages sent while it is away may be lost.
		newSession bool
		inject     func(c *discordtest.Conn)
	}{
		{"op 7 reconnect", false, func(c *discordtest.Conn) { c.SendReconnect() }},
		{"op 9 resumable", false, func(c *discordtest.Conn) { c.SendInvalidSession(true) }},
		{"op 9 not resumable", true, func(c *discordtest.Conn) { c.SendInvalidSession(false) }},
		{"zombie", false, func(c *discordtest.Conn) { c.SetAckHeartbeats(false) }},
		{"tcp drop", false, func(c *discordtest.Conn) { c.Drop() }},
		{"close 1001", false, func(c *discordtest.Conn) { c.CloseWith(1001, "going away") }},
		{"close 4000", false, func(c *discordtest.Conn) { c.CloseWith(4000, "") }},
		{"close 4001", false, func(c *discordtest.Conn) { c.CloseWith(4001, "") }},
		{"close 4002", false, func(c *discordtest.Conn) { c.CloseWith(4002, "") }},
		{"close 4003", false, func(c *discordtest.Conn) { c.CloseWith(4003, "") }},
		{"close 4005", false, func(c *discordtest.Conn) { c.CloseWith(4005, "") }},
		{"close 4007", true, func(c *discordtest.Conn) { c.CloseWith(4007, "") }},
		{"close 4008", false, func(c *discordtest.Conn) { c.CloseWith(4008, "") }},
		{"close 4009", true, func(c *discordtest.Conn) { c.CloseWith(4009, "") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := fastFake(t)
			m := newManager(t, fastConfig(s))
			c := newCollector(m)
			ctx := within(t, 30*time.Second)
			startReady(t, ctx, m)
			before := say(t, s, "before", 3)
			if err := c.waitMessages(ctx, before); err != nil {
				t.Fatal(err)
			}
			conn := s.ConnForShard(0)
			tc.inject(conn)
			select {
			case <-conn.Done():
			case <-ctx.Done():
				t.Fatal("the faulty connection never ended")
			}
			var during []discord.MessageID
			if !tc.newSession {
				// Said while the shard is away: a resume replays them.
				during = say(t, s, "during", 3)
			}
			// The first Ready, then a Resumed or the new session's Ready.
			want := 2
			if err := c.waitUntil(ctx, "back to ready", func() bool {
				n := 0
				for _, ev := range c.events {
					switch ev.(type) {
					case *shard.Ready, *shard.Resumed:
						n++
					}
				}
				return n >= want
			}); err != nil {
				t.Fatal(err)
			}
			after := say(t, s, "after", 3)
			if err := c.waitMessages(ctx, append(during, after...)); err != nil {
				t.Fatal(err)
			}
			c.exactlyOnce(t)
			c.gapFree(t)
			if tc.newSession {
				if c.count("SessionRestarted") != 1 {
					t.Errorf("%d SessionRestarted events, want 1: the user must be told", c.count("SessionRestarted"))
				}
			} else {
				if c.count("Resumed") != 1 || c.count("SessionRestarted") != 0 {
					t.Errorf("resumed %d, restarted %d; want a resume", c.count("Resumed"), c.count("SessionRestarted"))
				}
				if n := len(acceptedIdentifies(s)); n != 1 {
					t.Errorf("%d identifies, want 1: the session was resumable", n)
				}
			}
			if c.count("Reconnecting") < 1 {
				t.Error("no Reconnecting event")
			}
		})
	}
}

func acceptedIdentifies(s *discordtest.Server) []discordtest.IdentifyRecord {
	var out []discordtest.IdentifyRecord
	for _, id := range s.Identifies() {
		if id.Accepted {
			out = append(out, id)
		}
	}
	return out
}

func TestFatalCloseCodesStopWithTypedErrorAndNoRetry(t *testing.T) {
	for _, tc := range []struct {
		code   discord.CloseCode
		opts   []discordtest.Option
		config func(cfg *shard.ManagerConfig)
		inject bool // the fake closes with the code on an accepted session
	}{
		{discord.CloseAuthenticationFailed, nil, func(cfg *shard.ManagerConfig) { cfg.Token = discord.NewToken("not-the-token") }, false},
		{discord.CloseInvalidIntents, nil, func(cfg *shard.ManagerConfig) { cfg.Intents |= 1 << 18 }, false},
		{discord.CloseDisallowedIntents, []discordtest.Option{discordtest.WithPrivilegedIntents(0)}, nil, false},
		{discord.CloseShardingRequired, []discordtest.Option{discordtest.WithGuilds(3, 0), discordtest.WithMaxGuildsPerShard(2)}, nil, false},
		{discord.CloseInvalidShard, nil, nil, true},
		{discord.CloseInvalidAPIVersion, nil, nil, true},
	} {
		t.Run(tc.code.String(), func(t *testing.T) {
			t.Parallel()
			s := fastFake(t, tc.opts...)
			cfg := fastConfig(s)
			if tc.config != nil {
				tc.config(&cfg)
			}
			cfg.ShardCount = 1
			m := newManager(t, cfg)
			ctx := within(t, 20*time.Second)
			if tc.inject {
				m.OnEvent(func(ctx context.Context, ev shard.Event) {
					if _, ok := ev.(*shard.Ready); ok {
						s.ConnForShard(0).CloseWith(tc.code, "injected")
					}
				})
			}
			err := m.Run(ctx)
			var ce *gateway.CloseError
			if !errors.As(err, &ce) || ce.Code != tc.code {
				t.Fatalf("Run = %v, want *gateway.CloseError %d", err, tc.code)
			}
			if ctx.Err() != nil {
				t.Fatal("Run only returned at the deadline")
			}
			if n := len(s.AllConns()); n != 1 {
				t.Errorf("%d connections: a fatal close must not be retried", n)
			}
			sh := m.Shard(0)
			if sh == nil || sh.Err() == nil || !errors.As(sh.Err(), &ce) {
				t.Errorf("shard error %v", sh.Err())
			}
		})
	}
}

func TestSixteenShardsIdentifyByBucketWithoutViolations(t *testing.T) {
	if testing.Short() {
		t.Skip("takes 15 s of real identify windows")
	}
	s := startFake(t, discordtest.WithShards(16), discordtest.WithMaxConcurrency(4), discordtest.WithGuilds(32, 1))
	cfg := managerConfig(s)
	m := newManager(t, cfg)
	ctx := within(t, 60*time.Second)
	start := time.Now()
	startReady(t, ctx, m)
	took := time.Since(start)
	if m.ShardCount() != 16 {
		t.Errorf("shard count %d, want 16 from GET /gateway/bot", m.ShardCount())
	}
	if v := s.Violations(); len(v) != 0 {
		t.Fatalf("violations: %v", v)
	}
	// (16/4 - 1) x 5 s = 15 s, not 15 x 5 s.
	if took < 15*time.Second || took > 25*time.Second {
		t.Errorf("16 shards ready in %v, want about 15 s", took)
	}
	perBucket := map[int][]time.Time{}
	for _, id := range acceptedIdentifies(s) {
		perBucket[id.Bucket] = append(perBucket[id.Bucket], id.Time)
	}
	for b, times := range perBucket {
		if len(times) != 4 {
			t.Errorf("bucket %d: %d identifies, want 4", b, len(times))
		}
		for i := 1; i < len(times); i++ {
			if gap := times[i].Sub(times[i-1]); gap < 5*time.Second {
				t.Errorf("bucket %d: identifies %v apart", b, gap)
			}
		}
	}
}

func TestSlowHandlerCausesNoReconnect(t *testing.T) {
	s := fastFake(t)
	cfg := fastConfig(s)
	cfg.EventBuffer = 1 // the queue fills at once and reading pauses
	m := newManager(t, cfg)
	slept := make(chan struct{})
	first := true
	shard.On(m, func(ctx context.Context, e *discord.MessageCreate) {
		if first {
			first = false
			// Three heartbeat intervals in user code.
			time.Sleep(3 * hb)
			close(slept)
		}
	})
	c := newCollector(m)
	ctx := within(t, 30*time.Second)
	startReady(t, ctx, m)
	ids := say(t, s, "burst", 20)
	<-slept
	if err := c.waitMessages(ctx, ids); err != nil {
		t.Fatal(err)
	}
	c.exactlyOnce(t)
	if n := len(s.AllConns()); n != 1 {
		t.Errorf("%d connections: the slow handler caused a reconnect", n)
	}
	if v := s.Violations(); len(v) != 0 {
		t.Errorf("violations %v", v)
	}
	if c.count("Reconnecting") != 0 {
		t.Error("reconnected")
	}
}

func TestRescaleWhileUsersTalkDeliversEachMessageOnce(t *testing.T) {
	s := startFake(t, discordtest.WithShards(4), discordtest.WithMaxConcurrency(8),
		discordtest.WithGuilds(16, 2), discordtest.WithIdentifyInterval(500*time.Millisecond))
	cfg := managerConfig(s)
	cfg.Queue = shard.NewLocalQueue(8, shard.WithInterval(600*time.Millisecond))
	m := newManager(t, cfg)
	c := newCollector(m)
	ctx := within(t, 60*time.Second)
	startReady(t, ctx, m)
	stop := s.StartChatter(200)
	// Let traffic flow on the old set first.
	if err := c.waitUntil(ctx, "traffic", func() bool { return len(c.messages) >= 20 }); err != nil {
		t.Fatal(err)
	}
	if err := m.Rescale(ctx, 8); err != nil {
		t.Fatal(err)
	}
	if m.ShardCount() != 8 {
		t.Fatalf("shard count %d after rescale", m.ShardCount())
	}
	c.mu.Lock()
	seen := len(c.messages)
	c.mu.Unlock()
	if err := c.waitUntil(ctx, "traffic on the new set", func() bool { return len(c.messages) >= seen+20 }); err != nil {
		t.Fatal(err)
	}
	stop()
	var all []discord.MessageID
	for _, g := range s.Guilds() {
		for _, ch := range s.Channels(g.ID) {
			for _, msg := range s.Messages(ch.ID) {
				all = append(all, msg.ID)
			}
		}
	}
	if err := c.waitMessages(ctx, all); err != nil {
		c.mu.Lock()
		missing := 0
		for _, id := range all {
			if c.messages[id] == 0 {
				missing++
			}
		}
		c.mu.Unlock()
		t.Fatalf("%v (%d of %d messages never delivered)", err, missing, len(all))
	}
	c.exactlyOnce(t)
	if len(all) < 40 {
		t.Errorf("only %d messages were said", len(all))
	}
	if v := s.Violations(); len(v) != 0 {
		t.Errorf("violations %v", v)
	}
}

func TestExportedSessionResumesInAFreshManager(t *testing.T) {
	s := fastFake(t)
	cfg := fastConfig(s)
	cfg.ShardCount = 1
	a := newManager(t, cfg)
	ca := newCollector(a)
	ctx := within(t, 30*time.Second)
	if err := a.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if err := a.WaitReady(ctx); err != nil {
		t.Fatal(err)
	}
	first := say(t, s, "to a", 2)
	if err := ca.waitMessages(ctx, first); err != nil {
		t.Fatal(err)
	}
	if err := a.Close(ctx, gateway.CloseKeepSession); err != nil {
		t.Fatal(err)
	}
	sessions := a.Sessions()
	if len(sessions) != 1 {
		t.Fatalf("sessions %v", sessions)
	}
	// Said during the deploy, between the two processes.
	gap := say(t, s, "between", 2)

	cfg.Sessions = sessions
	b := newManager(t, cfg)
	cb := newCollector(b)
	if err := b.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer b.Close(context.Background(), gateway.CloseEndSession)
	if err := cb.waitMessages(ctx, gap); err != nil {
		t.Fatal(err)
	}
	if n := len(acceptedIdentifies(s)); n != 1 {
		t.Errorf("%d identifies, want 1: the new manager must resume", n)
	}
	if err := cb.waitUntil(ctx, "Resumed", func() bool { return len(cb.events) > 0 }); err != nil {
		t.Fatal(err)
	}
	if cb.count("Resumed") != 1 || cb.count("Ready") != 0 {
		t.Errorf("resumed %d times, ready %d times", cb.count("Resumed"), cb.count("Ready"))
	}
	cb.exactlyOnce(t)
}

func TestRequestGuildMembersReturnsEveryChunk(t *testing.T) {
	s := fastFake(t, discordtest.WithGuilds(1, 30))
	cfg := fastConfig(s)
	cfg.Intents |= discord.IntentGuildMembers
	m := newManager(t, cfg)
	ctx := within(t, 20*time.Second)
	startReady(t, ctx, m)
	g := s.Guilds()[0]
	q := ""
	res, err := m.ShardFor(g.ID).RequestGuildMembers(ctx, discord.RequestGuildMembers{GuildID: g.ID, Query: &q})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Members) != 31 || res.Chunks != 1 {
		t.Errorf("%d members in %d chunks, want 31", len(res.Members), res.Chunks)
	}
	// A second ask for all members within 30 s is RATE_LIMITED; the shard
	// waits retry_after and asks again, so a short context ends first.
	short, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
	defer cancel()
	if _, err := m.ShardFor(g.ID).RequestGuildMembers(short, discord.RequestGuildMembers{GuildID: g.ID, Query: &q}); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("rate-limited request: %v, want to wait past the context", err)
	}
	prefix := s.Members(g.ID)[1].User.Username[:2]
	res, err = m.ShardFor(g.ID).RequestGuildMembers(ctx, discord.RequestGuildMembers{GuildID: g.ID, Query: &prefix, Limit: 5})
	if err != nil || len(res.Members) == 0 || len(res.Members) > 5 {
		t.Errorf("prefix query: %v, %d members", err, len(res.Members))
	}
}

func TestTypedHandlersDecodeOnlyWhenSomeoneListens(t *testing.T) {
	s := fastFake(t)
	m := newManager(t, fastConfig(s))
	ctx := within(t, 20*time.Second)
	raw := make(chan *shard.Dispatch, 10)
	m.OnDispatch("BROKEN_EVENT", func(ctx context.Context, d *shard.Dispatch) { raw <- d })
	startReady(t, ctx, m)
	// An event with a payload that is no message: nobody asked for it
	// typed, so nothing tries to decode it and no error appears.
	s.ConnForShard(0).SendEvent("BROKEN_EVENT", map[string]any{"id": []int{1}})
	if d := <-raw; d.Err != nil {
		t.Errorf("raw dispatch err %v: it was decoded though nobody listened typed", d.Err)
	}
	// A MESSAGE_CREATE whose id is not a snowflake, with a typed handler:
	// the typed handler is skipped and raw handlers see the error.
	typed := make(chan struct{}, 1)
	shard.On(m, func(ctx context.Context, e *discord.MessageCreate) { typed <- struct{}{} })
	bad := make(chan *shard.Dispatch, 4)
	m.OnDispatch(discord.EventMessageCreate, func(ctx context.Context, d *shard.Dispatch) { bad <- d })
	s.ConnForShard(0).SendEvent(discord.EventMessageCreate, map[string]any{"id": []int{1}})
	d := <-bad
	if d.Err == nil {
		t.Error("no decode error on the raw dispatch")
	}
	select {
	case <-typed:
		t.Error("the typed handler ran on an undecodable event")
	default:
	}
	// And the connection goes on: the next good message is decoded.
	say(t, s, "still here", 1)
	select {
	case <-typed:
	case <-ctx.Done():
		t.Fatal("the next message never reached the typed handler")
	}
}

func TestWaitFor(t *testing.T) {
	s := fastFake(t)
	m := newManager(t, fastConfig(s))
	ctx := within(t, 20*time.Second)
	startReady(t, ctx, m)
	got := make(chan *discord.MessageCreate, 1)
	errc := make(chan error, 1)
	go func() {
		e, err := shard.WaitFor(ctx, m, func(e *discord.MessageCreate) bool { return e.Content == "needle 2" })
		got <- e
		errc <- err
	}()
	// WaitFor registers asynchronously; say until it has matched.
	for i := 0; ; i++ {
		say(t, s, "needle", 3)
		select {
		case e := <-got:
			if err := <-errc; err != nil || e.Content != "needle 2" {
				t.Fatalf("WaitFor = %v, %v", e, err)
			}
			return
		case <-time.After(100 * time.Millisecond):
			if i > 50 {
				t.Fatal("WaitFor never matched")
			}
		}
	}
}

func TestCommandsWaitForReadyAndRespectContext(t *testing.T) {
	s := fastFake(t)
	s.SetReadyDelay(300 * time.Millisecond)
	m := newManager(t, fastConfig(s))
	ctx := within(t, 20*time.Second)
	if err := m.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer m.Close(context.Background(), gateway.CloseEndSession)
	sh := m.Shard(0)
	// Sent before READY: it waits, then goes out.
	if err := sh.UpdatePresence(ctx, discord.UpdatePresence{Status: discord.StatusIdle}); err != nil {
		t.Fatalf("presence: %v", err)
	}
	if sh.State() != gateway.StateReady {
		t.Errorf("state %v after a command went out", sh.State())
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := sh.UpdatePresence(cancelled, discord.UpdatePresence{Status: discord.StatusDND}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: %v", err)
	}
	var tooBig *gateway.PayloadTooLargeError
	ids := make([]discord.GuildID, 300)
	for i := range ids {
		ids[i] = discord.GuildID(1234567890123456789 + i)
	}
	if _, err := sh.RequestSoundboardSounds(ctx, ids...); !errors.As(err, &tooBig) {
		t.Errorf("oversized command: %v", err)
	}
	res, err := sh.RequestSoundboardSounds(ctx, s.Guilds()[0].ID)
	if err != nil || len(res) != 1 {
		t.Errorf("soundboard: %v %v", res, err)
	}
}
