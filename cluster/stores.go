package cluster

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Storage says how the cluster's buckets and stream are kept and
// replicated. The zero value is file storage with one replica; a
// production cluster of three NATS servers wants Replicas 3.
type Storage struct {
	// Replicas is how many NATS servers hold each bucket and the stream
	// (1, 3 or 5). Default 1.
	Replicas int
	// Memory keeps them in memory instead of on disk: faster, lost when
	// every replica restarts. Tests use it.
	Memory bool
}

func (s Storage) replicas() int { return max(s.Replicas, 1) }

func (s Storage) kind() jetstream.StorageType {
	if s.Memory {
		return jetstream.MemoryStorage
	}
	return jetstream.FileStorage
}

// keyValue creates the bucket or updates its configuration.
func (s Storage) keyValue(ctx context.Context, js jetstream.JetStream, bucket string, ttl time.Duration) (jetstream.KeyValue, error) {
	cfg := jetstream.KeyValueConfig{
		Bucket:   bucket,
		History:  1,
		TTL:      ttl,
		Storage:  s.kind(),
		Replicas: s.replicas(),
	}
	// Create, and update only when the bucket exists with another
	// configuration: nodes start together, and concurrent
	// CreateOrUpdateKeyValue calls on a replicated bucket were seen to
	// hang (nats-server 2.15.3), while concurrent creates with one
	// configuration all succeed.
	kv, err := js.CreateKeyValue(ctx, cfg)
	if errors.Is(err, jetstream.ErrBucketExists) {
		kv, err = js.UpdateKeyValue(ctx, cfg)
	}
	if err != nil {
		return nil, fmt.Errorf("cluster: opening key-value bucket %s: %w", bucket, err)
	}
	return kv, nil
}

// conflict reports a compare-and-set that lost: another writer got there
// first.
func conflict(err error) bool {
	return errors.Is(err, jetstream.ErrKeyExists) || errors.Is(err, jetstream.ErrKeyRevisionMismatch)
}

// missing reports a key that is not there (never written, deleted, or
// expired by the bucket's TTL).
func missing(err error) bool {
	return errors.Is(err, jetstream.ErrKeyNotFound) || errors.Is(err, jetstream.ErrKeyDeleted)
}

func newJetStream(nc *nats.Conn) (jetstream.JetStream, error) {
	js, err := jetstream.New(nc)
	if err != nil {
		return nil, fmt.Errorf("cluster: jetstream: %w", err)
	}
	return js, nil
}
