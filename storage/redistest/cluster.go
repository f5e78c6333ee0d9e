package redistest

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
)

// clusterSlots is the number of hash slots of Redis Cluster.
const clusterSlots = 16384

// Cluster is a Redis Cluster of three masters (no replicas) on loopback
// ports, each with a directory of its own, killed when the test ends.
type Cluster struct {
	procs []*proc
}

// StartCluster starts three redis-server processes with cluster mode on,
// gives each a third of the slots, joins them and waits until every node
// reports cluster_state:ok and knows who serves every slot, so that a
// cluster client made afterwards routes every key at once. Everything is
// done through go-redis (CLUSTER ADDSLOTSRANGE, CLUSTER MEET), not
// redis-cli, which a CI image may lack.
func StartCluster(t testing.TB) *Cluster {
	t.Helper()
	bin, err := lookPath()
	if err != nil {
		t.Fatal(err)
	}
	c := &Cluster{}
	for i := 0; i < 3; i++ {
		p, err := launch(bin, t.TempDir(), config{extra: []string{
			"--cluster-enabled", "yes",
			"--cluster-config-file", "nodes.conf",
			// Short enough for a test, long enough not to see a busy CI
			// machine's pause as a failed node.
			"--cluster-node-timeout", "5000",
			// Without it a node learns its own address from the others'
			// MEET, and may announce an empty one in CLUSTER SLOTS meanwhile.
			"--cluster-announce-ip", "127.0.0.1",
		}}, 0)
		if err != nil {
			t.Fatalf("redistest: cluster node %d: %v", i, err)
		}
		// Registered after TempDir's cleanup, so it runs before the
		// directory is removed.
		t.Cleanup(p.kill)
		c.procs = append(c.procs, p)
	}
	ctx, cancel := context.WithTimeout(context.Background(), readyTimeout)
	defer cancel()
	if err := c.form(ctx); err != nil {
		t.Fatalf("redistest: form the cluster: %v", err)
	}
	return c
}

// form assigns the slots, introduces the nodes and waits for agreement.
func (c *Cluster) form(ctx context.Context) error {
	nodes := c.nodeClients()
	defer func() {
		for _, n := range nodes {
			_ = n.Close()
		}
	}()
	per := clusterSlots / len(nodes)
	for i, n := range nodes {
		lo, hi := i*per, (i+1)*per-1
		if i == len(nodes)-1 {
			hi = clusterSlots - 1
		}
		if err := n.ClusterAddSlotsRange(ctx, lo, hi).Err(); err != nil {
			return fmt.Errorf("node %s: CLUSTER ADDSLOTSRANGE %d %d: %w", c.procs[i].addr, lo, hi, err)
		}
	}
	for _, p := range c.procs[1:] {
		host, port, _ := net.SplitHostPort(p.addr)
		if err := nodes[0].ClusterMeet(ctx, host, port).Err(); err != nil {
			return fmt.Errorf("CLUSTER MEET %s: %w", p.addr, err)
		}
	}
	if err := waitFor(ctx, func() (bool, string) { return c.agreed(ctx, nodes) }); err != nil {
		return fmt.Errorf("the nodes do not agree: %w", err)
	}
	return nil
}

// agreed reports whether every node says cluster_state:ok, knows all the
// nodes and maps all the slots to three masters with an address.
func (c *Cluster) agreed(ctx context.Context, nodes []*redis.Client) (bool, string) {
	for i, n := range nodes {
		info, err := n.ClusterInfo(ctx).Result()
		if err != nil {
			return false, err.Error()
		}
		for _, want := range []string{"cluster_state:ok", "cluster_slots_ok:" + strconv.Itoa(clusterSlots), "cluster_known_nodes:" + strconv.Itoa(len(nodes))} {
			if !strings.Contains(info, want+"\r\n") {
				return false, fmt.Sprintf("node %s: CLUSTER INFO lacks %s", c.procs[i].addr, want)
			}
		}
		slots, err := n.ClusterSlots(ctx).Result()
		if err != nil {
			return false, err.Error()
		}
		if len(slots) != len(nodes) {
			return false, fmt.Sprintf("node %s: CLUSTER SLOTS has %d ranges", c.procs[i].addr, len(slots))
		}
		for _, s := range slots {
			if len(s.Nodes) == 0 || strings.HasPrefix(s.Nodes[0].Addr, ":") {
				return false, fmt.Sprintf("node %s: slots %d-%d without an address", c.procs[i].addr, s.Start, s.End)
			}
		}
	}
	return true, ""
}

func (c *Cluster) nodeClients() []*redis.Client {
	var out []*redis.Client
	for _, p := range c.procs {
		out = append(out, redis.NewClient(&redis.Options{Addr: p.addr}))
	}
	return out
}

// Addrs returns the masters' host:port, the seeds a cluster client needs.
func (c *Cluster) Addrs() []string {
	var out []string
	for _, p := range c.procs {
		out = append(out, p.addr)
	}
	return out
}

// Client returns a new cluster client of the cluster, closed when t ends.
func (c *Cluster) Client(t testing.TB) *redis.ClusterClient {
	t.Helper()
	rdb := redis.NewClusterClient(&redis.ClusterOptions{Addrs: c.Addrs()})
	t.Cleanup(func() { _ = rdb.Close() })
	return rdb
}
