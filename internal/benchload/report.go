package benchload

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/wirecord/wirecord/gateway"
)

// Print writes the report as tables: every run's figures, then CPU per
// event as a ratio to floor-decode (client by compression, as in issue
// 10), then the shard runs.
func (r *Report) Print(w io.Writer) {
	fmt.Fprintf(w, "%d MESSAGE_CREATE per run, seed %d, %s %s/%s, %d CPUs, %s\n",
		r.Events, r.Seed, r.GoVersion, r.OS, r.Arch, r.CPUs, r.Taken.Format("2006-01-02 15:04 MST"))
	if r.Rounds > 1 {
		fmt.Fprintf(w, "each row is the median round of %d, the clients' rounds interleaved (by CPU per event; shard runs by peak RSS per shard); a ratio is the median of the ratios within each round\n", r.Rounds)
	}
	for _, s := range r.Streams {
		fmt.Fprintf(w, "stream %-12s %6.0f B JSON, %6.0f B on the wire per event\n", s.Compression, s.JSONBytesPerEvent, s.WireBytesPerEvent)
	}
	if len(r.Results) > 0 {
		fmt.Fprintln(w)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "client\tcompression\tevents/s\tCPU µs/event\tvs floor-decode\tallocs/event\tB/event\tGCs/1k events\tpeak RSS MiB\t")
		var failures []string
		for _, x := range r.Results {
			if x.Err != "" {
				fmt.Fprintf(tw, "%s\t%s\tfailed\t\t\t\t\t\t\t\n", x.Client, x.Compression)
				failures = append(failures, fmt.Sprintf("%s %s: %d of %d events delivered: %s", x.Client, x.Compression, x.Delivered, x.Events, x.Err))
				continue
			}
			fmt.Fprintf(tw, "%s\t%s\t%.0f\t%.2f\t%s\t%.1f\t%.0f\t%.1f\t%.1f\t\n", x.Client, x.Compression, x.EventsPerSecond,
				x.CPUMicrosPerEvent, ratio(x.VsFloorDecode), x.AllocsPerEvent, x.BytesPerEvent, x.GCsPer1000, x.PeakRSSMiB)
		}
		tw.Flush()
		for _, f := range failures {
			fmt.Fprintln(w, "failed:", f)
		}
		r.printRatios(w)
	}
	if len(r.Shards) > 0 {
		fmt.Fprintln(w)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "client\tcompression\tshards\tREADY+GUILD_CREATE s\tpeak RSS KiB/shard\tlive heap KiB/shard\tpeak RSS MiB\t")
		var failures []string
		for _, x := range r.Shards {
			if x.Err != "" {
				fmt.Fprintf(tw, "%s\t%s\t%d\tfailed\t\t\t\t\n", x.Client, x.Compression, x.Shards)
				failures = append(failures, fmt.Sprintf("%s %s %d shards: %d of %d GUILD_CREATE delivered: %s", x.Client, x.Compression, x.Shards, x.Delivered, x.Shards*x.Guilds, x.Err))
				continue
			}
			fmt.Fprintf(tw, "%s\t%s\t%d\t%.2f\t%.0f\t%.0f\t%.1f\t\n", x.Client, x.Compression, x.Shards, x.Seconds,
				x.PeakRSSPerShardKiB, x.HeapPerShardKiB, x.PeakRSSMiB)
		}
		tw.Flush()
		for _, f := range failures {
			fmt.Fprintln(w, "failed:", f)
		}
	}
}

func ratio(v float64) string {
	if v == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2fx", v)
}

// printRatios prints CPU per event over floor-decode's: a row per client,
// a column per compression.
func (r *Report) printRatios(w io.Writer) {
	var comps []gateway.Compression
	var clients []string
	cell := map[string]string{}
	for _, x := range r.Results {
		if !slices.Contains(comps, x.Compression) {
			comps = append(comps, x.Compression)
		}
		if !slices.Contains(clients, x.Client) {
			clients = append(clients, x.Client)
		}
		v := ratio(x.VsFloorDecode)
		if x.Err != "" {
			v = "failed"
		}
		cell[x.Client+"|"+string(x.Compression)] = v
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "CPU per delivered event, as a ratio to floor-decode (inflate + encoding/json into a small struct):")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	head := []string{"client"}
	for _, c := range comps {
		head = append(head, string(c))
	}
	fmt.Fprintln(tw, strings.Join(head, "\t")+"\t")
	for _, c := range clients {
		row := []string{c}
		for _, comp := range comps {
			v, ok := cell[c+"|"+string(comp)]
			if !ok {
				v = "(not spoken)"
			}
			row = append(row, v)
		}
		fmt.Fprintln(tw, strings.Join(row, "\t")+"\t")
	}
	tw.Flush()
}
