package gateway

import (
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	randv2 "math/rand/v2"
	"net/url"
	"runtime"
	"time"

	"github.com/wirecord/wirecord/discord"
)

// Version is the gateway API version wirecord speaks.
const Version = 10

// DefaultURL is Discord's gateway. Bots should prefer the URL that
// GET /gateway/bot returns (PROTOCOL.md §1).
const DefaultURL = "wss://gateway.discord.gg/"

// Encoding is the payload encoding asked for in the connection URL.
type Encoding string

// The encodings Discord offers (PROTOCOL.md §8). Both decode into the same
// types.
const (
	EncodingJSON Encoding = "json"
	EncodingETF  Encoding = "etf"
)

// Compression is the transport compression asked for in the connection URL.
type Compression string

// The transport compressions Discord offers (PROTOCOL.md §8).
const (
	CompressNone Compression = "none"
	CompressZlib Compression = "zlib-stream"
	CompressZstd Compression = "zstd-stream"
)

// Defaults for the zero values of Config.
const (
	DefaultMaxMessageSize   = 16 << 20
	DefaultHandshakeTimeout = 20 * time.Second
	DefaultCloseTimeout     = 5 * time.Second
	DefaultLargeThreshold   = 0 // Discord's own default (50) applies
	DefaultBackoffMin       = time.Second
	DefaultBackoffMax       = 2 * time.Minute
	DefaultSendLimit        = 120
	DefaultSendWindow       = 60 * time.Second
)

// MaxPayloadSize is the largest payload a client may send; a larger one
// would be closed with 4002 (PROTOCOL.md §7), so Send refuses it first.
const MaxPayloadSize = 4096

// Config configures an Engine. Only Token is required; every other zero
// value means the documented default.
//
// Config holds the bot token as a discord.Token, which never prints: a
// Config, and any value holding one, even in an unexported field, prints
// and logs without it.
type Config struct {
	// URL is the gateway URL, as GET /gateway/bot returns it. The engine
	// sets the v, encoding and compress query parameters itself.
	// Default DefaultURL.
	URL string

	// Token is the bot token (discord.NewToken). It prints and logs as
	// "[redacted]" wherever the Config is held.
	Token discord.Token

	// Intents are sent in IDENTIFY.
	Intents discord.Intents

	// ShardID and ShardCount are sent in IDENTIFY when ShardCount > 0.
	ShardID, ShardCount int

	// Encoding is EncodingJSON (default) or EncodingETF.
	Encoding Encoding

	// Compression is the transport compression: CompressZlib (default),
	// CompressZstd or CompressNone.
	Compression Compression

	// Properties are IDENTIFY's connection properties. Default: the OS,
	// and "wirecord" as browser and device.
	Properties discord.IdentifyProperties

	// Presence is the presence sent in IDENTIFY. A later UpdatePresence
	// sent through the engine replaces it for future IDENTIFYs.
	Presence *discord.UpdatePresence

	// LargeThreshold (50-250) is sent in IDENTIFY when set.
	LargeThreshold int

	// MaxMessageSize bounds one received message, compressed and
	// decompressed alike. Default DefaultMaxMessageSize.
	MaxMessageSize int

	// MaxZstdWindow bounds the zstd window the server may declare, which is
	// what a zstd-stream connection costs in memory. Default 8 MiB.
	MaxZstdWindow int

	// UserAgent is sent with the upgrade request.
	UserAgent string

	// HandshakeTimeout bounds the time from Connect to Hello.
	// Default DefaultHandshakeTimeout.
	HandshakeTimeout time.Duration

	// CloseTimeout bounds how long a close we start waits for the
	// server's answer. Default DefaultCloseTimeout.
	CloseTimeout time.Duration

	// BackoffMin and BackoffMax shape the reconnect back-off: the first
	// retry of a healthy session is immediate, then the wait doubles from
	// BackoffMin up to BackoffMax, with jitter. Defaults 1 s and 2 min.
	BackoffMin, BackoffMax time.Duration

	// SendLimit commands may be sent per SendWindow on one connection,
	// heartbeats included (PROTOCOL.md §7). Defaults 120 per 60 s; change
	// them only to match a server other than Discord.
	SendLimit  int
	SendWindow time.Duration

	// ResumeHosts are host names that READY's resume_gateway_url may
	// point to besides Discord's own (discord.gg and its subdomains) and
	// the host of URL. A name starting with "*." matches every subdomain
	// of the rest. A resume URL elsewhere is ignored (an OutOfRange event
	// says so) and the session resumes at URL. Whatever this says, a
	// resume never goes from wss to ws.
	ResumeHosts []string

	// Session, when set, is a session to resume (for example one exported
	// by another process during a rolling deploy).
	Session *SessionState

	// Rand returns uniform values in [0, 1) for heartbeat and back-off
	// jitter. Default math/rand/v2. Tests inject a fixed source.
	Rand func() float64

	// Entropy supplies the WebSocket key and frame masks. Default
	// crypto/rand.Reader.
	Entropy io.Reader
}

// String describes the configuration without the token.
func (c Config) String() string {
	return fmt.Sprintf("gateway.Config{URL:%q Token:%s Intents:%s Shard:[%d %d] Encoding:%s Compression:%s}",
		c.URL, c.Token.String(), c.Intents, c.ShardID, c.ShardCount, c.Encoding, c.Compression)
}

// GoString is String, so %#v redacts the token too.
func (c Config) GoString() string { return c.String() }

// config is Config with defaults applied and the URL parsed.
type config struct {
	Config
	base *url.URL
}

func (c Config) withDefaults() (config, error) {
	out := config{Config: c}
	if out.URL == "" {
		out.URL = DefaultURL
	}
	u, err := url.Parse(out.URL)
	if err != nil {
		return out, fmt.Errorf("gateway: bad URL: %w", err)
	}
	switch u.Scheme {
	case "ws", "wss":
	default:
		return out, fmt.Errorf("gateway: URL scheme %q: want ws or wss", u.Scheme)
	}
	if u.Host == "" {
		return out, fmt.Errorf("gateway: URL %q has no host", out.URL)
	}
	out.base = u
	if out.Encoding == "" {
		out.Encoding = EncodingJSON
	}
	if out.Encoding != EncodingJSON && out.Encoding != EncodingETF {
		return out, fmt.Errorf("gateway: unknown encoding %q (want json or etf)", out.Encoding)
	}
	if out.Compression == "" {
		out.Compression = CompressZlib
	}
	switch out.Compression {
	case CompressNone, CompressZlib, CompressZstd:
	default:
		return out, fmt.Errorf("gateway: unknown compression %q (want zlib-stream, zstd-stream or none)", out.Compression)
	}
	if out.Token.IsZero() {
		return out, fmt.Errorf("gateway: no token")
	}
	if out.ShardCount < 0 || out.ShardID < 0 || (out.ShardCount > 0 && out.ShardID >= out.ShardCount) {
		return out, fmt.Errorf("gateway: shard [%d, %d] is out of range", out.ShardID, out.ShardCount)
	}
	if out.Properties == (discord.IdentifyProperties{}) {
		out.Properties = discord.IdentifyProperties{OS: runtime.GOOS, Browser: "wirecord", Device: "wirecord"}
	}
	if out.MaxMessageSize <= 0 {
		out.MaxMessageSize = DefaultMaxMessageSize
	}
	if out.UserAgent == "" {
		out.UserAgent = "DiscordBot (https://github.com/wirecord/wirecord, 0.1)"
	}
	if out.HandshakeTimeout <= 0 {
		out.HandshakeTimeout = DefaultHandshakeTimeout
	}
	if out.CloseTimeout <= 0 {
		out.CloseTimeout = DefaultCloseTimeout
	}
	if out.BackoffMin <= 0 {
		out.BackoffMin = DefaultBackoffMin
	}
	if out.BackoffMax <= 0 {
		out.BackoffMax = DefaultBackoffMax
	}
	if out.BackoffMax < out.BackoffMin {
		out.BackoffMax = out.BackoffMin
	}
	if out.SendLimit <= 0 {
		out.SendLimit = DefaultSendLimit
	}
	if out.SendWindow <= 0 {
		out.SendWindow = DefaultSendWindow
	}
	if out.Rand == nil {
		out.Rand = randv2.Float64
	}
	if out.Entropy == nil {
		out.Entropy = rand.Reader
	}
	if out.Session != nil && out.Session.ID == "" {
		out.Session = nil
	}
	return out, nil
}

// LogValue logs the configuration without the token.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("url", c.URL),
		slog.String("token", c.Token.String()),
		slog.String("intents", c.Intents.String()),
		slog.Int("shard_id", c.ShardID),
		slog.Int("shard_count", c.ShardCount),
		slog.String("encoding", string(c.Encoding)),
		slog.String("compression", string(c.Compression)),
	)
}
