package storage

import (
	"context"
	"embed"
	"fmt"

	"github.com/redis/go-redis/v9"
)

// Every change of more than one step is one of these scripts, so it is
// atomic and costs one round trip. redis.Script sends EVALSHA, falling back
// to EVAL once when the server does not have the script yet (a new or
// restarted Redis); Open loads them up front so even the first update pays
// one round trip.

//go:embed lua/*.lua
var luaFiles embed.FS

// script is a named Lua script; the name is the file in lua/.
type script struct {
	*redis.Script
	name string
	src  string
}

func newScript(files ...string) *script {
	var src string
	for _, f := range files {
		b, err := luaFiles.ReadFile("lua/" + f + ".lua")
		if err != nil {
			panic(err) // embedded at build time: cannot happen
		}
		src += string(b) + "\n"
	}
	return &script{Script: redis.NewScript(src), name: files[len(files)-1], src: src}
}

// Run runs the script with keys, which must not be empty: a Redis Cluster
// client sends EVALSHA to the node of the first key, and a keyless call to
// any node, where the keys the script builds from the prefix may not be.
// Every key must be in the store's slot too; the prefix's hash tag sees to
// that for every key built in keys.go.
func (sc *script) Run(ctx context.Context, c redis.Scripter, keys []string, args ...any) *redis.Cmd {
	if len(keys) == 0 {
		return sc.noKey(ctx)
	}
	return sc.Script.Run(ctx, c, keys, args...)
}

// RunRO is Run for a read-only script (EVALSHA_RO), with the same rule.
func (sc *script) RunRO(ctx context.Context, c redis.Scripter, keys []string, args ...any) *redis.Cmd {
	if len(keys) == 0 {
		return sc.noKey(ctx)
	}
	return sc.Script.RunRO(ctx, c, keys, args...)
}

func (sc *script) noKey(ctx context.Context) *redis.Cmd {
	cmd := redis.NewCmd(ctx)
	cmd.SetErr(fmt.Errorf("script %s: called with no key; pass one of the keys it touches", sc.name))
	return cmd
}

var (
	beginScript       = newScript("begin")
	loadSessionScript = newScript("load_session")
	saveSessionScript = newScript("save_session")
	deleteChatScript  = newScript("delete_chat")
	// check_catalog.lua defines the validation both catalog writers share:
	// scripts cannot call each other, so it is prepended to each.
	replaceCatalogScript = newScript("check_catalog", "replace_catalog")
	seedCatalogScript    = newScript("check_catalog", "seed_catalog")
)

var allScripts = []*script{
	beginScript, loadSessionScript, saveSessionScript, deleteChatScript,
	replaceCatalogScript, seedCatalogScript,
}

// loadScripts loads every script into the server, so that no update pays
// for a NOSCRIPT. It sends the source itself rather than calling
// redis.Script.Load, which on a pipeline would store the not yet known reply
// ("") as the script's SHA and make every later EVALSHA miss; and it sends
// one command at a time, because go-redis 9.23 runs pipelines on a pool of
// their own: a pipeline here would open a connection the store never uses
// again, while single commands warm the pool its scripts run on. One round
// trip per script, once per start. A cluster client sends SCRIPT LOAD to
// every node; a node that never had a script (a replica promoted later, a
// restarted one) costs one EVAL on the script's first call there.
func (s *Store) loadScripts(ctx context.Context) error {
	for _, sc := range allScripts {
		sha, err := s.rdb.ScriptLoad(ctx, sc.src).Result()
		if err != nil {
			return fmt.Errorf("load script %s: %w", sc.name, err)
		}
		if sha != sc.Hash() {
			return fmt.Errorf("load script %s: server SHA %s, client SHA %s", sc.name, sha, sc.Hash())
		}
	}
	return nil
}
