package storage

import (
	"testing"
	"time"
)

// TestSessionExpiry runs on the real server with a short SessionTTL: the
// session goes, the language stays, and a dialog cut short is reported once.
func TestSessionExpiry(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	const ttl = 300 * time.Millisecond
	s := newStore(t, Options{SessionTTL: ttl})
	const inDialog, idle, looked = 1, 2, 3

	for i, chat := range []int64{inDialog, idle, looked} {
		sess, _, _, err := s.Begin(ctx, int64(10+i), chat)
		if err != nil {
			t.Fatal(err)
		}
		sess.Lang = "kk"
		if chat != idle {
			sess.SetDialog("feedback", map[string]string{"text": "сәлем"})
		}
		if err := s.Save(ctx, sess); err != nil {
			t.Fatal(err)
		}
		if p := s.Client().PTTL(ctx, s.k.session(chat)).Val(); p <= 0 || p > ttl {
			t.Fatalf("session PTTL = %v, want in (0, %v]", p, ttl)
		}
	}
	for _, chat := range []int64{inDialog, idle, looked} {
		waitGone(t, s, s.k.session(chat))
	}

	// LoadSession looks without consuming the notice.
	for range 2 {
		got, err := s.LoadSession(ctx, looked)
		if err != nil {
			t.Fatal(err)
		}
		if !got.IsNew || !got.Expired || got.Lang != "kk" || got.Dialog != "" {
			t.Fatalf("LoadSession after expiry = %+v, want new, expired, Lang kk", got)
		}
	}

	got, _, _, err := s.Begin(ctx, 20, inDialog)
	if err != nil {
		t.Fatal(err)
	}
	if !got.IsNew || !got.Expired || got.Lang != "kk" || got.Dialog != "" || len(got.Data) != 0 || got.Version != 0 {
		t.Fatalf("Begin after expiry mid-dialog = %+v, want new, expired, Lang kk, no dialog", got)
	}
	again, _, _, err := s.Begin(ctx, 21, inDialog)
	if err != nil {
		t.Fatal(err)
	}
	if again.Expired || !again.IsNew || again.Lang != "kk" {
		t.Fatalf("second Begin after expiry = %+v, want the notice given only once", again)
	}

	idleSess, _, _, err := s.Begin(ctx, 22, idle)
	if err != nil {
		t.Fatal(err)
	}
	if !idleSess.IsNew || idleSess.Expired || idleSess.Lang != "kk" {
		t.Fatalf("idle chat after expiry = %+v, want new, not expired, Lang kk", idleSess)
	}
}

// TestBeginRefreshesTTL: an update counts as activity even before Save, so
// a session cannot expire between Begin and Save.
func TestBeginRefreshesTTL(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := newStore(t, Options{SessionTTL: time.Hour})
	sess, _, _, err := s.Begin(ctx, 1, 5)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Save(ctx, sess); err != nil {
		t.Fatal(err)
	}
	if err := s.Client().PExpire(ctx, s.k.session(5), time.Second).Err(); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := s.Begin(ctx, 2, 5); err != nil {
		t.Fatal(err)
	}
	if p := s.Client().PTTL(ctx, s.k.session(5)).Val(); p <= 59*time.Minute {
		t.Fatalf("PTTL after Begin = %v, want about SessionTTL = 1h", p)
	}
}
