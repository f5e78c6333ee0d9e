package app_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/forumbot/forumbot/bot/fakeapi"
	"github.com/forumbot/forumbot/storage"
)

// TestRedisKilledUnderLoadLosesNothing: users write steadily; a few finish
// proposals and are told their numbers; redis-server is killed with
// SIGKILL and stays down for 4 s while the users go on writing, then comes
// back from its append-only file. The bot never exits, answers again soon
// after the restart, answers every message (those sent during the outage
// too) exactly once, and every proposal whose number a user saw is stored.
// While Redis is away /readyz answers 503 and the bot logs at a sane
// rate, not in a tight loop.
func TestRedisKilledUnderLoadLosesNothing(t *testing.T) {
	t.Parallel()
	rig := newFaultRig(t)
	logs := &lockedBuffer{}
	bot1 := rig.start(logs)
	rdb := redis.NewClient(&redis.Options{Addr: rig.rs.Addr()})
	t.Cleanup(func() { _ = rdb.Close() })
	store := storage.New(rdb, storage.Options{Prefix: rig.prefix})
	h := &harness{t: t, api: rig.api, store: store}

	st := startStream(rig.api, 710001, 8, 250*time.Millisecond)
	defer st.halt()
	waitCount(t, rig.api, 20, 30*time.Second)

	// Proposals registered under load, before the crash.
	w := enWords
	told := map[int64]string{}
	for i := 0; i < 3; i++ {
		u := user(int64(720001+i), "en")
		h.consent(u, w)
		pv := h.toPreview(u, w, fmt.Sprintf("Shade %d", i),
			fmt.Sprintf("Trees and benches for the courtyards of block %d, please.", i))
		m := h.press(u, pv, w.send, w.sent)
		num := numberRE.FindString(m.Plain)
		if num == "" {
			t.Fatalf("no number in %q", m.Plain)
		}
		told[u.ID] = num
	}

	probes := bot1.httpAddr(t)
	waitProbe(t, probes, "/readyz", http.StatusOK, 10*time.Second)
	rig.rs.Kill()
	killedAt := time.Now()
	logAtKill := len(logs.String())
	waitProbe(t, probes, "/readyz", http.StatusServiceUnavailable, 3*time.Second)
	// The outage lasts 4 s; the users go on writing. (This sleep is the
	// length of the outage, not a wait for a condition.)
	time.Sleep(time.Until(killedAt.Add(4 * time.Second)))
	bot1.alive(t, "while Redis was down")
	outageLog := logs.String()[logAtKill:]
	outage := time.Since(killedAt)
	rig.rs.Restart()
	restartedAt := time.Now()

	// Resumed: the first answer delivered after the restart.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	first, err := rig.api.WaitCall(ctx, func(c fakeapi.Call) bool {
		return c.Method == "sendMessage" && c.Err == nil && c.At.After(restartedAt)
	})
	if err != nil {
		t.Fatalf("no answer within 30 s of the restart: %v", err)
	}
	resumed := first.At.Sub(restartedAt)
	if resumed > 10*time.Second {
		t.Errorf("the bot answered again %s after Redis came back, want within 10 s", resumed)
	}

	waitProbe(t, probes, "/readyz", http.StatusOK, 15*time.Second)
	time.Sleep(2 * time.Second) // the stream goes on a little after the restart
	st.halt()
	msgs := st.messages()
	got := waitAnswered(t, rig.api, msgs, 30*time.Second)
	for _, m := range answeredOnce(t, msgs, got) {
		t.Errorf("%s (update %d) never answered", m.token, m.updateID)
	}
	var lastDuring time.Time
	nDuring := 0
	for _, m := range msgs {
		if m.at.After(killedAt) && m.at.Before(restartedAt) {
			nDuring++
			if a := got[m.token].first; a.After(lastDuring) {
				lastDuring = a
			}
		}
	}
	bot1.alive(t, "after Redis came back")

	// Nothing confirmed is lost.
	bg := context.Background()
	for uid, num := range told {
		p, err := store.Proposal(bg, num)
		if err != nil || !strings.HasPrefix(p.Title, "Shade") {
			t.Errorf("user %d was told %s; stored: %+v, %v", uid, num, p, err)
		}
		n, list, err := store.UserProposals(bg, uid, 0, 10)
		if err != nil || n != 1 || list[0].Number != num {
			t.Errorf("user %d: %d proposals %v (%v), want %s", uid, n, list, err, num)
		}
	}

	// Logging while Redis was away: a line now and then, not a loop.
	lines := strings.Count(outageLog, "\n")
	rate := float64(lines) / outage.Seconds()
	if rate > 50 {
		t.Errorf("%d log lines in the %s outage (%.0f a second):\n%s", lines, outage.Round(time.Millisecond), rate, tail(outageLog, 40))
	}
	t.Logf("Redis down %s: %d messages sent during the outage; first answer %s after the restart; "+
		"the last of the outage's messages answered %s after the restart; %d messages in all, each answered once; "+
		"%d log lines during the outage (%.1f a second); %d proposals confirmed before the kill all stored",
		outage.Round(time.Millisecond), nDuring, resumed.Round(time.Millisecond),
		lastDuring.Sub(restartedAt).Round(time.Millisecond), len(msgs), lines, rate, len(told))
}

// tail is the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// TestSIGTERMWhileRedisIsDownLosesNothing: the bot holds updates while
// Redis is down; SIGTERM then stops it within SHUTDOWN_TIMEOUT (and a
// margin), exit code 1 saying updates were left unfinished. They were
// never confirmed to Telegram: once Redis is back, the next process
// answers every message, once.
func TestSIGTERMWhileRedisIsDownLosesNothing(t *testing.T) {
	t.Parallel()
	const shutdownTimeout = 5 * time.Second // newFaultRig's SHUTDOWN_TIMEOUT
	rig := newFaultRig(t)
	logs := &lockedBuffer{}
	bot1 := rig.start(logs)
	st := startStream(rig.api, 770001, 4, 250*time.Millisecond)
	defer st.halt()
	waitCount(t, rig.api, 10, 30*time.Second)

	rig.rs.Kill()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(logs.String(), "holding the update") {
		if time.Now().After(deadline) {
			t.Fatalf("no update held 10 s after Redis died; log:\n%s", tail(logs.String(), 30))
		}
		time.Sleep(20 * time.Millisecond)
	}
	sigAt := time.Now()
	if err := bot1.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-bot1.done:
	case <-time.After(shutdownTimeout + 20*time.Second):
		t.Fatalf("the bot did not exit within %s of SIGTERM; log:\n%s", shutdownTimeout+20*time.Second, tail(logs.String(), 30))
	}
	exitTook := time.Since(sigAt)
	code := bot1.cmd.ProcessState.ExitCode()
	if code != 1 || !strings.Contains(logs.String(), "were not finished within") {
		t.Errorf("exit code %d, want 1 with the unfinished updates told; log:\n%s", code, tail(logs.String(), 30))
	}
	if exitTook > shutdownTimeout+5*time.Second {
		t.Errorf("the bot took %s to exit after SIGTERM, want within SHUTDOWN_TIMEOUT (%s) and a margin", exitTook, shutdownTimeout)
	}
	st.halt()

	rig.rs.Restart()
	bot2 := rig.start(&lockedBuffer{})
	msgs := st.messages()
	got := waitAnswered(t, rig.api, msgs, 30*time.Second)
	answeredOnce(t, msgs, got)
	bot2.alive(t, "after taking over")
	t.Logf("SIGTERM with Redis down: exit %d after %s; the next process answered all %d messages once", code, exitTook.Round(time.Millisecond), len(msgs))
}
