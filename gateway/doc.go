// Package gateway is the protocol engine of one Discord gateway connection,
// and of the session that outlives its reconnects. It is sans-I/O: bytes
// in, bytes out, time in. It owns WebSocket framing and the handshake,
// zlib-stream and zstd-stream, json and etf, heartbeats and zombie
// detection, sequence tracking, resume and reconnect, and every close
// code, but it never opens a socket, starts a goroutine or reads a clock.
// Every rule of the protocol is therefore testable in microseconds, and
// the engine fits any I/O model.
//
// The driver (package shard is one) owns the socket and a timer, and runs
// this loop from a single goroutine:
//
//	e, _ := gateway.New(cfg)
//	t, _ := e.Connect(now)           // where to dial; the upgrade request is in e.Output()
//	conn := dial(t.Addr, t.TLS)
//	conn.Write(e.Output())
//	for {
//		select {
//		case data := <-reads:     e.Receive(now, data)       // or e.ConnectionLost(now, err)
//		case <-timer(e.Deadline()): e.HandleTimeout(now)
//		}
//		conn.Write(e.Output())
//		for ev, ok := e.NextEvent(); ok; ev, ok = e.NextEvent() {
//			// *Dispatch, *IdentifyRequired (call e.Identify when the queue
//			// allows), *Disconnected (close the socket, wait, Connect
//			// again), ...
//		}
//	}
//
// The engine decides, the driver obeys: whether to resume or identify, how
// long to back off, and when to stop for good (a *CloseError with a fatal
// code) are in the Disconnected event.
//
// # Values a server sends
//
// The engine does not trust what the server says beyond the range a real
// Discord produces. Each value is judged where it enters; outside its range
// the engine does what this table says, and reports it as an *OutOfRange
// event carrying a *ValueError that names the value (close codes have their
// own table, discord.CloseCode.Info).
//
//	value                       Discord sends                 outside that range
//	--------------------------  ----------------------------  -------------------------------------------
//	op (every payload)          0-11                          PayloadError (UnknownOpcodeError); skipped
//	s (dispatch)                1, 2, 3... each one once      not an integer in 1..2^53-1 (MaxSequence),
//	                            per session                   or more than MaxSequenceSkew (1000) from
//	                                                          the last: not delivered; the connection is
//	                                                          broken, closed with 4900 and resumed from
//	                                                          the last good number (Cause "bad_sequence")
//	                                                          ahead by 2..1000: SequenceGap, then delivered
//	                                                          at or behind the last by less than 1000: a
//	                                                          replay, dropped (delivered or reported once)
//	heartbeat_interval (op 10)  41250 ms (docs: 45000)        not a positive number: PayloadError, Hello
//	                                                          ignored, so the handshake times out and the
//	                                                          connection is retried; shorter than
//	                                                          2 x SendWindow / SendLimit (1 s with
//	                                                          Discord's budget) or longer than
//	                                                          MaxHeartbeatInterval (2 min): clamped
//	resume_gateway_url (READY)  wss://gateway-*.discord.gg    a scheme other than wss (ws only when
//	                                                          Config.URL is ws), or a host other than
//	                                                          discord.gg and its subdomains, Config.URL's
//	                                                          host or Config.ResumeHosts: ignored; the
//	                                                          session resumes at Config.URL
//	session_id (READY)          a non-empty string            no session: the next connection identifies
//	close code                  the table in discord          the table in discord (unknown: reconnect,
//	                                                          resume)
//	message size                at most a few MiB             over Config.MaxMessageSize, compressed or
//	                                                          decompressed: closed with 1009, resumed
//	zstd window                 8 MiB                         over Config.MaxZstdWindow: closed, resumed
//
// Why a bad sequence number breaks the connection rather than being
// delivered with a gap: the session's number is what the engine resumes
// from and what it drops replays by. Accepting 2^62 once would make every
// later real event (3, 4, ...) look like a replay and vanish; accepting a
// number far behind would make the next thousands of events look like
// replays too. Refusing it keeps the last good number, and resuming from
// it has Discord replay whatever came after it, so nothing is lost and
// nothing is delivered twice. A server that keeps sending such numbers
// keeps being disconnected, with growing back-off, and says so every time.
//
// Why a heartbeat interval is clamped rather than refused: a bounded
// interval is safe to use, and refusing it would only loop through
// reconnects with a server that always sends it. Below the floor,
// heartbeats would eat the send budget the commands need; above the
// ceiling, a dead connection would go unnoticed until the session can no
// longer be resumed.
package gateway
