package bot

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"
)

// LeaseStore keeps leases in Redis (storage.Store implements it).
type LeaseStore interface {
	// ClaimLease takes the lease, or extends it when owner holds it, for
	// ttl; false when another owner holds it.
	ClaimLease(ctx context.Context, name, owner string, ttl time.Duration) (bool, error)
	// ReleaseLease gives it up if owner holds it.
	ReleaseLease(ctx context.Context, name, owner string) error
}

// Leader lets one of several replicas do a job alone: the update poller,
// since Telegram keeps one getUpdates per bot and answers 409 Conflict to
// the older of two. Whoever holds the lease in Redis leads; the others wait
// and try to take it every fifth of the lease.
//
// The leader renews every third of the lease. It measures its lease from
// the moment it sent the last successful claim, which is no later than
// Redis started the key's expiry, so its own view ends before Redis's. It
// stops leading a tenth of the lease before that view ends if it could not
// renew (Redis unreachable, slow, or the lease found in another's hands):
// the job is cancelled while nobody else can hold the lease yet.
type Leader struct {
	store LeaseStore
	name  string
	id    string
	lease time.Duration
	log   *slog.Logger

	leading atomic.Bool
	check   chan struct{}
	keep    atomic.Bool // stop without releasing, as a crash would
}

// NewLeader is a leader for the lease name lasting lease, held under id
// (this process's InstanceID).
func NewLeader(store LeaseStore, name, id string, lease time.Duration, log *slog.Logger) *Leader {
	return &Leader{
		store: store, name: name, lease: lease, log: log,
		id:    id,
		check: make(chan struct{}, 1),
	}
}

// ID is this process's instance id, as stored in the lease.
func (l *Leader) ID() string { return l.id }

// Leading says whether this process holds the lease now.
func (l *Leader) Leading() bool { return l.leading.Load() }

// Check asks the leader to renew now instead of at the next third of the
// lease: the poller calls it on a 409, which says another process polls.
func (l *Leader) Check() {
	select {
	case l.check <- struct{}{}:
	default:
	}
}

// KeepOnStop makes the end of Run leave the lease in Redis instead of
// releasing it, as a killed process would: tests simulate a crash with it.
func (l *Leader) KeepOnStop() { l.keep.Store(true) }

// Run leads whenever it can until ctx ends: each time it takes the lease
// it calls lead with a context that ends when the lease is lost (or ctx
// ends). lead must return soon after its context ends; Run waits for it
// and, on a stop, releases the lease so a standby takes over at once.
func (l *Leader) Run(ctx context.Context, lead func(ctx context.Context)) {
	retry := time.NewTimer(0) // the first try at once
	defer retry.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-retry.C:
		}
		sent := time.Now()
		held, err := l.claim(ctx, sent.Add(l.lease/5))
		switch {
		case err != nil && ctx.Err() == nil:
			l.log.Warn("poll lease: cannot reach Redis; standing by", "err", err)
		case held:
			l.term(ctx, sent.Add(l.lease), lead)
		}
		retry.Reset(l.lease / 5)
	}
}

// claim takes or extends the lease, giving up at deadline.
func (l *Leader) claim(ctx context.Context, deadline time.Time) (bool, error) {
	cctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	return l.store.ClaimLease(cctx, l.name, l.id, l.lease)
}

// term is one period of leadership: lead runs while the lease is renewed.
func (l *Leader) term(ctx context.Context, until time.Time, lead func(context.Context)) {
	tctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	l.leading.Store(true)
	l.log.Info("poll lease taken: this process polls", "instance", l.id)
	go func() {
		defer close(done)
		lead(tctx)
	}()
	lost := l.renew(tctx, done, until)
	cancel()
	// Not leading from here on, even while lead winds down (the poller may
	// wait to hand its last update to a full queue): it polls no more.
	l.leading.Store(false)
	<-done
	if lost || l.keep.Load() {
		return
	}
	// A stop: give the lease up so that a standby need not wait for it to
	// expire. Best effort, on a context of its own (ctx has ended).
	rctx, rcancel := context.WithTimeout(context.WithoutCancel(ctx), l.lease/5)
	defer rcancel()
	if err := l.store.ReleaseLease(rctx, l.name, l.id); err != nil {
		l.log.Warn("poll lease not released; a standby takes over when it expires", "err", err)
		return
	}
	l.log.Info("poll lease released", "instance", l.id)
}

// renew keeps the lease until ctx ends or lead returns (false), or until
// the lease is lost or can no longer be trusted (true).
func (l *Leader) renew(ctx context.Context, done <-chan struct{}, until time.Time) (lost bool) {
	margin := l.lease / 10
	next := time.NewTimer(l.lease / 3)
	defer next.Stop()
	for {
		trust := time.NewTimer(time.Until(until) - margin)
		select {
		case <-ctx.Done():
			trust.Stop()
			return false
		case <-done:
			trust.Stop()
			return false
		case <-trust.C:
			l.log.Warn("poll lease could not be renewed in time: stopping polling before it expires", "instance", l.id)
			return true
		case <-next.C:
		case <-l.check:
			next.Stop()
		}
		trust.Stop()
		// The renewal may not outlast the trust: a Redis that does not
		// answer must not keep the poller running past it.
		sent := time.Now()
		deadline := sent.Add(l.lease / 5)
		if trusted := until.Add(-margin); trusted.Before(deadline) {
			deadline = trusted
		}
		held, err := l.claim(ctx, deadline)
		switch {
		case err != nil:
			if ctx.Err() != nil {
				return false
			}
			if !time.Now().Before(until.Add(-margin)) {
				l.log.Warn("poll lease could not be renewed in time: stopping polling before it expires", "instance", l.id, "err", err)
				return true
			}
			// Try again soon: a short Redis hiccup must not cost the lease.
			l.log.Warn("poll lease: renewal failed, retrying", "err", err)
			next.Reset(l.lease / 10)
		case !held:
			l.log.Warn("poll lease: another process holds it now; stopping polling", "instance", l.id)
			return true
		default:
			until = sent.Add(l.lease)
			next.Reset(l.lease / 3)
		}
	}
}
