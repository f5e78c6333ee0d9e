package app_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"

	"github.com/forumbot/forumbot/bot"
	"github.com/forumbot/forumbot/bot/app"
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
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	a, err := app.New(ctx, app.Options{
		Config: h.cfg, Log: logger(h.t), PollTimeout: 2 * time.Second,
		Now: func() time.Time { return testNow },
	})
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
