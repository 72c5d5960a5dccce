package cluster

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wirecord/wirecord/discord"
	"github.com/wirecord/wirecord/discordtest"
)

// A worker's typed events and Data come from NATS messages: a handler
// that keeps e.Content and d.Data while many later events arrive finds
// them as they were (nats.go gives each message a payload of its own, and
// the worker decodes with copies; neither is a buffer NATS reuses).
func TestAWorkersKeptStringsAndDataHoldAsLaterEventsArrive(t *testing.T) {
	tc := startCluster(t, 1)
	srv := newFake(2)
	defer srv.Close()
	a := startNode(t, tc, srv, "a", 2)
	eventually(t, 20*time.Second, "2 shards on the node", func() bool { return balanced(2, a) })
	ctx, cancel := context.WithTimeout(t.Context(), 40*time.Second)
	defer cancel()
	if _, err := srv.WaitKind(ctx, discordtest.KindIdentified, 2); err != nil {
		t.Fatal(err)
	}
	nc, err := tc.Connect()
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	w, err := NewWorker(WorkerConfig{NATS: nc, Durable: "kept", Events: []string{"MESSAGE_CREATE"}})
	if err != nil {
		t.Fatal(err)
	}
	type kept struct {
		e       *discord.MessageCreate
		content string
	}
	type keptRaw struct {
		d    *Delivery
		data []byte
	}
	var mu sync.Mutex
	var typed []kept
	var raw []keptRaw
	On(w, func(ctx context.Context, e *discord.MessageCreate) {
		mu.Lock()
		typed = append(typed, kept{e, strings.Clone(e.Content)})
		mu.Unlock()
	})
	w.OnDispatch("MESSAGE_CREATE", func(ctx context.Context, d *Delivery) {
		mu.Lock()
		raw = append(raw, keptRaw{d, bytes.Clone(d.Data)})
		mu.Unlock()
	})
	go w.Run(ctx)

	sent := map[discord.MessageID]string{}
	guilds := srv.Guilds()
	const n = 200
	for i := range n {
		g := guilds[i%len(guilds)].ID
		text := fmt.Sprintf("#%d %s", i, strings.Repeat(string(rune('a'+i%26)), 1+(i*37)%300))
		msg, err := srv.Say(srv.Channels(g)[0].ID, srv.Members(g)[1].User.ID, text)
		if err != nil {
			t.Fatal(err)
		}
		sent[msg.ID] = text
	}
	eventually(t, 30*time.Second, "every message at the worker", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(typed) >= n
	})
	mu.Lock()
	defer mu.Unlock()
	for _, k := range typed {
		if want := sent[k.e.ID]; k.content != want || k.e.Content != want {
			t.Errorf("message %v: content %.30q kept, %.30q in the handler, %.30q sent", k.e.ID, k.e.Content, k.content, want)
		}
	}
	for _, r := range raw {
		if !bytes.Equal(r.d.Data, r.data) {
			t.Errorf("stream seq %d: the kept Data changed", r.d.StreamSeq)
		}
	}
}
