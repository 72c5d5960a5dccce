// Package benchload is the workload of `wirecord bench` and of the
// benchmarks module: seeded, realistic gateway payloads, the byte stream
// they make on the wire for each transport compression, a minimal gateway
// server on 127.0.0.1 that sends a pre-built stream as fast as a client
// reads it, the two floors (inflate only; inflate and encoding/json into a
// small struct) and a harness that measures any client on that stream:
// events per second, process CPU per event, allocations per event and
// peak RSS while streaming; peak RSS per idle shard after READY and
// GUILD_CREATEs.
//
// Every client sees identical bytes, so their figures, taken in one run,
// can be compared as ratios.
package benchload
