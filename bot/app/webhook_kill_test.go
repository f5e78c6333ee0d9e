package app_test

import (
	"fmt"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/forumbot/forumbot/storage"
	"github.com/forumbot/forumbot/storage/redistest"
)

// TestWebhookReplicasKilledOneAtATime: three `forumbot run` processes in
// webhook mode behind one URL (the balancer, which drops a backend once it
// is gone, as a health-checking load balancer would), on one Redis with
// appendfsync always, under a steady stream of messages from many users.
// The replicas are killed one at a time, each replaced by a new one:
// SIGKILL, SIGTERM, SIGKILL again. No message is lost and each chat's
// answers come in the order its user wrote: an update whose handling a
// SIGKILL cut off stays in progress in Redis until its mark expires
// (UPDATE_TIMEOUT=3s + storage.UpdateMargin), then the replica that took
// the chat over handles it. Only one the killed replica had answered
// before its final Save is answered twice, at most one per worker and
// SIGKILL; the test logs how many it saw. A SIGTERM loses nothing and
// exits 0.
func TestWebhookReplicasKilledOneAtATime(t *testing.T) {
	t.Parallel()
	const workers = 4
	lb := &balancer{}
	rig := &faultRig{t: t, bin: buildForumbot(t), api: webhookAPI(t, lb), rs: redistest.Start(t, true), prefix: redistest.Prefix(t)}
	rig.env = []string{
		"TELEGRAM_BOT_TOKEN=" + testToken, "TELEGRAM_API_URL=" + rig.api.URL(),
		"REDIS_URL=redis://" + rig.rs.Addr() + "/0", "REDIS_PREFIX=" + rig.prefix,
		"WORKERS=" + strconv.Itoa(workers), "LOG_LEVEL=info", "SHUTDOWN_TIMEOUT=5s", "LISTEN_ADDR=127.0.0.1:0",
		"MODE=webhook", "PUBLIC_URL=" + testPublicURL, "WEBHOOK_SECRET=" + testSecret, "WEBHOOK_MAX_CONNECTIONS=20",
		// An update cut off by a SIGKILL is handled again within seconds.
		"UPDATE_TIMEOUT=3s",
	}
	t.Cleanup(func() {
		for _, v := range rig.api.Violations() {
			t.Errorf("Bot API contract violated: %v", v)
		}
	})

	live := map[*child]string{} // replica -> its address behind the balancer
	route := func() {
		var addrs []string
		for _, a := range live {
			addrs = append(addrs, a)
		}
		lb.set(addrs...)
	}
	start := func() *child {
		c := rig.start(&lockedBuffer{})
		live[c] = c.httpAddr(t)
		route()
		return c
	}
	replicas := []*child{start(), start(), start()}

	s := startStream(rig.api, 81001, 32, 100*time.Millisecond)
	answered := 0
	next := func(n int) {
		answered += n
		waitCount(t, rig.api, answered, 60*time.Second)
		t.Logf("%d answered at %s", answered, time.Now().Format("15:04:05.000"))
	}
	next(100)

	// 1. SIGKILL mid-stream; a new replica takes its place.
	t.Logf("SIGKILL at %s", time.Now().Format("15:04:05.000"))
	replicas[0].kill9()
	delete(live, replicas[0])
	route()
	replicas = append(replicas, start())
	next(200)

	// 2. SIGTERM: the replica finishes what it holds, gives the rest back
	// and exits 0; the balancer drops it once it is gone.
	t.Logf("SIGTERM at %s", time.Now().Format("15:04:05.000"))
	if err := replicas[1].cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-replicas[1].done:
	case <-time.After(30 * time.Second):
		t.Fatal("SIGTERM: the replica did not exit within 30 s")
	}
	// 0, or 1 when a chat it had taken over from the killed replica still
	// waited for that replica's attempt at an update to be known dead
	// (its alive key lapses 10 s after the kill) as SHUTDOWN_TIMEOUT ran
	// out: it says so and leaves the update queued (none lost, below).
	switch code := replicas[1].cmd.ProcessState.ExitCode(); {
	case code == 1 && strings.Contains(replicas[1].log.String(), "updates were not finished"):
		t.Logf("SIGTERM: exit 1, an update it held waited for the killed replica's attempt")
	case code != 0:
		t.Fatalf("SIGTERM: exit code %d; log:\n%s", code, replicas[1].log.String())
	}
	delete(live, replicas[1])
	route()
	replicas = append(replicas, start())
	next(200)

	// 3. SIGKILL again.
	t.Logf("SIGKILL at %s", time.Now().Format("15:04:05.000"))
	replicas[2].kill9()
	delete(live, replicas[2])
	route()
	replicas = append(replicas, start())
	next(200)
	s.halt()

	msgs := s.messages()
	t.Logf("%d sent by %s", len(msgs), time.Now().Format("15:04:05.000"))
	// Every message gets its answer unless it was in a killed replica's
	// hands; wait until nothing is queued anywhere, then count.
	got := waitSettled(t, rig, msgs)
	t.Logf("settled at %s", time.Now().Format("15:04:05.000"))
	twice := answeredAfterKill(t, msgs, got)
	t.Logf("%d messages from 32 users; 3 replicas killed one at a time (SIGKILL, SIGTERM, SIGKILL), %d workers each: 0 lost, %d answered twice",
		len(msgs), workers, len(twice))
	for _, m := range twice {
		t.Logf("answered twice: %s (update %d, sent %s)", m.token, m.updateID, m.at.Format("15:04:05.000"))
	}
	if len(twice) > 2*workers {
		t.Errorf("%d messages answered twice; at most %d (the updates in hand of two SIGKILLed replicas) may be", len(twice), 2*workers)
	}
	checkOrder(t, rig)
	takeovers := 0
	for _, c := range replicas {
		takeovers += strings.Count(c.log.String(), "took back the chats of instances whose heartbeat expired")
	}
	t.Logf("held chats of a killed replica taken over after its heartbeat expired: %d times", takeovers)
	for _, c := range replicas[3:] {
		c.alive(t, "after the kills")
	}
	for c := range live {
		if strings.Contains(c.log.String(), "level=ERROR") {
			t.Errorf("a surviving replica logged an error:\n%s", c.log.String())
		}
	}
}

// waitSettled waits until the double has delivered every update and no
// chat is queued or held in Redis (a SIGKILLed replica's chats come back
// when its heartbeat expires), then returns the answers.
func waitSettled(t *testing.T, rig *faultRig, msgs []streamed) map[string]answer {
	t.Helper()
	rdb := redis.NewClient(&redis.Options{Addr: rig.rs.Addr()})
	t.Cleanup(func() { _ = rdb.Close() })
	store := storage.New(rdb, storage.Options{Prefix: rig.prefix})
	deadline := time.Now().Add(60 * time.Second)
	for {
		d, err := store.WebhookQueue("probe").Depth(t.Context())
		got := answers(rig.api)
		done := 0
		for _, m := range msgs {
			if got[m.token].times > 0 {
				done++
			}
		}
		if done == len(msgs) || err == nil && rig.api.PendingUpdates() == 0 && d.Pending == 0 && d.Claimed == 0 && d.Ready == 0 {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("not settled after 60 s: %d of %d answered, double pending %d, queue %+v (%v)",
				done, len(msgs), rig.api.PendingUpdates(), d, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// checkOrder fails when a chat's answers came in another order than its
// user wrote.
func checkOrder(t *testing.T, rig *faultRig) {
	t.Helper()
	last := map[int64]int{}
	for _, c := range rig.api.CallsTo("sendMessage") {
		if c.Err != nil {
			continue
		}
		m := quotedToken.FindStringSubmatch(c.Str("text"))
		if m == nil {
			continue
		}
		var chat int64
		var n int
		if _, err := fmt.Sscanf(m[1], "zq%dn%d", &chat, &n); err != nil {
			t.Fatalf("token %s: %v", m[1], err)
		}
		// A repeat of the last answer (an update re-handled after a
		// SIGKILL) is no reordering; answeredOnce or answeredAfterKill
		// count the repeats.
		if prev, seen := last[chat]; seen && n < prev {
			t.Errorf("chat %d: the answer to message %d came after the answer to %d", chat, n, prev)
		}
		last[chat] = n
	}
}

// TestWebhookReplicaFrozenPastItsHeartbeat: a replica stopped with
// SIGSTOP (a frozen VM, a very long pause) for longer than its heartbeat
// lives: the other replica takes its chats over, and when it wakes it
// finds them gone and lets them be. No message is lost. An update the
// frozen replica had begun is in progress in Redis under its process's
// alive key, which lapses during the freeze (storage.AliveTTL, as long as
// the heartbeat): the replica that took the chat over takes the update
// over too, as it would after a crash, and the woken replica may still
// send its answer: the documented limit of a pause longer than 10 s, at
// most one update per worker of the frozen replica answered twice. The
// test counts those, and the answers that came after a later message of
// their chat.
func TestWebhookReplicaFrozenPastItsHeartbeat(t *testing.T) {
	t.Parallel()
	lb := &balancer{}
	rig := &faultRig{t: t, bin: buildForumbot(t), api: webhookAPI(t, lb), rs: redistest.Start(t, true), prefix: redistest.Prefix(t)}
	rig.env = []string{
		"TELEGRAM_BOT_TOKEN=" + testToken, "TELEGRAM_API_URL=" + rig.api.URL(),
		"REDIS_URL=redis://" + rig.rs.Addr() + "/0", "REDIS_PREFIX=" + rig.prefix,
		"WORKERS=4", "LOG_LEVEL=info", "SHUTDOWN_TIMEOUT=5s", "LISTEN_ADDR=127.0.0.1:0",
		"MODE=webhook", "PUBLIC_URL=" + testPublicURL, "WEBHOOK_SECRET=" + testSecret,
	}
	t.Cleanup(func() {
		for _, v := range rig.api.Violations() {
			t.Errorf("Bot API contract violated: %v", v)
		}
	})
	a, b := rig.start(&lockedBuffer{}), rig.start(&lockedBuffer{})
	addrA, addrB := a.httpAddr(t), b.httpAddr(t)
	lb.set(addrA, addrB)

	s := startStream(rig.api, 83001, 16, 100*time.Millisecond)
	waitCount(t, rig.api, 100, 60*time.Second)
	if err := a.cmd.Process.Signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	frozen := time.Now()
	lb.set(addrB) // its health checks time out: the balancer drops it
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(b.log.String(), "took back the chats of instances whose heartbeat expired") {
		if time.Now().After(deadline) {
			t.Fatalf("the frozen replica's chats were not taken over within 30 s; log:\n%s", b.log.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("frozen replica's chats taken over %s after SIGSTOP", time.Since(frozen).Round(10*time.Millisecond))
	if err := a.cmd.Process.Signal(syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}
	lb.set(addrA, addrB)
	waitCount(t, rig.api, len(answers(rig.api))+100, 60*time.Second)
	s.halt()

	msgs := s.messages()
	got := waitAnswered(t, rig.api, msgs, 60*time.Second)
	twice := answeredAfterKill(t, msgs, got)
	if len(twice) > 4 {
		t.Errorf("%d messages answered twice, more than the frozen replica's 4 workers had in hand", len(twice))
	}
	late := 0
	last := map[int64]int{}
	for _, c := range rig.api.CallsTo("sendMessage") {
		m := quotedToken.FindStringSubmatch(c.Str("text"))
		if c.Err != nil || m == nil {
			continue
		}
		var chat int64
		var n int
		if _, err := fmt.Sscanf(m[1], "zq%dn%d", &chat, &n); err != nil {
			t.Fatalf("token %s: %v", m[1], err)
		}
		if prev, seen := last[chat]; seen && n < prev {
			late++
		}
		last[chat] = max(last[chat], n)
	}
	t.Logf("%d messages from 16 users, one replica frozen past its 10 s heartbeat: none lost, %d answered twice (bound 4); %d answered after a later message of their chat; the woken replica found %d chats taken over",
		len(msgs), len(twice), late, strings.Count(a.log.String(), "chat taken over by another instance"))
	a.alive(t, "after SIGCONT")
	b.alive(t, "at the end")
}
