package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"github.com/wirecord/wirecord/discord"
	"github.com/wirecord/wirecord/gateway"
	"github.com/wirecord/wirecord/rest"
	"github.com/wirecord/wirecord/shard"
)

// connection holds what tail and gateway need to reach Discord or a
// Discord-compatible API.
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
		return c, usagef("no token: set DISCORD_TOKEN to the bot token (to try without one, run 'wirecord demo', or 'wirecord fake' and point DISCORD_API at it)")
	}
	return c, nil
}

func (c connection) rest(e *env) *rest.Client {
	return rest.New(c.token, rest.WithBaseURL(c.api), rest.WithLogger(e.logger()))
}

// explain turns a fatal error into one sentence that says what to do.
func explain(err error) error {
	var ce *gateway.CloseError
	if errors.As(err, &ce) {
		switch ce.Code {
		case discord.CloseAuthenticationFailed:
			return errors.New("Discord rejected the token (close 4004): check DISCORD_TOKEN; a reset token invalidates the old one")
		case discord.CloseDisallowedIntents:
			return errors.New("Discord refused privileged intents the application has not enabled (close 4014): enable them in the Developer Portal (Bot > Privileged Gateway Intents) or drop them with --intents")
		case discord.CloseInvalidIntents:
			return errors.New("the intents are invalid (close 4013): use documented intent names or bits")
		case discord.CloseInvalidShard:
			return errors.New("the shard id or count is invalid (close 4010): check --shards")
		case discord.CloseShardingRequired:
			return errors.New("the bot is in too many guilds for this shard count (close 4011): use --shards auto or more shards")
		case discord.CloseInvalidAPIVersion:
			return errors.New("the gateway refused API version 10 (close 4012)")
		}
		return err
	}
	if errors.Is(err, rest.ErrUnauthorized) {
		return errors.New("Discord rejected the token (HTTP 401): check DISCORD_TOKEN")
	}
	return err
}

// parseIntentsFlag reads --intents, refusing what Discord would refuse
// (an undocumented bit closes the session with 4013) and the empty set,
// with which tail would receive nothing.
func parseIntentsFlag(v string) (discord.Intents, error) {
	intents, err := discord.ParseIntents(v)
	if err != nil {
		return 0, usagef("--intents: %v", err)
	}
	if u := intents.Undocumented(); u != 0 {
		return 0, usagef("--intents %s asks for bits Discord does not document (%#x), which it refuses with close 4013: use the names %s or their bits",
			v, uint64(u), strings.Join(discord.IntentsAll.Names(), ", "))
	}
	if intents == 0 {
		return 0, usagef("--intents %s asks for no intents, so tail would receive no events: name at least one, such as GUILD_MESSAGES", v)
	}
	return intents, nil
}

func runTail(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "tail", "tail [--json] [--bots] [--intents LIST] [--shards auto|N] [--compress C] [--encoding E] [--api URL] [--nats URL]")
	asJSON := fs.Bool("json", false, `print every dispatch as one JSON object per line: {"t":NAME,"s":SEQ,"shard":ID,"d":PAYLOAD}`)
	bots := fs.Bool("bots", false, "also print messages written by bots")
	intentsFlag := fs.String("intents", "GUILD_MESSAGES,DIRECT_MESSAGES,MESSAGE_CONTENT", "intents, as names or a number")
	shardsFlag := fs.String("shards", "auto", "shard count: auto (as GET /gateway/bot recommends) or a number")
	comp := fs.String("compress", string(gateway.CompressZstd), "transport compression: zstd-stream, zlib-stream or none")
	enc := fs.String("encoding", string(gateway.EncodingJSON), "payload encoding: json or etf")
	api := fs.String("api", "", "REST base of a Discord-compatible API (default $DISCORD_API, else Discord)")
	natsURL := fs.String("nats", "", "read the events a cluster's nodes publish to NATS at URL instead of connecting to Discord (runs wirecord-cluster tail; takes --json and --bots)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *natsURL != "" {
		return runCluster(ctx, e, append([]string{"tail"}, args...))
	}
	intents, err := parseIntentsFlag(*intentsFlag)
	if err != nil {
		return err
	}
	count := 0
	if *shardsFlag != "auto" {
		if count, err = strconv.Atoi(*shardsFlag); err != nil || count < 1 {
			return usagef("--shards must be auto or a positive number, not %q", *shardsFlag)
		}
	}
	switch gateway.Compression(*comp) {
	case gateway.CompressZstd, gateway.CompressZlib, gateway.CompressNone:
	default:
		return usagef("--compress must be zstd-stream, zlib-stream or none")
	}
	switch gateway.Encoding(*enc) {
	case gateway.EncodingJSON, gateway.EncodingETF:
	default:
		return usagef("--encoding must be json or etf")
	}
	conn, err := e.connection(*api)
	if err != nil {
		return err
	}
	m, err := shard.NewManager(shard.ManagerConfig{
		Token: discord.NewToken(conn.token), Intents: intents, ShardCount: count, REST: conn.rest(e), Logger: e.logger(),
		Gateway: gateway.Config{Compression: gateway.Compression(*comp), Encoding: gateway.Encoding(*enc)},
	})
	if err != nil {
		return err
	}
	var mu sync.Mutex // one line at a time, whatever the shard
	if *asJSON {
		m.OnDispatch("", func(ctx context.Context, d *shard.Dispatch) {
			line := struct {
				T     string          `json:"t"`
				S     int64           `json:"s"`
				Shard int             `json:"shard"`
				D     json.RawMessage `json:"d"`
			}{d.Name, d.Seq, d.ShardID, d.Data}
			if d.Err != nil || !json.Valid(d.Data) {
				line.D = json.RawMessage("null")
			}
			b, _ := json.Marshal(line)
			mu.Lock()
			fmt.Fprintf(e.stdout, "%s\n", b)
			mu.Unlock()
		})
	} else {
		shard.On(m, func(ctx context.Context, msg *discord.MessageCreate) {
			if msg.Author.Bot && !*bots {
				return
			}
			mu.Lock()
			fmt.Fprintf(e.stdout, "%s: %s\n", displayName(msg.Author), msg.Content)
			mu.Unlock()
		})
	}
	if err := m.Run(ctx); err != nil {
		return explain(err)
	}
	return nil
}

func displayName(u discord.User) string {
	if u.GlobalName != nil && *u.GlobalName != "" {
		return *u.GlobalName
	}
	return u.Username
}

func runGateway(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "gateway", "gateway [--api URL]")
	api := fs.String("api", "", "REST base of a Discord-compatible API (default $DISCORD_API, else Discord)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	conn, err := e.connection(*api)
	if err != nil {
		return err
	}
	gb, err := conn.rest(e).GetBotGateway(ctx)
	if err != nil {
		return explain(err)
	}
	l := gb.SessionStartLimit
	fmt.Fprintf(e.stdout, "url:                  %s\n", gb.URL)
	fmt.Fprintf(e.stdout, "recommended shards:   %d\n", gb.Shards)
	fmt.Fprintf(e.stdout, "max concurrency:      %d\n", l.MaxConcurrency)
	fmt.Fprintf(e.stdout, "session starts:       %d of %d left, reset in %v\n", l.Remaining, l.Total, l.ResetAfter().Round(1e9))
	return nil
}
