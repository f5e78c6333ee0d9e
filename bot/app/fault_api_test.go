package app_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/forumbot/forumbot/bot/fakeapi"
)

// TestBotAPIAnswers5xxFor30s: every Bot API method, getUpdates included,
// answers 500 and then 502 for 30 s.
func TestBotAPIAnswers5xxFor30s(t *testing.T) {
	t.Parallel()
	apiOutage(t, 730001, 15, func(api *fakeapi.Server, from, until time.Time) {
		half := from.Add(until.Sub(from) / 2)
		api.Inject(fakeapi.Fault{Code: http.StatusInternalServerError, AllMethods: true, Until: half})
		api.Inject(fakeapi.Fault{Code: http.StatusBadGateway, AllMethods: true, Until: until})
	})
}

// TestBotAPITimesOutFor30s: every Bot API call hangs until the 30 s
// outage ends and then fails with 504 Gateway Timeout, as calls through a
// proxy to an unreachable Telegram do. (The bot's own HTTP timeout is
// 60 s, getUpdates' long poll and a margin, and no setting shortens it:
// the hang stops at the outage's end instead.)
func TestBotAPITimesOutFor30s(t *testing.T) {
	t.Parallel()
	apiOutage(t, 740001, 3, func(api *fakeapi.Server, _, until time.Time) {
		api.Inject(fakeapi.Fault{Delay: time.Hour, Code: http.StatusGatewayTimeout, AllMethods: true, Until: until})
	})
}

// apiOutage breaks the Bot API (inject) for 30 s while users write
// steadily: the bot stays up, polls at most maxPolls times during the
// outage (a backoff, not a loop), and once the API is back answers every
// message sent during the outage (Telegram kept them, since getUpdates
// failed) exactly once.
//
// A message the bot had in hand when the API broke can be left without an
// answer: its reply retries within its budget (ui.Reply, 15 s), or waits
// until the update's time limit (30 s), and gives up; the update was
// marked seen when its handling began. They are counted and bounded by
// what the bot can hold: WORKERS updates in progress and the dispatcher's
// queue of 4 per worker.
func apiOutage(t *testing.T, firstUser int64, maxPolls int, inject func(api *fakeapi.Server, from, until time.Time)) {
	const workers = 4 // newFaultRig's WORKERS
	rig := newFaultRig(t)
	logs := &lockedBuffer{}
	bot1 := rig.start(logs)
	st := startStream(rig.api, firstUser, 6, 300*time.Millisecond)
	defer st.halt()
	waitCount(t, rig.api, 20, 30*time.Second)

	from := time.Now()
	until := from.Add(30 * time.Second)
	inject(rig.api, from, until)
	// The outage lasts 30 s whatever the bot does; meanwhile it must live.
	for time.Now().Before(until) {
		bot1.alive(t, "during the Bot API outage")
		time.Sleep(time.Second)
	}
	polls := getUpdatesBetween(rig.api, from, until)
	time.Sleep(2 * time.Second) // the stream goes on a little after the outage
	st.halt()

	var before, during []streamed
	for _, m := range st.messages() {
		if m.at.Before(from) {
			before = append(before, m)
		} else {
			during = append(during, m)
		}
	}
	got := waitAnswered(t, rig.api, during, 60*time.Second)
	var recovered time.Duration
	for _, m := range during {
		if m.at.Before(until) {
			recovered = max(recovered, got[m.token].first.Sub(until))
		}
	}
	answeredOnce(t, during, got)
	// Chats go in order: the messages sent before the outage were handled
	// before those sent during it, answered or not.
	lost := answeredOnce(t, before, got)
	for _, m := range lost {
		t.Logf("in hand when the API broke, not answered: %s (update %d)", m.token, m.updateID)
	}
	if len(lost) > 5*workers {
		t.Errorf("%d messages the bot had when the API broke were not answered, more than it can hold (%d)", len(lost), 5*workers)
	}
	if polls > maxPolls {
		t.Errorf("%d getUpdates calls during the 30 s outage, want at most %d (a backoff)", polls, maxPolls)
	}
	bot1.alive(t, "after the Bot API outage")
	t.Logf("30 s outage: %d getUpdates calls during it; %d messages sent before it, %d of them lost (in hand at its start); "+
		"%d sent during and just after it, each answered once; the last message of the outage answered %s after it ended",
		polls, len(before), len(lost), len(during), recovered.Round(time.Millisecond))
}

// TestPollerWaitsOutRetryAfter: a getUpdates answered 429 with retry_after
// is not repeated before retry_after has passed (go-telegram/bot alone
// would retry after 0.1 s), and polling goes on after it.
func TestPollerWaitsOutRetryAfter(t *testing.T) {
	t.Parallel()
	h := newHarness(t).start()
	u := user(760001, "en")
	h.say(u, "/help", "What the bot does")
	h.api.Inject(fakeapi.Fault{Method: "getUpdates", Code: http.StatusTooManyRequests, RetryAfter: 3, Times: 1})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	flood, err := h.api.WaitCall(ctx, func(c fakeapi.Call) bool {
		return c.Method == "getUpdates" && c.Err != nil && c.Err.Code == http.StatusTooManyRequests
	})
	if err != nil {
		t.Fatalf("no getUpdates met the 429: %v", err)
	}
	h.say(u, "/start", "What are you looking for?")
	next, err := h.api.WaitCall(ctx, func(c fakeapi.Call) bool { return c.Method == "getUpdates" && c.At.After(flood.At) })
	if err != nil {
		t.Fatal(err)
	}
	if gap := next.At.Sub(flood.At); gap < 3*time.Second-50*time.Millisecond {
		t.Errorf("getUpdates again %s after a 429 with retry_after 3", gap)
	}
}
