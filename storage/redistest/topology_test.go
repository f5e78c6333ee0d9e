package redistest

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// TestClusterServesEverySlot: the three masters share the slots, and a
// cluster client reaches keys on each of them.
func TestClusterServesEverySlot(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	c := StartCluster(t)
	rdb := c.Client(t)
	masters := map[string]bool{}
	for i := 0; i < 30; i++ {
		key := Prefix(t) + "k"
		if err := rdb.Set(ctx, key, "v", 0).Err(); err != nil {
			t.Fatal(err)
		}
		slot, err := rdb.ClusterKeySlot(ctx, key).Result()
		if err != nil {
			t.Fatal(err)
		}
		masters[masterOf(t, rdb, slot)] = true
	}
	if len(masters) != 3 {
		t.Fatalf("30 random keys landed on masters %v, want all three", masters)
	}
	var n atomic.Int64 // ForEachMaster runs the masters at once
	err := rdb.ForEachMaster(ctx, func(ctx context.Context, m *redis.Client) error {
		k, err := m.DBSize(ctx).Result()
		n.Add(k)
		return err
	})
	if err != nil || n.Load() != 30 {
		t.Fatalf("keys over the masters = %d, %v; want 30", n.Load(), err)
	}
}

func masterOf(t *testing.T, rdb *redis.ClusterClient, slot int64) string {
	t.Helper()
	slots, err := rdb.ClusterSlots(t.Context()).Result()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range slots {
		if int64(s.Start) <= slot && slot <= int64(s.End) {
			return s.Nodes[0].Addr
		}
	}
	t.Fatalf("no master serves slot %d", slot)
	return ""
}

// TestSentinelFailsOver: a write through the sentinel's master survives the
// master's SIGKILL, on the replica the sentinel promotes.
func TestSentinelFailsOver(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := StartSentinel(t)
	rdb := redis.NewFailoverClient(&redis.FailoverOptions{MasterName: SentinelMaster, SentinelAddrs: s.Addrs()})
	t.Cleanup(func() { _ = rdb.Close() })
	key := Prefix(t) + "k"
	if err := rdb.Set(ctx, key, "before", 0).Err(); err != nil {
		t.Fatal(err)
	}
	// WAIT: the replica has the write before the master dies.
	if n, err := rdb.Wait(ctx, 1, 5*time.Second).Result(); err != nil || n != 1 {
		t.Fatalf("WAIT 1 = %d, %v", n, err)
	}
	// And a write of another connection, which WAIT above does not cover.
	other := redis.NewClient(&redis.Options{Addr: s.MasterAddr()})
	t.Cleanup(func() { _ = other.Close() })
	if err := other.Set(ctx, key+":other", "also", 0).Err(); err != nil {
		t.Fatal(err)
	}
	s.WaitReplicated(t)
	s.KillMaster()
	s.WaitFailover(t, 30*time.Second)
	var got string
	deadline := time.Now().Add(20 * time.Second)
	for {
		var err error
		got, err = rdb.Get(ctx, key).Result()
		if err == nil || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if got != "before" {
		t.Fatalf("after failover GET = %q, want the write made before it", got)
	}
	if got := rdb.Get(ctx, key+":other").Val(); got != "also" {
		t.Fatalf("after failover the other connection's write is %q", got)
	}
	info, err := rdb.Info(ctx, "replication").Result()
	if err != nil || !strings.Contains(info, "role:master") {
		t.Fatalf("the client talks to a node that is not a master: %v\n%s", err, info)
	}
	sc := redis.NewSentinelClient(&redis.Options{Addr: s.Addrs()[0]})
	t.Cleanup(func() { _ = sc.Close() })
	addr, err := sc.GetMasterAddrByName(ctx, SentinelMaster).Result()
	if err != nil || strings.Join(addr, ":") != s.ReplicaAddr() {
		t.Fatalf("master after failover = %v, %v; want the replica %s", addr, err, s.ReplicaAddr())
	}
}
