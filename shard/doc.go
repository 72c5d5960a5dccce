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
// answer the handler waits for; a rescale's switch also waits for
// running handlers, and holds back every shard's handlers meanwhile.
package shard
