package cluster

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/wirecord/wirecord/discordtest"
	"github.com/wirecord/wirecord/rest"
)

// restLoad has procs clients (the processes of one bot, one token) send
// perProc messages each to one channel at once, each client with the
// limiter limiterFor(i) gives it, and returns the 429s the fake answered.
func restLoad(t *testing.T, procs, perProc int, limiterFor func(i int) rest.Limiter) (limited int, took time.Duration) {
	t.Helper()
	srv := discordtest.NewServer(discordtest.WithGuilds(1, 2),
		discordtest.WithRouteLimit(discordtest.RouteCreateMessage, discordtest.RouteLimit{Bucket: "msgs", Limit: 5, Window: 250 * time.Millisecond}))
	t.Cleanup(srv.Close)
	channel := srv.Channels(srv.Guilds()[0].ID)[0].ID
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	began := time.Now()
	var wg sync.WaitGroup
	for i := range procs {
		c := rest.New(srv.Token, rest.WithBaseURL(srv.APIURL), rest.WithLimiter(limiterFor(i)))
		wg.Go(func() {
			for j := range perProc {
				if _, err := c.SendMessage(ctx, channel, fmt.Sprintf("p%d m%d", i, j)); err != nil {
					t.Errorf("process %d, message %d: %v", i, j, err)
					return
				}
			}
		})
	}
	wg.Wait()
	took = time.Since(began)
	for _, c := range srv.RESTCalls() {
		if c.Status == 429 {
			limited++
		}
	}
	if got := len(srv.Messages(channel)); got != procs*perProc {
		t.Errorf("%d messages created, want %d", got, procs*perProc)
	}
	return limited, took
}

// What a shared token costs without a shared limiter: three processes,
// each with its own limiter, each believe they have the whole bucket.
// One limiter for all three (what routing REST through one owner gives)
// draws no 429.
func TestThreeProcessesOnOneTokenNeedOneLimiter(t *testing.T) {
	const procs, perProc = 3, 10
	separate, tookSep := restLoad(t, procs, perProc, func(int) rest.Limiter { return rest.NewLimiter(rest.LimiterConfig{}) })
	shared := rest.NewLimiter(rest.LimiterConfig{})
	one, tookOne := restLoad(t, procs, perProc, func(int) rest.Limiter { return shared })

	// The same, each process on its own NATS connection, drawing from the
	// limiter one process serves.
	tc := startCluster(t, 1)
	serve, err := tc.Connect()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(serve.Close)
	ctx, cancel := context.WithCancel(t.Context())
	served := make(chan error, 1)
	go func() {
		served <- ServeLimiter(ctx, LimiterServerConfig{NATS: serve, LeaseTTL: testLease, Storage: Storage{Memory: true}})
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-served; err != nil {
			t.Errorf("ServeLimiter: %v", err)
		}
	})
	var remotes []rest.Limiter
	for range procs {
		nc, err := tc.Connect()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(nc.Close)
		l, err := NewRemoteLimiter(RemoteLimiterConfig{NATS: nc, Strict: true})
		if err != nil {
			t.Fatal(err)
		}
		remotes = append(remotes, l)
	}
	// Until the server holds its lease, a strict limiter says so.
	eventually(t, 10*time.Second, "the limiter is served", func() bool {
		c, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		p, err := remotes[0].Acquire(c, rest.Route{Key: "GET /gateway/bot", Global: true})
		if err == nil {
			remotes[0].Release(p, rest.Answer{At: time.Now()})
		} else if !errors.Is(err, ErrNoLimiter) {
			t.Fatalf("Acquire before the server: %v, want ErrNoLimiter", err)
		}
		return err == nil
	})
	overNATS, tookNATS := restLoad(t, procs, perProc, func(i int) rest.Limiter { return remotes[i] })

	t.Logf("%d processes x %d messages on a 5 per 250 ms bucket: %d 429s with a limiter each (%v), %d with one in-process limiter (%v), %d with the limiter served over NATS (%v)",
		procs, perProc, separate, tookSep.Round(time.Millisecond), one, tookOne.Round(time.Millisecond), overNATS, tookNATS.Round(time.Millisecond))
	if separate == 0 {
		t.Error("separate limiters drew no 429: the load does not show the problem")
	}
	if one != 0 {
		t.Errorf("one shared limiter drew %d 429s, want none", one)
	}
	if overNATS != 0 {
		t.Errorf("the limiter served over NATS drew %d 429s, want none", overNATS)
	}
}
