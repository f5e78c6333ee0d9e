package storage

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/forumbot/forumbot/storage/redistest"
	"github.com/redis/go-redis/v9"
)

func TestTaggedPrefix(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"forumbot:":         "{forumbot}:",
		"forumbot":          "{forumbot}",
		"":                  "{forumbot}:",
		"::":                "{forumbot}:",
		"bot:prod::":        "{bot:prod}::",
		"{forumbot}:":       "{forumbot}:",
		"app:{bot-1}:":      "app:{bot-1}:",
		"{}x:":              "{x}:", // an empty tag is no tag: braces dropped
		"a}b{:":             "{ab}:",
		"t:TestX:0a1b2c3d:": "{t:TestX:0a1b2c3d}:",
	} {
		if got := taggedPrefix(in); got != want {
			t.Errorf("taggedPrefix(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestSuiteOnCluster runs this package's tests again, in a child test
// binary whose newStore and counted give a store on a real three-master
// Redis Cluster: the same operations must give the same results there as
// on one server, and any script touching a key outside its slot would fail
// with CROSSSLOT or a cross-slot script error.
func TestSuiteOnCluster(t *testing.T) {
	t.Parallel()
	if os.Getenv(clusterEnv) != "" {
		t.Fatal("the child binary runs this test again: it must be skipped by -test.skip")
	}
	c := redistest.StartCluster(t)
	cmd := exec.Command(os.Args[0], "-test.count=1", "-test.v",
		"-test.skip", "^("+strings.Join(notOnCluster, "|")+")$")
	cmd.Env = append(os.Environ(), clusterEnv+"="+strings.Join(c.Addrs(), ","))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the tests on a cluster failed: %v\n%s", err, out)
	}
	// The child ran tests on the cluster: count the ones that passed.
	passed := strings.Count(string(out), "--- PASS: ")
	if passed < 50 {
		t.Fatalf("only %d tests passed on the cluster:\n%s", passed, out)
	}
	t.Logf("%d tests passed on the cluster", passed)
}

// notOnCluster are the tests TestSuiteOnCluster does not run again: itself,
// and the ones about one server.
var notOnCluster = []string{
	"TestSuiteOnCluster",
	"TestCluster.*", "TestSentinel.*", // they start their own
}

// storeKeys returns the store's keys, from every master on a cluster.
func storeKeys(t testing.TB, s *Store) []string {
	t.Helper()
	var mu sync.Mutex
	var all []string
	each := func(ctx context.Context, c redis.Cmdable) error {
		keys, err := c.Keys(ctx, s.k.prefix+"*").Result()
		mu.Lock()
		all = append(all, keys...)
		mu.Unlock()
		return err
	}
	var err error
	if cc, ok := s.rdb.(*redis.ClusterClient); ok {
		err = cc.ForEachMaster(t.Context(), func(ctx context.Context, c *redis.Client) error { return each(ctx, c) })
	} else {
		err = each(t.Context(), s.rdb)
	}
	if err != nil {
		t.Fatalf("KEYS: %v", err)
	}
	sort.Strings(all)
	return all
}

// TestClusterOpenKeepsEveryKeyInTheTagSlot: Open with REDIS_CLUSTER_ADDRS
// tags the prefix, and the keys a run of operations of every family leaves
// behind are all in the tag's slot.
func TestClusterOpenKeepsEveryKeyInTheTagSlot(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	c := redistest.StartCluster(t)
	prefix := redistest.Prefix(t)
	s, err := Open(ctx, Conn{URL: "redis://ignored-host:1", ClusterAddrs: c.Addrs()}, Options{Prefix: prefix})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	if want := taggedPrefix(prefix); s.Prefix() != want || !strings.HasPrefix(want, "{t:") {
		t.Fatalf("Prefix() = %q, want %q", s.Prefix(), want)
	}

	sess, _, _, err := s.Begin(ctx, 1, 10)
	if err != nil {
		t.Fatal(err)
	}
	sess.Lang = "ru"
	sess.SetDialog("search", map[string]string{"q": "Taraz"})
	if err := s.Save(ctx, sess); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SeedCatalog(ctx, sampleCatalog()); err != nil {
		t.Fatal(err)
	}
	consented(t, s, 7)
	r := submit(t, s, submission(7, "aaaaaaaaaaaa", "Ауылдарға интернет жүргізу қажет деп санаймын.", t0))
	if r.Outcome != Submitted {
		t.Fatalf("submit: %+v", r)
	}
	if _, err := s.GrantOrganizer(ctx, 5, 1, "Org", t0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetSubscription(ctx, Subscription{ChatID: 10, Lang: "ru", Announcements: true}, bcNow); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.SaveSchedule(ctx, NewSchedule{Kind: "awards", Spec: "0 10 * * *", Title: "t", Payload: "{}"}, bcNow); err != nil {
		t.Fatal(err)
	}
	id := startJob(t, s, 10)
	if _, err := s.ClaimRecipients(ctx, id, claimParams("A", bcNow)); err != nil {
		t.Fatal(err)
	}

	want, err := c.Client(t).ClusterKeySlot(ctx, s.Prefix()).Result()
	if err != nil {
		t.Fatal(err)
	}
	keys := storeKeys(t, s)
	if len(keys) < 15 {
		t.Fatalf("only %d keys: %v", len(keys), keys)
	}
	for _, k := range keys {
		if slot, err := s.Client().ClusterKeySlot(ctx, k).Result(); err != nil || slot != want {
			t.Errorf("key %s in slot %d (%v), want the tag's %d", k, slot, err, want)
		}
	}
	t.Logf("%d keys, all in slot %d", len(keys), want)
}

// TestClusterOpenErrors: every way a cluster can be wrong at start is one
// line that says what to do and never shows the password.
func TestClusterOpenErrors(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	dead := closedPort(t)
	for _, c := range []struct {
		conn Conn
		want string
	}{
		{Conn{URL: "redis://:pw-s3cr3t@localhost:6379", ClusterAddrs: []string{dead}},
			"cannot reach the Redis Cluster at " + dead + ": connection refused; start the cluster's nodes or set REDIS_CLUSTER_ADDRS"},
		{Conn{URL: "redis://localhost:6379/3", ClusterAddrs: []string{dead}},
			"REDIS_URL selects database 3, but a Redis Cluster has database 0 alone; drop /3 from REDIS_URL"},
		{Conn{URL: "redis://localhost", ClusterAddrs: []string{redistest.Addr()}},
			"the Redis Cluster at " + redistest.Addr() + " is not a cluster (ERR This instance has cluster support disabled); name cluster nodes in REDIS_CLUSTER_ADDRS or unset it"},
	} {
		_, err := Open(ctx, c.conn, Options{})
		if err == nil || err.Error() != c.want {
			t.Errorf("Open(%+v):\n got %v\nwant %s", c.conn, err, c.want)
		}
	}

	// A cluster whose nodes no longer serve the store's slot.
	cl := redistest.StartCluster(t)
	prefix := redistest.Prefix(t)
	rdb := cl.Client(t)
	slot, err := rdb.ClusterKeySlot(ctx, taggedPrefix(prefix)).Result()
	if err != nil {
		t.Fatal(err)
	}
	for _, addr := range cl.Addrs() {
		n := redis.NewClient(&redis.Options{Addr: addr})
		_ = n.ClusterDelSlots(ctx, int(slot)).Err() // the owner forgets it, the others too
		_ = n.Close()
	}
	_, err = Open(ctx, Conn{URL: "redis://", ClusterAddrs: cl.Addrs()}, Options{Prefix: prefix})
	want := "the Redis Cluster at " + strings.Join(cl.Addrs(), ", ") + " is down (CLUSTERDOWN Hash slot not served); wait until CLUSTER INFO says cluster_state:ok on its nodes"
	if err == nil || err.Error() != want {
		t.Fatalf("Open of a cluster without the slot:\n got %v\nwant %s", err, want)
	}
}

// TestSentinelOpenFailsOverAndKeepsData: a store opened through Sentinel
// works, and after the master's SIGKILL and the sentinel's failover it
// works again with what it had written (the replica had it).
func TestSentinelOpenFailsOverAndKeepsData(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	sen := redistest.StartSentinel(t)
	conn := Conn{URL: "redis://", SentinelMaster: redistest.SentinelMaster, SentinelAddrs: sen.Addrs()}
	prefix := redistest.Prefix(t)
	s, err := Open(ctx, conn, Options{Prefix: prefix})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	if s.Prefix() != prefix {
		t.Fatalf("Prefix() = %q: Sentinel keeps the prefix as it is", s.Prefix())
	}
	sess, _, _, err := s.Begin(ctx, 1, 10)
	if err != nil {
		t.Fatal(err)
	}
	sess.SetDialog("search", map[string]string{"q": "Taraz"})
	if err := s.Save(ctx, sess); err != nil {
		t.Fatal(err)
	}
	if n, err := s.Client().(*redis.Client).Wait(ctx, 1, 5*time.Second).Result(); err != nil || n != 1 {
		t.Fatalf("WAIT 1 = %d, %v", n, err)
	}

	sen.KillMaster()
	sen.WaitFailover(t, 30*time.Second)
	var dup bool
	deadline := time.Now().Add(20 * time.Second)
	for {
		sess, _, dup, err = s.Begin(ctx, 2, 10)
		if err == nil || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil || dup {
		t.Fatalf("Begin after the failover: dup=%v %v", dup, err)
	}
	if sess.Dialog != "search" || sess.Data["q"] != "Taraz" || sess.Version != 1 {
		t.Fatalf("session after the failover: %+v", sess)
	}
	if _, _, dup, err := s.Begin(ctx, 1, 10); err != nil || !dup {
		t.Fatalf("update 1 again after the failover: dup=%v %v; the replica had it", dup, err)
	}

	// A second store opened now finds the new master.
	s2, err := Open(ctx, conn, Options{Prefix: prefix})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s2.Close() })
	if got, err := s2.LoadSession(ctx, 10); err != nil || got.Data["q"] != "Taraz" {
		t.Fatalf("LoadSession through a new store: %+v %v", got, err)
	}
}

// TestSentinelOpenErrors: sentinels that cannot be reached and a master
// name they do not know are told apart, in one line each.
func TestSentinelOpenErrors(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	dead1, dead2 := closedPort(t), closedPort(t)
	_, err := Open(ctx, Conn{URL: "redis://:pw-s3cr3t@x", SentinelMaster: "mymaster", SentinelAddrs: []string{dead1, dead2}}, Options{})
	want := "cannot reach the Redis sentinels at " + dead1 + ", " + dead2 + ": connection refused; start the sentinels or set REDIS_SENTINEL_ADDRS"
	if err == nil || err.Error() != want {
		t.Errorf("unreachable sentinels:\n got %v\nwant %s", err, want)
	}

	sen := redistest.StartSentinel(t)
	_, err = Open(ctx, Conn{URL: "redis://", SentinelMaster: "other", SentinelAddrs: []string{dead1, sen.Addrs()[0]}}, Options{})
	want = "the Redis sentinel at " + sen.Addrs()[0] + ` knows no master named "other"; set REDIS_SENTINEL_MASTER to the name in its "sentinel monitor" line`
	if err == nil || err.Error() != want {
		t.Errorf("unknown master:\n got %v\nwant %s", err, want)
	}

	// The sentinels name a master that is down and has no replica to
	// replace it: a second name the sentinel monitors, at a closed port.
	sc := redis.NewSentinelClient(&redis.Options{Addr: sen.Addrs()[0]})
	t.Cleanup(func() { _ = sc.Close() })
	dead := closedPort(t)
	host, port, _ := net.SplitHostPort(dead)
	if err := sc.Monitor(ctx, "gone", host, port, "1").Err(); err != nil {
		t.Fatal(err)
	}
	_, err = Open(ctx, Conn{URL: "redis://", SentinelMaster: "gone", SentinelAddrs: sen.Addrs()}, Options{})
	want = fmt.Sprintf(`cannot reach the Redis master "gone" at %s (named by the sentinel at %s): connection refused; start it or wait for the sentinels to fail over`,
		dead, sen.Addrs()[0])
	if err == nil || err.Error() != want {
		t.Errorf("master down:\n got %v\nwant %s", err, want)
	}
}

// TestScriptWithoutKeyIsRefused: a cluster client would send a keyless
// EVALSHA to any node, so no script may be called without a key.
func TestScriptWithoutKeyIsRefused(t *testing.T) {
	t.Parallel()
	rdb := testClient(t)
	for _, err := range []error{
		beginScript.Run(t.Context(), rdb, nil).Err(),
		loadSessionScript.RunRO(t.Context(), rdb, []string{}).Err(),
	} {
		if err == nil || !strings.Contains(err.Error(), "called with no key") {
			t.Errorf("a keyless script call: %v, want it refused", err)
		}
	}
}
