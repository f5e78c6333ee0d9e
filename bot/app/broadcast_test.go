package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/forumbot/forumbot/bot"
	"github.com/forumbot/forumbot/bot/app"
	"github.com/forumbot/forumbot/bot/broadcast"
	"github.com/forumbot/forumbot/bot/fakeapi"
	"github.com/forumbot/forumbot/storage"
)

const organizerID = 9001

// withOrganizer makes user organizerID an organizer (ADMIN_IDS).
func withOrganizer(c *bot.Config) { c.AdminIDs = []int64{organizerID} }

// startFast runs the bot with the delivery engine's waits shortened for a
// test (the rate stays a rate: 200 a second).
func (h *harness) startFast() *harness {
	h.t.Helper()
	cfg := broadcast.DefaultConfig()
	cfg.Rate, cfg.Poll, cfg.Heartbeat, cfg.ProgressEvery, cfg.Backoff = 200, 50*time.Millisecond, time.Second, 300*time.Millisecond, 50*time.Millisecond
	cfg.ErrorLimit = h.cfg.BroadcastErrorLimit
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	a, err := app.New(ctx, app.Options{
		Config: h.cfg, Log: logger(h.t), PollTimeout: 2 * time.Second,
		Now: func() time.Time { return testNow }, Broadcast: &cfg,
	})
	if err != nil {
		h.t.Fatalf("app.New: %v", err)
	}
	h.app = a
	runCtx, stop := context.WithCancel(context.Background())
	h.cancel = stop
	h.done = make(chan error, 1)
	go func() { h.done <- a.Run(runCtx) }()
	return h
}

// bcSend sends msg from u and waits for an answer showing parts.
func (h *harness) bcSend(u fakeapi.User, msg models.Message, parts ...string) fakeapi.Message {
	h.t.Helper()
	mk := h.mark(u.ID)
	h.api.SendMessage(u, msg)
	return h.waitAfter(u.ID, mk, parts...)
}

// subscribeAnnouncements walks u through /subscribe to the announcements.
func (h *harness) subscribeAnnouncements(u fakeapi.User, title, toggle, saved string) {
	h.t.Helper()
	m := h.say(u, "/subscribe", title)
	m = h.press(u, m, toggle, saved)
	if b := button(h.t, m, toggle); !strings.HasPrefix(b.Text, "✅") {
		h.t.Errorf("toggle after pressing: %q", b.Text)
	}
}

// job waits until broadcast id is in state.
func (h *harness) job(id int64, state string) *storage.BroadcastJob {
	h.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		j, err := h.store.Broadcast(context.Background(), id)
		if err == nil && j.State == state {
			return j
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("broadcast %d: %+v %v, want state %s", id, j, err, state)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// callbackAnswer waits for the next answerCallbackQuery and returns its
// text.
func (h *harness) callbackAnswer(t *testing.T) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	n := len(h.api.CallsTo("answerCallbackQuery"))
	c, err := h.api.WaitCall(ctx, func(c fakeapi.Call) bool {
		if c.Method != "answerCallbackQuery" {
			return false
		}
		n--
		return n < 0
	})
	if err != nil {
		t.Fatal(err)
	}
	return c.Str("text")
}

// TestBroadcastJourney: subscribers opt in; an organizer composes a
// formatted message with a Russian version, sees the audience and its
// count, gets a preview, sends it now and watches the progress; each
// subscriber gets the version in their language, formatting intact; the
// organizer gets a report. Someone else cannot broadcast, not even with a
// forged button.
func TestBroadcastJourney(t *testing.T) {
	t.Parallel()
	h := newHarness(t, withOrganizer).startFast()
	ru, kk, en := user(2101, "ru"), user(2102, "kk"), user(2103, "en")
	h.subscribeAnnouncements(ru, "Ваши подписки", "Объявления организаторов", "Сохранено.")
	h.subscribeAnnouncements(kk, "Сіздің жазылымдарыңыз", "Ұйымдастырушылардың хабарландырулары", "Сақталды.")
	h.subscribeAnnouncements(en, "Your subscriptions", "Announcements of organizers", "Saved.")

	// Not an organizer.
	stranger := user(2104, "en")
	h.say(stranger, "/broadcast", "Only the forum organizers can do this.")

	org := fakeapi.User{ID: organizerID, FirstName: "Org", LanguageCode: "en"}
	h.say(org, "/broadcast", "Send me the message to broadcast")
	text := "Forum opens tomorrow at 10:00"
	m := h.bcSend(org, models.Message{Text: text, Entities: []models.MessageEntity{{Type: models.MessageEntityTypeBold, Offset: 0, Length: 5}}},
		"New broadcast", "Versions: for everyone")
	m = h.press(org, m, "+ Русский", "Send the version in Русский")
	ruText := "Форум открывается завтра в 10:00"
	m = h.bcSend(org, models.Message{Text: ruText, Entities: []models.MessageEntity{{Type: models.MessageEntityTypeItalic, Offset: 0, Length: 5}}},
		"Versions: for everyone, Русский")
	mk := h.mark(org.ID)
	h.api.PressButton(org, m.ID, button(t, m, "All subscribers").CallbackData)
	preview := h.waitAfter(org.ID, mk, "3 recipients", "Send it now")
	// The preview: both versions copied into the organizer's chat, as is.
	copies := 0
	for _, c := range h.api.CallsTo("copyMessage") {
		if c.Int("chat_id") == organizerID && c.Err == nil {
			copies++
		}
	}
	if copies != 2 {
		t.Errorf("preview copies: %d, want 2", copies)
	}
	h.press(org, preview, "Send now", "Broadcast #1")
	h.waitText(org.ID, "Broadcast #1 is finished", "Sent: 3 of 3")
	h.job(1, storage.BroadcastDone)
	// Each subscriber got their version, formatting and all.
	for _, tc := range []struct {
		u    fakeapi.User
		want string
	}{{ru, ruText}, {kk, text}, {en, text}} {
		got := h.api.LastMessage(tc.u.ID)
		if got == nil || got.Plain != tc.want {
			t.Errorf("user %d got %+v, want %q", tc.u.ID, got, tc.want)
		}
	}
	var fromOrganizer bool
	for _, c := range h.api.CallsTo("copyMessage") {
		if c.Int("chat_id") == kk.ID && c.Err == nil && c.Int("message_id") != 0 && c.Int("from_chat_id") == organizerID {
			fromOrganizer = true
		}
	}
	if !fromOrganizer {
		t.Error("the message was not copied from the organizer's chat")
	}
	// The progress message (the one the buttons sat on) ends without buttons.
	for _, msg := range h.api.Chat(organizerID) {
		if strings.Contains(msg.Plain, "Broadcast #1 — finished") && len(msg.Keyboard) != 0 {
			t.Errorf("finished progress message keeps buttons: %v", msg.Keyboard)
		}
	}

	// "Send now" pressed again (a double tap): no second broadcast, and the
	// progress message stays.
	h.api.ForgeCallback(org, preview.ID, "bcs")
	if got := h.callbackAnswer(t); !strings.Contains(got, "There is no draft any more") {
		t.Errorf("a second Send now answered %q", got)
	}
	if ids, _ := h.store.RecentBroadcasts(context.Background(), 10); len(ids) != 1 {
		t.Errorf("broadcasts after a double tap: %v", ids)
	}

	// A forged "send now" and a forged "cancel" from the stranger: refused,
	// nothing changes.
	before, _ := h.store.RecentBroadcasts(context.Background(), 10)
	last, _ := h.last(stranger.ID)
	for _, data := range []string{"bcs", "bck:1", "scd:1", "bcp:1"} {
		h.api.ForgeCallback(stranger, last.ID, data)
		if got := h.callbackAnswer(t); got != "Only the forum organizers can do this." {
			t.Errorf("forged %q answered %q", data, got)
		}
	}
	after, _ := h.store.RecentBroadcasts(context.Background(), 10)
	if len(after) != len(before) {
		t.Errorf("a forged button created a broadcast: %v -> %v", before, after)
	}
	if j := h.job(1, storage.BroadcastDone); j.CancelledBy != 0 {
		t.Error("a forged button touched the job")
	}
}

// TestBroadcastScheduleJourney: bad cron input gets a clear message (TZ=
// too, which makes robfig/cron panic); a good one shows the next three
// runs in local time; the schedule is listed, paused, resumed and deleted.
func TestBroadcastScheduleJourney(t *testing.T) {
	t.Parallel()
	h := newHarness(t, withOrganizer).startFast()
	org := fakeapi.User{ID: organizerID, FirstName: "Org", LanguageCode: "ru"}
	h.say(org, "/broadcast", "Пришлите сообщение для рассылки")
	m := h.bcSend(org, models.Message{Text: "Еженедельная встреча"}, "Новая рассылка")
	m = h.press(org, m, "Только организаторы", "1 получатель")
	h.press(org, m, "Повторять (cron)", "cron-выражение")
	h.say(org, "TZ=", "Часовой пояс задать нельзя")
	h.say(org, "61 * * * *", "Не могу это прочитать")
	h.say(org, "0 10 31 2 *", "никогда не сработает")
	// testNow is Saturday 21.11.2026, noon in Almaty.
	m = h.say(org, "0 10 * * 1", "23.11.2026 10:00", "30.11.2026 10:00", "07.12.2026 10:00")
	m = h.press(org, m, "Подтвердить", "Запланировано под номером #1")
	m = h.press(org, m, "Расписания", "#1", "0 10 * * 1", "действует")
	m = h.press(org, m, "⏸ #1", "на паузе")
	m = h.press(org, m, "▶️ #1", "действует")
	m = h.press(org, m, "🗑 #1", "Удалить расписание #1?")
	h.press(org, m, "Да, удалить", "Расписания")
	if _, err := h.store.GetSchedule(context.Background(), "1"); err != storage.ErrNoSchedule {
		t.Errorf("schedule after delete: %v", err)
	}
	// The bot's own schedules are listed and cannot be deleted.
	m = h.say(org, "/schedules", "напоминания о форумах", "сводка для организаторов")
	for _, row := range m.Keyboard {
		for _, b := range row {
			if strings.HasPrefix(b.CallbackData, "scd:sys-") {
				t.Errorf("a delete button for a system schedule: %v", b)
			}
		}
	}
}

// TestSubscriptionsAndBlocking: topics, region and forum reminders are
// opt-in toggles; a user who blocks the bot (my_chat_member) is inactive
// until they come back.
func TestSubscriptionsAndBlocking(t *testing.T) {
	t.Parallel()
	h := newHarness(t).start()
	u := user(2201, "en")
	ctx := context.Background()
	m := h.say(u, "/subscribe", "Your subscriptions", "Region: the whole country")
	if sub, _ := h.store.GetSubscription(ctx, u.ID); sub.Any() {
		t.Fatalf("/subscribe alone subscribed the user: %+v", sub)
	}
	m = h.press(u, m, "Award winners", "Saved.")
	m = h.press(u, m, "Region:", "Which region")
	m = h.press(u, m, "Zhambyl Region", "Region: Zhambyl Region")
	sub, _ := h.store.GetSubscription(ctx, u.ID)
	if !sub.Awards || sub.Region != "jambyl" || sub.Announcements {
		t.Fatalf("subscription %+v", sub)
	}
	botUser := &models.User{ID: 7, IsBot: true, FirstName: "Forumbot"}
	member := models.ChatMember{Type: models.ChatMemberTypeMember, Member: &models.ChatMemberMember{User: botUser}}
	kicked := models.ChatMember{Type: models.ChatMemberTypeBanned, Banned: &models.ChatMemberBanned{User: botUser}}
	block := func(status models.ChatMemberType) {
		old, new := member, kicked
		if status == models.ChatMemberTypeMember {
			old, new = kicked, member
		}
		h.api.SendUpdate(models.Update{MyChatMember: &models.ChatMemberUpdated{
			Chat: models.Chat{ID: u.ID, Type: models.ChatTypePrivate}, From: models.User{ID: u.ID, FirstName: "A"},
			Date: int(testNow.Unix()), OldChatMember: old, NewChatMember: new,
		}})
	}
	waitActive := func(want bool) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for {
			s, _ := h.store.GetSubscription(ctx, u.ID)
			if s.Active == want {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("active = %v, want %v", s.Active, want)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	block(models.ChatMemberTypeBanned)
	waitActive(false)
	block(models.ChatMemberTypeMember)
	waitActive(true)
	h.say(u, "/unsubscribe", "You have unsubscribed")
	if sub, _ := h.store.GetSubscription(ctx, u.ID); sub.Any() {
		t.Fatalf("after /unsubscribe: %+v", sub)
	}
}

// TestBroadcastAwardSeriesJourney: an organizer schedules a contest's
// winners, one nomination per time; the schedule is stored with the
// series.
func TestBroadcastAwardSeriesJourney(t *testing.T) {
	t.Parallel()
	h := newHarness(t, withOrganizer).startFast()
	org := fakeapi.User{ID: organizerID, FirstName: "Org", LanguageCode: "en"}
	m := h.say(org, "/announce", "Choose the forum")
	b := m.Keyboard[0][0]
	mk := h.mark(org.ID)
	h.api.PressButton(org, m.ID, b.CallbackData)
	m = h.waitAfter(org.ID, mk, "which contest?")
	b = m.Keyboard[0][0]
	mk = h.mark(org.ID)
	h.api.PressButton(org, m.ID, b.CallbackData)
	h.waitAfter(org.ID, mk, "one per run", "Send the times")
	m = h.say(org, "0 10 * * * from 01.12.2026", "one per run", "01.12.2026 10:00", "02.12.2026 10:00", "03.12.2026 10:00")
	h.press(org, m, "Confirm", "Scheduled as #1")
	sc, err := h.store.GetSchedule(context.Background(), "1")
	if err != nil || sc.Kind != "awards" || sc.Owner != organizerID || !strings.Contains(sc.Payload, `"forum"`) {
		t.Fatalf("series %+v %v", sc, err)
	}
	if want := time.Date(2026, 12, 1, 0, 0, 0, 0, time.FixedZone("", 5*3600)); !sc.From.Equal(want) {
		t.Errorf("from %v, want %v", sc.From, want)
	}
}
