package discordtest

import (
	"fmt"
	"io"
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

// restLimits are the REST limits of a server and the rules it plays.
type restLimits struct {
	global int // requests per second per bot
	routes map[string]RouteLimit
	// shared: a route's bucket answers scope=shared 429s on a schedule.
	shared map[string]SharedLimit
	// rehash: a route's bucket hash changes after some requests.
	rehash map[string]HashChange
	// edgeEvery answers every n-th request with edgeStatus, from in front
	// of the API (no rate-limit headers, not counted).
	edgeEvery, edgeStatus int
	// Cloudflare's ban: banAt invalid requests within banWindow ban the
	// client for banFor.
	banAt     int
	banWindow time.Duration
	banFor    time.Duration
	// delay holds every answer that long after the request was counted.
	delay time.Duration
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
	return restLimits{global: 50, banAt: 10000, banWindow: 10 * time.Minute, banFor: time.Hour,
		shared: map[string]SharedLimit{}, rehash: map[string]HashChange{}, routes: map[string]RouteLimit{
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
// (default 50; interaction callbacks are exempt). The window slides: no
// second, measured from any request the server received, holds more.
func WithGlobalLimit(perSecond int) Option { return func(o *options) { o.rest.global = perSecond } }

// SharedLimit is a schedule of scope=shared 429s: Discord's answer when a
// resource many clients use (a busy channel) is limited, which does not
// count as an invalid request.
type SharedLimit struct {
	// Every n-th request on the route's bucket (per major parameter) is
	// answered 429 with scope shared...
	Every int
	// ...and the bucket stays limited for RetryAfter: every request in
	// that time is answered the same way, with the time left.
	RetryAfter time.Duration
}

// WithSharedLimit answers scope=shared 429s on route (a Route* constant)
// on a schedule. Each one is recorded as a fault.
func WithSharedLimit(route string, l SharedLimit) Option {
	return func(o *options) { o.rest.shared[route] = l }
}

// HashChange makes a route's bucket hash change mid-run, as Discord's do
// when it regroups routes.
type HashChange struct {
	// After this many requests on the route (over every major
	// parameter), the route's bucket is Bucket: a fresh budget, apart
	// from the routes it shared a hash with.
	After  int
	Bucket string
}

// WithBucketHashChange changes route's bucket hash after some requests.
// The change is recorded as a fault.
func WithBucketHashChange(route string, c HashChange) Option {
	return func(o *options) { o.rest.rehash[route] = c }
}

// WithEdgeErrors answers every n-th REST request with status (502, say)
// from in front of the API: no rate-limit headers, counted in no bucket,
// as Cloudflare's edge does. Each one is recorded as a fault.
func WithEdgeErrors(every, status int) Option {
	return func(o *options) { o.rest.edgeEvery, o.rest.edgeStatus = every, status }
}

// WithInvalidRequestBan sets Cloudflare's ban: limit invalid requests
// (401, 403, 429 but for scope shared) within window ban the client for
// banFor, answering every request 429 with "error code: 1015" (default
// 10,000 in 10 minutes, for an hour). The ban is recorded as a violation.
func WithInvalidRequestBan(limit int, window, banFor time.Duration) Option {
	return func(o *options) { o.rest.banAt, o.rest.banWindow, o.rest.banFor = limit, window, banFor }
}

// WithAnswerDelay holds every REST answer for d after the request was
// counted, as a slow or distant API does: a client that times a window
// from when it sent, or guesses how long one lasts, overruns it.
func WithAnswerDelay(d time.Duration) Option { return func(o *options) { o.rest.delay = d } }

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
	// Major is the value of the route's major parameter.
	Major string
	// Global says the request counted towards the global limit.
	Global bool
	// Edge says the answer came from in front of the API: an injected
	// error or the invalid-request ban.
	Edge bool
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
	// requests counts every REST request, for WithEdgeErrors.
	requests int
	// routeCount counts requests per route, for WithBucketHashChange.
	routeCount map[string]int
	// sharedCount and sharedUntil play WithSharedLimit per bucket and
	// major parameter.
	sharedCount map[string]int
	sharedUntil map[string]time.Time
	// invalidAt are the times of recent invalid requests; bannedUntil
	// ends the ban.
	invalidAt   []time.Time
	bannedUntil time.Time
}

type window struct {
	start time.Time
	used  int
}

func newRESTState(s *Server) *restState {
	return &restState{s: s, windows: map[string]*window{}, members: map[discord.GuildID]time.Time{},
		routeCount: map[string]int{}, sharedCount: map[string]int{}, sharedUntil: map[string]time.Time{}}
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

// note is a record to add once the REST lock is released (an observer
// may call back into the server).
type note struct {
	kind   RecordKind
	rule   Rule
	detail string
}

// edge plays what sits in front of the API: the invalid-request ban, then
// injected errors (FailNextREST, WithEdgeErrors). It writes the answer and
// returns true when the request goes no further.
func (st *restState) edge(w http.ResponseWriter, call *RESTCall, notes *[]note) bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	now := time.Now()
	lim := st.s.opts.rest
	st.requests++
	if now.Before(st.bannedUntil) {
		call.Edge = true
		// Cloudflare's ban: HTML, no rate-limit headers, no JSON.
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(st.bannedUntil.Sub(now).Seconds()))))
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusTooManyRequests)
		io.WriteString(w, "error code: 1015")
		return true
	}
	code := 0
	if st.failNext > 0 {
		st.failNext--
		code = st.failCode
	} else if lim.edgeEvery > 0 && st.requests%lim.edgeEvery == 0 {
		code = lim.edgeStatus
		*notes = append(*notes, note{kind: KindFault, detail: fmt.Sprintf("edge %d on %s %s", code, call.Method, call.Path)})
	}
	if code == 0 {
		return false
	}
	call.Edge = true
	apiError(w, code, codeGeneral, http.StatusText(code))
	return true
}

// finish counts an answer: invalid ones toward the ban.
func (st *restState) finish(call RESTCall, notes *[]note) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.calls = append(st.calls, call)
	invalid := call.Status == http.StatusUnauthorized || call.Status == http.StatusForbidden ||
		call.Status == http.StatusTooManyRequests && call.Scope != "shared"
	if !invalid || call.Edge {
		return
	}
	st.invalid++
	lim := st.s.opts.rest
	if lim.banAt <= 0 {
		return
	}
	now := time.Now()
	cut := 0
	for cut < len(st.invalidAt) && now.Sub(st.invalidAt[cut]) >= lim.banWindow {
		cut++
	}
	st.invalidAt = append(st.invalidAt[cut:], now)
	if len(st.invalidAt) >= lim.banAt && !now.Before(st.bannedUntil) {
		st.bannedUntil = now.Add(lim.banFor)
		st.invalidAt = st.invalidAt[:0]
		*notes = append(*notes, note{rule: RuleInvalidRequestBan,
			detail: fmt.Sprintf("%d invalid requests within %v: banned for %v", lim.banAt, lim.banWindow, lim.banFor)})
	}
}

// Banned reports whether the client is under the invalid-request ban.
func (s *Server) Banned() bool {
	s.restState.mu.Lock()
	defer s.restState.mu.Unlock()
	return time.Now().Before(s.restState.bannedUntil)
}

// admit decides whether a request on route (with its major parameter) may
// proceed; if not, it writes the 429. It sets the rate-limit headers
// either way.
func (st *restState) admit(w http.ResponseWriter, route, major string, global bool, call *RESTCall, notes *[]note) bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	now := time.Now()
	call.Time, call.Major = now, major
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
			*notes = append(*notes, note{rule: RuleRESTGlobalLimit,
				detail: fmt.Sprintf("%s %s: over %d requests in a second", call.Method, call.Path, lim.global)})
			return false
		}
		st.global = append(st.global, now)
		call.Global = true
	}
	rl, ok := lim.routes[route]
	if !ok || rl.Limit <= 0 {
		return true
	}
	st.routeCount[route]++
	if c, ok := lim.rehash[route]; ok && st.routeCount[route] > c.After {
		if st.routeCount[route] == c.After+1 {
			*notes = append(*notes, note{kind: KindFault, detail: fmt.Sprintf("bucket of %s: hash %s -> %s", route, rl.Bucket, c.Bucket)})
		}
		rl.Bucket = c.Bucket
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
	if sl, ok := lim.shared[route]; ok && sl.Every > 0 {
		until := st.sharedUntil[key]
		if !now.Before(until) {
			st.sharedCount[key]++
			if st.sharedCount[key]%sl.Every == 0 {
				until = now.Add(sl.RetryAfter)
				st.sharedUntil[key] = until
				*notes = append(*notes, note{kind: KindFault, detail: fmt.Sprintf("shared 429 on %s for %v", route, sl.RetryAfter)})
			}
		}
		if now.Before(until) {
			h.Set("X-RateLimit-Remaining", strconv.Itoa(max(rl.Limit-win.used, 0)))
			h.Set("X-RateLimit-Scope", "shared")
			st.limited(w, until.Sub(now), false, "shared", call)
			return false
		}
	}
	if win.used >= rl.Limit {
		h.Set("X-RateLimit-Remaining", "0")
		scope := "user"
		if rl.Shared {
			scope = "shared"
		} else {
			*notes = append(*notes, note{rule: RuleRESTRateLimit,
				detail: fmt.Sprintf("%s %s: over %d requests in %v on bucket %s", call.Method, call.Path, rl.Limit, rl.Window, rl.Bucket)})
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
