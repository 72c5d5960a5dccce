package shard

import (
	"context"
	"fmt"
	"time"

	"github.com/wirecord/wirecord/gateway"
)

// start builds shard id and runs it with its pump, unless the set was
// closed (nil, nil).
func (m *Manager) start(set *shardSet, id int) (*Shard, error) {
	var session *gateway.SessionState
	if st, ok := set.sessions[id]; ok {
		session = &st
	}
	sh, err := New(Config{Gateway: m.gatewayConfig(set.count, id, session), Dialer: m.cfg.Dialer,
		TLSConfig: m.cfg.TLSConfig, Queue: m.queue, Logger: m.log, Metrics: m.cfg.Metrics,
		EventBuffer: m.cfg.EventBuffer, WriteTimeout: m.cfg.WriteTimeout})
	if err != nil {
		return nil, err
	}
	set.mu.Lock()
	defer set.mu.Unlock()
	if set.stopped {
		return nil, nil
	}
	set.shards[id] = sh
	set.pumps.Add(1)
	m.wg.Add(2)
	go func() { defer m.wg.Done(); sh.Run(context.Background()) }()
	go m.pump(set, sh)
	return sh, nil
}

// launch starts a set's shards in waves of max_concurrency: a wave starts
// once the previous one has its IDENTIFYs granted (or was resuming), so
// that a shard does not hold an idle connection for long while it waits in
// the queue. The first wave is started before launch returns (so Shard(0)
// is there after Start); the others on a goroutine of their own.
func (m *Manager) launch(set *shardSet) {
	wave := 1
	if lq, ok := m.queue.(interface{ MaxConcurrency() int }); ok {
		wave = max(lq.MaxConcurrency(), 1)
	}
	startWave := func(i int) ([]*Shard, bool) {
		group := make([]*Shard, 0, min(wave, len(set.ids)-i))
		for _, id := range set.ids[i:min(i+wave, len(set.ids))] {
			sh, err := m.start(set, id)
			if err != nil {
				err = fmt.Errorf("shard %d: %w", id, err)
				m.log.Error("cannot start shard", "shard", id, "err", err)
				if set.in != nil {
					set.fail(err)
				} else {
					m.reportFatal(err)
				}
				return nil, false
			}
			if sh == nil {
				return nil, false // closed
			}
			group = append(group, sh)
		}
		return group, true
	}
	group, ok := startWave(0)
	if !ok || len(set.ids) <= wave {
		return
	}
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		timer := time.NewTimer(time.Hour)
		defer timer.Stop()
		for i := wave; ; i += wave {
			for _, sh := range group {
				// Wait for the session to be under way, or at most long
				// enough for a slow connection, so that one shard that
				// cannot connect does not hold back the others.
				resetTimer(timer, 2*IdentifyInterval)
				select {
				case <-sh.begun:
				case <-timer.C:
				case <-set.stopC:
					return
				}
			}
			if i >= len(set.ids) {
				return
			}
			if group, ok = startWave(i); !ok {
				return
			}
		}
	}()
}
