package cluster_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/wirecord/wirecord/cluster"
	"github.com/wirecord/wirecord/discord"
	"github.com/wirecord/wirecord/discordtest"
	"github.com/wirecord/wirecord/gateway"
)

// A node and a worker on one machine: NATS embedded, Discord faked. A
// message a user posts reaches the worker through the event stream.
func Example() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	ns, err := cluster.StartServer(ctx, cluster.ServerConfig{StoreDir: dir})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer ns.Shutdown()
	srv := discordtest.NewServer(discordtest.WithShards(2), discordtest.WithGuilds(1, 1), discordtest.WithMaxConcurrency(2))
	defer srv.Close()

	nc, _ := nats.Connect(ns.ClientURL())
	defer nc.Close()
	node, _ := cluster.NewNode(cluster.NodeConfig{
		NATS: nc, ID: "machine-1", Token: discord.NewToken(srv.Token), ShardCount: 2, MaxConcurrency: 2, LeaseTTL: 2 * time.Second,
		Intents: discord.IntentGuilds | discord.IntentGuildMessages | discord.IntentMessageContent,
		Gateway: gateway.Config{URL: srv.GatewayURL},
	})
	nodeCtx, stopNode := context.WithCancel(ctx)
	nodeDone := make(chan struct{})
	go func() { node.Run(nodeCtx); close(nodeDone) }()
	defer func() { stopNode(); <-nodeDone }()

	w, _ := cluster.NewWorker(cluster.WorkerConfig{NATS: nc, Durable: "example", Events: []string{"MESSAGE_CREATE"}})
	got := make(chan string, 1)
	cluster.On(w, func(ctx context.Context, m *discord.MessageCreate) { got <- m.Content })
	srv.WaitKind(ctx, discordtest.KindIdentified, 2)
	go w.Run(ctx)

	g := srv.Guilds()[0]
	srv.Say(srv.Channels(g.ID)[0].ID, srv.Members(g.ID)[1].User.ID, "hello from a user")
	fmt.Println(<-got)
	// Output: hello from a user
}
