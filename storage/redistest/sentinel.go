package redistest

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// SentinelMaster is the name the sentinel of StartSentinel monitors the
// master under (REDIS_SENTINEL_MASTER's default too).
const SentinelMaster = "mymaster"

// Sentinel is a master, one replica of it and one sentinel watching them,
// on loopback ports, killed when the test ends. The sentinel declares the
// master down after one second without an answer and fails over to the
// replica alone (quorum 1), so a test can kill the master and see the
// replica promoted within seconds.
type Sentinel struct {
	master, replica, sentinel *proc
}

// StartSentinel starts the master, then the replica and waits until it has
// synchronized, then the sentinel, and waits until the sentinel knows the
// replica: the sentinel learns replicas from the master's INFO, which it
// reads at once on connecting but then only every ten seconds, so starting
// it last saves a test those seconds.
func StartSentinel(t testing.TB) *Sentinel {
	t.Helper()
	bin, err := lookPath()
	if err != nil {
		t.Fatal(err)
	}
	s := &Sentinel{}
	start := func(what string, cfg config) *proc {
		t.Helper()
		p, err := launch(bin, t.TempDir(), cfg, 0)
		if err != nil {
			t.Fatalf("redistest: sentinel setup, %s: %v", what, err)
		}
		t.Cleanup(p.kill) // after TempDir's cleanup: runs before it
		return p
	}
	// Redis 7 waits 5 s before a diskless full sync, for more replicas to
	// join it; there is one.
	s.master = start("master", config{extra: []string{"--repl-diskless-sync-delay", "0"}})
	host, port, _ := net.SplitHostPort(s.master.addr)
	s.replica = start("replica", config{extra: []string{"--replicaof", host, port}})

	ctx, cancel := context.WithTimeout(context.Background(), readyTimeout)
	defer cancel()
	rc := redis.NewClient(&redis.Options{Addr: s.replica.addr})
	defer rc.Close()
	if err := waitFor(ctx, func() (bool, string) {
		info, err := rc.Info(ctx, "replication").Result()
		if err != nil {
			return false, err.Error()
		}
		return strings.Contains(info, "master_link_status:up"), "the replica's link to the master is not up"
	}); err != nil {
		t.Fatalf("redistest: sentinel setup: %v", err)
	}

	s.sentinel = start("sentinel", config{
		file: fmt.Sprintf("sentinel monitor %s %s %s 1\n"+
			"sentinel down-after-milliseconds %[1]s 1000\n"+
			"sentinel failover-timeout %[1]s 10000\n"+
			"sentinel parallel-syncs %[1]s 1\n", SentinelMaster, host, port),
		extra: []string{"--sentinel"},
	})
	sc := redis.NewSentinelClient(&redis.Options{Addr: s.sentinel.addr})
	defer sc.Close()
	if err := waitFor(ctx, func() (bool, string) {
		replicas, err := sc.Replicas(ctx, SentinelMaster).Result()
		if err != nil {
			return false, err.Error()
		}
		for _, r := range replicas {
			if r["ip"]+":"+r["port"] == s.replica.addr && r["flags"] == "slave" {
				return true, ""
			}
		}
		return false, "the sentinel does not know the replica yet"
	}); err != nil {
		t.Fatalf("redistest: sentinel setup: %v", err)
	}
	return s
}

// Addrs returns the sentinels' host:port (REDIS_SENTINEL_ADDRS).
func (s *Sentinel) Addrs() []string { return []string{s.sentinel.addr} }

// MasterAddr is the first master's host:port; ReplicaAddr its replica's.
func (s *Sentinel) MasterAddr() string  { return s.master.addr }
func (s *Sentinel) ReplicaAddr() string { return s.replica.addr }

// KillMaster ends the first master with SIGKILL, as a crash would.
func (s *Sentinel) KillMaster() { s.master.kill() }

// WaitFailover waits until the sentinel names the replica as the master,
// failing the test after timeout.
func (s *Sentinel) WaitFailover(t testing.TB, timeout time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	sc := redis.NewSentinelClient(&redis.Options{Addr: s.sentinel.addr})
	defer sc.Close()
	if err := waitFor(ctx, func() (bool, string) {
		addr, err := sc.GetMasterAddrByName(ctx, SentinelMaster).Result()
		if err != nil {
			return false, err.Error()
		}
		got := strings.Join(addr, ":")
		return got == s.replica.addr, "the sentinel still names " + got
	}); err != nil {
		t.Fatalf("redistest: no failover to the replica: %v", err)
	}
}

// WaitReplicated waits until the replica has applied every write the
// master had made when it was called: WAIT covers only the writes of the
// connection it is sent on, and a test wants the writes of the bot's own.
func (s *Sentinel) WaitReplicated(t testing.TB) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), readyTimeout)
	defer cancel()
	offset := func(addr, field string) (int64, error) {
		c := redis.NewClient(&redis.Options{Addr: addr})
		defer c.Close()
		info, err := c.Info(ctx, "replication").Result()
		if err != nil {
			return 0, err
		}
		for _, line := range strings.Split(info, "\r\n") {
			if v, ok := strings.CutPrefix(line, field+":"); ok {
				return strconv.ParseInt(v, 10, 64)
			}
		}
		return 0, fmt.Errorf("%s: no %s in INFO replication", addr, field)
	}
	want, err := offset(s.master.addr, "master_repl_offset")
	if err != nil {
		t.Fatalf("redistest: %v", err)
	}
	if err := waitFor(ctx, func() (bool, string) {
		got, err := offset(s.replica.addr, "slave_repl_offset")
		if err != nil {
			return false, err.Error()
		}
		return got >= want, fmt.Sprintf("the replica is at offset %d of %d", got, want)
	}); err != nil {
		t.Fatalf("redistest: the replica did not catch up: %v", err)
	}
}

// waitFor polls cond until it holds or ctx ends; the error says the last
// reason cond gave.
func waitFor(ctx context.Context, cond func() (bool, string)) error {
	for {
		ok, why := cond()
		if ok {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s (%w)", why, ctx.Err())
		case <-time.After(5 * pollEvery):
		}
	}
}
