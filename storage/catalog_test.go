package storage

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/forumbot/forumbot/bot/catalog"
)

func TestCatalogReplaceAndRead(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := newStore(t, Options{})

	if _, _, err := s.Catalog(ctx); !errors.Is(err, ErrNoCatalog) {
		t.Fatalf("Catalog of an empty store: %v, want ErrNoCatalog", err)
	}
	want := sampleCatalog()
	v, err := s.ReplaceCatalog(ctx, want)
	if err != nil || v != 1 {
		t.Fatalf("ReplaceCatalog = %d, %v; want version 1", v, err)
	}
	got, gv, err := s.Catalog(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if gv != 1 || !reflect.DeepEqual(got, want) {
		t.Fatalf("read back version %d:\n%+v\nwant\n%+v", gv, got, want)
	}

	smaller := &catalog.Catalog{Forums: want.Forums[1:]}
	v, err = s.ReplaceCatalog(ctx, smaller)
	if err != nil || v != 2 {
		t.Fatalf("second ReplaceCatalog = %d, %v; want version 2", v, err)
	}
	got, gv, err = s.Catalog(ctx)
	if err != nil || gv != 2 || !reflect.DeepEqual(got, smaller) {
		t.Fatalf("after second replace: version %d, %d forums, err %v", gv, len(got.Forums), err)
	}
	// Begin reports the same version, which is how bots notice a replace.
	if _, cv, _, err := s.Begin(ctx, 1, 1); err != nil || cv != 2 {
		t.Fatalf("Begin catalog version = %d, %v; want 2", cv, err)
	}

	// An empty (but present) list is a valid catalog.
	empty := &catalog.Catalog{Forums: []catalog.Forum{}}
	if v, err := s.ReplaceCatalog(ctx, empty); err != nil || v != 3 {
		t.Fatalf("empty catalog: %d, %v", v, err)
	}
	if got, _, err := s.Catalog(ctx); err != nil || got.Forums == nil || len(got.Forums) != 0 {
		t.Fatalf("empty catalog read back as %+v, %v", got, err)
	}
}

// TestCatalogFailedReplaceKeepsOld: whatever makes a replace fail, the
// stored catalog and its version stay as they were.
func TestCatalogFailedReplaceKeepsOld(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := newStore(t, Options{})
	old := sampleCatalog()
	if _, err := s.ReplaceCatalog(ctx, old); err != nil {
		t.Fatal(err)
	}
	dupID := sampleCatalog()
	dupID.Forums[1].ID = dupID.Forums[0].ID
	noID := sampleCatalog()
	noID.Forums[2].ID = ""
	cancelled, cancel := context.WithCancel(ctx)
	cancel()

	cases := []struct {
		name    string
		replace func() error
		want    string // in the error; "" for the context case
		invalid bool
	}{
		{"cancelled context", func() error { _, err := s.ReplaceCatalog(cancelled, sampleCatalog()); return err }, "context canceled", false},
		{"duplicate id", func() error { _, err := s.ReplaceCatalog(ctx, dupID); return err }, `forum id "civil-forum-2023" is used twice`, true},
		{"missing id", func() error { _, err := s.ReplaceCatalog(ctx, noID); return err }, "forum #3 has no id", true},
		{"nil forums", func() error { _, err := s.ReplaceCatalog(ctx, &catalog.Catalog{}); return err }, "no forums list", true},
		{"nil catalog", func() error { _, err := s.ReplaceCatalog(ctx, nil); return err }, "nil catalog", true},
		{"not JSON", func() error { _, err := s.replaceCatalogJSON(ctx, []byte(`{"forums":[`)); return err }, "not a JSON object", true},
		{"forums not a list", func() error {
			_, err := s.replaceCatalogJSON(ctx, []byte(`{"forums":{"a":{"id":"a"}}}`))
			return err
		}, "forums is not a list", true},
	}
	for _, c := range cases {
		err := c.replace()
		if err == nil {
			t.Fatalf("%s: replace succeeded", c.name)
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Fatalf("%s: error %q does not say %q", c.name, err, c.want)
		}
		if errors.Is(err, ErrInvalidCatalog) != c.invalid {
			t.Fatalf("%s: errors.Is(%v, ErrInvalidCatalog) = %v", c.name, err, !c.invalid)
		}
		got, v, err := s.Catalog(ctx)
		if err != nil || v != 1 || !reflect.DeepEqual(got, old) {
			t.Fatalf("%s: stored catalog changed: version %d, err %v", c.name, v, err)
		}
	}
}

func TestSeedCatalogOnceUnderConcurrency(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s0 := newStore(t, Options{})
	const callers = 10
	stores := make([]*Store, callers)
	for i := range stores {
		stores[i] = newStore(t, Options{Prefix: s0.k.prefix}) // a client each, as processes
	}
	// Each caller seeds a catalog of its own, so the winner can be told.
	seeds := make([]*catalog.Catalog, callers)
	for i := range seeds {
		seeds[i] = sampleCatalog()
		seeds[i].Forums[0].Source = "seeder " + string(rune('A'+i))
	}
	var wg sync.WaitGroup
	seeded := make([]bool, callers)
	start := make(chan struct{})
	for i := range stores {
		wg.Go(func() {
			<-start
			ok, err := stores[i].SeedCatalog(ctx, seeds[i])
			if err != nil {
				t.Error(err)
			}
			seeded[i] = ok
		})
	}
	close(start)
	wg.Wait()
	winner := -1
	for i, ok := range seeded {
		if ok {
			if winner >= 0 {
				t.Fatalf("callers %d and %d both seeded", winner, i)
			}
			winner = i
		}
	}
	if winner < 0 {
		t.Fatal("no caller seeded")
	}
	got, v, err := s0.Catalog(ctx)
	if err != nil || v != 1 || !reflect.DeepEqual(got, seeds[winner]) {
		t.Fatalf("stored catalog: version %d, err %v; want the winner's at version 1", v, err)
	}

	// A seed never overwrites a stored catalog; it does not even check a
	// catalog it is not going to store.
	if ok, err := s0.SeedCatalog(ctx, &catalog.Catalog{}); err != nil || ok {
		t.Fatalf("seed over a stored catalog: %v, %v", ok, err)
	}
	if _, v, _ := s0.Catalog(ctx); v != 1 {
		t.Fatalf("version %d after a refused seed, want 1", v)
	}
}

func TestSeedCatalogRejectsInvalid(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := newStore(t, Options{})
	if ok, err := s.SeedCatalog(ctx, &catalog.Catalog{}); ok || !errors.Is(err, ErrInvalidCatalog) {
		t.Fatalf("seed of a catalog without forums: %v, %v; want ErrInvalidCatalog", ok, err)
	}
	if _, _, err := s.Catalog(ctx); !errors.Is(err, ErrNoCatalog) {
		t.Fatalf("after a refused seed: %v, want ErrNoCatalog", err)
	}
	if ok, err := s.SeedCatalog(ctx, sampleCatalog()); !ok || err != nil {
		t.Fatalf("valid seed: %v, %v", ok, err)
	}
}

// TestCatalogVersionNeverGoesBack: a catalog key deleted by hand and seeded
// again gets a higher version, so running bots still reload.
func TestCatalogVersionNeverGoesBack(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := newStore(t, Options{})
	for range 3 {
		if _, err := s.ReplaceCatalog(ctx, sampleCatalog()); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Client().Del(ctx, s.k.catalog()).Err(); err != nil {
		t.Fatal(err)
	}
	if ok, err := s.SeedCatalog(ctx, sampleCatalog()); !ok || err != nil {
		t.Fatalf("seed: %v, %v", ok, err)
	}
	if _, v, err := s.Catalog(ctx); err != nil || v != 4 {
		t.Fatalf("version after reseed = %d, %v; want 4", v, err)
	}
}
