package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/wirecord/wirecord/cluster"
	"github.com/wirecord/wirecord/discord"
	"github.com/wirecord/wirecord/gateway"
	"github.com/wirecord/wirecord/rest"
)

// defaultNATS is where an embedded server listens unless --listen says
// otherwise, and where status and tail look unless --nats says otherwise.
const defaultNATS = "nats://127.0.0.1:4222"

func runNode(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "node [--nats URL | --listen HOST:PORT --store DIR] [--shards auto|N] [--api URL] [--id ID] [--intents LIST] [--lease D] [--replicas N] [--prefix P] [--rest-limiter=false]")
	natsURL := fs.String("nats", "", "NATS to join (comma-separated URLs); default: start an embedded NATS server")
	listen := fs.String("listen", "127.0.0.1:4222", "where the embedded NATS server listens for other nodes, workers and tail")
	store := fs.String("store", "", "where the embedded NATS server keeps JetStream data (default: the user cache directory)")
	shardsFlag := fs.String("shards", "auto", "the bot's total shard count: auto (as GET /gateway/bot recommends) or a number; give every node the same")
	api := fs.String("api", "", "REST base of a Discord-compatible API (default $DISCORD_API, else Discord)")
	id := fs.String("id", "", "this node's id, unique in the cluster (default: host name and process id)")
	intentsFlag := fs.String("intents", "GUILDS,GUILD_MESSAGES,DIRECT_MESSAGES,MESSAGE_CONTENT", "intents, as names or a number")
	lease := fs.Duration("lease", cluster.DefaultLeaseTTL, "lease time: a dead node's shards move within it")
	replicas := fs.Int("replicas", 1, "NATS servers that keep each bucket and the stream (1, 3 or 5)")
	prefix := fs.String("prefix", "wirecord", "names the bot's buckets, stream and subjects")
	serveLimiter := fs.Bool("rest-limiter", true, "stand by to serve the REST limiter every process of the bot draws from (cluster.NewRemoteLimiter); one node serves at a time")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	count := 0
	if *shardsFlag != "auto" {
		n, err := strconv.Atoi(*shardsFlag)
		if err != nil || n < 1 {
			return usagef("--shards must be auto or a positive number, not %q", *shardsFlag)
		}
		count = n
	}
	intents, err := discord.ParseIntents(*intentsFlag)
	if err != nil {
		return usagef("--intents: %v", err)
	}
	if *lease < time.Second {
		return usagef("--lease %v is too short: at least 1s (renewals come every quarter lease)", *lease)
	}
	if *replicas != 1 && *replicas != 3 && *replicas != 5 {
		return usagef("--replicas must be 1, 3 or 5, not %d", *replicas)
	}
	if *id == "" {
		host, _ := os.Hostname()
		*id = fmt.Sprintf("%s-%d", sanitizeID(host), os.Getpid())
	}
	conn, err := e.connection(*api)
	if err != nil {
		return err
	}

	nc, closeNATS, err := e.joinNATS(ctx, *natsURL, *listen, *store, *id)
	if err != nil {
		return err
	}
	defer closeNATS()

	// The bot's processes share the token's REST limits: draw from the
	// limiter a node serves, or decide alone while none does.
	limiter, err := cluster.NewRemoteLimiter(cluster.RemoteLimiterConfig{NATS: nc, Prefix: *prefix, Logger: e.logger()})
	if err != nil {
		return err
	}
	gctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	gb, err := conn.rest(e, rest.WithLimiter(limiter)).GetBotGateway(gctx)
	cancel()
	if err != nil {
		return explain(err)
	}
	if count == 0 {
		count = max(gb.Shards, 1)
	}
	node, err := cluster.NewNode(cluster.NodeConfig{
		NATS: nc, ID: *id, Prefix: *prefix, Storage: cluster.Storage{Replicas: *replicas}, LeaseTTL: *lease,
		Token: discord.NewToken(conn.token), Intents: intents, ShardCount: count,
		Gateway:        gateway.Config{URL: gb.URL},
		MaxConcurrency: max(gb.SessionStartLimit.MaxConcurrency, 1),
		Logger:         e.logger(),
	})
	if err != nil {
		return usagef("%v", err)
	}
	fmt.Fprintf(e.stdout, "node %s: %d shards in the cluster, lease %v; Ctrl-C hands this node's shards over\n", *id, count, *lease)
	limiterDone := make(chan error, 1)
	limiterCtx, stopLimiter := context.WithCancel(ctx)
	defer stopLimiter()
	if *serveLimiter {
		go func() {
			limiterDone <- cluster.ServeLimiter(limiterCtx, cluster.LimiterServerConfig{
				NATS: nc, Prefix: *prefix, LeaseTTL: *lease, Storage: cluster.Storage{Replicas: *replicas}, Logger: e.logger()})
		}()
	} else {
		limiterDone <- nil
	}
	err = node.Run(ctx)
	stopLimiter()
	if lerr := <-limiterDone; lerr != nil {
		e.logger().Warn("the REST limiter could not be served", "err", lerr)
	}
	return err
}

// joinNATS connects to natsURL, or starts an embedded server on listen
// and connects to it. The returned function closes what it opened.
func (e *env) joinNATS(ctx context.Context, natsURL, listen, store, id string) (*nats.Conn, func(), error) {
	opts := []nats.Option{nats.Name("wirecord node " + id), nats.MaxReconnects(-1), nats.ReconnectWait(250 * time.Millisecond)}
	if natsURL != "" {
		nc, err := nats.Connect(natsURL, opts...)
		if err != nil {
			return nil, nil, fmt.Errorf("connecting to NATS at %s: %w", redactURL(natsURL), err)
		}
		return nc, nc.Close, nil
	}
	host, portStr, err := net.SplitHostPort(listen)
	port, perr := strconv.Atoi(portStr)
	if err != nil || perr != nil || port < 0 {
		return nil, nil, usagef("--listen %q is not HOST:PORT", listen)
	}
	if store == "" {
		dir, err := os.UserCacheDir()
		if err != nil {
			return nil, nil, usagef("no user cache directory (%v): give --store DIR", err)
		}
		store = filepath.Join(dir, "wirecord", "nats-"+strconv.Itoa(port))
	}
	sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	ns, err := cluster.StartServer(sctx, cluster.ServerConfig{Name: id, Host: host, Port: port, StoreDir: store})
	if err != nil {
		return nil, nil, fmt.Errorf("%w (is another node already listening on %s? give it to the others with --nats, or choose --listen)", err, listen)
	}
	nc, err := nats.Connect(ns.ClientURL(), opts...)
	if err != nil {
		ns.Shutdown()
		return nil, nil, fmt.Errorf("connecting to the embedded NATS server: %w", err)
	}
	if err := cluster.WaitJetStream(sctx, nc); err != nil {
		nc.Close()
		ns.Shutdown()
		return nil, nil, err
	}
	fmt.Fprintf(e.stdout, "embedded NATS at %s (JetStream in %s): start other nodes with --nats %s\n", ns.ClientURL(), store, ns.ClientURL())
	return nc, func() { nc.Close(); ns.Shutdown() }, nil
}

// connectNATS opens a client connection for status and tail.
func connectNATS(natsURL string) (*nats.Conn, error) {
	nc, err := nats.Connect(natsURL, nats.Name("wirecord-cluster"), nats.Timeout(5*time.Second))
	if err != nil {
		return nil, fmt.Errorf("connecting to NATS at %s: %w (is a node running? wirecord node starts one)", redactURL(natsURL), err)
	}
	return nc, nil
}

// redactURL drops the credentials of NATS URLs, for messages.
func redactURL(s string) string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if u, err := url.Parse(strings.TrimSpace(part)); err == nil && u.User != nil {
			u.User = url.User("redacted")
			part = u.String()
		}
		out = append(out, part)
	}
	return strings.Join(out, ",")
}

// sanitizeID keeps the letters, digits, - and _ of a host name.
func sanitizeID(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			b[i] = '-'
		}
	}
	if len(b) == 0 {
		return "node"
	}
	return string(b)
}

// connection is the token and REST base, as wirecord tail takes them.
type connection struct {
	token string
	api   string
}

func (e *env) connection(api string) (connection, error) {
	c := connection{token: strings.TrimPrefix(strings.TrimSpace(e.getenv("DISCORD_TOKEN")), "Bot "), api: api}
	source := "--api"
	if c.api == "" {
		c.api, source = e.getenv("DISCORD_API"), "DISCORD_API"
	}
	if c.api == "" {
		c.api = rest.DefaultBaseURL
	}
	if u, err := url.Parse(c.api); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return c, usagef("%s %q is not an http or https URL with a host: give the REST base, such as %s", source, c.api, rest.DefaultBaseURL)
	}
	if c.token == "" {
		return c, usagef("no token: set DISCORD_TOKEN to the bot token (to try without one, run 'wirecord fake' and point DISCORD_API at it)")
	}
	return c, nil
}

func (c connection) rest(e *env, opts ...rest.Option) *rest.Client {
	return rest.New(c.token, append([]rest.Option{rest.WithBaseURL(c.api), rest.WithLogger(e.logger())}, opts...)...)
}

// explain turns an error of GET /gateway/bot into what to do.
func explain(err error) error {
	if errors.Is(err, rest.ErrUnauthorized) {
		return errors.New("Discord rejected the token (HTTP 401): check DISCORD_TOKEN")
	}
	return fmt.Errorf("asking GET /gateway/bot for the gateway URL and shard count: %w", err)
}
