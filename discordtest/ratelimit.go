package discordtest

import (
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/wirecord/wirecord/discord"
)

// RouteLimit is the rate limit of one REST route.
type RouteLimit struct {
	// Bucket is the hash sent in X-RateLimit-Bucket. Routes with the same
	// hash share a budget (per major parameter).
	Bucket string
	Limit  int
	Window time.Duration
	// Shared makes the limit a shared-resource one: its 429s say scope
	// "shared" and do not count as invalid requests.
	Shared bool
}

// restLimits are the REST limits of a server.
type restLimits struct {
	global int // requests per second per bot
	routes map[string]RouteLimit
}

// Route names are "METHOD pattern" with Discord's parameter names, as in
// the table below.
const (
	RouteGetGateway        = "GET /gateway"
	RouteGetGatewayBot     = "GET /gateway/bot"
	RouteGetCurrentUser    = "GET /users/@me"
	RouteCreateDM          = "POST /users/@me/channels"
	RouteGetChannel        = "GET /channels/{channel_id}"
	RouteListMessages      = "GET /channels/{channel_id}/messages"
	RouteCreateMessage     = "POST /channels/{channel_id}/messages"
	RouteGetMessage        = "GET /channels/{channel_id}/messages/{message_id}"
	RouteEditMessage       = "PATCH /channels/{channel_id}/messages/{message_id}"
	RouteDeleteMessage     = "DELETE /channels/{channel_id}/messages/{message_id}"
	RouteCreateReaction    = "PUT /channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me"
	RouteDeleteOwnReaction = "DELETE /channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me"
	RouteDeleteReaction    = "DELETE /channels/{channel_id}/messages/{message_id}/reactions/{emoji}/{user_id}"
	RouteGetReactions      = "GET /channels/{channel_id}/messages/{message_id}/reactions/{emoji}"
	RouteGetGuild          = "GET /guilds/{guild_id}"
	RouteListMembers       = "GET /guilds/{guild_id}/members"
	RouteGetMember         = "GET /guilds/{guild_id}/members/{user_id}"
	RouteInteractionReply  = "POST /interactions/{interaction_id}/{interaction_token}/callback"
	RouteFollowup          = "POST /webhooks/{application_id}/{interaction_token}"
	RouteGetOriginal       = "GET /webhooks/{application_id}/{interaction_token}/messages/@original"
	RouteEditOriginal      = "PATCH /webhooks/{application_id}/{interaction_token}/messages/@original"
	RouteDeleteOriginal    = "DELETE /webhooks/{application_id}/{interaction_token}/messages/@original"
)

// defaultRESTLimits resemble Discord's: messages 5 per 5 s per channel
// (create, edit and delete share a hash), reactions 1 per 250 ms, 50
// requests per second in all.
func defaultRESTLimits() restLimits {
	msgs := RouteLimit{Bucket: "80c17d2f203122d936070c88c8d10f33", Limit: 5, Window: 5 * time.Second}
	react := RouteLimit{Bucket: "4b3a0b1c7e0ad5e2f3b9d1c6a8e4f702", Limit: 1, Window: 250 * time.Millisecond}
	read := func(hash string) RouteLimit { return RouteLimit{Bucket: hash, Limit: 50, Window: time.Second} }
	return restLimits{global: 50, routes: map[string]RouteLimit{
		RouteGetGatewayBot:     {Bucket: "41f9cd5d28af77da04563bcb1d67fdfd", Limit: 2, Window: 5 * time.Second},
		RouteGetCurrentUser:    read("ab7f0c2a7d1e4b8f9c3d5e6f7a8b9c0d"),
		RouteCreateDM:          {Bucket: "d3a1f0e9c8b7a6f5e4d3c2b1a0f9e8d7", Limit: 10, Window: 10 * time.Second},
		RouteGetChannel:        read("c0ffee11223344556677889900aabbcc"),
		RouteListMessages:      read("0fa1b2c3d4e5f60718293a4b5c6d7e8f"),
		RouteGetMessage:        read("0fa1b2c3d4e5f60718293a4b5c6d7e8f"),
		RouteCreateMessage:     msgs,
		RouteEditMessage:       msgs,
		RouteDeleteMessage:     msgs,
		RouteCreateReaction:    react,
		RouteDeleteOwnReaction: react,
		RouteDeleteReaction:    react,
		RouteGetReactions:      read("1e2d3c4b5a69788796a5b4c3d2e1f00f"),
		RouteGetGuild:          read("9a8b7c6d5e4f30211203f4e5d6c7b8a9"),
		RouteListMembers:       {Bucket: "5f4e3d2c1b0a99887766554433221100", Limit: 10, Window: 10 * time.Second},
		RouteGetMember:         read("77665544332211000011223344556677"),
		RouteInteractionReply:  {Bucket: "e1d2c3b4a5968778695a4b3c2d1e0f1a", Limit: 50, Window: time.Second},
		RouteFollowup:          {Bucket: "f0e1d2c3b4a5968778695a4b3c2d1e0f", Limit: 5, Window: 2 * time.Second},
		RouteGetOriginal:       read("0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d"),
		RouteEditOriginal:      {Bucket: "f0e1d2c3b4a5968778695a4b3c2d1e0f", Limit: 5, Window: 2 * time.Second},
		RouteDeleteOriginal:    {Bucket: "f0e1d2c3b4a5968778695a4b3c2d1e0f", Limit: 5, Window: 2 * time.Second},
	}}
}

// WithRouteLimit changes one route's limit (a Route* constant), so tests
// can make it tight. Routes given the same Bucket share a budget.
func WithRouteLimit(route string, l RouteLimit) Option {
	return func(o *options) { o.rest.routes[route] = l }
}

// WithGlobalLimit sets the requests per second a bot may make in all
// (default 50; interaction callbacks are exempt).
func WithGlobalLimit(perSecond int) Option { return func(o *options) { o.rest.global = perSecond } }

// RESTCall is one REST request the server answered.
type RESTCall struct {
	Time   time.Time
	Method string
	Path   string
	Route  string
	Status int
	// Bucket, Remaining and ResetAfter are what the rate-limit headers
	// said (Bucket empty for unlimited routes).
	Bucket     string
	Remaining  int
	ResetAfter time.Duration
	// Limited is set for 429 answers, with the scope: user, global or
	// shared.
	Limited bool
	Scope   string
}

// restState is the REST side's mutable state.
type restState struct {
	s *Server

	mu       sync.Mutex
	windows  map[string]*window // bucket hash + major parameter
	global   []time.Time
	calls    []RESTCall
	invalid  int
	failNext int
	failCode int
	members  map[discord.GuildID]time.Time // last "all members" gateway request
}

type window struct {
	start time.Time
	used  int
}

func newRESTState(s *Server) *restState {
	return &restState{s: s, windows: map[string]*window{}, members: map[discord.GuildID]time.Time{}}
}

// RESTCalls returns the REST requests answered so far.
func (s *Server) RESTCalls() []RESTCall {
	s.restState.mu.Lock()
	defer s.restState.mu.Unlock()
	return append([]RESTCall(nil), s.restState.calls...)
}

// InvalidRequests counts answers Cloudflare would count towards its ban:
// 401, 403 and 429 (except shared-scope 429s).
func (s *Server) InvalidRequests() int {
	s.restState.mu.Lock()
	defer s.restState.mu.Unlock()
	return s.restState.invalid
}

// FailNextREST makes the next n REST requests fail with status (a 5xx).
func (s *Server) FailNextREST(n, status int) {
	s.restState.mu.Lock()
	s.restState.failNext, s.restState.failCode = n, status
	s.restState.mu.Unlock()
	s.rec.add(KindFault, 0, -1, "next %d REST calls fail with %d", n, status)
}

// admit decides whether a request on route (with its major parameter) may
// proceed; if not, it writes the 429. It sets the rate-limit headers
// either way.
func (st *restState) admit(w http.ResponseWriter, route, major string, global bool, call *RESTCall) bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	now := time.Now()
	lim := st.s.opts.rest
	if global && lim.global > 0 {
		cut := 0
		for cut < len(st.global) && now.Sub(st.global[cut]) >= time.Second {
			cut++
		}
		st.global = st.global[cut:]
		if len(st.global) >= lim.global {
			retry := st.global[0].Add(time.Second).Sub(now)
			w.Header().Set("X-RateLimit-Global", "true")
			w.Header().Set("X-RateLimit-Scope", "global")
			st.limited(w, retry, true, "global", call)
			return false
		}
		st.global = append(st.global, now)
	}
	rl, ok := lim.routes[route]
	if !ok || rl.Limit <= 0 {
		return true
	}
	key := rl.Bucket + "|" + major
	win := st.windows[key]
	if win == nil || now.Sub(win.start) >= rl.Window {
		win = &window{start: now}
		st.windows[key] = win
	}
	resetAfter := win.start.Add(rl.Window).Sub(now)
	h := w.Header()
	h.Set("X-RateLimit-Limit", strconv.Itoa(rl.Limit))
	h.Set("X-RateLimit-Bucket", rl.Bucket)
	h.Set("X-RateLimit-Reset", strconv.FormatFloat(float64(win.start.Add(rl.Window).UnixMilli())/1000, 'f', 3, 64))
	h.Set("X-RateLimit-Reset-After", strconv.FormatFloat(resetAfter.Seconds(), 'f', 3, 64))
	call.Bucket, call.ResetAfter = rl.Bucket, resetAfter
	if win.used >= rl.Limit {
		h.Set("X-RateLimit-Remaining", "0")
		scope := "user"
		if rl.Shared {
			scope = "shared"
		}
		h.Set("X-RateLimit-Scope", scope)
		st.limited(w, resetAfter, false, scope, call)
		return false
	}
	win.used++
	call.Remaining = rl.Limit - win.used
	h.Set("X-RateLimit-Remaining", strconv.Itoa(call.Remaining))
	return true
}

// limited writes a 429 in Discord's shape (PROTOCOL.md §13).
func (st *restState) limited(w http.ResponseWriter, retry time.Duration, global bool, scope string, call *RESTCall) {
	secs := math.Max(retry.Seconds(), 0.001)
	w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(secs))))
	msg := "You are being rate limited."
	if scope == "shared" {
		msg = "The resource is being rate limited."
	}
	call.Limited, call.Scope = true, scope
	writeJSON(w, http.StatusTooManyRequests, map[string]any{
		"message": msg, "retry_after": math.Round(secs*1000) / 1000, "global": global, "code": 0})
}

// membersAllowed applies the gateway's limit on asking for all members of
// a guild: once per 30 s (PROTOCOL.md §7). It returns how long to wait, or
// 0 and counts the request.
func (st *restState) membersAllowed(g discord.GuildID) time.Duration {
	st.mu.Lock()
	defer st.mu.Unlock()
	now := time.Now()
	if last, ok := st.members[g]; ok && now.Sub(last) < 30*time.Second {
		return 30*time.Second - now.Sub(last)
	}
	st.members[g] = now
	return 0
}
