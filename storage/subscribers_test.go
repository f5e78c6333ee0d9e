package storage

import "testing"

func TestSubscribeIsIdempotentAndPrefixed(t *testing.T) {
	t.Parallel()
	s := newStore(t, Options{})
	other := newStore(t, Options{})
	ctx := t.Context()

	if added, err := s.Subscribe(ctx, 42, "kk"); err != nil || !added {
		t.Fatalf("first Subscribe: %v, %v", added, err)
	}
	if added, _ := s.Subscribe(ctx, 42, "kk"); added {
		t.Error("second Subscribe reported a new subscription")
	}
	if ok, _ := s.IsSubscribed(ctx, 42); !ok {
		t.Error("not subscribed")
	}
	if n, _ := other.SubscriberCount(ctx); n != 0 {
		t.Errorf("another prefix sees %d subscribers", n)
	}
	if removed, err := s.Unsubscribe(ctx, 42); err != nil || !removed {
		t.Fatalf("Unsubscribe: %v, %v", removed, err)
	}
	if removed, _ := s.Unsubscribe(ctx, 42); removed {
		t.Error("second Unsubscribe reported a removal")
	}
	if n, _ := s.SubscriberCount(ctx); n != 0 {
		t.Errorf("%d subscribers left", n)
	}
}
