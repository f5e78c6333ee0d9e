package storage

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// Leases let one process of several do a job that must run once: the
// update poller (bot.Leader), since Telegram answers 409 Conflict to the
// older of two getUpdates. A lease is a key holding its owner's id that
// expires unless the owner renews it; see keys.go and lua/lease_*.lua.

var (
	leaseClaimScript   = newScript("lease_claim")
	leaseReleaseScript = newScript("lease_release")
)

func init() {
	allScripts = append(allScripts, leaseClaimScript, leaseReleaseScript)
}

// ClaimLease takes the lease name for owner, or extends it when owner
// holds it already, for ttl from the moment Redis runs the script. ok is
// false when another owner holds it.
func (s *Store) ClaimLease(ctx context.Context, name, owner string, ttl time.Duration) (bool, error) {
	n, err := leaseClaimScript.Run(ctx, s.rdb, []string{s.k.lease(name)}, owner, ttl.Milliseconds()).Int()
	if err != nil {
		return false, fmt.Errorf("storage: claim lease %s: %w", name, err)
	}
	return n == 1, nil
}

// ReleaseLease gives the lease up if owner holds it; another owner's lease
// stays.
func (s *Store) ReleaseLease(ctx context.Context, name, owner string) error {
	if err := leaseReleaseScript.Run(ctx, s.rdb, []string{s.k.lease(name)}, owner).Err(); err != nil {
		return fmt.Errorf("storage: release lease %s: %w", name, err)
	}
	return nil
}

// LeaseOwner is who holds the lease ("" when nobody does).
func (s *Store) LeaseOwner(ctx context.Context, name string) (string, error) {
	owner, err := s.rdb.Get(ctx, s.k.lease(name)).Result()
	if errors.Is(err, redis.Nil) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("storage: lease %s: %w", name, err)
	}
	return owner, nil
}
