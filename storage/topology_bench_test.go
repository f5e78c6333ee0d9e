package storage

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/forumbot/forumbot/storage/redistest"
	"github.com/redis/go-redis/v9"
)

// BenchmarkTopologies is one update's storage work (Begin, Save) from 64
// goroutines per CPU, as a bot busy with many chats, on one server, through
// Sentinel and on a three-master cluster; and on that cluster with three
// bots of different prefixes whose tags are on three masters. On a cluster
// one bot's keys share one slot, so it gets what one master gives; other
// bots use other masters. Redis and the benchmark share the machine's CPUs.
//
//	go test -run '^$' -bench Topologies -benchtime 20000x ./storage/
func BenchmarkTopologies(b *testing.B) {
	ctx := b.Context()
	cl := redistest.StartCluster(b)
	sen := redistest.StartSentinel(b)
	open := func(b *testing.B, conn Conn) *Store {
		b.Helper()
		s, err := Open(ctx, conn, Options{Prefix: redistest.Prefix(b)})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { _ = s.Close() })
		return s
	}
	b.Run("server", func(b *testing.B) {
		beginSaveParallel(b, open(b, Conn{URL: "redis://" + redistest.Addr()}))
	})
	b.Run("sentinel", func(b *testing.B) {
		beginSaveParallel(b, open(b, Conn{URL: "redis://", SentinelMaster: redistest.SentinelMaster, SentinelAddrs: sen.Addrs()}))
	})
	b.Run("cluster", func(b *testing.B) {
		beginSaveParallel(b, open(b, Conn{URL: "redis://", ClusterAddrs: cl.Addrs()}))
	})
	b.Run("cluster-3-bots", func(b *testing.B) {
		rdb := cl.Client(b)
		var stores []*Store
		masters := map[string]bool{}
		for len(stores) < 3 {
			s := open(b, Conn{URL: "redis://", ClusterAddrs: cl.Addrs()})
			m := masterOfKey(b, rdb, s.k.chats())
			if !masters[m] {
				masters[m] = true
				stores = append(stores, s)
			}
		}
		beginSaveParallel(b, stores...)
	})
}

// beginSaveParallel runs Begin and Save from many goroutines, each on one
// of stores in turn, and reports updates per second.
func beginSaveParallel(b *testing.B, stores ...*Store) {
	ctx := b.Context()
	var id, g atomic.Int64
	b.SetParallelism(64)
	cpu0 := redisCPU(b, stores...)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		s := stores[int(g.Add(1))%len(stores)]
		for pb.Next() {
			if !beginSave(ctx, b, s, id.Add(1)) {
				return
			}
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "updates/s")
	// The servers' own CPU per update: Redis runs commands on one thread,
	// so a master whose keys one bot has cannot do more than 1 s of CPU
	// divided by this, whatever the machine's other cores do.
	// (With several stores, the sum over their masters.)
	perUpdate := (redisCPU(b, stores...) - cpu0) / float64(b.N)
	b.ReportMetric(perUpdate*1e6, "redis-cpu-µs/update")
	if len(stores) == 1 {
		b.ReportMetric(1/perUpdate, "max-updates/s-per-master")
	}
}

// redisCPU is the CPU time (user and system, in seconds) the masters
// behind stores have used since they started, each server counted once.
func redisCPU(b *testing.B, stores ...*Store) float64 {
	b.Helper()
	ctx := b.Context()
	var mu sync.Mutex
	seen := map[string]float64{}
	read := func(c *redis.Client) error {
		info, err := c.Info(ctx, "cpu", "server").Result()
		if err != nil {
			return err
		}
		var cpu float64
		var id string
		for _, line := range strings.Split(info, "\r\n") {
			k, v, _ := strings.Cut(line, ":")
			switch k {
			case "used_cpu_user", "used_cpu_sys":
				f, err := strconv.ParseFloat(v, 64)
				if err != nil {
					return err
				}
				cpu += f
			case "run_id":
				id = v
			}
		}
		mu.Lock()
		seen[id] = cpu
		mu.Unlock()
		return nil
	}
	for _, s := range stores {
		var err error
		switch c := s.rdb.(type) {
		case *redis.ClusterClient:
			err = c.ForEachMaster(ctx, func(_ context.Context, m *redis.Client) error { return read(m) })
		case *redis.Client:
			err = read(c)
		}
		if err != nil {
			b.Fatal(err)
		}
	}
	var sum float64
	for _, cpu := range seen {
		sum += cpu
	}
	return sum
}

// masterOfKey is the address of the master serving key's slot.
func masterOfKey(b *testing.B, rdb *redis.ClusterClient, key string) string {
	b.Helper()
	slot, err := rdb.ClusterKeySlot(b.Context(), key).Result()
	if err != nil {
		b.Fatal(err)
	}
	ranges, err := rdb.ClusterSlots(b.Context()).Result()
	if err != nil {
		b.Fatal(err)
	}
	for _, r := range ranges {
		if int64(r.Start) <= slot && slot <= int64(r.End) {
			return r.Nodes[0].Addr
		}
	}
	b.Fatalf("no master serves slot %d", slot)
	return ""
}
