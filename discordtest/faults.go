package discordtest

import (
	"encoding/json"
	"fmt"

	"github.com/wirecord/wirecord/discord"
	"github.com/wirecord/wirecord/internal/wsproto"
)

// Faults on one connection. Each is recorded (KindFault) and takes effect
// after what is already queued for the connection.

// SendReconnect sends op 7: the client should reconnect and resume.
func (c *Conn) SendReconnect() {
	c.s.rec.add(KindFault, c.id, c.Shard(), "op 7 reconnect")
	c.sendOp(discord.OpReconnect, nil)
}

// SendInvalidSession sends op 9 with d = resumable. With false the
// session is ended, as Discord does.
func (c *Conn) SendInvalidSession(resumable bool) {
	c.s.rec.add(KindFault, c.id, c.Shard(), "op 9 invalid session d=%v", resumable)
	if !resumable {
		c.endSession()
	}
	c.sendOp(discord.OpInvalidSession, resumable)
}

// RequestHeartbeat sends op 1: the client must heartbeat at once.
func (c *Conn) RequestHeartbeat() {
	c.s.rec.add(KindFault, c.id, c.Shard(), "op 1 heartbeat request")
	c.sendOp(discord.OpHeartbeat, nil)
}

// CloseWith closes the connection with a close code and reason. A code
// that ends the session in Discord (4007, 4009) ends it here too; fatal
// codes leave it (the client must not come back anyway).
func (c *Conn) CloseWith(code discord.CloseCode, reason string) {
	c.s.rec.add(KindFault, c.id, c.Shard(), "close %s", code)
	if !code.Resumable() {
		c.endSession()
	}
	c.closeWith(uint16(code), reason)
}

// SetAckHeartbeats turns heartbeat ACKs off (a zombie connection, from the
// client's point of view) or back on.
func (c *Conn) SetAckHeartbeats(ack bool) {
	c.s.rec.add(KindFault, c.id, c.Shard(), "heartbeat acks %v", ack)
	c.noAck.Store(!ack)
}

// Drop closes the TCP connection without a close frame.
func (c *Conn) Drop() {
	select {
	case <-c.closed:
		return
	default:
	}
	c.s.rec.add(KindFault, c.id, c.Shard(), "drop without close frame")
	c.shutdown()
}

// Stall stops the connection reading and writing, as a hung server
// would, until Unstall.
func (c *Conn) Stall() {
	c.s.rec.add(KindFault, c.id, c.Shard(), "stall")
	c.stalled.Store(true)
}

// Unstall lets a stalled connection go on.
func (c *Conn) Unstall() {
	c.s.rec.add(KindFault, c.id, c.Shard(), "unstall")
	c.stalled.Store(false)
	for range 2 {
		select {
		case c.unstall <- struct{}{}:
		default:
		}
	}
}

// SendGarbage sends a binary frame of bytes that are no valid payload in
// any encoding or compression.
func (c *Conn) SendGarbage() {
	c.s.rec.add(KindFault, c.id, c.Shard(), "garbage frame")
	c.queue(outItem{frame: wsproto.AppendFrame(nil, wsproto.OpBinary, true, []byte{0xde, 0xad, 0xbe, 0xef, 0x00, 0x17}, nil)})
}

// SendRaw sends a payload with any op, outside the session's sequence
// (for an unknown opcode, for example).
func (c *Conn) SendRaw(op int, d any) {
	c.s.rec.add(KindFault, c.id, c.Shard(), "raw op %d", op)
	data, _ := json.Marshal(d)
	c.queue(outItem{payload: fmt.Appendf(nil, `{"op":%d,"d":%s,"s":null,"t":null}`, op, data),
		rec: Frame{Out: true, Op: discord.Opcode(op)}})
}

// SendEvent dispatches an event of any name (an unknown one, say) on the
// connection's session, with the next sequence number.
func (c *Conn) SendEvent(name string, d any) {
	c.s.rec.add(KindFault, c.id, c.Shard(), "event %s", name)
	c.dispatchTo(name, d)
}

// endSession marks the connection's session as over. Locks are taken one
// at a time: the session's lock is taken before a connection's elsewhere.
func (c *Conn) endSession() {
	c.mu.Lock()
	sess := c.sess
	c.mu.Unlock()
	if sess != nil {
		sess.mu.Lock()
		sess.invalid = true
		sess.mu.Unlock()
	}
}
