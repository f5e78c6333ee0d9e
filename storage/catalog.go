package storage

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/forumbot/forumbot/bot/catalog"
	"github.com/redis/go-redis/v9"
)

// ErrNoCatalog is returned by Catalog when none was ever stored.
var ErrNoCatalog = errors.New("storage: no catalog stored")

// ErrInvalidCatalog wraps the reason a catalog was refused: no forums list,
// a forum without an id, an id used twice. The stored catalog is unchanged.
var ErrInvalidCatalog = errors.New("storage: catalog refused")

// invalidCatalogCode is the error code check_catalog.lua replies with.
const invalidCatalogCode = "INVALIDCATALOG "

// Catalog returns the stored catalog and its version, read together in one
// command so they always match.
func (s *Store) Catalog(ctx context.Context) (*catalog.Catalog, int64, error) {
	vals, err := s.rdb.MGet(ctx, s.k.catalog(), s.k.catalogVersion()).Result()
	if err != nil {
		return nil, 0, fmt.Errorf("storage: read catalog: %w", err)
	}
	raw, ok := vals[0].(string)
	if !ok {
		return nil, 0, ErrNoCatalog
	}
	version, err := intValue(vals[1])
	if err != nil {
		return nil, 0, fmt.Errorf("storage: read catalog version: %w", err)
	}
	var c catalog.Catalog
	if err := json.Unmarshal([]byte(raw), &c); err != nil {
		return nil, 0, fmt.Errorf("storage: decode catalog version %d: %w", version, err)
	}
	return &c, version, nil
}

// ReplaceCatalog stores c in place of the current catalog and bumps the
// version, atomically (script replace_catalog): bots see the old catalog or
// the new one, never a mix, and a refused or failed replace leaves the old
// one whole. Running bots notice the new version in Begin.
func (s *Store) ReplaceCatalog(ctx context.Context, c *catalog.Catalog) (version int64, err error) {
	payload, err := marshalCatalog(c)
	if err != nil {
		return 0, err
	}
	return s.replaceCatalogJSON(ctx, payload)
}

func (s *Store) replaceCatalogJSON(ctx context.Context, payload []byte) (int64, error) {
	v, err := replaceCatalogScript.Run(ctx, s.rdb,
		[]string{s.k.catalog(), s.k.catalogVersion()}, payload,
	).Int64()
	if err != nil {
		return 0, catalogError("replace", err)
	}
	return v, nil
}

// SeedCatalog stores c only when no catalog is stored, atomically (script
// seed_catalog), so that bots started together seed once and a seed never
// overwrites an import. seeded reports whether this call stored c.
func (s *Store) SeedCatalog(ctx context.Context, c *catalog.Catalog) (seeded bool, err error) {
	payload, err := marshalCatalog(c)
	if err != nil {
		return false, err
	}
	n, err := seedCatalogScript.Run(ctx, s.rdb,
		[]string{s.k.catalog(), s.k.catalogVersion()}, payload,
	).Int64()
	if err != nil {
		return false, catalogError("seed", err)
	}
	return n == 1, nil
}

func marshalCatalog(c *catalog.Catalog) ([]byte, error) {
	if c == nil {
		return nil, fmt.Errorf("%w: nil catalog", ErrInvalidCatalog)
	}
	b, err := json.Marshal(c)
	if err != nil {
		return nil, fmt.Errorf("storage: encode catalog: %w", err)
	}
	return b, nil
}

// catalogError turns the script's refusal into ErrInvalidCatalog.
func catalogError(op string, err error) error {
	var rerr redis.Error
	if errors.As(err, &rerr) {
		if msg, ok := strings.CutPrefix(rerr.Error(), invalidCatalogCode); ok {
			return fmt.Errorf("%w: %s", ErrInvalidCatalog, msg)
		}
	}
	return fmt.Errorf("storage: %s catalog: %w", op, err)
}
