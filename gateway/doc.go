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
package gateway
