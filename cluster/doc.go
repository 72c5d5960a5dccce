// Package cluster runs one bot's shards across several processes on NATS:
// an identify queue shared by every node (JetStream key-value, behind
// shard.IdentifyQueue), shard leases that move when nodes join, leave or
// die, sessions kept in the key-value store so that a shard moved to another
// node RESUMES instead of identifying again, and events fanned out to
// workers through a JetStream stream, exactly once and in order per shard.
//
// Workers send gateway commands by guild through a Commander, which routes
// them to the node running the guild's shard; ReadStatus and Tail show who
// runs what and what the stream holds; ServeLimiter and NewRemoteLimiter
// give every process of the bot one REST limiter, so the token's limits
// are counted once.
//
// NATS can run inside the process (StartServer, StartTestCluster): one
// machine needs nothing else. In production, point every node at an
// external NATS cluster.
//
// cluster is its own Go module, so that a bot that never runs a cluster
// never pulls NATS into its build.
package cluster
