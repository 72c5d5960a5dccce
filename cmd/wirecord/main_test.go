package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wirecord/wirecord/discord"
	"github.com/wirecord/wirecord/discordtest"
	"github.com/wirecord/wirecord/gateway"
)

// TestMain lets this test binary be bench --heartbeat's gateway process,
// as the wirecord binary is (os.Executable is the test binary here).
func TestMain(m *testing.M) {
	serveHeartbeatGateway()
	os.Exit(m.Run())
}

// syncBuffer is an output that tests can wait on.
type syncBuffer struct {
	mu      sync.Mutex
	b       bytes.Buffer
	changed chan struct{}
}

func newSyncBuffer() *syncBuffer { return &syncBuffer{changed: make(chan struct{})} }

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n, err := s.b.Write(p)
	close(s.changed)
	s.changed = make(chan struct{})
	return n, err
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitFor waits until the output holds want.
func (s *syncBuffer) waitFor(ctx context.Context, t *testing.T, want string) {
	t.Helper()
	for {
		s.mu.Lock()
		ok := strings.Contains(s.b.String(), want)
		ch := s.changed
		s.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-ch:
		case <-ctx.Done():
			t.Fatalf("output never held %q; it was:\n%s", want, s.String())
		}
	}
}

type result struct {
	code           int
	stdout, stderr *syncBuffer
}

// start runs the command line in the background with the environment vars.
func start(ctx context.Context, vars map[string]string, args ...string) (*result, <-chan int) {
	r := &result{stdout: newSyncBuffer(), stderr: newSyncBuffer()}
	e := &env{stdout: r.stdout, stderr: r.stderr, getenv: func(k string) string { return vars[k] }}
	done := make(chan int, 1)
	go func() { done <- run(ctx, e, args) }()
	return r, done
}

func runCmd(t *testing.T, vars map[string]string, args ...string) *result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	r, done := start(ctx, vars, args...)
	select {
	case r.code = <-done:
	case <-ctx.Done():
		t.Fatalf("wirecord %v did not finish; stderr:\n%s", args, r.stderr)
	}
	return r
}

func fakeEnv(s *discordtest.Server) map[string]string {
	return map[string]string{"DISCORD_TOKEN": s.Token, "DISCORD_API": s.APIURL}
}

func TestTailPrintsTheSimulatedUsersMessages(t *testing.T) {
	s := discordtest.NewServer(discordtest.WithGuilds(1, 2))
	defer s.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	r, done := start(ctx, fakeEnv(s), "tail")
	if _, err := s.WaitKind(ctx, discordtest.KindIdentified, 1); err != nil {
		t.Fatal(err)
	}
	g := s.Guilds()[0]
	user := s.Members(g.ID)[1].User
	s.Say(s.Channels(g.ID)[0].ID, user.ID, "hello from a simulated user")
	r.stdout.waitFor(ctx, t, *user.GlobalName+": hello from a simulated user")
	cancel()
	if code := <-done; code != exitOK {
		t.Errorf("exit %d after Ctrl-C; stderr:\n%s", code, r.stderr)
	}
}

func TestTailJSONPrintsEveryDispatch(t *testing.T) {
	s := discordtest.NewServer(discordtest.WithGuilds(1, 2))
	defer s.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	r, done := start(ctx, fakeEnv(s), "tail", "--json", "--intents", "GUILDS,GUILD_MESSAGES,MESSAGE_CONTENT", "--compress", "zlib-stream", "--encoding", "etf")
	if _, err := s.WaitKind(ctx, discordtest.KindIdentified, 1); err != nil {
		t.Fatal(err)
	}
	g := s.Guilds()[0]
	s.Say(s.Channels(g.ID)[0].ID, s.Members(g.ID)[1].User.ID, "as json")
	r.stdout.waitFor(ctx, t, "as json")
	cancel()
	<-done
	var names []string
	for _, line := range strings.Split(strings.TrimSpace(r.stdout.String()), "\n") {
		var ev struct {
			T     string          `json:"t"`
			S     int64           `json:"s"`
			Shard *int            `json:"shard"`
			D     json.RawMessage `json:"d"`
		}
		if err := json.Unmarshal([]byte(line), &ev); err != nil || ev.Shard == nil || ev.S == 0 || len(ev.D) == 0 {
			t.Fatalf("line %q: %v", line, err)
		}
		names = append(names, ev.T)
	}
	if strings.Join(names, ",") != "READY,GUILD_CREATE,MESSAGE_CREATE" {
		t.Errorf("events %v", names)
	}
}

func TestTailExplainsFatalErrorsAndExitsNonZero(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts []discordtest.Option
		vars func(s *discordtest.Server) map[string]string
		args []string
		code int
		want string
	}{
		{"bad token", nil, func(s *discordtest.Server) map[string]string {
			return map[string]string{"DISCORD_TOKEN": "not-a-valid-token", "DISCORD_API": s.APIURL}
		}, nil, exitError, "rejected the token"},
		{"disallowed intents", []discordtest.Option{discordtest.WithPrivilegedIntents(0)}, fakeEnv, nil, exitError, "Privileged Gateway Intents"},
		{"undocumented intent bit", nil, fakeEnv, []string{"--intents", "262144"}, exitUsage, "does not document (0x40000)"},
		{"undocumented intent bit 40", nil, fakeEnv, []string{"--intents", "1099511627776"}, exitUsage, "does not document (0x10000000000)"},
		{"undocumented bit beside names", nil, fakeEnv, []string{"--intents", "GUILDS,0x100000000"}, exitUsage, "does not document"},
		{"no intents", nil, fakeEnv, []string{"--intents", "0"}, exitUsage, "asks for no intents"},
		{"api not a URL", nil, fakeEnv, []string{"--api", "::nope"}, exitUsage, `--api "::nope" is not an http or https URL`},
		{"api without a host", nil, fakeEnv, []string{"--api", "http:///api/v10"}, exitUsage, "with a host"},
		{"DISCORD_API not a URL", nil, func(s *discordtest.Server) map[string]string {
			return map[string]string{"DISCORD_TOKEN": s.Token, "DISCORD_API": "ftp://127.0.0.1/"}
		}, nil, exitUsage, `DISCORD_API "ftp://127.0.0.1/"`},
		{"no token", nil, func(s *discordtest.Server) map[string]string { return map[string]string{} }, nil, exitUsage, "set DISCORD_TOKEN"},
		{"bad intent name", nil, fakeEnv, []string{"--intents", "GUILD_MESAGES"}, exitUsage, "unknown intent"},
		{"bad shards", nil, fakeEnv, []string{"--shards", "none"}, exitUsage, "--shards"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := discordtest.NewServer(tc.opts...)
			defer s.Close()
			r := runCmd(t, tc.vars(s), append([]string{"tail"}, tc.args...)...)
			if r.code != tc.code || !strings.Contains(r.stderr.String(), tc.want) {
				t.Fatalf("exit %d, stderr %q; want %d and %q", r.code, r.stderr, tc.code, tc.want)
			}
			if lines := strings.Count(strings.TrimSpace(r.stderr.String()), "\n"); tc.code == exitError && lines != 0 {
				t.Errorf("want one sentence, got:\n%s", r.stderr)
			}
			if strings.Contains(r.stderr.String()+r.stdout.String(), "not-a-valid-token") {
				t.Error("the token was printed")
			}
		})
	}
}

func TestExplainNamesEveryFatalCloseCode(t *testing.T) {
	for _, code := range []discord.CloseCode{4004, 4010, 4011, 4012, 4013, 4014} {
		msg := explain(&gateway.CloseError{Code: code}).Error()
		if !strings.Contains(msg, "close "+code.String()[:4]) || strings.Contains(msg, "\n") {
			t.Errorf("%d: %q", code, msg)
		}
	}
}

func TestGatewayCommand(t *testing.T) {
	s := discordtest.NewServer(discordtest.WithShards(6), discordtest.WithMaxConcurrency(2))
	defer s.Close()
	r := runCmd(t, fakeEnv(s), "gateway")
	if r.code != exitOK || !strings.Contains(r.stdout.String(), "recommended shards:   6") ||
		!strings.Contains(r.stdout.String(), "max concurrency:      2") {
		t.Errorf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

func TestDemoRunsAShardedBotAndSummarises(t *testing.T) {
	r := runCmd(t, nil, "demo", "--for", "4s", "--shards", "2", "--chatter", "10", "--heartbeat", "500ms")
	out := r.stdout.String()
	if r.code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", r.code, out, r.stderr)
	}
	for _, want := range []string{"[shard 0] ready", "[shard 1] ready", "summary", "shard 0 ", "shard 1 ", ": ping", "0 rule violations"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	pongs := 0
	for _, m := range regexp.MustCompile(`pongs (\d+)`).FindAllStringSubmatch(out[strings.Index(out, "summary"):], -1) {
		n, _ := strconv.Atoi(m[1])
		pongs += n
	}
	if pongs == 0 || !strings.Contains(out, "wirecord-test-bot: pong") {
		t.Errorf("no pong was sent:\n%s", out)
	}
}

func TestDemoChaosHeals(t *testing.T) {
	r := runCmd(t, nil, "demo", "--for", "9s", "--shards", "2", "--chatter", "5", "--heartbeat", "300ms", "--chaos")
	out := r.stdout.String()
	if r.code != exitOK || !strings.Contains(out, "chaos:") || !strings.Contains(out, "reconnecting") {
		t.Fatalf("exit %d\n%s\n%s", r.code, out, r.stderr)
	}
}

func TestUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{nil, exitUsage, "usage: wirecord"},
		{[]string{"nope"}, exitUsage, `unknown command "nope"`},
		{[]string{"--log-level", "loud", "demo"}, exitUsage, "bad --log-level"},
		{[]string{"demo", "--help"}, exitOK, "--chaos"},
		{[]string{"tail", "--help"}, exitOK, "--json"},
		{[]string{"fake", "--help"}, exitOK, "--chatter"},
		{[]string{"fake", "--help"}, exitOK, "GET  /_fake/record[?since=N][&follow=1]"},
		{[]string{"fake", "--help"}, exitOK, "POST /_fake/faults/{shard}/{kind}"},
		{[]string{"fake", "--help"}, exitOK, "close?code=N"},
		{[]string{"gateway", "--help"}, exitOK, "--api"},
		{[]string{"demo", "--shards", "0"}, exitUsage, "at least 1"},
		{[]string{"bench", "--help"}, exitOK, "--shards"},
		{[]string{"bench", "--compress", "lz4"}, exitUsage, `unknown compression "lz4"`},
		{[]string{"bench", "--events", "0"}, exitUsage, "at least 1"},
		{[]string{"help"}, exitOK, "bench"},
	} {
		r := runCmd(t, nil, tc.args...)
		if r.code != tc.code || !strings.Contains(r.stderr.String()+r.stdout.String(), tc.want) {
			t.Errorf("%v: exit %d, output %q", tc.args, r.code, r.stderr.String()+r.stdout.String())
		}
	}
}

func TestFakeCommandServesUntilInterrupted(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	r, done := start(ctx, nil, "fake", "--addr", "127.0.0.1:0", "--guilds", "2", "--shards", "2")
	r.stdout.waitFor(ctx, t, "try: DISCORD_TOKEN=")
	out := r.stdout.String()
	var api string
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) == 2 && f[0] == "REST:" {
			api = f[1]
		}
	}
	if !strings.HasPrefix(api, "http://127.0.0.1:") {
		t.Fatalf("no REST URL in:\n%s", out)
	}
	// The fake answers: wirecord gateway against it.
	g := runCmd(t, map[string]string{"DISCORD_TOKEN": discordtest.DefaultToken, "DISCORD_API": api}, "gateway")
	if g.code != exitOK || !strings.Contains(g.stdout.String(), "recommended shards:   2") {
		t.Errorf("gateway against the fake: %d %s %s", g.code, g.stdout, g.stderr)
	}
	cancel()
	if code := <-done; code != exitOK {
		t.Errorf("exit %d", code)
	}
	if !strings.Contains(r.stdout.String(), "rest") && !strings.Contains(r.stdout.String(), "stopped") {
		t.Errorf("output:\n%s", r.stdout)
	}
}

func TestBadAPIIsAUsageErrorForEveryCommand(t *testing.T) {
	for _, cmd := range []string{"tail", "gateway"} {
		for _, api := range []string{"::nope", "127.0.0.1:1234", "ws://127.0.0.1/api/v10"} {
			r := runCmd(t, map[string]string{"DISCORD_TOKEN": "t"}, cmd, "--api", api)
			if r.code != exitUsage || !strings.Contains(r.stderr.String(), "is not an http or https URL") {
				t.Errorf("%s --api %s: exit %d, stderr %q; want %d", cmd, api, r.code, r.stderr, exitUsage)
			}
		}
	}
}

func TestFakeCommandServesItsRecordOverHTTPUnlessControlIsOff(t *testing.T) {
	for _, tc := range []struct {
		flag   string
		status int
	}{{"--control=true", http.StatusOK}, {"--control=false", http.StatusNotFound}} {
		t.Run(tc.flag, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			r, done := start(ctx, nil, "fake", "--addr", "127.0.0.1:0", tc.flag)
			r.stdout.waitFor(ctx, t, "try: DISCORD_TOKEN=")
			var api string
			for _, line := range strings.Split(r.stdout.String(), "\n") {
				if f := strings.Fields(line); len(f) == 2 && f[0] == "REST:" {
					api = f[1]
				}
			}
			base := strings.TrimSuffix(api, "/api/v10")
			if g := runCmd(t, map[string]string{"DISCORD_TOKEN": discordtest.DefaultToken, "DISCORD_API": api}, "gateway"); g.code != exitOK {
				t.Fatalf("gateway: %d %s", g.code, g.stderr)
			}
			resp, err := http.Get(base + "/_fake/record")
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.status {
				t.Errorf("GET /_fake/record = %d, want %d", resp.StatusCode, tc.status)
			}
			if tc.status == http.StatusOK && !strings.Contains(string(body), `"kind":"rest"`) {
				t.Errorf("record has no rest line for GET /gateway/bot:\n%s", body)
			}
			cancel()
			<-done
		})
	}
}
