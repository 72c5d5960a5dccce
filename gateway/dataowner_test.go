package gateway

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"
	"unsafe"
)

// sharedMessage is the d of the i-th MESSAGE_CREATE: its content is n
// bytes long.
func sharedMessage(i, n int) string {
	return fmt.Sprintf(`{"id":"%d","channel_id":"2","guild_id":"3","content":"%d %s","author":{"id":"4","username":"user %d"}}`,
		100+i, i, strings.Repeat(string(rune('a'+i%26)), n), i)
}

// Dispatch.Data is the event's alone (typed strings point into it): not a
// slice of the bytes given to Receive, which the shard reuses for its
// next read, nor of a decompressor's buffer, nor of another event's. A
// caller that scribbles over its read buffer after each Receive, and
// feeds the next events, finds every Data it kept as it was.
func TestDispatchDataIsNotTheReadBufferNorAnotherEventsMemory(t *testing.T) {
	for _, enc := range []Encoding{EncodingJSON, EncodingETF} {
		for _, comp := range []Compression{CompressNone, CompressZlib, CompressZstd} {
			t.Run(string(enc)+"/"+string(comp), func(t *testing.T) {
				cfg := testConfig()
				cfg.Encoding, cfg.Compression = enc, comp
				p := newPeer(t, cfg)
				p.ready(time.Minute, "s1")
				p.events()
				type kept struct {
					d    *Dispatch
					want []byte
				}
				var all []kept
				readBuf := make([]byte, 0, 1<<16)
				for i := range 200 {
					d := sharedMessage(i, (i*97)%3000)
					frame := p.frame(`{"op":0,"s":` + itoa(int64(i+2)) + `,"t":"MESSAGE_CREATE","d":` + d + `}`)
					// One read buffer, reused: split the frame in two reads
					// now and then, as a socket does.
					cut := len(frame)
					if i%3 == 1 {
						cut = len(frame) / 2
					}
					for _, part := range [][]byte{frame[:cut], frame[cut:]} {
						if len(part) == 0 {
							continue
						}
						readBuf = append(readBuf[:0], part...)
						p.receive(readBuf)
						for j := range readBuf {
							readBuf[j] = 'X'
						}
					}
					for _, ev := range p.events() {
						if dis, ok := ev.(*Dispatch); ok {
							if dis.Err != nil {
								t.Fatalf("seq %d: %v", dis.Seq, dis.Err)
							}
							all = append(all, kept{dis, bytes.Clone(dis.Data)})
						}
					}
				}
				if len(all) != 200 {
					t.Fatalf("%d dispatches, want 200", len(all))
				}
				for _, k := range all {
					if !bytes.Equal(k.d.Data, k.want) {
						t.Errorf("seq %d: Data changed after later events: %.60q, was %.60q", k.d.Seq, k.d.Data, k.want)
					}
				}
				// No two events' Data share memory (an append to one's spare
				// capacity must not reach another's bytes).
				for i := 1; i < len(all); i++ {
					a, b := all[i-1].d.Data, all[i].d.Data
					if overlap(a[:cap(a)], b) || overlap(b[:cap(b)], a) {
						t.Errorf("seqs %d and %d: Data share memory", all[i-1].d.Seq, all[i].d.Seq)
					}
				}
			})
		}
	}
}

func overlap(a, b []byte) bool {
	if len(a) == 0 || len(b) == 0 {
		return false
	}
	ap, bp := uintptr(unsafe.Pointer(&a[0])), uintptr(unsafe.Pointer(&b[0]))
	return ap < bp+uintptr(len(b)) && bp < ap+uintptr(len(a))
}
