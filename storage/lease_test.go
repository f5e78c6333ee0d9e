package storage

import (
	"testing"
	"time"
)

// TestLeaseClaimRenewRelease: one owner at a time; the holder extends its
// lease with the same call; a release by anyone but the holder changes
// nothing; a released lease is free at once.
func TestLeaseClaimRenewRelease(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := newStore(t, Options{})
	rdb := s.Client()
	const lease = 10 * time.Second

	if ok, err := s.ClaimLease(ctx, "poll", "a", lease); err != nil || !ok {
		t.Fatalf("a claims a free lease: %v %v", ok, err)
	}
	if ok, err := s.ClaimLease(ctx, "poll", "b", lease); err != nil || ok {
		t.Fatalf("b claims a's lease: %v %v, want refused", ok, err)
	}
	// Renewal: the TTL goes back up to the whole lease.
	if err := rdb.PExpire(ctx, s.k.lease("poll"), time.Second).Err(); err != nil {
		t.Fatal(err)
	}
	if ok, err := s.ClaimLease(ctx, "poll", "a", lease); err != nil || !ok {
		t.Fatalf("a renews: %v %v", ok, err)
	}
	if ttl := rdb.PTTL(ctx, s.k.lease("poll")).Val(); ttl < lease-time.Second || ttl > lease {
		t.Errorf("TTL after the renewal %v, want about %v", ttl, lease)
	}
	if err := s.ReleaseLease(ctx, "poll", "b"); err != nil {
		t.Fatal(err)
	}
	if owner, err := s.LeaseOwner(ctx, "poll"); err != nil || owner != "a" {
		t.Fatalf("after b's release the owner is %q %v, want a", owner, err)
	}
	if err := s.ReleaseLease(ctx, "poll", "a"); err != nil {
		t.Fatal(err)
	}
	if owner, err := s.LeaseOwner(ctx, "poll"); err != nil || owner != "" {
		t.Fatalf("after a's release the owner is %q %v, want nobody", owner, err)
	}
	if ok, err := s.ClaimLease(ctx, "poll", "b", lease); err != nil || !ok {
		t.Fatalf("b claims the released lease: %v %v", ok, err)
	}
}

// TestLeaseExpires: a holder that stops renewing (a crash) loses the lease
// when it expires, and another takes it; the old holder's renewal is then
// refused.
func TestLeaseExpires(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := newStore(t, Options{})
	if ok, err := s.ClaimLease(ctx, "poll", "a", 50*time.Millisecond); err != nil || !ok {
		t.Fatalf("a claims: %v %v", ok, err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		ok, err := s.ClaimLease(ctx, "poll", "b", time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("b never got the lease a stopped renewing")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if ok, err := s.ClaimLease(ctx, "poll", "a", time.Minute); err != nil || ok {
		t.Fatalf("a renews after b took over: %v %v, want refused", ok, err)
	}
}
