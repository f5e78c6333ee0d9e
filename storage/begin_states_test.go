package storage

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// The update marker's states as Begin sees them: new, the same attempt,
// another attempt in progress (busy, changing nothing), done, legacy done,
// and an in-progress marker left by a dead attempt that expired.
func TestBeginUpdateMarkerStates(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := newStore(t, Options{DedupTTL: time.Hour})
	rdb := s.Client()
	const chat = 51

	// New: in progress for the attempt's limit plus the margin.
	first := NewAttempt("")
	sess, _, dup, err := s.BeginAttempt(ctx, 3001, chat, first, 2*time.Second)
	if err != nil || dup || sess == nil {
		t.Fatalf("new update: sess=%v dup=%v err=%v", sess, dup, err)
	}
	if got := rdb.Get(ctx, s.k.update(3001)).Val(); got != first {
		t.Fatalf("in-progress marker = %q, want the attempt's token %q", got, first)
	}
	want := 2*time.Second + UpdateMargin
	if ttl := rdb.PTTL(ctx, s.k.update(3001)).Val(); ttl <= want-time.Second || ttl > want {
		t.Fatalf("in-progress marker PTTL = %v, want about %v", ttl, want)
	}

	// Same token: goes on, its marker's TTL starts again.
	if err := rdb.PExpire(ctx, s.k.update(3001), time.Second).Err(); err != nil {
		t.Fatal(err)
	}
	if again, _, dup, err := s.BeginAttempt(ctx, 3001, chat, first, 2*time.Second); err != nil || dup || again == nil {
		t.Fatalf("same attempt: sess=%v dup=%v err=%v", again, dup, err)
	}
	if ttl := rdb.PTTL(ctx, s.k.update(3001)).Val(); ttl <= want-time.Second {
		t.Fatalf("marker PTTL after the same attempt's retry = %v, want about %v again", ttl, want)
	}

	// Another token while in progress: busy with the marker's PTTL, and
	// nothing else changes: not the chats set, not the session, not the
	// expired-dialog notice.
	const other = 52
	if err := rdb.HSet(ctx, s.k.prefs(other), "dialog", "search").Err(); err != nil {
		t.Fatal(err)
	}
	var busy *BusyError
	_, _, dup, err = s.BeginAttempt(ctx, 3001, other, NewAttempt(""), 2*time.Second)
	if !errors.As(err, &busy) || dup {
		t.Fatalf("another attempt: dup=%v err=%v, want a *BusyError", dup, err)
	}
	if busy.UpdateID != 3001 || busy.Wait <= want-time.Second || busy.Wait > want {
		t.Fatalf("busy = %+v, want update 3001 and a wait of about %v", busy, want)
	}
	if rdb.SIsMember(ctx, s.k.chats(), other).Val() {
		t.Fatal("a busy Begin recorded the chat")
	}
	if rdb.HGet(ctx, s.k.prefs(other), "dialog").Val() != "search" || rdb.Exists(ctx, s.k.session(other)).Val() != 0 {
		t.Fatal("a busy Begin consumed the expired-dialog notice or made a session")
	}
	if got := rdb.Get(ctx, s.k.update(3001)).Val(); got != first {
		t.Fatalf("marker after a busy Begin = %q, want still %q", got, first)
	}

	// Done by Save, in the same step: a duplicate for anyone, for DedupTTL.
	sess.Lang = "kk"
	if err := s.Save(ctx, sess); err != nil {
		t.Fatal(err)
	}
	if got := rdb.Get(ctx, s.k.update(3001)).Val(); got != "done" {
		t.Fatalf("marker after Save = %q, want done", got)
	}
	if ttl := rdb.PTTL(ctx, s.k.update(3001)).Val(); ttl <= time.Hour-time.Minute {
		t.Fatalf("done marker PTTL = %v, want about DedupTTL", ttl)
	}
	for _, token := range []string{first, NewAttempt("")} {
		if s, _, dup, err := s.BeginAttempt(ctx, 3001, chat, token, 0); err != nil || !dup || s != nil {
			t.Fatalf("done update: sess=%v dup=%v err=%v, want a duplicate", s, dup, err)
		}
	}

	// Legacy done marker "1".
	if err := rdb.Set(ctx, s.k.update(3002), "1", time.Hour).Err(); err != nil {
		t.Fatal(err)
	}
	if _, _, dup, err := s.BeginAttempt(ctx, 3002, chat, NewAttempt(""), 0); err != nil || !dup {
		t.Fatalf("legacy marker: dup=%v err=%v, want a duplicate", dup, err)
	}

	// A dead attempt's marker expires: the next attempt handles the update,
	// and the expired-dialog notice is its to tell.
	if err := rdb.Set(ctx, s.k.update(3003), NewAttempt(""), time.Second).Err(); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := s.BeginAttempt(ctx, 3003, other, NewAttempt(""), 0); !errors.As(err, &busy) {
		t.Fatalf("before the dead attempt's marker expired: %v, want a *BusyError", err)
	}
	waitGone(t, s, s.k.update(3003))
	next, _, dup, err := s.BeginAttempt(ctx, 3003, other, NewAttempt(""), 0)
	if err != nil || dup || next == nil || !next.Expired {
		t.Fatalf("after the dead attempt's marker expired: sess=%+v dup=%v err=%v, want the update with the expired notice", next, dup, err)
	}
}

// FinishUpdate marks an update done for DedupTTL without a Save; a Save of
// a session loaded without an update marks nothing.
func TestFinishUpdateAndSaveWithoutUpdate(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := newStore(t, Options{DedupTTL: time.Hour})
	rdb := s.Client()
	if _, _, _, err := s.Begin(ctx, 4001, 61); err != nil {
		t.Fatal(err)
	}
	if err := s.FinishUpdate(ctx, 4001); err != nil {
		t.Fatal(err)
	}
	if got, ttl := rdb.Get(ctx, s.k.update(4001)).Val(), rdb.PTTL(ctx, s.k.update(4001)).Val(); got != "done" || ttl <= time.Hour-time.Minute {
		t.Fatalf("marker after FinishUpdate = %q PTTL %v, want done for about DedupTTL", got, ttl)
	}
	if _, _, dup, err := s.Begin(ctx, 4001, 61); err != nil || !dup {
		t.Fatalf("after FinishUpdate: dup=%v err=%v, want a duplicate", dup, err)
	}

	loaded, err := s.LoadSession(ctx, 61)
	if err != nil {
		t.Fatal(err)
	}
	loaded.Lang = "ru"
	if err := s.Save(ctx, loaded); err != nil {
		t.Fatal(err)
	}
	// The Save ran (version 1), and marked no update: not the zero id, and
	// 4001 stays as FinishUpdate left it.
	if loaded.Version != 1 || rdb.Exists(ctx, s.k.update(0)).Val() != 0 || rdb.Get(ctx, s.k.update(4001)).Val() != "done" {
		t.Fatalf("a Save without an update: version %d, markers changed", loaded.Version)
	}
}

// An attempt's token names its process: while the process's alive key is
// there, another attempt waits (busy); once it is gone (the process was
// killed, or stopped with the update unfinished), the next attempt takes
// the update over at once, long before the marker would expire. A token
// naming no process always waits.
func TestBeginTakesOverTheAttemptOfAGoneProcess(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := newStore(t, Options{})
	rdb := s.Client()
	const chat = 52
	dead, live := "host-1-aa", "host-2-bb"
	for _, inst := range []string{dead, live} {
		if err := s.Alive(ctx, inst); err != nil {
			t.Fatal(err)
		}
	}
	if ttl := rdb.PTTL(ctx, s.k.alive(live)).Val(); ttl <= AliveTTL-time.Second || ttl > AliveTTL {
		t.Fatalf("alive key PTTL %v, want about %v", ttl, AliveTTL)
	}
	first := NewAttempt(dead)
	if !strings.HasPrefix(first, dead+"/") || len(first) != len(dead)+17 {
		t.Fatalf("token %q does not name its process", first)
	}
	if _, _, _, err := s.BeginAttempt(ctx, 4001, chat, first, time.Minute); err != nil {
		t.Fatal(err)
	}
	var busy *BusyError
	if _, _, _, err := s.BeginAttempt(ctx, 4001, chat, NewAttempt(live), time.Minute); !errors.As(err, &busy) {
		t.Fatalf("while the first attempt's process lives: %v, want busy", err)
	}
	if err := s.Gone(ctx, dead); err != nil {
		t.Fatal(err)
	}
	second := NewAttempt(live)
	sess, _, dup, err := s.BeginAttempt(ctx, 4001, chat, second, time.Minute)
	if err != nil || dup || sess == nil {
		t.Fatalf("after its process is gone: sess=%v dup=%v err=%v, want the update taken over", sess, dup, err)
	}
	if got := rdb.Get(ctx, s.k.update(4001)).Val(); got != second {
		t.Fatalf("marker %q after the takeover, want %q", got, second)
	}
	// The new holder lives: a third attempt waits for it.
	if _, _, _, err := s.BeginAttempt(ctx, 4001, chat, NewAttempt(dead), time.Minute); !errors.As(err, &busy) {
		t.Fatalf("a third attempt while the new holder lives: %v, want busy", err)
	}

	// A token that names no process waits for its marker, alive keys or not.
	if _, _, _, err := s.BeginAttempt(ctx, 4002, chat, NewAttempt(""), time.Minute); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := s.BeginAttempt(ctx, 4002, chat, NewAttempt(live), time.Minute); !errors.As(err, &busy) {
		t.Fatalf("a token without a process: %v, want busy", err)
	}
}
