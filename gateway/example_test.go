package gateway_test

import (
	"fmt"
	"net"
	"time"

	"github.com/wirecord/wirecord/discord"
	"github.com/wirecord/wirecord/discordtest"
	"github.com/wirecord/wirecord/gateway"
)

// The smallest driver: one goroutine, a blocking socket with a read
// deadline standing in for the engine's timer. It connects to a fake
// Discord, identifies, and prints the first message it receives.
func Example() {
	srv := discordtest.NewServer(discordtest.WithGuilds(1, 1))
	defer srv.Close()

	e, err := gateway.New(gateway.Config{
		URL:     srv.GatewayURL,
		Token:   discord.NewToken(srv.Token),
		Intents: discord.IntentGuildMessages | discord.IntentMessageContent,
	})
	if err != nil {
		panic(err)
	}
	t, _ := e.Connect(time.Now())
	conn, err := net.Dial("tcp", t.Addr) // a wss URL would need tls.Client here
	if err != nil {
		panic(err)
	}
	defer conn.Close()
	conn.Write(e.Output())

	buf := make([]byte, 32<<10)
	for {
		// Wake up for the engine's next deadline, or for data.
		if d, ok := e.Deadline(); ok {
			conn.SetReadDeadline(d)
		}
		n, err := conn.Read(buf)
		now := time.Now()
		switch {
		case n > 0:
			e.Receive(now, buf[:n])
		case err != nil && isTimeout(err):
			e.HandleTimeout(now)
		case err != nil:
			e.ConnectionLost(now, err)
		}
		conn.Write(e.Output())
		for ev, ok := e.NextEvent(); ok; ev, ok = e.NextEvent() {
			switch ev := ev.(type) {
			case *gateway.IdentifyRequired:
				e.Identify(now) // a bot with many shards asks its identify queue first
				conn.Write(e.Output())
			case *gateway.SessionStarted:
				// Someone says something once we are in.
				g := srv.Guilds()[0]
				srv.Say(srv.Channels(g.ID)[0].ID, srv.Members(g.ID)[1].User.ID, "hello, bot")
			case *gateway.Dispatch:
				if ev.Name == discord.EventMessageCreate {
					fmt.Printf("seq %d: %s\n", ev.Seq, ev.Name)
					return
				}
			case *gateway.Disconnected:
				fmt.Println("disconnected:", ev.Err)
				return
			}
		}
	}
	// Output: seq 2: MESSAGE_CREATE
}

func isTimeout(err error) bool {
	ne, ok := err.(net.Error)
	return ok && ne.Timeout()
}
