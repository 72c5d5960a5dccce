package cluster

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/wirecord/wirecord/gateway"
	"github.com/wirecord/wirecord/shard"
)

// runShard runs one leased shard until it is stopped: it resumes the
// shard's stored session when there is one, publishes every dispatch to
// the stream, keeps the session in the sessions bucket, and on a handoff
// closes keeping the session resumable, publishes what is left, stores
// the session and releases the lease.
func (nd *Node) runShard(ctx context.Context, o *owned) {
	log := nd.log.With("shard", o.id)
	resume, ok := nd.resumeState(ctx, o, log)
	if !ok {
		if !o.leaseLost() {
			nd.release(o, log)
		}
		return
	}
	gw := nd.cfg.Gateway
	gw.Token, gw.Intents = nd.cfg.Token, nd.cfg.Intents
	gw.ShardID, gw.ShardCount = o.id, nd.cfg.ShardCount
	gw.Session = resume
	cfg := shard.Config{
		Gateway:      gw,
		Dialer:       nd.cfg.Dialer,
		TLSConfig:    nd.cfg.TLSConfig,
		Queue:        nd.queue,
		Logger:       log,
		EventBuffer:  nd.cfg.EventBuffer,
		WriteTimeout: nd.cfg.WriteTimeout,
	}
	s, err := shard.New(cfg)
	if err != nil && resume != nil && resume.ResumeURL != "" {
		// A stored resume URL the engine refuses (no gateway's): the
		// session may still resume, at the gateway URL.
		log.Warn("the stored session's resume URL is refused; resuming at the gateway URL", "err", err)
		r := *resume
		r.ResumeURL = ""
		resume, cfg.Gateway.Session = &r, &r
		s, err = shard.New(cfg)
	}
	if err != nil && resume != nil {
		// Identify rather than never run the shard.
		logLostSession(log, "the stored session is not resumable: "+err.Error(), resume)
		resume, cfg.Gateway.Session = nil, nil
		s, err = shard.New(cfg)
	}
	if err != nil {
		log.Error("cannot run the shard; releasing its lease", "err", err)
		nd.release(o, log)
		return
	}
	session := ""
	if resume != nil {
		session = resume.ID
		log.Info("resuming the shard's session", "session", session, "seq", resume.Seq)
	}
	shardCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	// leaseCtx ends when the lease is lost: a publish under way stops
	// waiting for NATS, so that the shard's events keep flowing and its
	// close is not held up behind them.
	leaseCtx, loseLease := context.WithCancel(ctx)
	defer loseLease()
	go func() {
		select {
		case <-o.lost:
			loseLease()
		case <-leaseCtx.Done():
		}
	}()
	go s.Run(shardCtx)
	// Commands for the shard come here while this node runs it; the
	// subscription ends as soon as the shard is told to stop, so that
	// commands wait for (and go to) the next owner.
	sub, err := nd.serveCommands(shardCtx, o.id, s)
	if err != nil {
		log.Warn("the shard runs without taking commands", "err", err)
	}
	unsubscribe := func() {
		if sub != nil {
			sub.Unsubscribe()
			sub = nil
		}
	}
	defer unsubscribe()

	var (
		lastSeq  int64
		stopping bool
		giveUp   time.Time // on a handoff: stop retrying publishes then
		// abandoned: a publish was given up, so no later event may be
		// published either (the stream must have no gap: a new owner
		// resumes after its last event).
		abandoned bool
	)
	stopC, lostC := o.stopped, o.lost
	var hardStop *time.Timer
	defer func() {
		if hardStop != nil {
			hardStop.Stop()
		}
	}()
	for {
		select {
		case <-stopC:
			stopC, stopping = nil, true
			unsubscribe()
			giveUp = time.Now().Add(nd.cfg.LeaseTTL / 2)
			go func() {
				c, cancelClose := context.WithTimeout(context.WithoutCancel(ctx), nd.cfg.LeaseTTL)
				defer cancelClose()
				// Keep the session resumable: the next owner resumes it.
				if err := s.Close(c, gateway.CloseKeepSession); err != nil {
					// Last resort: the connection did not close within
					// the lease time. Abort drops it without a close
					// frame, so the session stays resumable.
					log.Warn("closing the shard took too long; dropping its connection", "err", err)
					s.Abort()
				}
			}()
			continue
		case <-lostC:
			// Another node may run the shard from now on: publish
			// nothing more. The close began with stopped (a lost lease
			// closes it too); it keeps the session resumable.
			lostC = nil
			// Unless the close takes longer than the lease has left: a
			// lease not renewed in time has a quarter lease left (see
			// NodeConfig.LeaseTTL), one taken by another node none, and
			// by then the connection must be gone. Abort drops it
			// without a close frame, even with the shard's loop held
			// up, and the session stays resumable. Cancelling the
			// shard's context would not do: the loop must take it first
			// (a close under way then still waits for Discord's answer),
			// and if it takes it before the close request, it ends the
			// session with 1000 and the next owner's RESUME is refused.
			hardStop = time.AfterFunc(nd.cfg.LeaseTTL/4, func() {
				log.Warn("closing the shard of a lost lease took too long; dropping its connection")
				s.Abort()
			})
			continue
		case ev, ok := <-s.Events():
			if !ok {
				nd.finish(o, s, stopping, session, lastSeq, log)
				return
			}
			if abandoned || o.leaseLost() {
				continue // the next owner replays these from Discord
			}
			switch e := ev.(type) {
			case *shard.Dispatch:
				if e.Name == "READY" {
					// READY comes before the *shard.Ready that names the
					// session: its message id needs the new session's id.
					if id := readySession(e.Data); id != "" {
						session = id
					}
				}
				if nd.publish(leaseCtx, o, session, e, giveUp, log) {
					lastSeq = e.Seq
				} else {
					abandoned = true
				}
			case *shard.Ready:
				session = e.SessionID
				nd.saveSession(ctx, s, o.id, lastSeq, log)
			case *shard.Resumed:
				log.Info("resumed", "session", session, "replayed", e.Replayed)
				nd.saveSession(ctx, s, o.id, lastSeq, log)
			case *shard.SessionRestarted:
				log.Warn("the session could not be resumed; a new one starts, and events of the old one may be missing",
					"old_session", e.Previous.ID, "missed_after", e.MissedAfter)
			case *shard.Stopped:
				if e.Err != nil {
					log.Error("shard stopped with a fatal error", "err", e.Err)
				}
			}
		}
	}
}

// publish puts a dispatch in the stream, retrying until it is stored, the
// lease is lost, or giveUp (if set) has passed. The message id
// <session>:<seq> makes a second copy (a replay, an overlapping owner) a
// no-op at JetStream. What is not published is not lost: the next owner
// resumes after the last event the stream holds, and Discord replays the
// rest.
func (nd *Node) publish(ctx context.Context, o *owned, session string, d *shard.Dispatch, giveUp time.Time, log *slog.Logger) bool {
	m := eventMsg(nd.n, session, d)
	for {
		if o.leaseLost() {
			return false
		}
		c, cancel := nd.opCtx(ctx)
		_, err := nd.js.PublishMsg(c, m)
		cancel()
		if err == nil {
			return true
		}
		select {
		case <-o.stopped:
			// A handoff began while this was retried: it gives up in
			// time, as the main loop's publishes do.
			if giveUp.IsZero() {
				giveUp = time.Now().Add(nd.cfg.LeaseTTL / 2)
			}
		default:
		}
		if nd.cfg.NATS.IsClosed() || o.leaseLost() || (!giveUp.IsZero() && time.Now().After(giveUp)) {
			return false // the node is going away; the next owner replays it
		}
		log.Warn("publishing an event failed; retrying", "seq", d.Seq, "event", d.Name, "err", err)
		t := time.NewTimer(100 * time.Millisecond)
		select {
		case <-o.lost:
		case <-ctx.Done():
			t.Stop()
			return false
		case <-t.C:
		}
		t.Stop()
	}
}

// resumeState is the session the new owner of o's shard resumes: the
// stored session, at the last sequence the stream holds for it; nil when
// there is none (the shard identifies). A NATS error is retried, never
// taken for "no session": identifying instead of resuming would drop
// the events the old owner had not published. ok is false when the
// shard was told to stop before the session could be read.
func (nd *Node) resumeState(ctx context.Context, o *owned, log *slog.Logger) (state *gateway.SessionState, ok bool) {
	var e jetstream.KeyValueEntry
	err := nd.retryNATS(ctx, o, log, "reading the stored session", func(c context.Context) (err error) {
		e, err = nd.sessions.Get(c, sessionKey(o.id))
		if missing(err) {
			e, err = nil, nil
		}
		return err
	})
	if err != nil {
		return nil, false
	}
	if e == nil {
		return nil, true
	}
	var st storedSession
	if err := json.Unmarshal(e.Value(), &st); err != nil || st.ID == "" {
		reason := "the stored session is not readable"
		if err != nil {
			reason += ": " + err.Error()
		}
		logLostSession(log, reason, nil)
		return nil, true
	}
	if st.ShardID != o.id || st.ShardCount != nd.cfg.ShardCount {
		// Another shard count routes other guilds (the cluster was
		// rescaled), and another shard's session is not this one's.
		logLostSession(log, fmt.Sprintf("the stored session is shard [%d, %d]'s, not [%d, %d]",
			st.ShardID, st.ShardCount, o.id, nd.cfg.ShardCount), &st.SessionState)
		return nil, true
	}
	var (
		sess string
		seq  int64
	)
	err = nd.retryNATS(ctx, o, log, "reading the last published event", func(c context.Context) (err error) {
		sess, seq, err = lastPublished(c, nd.stream, nd.n, o.id)
		if errors.Is(err, errForeignMessage) {
			// Waiting would not help: resume from the stored sequence.
			// Discord replays from there, and what the stream holds
			// already is de-duplicated by message id.
			log.Warn("the shard's last message in the stream is not a node's; resuming from the stored session's sequence",
				"seq", st.Seq, "err", err)
			sess, seq = "", 0
			return nil
		}
		return err
	})
	if err != nil {
		return nil, false
	}
	if sess == st.ID && seq > 0 {
		// The stream is the record: resume after the last event stored,
		// and Discord replays whatever the old owner had not published.
		st.Seq = seq
	}
	return &st.SessionState, true
}

// logLostSession says that the shard identifies because its stored
// session cannot be resumed, as runShard says it of a session Discord
// refused (shard.SessionRestarted): events of the old session after its
// last sequence may be missing. prev is nil when nothing of it is known.
func logLostSession(log *slog.Logger, reason string, prev *gateway.SessionState) {
	args := []any{"reason", reason}
	if prev != nil {
		args = append(args, "old_session", prev.ID, "missed_after", prev.Seq)
	}
	log.Warn("the session could not be resumed; a new one starts, and events of the old one may be missing", args...)
}

// retryNATS runs op, each try bounded by a quarter lease, until it
// succeeds, or the shard is told to stop or ctx ends (then it returns
// their error).
func (nd *Node) retryNATS(ctx context.Context, o *owned, log *slog.Logger, what string, op func(context.Context) error) error {
	for {
		c, cancel := nd.opCtx(ctx)
		err := op(c)
		cancel()
		if err == nil {
			return nil
		}
		log.Warn(what+" failed; retrying (a moved shard waits for NATS rather than identify and lose events)", "err", err)
		t := time.NewTimer(100 * time.Millisecond)
		select {
		case <-o.stopped:
			t.Stop()
			return fmt.Errorf("cluster: shard %d stopped while %s: %w", o.id, what, err)
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

// readySession is the session_id of a READY payload.
func readySession(data json.RawMessage) string {
	var v struct {
		SessionID string `json:"session_id"`
	}
	json.Unmarshal(data, &v)
	return v.SessionID
}

// saveSession stores the shard's session for whoever runs it next.
func (nd *Node) saveSession(ctx context.Context, s *shard.Shard, shardID int, lastSeq int64, log *slog.Logger) bool {
	st, ok := s.Session()
	if !ok {
		return false
	}
	st.Seq = lastSeq
	val, _ := json.Marshal(storedSession{SessionState: st, Node: nd.cfg.ID, Updated: time.Now()})
	c, cancel := nd.opCtx(ctx)
	defer cancel()
	if _, err := nd.sessions.Put(c, sessionKey(shardID), val); err != nil {
		log.Warn("storing the session failed", "err", err)
		return false
	}
	return true
}

// finish runs when the shard's events have ended.
func (nd *Node) finish(o *owned, s *shard.Shard, stopping bool, session string, lastSeq int64, log *slog.Logger) {
	ctx := context.WithoutCancel(nd.runCtx)
	if o.leaseLost() {
		log.Info("shard stopped: its lease was lost")
		return
	}
	if stopping {
		if nd.saveSession(ctx, s, o.id, lastSeq, log) {
			log.Info("shard handed over", "session", session, "seq", lastSeq)
		}
	}
	nd.release(o, log)
}

// release deletes the lease, if it is still ours, so another node claims
// the shard at once.
func (nd *Node) release(o *owned, log *slog.Logger) {
	c, cancel := nd.opCtx(context.WithoutCancel(nd.runCtx))
	defer cancel()
	nd.mu.Lock()
	rev := o.rev
	nd.mu.Unlock()
	err := nd.leases.Delete(c, leaseKey(o.id), jetstream.LastRevision(rev))
	if conflict(err) {
		// A renewal crossed the release: delete the lease if it is
		// still ours, at its current revision.
		if e, gerr := nd.leases.Get(c, leaseKey(o.id)); gerr == nil {
			var l lease
			if json.Unmarshal(e.Value(), &l) == nil && l.Node == nd.cfg.ID {
				err = nd.leases.Delete(c, leaseKey(o.id), jetstream.LastRevision(e.Revision()))
			} else {
				err = nil // another node's now
			}
		}
	}
	if err != nil && !errors.Is(err, jetstream.ErrKeyNotFound) {
		log.Warn("releasing the lease failed; it expires by itself", "err", err)
	}
}
