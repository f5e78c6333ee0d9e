package app_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/redis/go-redis/v9"

	"github.com/forumbot/forumbot/bot"
	"github.com/forumbot/forumbot/bot/app"
	"github.com/forumbot/forumbot/storage"
	"github.com/forumbot/forumbot/storage/redistest"
)

// replica is one of several apps on the same Redis prefix and the same
// Bot API double, as replicas of one deployment.
type replica struct {
	app    *app.App
	cancel context.CancelFunc
	done   chan error
}

func (h *harness) startReplica() *replica {
	h.t.Helper()
	return h.startReplicaWith(nil)
}

// startReplicaWith starts a replica whose options set changes (nil: the
// harness's; its own Redis connection, the fixed clock).
func (h *harness) startReplicaWith(set func(*app.Options)) *replica {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	opts := app.Options{
		Config: h.cfg, Log: logger(h.t), PollTimeout: 2 * time.Second,
		Now: func() time.Time { return testNow },
	}
	if set != nil {
		set(&opts)
	}
	a, err := app.New(ctx, opts)
	if err != nil {
		h.t.Fatalf("app.New: %v", err)
	}
	runCtx, stop := context.WithCancel(context.Background())
	r := &replica{app: a, cancel: stop, done: make(chan error, 1)}
	go func() { r.done <- a.Run(runCtx) }()
	h.t.Cleanup(func() { _ = r.stop(h.t) })
	return r
}

// stop stops the replica as SIGTERM would.
func (r *replica) stop(t *testing.T) error {
	if r.cancel == nil {
		return nil
	}
	r.cancel()
	r.cancel = nil
	select {
	case err := <-r.done:
		return err
	case <-time.After(30 * time.Second):
		t.Fatal("a replica did not stop within 30 s")
		return nil
	}
}

func (r *replica) leading() bool {
	l := r.app.PollLeader()
	return l != nil && l.Leading()
}

// gather reads the replica's metrics.
func (r *replica) gather(t *testing.T) map[string]*dto.MetricFamily {
	t.Helper()
	fams, err := r.app.Metrics().Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*dto.MetricFamily{}
	for _, f := range fams {
		out[f.GetName()] = f
	}
	return out
}

// polls counts the replica's getUpdates calls answered 200.
func (r *replica) polls(t *testing.T) float64 {
	return metric(r.gather(t), "forumbot_bot_api_calls_total", "method", "getUpdates", "outcome", "ok")
}

// waitLeader waits until exactly one of the running replicas leads and
// returns its index.
func waitLeader(t *testing.T, rs []*replica, running func(int) bool) int {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		who, n := -1, 0
		for i, r := range rs {
			if running(i) && r.leading() {
				who, n = i, n+1
			}
		}
		if n == 1 {
			return who
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatal("no single leader among the replicas within 30 s")
	return -1
}

// conflicts counts the 409 answers the double gave to getUpdates.
func (h *harness) conflicts() int {
	n := 0
	for _, c := range h.api.CallsTo("getUpdates") {
		if c.Err != nil && c.Err.Code == http.StatusConflict {
			n++
		}
	}
	return n
}

// TestOneReplicaPolls: three replicas on one Redis and one bot token. One
// polls, the others stand by and poll nothing; users get their answers
// once. The leader stops (SIGTERM): a standby takes over before the lease
// could have expired, since the leader released it. The next leader
// "dies" (stops without releasing its lease): a standby takes over once
// the lease expires. Answers go on throughout, each exactly once, and the
// takeovers cost at most a couple of 409 Conflicts.
func TestOneReplicaPolls(t *testing.T) {
	t.Parallel()
	const lease = 4 * time.Second
	h := newHarness(t, func(c *bot.Config) { c.PollLease = lease; c.Workers = 2 })
	rs := []*replica{h.startReplica(), h.startReplica(), h.startReplica()}
	stopped := map[int]bool{}
	running := func(i int) bool { return !stopped[i] }

	sent := map[int64]int{} // chat -> /help sent
	round := func(name string) {
		t.Helper()
		for u := int64(0); u < 5; u++ {
			chat := 61000 + u
			h.say(user(chat, "en"), "/help", "/start")
			sent[chat]++
		}
		t.Logf("%s: answered", name)
	}

	first := waitLeader(t, rs, running)
	round("first leader")
	for i, r := range rs {
		polls := r.polls(t)
		switch {
		case i == first && polls == 0:
			t.Errorf("the leader (replica %d) made no getUpdates call", i)
		case i != first && polls > 0:
			t.Errorf("standby replica %d made %v getUpdates calls", i, polls)
		}
		if got := metric(r.gather(t), "forumbot_poll_leader"); (got == 1) != (i == first) {
			t.Errorf("replica %d: forumbot_poll_leader %v (leader is %d)", i, got, first)
		}
	}

	// A graceful stop releases the lease.
	at := time.Now()
	if err := rs[first].stop(t); err != nil {
		t.Fatalf("the leader's stop: %v", err)
	}
	stopped[first] = true
	second := waitLeader(t, rs, running)
	tookStop := time.Since(at)
	if tookStop >= lease {
		t.Errorf("takeover after a stop took %v: the lease (%v) was not released", tookStop, lease)
	}
	round("after a stop")
	afterStop := h.conflicts()

	// A crash: the leader stops polling but leaves its lease in Redis.
	rs[second].app.PollLeader().KeepOnStop()
	at = time.Now()
	if err := rs[second].stop(t); err != nil {
		t.Fatalf("the second leader's stop: %v", err)
	}
	stopped[second] = true
	third := waitLeader(t, rs, running)
	tookCrash := time.Since(at)
	if tookCrash > lease+3*time.Second {
		t.Errorf("takeover after a crash took %v, lease %v", tookCrash, lease)
	}
	round("after a crash")

	for chat, n := range sent {
		if got := h.calls("sendMessage", chat); got != n {
			t.Errorf("chat %d: %d answers to %d messages", chat, got, n)
		}
	}
	total := h.conflicts()
	t.Logf("leaders: replica %d, %d, %d", first, second, third)
	t.Logf("takeover after a stop %v, after a crash %v (lease %v); 409 Conflicts: %d at the stop, %d at the crash",
		tookStop.Round(time.Millisecond), tookCrash.Round(time.Millisecond), lease, afterStop, total-afterStop)
	if afterStop > 2 || total-afterStop > 2 {
		t.Errorf("409 Conflicts: %d at the stop, %d at the crash; want at most 2 per takeover", afterStop, total-afterStop)
	}
}

// cutProxy forwards TCP connections to target until cut, which closes
// them and refuses new ones until heal: a network partition.
type cutProxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	cut    bool
	conns  []net.Conn
}

func newCutProxy(t *testing.T, target string) *cutProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &cutProxy{ln: ln, target: target}
	t.Cleanup(func() { _ = ln.Close(); p.setCut(true) })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			p.mu.Lock()
			if p.cut {
				p.mu.Unlock()
				_ = c.Close()
				continue
			}
			up, err := net.Dial("tcp", target)
			if err != nil {
				p.mu.Unlock()
				_ = c.Close()
				continue
			}
			p.conns = append(p.conns, c, up)
			p.mu.Unlock()
			go func() { _, _ = io.Copy(up, c); _ = up.Close() }()
			go func() { _, _ = io.Copy(c, up); _ = c.Close() }()
		}
	}()
	return p
}

func (p *cutProxy) addr() string { return p.ln.Addr().String() }

// setCut cuts (closing every connection) or heals the link.
func (p *cutProxy) setCut(cut bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cut = cut
	if cut {
		for _, c := range p.conns {
			_ = c.Close()
		}
		p.conns = nil
	}
}

// TestLeaderCutOffFromRedisStopsPolling: the leader loses Redis but not
// Telegram (a partition). It stops polling before its lease can expire, a
// standby takes over when it does, and users go on being answered, each
// message once: what the old leader held unhandled comes again to the new
// one. No 409 loop: at most a couple of Conflicts. Once the link is back,
// the old leader stands by.
func TestLeaderCutOffFromRedisStopsPolling(t *testing.T) {
	t.Parallel()
	const lease = 3 * time.Second
	h := newHarness(t, func(c *bot.Config) { c.PollLease = lease; c.Workers = 2 })
	proxy := newCutProxy(t, redistest.Addr())
	rdb := redis.NewClient(&redis.Options{Addr: proxy.addr(), MaxRetries: -1,
		DialTimeout: 200 * time.Millisecond, ReadTimeout: 500 * time.Millisecond, WriteTimeout: 500 * time.Millisecond})
	t.Cleanup(func() { _ = rdb.Close() })
	cutStore := storage.New(rdb, storage.Options{Prefix: h.cfg.RedisPrefix, SessionTTL: h.cfg.SessionTTL})

	// The replica behind the proxy starts first, so it leads.
	a := h.startReplicaWith(func(o *app.Options) { o.Store = cutStore })
	rs := []*replica{a}
	waitLeader(t, rs, func(int) bool { return true })
	rs = append(rs, h.startReplica())

	sent := map[int64]int{}
	round := func() {
		t.Helper()
		for u := int64(0); u < 4; u++ {
			chat := 62000 + u
			h.say(user(chat, "en"), "/help", "/start")
			sent[chat]++
		}
	}
	round()

	// The partition, with messages on the way.
	for u := int64(0); u < 4; u++ {
		h.api.SendText(user(62000+u, "en"), "/help")
		sent[62000+u]++
	}
	proxy.setCut(true)
	cutAt := time.Now()
	for u := int64(0); u < 4; u++ {
		h.api.SendText(user(62000+u, "en"), "/help")
		sent[62000+u]++
	}
	// a cannot renew its lease: it must stop, and b take over.
	for deadline := time.Now().Add(30 * time.Second); !rs[1].leading(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the replica that reaches Redis did not take over within 30 s")
		}
	}
	took := time.Since(cutAt)
	if a.leading() {
		t.Error("the replica cut off from Redis still leads after the other took over")
	}
	round()

	proxy.setCut(false)
	round()
	if a.leading() {
		t.Error("the old leader leads again though the other holds the lease")
	}
	// Once the double has the last update confirmed, every update was
	// handled or skipped as seen (the bot confirms only what it handled);
	// answers of the cut-off leader's held updates may still be on the way:
	// an update whose Begin reached Redis just as the link was cut is
	// skipped by the new leader and finished by the old one once Redis is
	// back (its retried Begin carries the same token).
	lastID := h.api.SendText(user(62000, "en"), "/help")
	sent[62000]++
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := h.api.WaitConfirmed(ctx, lastID); err != nil {
		t.Fatalf("update %d not confirmed: %v", lastID, err)
	}
	complete := func() bool {
		for chat, n := range sent {
			if h.calls("sendMessage", chat) < n {
				return false
			}
		}
		return true
	}
	for deadline := time.Now().Add(10 * time.Second); !complete() && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	for chat, n := range sent {
		if got := h.calls("sendMessage", chat); got != n {
			t.Errorf("chat %d: %d answers to %d messages", chat, got, n)
		}
	}
	n := h.conflicts()
	t.Logf("Redis cut off from the leader: a standby polls %v later (lease %v); every message answered once; 409 Conflicts: %d",
		took.Round(time.Millisecond), lease, n)
	if n > 2 {
		t.Errorf("%d 409 Conflicts at the takeover, want at most 2", n)
	}
}

// TestConflictMakesThePollerPause: a process outside the lease polls with
// the same token (another deployment, a developer's machine) for 4 s. The
// leader gets 409 Conflicts, but pauses a second after each instead of
// taking turns with the intruder several times a second, checks its lease
// (still its own) and polls on once the intruder is gone.
func TestConflictMakesThePollerPause(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(c *bot.Config) { c.PollLease = 3 * time.Second })
	r := h.startReplica()
	waitLeader(t, []*replica{r}, func(int) bool { return true })
	h.say(user(63000, "en"), "/help", "/start")
	conflicts := func() float64 {
		return metric(r.gather(t), "forumbot_bot_api_calls_total", "method", "getUpdates", "outcome", "other")
	}

	const window = 4 * time.Second
	before := conflicts()
	end := time.Now().Add(window)
	intruder := 0
	for time.Now().Before(end) {
		// No offset: the intruder confirms nothing and takes nothing away.
		resp, err := http.PostForm(h.api.URL()+"/bot"+testToken+"/getUpdates", url.Values{"timeout": {"1"}})
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		intruder++
	}
	got := conflicts() - before
	t.Logf("an intruder polled %d times in %v: the leader got %v 409 Conflicts", intruder, window, got)
	if got < 1 {
		t.Error("the leader never met the intruder's getUpdates")
	}
	// The library alone retries after 0.1, 0.2, 0.4, 0.8, 1.6 s: 6
	// conflicts in 4 s (seen with the pause off). With a second's pause
	// before each retry, 4, or 5 at the window's edges.
	if max := float64(window/time.Second) + 1; got > max {
		t.Errorf("%v conflicts in %v, want at most %v", got, window, max)
	}
	if !r.leading() {
		t.Error("the leader gave up its own lease over a 409")
	}
	h.say(user(63000, "en"), "/help", "/start")
}
