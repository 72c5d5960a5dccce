package discordtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/wirecord/wirecord/discord"
)

// Interact simulates a user running the application's slash command name
// in a guild channel: an INTERACTION_CREATE goes to the session that
// routes the guild. The bot answers through the interaction endpoints;
// InteractionResponse shows what it answered.
func (s *Server) Interact(channel discord.ChannelID, user discord.UserID, name string) (discord.Interaction, error) {
	w := s.world
	w.mu.Lock()
	c, u := w.channels[channel], w.users[user]
	if c == nil || u == nil {
		w.mu.Unlock()
		return discord.Interaction{}, fmt.Errorf("discordtest: unknown channel %v or user %v", channel, user)
	}
	id := discord.InteractionID(w.newID())
	it := discord.Interaction{
		ID:            id,
		ApplicationID: w.appID,
		Type:          discord.InteractionTypeApplicationCommand,
		Data:          mustJSON(map[string]any{"id": discord.Snowflake(w.newID()), "name": name, "type": 1}),
		ChannelID:     channel,
		GuildID:       c.ch.GuildID,
		Token:         fmt.Sprintf("interaction.token.%d", id),
		Version:       1,
	}
	if g := w.guilds[c.ch.GuildID]; g != nil {
		if m := g.members[user]; m != nil {
			cp := *m
			it.Member = &cp
		}
	} else {
		uc := *u
		it.User = &uc
	}
	w.inter[id] = &interactionState{it: it}
	guild := c.ch.GuildID
	w.mu.Unlock()
	s.rec.add(KindFault, 0, -1, "interaction %s /%s", id, name)
	s.broadcast(guild, 0, discord.EventInteractionCreate, it)
	return it, nil
}

// InteractionResponse returns the bot's answer to an interaction (nil
// before it answered) and its follow-up messages.
func (s *Server) InteractionResponse(id discord.InteractionID) (*discord.InteractionResponse, []discord.Message) {
	w := s.world
	w.mu.Lock()
	defer w.mu.Unlock()
	st := w.inter[id]
	if st == nil {
		return nil, nil
	}
	var fs []discord.Message
	for _, m := range st.followups {
		fs = append(fs, *m)
	}
	return st.response, fs
}

func (s *Server) interactionByToken(token string) *interactionState {
	w := s.world
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, st := range w.inter {
		if st.it.Token == token {
			return st
		}
	}
	return nil
}

func (s *Server) postInteractionCallback(w http.ResponseWriter, r *http.Request) {
	id, _ := pathID(r, "interaction_id")
	wd := s.world
	wd.mu.Lock()
	st := wd.inter[discord.InteractionID(id)]
	wd.mu.Unlock()
	if st == nil || st.it.Token != r.PathValue("interaction_token") {
		apiError(w, http.StatusNotFound, codeUnknownInteract, "Unknown interaction")
		return
	}
	var resp discord.InteractionResponse
	if !decodeBody(w, r, &resp) {
		return
	}
	wd.mu.Lock()
	if st.responded {
		wd.mu.Unlock()
		apiError(w, http.StatusBadRequest, codeAlreadyAcked, "Interaction has already been acknowledged.")
		return
	}
	if time.Since(st.it.ID.Time()) > 3*time.Second+time.Minute {
		// Discord allows 3 s; the fake is lenient but not endless.
		wd.mu.Unlock()
		apiError(w, http.StatusNotFound, codeUnknownInteract, "Unknown interaction")
		return
	}
	st.responded = true
	st.response = &resp
	wd.mu.Unlock()
	if resp.Type == discord.InteractionResponseChannelMessageWithSource && resp.Data != nil {
		m, err := s.botMessage(st, discord.MessageSend{Content: resp.Data.Content, Embeds: resp.Data.Embeds,
			Components: resp.Data.Components, Flags: resp.Data.Flags})
		if err == nil {
			wd.mu.Lock()
			st.original = &m
			wd.mu.Unlock()
		}
	}
	w.WriteHeader(http.StatusNoContent)
}

// botMessage posts a message by the bot in the interaction's channel.
func (s *Server) botMessage(st *interactionState, send discord.MessageSend) (discord.Message, error) {
	_, bot := s.Application()
	return s.createMessage(st.it.ChannelID, bot.ID, send)
}

func (s *Server) webhookInteraction(w http.ResponseWriter, r *http.Request) *interactionState {
	app, _ := pathID(r, "application_id")
	st := s.interactionByToken(r.PathValue("interaction_token"))
	if st == nil || discord.ApplicationID(app) != s.world.appID {
		apiError(w, http.StatusNotFound, 10015, "Unknown Webhook")
		return nil
	}
	return st
}

func (s *Server) postFollowup(w http.ResponseWriter, r *http.Request) {
	st := s.webhookInteraction(w, r)
	if st == nil {
		return
	}
	var send discord.MessageSend
	if !decodeBody(w, r, &send) || !validateSend(w, &send) {
		return
	}
	s.world.mu.Lock()
	acked := st.responded
	s.world.mu.Unlock()
	if !acked {
		apiError(w, http.StatusBadRequest, codeUnknownInteract, "Unknown interaction: respond before following up")
		return
	}
	m, err := s.botMessage(st, send)
	if err != nil {
		apiError(w, http.StatusNotFound, codeUnknownChannel, "Unknown Channel")
		return
	}
	s.world.mu.Lock()
	st.followups = append(st.followups, &m)
	s.world.mu.Unlock()
	writeJSON(w, http.StatusOK, m)
}

func (s *Server) getOriginal(w http.ResponseWriter, r *http.Request) {
	st := s.webhookInteraction(w, r)
	if st == nil {
		return
	}
	s.world.mu.Lock()
	orig := st.original
	s.world.mu.Unlock()
	if orig == nil {
		apiError(w, http.StatusNotFound, codeUnknownMessage, "Unknown Message")
		return
	}
	writeJSON(w, http.StatusOK, orig)
}

func (s *Server) patchOriginal(w http.ResponseWriter, r *http.Request) {
	st := s.webhookInteraction(w, r)
	if st == nil {
		return
	}
	var edit discord.MessageSend
	if !decodeBody(w, r, &edit) {
		return
	}
	s.world.mu.Lock()
	if st.original == nil && st.responded && st.response != nil &&
		st.response.Type == discord.InteractionResponseDeferredChannelMessageWithSource {
		// Editing the original of a deferred answer posts it.
		s.world.mu.Unlock()
		m, err := s.botMessage(st, edit)
		if err != nil {
			apiError(w, http.StatusNotFound, codeUnknownChannel, "Unknown Channel")
			return
		}
		s.world.mu.Lock()
		st.original = &m
		s.world.mu.Unlock()
		writeJSON(w, http.StatusOK, m)
		return
	}
	if st.original == nil {
		s.world.mu.Unlock()
		apiError(w, http.StatusNotFound, codeUnknownMessage, "Unknown Message")
		return
	}
	st.original.Content = edit.Content
	now := time.Now().UTC()
	st.original.EditedTimestamp = &now
	out := *st.original
	s.world.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) deleteOriginal(w http.ResponseWriter, r *http.Request) {
	st := s.webhookInteraction(w, r)
	if st == nil {
		return
	}
	s.world.mu.Lock()
	st.original = nil
	s.world.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
