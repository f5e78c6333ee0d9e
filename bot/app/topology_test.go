package app_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/forumbot/forumbot/bot"
	"github.com/forumbot/forumbot/storage"
	"github.com/forumbot/forumbot/storage/redistest"
)

// TestBotOnRedisCluster: the bot, configured with REDIS_CLUSTER_ADDRS only
// (REDIS_URL's host unused), answers /start, a question and a dialog on a
// real three-master cluster, and every key it writes is in its prefix's
// hash-tag slot.
func TestBotOnRedisCluster(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	c := redistest.StartCluster(t)
	h := newHarness(t, func(cfg *bot.Config) {
		cfg.RedisURL = "redis://unused-host:1/0"
		cfg.RedisClusterAddrs = c.Addrs()
	})
	rdb := c.Client(t)
	h.store = storage.New(rdb, storage.Options{Prefix: h.cfg.RedisPrefix, SessionTTL: h.cfg.SessionTTL})
	h.start()
	if got := h.app.Store.Prefix(); got != h.store.Prefix() || !strings.HasPrefix(got, "{") {
		t.Fatalf("the bot's prefix on a cluster is %q, want the tagged %q", got, h.store.Prefix())
	}

	u := user(8101, "ru")
	h.say(u, "/start", "Здравствуйте, Айгерім!", "Что вас интересует?")
	h.say(u, "Когда следующий форум в Алматы?", "В каталоге нет предстоящих форумов (Алматы).")
	h.consent(u, ruWords)
	m := h.say(u, "/propose", ruWords.forumQ)
	m = h.press(u, m, ruWords.forum, ruWords.categoryQ)
	h.press(u, m, ruWords.category, ruWords.regionQ)

	sess, err := h.store.LoadSession(ctx, u.ID)
	if err != nil || sess.Dialog == "" {
		t.Fatalf("the dialog's session on the cluster: %+v %v", sess, err)
	}
	slot, err := rdb.ClusterKeySlot(ctx, h.store.Prefix()).Result()
	if err != nil {
		t.Fatal(err)
	}
	keys := clusterKeys(t, rdb, h.store.Prefix()+"*")
	if len(keys) < 5 {
		t.Fatalf("only %d keys under the bot's prefix: %v", len(keys), keys)
	}
	for _, k := range keys {
		if s, err := rdb.ClusterKeySlot(ctx, k).Result(); err != nil || s != slot {
			t.Errorf("key %s in slot %d (%v), want %d", k, s, err, slot)
		}
	}
	if stray := clusterKeys(t, rdb, h.cfg.RedisPrefix+"*"); len(stray) > 0 {
		t.Errorf("keys under the untagged prefix: %v", stray)
	}
}

// clusterKeys lists the keys matching pattern on every master.
func clusterKeys(t *testing.T, rdb *redis.ClusterClient, pattern string) []string {
	t.Helper()
	var mu sync.Mutex
	var all []string
	err := rdb.ForEachMaster(t.Context(), func(ctx context.Context, m *redis.Client) error {
		keys, err := m.Keys(ctx, pattern).Result()
		mu.Lock()
		all = append(all, keys...)
		mu.Unlock()
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return all
}

// TestBotSurvivesSentinelFailover: the bot, configured with
// REDIS_SENTINEL_ADDRS, answers; its master is SIGKILLed in the middle of a
// dialog; once the sentinel has promoted the replica the bot answers again
// and goes on with the same dialog, which the replica had.
func TestBotSurvivesSentinelFailover(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	sen := redistest.StartSentinel(t)
	h := newHarness(t, func(cfg *bot.Config) {
		cfg.RedisURL = "redis://unused-host:1/0"
		cfg.RedisSentinelMaster = redistest.SentinelMaster
		cfg.RedisSentinelAddrs = sen.Addrs()
	})
	rdb := redis.NewFailoverClient(&redis.FailoverOptions{MasterName: redistest.SentinelMaster, SentinelAddrs: sen.Addrs()})
	t.Cleanup(func() { _ = rdb.Close() })
	h.store = storage.New(rdb, storage.Options{Prefix: h.cfg.RedisPrefix, SessionTTL: h.cfg.SessionTTL})
	h.start()

	u := user(8201, "ru")
	h.say(u, "/start", "Здравствуйте, Айгерім!", "Что вас интересует?")
	h.consent(u, ruWords)
	m := h.say(u, "/propose", ruWords.forumQ)
	m = h.press(u, m, ruWords.forum, ruWords.categoryQ)
	sen.WaitReplicated(t)

	sen.KillMaster()
	sen.WaitFailover(t, 30*time.Second)
	// The bot's client learns of the new master from the sentinel; wait
	// until it reaches it before the next update, so that update is not
	// the one spent finding out.
	deadline := time.Now().Add(20 * time.Second)
	for h.app.Store.Client().Ping(ctx).Err() != nil {
		if time.Now().After(deadline) {
			t.Fatalf("the bot's Redis client does not reach the new master: %v", h.app.Store.Client().Ping(ctx).Err())
		}
		time.Sleep(100 * time.Millisecond)
	}

	// The dialog goes on where it was (the category step, then region and
	// title), and the bot knows the chat: the replica had both.
	m = h.press(u, m, ruWords.category, ruWords.regionQ)
	h.press(u, m, ruWords.region, ruWords.titleQ)
	if n, err := h.store.ChatCount(ctx); err != nil || n != 1 {
		t.Fatalf("chats after the failover: %d %v", n, err)
	}
}
