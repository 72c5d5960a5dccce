package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/wirecord/wirecord/cluster"
	"github.com/wirecord/wirecord/discord"
)

func runStatus(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "node status [--nats URL] [--watch D] [--json] [--prefix P]")
	natsURL := fs.String("nats", defaultNATS, "NATS the nodes use")
	watch := fs.Duration("watch", 0, "print the status again every D until interrupted (0: once)")
	asJSON := fs.Bool("json", false, "print the status as one JSON object per line")
	prefix := fs.String("prefix", "wirecord", "the bot's prefix, as given to its nodes")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *watch < 0 {
		return usagef("--watch must not be negative")
	}
	nc, err := connectNATS(*natsURL)
	if err != nil {
		return err
	}
	defer nc.Close()
	for {
		st, err := cluster.ReadStatus(ctx, nc, *prefix)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		if *asJSON {
			b, _ := json.Marshal(st)
			fmt.Fprintf(e.stdout, "%s\n", b)
		} else {
			printStatus(e.stdout, st)
		}
		if *watch == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(*watch):
		}
		if !*asJSON {
			fmt.Fprintln(e.stdout)
		}
	}
}

func printStatus(w io.Writer, st *cluster.Status) {
	fmt.Fprintf(w, "%s: %d shards, %d live nodes\n\n", st.At.Format("15:04:05"), st.ShardCount, len(st.Nodes))
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NODE\tUP\tLAST BEAT\tSHARDS")
	for _, n := range st.Nodes {
		up := "-"
		if !n.Started.IsZero() {
			up = age(st.At.Sub(n.Started))
		}
		fmt.Fprintf(tw, "%s\t%s\t%s ago\t%s\n", n.ID, up, age(n.LastBeat), ints(n.Shards))
	}
	tw.Flush()
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SHARD\tNODE\tHELD\tRENEWED\tSESSION\tSTORED SEQ\tPUBLISHED SEQ")
	for _, s := range st.Shards {
		node, held, renewed := "(free)", "-", "-"
		if s.Node != "" {
			node, held, renewed = s.Node, age(s.Held), age(s.Renewed)+" ago"
		}
		session := s.Session
		if session == "" {
			session = "-"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%d\t%d\n", s.ID, node, held, renewed, session, s.StoredSeq, s.PublishedSeq)
	}
	tw.Flush()
}

func age(d time.Duration) string {
	switch {
	case d < 0:
		return "0s"
	case d < 10*time.Second:
		return d.Round(100 * time.Millisecond).String()
	default:
		return d.Round(time.Second).String()
	}
}

func ints(v []int) string {
	if len(v) == 0 {
		return "-"
	}
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = fmt.Sprint(x)
	}
	return strings.Join(s, ",")
}

func runTail(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "tail [--nats URL] [--json] [--bots] [--events LIST] [--from-start] [--prefix P]")
	natsURL := fs.String("nats", defaultNATS, "NATS the nodes use")
	asJSON := fs.Bool("json", false, `print every event as one JSON object per line: {"t":NAME,"s":SEQ,"shard":ID,"d":PAYLOAD}`)
	bots := fs.Bool("bots", false, "also print messages written by bots")
	events := fs.String("events", "", "comma-separated event names to print with --json (default: every event)")
	fromStart := fs.Bool("from-start", false, "read the stream from its first event, not only new ones")
	prefix := fs.String("prefix", "wirecord", "the bot's prefix, as given to its nodes")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg := cluster.TailConfig{Prefix: *prefix, FromStart: *fromStart}
	if *events != "" {
		for _, ev := range strings.Split(*events, ",") {
			ev = strings.ToUpper(strings.TrimSpace(ev))
			if ev == "" || strings.ContainsAny(ev, ".*> ") {
				return usagef("--events: %q is not an event name", ev)
			}
			cfg.Events = append(cfg.Events, ev)
		}
	}
	if !*asJSON {
		cfg.Events = []string{"MESSAGE_CREATE"}
	}
	nc, err := connectNATS(*natsURL)
	if err != nil {
		return err
	}
	defer nc.Close()
	cfg.NATS = nc
	var mu sync.Mutex
	return cluster.Tail(ctx, cfg, func(d *cluster.Delivery) {
		mu.Lock()
		defer mu.Unlock()
		if *asJSON {
			line := struct {
				T     string          `json:"t"`
				S     int64           `json:"s"`
				Shard int             `json:"shard"`
				D     json.RawMessage `json:"d"`
			}{d.Name, d.Seq, d.ShardID, d.Data}
			if d.Err != nil || !json.Valid(d.Data) {
				line.D = json.RawMessage("null")
			}
			b, _ := json.Marshal(line)
			fmt.Fprintf(e.stdout, "%s\n", b)
			return
		}
		var m discord.MessageCreate
		if d.Err != nil || json.Unmarshal(d.Data, &m) != nil || (m.Author.Bot && !*bots) {
			return
		}
		name := m.Author.Username
		if m.Author.GlobalName != nil && *m.Author.GlobalName != "" {
			name = *m.Author.GlobalName
		}
		fmt.Fprintf(e.stdout, "%s: %s\n", name, m.Content)
	})
}
