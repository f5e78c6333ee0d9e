package bot

import (
	"context"
	"errors"
	"sync"

	"github.com/forumbot/forumbot/bot/catalog"
	"github.com/forumbot/forumbot/bot/qa"
	"github.com/forumbot/forumbot/storage"
)

// Snapshot is one version of the catalog with its search index and its
// question answering engine, built once and shared read-only by every update
// until an import replaces it.
type Snapshot struct {
	Catalog *catalog.Catalog
	Index   *catalog.Index
	QA      *qa.Engine
	Version int64
}

// newSnapshot builds the search index and the question answering engine of
// cat.
func newSnapshot(cat *catalog.Catalog, version int64) *Snapshot {
	ix := catalog.NewIndex(cat)
	return &Snapshot{Catalog: cat, Index: ix, QA: qa.New(cat, ix), Version: version}
}

// Catalogs keeps the current snapshot. Every update learns the stored
// catalog's version in the same Redis round trip that loads its session, so
// an import done by `forumbot import` (or another process) is seen on the
// very next update without polling.
type Catalogs struct {
	store *storage.Store

	mu      sync.Mutex
	current *Snapshot
}

// NewCatalogs starts with no snapshot; the first At loads one.
func NewCatalogs(store *storage.Store) *Catalogs { return &Catalogs{store: store} }

// At returns the snapshot for version, loading it from Redis when the one
// in memory is older. When loading fails it keeps serving the old one.
func (c *Catalogs) At(ctx context.Context, version int64) (*Snapshot, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.current != nil && c.current.Version >= version {
		return c.current, nil
	}
	cat, v, err := c.store.Catalog(ctx)
	if errors.Is(err, storage.ErrNoCatalog) {
		cat, v, err = &catalog.Catalog{}, 0, nil
	}
	if err != nil {
		if c.current != nil {
			return c.current, err
		}
		return newSnapshot(&catalog.Catalog{}, 0), err
	}
	c.current = newSnapshot(cat, v)
	return c.current, nil
}
