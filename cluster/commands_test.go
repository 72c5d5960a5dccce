package cluster

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/wirecord/wirecord/discord"
	"github.com/wirecord/wirecord/discordtest"
	"github.com/wirecord/wirecord/gateway"
	"github.com/wirecord/wirecord/shard"
)

// inbound counts the frames of opcode op the fake received on shardID's
// current connection.
func inbound(srv *discordtest.Server, shardID int, op discord.Opcode) int {
	c := srv.ConnForShard(shardID)
	if c == nil {
		return 0
	}
	n := 0
	for _, f := range c.Transcript() {
		if !f.Out && f.Op == op {
			n++
		}
	}
	return n
}

func newCommander(t *testing.T, tc *TestCluster, cfg CommanderConfig) *Commander {
	t.Helper()
	nc, err := tc.Connect()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	cfg.NATS = nc
	c, err := NewCommander(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCommandsByGuildAreSentOnTheShardThatServesTheGuild(t *testing.T) {
	const shards = 4
	tc := startCluster(t, 1)
	srv := newFake(shards)
	t.Cleanup(srv.Close)
	a := startNode(t, tc, srv, "a", shards)
	b := startNode(t, tc, srv, "b", shards)
	eventually(t, 20*time.Second, "4 shards over 2 nodes", func() bool { return balanced(shards, a, b) })
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	if _, err := srv.WaitKind(ctx, discordtest.KindIdentified, shards); err != nil {
		t.Fatal(err)
	}
	// The shard count is learnt from the nodes.
	cmd := newCommander(t, tc, CommanderConfig{})

	for _, g := range srv.Guilds()[:shards] {
		want := int((uint64(g.ID) >> 22) % shards)
		got, err := cmd.ShardFor(ctx, g.ID)
		if err != nil || got != want {
			t.Fatalf("ShardFor(%d) = %d, %v; want %d", g.ID, got, err, want)
		}
		before := map[int]int{}
		for id := range shards {
			before[id] = inbound(srv, id, discord.OpPresenceUpdate) + inbound(srv, id, discord.OpVoiceStateUpdate)
		}
		if err := cmd.UpdatePresence(ctx, g.ID, discord.UpdatePresence{Status: discord.StatusIdle}); err != nil {
			t.Fatalf("UpdatePresence for guild %d: %v", g.ID, err)
		}
		ch := srv.Channels(g.ID)[0]
		if err := cmd.UpdateVoiceState(ctx, discord.UpdateVoiceState{GuildID: g.ID, ChannelID: ch.ID}); err != nil {
			t.Fatalf("UpdateVoiceState for guild %d: %v", g.ID, err)
		}
		// Both went out on the guild's shard, and on no other. Send
		// returns once the command is written: the fake may not have
		// read it yet.
		eventually(t, 5*time.Second, "the fake reads both commands", func() bool {
			return inbound(srv, want, discord.OpPresenceUpdate)+inbound(srv, want, discord.OpVoiceStateUpdate)-before[want] >= 2
		})
		for id := range shards {
			sent := inbound(srv, id, discord.OpPresenceUpdate) + inbound(srv, id, discord.OpVoiceStateUpdate) - before[id]
			if id == want && sent != 2 {
				t.Errorf("guild %d: shard %d sent %d of the 2 commands", g.ID, id, sent)
			}
			if id != want && sent != 0 {
				t.Errorf("guild %d: shard %d (not the guild's) sent %d commands", g.ID, id, sent)
			}
		}
		// A member request comes back whole.
		m := srv.Members(g.ID)[1]
		res, err := cmd.RequestGuildMembers(ctx, discord.RequestGuildMembers{GuildID: g.ID, UserIDs: []discord.UserID{m.User.ID, 1}})
		if err != nil {
			t.Fatalf("RequestGuildMembers for guild %d: %v", g.ID, err)
		}
		if res.GuildID != g.ID || len(res.Members) != 1 || res.Members[0].User.ID != m.User.ID ||
			len(res.NotFound) != 1 || res.NotFound[0] != 1 {
			t.Errorf("members of guild %d: %+v, want member %d found and user 1 not", g.ID, res, m.User.ID)
		}
		if inbound(srv, want, discord.OpRequestGuildMembers) == 0 {
			t.Errorf("guild %d: the member request did not go out on shard %d", g.ID, want)
		}
	}
	if err := cmd.UpdatePresenceEverywhere(ctx, discord.UpdatePresence{Status: discord.StatusOnline}); err != nil {
		t.Fatal(err)
	}
	eventually(t, 5*time.Second, "every shard sent a presence", func() bool {
		for id := range shards {
			if inbound(srv, id, discord.OpPresenceUpdate) == 0 {
				return false
			}
		}
		return true
	})
	for _, v := range srv.Violations() {
		t.Errorf("violation: %s shard %d: %s", v.Rule, v.Shard, v.Detail)
	}
}

func TestACommandNoLiveNodeCanSendFailsWithNoOwnerError(t *testing.T) {
	tc := startCluster(t, 1)
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	presence := discord.UpdatePresence{Status: discord.StatusOnline}

	// No node ever ran: there is no bucket to learn the shard count from.
	cmd := newCommander(t, tc, CommanderConfig{})
	if err := cmd.UpdatePresence(ctx, 1, presence); !errors.Is(err, ErrNoOwner) {
		t.Errorf("with no node ever run: %v, want ErrNoOwner", err)
	}

	// A node ran and left: no lease, so the answer is at once.
	srv := newFake(2)
	t.Cleanup(srv.Close)
	a := startNode(t, tc, srv, "a", 2)
	eventually(t, 20*time.Second, "node a owns both shards", func() bool { return balanced(2, a) })
	a.stop()
	cmd = newCommander(t, tc, CommanderConfig{ShardCount: 2})
	began := time.Now()
	err := cmd.UpdatePresence(ctx, 1, presence)
	var noOwner *NoOwnerError
	if !errors.As(err, &noOwner) || noOwner.Node != "" || noOwner.ShardID != 0 || noOwner.GuildID != 1 {
		t.Errorf("with no lease: %v, want a NoOwnerError for shard 0, guild 1, no node", err)
	}
	if took := time.Since(began); took > 2*time.Second {
		t.Errorf("with no lease the error took %v: it should not wait", took)
	}

	// A lease held by a node that does not answer (dead, lease not yet
	// expired): the command waits for an owner until its deadline.
	val, _ := json.Marshal(lease{Node: "ghost", Acquired: time.Now(), Renewed: time.Now()})
	if _, err := a.leases.Put(ctx, leaseKey(0), val); err != nil {
		t.Fatal(err)
	}
	short, cancelShort := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancelShort()
	err = cmd.UpdatePresence(short, 1, presence)
	if !errors.As(err, &noOwner) || noOwner.Node != "ghost" || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("with a dead holder: %v, want a NoOwnerError naming ghost and the deadline", err)
	}
}

func TestAnInvalidCommandFailsBeforeItIsSent(t *testing.T) {
	tc := startCluster(t, 1)
	cmd := newCommander(t, tc, CommanderConfig{ShardCount: 2})
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	for name, call := range map[string]func() error{
		"voice without a guild": func() error { return cmd.UpdateVoiceState(ctx, discord.UpdateVoiceState{}) },
		"members without a query or user ids": func() error {
			_, err := cmd.RequestGuildMembers(ctx, discord.RequestGuildMembers{GuildID: 1})
			return err
		},
	} {
		if err := call(); !errors.Is(err, discord.ErrInvalidCommand) {
			t.Errorf("%s: %v, want discord.ErrInvalidCommand", name, err)
		}
	}
	if _, err := NewCommander(CommanderConfig{}); err == nil {
		t.Error("NewCommander without NATS: no error")
	}
}

// A command whose context has ended already asks nobody: it fails at once
// with the context's error, and does not name the lease's holder as
// perhaps dead (it was never asked), whether the context was cancelled or
// its deadline had passed.
func TestACommandWithAnEndedContextFailsWithItsErrorAndBlamesNoNode(t *testing.T) {
	tc := startCluster(t, 1)
	nd := openNode(t, tc, 2)
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	val, _ := json.Marshal(lease{Node: "a", Acquired: time.Now(), Renewed: time.Now()})
	if _, err := nd.leases.Put(ctx, leaseKey(0), val); err != nil {
		t.Fatal(err)
	}
	cmd := newCommander(t, tc, CommanderConfig{ShardCount: 2})
	cancelled, cancelNow := context.WithCancel(ctx)
	cancelNow()
	expired, cancelExpired := context.WithDeadline(ctx, time.Now().Add(-time.Second))
	defer cancelExpired()
	for _, tc := range []struct {
		name string
		ctx  context.Context
		want error
	}{
		{"cancelled", cancelled, context.Canceled},
		{"past its deadline", expired, context.DeadlineExceeded},
	} {
		err := cmd.UpdatePresence(tc.ctx, 1, discord.UpdatePresence{Status: discord.StatusOnline})
		if !errors.Is(err, tc.want) || errors.Is(err, ErrNoOwner) {
			t.Errorf("%s: %v, want %v and no NoOwnerError", tc.name, err, tc.want)
		}
	}
}

// A command whose deadline is less than a millisecond away tells the node
// so: the node may take at most what the caller has left, rounded up to
// the millisecond the request counts in. A timeout of 0 is "none given"
// to the node, which then works on the command for DefaultCommandTimeout
// (and may send it to Discord) long after the caller was told it failed.
func TestACommandWithUnderAMillisecondLeftGivesTheNodeNoMoreTime(t *testing.T) {
	tc := startCluster(t, 1)
	nd := openNode(t, tc, 1)
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	val, _ := json.Marshal(lease{Node: "a", Acquired: time.Now(), Renewed: time.Now()})
	if _, err := nd.leases.Put(ctx, leaseKey(0), val); err != nil {
		t.Fatal(err)
	}
	// The holder: it records what each request allows it, and never
	// answers (the caller's deadline passes first).
	got := make(chan int64, 1000)
	sub, err := nd.cfg.NATS.Subscribe(nd.n.command(0), func(m *nats.Msg) {
		var req commandRequest
		if json.Unmarshal(m.Data, &req) == nil {
			got <- req.Timeout
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Unsubscribe()
	if err := nd.cfg.NATS.Flush(); err != nil {
		t.Fatal(err)
	}
	cmd := newCommander(t, tc, CommanderConfig{ShardCount: 1})
	// Warm the commander's NATS connection up (its reply subscription).
	warm, cancelWarm := context.WithTimeout(ctx, 200*time.Millisecond)
	cmd.UpdatePresence(warm, 0, discord.UpdatePresence{Status: discord.StatusOnline})
	cancelWarm()
	<-got

	delivered := 0
	for try := 0; try < 300 && delivered < 5; try++ {
		c, cancelTry := context.WithTimeout(ctx, 900*time.Microsecond)
		err := cmd.UpdatePresence(c, 0, discord.UpdatePresence{Status: discord.StatusOnline})
		cancelTry()
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("try %d: %v, want the context's deadline", try, err)
		}
		// What reached the holder of this try arrives before the next.
		nd.cfg.NATS.Flush()
	drain:
		for {
			select {
			case ms := <-got:
				delivered++
				if ms < 1 || ms > 1 {
					t.Errorf("try %d: the node was allowed timeout_ms=%d for a caller with under 1 ms left (0 is read as DefaultCommandTimeout, %v)",
						try, ms, DefaultCommandTimeout)
				}
			default:
				break drain
			}
		}
	}
	if delivered == 0 {
		t.Fatal("no request with under a millisecond left reached the holder in 300 tries")
	}
	t.Logf("%d requests reached the holder", delivered)
}

// A caller whose context ends while the command waits for its moving
// shard (the holder answered "stopped": try again) gets its context's
// error, as it does at every other point of the wait.
func TestACommandCancelledWhileItsShardMovesFailsWithTheContextsError(t *testing.T) {
	tc := startCluster(t, 1)
	nd := openNode(t, tc, 1)
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	val, _ := json.Marshal(lease{Node: "a", Acquired: time.Now(), Renewed: time.Now()})
	if _, err := nd.leases.Put(ctx, leaseKey(0), val); err != nil {
		t.Fatal(err)
	}
	cmd := newCommander(t, tc, CommanderConfig{ShardCount: 1})
	for _, row := range []struct {
		name string
		want error
	}{
		{"cancelled", context.Canceled},
		{"past its deadline", context.DeadlineExceeded},
	} {
		t.Run(row.name, func(t *testing.T) {
			var c context.Context
			var stop context.CancelFunc
			if row.want == context.Canceled {
				c, stop = context.WithCancel(ctx)
			} else {
				c, stop = context.WithTimeout(ctx, 300*time.Millisecond)
			}
			defer stop()
			// The holder: its shard is always being handed over. The
			// caller cancels well inside the 50 ms wait after the second
			// answer.
			answers := 0
			sub, err := nd.cfg.NATS.Subscribe(nd.n.command(0), func(m *nats.Msg) {
				b, _ := json.Marshal(commandReply{Node: "a", Code: CommandStopped, Error: "moving"})
				m.Respond(b)
				if answers++; answers == 2 && row.want == context.Canceled {
					time.AfterFunc(10*time.Millisecond, stop)
				}
			})
			if err != nil {
				t.Fatal(err)
			}
			defer sub.Unsubscribe()
			if err := nd.cfg.NATS.Flush(); err != nil {
				t.Fatal(err)
			}
			err = cmd.UpdatePresence(c, 0, discord.UpdatePresence{Status: discord.StatusOnline})
			if !errors.Is(err, row.want) {
				t.Errorf("%v, want %v", err, row.want)
			}
		})
	}
}

// A node gives a command the time its caller allows: a caller with more
// than a minute left gets at least the minute (the node's cap), never
// less than one with 59 s left. The shard here never runs, so the command
// waits until the node gives up on it.
func TestANodeCutsACallerWithOverAMinuteToTheMinuteNotToTheDefault(t *testing.T) {
	if testing.Short() {
		t.Skip("waits past DefaultCommandTimeout")
	}
	tc := startCluster(t, 1)
	nd := openNode(t, tc, 1)
	s, err := shard.New(shard.Config{Gateway: gateway.Config{URL: "ws://127.0.0.1:1", Token: discord.NewToken("t"),
		ShardCount: 1}})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := json.Marshal(commandRequest{Presence: &discord.UpdatePresence{Status: discord.StatusOnline},
		Timeout: (61 * time.Second).Milliseconds()})
	// The shard stops (its run ends) a second after DefaultCommandTimeout.
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	time.AfterFunc(DefaultCommandTimeout+time.Second, cancel)
	start := time.Now()
	r := nd.runCommand(ctx, 0, s, req)
	if r.Code == CommandTimeout {
		t.Errorf("the node gave up after %v (%s) on a caller with 61 s left, before it would on one with 59 s",
			time.Since(start).Round(time.Millisecond), r.Error)
	}
}
