package storage

import (
	"errors"
	"maps"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

// Unit tests on miniredis, which runs the same Lua scripts (gopher-lua) and
// moves time only when told: expiry can be tested without sleeping. The
// integration tests repeat the essentials on a real redis-server.

func miniStore(t *testing.T, opts Options) (*Store, *miniredis.Miniredis) {
	t.Helper()
	m := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: m.Addr()})
	t.Cleanup(func() { _ = rdb.Close() })
	return New(rdb, opts), m
}

func TestMiniSessionLifecycle(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s, m := miniStore(t, Options{Prefix: "fb:", SessionTTL: time.Hour, DedupTTL: 2 * time.Hour})

	sess, cv, dup, err := s.Begin(ctx, 1, 7)
	if err != nil || dup || !sess.IsNew || cv != 0 {
		t.Fatalf("first Begin: %+v cv=%d dup=%v err=%v", sess, cv, dup, err)
	}
	var busy *BusyError
	if _, _, _, err := s.Begin(ctx, 1, 7); !errors.As(err, &busy) {
		t.Fatalf("same update while in progress: %v, want a *BusyError", err)
	}
	sess.Lang = "ru"
	sess.SetDialog("search", map[string]string{"q": "Караганда"})
	if err := s.Save(ctx, sess); err != nil {
		t.Fatal(err)
	}
	if _, _, dup, _ := s.Begin(ctx, 1, 7); !dup {
		t.Fatal("same update after its Save not reported as duplicate")
	}
	if got := m.HGet("fb:chat:7:prefs", "lang"); got != "ru" {
		t.Fatalf("prefs lang = %q", got)
	}
	if got := m.HGet("fb:chat:7:prefs", "dialog"); got != "search" {
		t.Fatalf("prefs dialog marker = %q", got)
	}
	if got := m.TTL("fb:chat:7:session"); got != time.Hour {
		t.Fatalf("session TTL = %v", got)
	}
	if got := m.TTL("fb:update:1"); got != 2*time.Hour {
		t.Fatalf("update marker TTL = %v", got)
	}
	if ok, _ := m.SIsMember("fb:chats", "7"); !ok {
		t.Fatal("chat not recorded")
	}

	// Half an hour later an update comes: it counts as activity.
	m.FastForward(30 * time.Minute)
	if _, _, _, err := s.Begin(ctx, 2, 7); err != nil {
		t.Fatal(err)
	}
	if got := m.TTL("fb:chat:7:session"); got != time.Hour {
		t.Fatalf("session TTL after Begin = %v, want refreshed to 1h", got)
	}
	m.FastForward(59 * time.Minute)
	if !m.Exists("fb:chat:7:session") {
		t.Fatal("session expired before its idle TTL")
	}

	m.FastForward(2 * time.Minute)
	if m.Exists("fb:chat:7:session") {
		t.Fatal("session outlived its idle TTL")
	}
	got, _, _, err := s.Begin(ctx, 3, 7)
	if err != nil {
		t.Fatal(err)
	}
	if !got.IsNew || !got.Expired || got.Lang != "ru" || got.Dialog != "" || got.Version != 0 {
		t.Fatalf("after expiry: %+v", got)
	}
	if m.HGet("fb:chat:7:prefs", "dialog") != "" {
		t.Fatal("the dialog marker survived the notice")
	}

	// The dedup marker outlives nothing: after DedupTTL the id is new.
	m.FastForward(2 * time.Hour)
	if _, _, dup, _ := s.Begin(ctx, 1, 7); dup {
		t.Fatal("update still remembered after DedupTTL")
	}
}

func TestMiniCatalogScripts(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s, m := miniStore(t, Options{Prefix: "fb:"})
	if ok, err := s.SeedCatalog(ctx, sampleCatalog()); !ok || err != nil {
		t.Fatalf("seed: %v %v", ok, err)
	}
	if ok, err := s.SeedCatalog(ctx, sampleCatalog()); ok || err != nil {
		t.Fatalf("second seed: %v %v", ok, err)
	}
	if got, _ := m.Get("fb:catalog:version"); got != "1" {
		t.Fatalf("version %q after seed", got)
	}
	bad := sampleCatalog()
	bad.Forums[2].ID = bad.Forums[0].ID
	_, err := s.ReplaceCatalog(ctx, bad)
	if !errors.Is(err, ErrInvalidCatalog) || err.Error() != `storage: catalog refused: forum id "civil-forum-2023" is used twice` {
		t.Fatalf("duplicate id: %v", err)
	}
	if v, err := s.ReplaceCatalog(ctx, sampleCatalog()); err != nil || v != 2 {
		t.Fatalf("replace: %d %v", v, err)
	}
	if _, err := s.replaceCatalogJSON(ctx, []byte("[1,2]")); !errors.Is(err, ErrInvalidCatalog) {
		t.Fatalf("array payload: %v", err)
	}
	if _, v, err := s.Catalog(ctx); err != nil || v != 2 {
		t.Fatalf("catalog after refusals: version %d, %v", v, err)
	}
}

func TestSessionHelpers(t *testing.T) {
	t.Parallel()
	s := &Session{}
	data := map[string]string{"a": "1"}
	s.SetDialog("step1", data)
	data["a"] = "changed"
	if s.Data["a"] != "1" {
		t.Fatal("SetDialog kept the caller's map")
	}
	if !s.dialogChanged() || s.langChanged() {
		t.Fatal("change detection after SetDialog")
	}
	s.remember()
	if s.dialogChanged() {
		t.Fatal("changed right after remember")
	}
	s.Data["b"] = "2"
	if !s.dialogChanged() {
		t.Fatal("a data change alone was not seen")
	}
	s.ClearDialog()
	if s.Dialog != "" || s.Data == nil || len(s.Data) != 0 {
		t.Fatalf("ClearDialog left %q %v", s.Dialog, s.Data)
	}
	s.remember()
	s.Data = nil // nil and empty are the same data
	if s.dialogChanged() {
		t.Fatal("nil Data counted as a change from empty")
	}

	for _, c := range []struct {
		step string
		data map[string]string
	}{{"", nil}, {"x", nil}, {"x", map[string]string{"k": "v\"\n"}}, {"", map[string]string{"k": "v"}}} {
		v, err := encodeDialog(c.step, c.data)
		if err != nil {
			t.Fatal(err)
		}
		if c.step == "" && len(c.data) == 0 && v != "" {
			t.Fatalf("empty dialog encoded as %q", v)
		}
		step, data, err := decodeDialog(v)
		if err != nil || step != c.step || !maps.Equal(data, c.data) || data == nil {
			t.Fatalf("round trip of %q %v: %q %v %v", c.step, c.data, step, data, err)
		}
	}
	if _, _, err := decodeDialog("{"); err == nil {
		t.Fatal("corrupt dialog decoded")
	}
}

func TestTTLMilliseconds(t *testing.T) {
	t.Parallel()
	for d, want := range map[time.Duration]int64{time.Nanosecond: 1, time.Millisecond: 1, 1500 * time.Microsecond: 2, time.Hour: 3600000} {
		if got := ms(d); got != want {
			t.Fatalf("ms(%v) = %d, want %d", d, got, want)
		}
	}
	s := New(nil, Options{})
	if s.sessionTTL != DefaultSessionTTL || s.dedupTTL != DefaultDedupTTL {
		t.Fatalf("defaults: %v %v", s.sessionTTL, s.dedupTTL)
	}
}
