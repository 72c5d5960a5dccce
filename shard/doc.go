// Package shard runs Discord gateway connections over real sockets.
//
// A Shard runs one gateway.Engine for the whole life of its session: it
// dials (TLS with the system roots, or any Dialer), reads, writes and keeps
// time for the engine from one goroutine, reconnects, resumes and stops as
// the engine decides, and hands every event, in order and once per session,
// to its Events channel. That channel is a bounded queue: when user code
// falls behind, the shard stops reading the socket (events wait in the
// kernel and at Discord) and keeps heartbeating; it never drops an event.
// When a session cannot be resumed, a SessionRestarted event says which
// sequence numbers may be missing.
//
// A Manager runs the shards of one bot: it asks GET /gateway/bot for the
// shard count, the URL and the session start budget, paces IDENTIFYs
// through an IdentifyQueue (one per 5 s per max_concurrency bucket),
// dispatches events to handlers, and rescales without downtime.
//
// # Handlers
//
// Handlers registered with On, OnEvent and OnDispatch run on the
// Manager's per-shard goroutine, one event at a time and in the shard's
// order (ManagerConfig.HandlerConcurrency trades order for throughput).
// Events nobody listens to are not decoded into types.
//
// A handler that waits for something the gateway has yet to deliver
// (WaitFor, RequestGuildMembers, Rescale) should wait in a goroutine of
// its own: while it waits, its shard's events queue up behind it, and
// once the queue is full the shard reads nothing more, including the
// answer the handler waits for; a rescale's switch also waits for the old
// shards' running handlers (no lock is held meanwhile: other shards'
// handlers go on).
//
// Handler contexts end when Manager.Close begins. Every call that blocks
// takes a context and returns its error within moments of it ending.
//
// # Buffers
//
// Every buffer between Discord and user code has a bound and a policy
// for when it is full; none drops an event without saying so.
//
//   - A shard's event queue: Config.EventBuffer (ManagerConfig.EventBuffer)
//     events, default DefaultEventBuffer. Full: the shard stops reading
//     the socket (events wait in the kernel and at Discord) and keeps
//     heartbeating. Events the engine produced from the last read while
//     the queue was full wait beside it: at most one read's worth
//     (16 KiB from the socket).
//   - A shard's handlers: at most ManagerConfig.HandlerConcurrency run at
//     once; the next event waits in the queue above.
//   - A Rescale, per new shard: ManagerConfig.HandoffBuffer dispatches
//     held until the switch, default DefaultHandoffBuffer. Full: that
//     shard stops reading, as above, and counts as ready, so that the
//     switch comes. Stats.HandoffHeldMax says how full it got.
//   - A Rescale's record of what the old set delivered: at most 262,144
//     event identities (8 bytes each, 2 MiB), forgotten HandoffGrace after
//     the switch or when the rescale is abandoned. Full: a guild's oldest
//     entry makes room, Stats.HandoffUnrecorded counts it and a warning
//     is logged once (such an event may be delivered twice, never lost).
//   - A Rescale's list of guilds whose GUILD_CREATE the new sessions still
//     owe: the guilds their READYs list, each forgotten when it comes.
//   - The identify queue: one waiting call per shard not yet admitted.
package shard
