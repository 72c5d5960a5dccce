package discordtest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wirecord/wirecord/discord"
)

// Discord's JSON error codes used here (PROTOCOL.md §13).
const (
	codeGeneral          = 0
	codeUnknownChannel   = 10003
	codeUnknownGuild     = 10004
	codeUnknownMessage   = 10008
	codeUnknownUser      = 10013
	codeUnknownMember    = 10007
	codeUnknownInteract  = 10062
	codeUnauthorized     = 40001
	codeAlreadyAcked     = 40060
	codeMissingAccess    = 50001
	codeEmptyMessage     = 50006
	codeCannotDM         = 50007
	codeInvalidFormBody  = 50035
	codeInvalidJSON      = 50109
	codeCannotEditOthers = 50005
)

// apiError writes Discord's error body.
func apiError(w http.ResponseWriter, status, code int, message string) {
	writeJSON(w, status, map[string]any{"message": message, "code": code})
}

// formError writes a 400 Invalid Form Body with one field error.
func formError(w http.ResponseWriter, field, code, message string) {
	writeJSON(w, http.StatusBadRequest, map[string]any{
		"message": "Invalid Form Body", "code": codeInvalidFormBody,
		"errors": map[string]any{field: map[string]any{"_errors": []any{map[string]any{"code": code, "message": message}}}},
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if status != http.StatusNoContent {
		json.NewEncoder(w).Encode(v)
	}
}

// handler is a REST route's implementation.
type handler func(w http.ResponseWriter, r *http.Request)

// route describes how a route is served.
type routeSpec struct {
	name    string
	major   string // path value of the major parameter, "" if none
	auth    bool   // needs Authorization: Bot <token>
	global  bool   // counts towards the global limit
	handler handler
}

func (s *Server) registerREST(mux *http.ServeMux) {
	routes := []routeSpec{
		{RouteGetGateway, "", false, true, s.getGateway},
		{RouteGetGatewayBot, "", true, true, s.getGatewayBot},
		{RouteGetCurrentUser, "", true, true, s.getCurrentUser},
		{RouteCreateDM, "", true, true, s.postDM},
		{RouteGetChannel, "channel_id", true, true, s.getChannel},
		{RouteListMessages, "channel_id", true, true, s.listMessages},
		{RouteCreateMessage, "channel_id", true, true, s.postMessage},
		{RouteGetMessage, "channel_id", true, true, s.getMessage},
		{RouteEditMessage, "channel_id", true, true, s.patchMessage},
		{RouteDeleteMessage, "channel_id", true, true, s.deleteMessage},
		{RouteCreateReaction, "channel_id", true, true, s.putReaction},
		{RouteDeleteOwnReaction, "channel_id", true, true, s.deleteReaction},
		{RouteDeleteReaction, "channel_id", true, true, s.deleteReaction},
		{RouteGetReactions, "channel_id", true, true, s.getReactions},
		{RouteGetGuild, "guild_id", true, true, s.getGuild},
		{RouteListMembers, "guild_id", true, true, s.listMembers},
		{RouteGetMember, "guild_id", true, true, s.getMember},
		// Interaction endpoints use the interaction token, not the bot's,
		// and are exempt from the global limit (PROTOCOL.md §13).
		{RouteInteractionReply, "interaction_id", false, false, s.postInteractionCallback},
		{RouteFollowup, "interaction_token", false, false, s.postFollowup},
		{RouteGetOriginal, "interaction_token", false, false, s.getOriginal},
		{RouteEditOriginal, "interaction_token", false, false, s.patchOriginal},
		{RouteDeleteOriginal, "interaction_token", false, false, s.deleteOriginal},
	}
	// Discord serves API versions 10 and 9 alike.
	for _, v := range []string{"/api/v10", "/api/v9"} {
		for _, rt := range routes {
			method, path, _ := strings.Cut(rt.name, " ")
			mux.Handle(method+" "+v+path, s.specFirst(rt.name, s.serveRoute(rt)))
		}
		mux.HandleFunc(v+"/", func(w http.ResponseWriter, r *http.Request) {
			// Every operation of Discord's spec is at least recognised (spec.go).
			if rt, ok := s.specRoute(r); ok {
				s.serveRoute(rt).ServeHTTP(w, r)
				return
			}
			apiError(w, http.StatusNotFound, codeGeneral, "404: Not Found")
		})
	}
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		// Versions other than 10 are not served here.
		apiError(w, http.StatusBadRequest, codeGeneral, "This API version is not supported; use /api/v10")
	})
}

// recorder for the status of an answer.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (s *Server) serveRoute(rt routeSpec) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		w := &statusWriter{ResponseWriter: rw}
		call := RESTCall{Time: time.Now(), Method: r.Method, Path: r.URL.Path, Route: rt.name}
		var notes []note
		defer func() {
			call.Status = w.status
			s.restState.finish(call, &notes)
			for _, n := range notes {
				if n.rule != "" {
					s.rec.violation(n.rule, 0, -1, n.detail)
				} else {
					s.rec.add(n.kind, 0, -1, "%s", n.detail)
				}
			}
			detail := fmt.Sprintf("%s %s -> %d", r.Method, r.URL.Path, w.status)
			if call.Limited {
				detail += " (rate limited, scope " + call.Scope + ")"
			}
			s.rec.add(KindREST, 0, -1, "%s", detail)
		}()
		st := s.restState
		if st.edge(w, &call, &notes) {
			return
		}
		if rt.auth && r.Header.Get("Authorization") != "Bot "+s.Token {
			apiError(w, http.StatusUnauthorized, codeGeneral, "401: Unauthorized")
			return
		}
		major := ""
		if rt.major != "" {
			major = r.PathValue(rt.major)
		}
		if !st.admit(w, rt.name, major, rt.global, &call, &notes) {
			return
		}
		if _, ok := s.checkRequest(w, r); !ok { // auth, path, query and body against the spec (validate.go)
			return
		}
		if d := s.opts.rest.delay; d > 0 {
			time.Sleep(d) // the simulated distance, not synchronisation
		}
		if r.Method == http.MethodPost || r.Method == http.MethodPatch || r.Method == http.MethodPut {
			ct := r.Header.Get("Content-Type")
			if r.ContentLength != 0 && ct != "" && !strings.HasPrefix(ct, "application/json") {
				apiError(w, http.StatusBadRequest, codeInvalidFormBody, "Invalid Form Body")
				return
			}
		}
		rt.handler(w, r)
	})
}

// decodeBody reads a JSON body, writing Discord's error when it is bad.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	b, err := io.ReadAll(io.LimitReader(r.Body, 8<<20))
	if err != nil {
		apiError(w, http.StatusBadRequest, codeInvalidJSON, "The request body contains invalid JSON.")
		return false
	}
	if len(b) == 0 {
		b = []byte("{}")
	}
	if err := json.Unmarshal(b, v); err != nil {
		apiError(w, http.StatusBadRequest, codeInvalidJSON, "The request body contains invalid JSON.")
		return false
	}
	return true
}

func pathID(r *http.Request, name string) (discord.Snowflake, bool) {
	id, err := discord.ParseSnowflake(r.PathValue(name))
	return id, err == nil
}

func (s *Server) getGateway(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"url": s.GatewayURL})
}

func (s *Server) getGatewayBot(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	now := time.Now()
	if now.After(s.budgetAt) {
		s.budget, s.budgetAt = s.opts.sessionTotal, now.Add(24*time.Hour)
	}
	body := map[string]any{
		"url":    s.GatewayURL,
		"shards": s.opts.shards,
		"session_start_limit": map[string]any{
			"total": s.opts.sessionTotal, "remaining": s.budget,
			"reset_after": s.budgetAt.Sub(now).Milliseconds(), "max_concurrency": s.opts.maxConcurrency,
		},
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, body)
}

func (s *Server) getCurrentUser(w http.ResponseWriter, r *http.Request) {
	_, bot := s.Application()
	writeJSON(w, http.StatusOK, bot)
}

func (s *Server) postDM(w http.ResponseWriter, r *http.Request) {
	var body struct {
		RecipientID discord.UserID `json:"recipient_id"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	if !body.RecipientID.IsValid() {
		formError(w, "recipient_id", "BASE_TYPE_REQUIRED", "This field is required")
		return
	}
	ch, err := s.dmChannel(body.RecipientID)
	if err != nil {
		apiError(w, http.StatusBadRequest, codeCannotDM, "Cannot send messages to this user")
		return
	}
	writeJSON(w, http.StatusOK, ch)
}

func (s *Server) channel(w http.ResponseWriter, r *http.Request) (*channelState, bool) {
	id, ok := pathID(r, "channel_id")
	w2 := s.world
	w2.mu.Lock()
	c := w2.channels[discord.ChannelID(id)]
	w2.mu.Unlock()
	if !ok || c == nil {
		apiError(w, http.StatusNotFound, codeUnknownChannel, "Unknown Channel")
		return nil, false
	}
	return c, true
}

func (s *Server) getChannel(w http.ResponseWriter, r *http.Request) {
	c, ok := s.channel(w, r)
	if !ok {
		return
	}
	s.world.mu.Lock()
	ch := c.ch
	s.world.mu.Unlock()
	writeJSON(w, http.StatusOK, ch)
}

func (s *Server) listMessages(w http.ResponseWriter, r *http.Request) {
	c, ok := s.channel(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	limit := 50
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			formError(w, "limit", "NUMBER_TYPE_MAX", "int value should be between 1 and 100")
			return
		}
		limit = n
	}
	before, _ := discord.ParseSnowflake(q.Get("before"))
	after, _ := discord.ParseSnowflake(q.Get("after"))
	s.world.mu.Lock()
	defer s.world.mu.Unlock()
	out := []discord.Message{}
	// Newest first, as Discord lists them; "after" lists the oldest ones
	// after the id, still newest first.
	if after != 0 {
		var picked []discord.Message
		for _, m := range c.messages {
			if discord.Snowflake(m.ID) > after && len(picked) < limit {
				picked = append(picked, *m)
			}
		}
		slices.Reverse(picked)
		out = append(out, picked...)
	} else {
		for i := len(c.messages) - 1; i >= 0 && len(out) < limit; i-- {
			if before != 0 && discord.Snowflake(c.messages[i].ID) >= before {
				continue
			}
			out = append(out, *c.messages[i])
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// validateSend applies the create-message rules (PROTOCOL.md §14).
func validateSend(w http.ResponseWriter, m *discord.MessageSend) bool {
	if m.Content == "" && len(m.Embeds) == 0 && len(m.Components) == 0 && len(m.StickerIDs) == 0 {
		apiError(w, http.StatusBadRequest, codeEmptyMessage, "Cannot send an empty message")
		return false
	}
	if utf8.RuneCountInString(m.Content) > 2000 {
		formError(w, "content", "BASE_TYPE_MAX_LENGTH", "Must be 2000 or fewer in length.")
		return false
	}
	if len(m.Embeds) > 10 {
		formError(w, "embeds", "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length.")
		return false
	}
	return true
}

func (s *Server) postMessage(w http.ResponseWriter, r *http.Request) {
	c, ok := s.channel(w, r)
	if !ok {
		return
	}
	var send discord.MessageSend
	if !decodeBody(w, r, &send) || !validateSend(w, &send) {
		return
	}
	_, bot := s.Application()
	s.world.mu.Lock()
	id := c.ch.ID
	s.world.mu.Unlock()
	m, err := s.createMessage(id, bot.ID, send)
	if err != nil {
		apiError(w, http.StatusNotFound, codeUnknownChannel, "Unknown Channel")
		return
	}
	writeJSON(w, http.StatusOK, m)
}

// message finds a message of the path's channel.
func (s *Server) message(w http.ResponseWriter, r *http.Request) (*channelState, int, bool) {
	c, ok := s.channel(w, r)
	if !ok {
		return nil, 0, false
	}
	id, _ := pathID(r, "message_id")
	s.world.mu.Lock()
	defer s.world.mu.Unlock()
	for i, m := range c.messages {
		if discord.Snowflake(m.ID) == id {
			return c, i, true
		}
	}
	apiError(w, http.StatusNotFound, codeUnknownMessage, "Unknown Message")
	return nil, 0, false
}

func (s *Server) getMessage(w http.ResponseWriter, r *http.Request) {
	c, i, ok := s.message(w, r)
	if !ok {
		return
	}
	s.world.mu.Lock()
	m := *c.messages[i]
	s.world.mu.Unlock()
	writeJSON(w, http.StatusOK, m)
}

func (s *Server) patchMessage(w http.ResponseWriter, r *http.Request) {
	c, i, ok := s.message(w, r)
	if !ok {
		return
	}
	var edit struct {
		Content *string          `json:"content"`
		Embeds  *[]discord.Embed `json:"embeds"`
	}
	if !decodeBody(w, r, &edit) {
		return
	}
	_, bot := s.Application()
	s.world.mu.Lock()
	m := c.messages[i]
	if m.Author.ID != bot.ID {
		s.world.mu.Unlock()
		apiError(w, http.StatusForbidden, codeCannotEditOthers, "Cannot edit a message authored by another user")
		return
	}
	if edit.Content != nil {
		m.Content = *edit.Content
	}
	if edit.Embeds != nil {
		m.Embeds = *edit.Embeds
	}
	now := time.Now().UTC()
	m.EditedTimestamp = &now
	out := *m
	guild := c.ch.GuildID
	s.world.mu.Unlock()
	intent := discord.IntentGuildMessages
	if guild == 0 {
		intent = discord.IntentDirectMessages
	}
	s.broadcast(guild, intent, discord.EventMessageUpdate, discord.MessageUpdate{Message: out, GuildID: guild})
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) deleteMessage(w http.ResponseWriter, r *http.Request) {
	c, i, ok := s.message(w, r)
	if !ok {
		return
	}
	s.world.mu.Lock()
	m := c.messages[i]
	c.messages = slices.Delete(c.messages, i, i+1)
	guild := c.ch.GuildID
	s.world.mu.Unlock()
	intent := discord.IntentGuildMessages
	if guild == 0 {
		intent = discord.IntentDirectMessages
	}
	s.broadcast(guild, intent, discord.EventMessageDelete, map[string]any{"id": m.ID, "channel_id": m.ChannelID, "guild_id": guild})
	w.WriteHeader(http.StatusNoContent)
}

// emoji reads the emoji path segment: a unicode emoji or name:id.
func emojiOf(r *http.Request) discord.Emoji {
	raw := r.PathValue("emoji")
	name, id, found := strings.Cut(raw, ":")
	e := discord.Emoji{Name: name}
	if found {
		if sf, err := discord.ParseSnowflake(id); err == nil {
			e.ID = discord.EmojiID(sf)
		}
	}
	return e
}

func sameEmoji(a, b discord.Emoji) bool {
	if a.ID != 0 || b.ID != 0 {
		return a.ID == b.ID
	}
	return a.Name == b.Name
}

func (s *Server) putReaction(w http.ResponseWriter, r *http.Request) {
	c, i, ok := s.message(w, r)
	if !ok {
		return
	}
	e := emojiOf(r)
	_, bot := s.Application()
	s.world.mu.Lock()
	m := c.messages[i]
	found := false
	for j := range m.Reactions {
		if sameEmoji(m.Reactions[j].Emoji, e) {
			found = true
			if !m.Reactions[j].Me {
				m.Reactions[j].Me = true
				m.Reactions[j].Count++
			}
		}
	}
	if !found {
		m.Reactions = append(m.Reactions, discord.Reaction{Emoji: e, Count: 1, Me: true})
	}
	guild, msgID, chID := c.ch.GuildID, m.ID, c.ch.ID
	s.world.mu.Unlock()
	intent := discord.IntentGuildMessageReactions
	if guild == 0 {
		intent = discord.IntentDirectMessageReactions
	}
	s.broadcast(guild, intent, discord.EventMessageReactionAdd, map[string]any{
		"user_id": bot.ID, "channel_id": chID, "message_id": msgID, "guild_id": guild, "emoji": e, "type": 0})
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) deleteReaction(w http.ResponseWriter, r *http.Request) {
	c, i, ok := s.message(w, r)
	if !ok {
		return
	}
	e := emojiOf(r)
	s.world.mu.Lock()
	m := c.messages[i]
	for j := 0; j < len(m.Reactions); j++ {
		if sameEmoji(m.Reactions[j].Emoji, e) && m.Reactions[j].Me {
			m.Reactions[j].Me = false
			m.Reactions[j].Count--
			if m.Reactions[j].Count <= 0 {
				m.Reactions = slices.Delete(m.Reactions, j, j+1)
			}
			break
		}
	}
	s.world.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) getReactions(w http.ResponseWriter, r *http.Request) {
	c, i, ok := s.message(w, r)
	if !ok {
		return
	}
	e := emojiOf(r)
	_, bot := s.Application()
	s.world.mu.Lock()
	m := c.messages[i]
	users := []discord.User{}
	for _, re := range m.Reactions {
		if sameEmoji(re.Emoji, e) && re.Me {
			users = append(users, bot)
		}
	}
	s.world.mu.Unlock()
	writeJSON(w, http.StatusOK, users)
}

func (s *Server) guild(w http.ResponseWriter, r *http.Request) (*guildState, bool) {
	id, ok := pathID(r, "guild_id")
	s.world.mu.Lock()
	g := s.world.guilds[discord.GuildID(id)]
	s.world.mu.Unlock()
	if !ok || g == nil {
		apiError(w, http.StatusNotFound, codeUnknownGuild, "Unknown Guild")
		return nil, false
	}
	return g, true
}

func (s *Server) getGuild(w http.ResponseWriter, r *http.Request) {
	g, ok := s.guild(w, r)
	if !ok {
		return
	}
	s.world.mu.Lock()
	out := g.guild
	s.world.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) listMembers(w http.ResponseWriter, r *http.Request) {
	g, ok := s.guild(w, r)
	if !ok {
		return
	}
	if s.opts.privileged&discord.IntentGuildMembers == 0 {
		apiError(w, http.StatusForbidden, codeMissingAccess, "Missing Access")
		return
	}
	q := r.URL.Query()
	limit := 1
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			formError(w, "limit", "NUMBER_TYPE_MAX", "int value should be between 1 and 1000")
			return
		}
		limit = n
	}
	after, _ := discord.ParseSnowflake(q.Get("after"))
	s.world.mu.Lock()
	ids := slices.Clone(g.order)
	slices.Sort(ids)
	out := []discord.Member{}
	for _, id := range ids {
		if discord.Snowflake(id) > after && len(out) < limit {
			out = append(out, *g.members[id])
		}
	}
	s.world.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) getMember(w http.ResponseWriter, r *http.Request) {
	g, ok := s.guild(w, r)
	if !ok {
		return
	}
	uid, _ := pathID(r, "user_id")
	s.world.mu.Lock()
	m := g.members[discord.UserID(uid)]
	var out discord.Member
	if m != nil {
		out = *m
	}
	s.world.mu.Unlock()
	if m == nil {
		apiError(w, http.StatusNotFound, codeUnknownMember, "Unknown Member")
		return
	}
	writeJSON(w, http.StatusOK, out)
}
