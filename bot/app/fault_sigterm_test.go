package app_test

import (
	"syscall"
	"testing"
	"time"

	"github.com/forumbot/forumbot/bot/fakeapi"
)

// TestSIGTERMUnderLoadLosesNothing: users write faster than the bot can
// answer (every sendMessage takes 200 ms at the double), so replies are in
// progress and updates queued when the bot gets SIGTERM. It exits 0 within
// SHUTDOWN_TIMEOUT and a margin; every update it confirmed to Telegram was
// answered; the updates it finished after its last confirmation and the
// ones it never took are delivered again to the next process, which
// answers the latter and skips the former: no message lost, none answered
// twice.
func TestSIGTERMUnderLoadLosesNothing(t *testing.T) {
	t.Parallel()
	const shutdownTimeout = 5 * time.Second // newFaultRig's SHUTDOWN_TIMEOUT
	rig := newFaultRig(t)
	slow := fakeapi.Fault{Method: "sendMessage", Delay: 200 * time.Millisecond}
	rig.api.Inject(slow)
	bot1 := rig.start(&lockedBuffer{})
	st := startStream(rig.api, 750001, 10, 100*time.Millisecond)
	defer st.halt()
	waitCount(t, rig.api, 30, 30*time.Second)

	sigAt := time.Now()
	if err := bot1.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-bot1.done:
	case <-time.After(shutdownTimeout + 20*time.Second):
		t.Fatalf("the bot did not exit within %s of SIGTERM; its log:\n%s", shutdownTimeout+20*time.Second, bot1.log.String())
	}
	exitTook := time.Since(sigAt)
	if code := bot1.cmd.ProcessState.ExitCode(); code != 0 {
		t.Errorf("exit code %d after SIGTERM, want 0; log:\n%s", code, tail(bot1.log.String(), 30))
	}
	if exitTook > shutdownTimeout+5*time.Second {
		t.Errorf("the bot took %s to exit after SIGTERM, want within SHUTDOWN_TIMEOUT (%s) and a margin", exitTook, shutdownTimeout)
	}
	confirmed := rig.api.Confirmed()
	byFirst := answers(rig.api)
	st.halt()
	msgs := st.messages()

	// What the first process confirmed, it answered; what it answered
	// beyond that (its batch in hand) comes again to the next process.
	answered1, drained, unconfirmed, afterSig := 0, 0, 0, 0
	for _, m := range msgs {
		done := byFirst[m.token].times > 0
		switch {
		case m.updateID <= confirmed && !done:
			t.Errorf("%s (update %d) was confirmed to Telegram (offset %d) but never answered", m.token, m.updateID, confirmed+1)
		case m.updateID > confirmed && done:
			drained++
		}
		if done {
			answered1++
			if !byFirst[m.token].first.Before(sigAt) {
				afterSig++
			}
		}
		if m.updateID > confirmed {
			unconfirmed++
		}
	}
	if afterSig == 0 || drained == 0 {
		t.Errorf("%d updates answered after SIGTERM, %d answered and not confirmed: nothing was in hand at SIGTERM, the test proves nothing", afterSig, drained)
	}

	// The next process gets every unconfirmed update again.
	rig.api.ClearFaults()
	bot2 := rig.start(&lockedBuffer{})
	got := waitAnswered(t, rig.api, msgs, 60*time.Second)
	answeredOnce(t, msgs, got)
	bot2.alive(t, "after taking over")
	t.Logf("SIGTERM with %d messages sent: exit 0 after %s (SHUTDOWN_TIMEOUT %s); the first process confirmed up to update %d, "+
		"answered %d: %d of them after SIGTERM (the queue drained), %d not confirmed (delivered again, skipped by the next process); "+
		"%d updates left unconfirmed, all answered once in the end",
		len(msgs), exitTook.Round(time.Millisecond), shutdownTimeout, confirmed, answered1, afterSig, drained, unconfirmed)
}
