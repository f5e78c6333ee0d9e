package bot_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/forumbot/forumbot/bot"
	"github.com/forumbot/forumbot/storage"
	"github.com/forumbot/forumbot/storage/redistest"
)

// leaderLog writes the leaders' log to the test log when -v.
func leaderLog() *slog.Logger {
	if testing.Verbose() {
		return slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// leaders runs n leaders of one lease; each records when it leads.
type leaders struct {
	t      *testing.T
	ls     []*bot.Leader
	cancel []context.CancelFunc
	done   []chan struct{}

	active  atomic.Int32 // leads running now
	overlap atomic.Int32 // times a lead started while another ran
	terms   []atomic.Int32
}

func startLeaders(t *testing.T, store bot.LeaseStore, n int, lease time.Duration) *leaders {
	t.Helper()
	g := &leaders{t: t, terms: make([]atomic.Int32, n)}
	for i := range n {
		l := bot.NewLeader(store, "poll", bot.InstanceID(), lease, leaderLog())
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		g.ls, g.cancel, g.done = append(g.ls, l), append(g.cancel, cancel), append(g.done, done)
		go func() {
			defer close(done)
			l.Run(ctx, func(ctx context.Context) {
				if g.active.Add(1) > 1 {
					g.overlap.Add(1)
				}
				g.terms[i].Add(1)
				<-ctx.Done()
				g.active.Add(-1)
			})
		}()
	}
	t.Cleanup(func() {
		for i := range g.ls {
			g.stop(i)
		}
	})
	return g
}

// stop ends leader i as SIGTERM would, and waits.
func (g *leaders) stop(i int) {
	g.cancel[i]()
	<-g.done[i]
}

// waitLeader waits until exactly one of the running leaders (not in
// except) leads, and returns it.
func (g *leaders) waitLeader(except ...int) int {
	g.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		who, n := -1, 0
		for i, l := range g.ls {
			if l.Leading() {
				who, n = i, n+1
			}
		}
		skip := false
		for _, e := range except {
			skip = skip || who == e
		}
		if n == 1 && !skip {
			return who
		}
		time.Sleep(5 * time.Millisecond)
	}
	g.t.Fatal("no single leader within 20 s")
	return -1
}

// TestLeaderOneAtATime: of three processes one leads; a stopped leader
// hands over at once (it releases the lease), a crashed one when its lease
// expires; two never lead at the same time.
func TestLeaderOneAtATime(t *testing.T) {
	t.Parallel()
	store := storage.New(redistest.Client(t), storage.Options{Prefix: redistest.Prefix(t)})
	const lease = 2 * time.Second
	g := startLeaders(t, store, 3, lease)

	first := g.waitLeader()
	owner, err := store.LeaseOwner(t.Context(), "poll")
	if err != nil || owner != g.ls[first].ID() {
		t.Fatalf("lease owner %q %v, want %q", owner, err, g.ls[first].ID())
	}

	// A stop releases the lease: a standby takes it at its next try.
	at := time.Now()
	g.stop(first)
	second := g.waitLeader(first)
	t.Logf("takeover after a stop: %v (standbys try every %v)", time.Since(at).Round(time.Millisecond), lease/5)

	// A crash leaves the lease to expire.
	g.ls[second].KeepOnStop()
	at = time.Now()
	g.stop(second)
	third := g.waitLeader(first, second)
	took := time.Since(at)
	t.Logf("takeover after a crash: %v (lease %v)", took.Round(time.Millisecond), lease)
	if took < lease/2 {
		t.Errorf("a standby took a crashed leader's lease after %v, before it could have expired (%v)", took, lease)
	}
	if n := g.overlap.Load(); n > 0 {
		t.Errorf("two leaders at once %d times", n)
	}
	// Leading() turns true just before the term's function runs: give it
	// the moment to start.
	for deadline := time.Now().Add(5 * time.Second); g.terms[third].Load() == 0 && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	if g.terms[third].Load() != 1 {
		t.Errorf("leader %d led %d times, want once", third, g.terms[third].Load())
	}
}

// claims wraps a LeaseStore and notes when the last successful claim was
// sent: the lease cannot end in Redis before that plus the lease.
type claims struct {
	bot.LeaseStore
	mu     sync.Mutex
	lastOK time.Time
}

func (c *claims) ClaimLease(ctx context.Context, name, owner string, ttl time.Duration) (bool, error) {
	sent := time.Now()
	ok, err := c.LeaseStore.ClaimLease(ctx, name, owner, ttl)
	if err == nil && ok {
		c.mu.Lock()
		c.lastOK = sent
		c.mu.Unlock()
	}
	return ok, err
}

func (c *claims) last() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lastOK
}

// TestLeaderStopsBeforeItsLeaseExpires: Redis goes away under a leader (a
// partition, a crash). The leader cannot renew, so it stops leading before
// its lease could have expired in Redis — before a standby could take it —
// and leads again once Redis is back.
func TestLeaderStopsBeforeItsLeaseExpires(t *testing.T) {
	t.Parallel()
	rs := redistest.Start(t, false)
	rdb := redis.NewClient(&redis.Options{Addr: rs.Addr(), MaxRetries: -1, DialTimeout: 200 * time.Millisecond})
	t.Cleanup(func() { _ = rdb.Close() })
	store := &claims{LeaseStore: storage.New(rdb, storage.Options{Prefix: redistest.Prefix(t)})}
	const lease = 3 * time.Second
	l := bot.NewLeader(store, "poll", bot.InstanceID(), lease, leaderLog())
	ctx, cancel := context.WithCancel(context.Background())
	ended := make(chan time.Time, 4)
	started := make(chan struct{}, 4)
	done := make(chan struct{})
	go func() {
		defer close(done)
		l.Run(ctx, func(ctx context.Context) {
			started <- struct{}{}
			<-ctx.Done()
			ended <- time.Now()
		})
	}()
	t.Cleanup(func() { cancel(); <-done })

	wait := func(what string, c <-chan struct{}) {
		t.Helper()
		select {
		case <-c:
		case <-time.After(20 * time.Second):
			t.Fatalf("%s: not within 20 s", what)
		}
	}
	wait("first lead", started)
	rs.Kill()
	var end time.Time
	select {
	case end = <-ended:
	case <-time.After(20 * time.Second):
		t.Fatal("the leader still leads 20 s after Redis went away")
	}
	expiry := store.last().Add(lease)
	t.Logf("Redis gone: the leader stopped %v before its lease could expire", expiry.Sub(end).Round(time.Millisecond))
	if !end.Before(expiry) {
		t.Errorf("the leader stopped %v after its lease could have expired", end.Sub(expiry))
	}
	for deadline := time.Now().Add(10 * time.Second); l.Leading(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("Leading() 10 s after the lease was lost")
		}
	}

	rs.Restart()
	wait("lead again after Redis is back", started)
}
