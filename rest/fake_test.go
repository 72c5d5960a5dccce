package rest_test

import (
	"testing"
	"time"

	"github.com/wirecord/wirecord/discord"
	"github.com/wirecord/wirecord/discordtest"
	"github.com/wirecord/wirecord/rest"
)

// The generated methods drive discordtest's world model: what one call
// writes, the next reads, and the iterators page through the fake's lists
// as they would through Discord's.
func TestGeneratedMethodsDriveTheFake(t *testing.T) {
	roomy := discordtest.RouteLimit{Bucket: "roomy", Limit: 100, Window: time.Second}
	s := discordtest.NewServer(discordtest.WithGuilds(1, 0),
		discordtest.WithRouteLimit(discordtest.RouteCreateMessage, roomy),
		discordtest.WithRouteLimit(discordtest.RouteListMessages, roomy),
		discordtest.WithRouteLimit(discordtest.RouteListMembers, roomy))
	defer s.Close()
	c := rest.New(s.Token, rest.WithBaseURL(s.APIURL))
	guild := s.Guilds()[0]
	ch := s.Channels(guild.ID)[0]

	got, err := c.GetChannel(ctx(t), ch.ID)
	if err != nil || got.ID != ch.ID || got.GuildID != guild.ID {
		t.Fatalf("GetChannel: %+v %v", got, err)
	}
	var sent []discord.MessageID
	for _, text := range []string{"one", "two", "three", "four", "five"} {
		m, err := c.CreateMessage(ctx(t), ch.ID, discord.MessageSend{Content: text}, rest.CreateMessageOptions{})
		if err != nil {
			t.Fatal(err)
		}
		sent = append(sent, m.ID)
	}
	if _, err := c.UpdateMessage(ctx(t), ch.ID, sent[0], rest.UpdateMessageParams{Content: discord.Value("uno")}, rest.UpdateMessageOptions{}); err != nil {
		t.Fatal(err)
	}
	if m, err := c.GetMessage(ctx(t), ch.ID, sent[0]); err != nil || m.Content != "uno" {
		t.Fatalf("GetMessage after UpdateMessage: %+v %v", m, err)
	}
	// Pages of two: newest first, all five, each once.
	var listed []string
	for m, err := range c.ListMessagesAll(ctx(t), ch.ID, rest.ListMessagesOptions{Limit: 2}) {
		if err != nil {
			t.Fatal(err)
		}
		listed = append(listed, m.Content)
	}
	if len(listed) < 5 || listed[0] != "five" || listed[4] != "uno" {
		t.Errorf("ListMessagesAll: %q, want five down to uno", listed)
	}
	if err := c.AddMyMessageReaction(ctx(t), ch.ID, sent[1], "👍"); err != nil {
		t.Fatal(err)
	}
	if users, err := c.ListMessageReactionsByEmoji(ctx(t), ch.ID, sent[1], "👍", rest.ListMessageReactionsByEmojiOptions{}); err != nil || len(users) != 1 || !users[0].Bot {
		t.Errorf("ListMessageReactionsByEmoji: %+v %v", users, err)
	}
	if err := c.DeleteMessage(ctx(t), ch.ID, sent[2], rest.DeleteMessageOptions{Reason: "tidy"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetMessage(ctx(t), ch.ID, sent[2]); err == nil {
		t.Error("GetMessage found a deleted message")
	}

	for i := range 5 {
		u := s.AddUser("member" + string(rune('a'+i)))
		if err := s.AddMember(guild.ID, u.ID); err != nil {
			t.Fatal(err)
		}
	}
	want := len(s.Members(guild.ID))
	n := 0
	for m, err := range c.ListGuildMembersAll(ctx(t), guild.ID, rest.ListGuildMembersOptions{Limit: 2}) {
		if err != nil {
			t.Fatal(err)
		}
		if m.User == nil {
			t.Fatal("a member without a user")
		}
		n++
	}
	if n != want || want < 5 {
		t.Errorf("ListGuildMembersAll: %d members, the fake has %d", n, want)
	}
	g, err := c.GetGuild(ctx(t), guild.ID, rest.GetGuildOptions{WithCounts: true})
	if err != nil || g.ID != guild.ID {
		t.Errorf("GetGuild: %+v %v", g, err)
	}
}
