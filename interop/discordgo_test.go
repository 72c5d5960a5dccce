package interop

import (
	"context"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/wirecord/wirecord/discordtest"
)

// TestDiscordgoAgainstTheFake runs github.com/bwmarrin/discordgo, the most
// used Go library, against discordtest: it identifies, receives
// dispatches, answers over REST, and resumes after an op 7.
func TestDiscordgoAgainstTheFake(t *testing.T) {
	srv := discordtest.NewServer(discordtest.WithGuilds(1, 1), discordtest.WithHeartbeatInterval(2*time.Second))
	defer srv.Close()
	// discordgo takes its endpoints from package variables.
	discordgo.EndpointGateway = srv.APIURL + "/gateway"
	discordgo.EndpointGatewayBot = srv.APIURL + "/gateway/bot"
	discordgo.EndpointChannels = srv.APIURL + "/channels/"

	dg, err := discordgo.New("Bot " + srv.Token)
	if err != nil {
		t.Fatal(err)
	}
	dg.Identify.Intents = discordgo.IntentsGuildMessages | discordgo.IntentMessageContent
	got := make(chan *discordgo.MessageCreate, 16)
	dg.AddHandler(func(s *discordgo.Session, m *discordgo.MessageCreate) { got <- m })
	if err := dg.Open(); err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer dg.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := srv.WaitKind(ctx, discordtest.KindIdentified, 1); err != nil {
		t.Fatal(err)
	}
	g := srv.Guilds()[0]
	ch := srv.Channels(g.ID)[0]
	user := srv.Members(g.ID)[1].User.ID
	receive := func(want string) *discordgo.MessageCreate {
		t.Helper()
		for {
			select {
			case m := <-got:
				if m.Content == want {
					return m
				}
			case <-ctx.Done():
				t.Fatalf("discordgo never received %q", want)
			}
		}
	}

	srv.Say(ch.ID, user, "hello discordgo")
	m := receive("hello discordgo")
	if m.ChannelID != ch.ID.String() || m.Author.ID != user.String() {
		t.Errorf("message %+v", m.Message)
	}
	// It answers over REST.
	if _, err := dg.ChannelMessageSend(ch.ID.String(), "hello fake"); err != nil {
		t.Fatalf("ChannelMessageSend: %v", err)
	}
	msgs := srv.Messages(ch.ID)
	if last := msgs[len(msgs)-1]; last.Content != "hello fake" || !last.Author.Bot {
		t.Errorf("last message %+v", last)
	}

	// op 7: discordgo reconnects and resumes; nothing said meanwhile is lost.
	srv.ConnForShard(0).SendReconnect()
	if _, err := srv.WaitKind(ctx, discordtest.KindResumed, 1); err != nil {
		t.Fatal(err)
	}
	srv.Say(ch.ID, user, "after the resume")
	receive("after the resume")

	identifies := 0
	for _, id := range srv.Identifies() {
		if id.Accepted {
			identifies++
		}
	}
	if identifies != 1 {
		t.Errorf("%d identifies: discordgo should have resumed", identifies)
	}
	// What the fake noticed about the client, for the record: discordgo
	// v0.29 resumes on the gateway URL rather than resume_gateway_url.
	for _, v := range srv.Violations() {
		t.Logf("violation recorded: %s (%s)", v.Rule, v.Detail)
	}
}
