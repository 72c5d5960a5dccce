package shard

import (
	"crypto/tls"
	"fmt"
	"log/slog"
	"time"

	"github.com/wirecord/wirecord/discord"
	"github.com/wirecord/wirecord/gateway"
	"github.com/wirecord/wirecord/rest"
)

// ManagerConfig configures a Manager. Token is required; every other zero
// value means the documented default.
type ManagerConfig struct {
	// Token is the bot token (discord.NewToken); it never prints.
	Token discord.Token
	// Intents are the gateway intents of every shard.
	Intents discord.Intents

	// ShardCount is the total number of shards. Zero asks GET /gateway/bot
	// for the recommended count.
	ShardCount int
	// ShardIDs are the shards this process runs, for bots split over
	// several processes. Default: all of 0..ShardCount-1.
	ShardIDs []int

	// Gateway is the template of every shard's engine configuration:
	// URL, encoding, compression, presence, large threshold, properties.
	// Token, Intents, shard id and count are set by the Manager. An empty
	// URL means the one GET /gateway/bot returns.
	Gateway gateway.Config

	// GatewayHosts are hosts, besides discord.gg and its subdomains, that
	// the url of a GET /gateway/bot answer may name ("gw.example" or
	// "*.example"); ws (plaintext) is accepted for them. The host of a
	// REST base URL set with rest.WithBaseURL is trusted too, with ws only
	// when that base is http. Any other url is refused with a
	// *GatewayURLError. Not used when Gateway.URL is set.
	GatewayHosts []string

	// REST is used for GET /gateway/bot. Default: rest.New(Token).
	REST *rest.Client

	// Queue grants IDENTIFYs. Default: a LocalQueue with the bot's
	// max_concurrency and session start budget from GET /gateway/bot.
	Queue IdentifyQueue

	// Sessions are sessions to resume, by shard id, for example exported
	// by another process with Manager.Sessions during a rolling deploy.
	Sessions map[int]gateway.SessionState

	// Dialer, TLSConfig, Logger, Metrics, EventBuffer and WriteTimeout
	// are passed to every Shard (see Config).
	Dialer       Dialer
	TLSConfig    *tls.Config
	Logger       *slog.Logger
	Metrics      Metrics
	EventBuffer  int
	WriteTimeout time.Duration

	// HandlerConcurrency is how many events of one shard may be handled
	// at once. 0 or 1 runs handlers one event at a time, in the shard's
	// order; more trades order for throughput.
	HandlerConcurrency int

	// HandoffBuffer bounds the dispatches each shard of a set coming up in
	// a Rescale holds until the switch. When it is full that shard's
	// events wait in its own queue (EventBuffer), then at Discord: the
	// shard stops reading and keeps heartbeating; nothing is dropped.
	// Default DefaultHandoffBuffer.
	HandoffBuffer int

	// RescaleOnShardingRequired makes a 4011 close (sharding required)
	// start a rescale to the count GET /gateway/bot recommends, instead of
	// stopping the Manager.
	RescaleOnShardingRequired bool
}

// String describes the configuration without the token.
func (c ManagerConfig) String() string {
	tok := c.Token.String()
	return fmt.Sprintf("shard.ManagerConfig{Token:%s Intents:%s ShardCount:%d ShardIDs:%v Gateway:%v}",
		tok, c.Intents, c.ShardCount, c.ShardIDs, c.Gateway)
}

// GoString is String, so %#v redacts the token too.
func (c ManagerConfig) GoString() string { return c.String() }

// LogValue logs the configuration without the token.
func (c ManagerConfig) LogValue() slog.Value {
	return slog.GroupValue(
		slog.Any("token", c.Token),
		slog.String("intents", c.Intents.String()),
		slog.Int("shard_count", c.ShardCount),
		slog.Any("shard_ids", c.ShardIDs),
		slog.Any("gateway", c.Gateway),
	)
}

// DefaultHandoffBuffer is the default of ManagerConfig.HandoffBuffer.
const DefaultHandoffBuffer = 4096
