package discordtest

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wirecord/wirecord/discord"
)

// world is the fake Discord's data: one application with its bot user, and
// the guilds, channels, users, members and messages tests seed.
type world struct {
	s *Server

	lastID atomic.Uint64
	// guildMS is the millisecond of the next guild id. Guilds take
	// consecutive milliseconds from a day ago, so (id >> 22) % shards
	// spreads them evenly over any shard count.
	guildMS atomic.Uint64

	appID discord.ApplicationID
	bot   discord.User

	mu       sync.Mutex
	users    map[discord.UserID]*discord.User
	guilds   map[discord.GuildID]*guildState
	order    []discord.GuildID
	channels map[discord.ChannelID]*channelState
	dms      map[discord.UserID]discord.ChannelID
	inter    map[discord.InteractionID]*interactionState
	names    int
}

type guildState struct {
	guild    discord.Guild
	channels []discord.ChannelID
	members  map[discord.UserID]*discord.Member
	order    []discord.UserID
}

type channelState struct {
	ch       discord.Channel
	messages []*discord.Message // in id order
}

type interactionState struct {
	it        discord.Interaction
	responded bool
	response  *discord.InteractionResponse
	followups []*discord.Message
	original  *discord.Message
}

func newWorld(s *Server) *world {
	w := &world{s: s, users: map[discord.UserID]*discord.User{}, guilds: map[discord.GuildID]*guildState{},
		channels: map[discord.ChannelID]*channelState{}, dms: map[discord.UserID]discord.ChannelID{},
		inter: map[discord.InteractionID]*interactionState{}}
	w.guildMS.Store(uint64(time.Now().Add(-24*time.Hour).UnixMilli() - discord.Epoch))
	w.appID = discord.ApplicationID(w.newID())
	w.bot = discord.User{ID: discord.UserID(w.appID), Username: "wirecord-test-bot", Bot: true, Discriminator: "0"}
	w.users[w.bot.ID] = &w.bot
	return w
}

// newID returns a fresh snowflake. Every id gets its own millisecond, so
// that guild ids spread over shards ((id >> 22) % shards) as real ones do.
func (w *world) newID() discord.Snowflake {
	for {
		last := w.lastID.Load()
		ms := uint64(time.Now().UnixMilli() - discord.Epoch)
		if lastMS := last >> 22; ms <= lastMS {
			ms = lastMS + 1
		}
		id := ms<<22 | 1<<17 | 1<<12 | uint64(rand.IntN(1<<12))
		if w.lastID.CompareAndSwap(last, id) {
			return discord.Snowflake(id)
		}
	}
}

var firstNames = []string{"ada", "bob", "cyd", "dee", "eli", "fay", "gus", "hal", "ivy", "jo", "kit", "lou", "max", "ned", "ola", "pia"}

func (w *world) seed(guilds, members int) {
	for i := 0; i < guilds; i++ {
		g := w.s.AddGuild(fmt.Sprintf("guild-%d", i+1))
		for j := 0; j < members; j++ {
			u := w.s.AddUser("")
			w.s.AddMember(g.ID, u.ID)
		}
	}
}

// AddUser creates a simulated user. An empty name picks one.
func (s *Server) AddUser(name string) discord.User {
	w := s.world
	w.mu.Lock()
	defer w.mu.Unlock()
	if name == "" {
		name = fmt.Sprintf("%s%d", firstNames[w.names%len(firstNames)], w.names/len(firstNames)+1)
		w.names++
	}
	u := &discord.User{ID: discord.UserID(w.newID()), Username: name, Discriminator: "0"}
	gn := strings.ToUpper(name[:1]) + name[1:]
	u.GlobalName = &gn
	w.users[u.ID] = u
	return *u
}

// AddGuild creates a guild with a #general text channel, the @everyone
// role, and the bot as a member. Its GUILD_CREATE goes to the sessions
// that route it.
func (s *Server) AddGuild(name string) discord.Guild {
	w := s.world
	w.mu.Lock()
	id := discord.GuildID(w.guildMS.Add(1)<<22 | 1<<17 | 1<<12 | uint64(rand.IntN(1<<12)))
	g := &guildState{members: map[discord.UserID]*discord.Member{}}
	g.guild = discord.Guild{ID: id, Name: name, OwnerID: w.bot.ID,
		Roles: []discord.Role{{ID: discord.RoleID(id), Name: "@everyone", Permissions: discord.PermissionViewChannel | discord.PermissionSendMessages | discord.PermissionReadMessageHistory}}}
	w.guilds[id] = g
	w.order = append(w.order, id)
	ch := w.addChannelLocked(id, "general")
	g.members[w.bot.ID] = &discord.Member{User: &w.bot, JoinedAt: time.Now().UTC().Truncate(time.Second)}
	g.order = append(g.order, w.bot.ID)
	guild := g.guild
	w.mu.Unlock()
	_ = ch
	s.broadcastGuildCreate(id)
	return guild
}

func (w *world) addChannelLocked(guild discord.GuildID, name string) discord.Channel {
	id := discord.ChannelID(w.newID())
	ch := discord.Channel{ID: id, Type: discord.ChannelTypeGuildText, GuildID: guild, Name: name,
		Position: len(w.guilds[guild].channels)}
	w.channels[id] = &channelState{ch: ch}
	w.guilds[guild].channels = append(w.guilds[guild].channels, id)
	return ch
}

// AddChannel creates a text channel in a guild.
func (s *Server) AddChannel(guild discord.GuildID, name string) (discord.Channel, error) {
	w := s.world
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.guilds[guild] == nil {
		return discord.Channel{}, fmt.Errorf("discordtest: no guild %v", guild)
	}
	return w.addChannelLocked(guild, name), nil
}

// AddMember makes a user a member of a guild.
func (s *Server) AddMember(guild discord.GuildID, user discord.UserID) error {
	w := s.world
	w.mu.Lock()
	defer w.mu.Unlock()
	g, u := w.guilds[guild], w.users[user]
	if g == nil || u == nil {
		return fmt.Errorf("discordtest: no guild %v or user %v", guild, user)
	}
	if g.members[user] == nil {
		g.members[user] = &discord.Member{User: u, JoinedAt: time.Now().UTC().Truncate(time.Second)}
		g.order = append(g.order, user)
	}
	return nil
}

// Guilds returns the guilds, in creation order.
func (s *Server) Guilds() []discord.Guild {
	w := s.world
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make([]discord.Guild, 0, len(w.order))
	for _, id := range w.order {
		out = append(out, w.guilds[id].guild)
	}
	return out
}

// Channels returns a guild's channels.
func (s *Server) Channels(guild discord.GuildID) []discord.Channel {
	w := s.world
	w.mu.Lock()
	defer w.mu.Unlock()
	g := w.guilds[guild]
	if g == nil {
		return nil
	}
	out := make([]discord.Channel, 0, len(g.channels))
	for _, id := range g.channels {
		out = append(out, w.channels[id].ch)
	}
	return out
}

// Members returns a guild's members (the bot included).
func (s *Server) Members(guild discord.GuildID) []discord.Member {
	w := s.world
	w.mu.Lock()
	defer w.mu.Unlock()
	g := w.guilds[guild]
	if g == nil {
		return nil
	}
	out := make([]discord.Member, 0, len(g.order))
	for _, id := range g.order {
		out = append(out, *g.members[id])
	}
	return out
}

// Messages returns a channel's messages, oldest first.
func (s *Server) Messages(channel discord.ChannelID) []discord.Message {
	w := s.world
	w.mu.Lock()
	defer w.mu.Unlock()
	c := w.channels[channel]
	if c == nil {
		return nil
	}
	out := make([]discord.Message, 0, len(c.messages))
	for _, m := range c.messages {
		out = append(out, *m)
	}
	return out
}

// Say posts a message from a simulated user, as if typed in Discord. The
// MESSAGE_CREATE goes to every session that routes the channel's guild
// (DMs: shard 0), subject to intents and the MESSAGE_CONTENT rules.
func (s *Server) Say(channel discord.ChannelID, author discord.UserID, content string) (discord.Message, error) {
	return s.createMessage(channel, author, discord.MessageSend{Content: content})
}

// SayDM sends the bot a direct message from a simulated user.
func (s *Server) SayDM(author discord.UserID, content string) (discord.Message, error) {
	ch, err := s.dmChannel(author)
	if err != nil {
		return discord.Message{}, err
	}
	return s.createMessage(ch.ID, author, discord.MessageSend{Content: content})
}

var errUnknownChannel = errors.New("unknown channel")

// dmChannel returns (creating it if needed) the DM channel between the bot
// and a user.
func (s *Server) dmChannel(user discord.UserID) (discord.Channel, error) {
	w := s.world
	w.mu.Lock()
	defer w.mu.Unlock()
	u := w.users[user]
	if u == nil || user == w.bot.ID {
		return discord.Channel{}, fmt.Errorf("discordtest: unknown user %v", user)
	}
	if id, ok := w.dms[user]; ok {
		return w.channels[id].ch, nil
	}
	id := discord.ChannelID(w.newID())
	ch := discord.Channel{ID: id, Type: discord.ChannelTypeDM, Recipients: []discord.User{*u}}
	w.channels[id] = &channelState{ch: ch}
	w.dms[user] = id
	return ch, nil
}

// createMessage stores a message and dispatches MESSAGE_CREATE.
func (s *Server) createMessage(channel discord.ChannelID, author discord.UserID, send discord.MessageSend) (discord.Message, error) {
	w := s.world
	w.mu.Lock()
	c := w.channels[channel]
	u := w.users[author]
	if c == nil {
		w.mu.Unlock()
		return discord.Message{}, errUnknownChannel
	}
	if u == nil {
		w.mu.Unlock()
		return discord.Message{}, fmt.Errorf("discordtest: unknown user %v", author)
	}
	m := &discord.Message{
		ID:           discord.MessageID(w.newID()),
		ChannelID:    channel,
		Author:       *u,
		Content:      send.Content,
		Timestamp:    time.Now().UTC(),
		TTS:          send.TTS,
		Embeds:       send.Embeds,
		Mentions:     w.mentionsLocked(send.Content),
		Nonce:        send.Nonce,
		Type:         discord.MessageTypeDefault,
		Flags:        send.Flags,
		Components:   send.Components,
		Attachments:  []discord.Attachment{},
		MentionRoles: []discord.RoleID{},
	}
	if m.Embeds == nil {
		m.Embeds = []discord.Embed{}
	}
	if m.Components == nil {
		m.Components = []discord.Component{}
	}
	if send.MessageReference != nil {
		m.MessageReference = send.MessageReference
	}
	c.messages = append(c.messages, m)
	guild := c.ch.GuildID
	var member *discord.Member
	if g := w.guilds[guild]; g != nil {
		if mem := g.members[author]; mem != nil {
			cp := *mem
			cp.User = nil
			member = &cp
		}
	}
	msg := *m
	w.mu.Unlock()

	s.rec.add(KindMessage, 0, -1, "channel=%v author=%s %q", channel, u.Username, truncate(send.Content, 60))
	ev := discord.MessageCreate{Message: msg, GuildID: guild, Member: member}
	s.dispatchMessage(guild, ev)
	return msg, nil
}

// mentionsLocked finds <@id> mentions of known users in content.
func (w *world) mentionsLocked(content string) []discord.User {
	out := []discord.User{}
	for rest := content; ; {
		i := strings.Index(rest, "<@")
		if i < 0 {
			return out
		}
		rest = rest[i+2:]
		rest = strings.TrimPrefix(rest, "!")
		j := strings.IndexByte(rest, '>')
		if j < 0 {
			return out
		}
		if id, err := discord.ParseSnowflake(rest[:j]); err == nil {
			if u := w.users[discord.UserID(id)]; u != nil && !slices.ContainsFunc(out, func(x discord.User) bool { return x.ID == u.ID }) {
				out = append(out, *u)
			}
		}
		rest = rest[j:]
	}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// StartChatter makes simulated users post messages in random guild
// channels, about perSecond times a second, until stop is called. A bot
// sees live traffic; "ping" is said now and then.
func (s *Server) StartChatter(perSecond float64) (stop func()) {
	done := make(chan struct{})
	var once sync.Once
	if perSecond <= 0 {
		return func() {}
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		t := time.NewTicker(time.Duration(float64(time.Second) / perSecond))
		defer t.Stop()
		n := 0
		for {
			select {
			case <-done:
				return
			case <-s.stop:
				return
			case <-t.C:
			}
			ch, author, ok := s.randomSpeaker()
			if !ok {
				continue
			}
			n++
			text := chatterLines[rand.IntN(len(chatterLines))]
			if n%5 == 0 {
				text = "ping"
			}
			s.Say(ch, author, text)
		}
	}()
	return func() { once.Do(func() { close(done) }) }
}

var chatterLines = []string{
	"hello there", "anyone around?", "the build is green again", "lunch?", "did the deploy go out",
	"brb", "that's a good point", "ok", "lol", "who broke staging", "ship it", "ping",
}

// randomSpeaker picks a guild channel and a member of its guild who is not
// the bot.
func (s *Server) randomSpeaker() (discord.ChannelID, discord.UserID, bool) {
	w := s.world
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.order) == 0 {
		return 0, 0, false
	}
	g := w.guilds[w.order[rand.IntN(len(w.order))]]
	if len(g.order) < 2 || len(g.channels) == 0 {
		return 0, 0, false
	}
	user := g.order[1+rand.IntN(len(g.order)-1)]
	return g.channels[rand.IntN(len(g.channels))], user, true
}
