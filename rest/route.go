package rest

import (
	"strings"
	"sync"
)

// Route names the rate-limit route of a request, as the limiter sees it.
type Route struct {
	// Key is the method and the path with every parameter folded into a
	// placeholder: "POST /channels/:major/messages",
	// "DELETE /channels/:major/messages/:id/reactions/:emoji/:user". It
	// holds no id and no token, so it is fit for logs and metrics.
	Key string
	// Major is the value of the major parameter (PROTOCOL.md §13): the
	// channel, guild or interaction id, or a webhook's "id/token". Limits
	// are counted per major parameter, so two channels never share a
	// budget. It may hold a webhook token: never log it.
	Major string
	// Global says the request counts towards the global limit; interaction
	// endpoints do not (PROTOCOL.md §13).
	Global bool
}

// routeOf derives the route of a request from its concrete path (a query
// may follow). It folds every numeric id, the emoji and user of reaction
// routes, invite and template codes and the token of webhook and
// interaction routes, so that the same operation on other ids is the same
// route, and keeps the major parameter apart.
func routeOf(method, path string) Route { return routeIn(nil, method, path) }

// routeIn is routeOf, with the route key interned in keys (when not nil)
// so that a known route costs no allocation.
func routeIn(keys *routeKeys, method, path string) Route {
	if i := strings.IndexAny(path, "?#"); i >= 0 {
		path = path[:i]
	}
	p := strings.Trim(path, "/")
	var stack [128]byte
	b := stack[:0]
	b = append(b, method...)
	b = append(b, ' ')
	var r Route
	var first, prev string
	majorAt := -1    // offset in p where the major parameter starts
	afterReact := -1 // segments since "reactions"
	for i, off := 0, 0; off <= len(p) && p != ""; i++ {
		end := strings.IndexByte(p[off:], '/')
		if end < 0 {
			end = len(p)
		} else {
			end += off
		}
		s := p[off:end]
		b = append(b, '/')
		if afterReact >= 0 {
			afterReact++
		}
		switch {
		case i == 0:
			first = s
			b = append(b, s...)
		case i == 1 && isID(s) && (first == "channels" || first == "guilds" || first == "webhooks" || first == "interactions"):
			r.Major, majorAt = s, off
			b = append(b, ":major"...)
		case i == 2 && majorAt >= 0 && (first == "webhooks" || first == "interactions") && s != "":
			// The token authorises whoever holds it: folded here, and
			// for a webhook part of the major parameter (Discord counts
			// webhook_id + webhook_token).
			if first == "webhooks" {
				r.Major = p[majorAt:end]
			}
			b = append(b, ":token"...)
		case afterReact == 1:
			b = append(b, ":emoji"...)
		case afterReact == 2 && s != "@me":
			b = append(b, ":user"...)
		case isID(s):
			b = append(b, ":id"...)
		case i == 1 && first == "invites", prev == "templates" && (first == "guilds"):
			b = append(b, ":code"...)
		default:
			b = append(b, s...)
		}
		if s == "reactions" && afterReact < 0 {
			afterReact = 0
		}
		prev = s
		off = end + 1
	}
	r.Key = keys.intern(b)
	r.Global = !globalExempt(first, majorAt >= 0 && strings.Contains(r.Key, ":token"))
	return r
}

// routeKeys interns route keys: a client sees a few dozen, again and
// again. It holds at most maxRouteKeys; past that, keys are made anew.
type routeKeys struct {
	mu   sync.RWMutex
	keys map[string]string
}

const maxRouteKeys = 4096

func (k *routeKeys) intern(b []byte) string {
	if k == nil {
		return string(b)
	}
	k.mu.RLock()
	s, ok := k.keys[string(b)]
	k.mu.RUnlock()
	if ok {
		return s
	}
	s = string(b)
	k.mu.Lock()
	if k.keys == nil {
		k.keys = map[string]string{}
	}
	if len(k.keys) < maxRouteKeys {
		k.keys[s] = s
	}
	k.mu.Unlock()
	return s
}

// globalExempt reports whether a route is outside the global limit:
// interaction endpoints are (PROTOCOL.md §13). Those are the callback
// (/interactions/{id}/{token}/callback) and the follow-ups, which live
// under /webhooks/{application_id}/{interaction_token}; a plain webhook
// called with its token has the same shape and is let through too, being
// limited by its own bucket.
func globalExempt(first string, withToken bool) bool {
	return first == "interactions" || first == "webhooks" && withToken
}

func isID(s string) bool {
	if len(s) == 0 || len(s) > 20 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// redactPath hides the token segment of webhook and interaction routes
// (/webhooks/{id}/{token}, /interactions/{id}/{token}): those tokens
// authorise whoever holds them, so they never reach an error or a log.
func redactPath(path string) string {
	for _, prefix := range []string{"/webhooks/", "/interactions/"} {
		rest, ok := strings.CutPrefix(path, prefix)
		if !ok {
			continue
		}
		id, tail, ok := strings.Cut(rest, "/")
		if !ok || tail == "" || !isID(id) {
			return path
		}
		end := strings.IndexAny(tail, "/?")
		if end < 0 {
			end = len(tail)
		}
		return prefix + id + "/{token}" + tail[end:]
	}
	return path
}
