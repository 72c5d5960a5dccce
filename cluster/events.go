package cluster

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/wirecord/wirecord/shard"
)

// Headers of every event message in the stream, besides Nats-Msg-Id
// (<session>:<seq>, which JetStream de-duplicates on).
const (
	HeaderShard   = "Wirecord-Shard"
	HeaderSession = "Wirecord-Session"
	HeaderSeq     = "Wirecord-Seq"
	HeaderGuild   = "Wirecord-Guild" // absent for events of no guild
	HeaderError   = "Wirecord-Error" // set when the payload could not be read
)

// DefaultDuplicateWindow is how long the stream remembers message ids:
// a replay after a resume, or a takeover that overlaps, within it is
// stored once. It is longer than Discord keeps a session resumable.
const DefaultDuplicateWindow = 10 * time.Minute

// names derives every NATS name of one bot's cluster from a prefix.
type names struct{ prefix string }

func (n names) stream() string   { return strings.ToUpper(n.prefix) + "_EVENTS" }
func (n names) leases() string   { return n.prefix + "_leases" }
func (n names) nodes() string    { return n.prefix + "_nodes" }
func (n names) sessions() string { return n.prefix + "_sessions" }
func (n names) identify() string { return n.prefix + "_identify" }
func (n names) events() string   { return n.prefix + ".events.>" }

// command is where one shard's commands go: <prefix>.cmd.<shard>. Only
// the node that runs the shard listens there.
func (n names) command(shardID int) string { return n.prefix + ".cmd." + strconv.Itoa(shardID) }

// subject is where one dispatch goes: <prefix>.events.<shard>.<NAME>.
func (n names) subject(shardID int, name string) string {
	if name == "" {
		name = "_"
	}
	return n.prefix + ".events." + strconv.Itoa(shardID) + "." + name
}

func (n names) shardSubjects(shardID int) string {
	return n.prefix + ".events." + strconv.Itoa(shardID) + ".>"
}

// eventStream creates the stream or updates its configuration.
func eventStream(ctx context.Context, js jetstream.JetStream, n names, st Storage, maxAge time.Duration) (jetstream.Stream, error) {
	cfg := jetstream.StreamConfig{
		Name:       n.stream(),
		Subjects:   []string{n.events()},
		Storage:    st.kind(),
		Replicas:   st.replicas(),
		Duplicates: DefaultDuplicateWindow,
		MaxAge:     maxAge,
	}
	// As for buckets (Storage.keyValue): create, update only on a
	// different configuration.
	s, err := js.CreateStream(ctx, cfg)
	if errors.Is(err, jetstream.ErrStreamNameAlreadyInUse) {
		s, err = js.UpdateStream(ctx, cfg)
	}
	if err != nil {
		return nil, fmt.Errorf("cluster: opening stream %s: %w", n.stream(), err)
	}
	return s, nil
}

// msgID is the message id of a dispatch: one per session and sequence.
func msgID(session string, seq int64) string { return session + ":" + strconv.FormatInt(seq, 10) }

// eventMsg builds the stream message of a dispatch.
func eventMsg(n names, session string, d *shard.Dispatch) *nats.Msg {
	m := nats.NewMsg(n.subject(d.ShardID, d.Name))
	m.Data = d.Data
	m.Header.Set(jetstream.MsgIDHeader, msgID(session, d.Seq))
	m.Header.Set(HeaderShard, strconv.Itoa(d.ShardID))
	m.Header.Set(HeaderSession, session)
	m.Header.Set(HeaderSeq, strconv.FormatInt(d.Seq, 10))
	if g := guildOf(d.Name, d.Data); g != "" {
		m.Header.Set(HeaderGuild, g)
	}
	if d.Err != nil {
		m.Header.Set(HeaderError, d.Err.Error())
	}
	return m
}

// guildOf returns the guild id of a dispatch: guild_id, or id for the
// GUILD_CREATE/UPDATE/DELETE events whose d is the guild.
func guildOf(name string, data json.RawMessage) string {
	var v struct {
		GuildID string `json:"guild_id"`
		ID      string `json:"id"`
	}
	if len(data) == 0 || data[0] != '{' || json.Unmarshal(data, &v) != nil {
		return ""
	}
	switch name {
	case "GUILD_CREATE", "GUILD_UPDATE", "GUILD_DELETE":
		return v.ID
	}
	return v.GuildID
}

// errForeignMessage is wrapped by lastPublished's error when the last
// message of a shard's subjects is not a dispatch a node published
// (anyone on the bot's NATS may publish there, and the stream takes it).
// It is no record of a sequence, and reading again will not change it.
var errForeignMessage = errors.New("not an event a node published")

// lastPublished returns the session and sequence of the last dispatch of
// shardID in the stream: the record a new owner resumes from.
func lastPublished(ctx context.Context, s jetstream.Stream, n names, shardID int) (session string, seq int64, err error) {
	m, err := s.GetLastMsgForSubject(ctx, n.shardSubjects(shardID))
	if errors.Is(err, jetstream.ErrMsgNotFound) {
		return "", 0, nil
	}
	if err != nil {
		return "", 0, fmt.Errorf("cluster: reading shard %d's last event: %w", shardID, err)
	}
	seq, err = strconv.ParseInt(m.Header.Get(HeaderSeq), 10, 64)
	if err != nil {
		return "", 0, fmt.Errorf("cluster: shard %d's last message in the stream (stream seq %d) has a bad %s header %q: %w",
			shardID, m.Sequence, HeaderSeq, m.Header.Get(HeaderSeq), errForeignMessage)
	}
	return m.Header.Get(HeaderSession), seq, nil
}
