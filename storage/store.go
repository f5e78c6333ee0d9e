// Package storage keeps forumbot's state in Redis: per-chat sessions, the
// durable per-chat preferences, update de-duplication, the set of known
// chats and the forum catalog.
//
// Every key is built in keys.go and every change of more than one step is a
// Lua script in lua/, so each operation is atomic and costs one round trip:
// an update is Begin (dedup + load) and Save (field-level merge), two round
// trips in all, whatever the number of bot processes.
package storage

import (
	"time"

	"github.com/redis/go-redis/v9"
)

// Defaults of Options.
const (
	DefaultSessionTTL = 24 * time.Hour
	// Telegram redelivers an unconfirmed update for up to 24 hours; twice
	// that leaves room for clock skew and a long outage.
	DefaultDedupTTL = 48 * time.Hour
)

// Options configure a Store.
type Options struct {
	// Prefix starts every key (REDIS_PREFIX, e.g. "forumbot:"), so several
	// bots can share one Redis. Empty means no prefix.
	Prefix string
	// SessionTTL is how long a chat's session lives without updates;
	// DefaultSessionTTL when zero or negative.
	SessionTTL time.Duration
	// DedupTTL is how long an update_id is remembered; DefaultDedupTTL when
	// zero or negative.
	DedupTTL time.Duration
}

// Store is forumbot's state in one Redis. It is safe for concurrent use,
// and several processes may use the same Redis and prefix at once.
type Store struct {
	rdb        redis.UniversalClient
	k          keys
	sessionTTL time.Duration
	dedupTTL   time.Duration
	// owned is set by Open: Close then closes the client it made. A client
	// handed to New belongs to the caller, who may share it.
	owned bool
}

// New returns a Store on rdb. It does not contact Redis. rdb may be a
// client of one server, of a Sentinel-managed master or of a Redis Cluster
// (*redis.ClusterClient); on a cluster client the prefix gets a hash tag, so
// that every key of the store is in one slot, as the scripts need (see
// keys.go).
func New(rdb redis.UniversalClient, opts Options) *Store {
	if _, cluster := rdb.(*redis.ClusterClient); cluster {
		opts.Prefix = taggedPrefix(opts.Prefix)
	}
	if opts.SessionTTL <= 0 {
		opts.SessionTTL = DefaultSessionTTL
	}
	if opts.DedupTTL <= 0 {
		opts.DedupTTL = DefaultDedupTTL
	}
	return &Store{
		rdb:        rdb,
		k:          keys{prefix: opts.Prefix},
		sessionTTL: opts.SessionTTL,
		dedupTTL:   opts.DedupTTL,
	}
}

// Prefix returns the prefix every key starts with: Options.Prefix, with a
// hash tag on a Redis Cluster.
func (s *Store) Prefix() string { return s.k.prefix }

// Client returns the Redis client the store uses.
func (s *Store) Client() redis.UniversalClient { return s.rdb }

// Close closes the client when the store made it (Open); a client passed to
// New is left open for its owner to close.
func (s *Store) Close() error {
	if !s.owned {
		return nil
	}
	return s.rdb.Close()
}

// ms turns a TTL into the milliseconds PX and PEXPIRE take, rounding up so
// that a sub-millisecond TTL is not 0, which Redis refuses.
func ms(d time.Duration) int64 {
	return int64((d + time.Millisecond - 1) / time.Millisecond)
}
