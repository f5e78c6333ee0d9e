package storage

import (
	"context"
	"fmt"
	"maps"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/forumbot/forumbot/storage/redistest"
	"github.com/redis/go-redis/v9"
)

func TestSaveWritesLangToPrefsAndMarkerFollowsDialog(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := newStore(t, Options{})
	rdb := s.Client()
	sess, _, _, err := s.Begin(ctx, 1, 10)
	if err != nil {
		t.Fatal(err)
	}
	sess.Lang = "en"
	sess.SetDialog("search", map[string]string{"q": "Taraz"})
	if err := s.Save(ctx, sess); err != nil {
		t.Fatal(err)
	}
	if sess.Version != 1 {
		t.Fatalf("Version after first Save = %d, want 1", sess.Version)
	}
	prefs := rdb.HGetAll(ctx, s.k.prefs(10)).Val()
	if !maps.Equal(prefs, map[string]string{"lang": "en", "dialog": "search"}) {
		t.Fatalf("prefs = %v", prefs)
	}
	if ttl := rdb.PTTL(ctx, s.k.prefs(10)).Val(); ttl != -1 {
		t.Fatalf("prefs PTTL = %v, want none (-1): prefs are durable", ttl)
	}

	sess.ClearDialog()
	sess.Lang = ""
	if err := s.Save(ctx, sess); err != nil {
		t.Fatal(err)
	}
	if n := rdb.Exists(ctx, s.k.prefs(10)).Val(); n != 0 {
		t.Fatalf("prefs still hold %v after Lang and Dialog were cleared", rdb.HGetAll(ctx, s.k.prefs(10)).Val())
	}
	if rdb.HExists(ctx, s.k.session(10), "dialog").Val() {
		t.Fatal("session still holds a dialog after ClearDialog")
	}
	got, err := s.LoadSession(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if got.Lang != "" || got.Dialog != "" || len(got.Data) != 0 || got.Version != 2 || got.IsNew {
		t.Fatalf("reloaded = %+v", got)
	}
}

// TestSaveSendsOnlyChanges checks the script's arguments: an unchanged
// session sends no field, a changed one only its field.
func TestSaveSendsOnlyChanges(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	rdb := redistest.Client(t)
	var mu sync.Mutex
	var lastArgs []any
	rdb.AddHook(argsHook(func(args []any) { mu.Lock(); lastArgs = args; mu.Unlock() }))
	s := storeOn(t, rdb, Options{SessionTTL: time.Hour})
	args := func() []any { mu.Lock(); defer mu.Unlock(); return lastArgs }

	sess, _, _, err := s.Begin(ctx, 1, 11)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Save(ctx, sess); err != nil {
		t.Fatal(err)
	}
	// EVALSHA sha numkeys key key update ttl langChanged lang dialogChanged
	// step value dedupTTL
	want := []any{"evalsha", saveSessionScript.Hash(), int64(3), s.k.session(11), s.k.prefs(11), s.k.update(1), int64(3600000), "0", "", "0", "", "", int64(DefaultDedupTTL / time.Millisecond)}
	if fmt.Sprint(args()) != fmt.Sprint(want) {
		t.Fatalf("unchanged Save sent %v, want %v", args(), want)
	}
	sess.Data["draft"] = "x" // a change of data alone is a dialog change
	if err := s.Save(ctx, sess); err != nil {
		t.Fatal(err)
	}
	a := args()
	if a[7] != "0" || a[9] != "1" || a[11] != `{"step":"","data":{"draft":"x"}}` {
		t.Fatalf("data change sent %v", a)
	}
	sess.Lang = "ru"
	if err := s.Save(ctx, sess); err != nil {
		t.Fatal(err)
	}
	if a := args(); a[7] != "1" || a[8] != "ru" || a[9] != "0" {
		t.Fatalf("lang change sent %v", a)
	}
	if sess.Version != 3 {
		t.Fatalf("Version = %d after 3 saves", sess.Version)
	}
}

// argsHook reports the arguments of every single command.
type argsHook func([]any)

func (h argsHook) DialHook(next redis.DialHook) redis.DialHook { return next }
func (h argsHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		h(cmd.Args())
		return next(ctx, cmd)
	}
}
func (h argsHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}

func TestSaveRefreshesTTLEvenUnchanged(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := newStore(t, Options{SessionTTL: time.Hour})
	sess, _, _, err := s.Begin(ctx, 1, 12)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Save(ctx, sess); err != nil {
		t.Fatal(err)
	}
	if err := s.Client().PExpire(ctx, s.k.session(12), time.Minute).Err(); err != nil {
		t.Fatal(err)
	}
	if err := s.Save(ctx, sess); err != nil {
		t.Fatal(err)
	}
	if ttl := s.Client().PTTL(ctx, s.k.session(12)).Val(); ttl <= 59*time.Minute || ttl > time.Hour {
		t.Fatalf("PTTL after an unchanged Save = %v, want about SessionTTL = 1h", ttl)
	}
	if sess.Version != 2 {
		t.Fatalf("Version = %d, want 2: every Save bumps it", sess.Version)
	}
}

// TestConcurrentSavesMergeFields plays two bot processes (two clients)
// that load the same chat before either saves: one picks the language, the
// other starts a dialog. Both changes must survive, whichever saves last.
func TestConcurrentSavesMergeFields(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	prefix := redistest.Prefix(t)
	a := newStore(t, Options{Prefix: prefix})
	b := newStore(t, Options{Prefix: prefix})
	for round := 0; round < 20; round++ {
		chat := int64(1000 + round)
		sa, _, _, err := a.Begin(ctx, int64(2*round), chat)
		if err != nil {
			t.Fatal(err)
		}
		sb, _, _, err := b.Begin(ctx, int64(2*round+1), chat)
		if err != nil {
			t.Fatal(err)
		}
		sa.Lang = "kk"
		sb.SetDialog("choose_region", map[string]string{"page": "2"})
		var wg sync.WaitGroup
		errs := make(chan error, 2)
		wg.Go(func() { errs <- a.Save(ctx, sa) })
		wg.Go(func() { errs <- b.Save(ctx, sb) })
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		got, err := a.LoadSession(ctx, chat)
		if err != nil {
			t.Fatal(err)
		}
		if got.Lang != "kk" || got.Dialog != "choose_region" || got.Data["page"] != "2" || got.Version != 2 {
			t.Fatalf("round %d: merged session = %+v, want Lang kk, dialog choose_region, version 2", round, got)
		}
	}
}

// TestConcurrentDialogsNeverMix: step and data are one value, so two
// writers of different dialogs leave one writer's pair, never a step with
// the other's data.
func TestConcurrentDialogsNeverMix(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	prefix := redistest.Prefix(t)
	a := newStore(t, Options{Prefix: prefix})
	b := newStore(t, Options{Prefix: prefix})
	for round := 0; round < 20; round++ {
		chat := int64(round)
		sa, _, _, err := a.Begin(ctx, int64(2*round), chat)
		if err != nil {
			t.Fatal(err)
		}
		sb, _, _, err := b.Begin(ctx, int64(2*round+1), chat)
		if err != nil {
			t.Fatal(err)
		}
		sa.SetDialog("feedback", map[string]string{"text": "hello"})
		sb.SetDialog("search", map[string]string{"q": "Shymkent"})
		var wg sync.WaitGroup
		wg.Go(func() {
			if err := a.Save(ctx, sa); err != nil {
				t.Error(err)
			}
		})
		wg.Go(func() {
			if err := b.Save(ctx, sb); err != nil {
				t.Error(err)
			}
		})
		wg.Wait()
		got, err := a.LoadSession(ctx, chat)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case got.Dialog == "feedback" && maps.Equal(got.Data, sa.Data):
		case got.Dialog == "search" && maps.Equal(got.Data, sb.Data):
		default:
			t.Fatalf("round %d: step %q with data %v: a mix of two writers", round, got.Dialog, got.Data)
		}
		marker := a.Client().HGet(ctx, a.k.prefs(chat), "dialog").Val()
		if marker != got.Dialog {
			t.Fatalf("round %d: prefs marker %q, session step %q", round, marker, got.Dialog)
		}
	}
}

// TestManyConcurrentSavesCountVersions: every Save bumps the version
// exactly once, across processes.
func TestManyConcurrentSavesCountVersions(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	prefix := redistest.Prefix(t)
	const procs, perProc = 4, 25
	stores := make([]*Store, procs)
	for i := range stores {
		stores[i] = newStore(t, Options{Prefix: prefix})
	}
	var updateID atomic.Int64
	var wg sync.WaitGroup
	for _, s := range stores {
		for range perProc {
			wg.Go(func() {
				sess, _, dup, err := s.Begin(ctx, updateID.Add(1), 99)
				if err != nil || dup {
					t.Errorf("Begin: dup=%v err=%v", dup, err)
					return
				}
				sess.Data["n"] = fmt.Sprint(updateID.Load())
				if err := s.Save(ctx, sess); err != nil {
					t.Error(err)
				}
			})
		}
	}
	wg.Wait()
	got, err := stores[0].LoadSession(ctx, 99)
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != procs*perProc {
		t.Fatalf("Version = %d after %d saves", got.Version, procs*perProc)
	}
}

func TestSaveNil(t *testing.T) {
	t.Parallel()
	s := newStore(t, Options{})
	if err := s.Save(t.Context(), nil); err == nil {
		t.Fatal("Save(nil) succeeded")
	}
}
