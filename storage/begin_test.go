package storage

import (
	"errors"
	"maps"
	"testing"
	"time"
)

func TestBeginDedupAndLoad(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := newStore(t, Options{})
	const chat = 42

	sess, cv, dup, err := s.Begin(ctx, 1001, chat)
	if err != nil || dup {
		t.Fatalf("first Begin: dup=%v err=%v", dup, err)
	}
	if !sess.IsNew || sess.Expired || sess.Version != 0 || sess.Lang != "" || sess.Dialog != "" || sess.ChatID != chat {
		t.Fatalf("first Begin session = %+v, want a new empty one", sess)
	}
	if sess.Data == nil {
		t.Fatal("Data is nil; handlers must be able to write to it")
	}
	if cv != 0 {
		t.Fatalf("catalog version %d without a catalog, want 0", cv)
	}

	sess.Lang = "kk"
	sess.SetDialog("ask_region", map[string]string{"forum": "civil-forum-2023"})
	if err := s.Save(ctx, sess); err != nil {
		t.Fatal(err)
	}

	again, cv, dup, err := s.Begin(ctx, 1001, chat)
	if err != nil || !dup || again != nil || cv != 0 {
		t.Fatalf("same update again: sess=%v cv=%d dup=%v err=%v, want dup", again, cv, dup, err)
	}

	v, err := s.ReplaceCatalog(ctx, sampleCatalog())
	if err != nil {
		t.Fatal(err)
	}
	next, cv, dup, err := s.Begin(ctx, 1002, chat)
	if err != nil || dup {
		t.Fatalf("next update: dup=%v err=%v", dup, err)
	}
	if cv != v || v != 1 {
		t.Fatalf("catalog version = %d, want %d = 1", cv, v)
	}
	if next.IsNew || next.Expired || next.Version != 1 || next.Lang != "kk" || next.Dialog != "ask_region" ||
		!maps.Equal(next.Data, map[string]string{"forum": "civil-forum-2023"}) {
		t.Fatalf("loaded session = %+v", next)
	}
}

func TestBeginRemembersUpdateForDedupTTL(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := newStore(t, Options{DedupTTL: time.Hour})
	sess, _, _, err := s.Begin(ctx, 7, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Save(ctx, sess); err != nil {
		t.Fatal(err)
	}
	ttl, err := s.Client().PTTL(ctx, s.k.update(7)).Result()
	if err != nil {
		t.Fatal(err)
	}
	if ttl <= time.Hour-time.Minute || ttl > time.Hour {
		t.Fatalf("done update marker PTTL = %v, want about DedupTTL = 1h", ttl)
	}
}

func TestBeginAfterDedupTTLIsNotDup(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := newStore(t, Options{DedupTTL: 50 * time.Millisecond})
	if _, _, dup, err := s.Begin(ctx, 9, 1); err != nil || dup {
		t.Fatalf("dup=%v err=%v", dup, err)
	}
	if err := s.FinishUpdate(ctx, 9); err != nil {
		t.Fatal(err)
	}
	waitGone(t, s, s.k.update(9))
	if _, _, dup, err := s.Begin(ctx, 9, 1); err != nil || dup {
		t.Fatalf("after DedupTTL: dup=%v err=%v, want the update forgotten", dup, err)
	}
}

func TestBeginRecordsKnownChats(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := newStore(t, Options{})
	for i, chat := range []int64{5, 6, 5, -1001234567890} {
		if _, _, _, err := s.Begin(ctx, int64(100+i), chat); err != nil {
			t.Fatal(err)
		}
	}
	// An update another attempt holds, or a duplicate, records nothing new.
	var busy *BusyError
	if _, _, _, err := s.Begin(ctx, 100, 77); !errors.As(err, &busy) {
		t.Fatalf("Begin of an update in progress: %v, want a *BusyError", err)
	}
	if err := s.FinishUpdate(ctx, 100); err != nil {
		t.Fatal(err)
	}
	if _, _, dup, err := s.Begin(ctx, 100, 77); err != nil || !dup {
		t.Fatalf("dup=%v err=%v", dup, err)
	}
	if n, err := s.ChatCount(ctx); err != nil || n != 3 {
		t.Fatalf("ChatCount = %d, %v; want 3", n, err)
	}
	if err := s.DeleteChat(ctx, 5); err != nil {
		t.Fatal(err)
	}
	if n, err := s.ChatCount(ctx); err != nil || n != 2 {
		t.Fatalf("ChatCount after DeleteChat = %d, %v; want 2", n, err)
	}
}

func TestDeleteChatForgetsSessionAndPrefs(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := newStore(t, Options{})
	sess, _, _, err := s.Begin(ctx, 1, 8)
	if err != nil {
		t.Fatal(err)
	}
	sess.Lang = "ru"
	sess.SetDialog("feedback", map[string]string{"text": "hi"})
	if err := s.Save(ctx, sess); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteChat(ctx, 8); err != nil {
		t.Fatal(err)
	}
	n, err := s.Client().Exists(ctx, s.k.session(8), s.k.prefs(8)).Result()
	if err != nil || n != 0 {
		t.Fatalf("%d keys of the chat remain (err %v)", n, err)
	}
	got, err := s.LoadSession(ctx, 8)
	if err != nil {
		t.Fatal(err)
	}
	if !got.IsNew || got.Expired || got.Lang != "" || got.Dialog != "" {
		t.Fatalf("after DeleteChat: %+v, want a blank new session (not Expired: the user asked)", got)
	}
}

// waitGone waits until Redis has expired key; EXISTS makes Redis expire a
// key whose TTL has passed, so this does not wait for the active expiry.
func waitGone(t *testing.T, s *Store, key string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		n, err := s.Client().Exists(t.Context(), key).Result()
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not expire", key)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// A retry of one attempt (its first reply was lost) goes on; another
// attempt finds the update busy until it is done, then a duplicate, and so
// is a marker written before attempts had tokens.
func TestBeginAttemptRetryIsNotADuplicate(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := newStore(t, Options{})
	const chat = 43
	attempt := NewAttempt("")
	if len(attempt) != 16 || attempt == NewAttempt("") {
		t.Fatalf("attempt tokens %q should be 16 characters and differ", attempt)
	}
	if _, _, dup, err := s.BeginAttempt(ctx, 2001, chat, attempt, 0); err != nil || dup {
		t.Fatalf("first try: dup=%v err=%v", dup, err)
	}
	sess, _, dup, err := s.BeginAttempt(ctx, 2001, chat, attempt, 0)
	if err != nil || dup || sess == nil || sess.ChatID != chat {
		t.Fatalf("retry of the same attempt: sess=%v dup=%v err=%v, want the session", sess, dup, err)
	}
	var busy *BusyError
	if _, _, _, err := s.BeginAttempt(ctx, 2001, chat, NewAttempt(""), 0); !errors.As(err, &busy) {
		t.Fatalf("another attempt while the first runs: %v, want a *BusyError", err)
	}
	if err := s.Save(ctx, sess); err != nil {
		t.Fatal(err)
	}
	if _, _, dup, err := s.BeginAttempt(ctx, 2001, chat, NewAttempt(""), 0); err != nil || !dup {
		t.Fatalf("another attempt after the Save: dup=%v err=%v, want a duplicate", dup, err)
	}
	if _, _, dup, err := s.Begin(ctx, 2001, chat); err != nil || !dup {
		t.Fatalf("Begin after the attempt: dup=%v err=%v, want a duplicate", dup, err)
	}
	if err := s.Client().Set(ctx, s.k.update(2002), "1", time.Hour).Err(); err != nil {
		t.Fatal(err)
	}
	if _, _, dup, err := s.BeginAttempt(ctx, 2002, chat, NewAttempt(""), 0); err != nil || !dup {
		t.Fatalf("a marker from before tokens: dup=%v err=%v, want a duplicate", dup, err)
	}
}
