package storage

import (
	"strings"
	"testing"

	"github.com/forumbot/forumbot/storage/redistest"
	"github.com/redis/go-redis/v9"
)

// TestPrefixIsolation runs two bots with different prefixes on a Redis of
// this test alone, so that SCAN sees every key there is: each must start
// with one of the prefixes, and neither bot sees the other's state.
func TestPrefixIsolation(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	srv := redistest.Start(t, false)
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr()})
	t.Cleanup(func() { _ = rdb.Close() })
	a := storeOn(t, rdb, Options{Prefix: "botA:"})
	b := storeOn(t, rdb, Options{Prefix: "botB:"})

	// Bot A does everything a bot does; bot B only some of it.
	sess, _, _, err := a.Begin(ctx, 1, 100)
	if err != nil {
		t.Fatal(err)
	}
	sess.Lang = "kk"
	sess.SetDialog("search", map[string]string{"q": "x"})
	if err := a.Save(ctx, sess); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := a.Begin(ctx, 2, 101); err != nil {
		t.Fatal(err)
	}
	if _, err := a.ReplaceCatalog(ctx, sampleCatalog()); err != nil {
		t.Fatal(err)
	}
	if _, err := a.SeedCatalog(ctx, sampleCatalog()); err != nil {
		t.Fatal(err)
	}
	if err := a.DeleteChat(ctx, 101); err != nil {
		t.Fatal(err)
	}

	// Same update id and chat for B: not a duplicate, a new chat.
	bs, cv, dup, err := b.Begin(ctx, 1, 100)
	if err != nil || dup {
		t.Fatalf("B's Begin of A's update id: dup=%v err=%v", dup, err)
	}
	if !bs.IsNew || bs.Lang != "" || bs.Dialog != "" || cv != 0 {
		t.Fatalf("B sees A's state: %+v, catalog version %d", bs, cv)
	}
	if err := b.Save(ctx, bs); err != nil {
		t.Fatal(err)
	}
	if _, _, err := b.Catalog(ctx); err == nil {
		t.Fatal("B reads A's catalog")
	}
	if n, _ := a.ChatCount(ctx); n != 1 {
		t.Fatalf("A counts %d chats, want 1", n)
	}
	if n, _ := b.ChatCount(ctx); n != 1 {
		t.Fatalf("B counts %d chats, want 1", n)
	}

	var keys []string
	iter := rdb.Scan(ctx, 0, "*", 100).Iterator()
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
	}
	if err := iter.Err(); err != nil {
		t.Fatal(err)
	}
	var na, nb int
	for _, k := range keys {
		switch {
		case strings.HasPrefix(k, "botA:"):
			na++
		case strings.HasPrefix(k, "botB:"):
			nb++
		default:
			t.Errorf("key %q has neither prefix", k)
		}
	}
	// A: update:1, update:2, chat:100:session, chat:100:prefs, chats,
	// catalog, catalog:version. B: update:1, chat:100:session, chats.
	if na != 7 || nb != 3 {
		t.Fatalf("A has %d keys, B %d; want 7 and 3: %v", na, nb, keys)
	}
}
