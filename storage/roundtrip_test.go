package storage

import (
	"context"
	"sync"
	"testing"

	"github.com/forumbot/forumbot/storage/redistest"
	"github.com/redis/go-redis/v9"
)

func TestBeginAndSaveAreOneRoundTripEach(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s, c := counted(t, Options{})
	if _, err := s.ReplaceCatalog(ctx, sampleCatalog()); err != nil {
		t.Fatal(err)
	}
	step := func(what string, f func() error) {
		t.Helper()
		rt, cmds := c.RoundTrips(), c.Commands()
		if err := f(); err != nil {
			t.Fatal(err)
		}
		if d := c.RoundTrips() - rt; d != 1 {
			t.Fatalf("%s took %d round trips, want 1", what, d)
		}
		if d := c.Commands() - cmds; d != 1 {
			t.Fatalf("%s sent %d commands, want 1", what, d)
		}
	}
	var sess *Session
	step("Begin of a new chat", func() (err error) { sess, _, _, err = s.Begin(ctx, 1, 3); return })
	sess.Lang = "ru"
	sess.SetDialog("search", map[string]string{"q": "Aktobe"})
	step("Save with changes", func() error { return s.Save(ctx, sess) })
	step("Begin of a known chat", func() (err error) { sess, _, _, err = s.Begin(ctx, 2, 3); return })
	step("Save unchanged", func() error { return s.Save(ctx, sess) })
	step("Begin of a duplicate", func() error { _, _, _, err := s.Begin(ctx, 2, 3); return err })
	step("LoadSession", func() error { _, err := s.LoadSession(ctx, 3); return err })
	step("Catalog", func() error { _, _, err := s.Catalog(ctx); return err })
}

// TestScriptsRunAsEvalsha: the scripts go by SHA, not by source, once loaded.
func TestScriptsRunAsEvalsha(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	rdb := redistest.Client(t)
	var mu sync.Mutex
	var names []string
	rdb.AddHook(argsHook(func(args []any) {
		mu.Lock()
		names = append(names, args[0].(string))
		mu.Unlock()
	}))
	s := storeOn(t, rdb, Options{})
	mu.Lock()
	names = nil // the connection's handshake
	mu.Unlock()
	sess, _, _, err := s.Begin(ctx, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Save(ctx, sess); err != nil {
		t.Fatal(err)
	}
	if _, err := s.LoadSession(ctx, 1); err != nil {
		t.Fatal(err)
	}
	want := []string{"evalsha", "evalsha", "evalsha_ro"}
	mu.Lock()
	defer mu.Unlock()
	if len(names) != len(want) {
		t.Fatalf("commands %v, want %v", names, want)
	}
	for i := range want {
		if names[i] != want[i] {
			t.Fatalf("commands %v, want %v", names, want)
		}
	}
}

// TestFirstCallOnFreshRedis: on a server that never saw the scripts, a
// Store from New pays one extra round trip (NOSCRIPT, then EVAL) per script;
// one from Open loaded them and pays none.
func TestFirstCallOnFreshRedis(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	srv := redistest.Start(t, false)

	c := NewCounter()
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr()})
	t.Cleanup(func() { _ = rdb.Close() })
	rdb.AddHook(c.Hook())
	if err := rdb.Ping(ctx).Err(); err != nil { // open the connection
		t.Fatal(err)
	}
	cold := New(rdb, Options{Prefix: "cold:"})
	rt := c.RoundTrips()
	if _, _, _, err := cold.Begin(ctx, 1, 1); err != nil {
		t.Fatal(err)
	}
	if d := c.RoundTrips() - rt; d != 2 {
		t.Fatalf("first Begin on a fresh Redis took %d round trips, want 2 (EVALSHA, EVAL)", d)
	}
	rt = c.RoundTrips()
	if _, _, _, err := cold.Begin(ctx, 2, 1); err != nil {
		t.Fatal(err)
	}
	if d := c.RoundTrips() - rt; d != 1 {
		t.Fatalf("second Begin took %d round trips, want 1", d)
	}

	if err := rdb.ScriptFlush(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	opened, err := Open(ctx, Conn{URL: "redis://" + srv.Addr()}, Options{Prefix: "warm:"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = opened.Close() })
	c2 := NewCounter()
	opened.Client().AddHook(c2.Hook()) // after Open's connection is made
	sess, _, _, err := opened.Begin(ctx, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := opened.Save(ctx, sess); err != nil {
		t.Fatal(err)
	}
	if c2.RoundTrips() != 2 {
		t.Fatalf("Begin+Save after Open took %d round trips, want 2", c2.RoundTrips())
	}
}

func TestCounterCountsPipelinesAsOneRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	c := NewCounter()
	// One connection, so that the concurrent part below shares it and no
	// new handshake is counted.
	rdb := redis.NewClient(&redis.Options{Addr: redistest.Addr(), PoolSize: 1})
	t.Cleanup(func() { _ = rdb.Close() })
	rdb.AddHook(c.Hook())
	p := redistest.Prefix(t)

	// The first command opens the connection: its handshake is counted.
	if err := rdb.Set(ctx, p+"a", "1", 0).Err(); err != nil {
		t.Fatal(err)
	}
	if c.RoundTrips() < 2 || c.Commands() < 2 {
		t.Fatalf("first command on a new connection: %d round trips, %d commands; want the handshake counted too", c.RoundTrips(), c.Commands())
	}
	// go-redis 9.23 runs pipelines on connections of their own: open one.
	if _, err := rdb.Pipelined(ctx, func(pipe redis.Pipeliner) error { pipe.Ping(ctx); return nil }); err != nil {
		t.Fatal(err)
	}
	base, baseCmds := c.RoundTrips(), c.Commands()
	rel := func() (int64, int64) { return c.RoundTrips() - base, c.Commands() - baseCmds }

	if err := rdb.Set(ctx, p+"a", "2", 0).Err(); err != nil {
		t.Fatal(err)
	}
	if rt, cmds := rel(); rt != 1 || cmds != 1 {
		t.Fatalf("one command: %d round trips, %d commands", rt, cmds)
	}
	if _, err := rdb.Pipelined(ctx, func(pipe redis.Pipeliner) error {
		pipe.Get(ctx, p+"a")
		pipe.Incr(ctx, p+"b")
		pipe.Del(ctx, p+"c")
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if rt, cmds := rel(); rt != 2 || cmds != 4 {
		t.Fatalf("pipeline of 3: %d round trips, %d commands; want 2, 4", rt, cmds)
	}
	if _, err := rdb.TxPipelined(ctx, func(pipe redis.Pipeliner) error {
		pipe.Incr(ctx, p+"b")
		pipe.Incr(ctx, p+"b")
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	// MULTI and EXEC travel with the two INCRs.
	if rt, cmds := rel(); rt != 3 || cmds != 8 {
		t.Fatalf("transaction of 2: %d round trips, %d commands; want 3, 8", rt, cmds)
	}
	// Counting from many goroutines is exact.
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() { _ = rdb.Ping(context.Background()).Err() })
	}
	wg.Wait()
	if rt, cmds := rel(); rt != 53 || cmds != 58 {
		t.Fatalf("after 50 PINGs: %d round trips, %d commands; want 53, 58", rt, cmds)
	}
}
