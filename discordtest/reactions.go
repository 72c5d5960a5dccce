package discordtest

import (
	"fmt"

	"github.com/wirecord/wirecord/discord"
)

// React adds a user's reaction (a unicode emoji) to a message, as if
// clicked in Discord: MESSAGE_REACTION_ADD goes to the sessions that route
// the channel's guild and have GUILD_MESSAGE_REACTIONS (DMs: shard 0,
// DIRECT_MESSAGE_REACTIONS). Adding it again after Unreact sends the same
// event again, as Discord does.
func (s *Server) React(channel discord.ChannelID, message discord.MessageID, user discord.UserID, emoji string) error {
	return s.reaction(discord.EventMessageReactionAdd, channel, message, user, emoji)
}

// Unreact removes a user's reaction: MESSAGE_REACTION_REMOVE, routed as
// React's.
func (s *Server) Unreact(channel discord.ChannelID, message discord.MessageID, user discord.UserID, emoji string) error {
	return s.reaction(discord.EventMessageReactionRemove, channel, message, user, emoji)
}

func (s *Server) reaction(name string, channel discord.ChannelID, message discord.MessageID, user discord.UserID, emoji string) error {
	w := s.world
	w.mu.Lock()
	c := w.channels[channel]
	if c == nil {
		w.mu.Unlock()
		return errUnknownChannel
	}
	found := false
	for _, m := range c.messages {
		if m.ID == message {
			found = true
			break
		}
	}
	_, known := w.users[user]
	guild := c.ch.GuildID
	w.mu.Unlock()
	if !found {
		return fmt.Errorf("discordtest: no message %v in channel %v", message, channel)
	}
	if !known {
		return fmt.Errorf("discordtest: unknown user %v", user)
	}
	d := map[string]any{"user_id": user, "channel_id": channel, "message_id": message,
		"emoji": map[string]any{"id": nil, "name": emoji}, "burst": false, "type": 0}
	intent := discord.IntentDirectMessageReactions
	if guild != 0 {
		d["guild_id"] = guild
		intent = discord.IntentGuildMessageReactions
	}
	s.broadcast(guild, intent, name, d)
	return nil
}
