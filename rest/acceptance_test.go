package rest_test

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wirecord/wirecord/discord"
	"github.com/wirecord/wirecord/discordtest"
	"github.com/wirecord/wirecord/rest"
)

// The acceptance workload of issue 9: 2,000 requests over 40 channels and
// 5 routes from 50 goroutines, each waiting for its answer, against a fake
// Discord with tight limits. The global limit binds: 2,000 requests at
// 222 per second need at least 9 s (nine full seconds and two requests in
// the tenth, so that the time measured is the limits' and not how fast a
// loaded machine serves a last burst under -race). Every bucket is close
// to its limit: each route has 1 or 2 requests per channel and second
// against a limit of 3, the message bucket (create and edit share its
// hash) 2 to 4 against 5.
//
// Under -race the load is halved (1,000 requests at 111 per second, the
// same nine seconds and a few requests): the race detector costs 5-10
// times the CPU per request, and on a 2-core machine shared with other
// work the full load measured the machine, not the limits. The figures
// quoted for issue 9 are those of the full load.
const (
	loadChannels   = 40
	loadRoutes     = 5
	loadGoroutines = 50
)

var loadLimits = map[string]discordtest.RouteLimit{
	discordtest.RouteCreateMessage:  {Bucket: "msgs", Limit: 5, Window: time.Second},
	discordtest.RouteEditMessage:    {Bucket: "msgs", Limit: 5, Window: time.Second},
	discordtest.RouteListMessages:   {Bucket: "list", Limit: 3, Window: time.Second},
	discordtest.RouteGetChannel:     {Bucket: "chan", Limit: 3, Window: time.Second},
	discordtest.RouteCreateReaction: {Bucket: "react", Limit: 3, Window: time.Second},
}

// loadRoute is the route of request i, so that every channel sees every
// route evenly.
func loadRoute(i int) (channel int, route string) {
	routes := []string{discordtest.RouteCreateMessage, discordtest.RouteEditMessage, discordtest.RouteListMessages,
		discordtest.RouteGetChannel, discordtest.RouteCreateReaction}
	return i % loadChannels, routes[(i/loadChannels)%loadRoutes]
}

type loadResult struct {
	took, bound time.Duration
	calls       []discordtest.RESTCall
	invalid     int
	global      int
}

func (r loadResult) ratio() float64 { return float64(r.took) / float64(r.bound) }

// minimumTime is what the limits allow: the global window and every
// bucket, each of which must see its requests spread over its windows
// (extra are requests Discord answered 429 shared, which count towards
// the global limit and must be sent again).
func minimumTime(global, extra int, sharedPause time.Duration, sharedPerBucket int) time.Duration {
	windows := func(n, limit int) int { return int(math.Ceil(float64(n)/float64(limit))) - 1 }
	bound := time.Duration(windows(loadRequests+extra, global)) * time.Second
	perBucket := map[string]int{}
	for i := range loadRequests {
		ch, route := loadRoute(i)
		perBucket[loadLimits[route].Bucket+"|"+strconv.Itoa(ch)]++
	}
	for key, n := range perBucket {
		var l discordtest.RouteLimit
		for _, rl := range loadLimits {
			if rl.Bucket+"|" == key[:len(rl.Bucket)+1] {
				l = rl
			}
		}
		bound = max(bound, time.Duration(windows(n, l.Limit))*l.Window)
	}
	return max(bound, time.Duration(sharedPerBucket)*sharedPause)
}

func runLoad(t *testing.T, global int, opts ...discordtest.Option) loadResult {
	t.Helper()
	base := []discordtest.Option{discordtest.WithGuilds(loadChannels, 0), discordtest.WithGlobalLimit(global)}
	for route, l := range loadLimits {
		base = append(base, discordtest.WithRouteLimit(route, l))
	}
	s := discordtest.NewServer(append(base, opts...)...)
	defer s.Close()
	_, bot := s.Application()
	var channels []discord.ChannelID
	var messages []discord.MessageID
	for _, g := range s.Guilds() {
		ch := s.Channels(g.ID)[0]
		m, err := s.Say(ch.ID, bot.ID, "seed")
		if err != nil {
			t.Fatal(err)
		}
		channels, messages = append(channels, ch.ID), append(messages, m.ID)
	}
	transport := &http.Transport{MaxIdleConnsPerHost: loadGoroutines}
	defer transport.CloseIdleConnections()
	c := rest.New(s.Token, rest.WithBaseURL(s.APIURL), rest.WithGlobalLimit(global),
		rest.WithHTTPClient(&http.Client{Transport: transport}), rest.WithMaxRetries(8))
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	work := make(chan int, loadRequests)
	for i := range loadRequests {
		work <- i
	}
	close(work)
	var failed atomic.Int32
	var wg sync.WaitGroup
	start := time.Now()
	for range loadGoroutines {
		wg.Go(func() {
			for i := range work {
				n, route := loadRoute(i)
				ch, msg := channels[n], messages[n]
				var err error
				switch route {
				case discordtest.RouteCreateMessage:
					// Do, not CreateMessage: the answer is not decoded, to
					// spend the machine's time on the limits.
					err = c.Do(ctx, "POST", fmt.Sprintf("/channels/%d/messages", ch),
						discord.MessageSend{Content: "load", Nonce: discord.Nonce(strconv.Itoa(i)), EnforceNonce: true}, nil)
				case discordtest.RouteEditMessage:
					err = c.Do(ctx, "PATCH", fmt.Sprintf("/channels/%d/messages/%d", ch, msg), map[string]string{"content": "edited"}, nil)
				case discordtest.RouteListMessages:
					err = c.Do(ctx, "GET", fmt.Sprintf("/channels/%d/messages?limit=1", ch), nil, nil)
				case discordtest.RouteGetChannel:
					err = c.Do(ctx, "GET", fmt.Sprintf("/channels/%d", ch), nil, nil)
				case discordtest.RouteCreateReaction:
					err = c.Do(ctx, "PUT", fmt.Sprintf("/channels/%d/messages/%d/reactions/%%F0%%9F%%91%%8D/@me", ch, msg), nil, nil)
				}
				if err != nil {
					if failed.Add(1) <= 5 {
						t.Errorf("request %d (%s): %v", i, route, err)
					}
				}
			}
		})
	}
	wg.Wait()
	took := time.Since(start)
	if n := failed.Load(); n > 0 {
		t.Errorf("%d of %d requests failed", n, loadRequests)
	}
	return loadResult{took: took, calls: s.RESTCalls(), invalid: s.InvalidRequests(), global: global}
}

// check asserts the rules every run keeps: no 429 but scope shared, and
// no second at the fake's end with more than the global limit.
func (r loadResult) check(t *testing.T, maxRatio float64) {
	t.Helper()
	var times []time.Time
	limited := map[string]int{}
	for _, c := range r.calls {
		if c.Limited {
			limited[c.Scope]++
		}
		if c.Global {
			times = append(times, c.Time)
		}
	}
	slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
	peak := 0
	for i, j := 0, 0; i < len(times); i++ {
		for times[i].Sub(times[j]) >= time.Second {
			j++
		}
		peak = max(peak, i-j+1)
	}
	t.Logf("%d calls, 429s by scope %v, invalid %d, peak %d per second (limit %d), took %v, minimum %v, ratio %.3f",
		len(r.calls), limited, r.invalid, peak, r.global, r.took.Round(time.Millisecond), r.bound, r.ratio())
	if limited[rest.ScopeUser]+limited[rest.ScopeGlobal] > 0 || r.invalid > 0 {
		t.Errorf("429s by scope %v, %d invalid: want none but shared", limited, r.invalid)
	}
	if peak > r.global {
		t.Errorf("%d requests within one second, over the global %d", peak, r.global)
	}
	if maxRatio > 0 && r.ratio() > maxRatio {
		t.Errorf("took %v, %.3fx the minimum %v (want at most %.2fx)", r.took, r.ratio(), r.bound, maxRatio)
	}
}

func TestLoadDrawsNo429AndKeepsToTheMinimumTime(t *testing.T) {
	if testing.Short() {
		t.Skip("a multi-second load test")
	}
	r := runLoad(t, loadGlobal)
	r.bound = minimumTime(loadGlobal, 0, 0, 0)
	r.check(t, maxRatio)
}

func TestLoadWith502sRetriesWithinTheMinimumTime(t *testing.T) {
	if testing.Short() {
		t.Skip("a multi-second load test")
	}
	r := runLoad(t, loadGlobal, discordtest.WithEdgeErrors(10, http.StatusBadGateway))
	r.bound = minimumTime(loadGlobal, 0, 0, 0)
	edge := 0
	for _, c := range r.calls {
		if c.Edge {
			edge++
		}
	}
	t.Logf("%d answered 502 by the edge", edge)
	if edge < loadRequests/10 {
		t.Errorf("only %d 502s: the fault did not play", edge)
	}
	r.check(t, maxRatio)
}

func TestLoadWithSharedLimitsWaitsOnlyTheirRetryAfter(t *testing.T) {
	if testing.Short() {
		t.Skip("a multi-second load test")
	}
	const pause = 400 * time.Millisecond
	// Every third attempt on a channel's creates (counting the retries)
	// is answered 429 shared. Those count toward the global limit, raised
	// by as much to keep a few requests for the tenth second.
	creates := loadRequests / loadChannels / loadRoutes
	perChannel := 0
	for done, attempt := 0, 1; done < creates; attempt++ {
		if attempt%3 == 0 {
			perChannel++
		} else {
			done++
		}
	}
	extra := perChannel * loadChannels
	global := (loadRequests + extra - 1) / 9
	r := runLoad(t, global, discordtest.WithSharedLimit(discordtest.RouteCreateMessage, discordtest.SharedLimit{Every: 3, RetryAfter: pause}))
	shared := 0
	for _, c := range r.calls {
		if c.Limited && c.Scope == rest.ScopeShared {
			shared++
		}
	}
	if shared != extra {
		t.Errorf("%d shared 429s, want %d: the fault did not play as planned", shared, extra)
	}
	r.bound = minimumTime(global, shared, pause, perChannel)
	r.check(t, maxRatio)
}

func TestLoadWithABucketHashChangingMidRunDrawsNo429(t *testing.T) {
	if testing.Short() {
		t.Skip("a multi-second load test")
	}
	r := runLoad(t, loadGlobal, discordtest.WithBucketHashChange(discordtest.RouteListMessages, discordtest.HashChange{After: loadRequests / 13, Bucket: "list-2"}),
		discordtest.WithBucketHashChange(discordtest.RouteEditMessage, discordtest.HashChange{After: loadRequests / 8, Bucket: "edit-2"}))
	r.bound = minimumTime(loadGlobal, 0, 0, 0)
	moved := 0
	for _, c := range r.calls {
		if c.Bucket == "list-2" || c.Bucket == "edit-2" {
			moved++
		}
	}
	if moved == 0 {
		t.Fatal("no answer named the new hashes: the fault did not play")
	}
	r.check(t, 0)
}
