package shard

import (
	"bytes"
	"encoding/json"
	"hash/maphash"

	"github.com/wirecord/wirecord/discord"
)

// idFields are the fields that identify an event.
type idFields struct {
	ID        looseID `json:"id"`
	GuildID   looseID `json:"guild_id"`
	MessageID looseID `json:"message_id"`
	UserID    looseID `json:"user_id"`
	Edited    looseID `json:"edited_timestamp"`
	Emoji     *struct {
		ID   looseID `json:"id"`
		Name string  `json:"name"`
	} `json:"emoji"`
}

// looseID is any JSON value, kept as its text: snowflakes come as strings
// or (from ETF) numbers, and a malformed one must not hide the others.
type looseID string

func (l *looseID) UnmarshalJSON(b []byte) error {
	*l = looseID(bytes.Trim(b, `"`))
	if *l == "null" {
		*l = ""
	}
	return nil
}

// identify returns the guild an event belongs to and its identity: what
// Discord makes unique about it (a message's id, a reaction's message,
// user and emoji...), and its payload only where Discord gives nothing
// better. The same identity may recur (a reaction removed and added
// again); the handoff matches identities in order, so that is fine.
func (h *handoff) identify(d *Dispatch) (guild string, key uint64) {
	var f idFields
	json.Unmarshal(d.Data, &f) // a partial decode still identifies
	guild = string(f.GuildID)
	var mh maphash.Hash
	mh.SetSeed(h.m.seed)
	mh.WriteString(d.Name)
	mh.WriteByte(0)
	withPayload := false
	switch d.Name {
	case discord.EventGuildCreate, discord.EventGuildDelete:
		guild = string(f.ID)
		mh.WriteString(string(f.ID))
	case discord.EventGuildUpdate:
		guild = string(f.ID)
		withPayload = true
	case discord.EventMessageCreate, discord.EventMessageDelete, discord.EventInteractionCreate,
		discord.EventChannelCreate, discord.EventChannelDelete, discord.EventThreadCreate, discord.EventThreadDelete:
		mh.WriteString(string(f.ID))
		withPayload = f.ID == ""
	case discord.EventMessageUpdate:
		mh.WriteString(string(f.ID))
		mh.WriteByte(0)
		mh.WriteString(string(f.Edited))
		withPayload = f.Edited == ""
	case discord.EventMessageReactionAdd, discord.EventMessageReactionRemove,
		discord.EventMessageReactionRemoveAll, discord.EventMessageReactionRemoveEmoji:
		mh.WriteString(string(f.MessageID))
		mh.WriteByte(0)
		mh.WriteString(string(f.UserID))
		if f.Emoji != nil {
			mh.WriteByte(0)
			mh.WriteString(string(f.Emoji.ID))
			mh.WriteByte(0)
			mh.WriteString(f.Emoji.Name)
		}
	default:
		withPayload = true
	}
	if withPayload {
		mh.WriteByte(0)
		mh.Write(d.Data)
	}
	return guild, mh.Sum64()
}

// readyGuilds returns the guilds a READY lists.
func readyGuilds(d *Dispatch) map[discord.GuildID]bool {
	var r struct {
		Guilds []struct {
			ID discord.GuildID `json:"id"`
		} `json:"guilds"`
	}
	json.Unmarshal(d.Data, &r)
	g := make(map[discord.GuildID]bool, len(r.Guilds))
	for _, u := range r.Guilds {
		g[u.ID] = true
	}
	return g
}

func guildCreateID(d *Dispatch) (discord.GuildID, bool) {
	var g struct {
		ID discord.GuildID `json:"id"`
	}
	err := json.Unmarshal(d.Data, &g)
	return g.ID, err == nil && g.ID != 0
}
