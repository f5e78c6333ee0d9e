package storage

import (
	"context"
	"embed"

	"github.com/redis/go-redis/v9"
)

// Every change of more than one step is one of these scripts, so it is
// atomic and costs one round trip. redis.Script sends EVALSHA, falling back
// to EVAL once when the server does not have the script yet (a new or
// restarted Redis); Open loads them up front so even the first update pays
// one round trip.

//go:embed lua/*.lua
var luaFiles embed.FS

func lua(name string) string {
	b, err := luaFiles.ReadFile("lua/" + name + ".lua")
	if err != nil {
		panic(err) // embedded at build time: cannot happen
	}
	return string(b)
}

var (
	beginScript          = redis.NewScript(lua("begin"))
	loadSessionScript    = redis.NewScript(lua("load_session"))
	saveSessionScript    = redis.NewScript(lua("save_session"))
	deleteChatScript     = redis.NewScript(lua("delete_chat"))
	replaceCatalogScript = redis.NewScript(lua("check_catalog") + "\n" + lua("replace_catalog"))
	seedCatalogScript    = redis.NewScript(lua("check_catalog") + "\n" + lua("seed_catalog"))
)

var allScripts = []*redis.Script{
	beginScript, loadSessionScript, saveSessionScript, deleteChatScript,
	replaceCatalogScript, seedCatalogScript,
}

// loadScripts queues SCRIPT LOAD of every script on pipe.
func loadScripts(ctx context.Context, pipe redis.Pipeliner) {
	for _, s := range allScripts {
		s.Load(ctx, pipe)
	}
}

// loadScripts loads every script into the server in one round trip.
func (s *Store) loadScripts(ctx context.Context) error {
	pipe := s.rdb.Pipeline()
	loadScripts(ctx, pipe)
	_, err := pipe.Exec(ctx)
	return err
}
