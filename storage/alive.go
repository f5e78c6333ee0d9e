package storage

import (
	"context"
	"fmt"
	"time"
)

// AliveTTL is how long a process's alive key lasts without renewal; the
// process renews it every AliveTTL/5. An update whose handling began in a
// process whose key expired is taken over by the next attempt at once (see
// NewAttempt), so after a kill -9 the updates it had in hand wait at most
// this long, not their whole time limit.
const AliveTTL = 10 * time.Second

// Alive says that the process instance lives, for AliveTTL.
func (s *Store) Alive(ctx context.Context, instance string) error {
	if err := s.rdb.Set(ctx, s.k.alive(instance), "1", AliveTTL).Err(); err != nil {
		return fmt.Errorf("storage: alive %s: %w", instance, err)
	}
	return nil
}

// Gone deletes instance's alive key: the process stops, and whatever
// update it did not finish may be taken over at once.
func (s *Store) Gone(ctx context.Context, instance string) error {
	if err := s.rdb.Del(ctx, s.k.alive(instance)).Err(); err != nil {
		return fmt.Errorf("storage: gone %s: %w", instance, err)
	}
	return nil
}
