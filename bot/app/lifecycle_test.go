package app_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/forumbot/forumbot/bot"
	"github.com/forumbot/forumbot/bot/catalog"
	"github.com/forumbot/forumbot/bot/fakeapi"
)

// upcomingCatalog is the built-in catalog plus twelve forums to come.
func upcomingCatalog() *catalog.Catalog {
	c := *catalog.Builtin()
	c.Forums = append([]catalog.Forum(nil), c.Forums...)
	for i := 12; i >= 1; i-- {
		c.Forums = append(c.Forums, catalog.Forum{
			ID: fmt.Sprintf("future-%02d", i), Ordinal: 20 + i, Level: catalog.LevelRegional, Region: "turkistan",
			City:  catalog.Text{KK: "Түркістан", RU: "Туркестан", EN: "Turkistan"},
			Title: catalog.Text{KK: fmt.Sprintf("Форум %d", i), RU: fmt.Sprintf("Форум %d", i), EN: fmt.Sprintf("Forum %d", i)},
			Start: catalog.Date{Year: 2027, Month: i, Day: 10, Precision: catalog.PrecisionDay, Time: "10:00"},
		})
	}
	return &c
}

func TestImportIsSeenAtOnceAndListsPageInPlace(t *testing.T) {
	t.Parallel()
	h := newHarness(t).start()
	u := user(9001, "ru")
	h.say(u, "/upcoming", "нет предстоящих форумов")

	if _, err := h.store.ReplaceCatalog(context.Background(), upcomingCatalog()); err != nil {
		t.Fatal(err)
	}
	m := h.say(u, "/upcoming", "12 предстоящих форумов", "стр. 1/3", "Форум 1", "10 января 2027 г., 10:00")
	if got := m.Keyboard[0][0].CallbackData; got != "f:future-01" {
		t.Errorf("soonest first: got %s", got)
	}
	next := h.press(u, m, "Далее", "стр. 2/3", "Форум 6")
	if next.ID != m.ID {
		t.Error("paging must edit the list in place")
	}
	first := h.press(u, next, "Назад", "стр. 1/3")

	// A timed forum's calendar file is in Asia/Almaty.
	card := h.press(u, first, "1. 10.01.2027", "Форум 1", "Предстоящий форум")
	h.press(u, card, "В календарь", "откройте файл")
	ics := string(h.waitCall("sendDocument", u.ID, nil).File("document").Content)
	for _, want := range []string{"DTSTART;TZID=Asia/Almaty:20270110T100000", "TZOFFSETTO:+0500"} {
		if !strings.Contains(ics, want) {
			t.Errorf(".ics lacks %q:\n%s", want, ics)
		}
	}
}

func TestShutdownInTheMiddleOfTrafficLosesNothing(t *testing.T) {
	t.Parallel()
	h := newHarness(t).start()
	const users, each = 20, 10
	for i := 0; i < each; i++ {
		for u := 0; u < users; u++ {
			h.api.SendText(user(int64(10000+u), "en"), "/help")
		}
	}
	// Stop as SIGTERM would, while replies are still going out.
	h.waitLast(10000, "the first reply", func(m fakeapi.Message) bool { return true })
	if err := h.stop(); err != nil {
		t.Fatalf("Run after stop: %v", err)
	}
	answered := 0
	for u := 0; u < users; u++ {
		answered += h.calls("sendMessage", int64(10000+u))
	}
	t.Logf("answered before the stop: %d of %d", answered, users*each)

	// A new process picks up what Telegram still holds; nothing twice.
	// Each user's /start afterwards is a barrier: a chat is handled in
	// order, so once it is answered every earlier update was too.
	h.start()
	for u := 0; u < users; u++ {
		h.say(user(int64(10000+u), "en"), "/start", "What are you looking for?")
	}
	for u := 0; u < users; u++ {
		if n := h.calls("sendMessage", int64(10000+u)); n != each+1 {
			t.Errorf("user %d got %d answers to %d messages", u, n, each+1)
		}
	}
}

// TestCrashLosesNoUpdateInFlight stops the bot without any grace (no
// drain; every update in progress is cut off, as by kill -9) in the middle
// of traffic, starts a new one, and counts: no update may be lost — the
// ones cut off mid-handler stay in progress in Redis until their mark
// expires (UPDATE_TIMEOUT + storage.UpdateMargin), then the new process
// handles them — and at most one per worker may be answered twice (the
// handler had answered when it was cut off, before its Save).
func TestCrashLosesNoUpdateInFlight(t *testing.T) {
	t.Parallel()
	const workers = 4
	h := newHarness(t, func(c *bot.Config) {
		c.ShutdownTimeout = time.Nanosecond
		c.Workers = workers
		// The cut-off updates are handled again within seconds.
		c.UpdateTimeout = 2 * time.Second
	}).start()
	const users, each = 20, 10
	for i := 0; i < each; i++ {
		for u := 0; u < users; u++ {
			h.api.SendText(user(int64(20000+u), "en"), "/help")
		}
	}
	h.waitLast(20000, "the first reply", func(fakeapi.Message) bool { return true })
	_ = h.stop() // reports the updates it abandoned

	h.cfg.ShutdownTimeout = 10 * time.Second
	h.start()
	// Each user's /start is a barrier: a chat is handled in order, so once
	// it is answered every earlier update was too. A chat with an update
	// cut off waits for that update's mark to expire first.
	for u := 0; u < users; u++ {
		h.api.SendText(user(int64(20000+u), "en"), "/start")
	}
	deadline := time.Now().Add(60 * time.Second)
	for u := 0; u < users; u++ {
		chat := int64(20000 + u)
		for {
			if m, ok := h.last(chat); ok && strings.Contains(m.Plain, "What are you looking for?") {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("user %d: no answer to /start within 60 s of the restart", u)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	lost, doubled := 0, 0
	for u := 0; u < users; u++ {
		help := h.calls("sendMessage", int64(20000+u)) - 1
		lost += max(0, each-help)
		doubled += max(0, help-each)
	}
	t.Logf("crash in the middle of %d updates: %d lost, %d answered twice (bound: %d workers)", users*each, lost, doubled, workers)
	if lost != 0 {
		t.Errorf("%d updates lost, want none", lost)
	}
	if doubled > workers {
		t.Errorf("%d updates answered twice, more than the %d in flight", doubled, workers)
	}
}
