package shard

import (
	"slices"
	"sync"
	"sync/atomic"

	"github.com/wirecord/wirecord/gateway"
)

// shardSet is one generation of shards sharing a shard count. Its shards
// are built lazily, as the launcher admits them (a wave of max_concurrency
// at a time), so a set of 60,000 shards costs a slice of ids until it
// runs.
type shardSet struct {
	gen   int
	count int
	ids   []int // sorted
	// sessions are exported sessions its shards resume; lost are exported
	// sessions they cannot, announced by the shard they are keyed by.
	sessions map[int]gateway.SessionState
	lost     map[int][]gateway.SessionState

	// in is the Rescale that brings this set up (nil for the first set);
	// out, once set, is the Rescale that replaces it.
	in  *handoff
	out atomic.Pointer[handoff]

	mu       sync.Mutex
	shards   map[int]*Shard
	stopped  bool // close was called: no more shards are started
	mode     gateway.CloseMode
	ready    map[int]bool
	allReady chan struct{}
	// replaced is closed when a Rescale has switched to the next set.
	replaced chan struct{}
	// failed is closed when a shard of a coming-up set stops with an
	// error (failErr): the set cannot go live.
	failed   chan struct{}
	failErr  error
	failOnce sync.Once
	stopC    chan struct{} // closed by close
	// pumps counts the set's running pumps: when it is zero after close,
	// every event of the set has been handled.
	pumps sync.WaitGroup
	// shardingRescale makes a 4011 start one rescale per set, however
	// many of its shards were closed with it.
	shardingRescale atomic.Bool
}

func (m *Manager) newSet(gen, count int, ids []int, in *handoff) *shardSet {
	return &shardSet{gen: gen, count: count, ids: slices.Sorted(slices.Values(ids)), in: in,
		sessions: map[int]gateway.SessionState{}, lost: map[int][]gateway.SessionState{},
		shards: map[int]*Shard{}, ready: map[int]bool{},
		allReady: make(chan struct{}), replaced: make(chan struct{}), failed: make(chan struct{}),
		stopC: make(chan struct{})}
}

func (s *shardSet) list() []*Shard {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*Shard, 0, len(s.shards))
	for _, id := range s.ids {
		if sh := s.shards[id]; sh != nil {
			out = append(out, sh)
		}
	}
	return out
}

func (s *shardSet) shard(id int) *Shard {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.shards[id]
}

func (s *shardSet) markReady(id int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ready[id] {
		return
	}
	s.ready[id] = true
	if len(s.ready) == len(s.ids) {
		close(s.allReady)
	}
}

func (s *shardSet) fail(err error) {
	s.failOnce.Do(func() {
		s.failErr = err
		close(s.failed)
	})
}

// close stops the set: no shard is started any more, and every shard
// started is asked to close. It does not wait; s.pumps does.
func (s *shardSet) close(mode gateway.CloseMode) {
	s.mu.Lock()
	if !s.stopped {
		s.stopped = true
		s.mode = mode
		close(s.stopC)
	}
	shards := make([]*Shard, 0, len(s.shards))
	for _, sh := range s.shards {
		shards = append(shards, sh)
	}
	s.mu.Unlock()
	for _, sh := range shards {
		sh.requestClose(mode)
	}
}
