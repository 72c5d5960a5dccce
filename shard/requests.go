package shard

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"sync"
	"time"

	"github.com/wirecord/wirecord/discord"
	"github.com/wirecord/wirecord/gateway"
)

// GuildMembers is the whole answer to a Request Guild Members command: the
// members of every GUILD_MEMBERS_CHUNK with the request's nonce.
type GuildMembers struct {
	GuildID   discord.GuildID
	Members   []discord.Member
	Presences []discord.Presence
	// NotFound lists requested user ids that are not members.
	NotFound []discord.UserID
	// Chunks is how many chunks the answer came in.
	Chunks int
}

// RequestGuildMembers asks for members of a guild (op 8) and returns every
// chunk of the answer as one result. A nonce is chosen when req has none.
// When Discord answers RATE_LIMITED for the request, it is sent again
// after retry_after; when the session restarts before the answer is
// complete, it is sent again on the new session.
func (s *Shard) RequestGuildMembers(ctx context.Context, req discord.RequestGuildMembers) (*GuildMembers, error) {
	out := &GuildMembers{GuildID: req.GuildID}
	err := s.StreamGuildMembers(ctx, req, func(c *discord.GuildMembersChunk) error {
		out.Members = append(out.Members, c.Members...)
		out.Presences = append(out.Presences, c.Presences...)
		out.NotFound = append(out.NotFound, c.NotFound...)
		out.Chunks++
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// StreamGuildMembers is RequestGuildMembers calling fn with each chunk as
// it arrives, in chunk_index order. An error from fn ends the wait and is
// returned.
func (s *Shard) StreamGuildMembers(ctx context.Context, req discord.RequestGuildMembers, fn func(*discord.GuildMembersChunk) error) error {
	if req.Nonce == "" {
		req.Nonce = newNonce()
	}
	if err := req.Validate(); err != nil {
		return err
	}
	mr := &memberRequest{nonce: req.Nonce, notify: make(chan struct{}, 1), got: map[int]bool{}}
	c := &command{ctx: ctx, cmd: req, done: make(chan error, 1), members: mr}
	if err := s.submit(ctx, c); err != nil {
		return err
	}
	next := 0
	for {
		chunks, total, err := mr.take()
		for _, ch := range chunks {
			if ch.ChunkIndex != next {
				continue // a duplicate or stale chunk from a resent request
			}
			next++
			if err := fn(ch); err != nil {
				mr.cancel()
				return err
			}
		}
		if total > 0 && next >= total {
			return nil
		}
		if err != nil {
			return err
		}
		select {
		case <-mr.notify:
		case <-ctx.Done():
			mr.cancel()
			return ctx.Err()
		case <-s.done:
			if _, _, err := mr.take(); err != nil {
				return err
			}
			return ErrClosed
		}
	}
}

// RequestSoundboardSounds asks for the soundboard sounds of guilds (op 31)
// and waits for the SOUNDBOARD_SOUNDS answer of each.
func (s *Shard) RequestSoundboardSounds(ctx context.Context, guildIDs ...discord.GuildID) (map[discord.GuildID][]discord.SoundboardSound, error) {
	sr := &soundRequest{want: map[discord.GuildID]bool{}, got: map[discord.GuildID][]discord.SoundboardSound{}, notify: make(chan struct{}, 1)}
	for _, id := range guildIDs {
		sr.want[id] = true
	}
	c := &command{ctx: ctx, cmd: discord.RequestSoundboardSounds{GuildIDs: guildIDs}, done: make(chan error, 1), sounds: sr}
	if err := s.submit(ctx, c); err != nil {
		return nil, err
	}
	for {
		if got, done := sr.result(); done {
			return got, nil
		}
		select {
		case <-sr.notify:
		case <-ctx.Done():
			sr.cancel()
			return nil, ctx.Err()
		case <-s.done:
			return nil, ErrClosed
		}
	}
}

func newNonce() string {
	var b [12]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// memberRequest collects the chunks of one Request Guild Members.
type memberRequest struct {
	nonce  string
	notify chan struct{}

	mu       sync.Mutex
	chunks   []*discord.GuildMembersChunk
	got      map[int]bool
	total    int
	err      error
	canceled bool
}

func (r *memberRequest) push(c *discord.GuildMembersChunk) (complete bool) {
	r.mu.Lock()
	if !r.got[c.ChunkIndex] {
		r.got[c.ChunkIndex] = true
		r.chunks = append(r.chunks, c)
		r.total = c.ChunkCount
	}
	complete = r.total > 0 && len(r.got) >= r.total
	r.mu.Unlock()
	signal(r.notify)
	return complete
}

// restart forgets the chunks of an answer that was cut off, before the
// request is sent again.
func (r *memberRequest) restart() {
	r.mu.Lock()
	r.got = map[int]bool{}
	r.total = 0
	r.mu.Unlock()
}

func (r *memberRequest) fail(err error) {
	r.mu.Lock()
	if r.err == nil {
		r.err = err
	}
	r.mu.Unlock()
	signal(r.notify)
}

func (r *memberRequest) cancel() {
	r.mu.Lock()
	r.canceled = true
	r.mu.Unlock()
}

func (r *memberRequest) isCanceled() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.canceled
}

// take returns the chunks received since the last take, sorted by index.
func (r *memberRequest) take() ([]*discord.GuildMembersChunk, int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	chunks := r.chunks
	r.chunks = nil
	sortChunks(chunks)
	return chunks, r.total, r.err
}

func sortChunks(c []*discord.GuildMembersChunk) {
	for i := 1; i < len(c); i++ {
		for j := i; j > 0 && c[j].ChunkIndex < c[j-1].ChunkIndex; j-- {
			c[j], c[j-1] = c[j-1], c[j]
		}
	}
}

// soundRequest collects the SOUNDBOARD_SOUNDS answers of one request.
type soundRequest struct {
	notify   chan struct{}
	mu       sync.Mutex
	want     map[discord.GuildID]bool
	got      map[discord.GuildID][]discord.SoundboardSound
	canceled bool
}

func (r *soundRequest) push(g discord.GuildID, sounds []discord.SoundboardSound) {
	r.mu.Lock()
	if r.want[g] {
		if sounds == nil {
			sounds = []discord.SoundboardSound{}
		}
		r.got[g] = sounds
	}
	r.mu.Unlock()
	signal(r.notify)
}

func (r *soundRequest) result() (map[discord.GuildID][]discord.SoundboardSound, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.got, len(r.got) == len(r.want)
}

func (r *soundRequest) cancel() {
	r.mu.Lock()
	r.canceled = true
	r.mu.Unlock()
}

func (r *soundRequest) done() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.canceled || len(r.got) == len(r.want)
}

func signal(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

// requests tracks, in the owner goroutine, the requests waiting for
// answers that arrive as dispatches.
type requests struct {
	members map[string]*command // by nonce
	sounds  []*command
}

// sent registers a command that expects an answer.
func (q *requests) sent(c *command) {
	switch {
	case c.members != nil:
		if q.members == nil {
			q.members = map[string]*command{}
		}
		q.members[c.members.nonce] = c
	case c.sounds != nil:
		q.sounds = append(q.sounds, c)
	}
}

// observe routes answers to their requests. The dispatches are delivered
// to user code as usual too.
func (q *requests) observe(l *loop, d *gateway.Dispatch) {
	switch d.Name {
	case discord.EventGuildMembersChunk:
		if len(q.members) == 0 || d.Err != nil {
			return
		}
		var chunk discord.GuildMembersChunk
		if err := json.Unmarshal(d.Data, &chunk); err != nil {
			return
		}
		c, ok := q.members[chunk.Nonce]
		if !ok {
			return
		}
		if c.members.isCanceled() || c.members.push(&chunk) {
			delete(q.members, chunk.Nonce)
		}
	case discord.EventRateLimited:
		if len(q.members) == 0 || d.Err != nil {
			return
		}
		var rl struct {
			Opcode     discord.Opcode `json:"opcode"`
			RetryAfter float64        `json:"retry_after"`
			Meta       struct {
				Nonce string `json:"nonce"`
			} `json:"meta"`
		}
		if json.Unmarshal(d.Data, &rl) != nil || rl.Opcode != discord.OpRequestGuildMembers {
			return
		}
		c, ok := q.members[rl.Meta.Nonce]
		if !ok {
			return
		}
		delete(q.members, rl.Meta.Nonce)
		wait := time.Duration(rl.RetryAfter * float64(time.Second))
		l.s.log.Info("request guild members rate limited; sending again", "retry_after", wait, "nonce", rl.Meta.Nonce)
		l.cmds = append(l.cmds, c.resend(time.Now().Add(wait)))
	case discord.EventSoundboardSounds:
		if len(q.sounds) == 0 || d.Err != nil {
			return
		}
		var ss struct {
			GuildID discord.GuildID           `json:"guild_id"`
			Sounds  []discord.SoundboardSound `json:"soundboard_sounds"`
		}
		if json.Unmarshal(d.Data, &ss) != nil {
			return
		}
		keep := q.sounds[:0]
		for _, c := range q.sounds {
			c.sounds.push(ss.GuildID, ss.Sounds)
			if !c.sounds.done() {
				keep = append(keep, c)
			}
		}
		clear(q.sounds[len(keep):])
		q.sounds = keep
	}
}

// sessionRestarted returns the requests to send again: a new session never
// delivers the rest of an answer begun on the old one.
func (q *requests) sessionRestarted() []*command {
	var out []*command
	for nonce, c := range q.members {
		delete(q.members, nonce)
		if c.members.isCanceled() || c.ctx.Err() != nil {
			continue
		}
		c.members.restart()
		out = append(out, c.resend(time.Time{}))
	}
	for _, c := range q.sounds {
		if !c.sounds.done() && c.ctx.Err() == nil {
			out = append(out, c.resend(time.Time{}))
		}
	}
	q.sounds = nil
	return out
}

// failAll ends every waiting request with err.
func (q *requests) failAll(err error) {
	for nonce, c := range q.members {
		c.members.fail(err)
		delete(q.members, nonce)
	}
	q.sounds = nil
}

// resend copies a command for sending again; its caller already has its
// answer to the first send, so the copy reports to nobody but its request.
func (c *command) resend(notBefore time.Time) *command {
	return &command{ctx: c.ctx, cmd: c.cmd, done: make(chan error, 1), notBefore: notBefore,
		members: c.members, sounds: c.sounds}
}
