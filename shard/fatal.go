package shard

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/wirecord/wirecord/discord"
	"github.com/wirecord/wirecord/gateway"
)

// Fatal receives the first fatal error of a live shard.
func (m *Manager) Fatal() <-chan error { return m.fatal }

func (m *Manager) onFatal(set *shardSet, st *Stopped) {
	var ce *gateway.CloseError
	if m.cfg.RescaleOnShardingRequired && errors.As(st.Err, &ce) && ce.Code == discord.CloseShardingRequired {
		if !set.shardingRescale.CompareAndSwap(false, true) {
			return // another shard of this set already started the rescale
		}
		m.log.Warn("sharding required: rescaling to the recommended shard count", "shard", st.ShardID)
		m.wg.Add(1)
		go func() {
			defer m.wg.Done()
			ctx, cancel := context.WithTimeout(m.ctx, 30*time.Minute)
			defer cancel()
			if err := m.Rescale(ctx, 0); err != nil && !errors.Is(err, ErrClosed) && m.ctx.Err() == nil {
				m.log.Error("rescale after 4011 failed", "err", err)
				m.reportFatal(err)
			}
		}()
		return
	}
	m.reportFatal(fmt.Errorf("shard %d: %w", st.ShardID, st.Err))
}

func (m *Manager) reportFatal(err error) {
	m.fatalOnce.Do(func() {
		m.fatalErr = err
		close(m.fatalSet)
	})
	select {
	case m.fatal <- err:
	default:
	}
}
