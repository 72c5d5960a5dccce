package discordtest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wirecord/wirecord/discord"
)

const allMessages = discord.IntentGuilds | discord.IntentGuildMessages | discord.IntentDirectMessages | discord.IntentMessageContent

func TestListensOnLoopbackByDefault(t *testing.T) {
	s := NewServer()
	defer s.Close()
	for _, raw := range []string{s.URL, s.GatewayURL, s.ResumeURL} {
		u, _ := url.Parse(raw)
		if u.Hostname() != "127.0.0.1" {
			t.Errorf("%s is not on loopback", raw)
		}
	}
	if s.GatewayURL == s.ResumeURL || strings.TrimPrefix(s.ResumeURL, "ws://") == strings.TrimPrefix(strings.TrimSuffix(s.GatewayURL, "/"), "ws://") {
		t.Errorf("resume URL %s must be its own address (gateway %s)", s.ResumeURL, s.GatewayURL)
	}
}

func TestHelloIdentifyReadyThenGuildCreates(t *testing.T) {
	for _, query := range []string{
		"v=10&encoding=json",
		"v=10&encoding=json&compress=zlib-stream",
		"v=10&encoding=json&compress=zstd-stream",
		"v=10&encoding=etf",
		"v=10&encoding=etf&compress=zstd-stream",
	} {
		t.Run(query, func(t *testing.T) {
			s := NewServer(WithGuilds(3, 2), WithHeartbeatInterval(30*time.Second))
			defer s.Close()
			c, hello := dial(t, s.GatewayURL, query)
			var h discord.Hello
			json.Unmarshal(hello.D, &h)
			if hello.Op != discord.OpHello || h.HeartbeatInterval != 30000 || hello.S != nil || hello.T != nil {
				t.Fatalf("hello = %s", hello.raw)
			}
			r := c.ready(s.Token, allMessages, nil)
			if len(r.Guilds) != 3 || !r.Guilds[0].Unavailable || r.SessionID == "" || r.ResumeGatewayURL != s.ResumeURL {
				t.Fatalf("ready = %+v", r)
			}
			_, bot := s.Application()
			if r.User.ID != bot.ID || !r.User.Bot {
				t.Errorf("ready user %+v", r.User)
			}
			var seqs []int64
			for range 3 {
				p := c.expectDispatch(discord.EventGuildCreate)
				var g discord.GuildCreate
				if err := json.Unmarshal(p.D, &g); err != nil || len(g.Channels) != 1 || g.MemberCount != 3 {
					t.Fatalf("guild create %s: %v", p.raw, err)
				}
				seqs = append(seqs, p.seq())
			}
			if !slices.Equal(seqs, []int64{2, 3, 4}) {
				t.Errorf("seqs %v, want 2 3 4 after READY's 1", seqs)
			}
		})
	}
}

func TestIdentifyRulesCloseWithDiscordsCodes(t *testing.T) {
	for _, tc := range []struct {
		name  string
		opts  []Option
		query string
		ident func(s *Server) identifyOpts
		code  discord.CloseCode
		rule  Rule
	}{
		{"bad token", nil, "", func(s *Server) identifyOpts { return identifyOpts{token: "wrong", intents: 1} },
			discord.CloseAuthenticationFailed, RuleBadToken},
		{"undocumented intent", nil, "", func(s *Server) identifyOpts { return identifyOpts{token: s.Token, intents: 1 << 18} },
			discord.CloseInvalidIntents, RuleInvalidIntents},
		{"privileged intent not enabled", []Option{WithPrivilegedIntents(discord.IntentGuildMembers)}, "",
			func(s *Server) identifyOpts {
				return identifyOpts{token: s.Token, intents: discord.IntentGuildMessages | discord.IntentMessageContent}
			}, discord.CloseDisallowedIntents, RuleDisallowedIntents},
		{"shard id past count", nil, "", func(s *Server) identifyOpts { return identifyOpts{token: s.Token, intents: 1, shard: &[2]int{2, 2}} },
			discord.CloseInvalidShard, RuleInvalidShard},
		{"zero shards", nil, "", func(s *Server) identifyOpts { return identifyOpts{token: s.Token, intents: 1, shard: &[2]int{0, 0}} },
			discord.CloseInvalidShard, RuleInvalidShard},
		{"too many guilds", []Option{WithGuilds(3, 0), WithMaxGuildsPerShard(2)}, "",
			func(s *Server) identifyOpts { return identifyOpts{token: s.Token, intents: 1} },
			discord.CloseShardingRequired, RuleShardingRequired},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := NewServer(tc.opts...)
			defer s.Close()
			c, _ := dial(t, s.GatewayURL, tc.query)
			c.identify(tc.ident(s))
			c.expectClose(tc.code)
			if !hasViolation(s, tc.rule) {
				t.Errorf("violations %v, want %s", s.Violations(), tc.rule)
			}
			ids := s.Identifies()
			if len(ids) != 1 || ids[0].Accepted || ids[0].Refused != tc.rule {
				t.Errorf("identifies %+v", ids)
			}
		})
	}
}

func TestBadVersionClosesWith4012(t *testing.T) {
	s := NewServer()
	defer s.Close()
	c, first := dial(t, s.GatewayURL, "v=8&encoding=json")
	if first.code == 0 {
		c.expectClose(discord.CloseInvalidAPIVersion)
	} else if first.code != uint16(discord.CloseInvalidAPIVersion) {
		t.Fatalf("closed with %d", first.code)
	}
	if !hasViolation(s, RuleInvalidVersion) {
		t.Error("no violation recorded")
	}
}

func TestTokenNeverRecorded(t *testing.T) {
	s := NewServer()
	defer s.Close()
	c, _ := dial(t, s.GatewayURL, "")
	c.identify(identifyOpts{token: "super-secret-wrong-token", intents: 1})
	c.expectClose(discord.CloseAuthenticationFailed)
	for _, r := range s.Records() {
		if strings.Contains(r.Detail, "super-secret") || strings.Contains(r.Detail, s.Token) {
			t.Errorf("token in record %v", r)
		}
	}
}

func TestIdentifyConcurrencyIsOnePerIntervalPerBucket(t *testing.T) {
	s := NewServer(WithShards(4), WithMaxConcurrency(2), WithIdentifyInterval(time.Hour))
	defer s.Close()
	ident := func(shard int) *rawClient {
		c, _ := dial(t, s.GatewayURL, "")
		c.identify(identifyOpts{token: s.Token, intents: 1, shard: &[2]int{shard, 4}})
		return c
	}
	// Shards 0 and 1 are different buckets: both may identify at once.
	ident(0).expectDispatch(discord.EventReady)
	ident(1).expectDispatch(discord.EventReady)
	// Shard 2 is bucket 0 again, within the interval: op 9, not READY.
	c := ident(2)
	p := c.expectOp(discord.OpInvalidSession)
	if string(p.D) != "false" {
		t.Errorf("op 9 d = %s", p.D)
	}
	if !hasViolation(s, RuleIdentifyConcurrency) {
		t.Error("no violation recorded")
	}
	var buckets []int
	for _, id := range s.Identifies() {
		if id.Accepted {
			buckets = append(buckets, id.Bucket)
		}
	}
	if !slices.Equal(buckets, []int{0, 1}) {
		t.Errorf("accepted buckets %v", buckets)
	}
}

func TestSessionStartBudgetIsEnforced(t *testing.T) {
	s := NewServer(WithSessionStartLimit(1000, 1, time.Hour), WithMaxConcurrency(16))
	defer s.Close()
	c, _ := dial(t, s.GatewayURL, "")
	c.ready(s.Token, 1, &[2]int{0, 2})
	c2, _ := dial(t, s.GatewayURL, "")
	c2.identify(identifyOpts{token: s.Token, intents: 1, shard: &[2]int{1, 2}})
	c2.expectOp(discord.OpInvalidSession)
	if !hasViolation(s, RuleSessionStartLimit) {
		t.Error("no violation recorded")
	}
}

func TestConnectionRulesCloseWithDiscordsCodes(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts []Option
		act  func(s *Server, c *rawClient)
		code discord.CloseCode
		rule Rule
	}{
		{"payload over 4096 bytes", nil, func(s *Server, c *rawClient) {
			c.sendRaw([]byte(`{"op":1,"d":"` + strings.Repeat("x", 5000) + `"}`))
		}, discord.CloseDecodeError, RulePayloadTooLarge},
		{"not json", nil, func(s *Server, c *rawClient) { c.sendRaw([]byte("{nope")) },
			discord.CloseDecodeError, RuleDecodeError},
		{"payload before identify", nil, func(s *Server, c *rawClient) {
			c.send(discord.OpPresenceUpdate, map[string]any{"status": "online", "activities": []any{}, "since": nil, "afk": false})
		}, discord.CloseNotAuthenticated, RuleNotAuthenticated},
		{"unknown opcode", nil, func(s *Server, c *rawClient) {
			c.ready(s.Token, 1, nil)
			c.send(99, nil)
		}, discord.CloseUnknownOpcode, RuleUnknownOpcode},
		{"identify twice", nil, func(s *Server, c *rawClient) {
			c.ready(s.Token, 1, nil)
			c.identify(identifyOpts{token: s.Token, intents: 1})
		}, discord.CloseAlreadyAuthenticated, RuleAlreadyAuth},
		{"121 payloads in 60 s", nil, func(s *Server, c *rawClient) {
			for range 121 {
				c.send(discord.OpHeartbeat, nil)
			}
		}, discord.CloseRateLimited, RuleSendRateLimit},
		{"send limit is configurable", []Option{WithSendLimit(3, time.Minute)}, func(s *Server, c *rawClient) {
			for range 4 {
				c.send(discord.OpHeartbeat, nil)
			}
		}, discord.CloseRateLimited, RuleSendRateLimit},
		{"missed heartbeat", []Option{WithHeartbeatInterval(100 * time.Millisecond), WithHeartbeatGrace(50 * time.Millisecond)},
			func(s *Server, c *rawClient) { c.ready(s.Token, 1, nil) }, discord.CloseSessionTimedOut, RuleMissedHeartbeat},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := NewServer(tc.opts...)
			defer s.Close()
			c, _ := dial(t, s.GatewayURL, "")
			tc.act(s, c)
			c.expectClose(tc.code)
			if !hasViolation(s, tc.rule) {
				t.Errorf("violations %v, want %s", s.Violations(), tc.rule)
			}
		})
	}
}

func TestHeartbeatsAreAcknowledged(t *testing.T) {
	s := NewServer()
	defer s.Close()
	c, _ := dial(t, s.GatewayURL, "")
	c.send(discord.OpHeartbeat, nil)
	c.expectOp(discord.OpHeartbeatACK)
}

func TestResumeReplaysExactlyTheEventsAfterSeqThenResumed(t *testing.T) {
	s := NewServer(WithGuilds(1, 2))
	defer s.Close()
	g := s.Guilds()[0]
	ch := s.Channels(g.ID)[0]
	user := s.Members(g.ID)[1].User.ID
	c, _ := dial(t, s.GatewayURL, "")
	r := c.ready(s.Token, discord.IntentGuildMessages|discord.IntentMessageContent, nil)
	for i := 1; i <= 3; i++ {
		s.Say(ch.ID, user, fmt.Sprint("before ", i))
		c.expectDispatch(discord.EventMessageCreate)
	}
	// seq 1 READY, 2-4 the messages; the client saw up to 3 and drops.
	conn := s.ConnForShard(0)
	conn.Drop()
	<-conn.Done()
	for i := 1; i <= 2; i++ {
		s.Say(ch.ID, user, fmt.Sprint("while away ", i))
	}
	c2, _ := dial(t, r.ResumeGatewayURL, "v=10&encoding=json")
	c2.send(discord.OpResume, map[string]any{"token": s.Token, "session_id": r.SessionID, "seq": 3})
	var got []string
	var seqs []int64
	for {
		p := c2.next()
		if p.Op != discord.OpDispatch {
			continue
		}
		seqs = append(seqs, p.seq())
		if p.name() == discord.EventResumed {
			break
		}
		var m discord.MessageCreate
		json.Unmarshal(p.D, &m)
		got = append(got, m.Content)
	}
	if !slices.Equal(got, []string{"before 3", "while away 1", "while away 2"}) || !slices.Equal(seqs, []int64{4, 5, 6, 7}) {
		t.Errorf("replayed %q with seqs %v", got, seqs)
	}
	if hasViolation(s, RuleResumeWrongURL) {
		t.Error("resume on resume_gateway_url recorded as a violation")
	}
}

func TestResumeRules(t *testing.T) {
	for _, tc := range []struct {
		name    string
		url     func(s *Server) string
		seq     int64
		session func(r discord.Ready) string
		wantOp9 bool
		close   discord.CloseCode
		rule    Rule
	}{
		{"seq ahead of the session", func(s *Server) string { return s.ResumeURL }, 99, func(r discord.Ready) string { return r.SessionID },
			false, discord.CloseInvalidSeq, RuleInvalidSeq},
		{"unknown session", func(s *Server) string { return s.ResumeURL }, 1, func(discord.Ready) string { return "nope" },
			true, 0, ""},
		{"resume on the gateway URL", func(s *Server) string { return s.GatewayURL }, 1, func(r discord.Ready) string { return r.SessionID },
			false, 0, RuleResumeWrongURL},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := NewServer()
			defer s.Close()
			c, _ := dial(t, s.GatewayURL, "")
			r := c.ready(s.Token, 1, nil)
			conn := s.ConnForShard(0)
			conn.Drop()
			<-conn.Done()
			c2, _ := dial(t, tc.url(s), "")
			c2.send(discord.OpResume, map[string]any{"token": s.Token, "session_id": tc.session(r), "seq": tc.seq})
			switch {
			case tc.wantOp9:
				if p := c2.expectOp(discord.OpInvalidSession); string(p.D) != "false" {
					t.Errorf("d = %s", p.D)
				}
			case tc.close != 0:
				c2.expectClose(tc.close)
			default:
				c2.expectDispatch(discord.EventResumed)
			}
			if tc.rule != "" && !hasViolation(s, tc.rule) {
				t.Errorf("violations %v, want %s", s.Violations(), tc.rule)
			}
		})
	}
}

func TestClientClosing1000EndsTheSession(t *testing.T) {
	s := NewServer()
	defer s.Close()
	c, _ := dial(t, s.GatewayURL, "")
	r := c.ready(s.Token, 1, nil)
	conn := s.ConnForShard(0)
	c.nc.Write(appendClientClose(c, 1000))
	<-conn.Done()
	c2, _ := dial(t, s.ResumeURL, "")
	c2.send(discord.OpResume, map[string]any{"token": s.Token, "session_id": r.SessionID, "seq": 1})
	c2.expectOp(discord.OpInvalidSession)
}

func TestMessagesAreRoutedToTheShardOfTheirGuild(t *testing.T) {
	s := NewServer(WithGuilds(6, 1), WithShards(2), WithMaxConcurrency(2))
	defer s.Close()
	clients := make([]*rawClient, 2)
	for i := range clients {
		clients[i], _ = dial(t, s.GatewayURL, "")
		r := clients[i].ready(s.Token, discord.IntentGuildMessages|discord.IntentDirectMessages|discord.IntentMessageContent, &[2]int{i, 2})
		for _, g := range r.Guilds {
			if want := int((uint64(g.ID) >> 22) % 2); want != i {
				t.Errorf("READY of shard %d lists guild %v of shard %d", i, g.ID, want)
			}
		}
	}
	for _, g := range s.Guilds() {
		ch := s.Channels(g.ID)[0]
		user := s.Members(g.ID)[1].User.ID
		m, _ := s.Say(ch.ID, user, "hi")
		shard := int((uint64(g.ID) >> 22) % 2)
		p := clients[shard].expectDispatch(discord.EventMessageCreate)
		var got discord.MessageCreate
		json.Unmarshal(p.D, &got)
		if got.ID != m.ID || got.GuildID != g.ID {
			t.Errorf("shard %d got %v, want message %v of guild %v", shard, got.ID, m.ID, g.ID)
		}
	}
	// DMs go to shard 0 only.
	u := s.AddUser("dmer")
	s.SayDM(u.ID, "psst")
	p := clients[0].expectDispatch(discord.EventMessageCreate)
	var dm discord.MessageCreate
	json.Unmarshal(p.D, &dm)
	if dm.Content != "psst" || dm.GuildID != 0 {
		t.Errorf("dm %+v", dm)
	}
	if extra, err := clients[1].tryNext(200 * time.Millisecond); err == nil && extra.Op == discord.OpDispatch {
		t.Errorf("shard 1 got %s", extra.raw)
	}
}

func TestMessageContentNeedsTheIntentExceptForMentionsAndDMs(t *testing.T) {
	s := NewServer(WithGuilds(1, 1))
	defer s.Close()
	g := s.Guilds()[0]
	ch := s.Channels(g.ID)[0]
	user := s.Members(g.ID)[1].User.ID
	_, bot := s.Application()
	c, _ := dial(t, s.GatewayURL, "")
	c.ready(s.Token, discord.IntentGuildMessages|discord.IntentDirectMessages, nil) // no MESSAGE_CONTENT
	for _, tc := range []struct {
		say  func() (discord.Message, error)
		want string
	}{
		{func() (discord.Message, error) { return s.Say(ch.ID, user, "secret") }, ""},
		{func() (discord.Message, error) { return s.Say(ch.ID, user, "hey <@"+bot.ID.String()+">") }, "hey <@" + bot.ID.String() + ">"},
		{func() (discord.Message, error) { return s.SayDM(user, "in private") }, "in private"},
	} {
		if _, err := tc.say(); err != nil {
			t.Fatal(err)
		}
		p := c.expectDispatch(discord.EventMessageCreate)
		var m discord.MessageCreate
		json.Unmarshal(p.D, &m)
		if m.Content != tc.want {
			t.Errorf("content %q, want %q", m.Content, tc.want)
		}
	}
}

func TestIntentsFilterEvents(t *testing.T) {
	s := NewServer(WithGuilds(1, 1))
	defer s.Close()
	g := s.Guilds()[0]
	ch := s.Channels(g.ID)[0]
	c, _ := dial(t, s.GatewayURL, "")
	c.ready(s.Token, discord.IntentGuilds, nil) // no GUILD_MESSAGES
	c.expectDispatch(discord.EventGuildCreate)
	s.Say(ch.ID, s.Members(g.ID)[1].User.ID, "unseen")
	if p, err := c.tryNext(200 * time.Millisecond); err == nil && p.Op == discord.OpDispatch {
		t.Errorf("got %s without GUILD_MESSAGES", p.raw)
	}
}

func TestRequestGuildMembersAnswersInChunksWithNonce(t *testing.T) {
	s := NewServer(WithGuilds(1, 5))
	defer s.Close()
	g := s.Guilds()[0]
	c, _ := dial(t, s.GatewayURL, "")
	c.ready(s.Token, discord.IntentGuildMembers, nil)
	c.send(discord.OpRequestGuildMembers, map[string]any{"guild_id": g.ID, "query": "", "limit": 0, "nonce": "n1"})
	p := c.expectDispatch(discord.EventGuildMembersChunk)
	var chunk discord.GuildMembersChunk
	json.Unmarshal(p.D, &chunk)
	if chunk.Nonce != "n1" || len(chunk.Members) != 6 || chunk.ChunkCount != 1 {
		t.Errorf("chunk %+v", chunk)
	}
	// Asking for all members again within 30 s is rate limited.
	c.send(discord.OpRequestGuildMembers, map[string]any{"guild_id": g.ID, "query": "", "limit": 0, "nonce": "n2"})
	p = c.expectDispatch(discord.EventRateLimited)
	var rl discord.RateLimited
	json.Unmarshal(p.D, &rl)
	if rl.Opcode != discord.OpRequestGuildMembers || rl.RetryAfter <= 0 || !strings.Contains(string(rl.Meta), "n2") {
		t.Errorf("rate limited %+v %s", rl, rl.Meta)
	}
}

func TestFaults(t *testing.T) {
	for _, tc := range []struct {
		name   string
		inject func(c *Conn)
		check  func(t *testing.T, s *Server, c *rawClient)
	}{
		{"op 7", func(c *Conn) { c.SendReconnect() }, func(t *testing.T, s *Server, c *rawClient) {
			c.expectOp(discord.OpReconnect)
		}},
		{"op 9 resumable", func(c *Conn) { c.SendInvalidSession(true) }, func(t *testing.T, s *Server, c *rawClient) {
			if p := c.expectOp(discord.OpInvalidSession); string(p.D) != "true" {
				t.Errorf("d = %s", p.D)
			}
		}},
		{"op 9 not resumable", func(c *Conn) { c.SendInvalidSession(false) }, func(t *testing.T, s *Server, c *rawClient) {
			if p := c.expectOp(discord.OpInvalidSession); string(p.D) != "false" {
				t.Errorf("d = %s", p.D)
			}
		}},
		{"op 1", func(c *Conn) { c.RequestHeartbeat() }, func(t *testing.T, s *Server, c *rawClient) {
			c.expectOp(discord.OpHeartbeat)
		}},
		{"close 4000", func(c *Conn) { c.CloseWith(4000, "bye") }, func(t *testing.T, s *Server, c *rawClient) {
			c.expectClose(4000)
		}},
		{"no heartbeat acks", func(c *Conn) { c.SetAckHeartbeats(false) }, func(t *testing.T, s *Server, c *rawClient) {
			c.send(discord.OpHeartbeat, nil)
			if p, err := c.tryNext(300 * time.Millisecond); err == nil {
				t.Errorf("got %s, want silence", p.raw)
			}
		}},
		{"drop", func(c *Conn) { c.Drop() }, func(t *testing.T, s *Server, c *rawClient) {
			p, err := c.tryNext(readTimeout)
			if err == nil {
				t.Fatalf("got %+v, want the connection gone without a close frame", p)
			}
		}},
		{"garbage frame", func(c *Conn) { c.SendGarbage() }, func(t *testing.T, s *Server, c *rawClient) {
			if _, err := c.tryNext(readTimeout); err == nil || strings.Contains(err.Error(), "closed") {
				t.Errorf("err = %v, want a payload that cannot be decoded", err)
			}
		}},
		{"unknown opcode", func(c *Conn) { c.SendRaw(42, map[string]any{"x": 1}) }, func(t *testing.T, s *Server, c *rawClient) {
			c.expectOp(42)
		}},
		{"unknown event", func(c *Conn) { c.SendEvent("SOMETHING_NEW", map[string]any{"x": 1}) }, func(t *testing.T, s *Server, c *rawClient) {
			if p := c.expectDispatch("SOMETHING_NEW"); p.seq() != 2 {
				t.Errorf("seq %d, want 2 (after READY)", p.seq())
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := NewServer()
			defer s.Close()
			c, _ := dial(t, s.GatewayURL, "")
			c.ready(s.Token, 1, nil)
			conn := s.ConnForShard(0)
			tc.inject(conn)
			tc.check(t, s, c)
			if _, err := s.Wait(ctxTimeout(t), func(r Record) bool { return r.Kind == KindFault }); err != nil {
				t.Error("fault not recorded")
			}
		})
	}
}

func TestStallStopsTheConnectionUntilUnstalled(t *testing.T) {
	s := NewServer()
	defer s.Close()
	c, _ := dial(t, s.GatewayURL, "")
	c.ready(s.Token, 1, nil)
	conn := s.ConnForShard(0)
	conn.Stall()
	c.send(discord.OpHeartbeat, nil)
	if p, err := c.tryNext(200 * time.Millisecond); err == nil {
		t.Fatalf("a stalled server answered %s", p.raw)
	}
	conn.Unstall()
	c.expectOp(discord.OpHeartbeatACK)
}

func TestReadyCanBeDelayed(t *testing.T) {
	s := NewServer()
	defer s.Close()
	s.SetReadyDelay(300 * time.Millisecond)
	c, _ := dial(t, s.GatewayURL, "")
	start := time.Now()
	c.ready(s.Token, 1, nil)
	if d := time.Since(start); d < 300*time.Millisecond {
		t.Errorf("READY after %v, want at least 300ms", d)
	}
}

func TestTranscriptRecordsBothDirections(t *testing.T) {
	s := NewServer()
	defer s.Close()
	c, _ := dial(t, s.GatewayURL, "")
	c.ready(s.Token, 1, nil)
	c.send(discord.OpHeartbeat, nil)
	c.expectOp(discord.OpHeartbeatACK)
	tr := s.ConnForShard(0).Transcript()
	var ops []string
	for _, f := range tr {
		ops = append(ops, fmt.Sprintf("%v:%v", f.Out, f.Op))
	}
	want := []string{"true:HELLO", "false:IDENTIFY", "true:DISPATCH", "false:HEARTBEAT", "true:HEARTBEAT_ACK"}
	if !slices.Equal(ops, want) {
		t.Errorf("transcript %v, want %v", ops, want)
	}
}

func ctxTimeout(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), readTimeout)
	t.Cleanup(cancel)
	return ctx
}
