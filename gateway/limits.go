package gateway

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/wirecord/wirecord/discord"
)

// Bounds on the values a server sends. The package documentation has the
// table: for each value, the range Discord produces and what the engine does
// outside it.
const (
	// MaxSequence is the largest dispatch sequence number accepted. Discord
	// counts a session's dispatches from 1; at a million events a second a
	// session would need 285 years to get here, and no JavaScript client
	// could read a larger number exactly.
	MaxSequence = 1<<53 - 1

	// MaxSequenceSkew is how far a dispatch's sequence number may move
	// other than by one. Ahead by up to this, the dispatch is delivered
	// after a SequenceGap; behind by less than this, it is a replay of a
	// number already delivered or reported missing, and is dropped. Further
	// either way the number cannot be Discord's: the connection is treated
	// as broken and resumed from the last good number.
	MaxSequenceSkew = 1000

	// MaxHeartbeatInterval is the longest heartbeat interval used. Discord
	// sends 41250 ms (its docs show 45000). A dead connection is found
	// within two intervals, and a session stays resumable only a few
	// minutes, so a longer interval from the server is shortened to this;
	// heartbeating more often than asked is allowed (PROTOCOL.md §4).
	MaxHeartbeatInterval = 2 * time.Minute
)

// minHeartbeatInterval is the shortest heartbeat interval used: heartbeats
// may take at most half of the connection's send budget (Config.SendLimit
// per Config.SendWindow, 1 s with Discord's 120 per 60 s), so that commands
// keep the other half.
func minHeartbeatInterval(limit int, window time.Duration) time.Duration {
	return 2 * window / time.Duration(limit)
}

// ValueError is a value the server sent outside the range Discord produces
// (see the table in the package documentation). It comes in an OutOfRange
// event, and as Disconnected.Err when the engine treated the connection as
// broken because of it.
type ValueError struct {
	// Field names the value: "s", "heartbeat_interval",
	// "resume_gateway_url".
	Field string
	// Value is the value as the server sent it (at most 64 bytes of it).
	Value string
	// Want is the range accepted.
	Want string
	// Outcome is what the engine did instead.
	Outcome string
}

// Error names the field, the value, the range and what was done.
func (e *ValueError) Error() string {
	return fmt.Sprintf("gateway: server sent %s %s, want %s: %s", e.Field, e.Value, e.Want, e.Outcome)
}

// OutOfRange reports a value from the server outside the range Discord
// produces, and what the engine did instead. A clamped or ignored value
// comes as this event alone; a value that breaks the connection (a bad
// sequence number) is followed by a Disconnected whose Err is the same
// *ValueError.
type OutOfRange struct {
	Err *ValueError
}

func (*OutOfRange) isEvent() {}

func quoteValue(b []byte) string {
	if len(b) > 64 {
		b = b[:64]
	}
	return strconv.Quote(string(b))
}

// seqVerdict is what to do with a dispatch, judged by its sequence number.
type seqVerdict int

const (
	seqNext   seqVerdict = iota // the next number, or one without s
	seqGap                      // ahead by up to MaxSequenceSkew: report the gap, deliver
	seqReplay                   // at or behind last, by less than MaxSequenceSkew: drop
	seqBad                      // anything else: the connection is broken
)

// checkSeq judges env's sequence number against last, the last one of the
// session (0 before READY's).
func checkSeq(last int64, env *envelope) (seqVerdict, *ValueError) {
	if !env.hasSeq {
		return seqNext, nil
	}
	bad := func(value, want string) (seqVerdict, *ValueError) {
		return seqBad, &ValueError{Field: "s", Value: value, Want: want}
	}
	if env.seqBad {
		return bad(quoteValue(env.seqRaw), "an integer from 1 to 2^53-1")
	}
	s := env.seq
	switch {
	case s < 1 || s > MaxSequence:
		return bad(strconv.FormatInt(s, 10), "an integer from 1 to 2^53-1")
	case s > last && s-last > MaxSequenceSkew:
		return bad(strconv.FormatInt(s, 10), fmt.Sprintf("at most %d past the last sequence %d", MaxSequenceSkew, last))
	case s <= last && last-s >= MaxSequenceSkew:
		return bad(strconv.FormatInt(s, 10), fmt.Sprintf("less than %d before the last sequence %d", MaxSequenceSkew, last))
	case s <= last:
		return seqReplay, nil
	case last > 0 && s > last+1:
		return seqGap, nil
	}
	return seqNext, nil
}

// helloFields is Hello's d, read so that any number can be judged.
type helloFields struct {
	HeartbeatInterval json.Number `json:"heartbeat_interval"`
}

// heartbeatInterval reads Hello's heartbeat_interval (milliseconds) and
// bounds it to [minHeartbeatInterval, MaxHeartbeatInterval]. It fails when
// the value is missing, not a number or not positive; it returns a
// *ValueError beside the bounded interval when it had to clamp.
func heartbeatInterval(data []byte, limit int, window time.Duration) (time.Duration, *ValueError, error) {
	var h helloFields
	if err := json.Unmarshal(data, &h); err != nil {
		return 0, nil, err
	}
	ms, err := strconv.ParseFloat(string(h.HeartbeatInterval), 64)
	if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
		err = nil // too large is +Inf and clamped below; too small is 0
	}
	if err != nil || !(ms > 0) {
		return 0, nil, fmt.Errorf("heartbeat_interval %q missing or not positive", h.HeartbeatInterval)
	}
	lo, hi := minHeartbeatInterval(limit, window), MaxHeartbeatInterval
	want := fmt.Sprintf("%d to %d ms", lo.Milliseconds(), hi.Milliseconds())
	var d time.Duration
	switch {
	case ms < float64(lo)/float64(time.Millisecond):
		d = lo
	case ms > float64(hi)/float64(time.Millisecond):
		d = hi
	default:
		return time.Duration(ms * float64(time.Millisecond)), nil, nil
	}
	return d, &ValueError{Field: "heartbeat_interval", Value: quoteValue([]byte(h.HeartbeatInterval)), Want: want,
		Outcome: fmt.Sprintf("heartbeating every %v instead", d)}, nil
}

// discordHost is the domain of Discord's gateways (gateway.discord.gg,
// gateway-us-east1-b.discord.gg...).
const discordHost = "discord.gg"

// checkResumeURL judges a resume_gateway_url: it must keep TLS when the
// gateway URL has it (wss never becomes ws), and its host must be Discord's
// (discord.gg or a subdomain), the gateway URL's own host (any port), or a
// host the user trusts in Config.ResumeHosts.
func (c *config) checkResumeURL(raw string) (*url.URL, *ValueError) {
	refuse := func(want string) (*url.URL, *ValueError) {
		return nil, &ValueError{Field: "resume_gateway_url", Value: quoteValue([]byte(raw)), Want: want,
			Outcome: "resuming at the gateway URL instead"}
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return refuse("a ws or wss URL with a host")
	}
	switch {
	case u.Scheme == "wss":
	case u.Scheme == "ws" && c.base.Scheme == "ws":
	case u.Scheme == "ws":
		return refuse("wss, as the gateway URL is: a resume never drops TLS")
	default:
		return refuse("a ws or wss URL")
	}
	host := hostName(u)
	if host == hostName(c.base) || host == discordHost || strings.HasSuffix(host, "."+discordHost) {
		return u, nil
	}
	for _, h := range c.ResumeHosts {
		h = strings.TrimSuffix(strings.ToLower(h), ".")
		if host == h || strings.HasPrefix(h, "*.") && strings.HasSuffix(host, h[1:]) {
			return u, nil
		}
	}
	return refuse("a host under " + discordHost + ", the gateway URL's host or one in Config.ResumeHosts")
}

func hostName(u *url.URL) string { return strings.TrimSuffix(strings.ToLower(u.Hostname()), ".") }

// badSequence acts on a sequence number Discord could not have sent. The
// dispatch is not delivered, and the connection is treated as broken: it is
// closed with a code that keeps the session and resumed from the last good
// number, so that a real Discord replays whatever follows it, and nothing
// is lost or delivered twice. Delivering it instead would leave no number
// to trust: every later event would be either swallowed as a replay or
// delivered against a sequence the session never had. A close already
// under way is left alone; the value is only reported.
func (e *Engine) badSequence(now time.Time, bad *ValueError) {
	if e.state == StateClosing {
		bad.Outcome = "dispatch dropped; the connection is already closing"
		e.emit(&OutOfRange{Err: bad})
		return
	}
	action := e.resumeOrIdentify()
	if action == ActionResume {
		bad.Outcome = fmt.Sprintf("dispatch dropped; closing the connection and resuming from sequence %d", e.session.Seq)
	} else {
		bad.Outcome = "dispatch dropped; closing the connection and starting a new session"
	}
	e.emit(&OutOfRange{Err: bad})
	e.closeAndReconnect(now, discord.CloseResumable, "bad sequence number", action, bad)
	e.pending.Cause = "bad_sequence"
}
