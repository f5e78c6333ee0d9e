package app_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/forumbot/forumbot/bot"
	"github.com/forumbot/forumbot/bot/fakeapi"
)

func TestBadInputGetsALocalizedAnswer(t *testing.T) {
	t.Parallel()
	h := newHarness(t).start()

	t.Run("unknown command", func(t *testing.T) {
		u := user(2001, "ru")
		m := h.say(u, "/foo", "Я не знаю команды /foo", "Что вас интересует?")
		button(t, m, "Прошедшие форумы") // the menu comes with it
		h.say(user(2011, "en"), "/Foo@"+testUsername+" bar", "I don't know the command /foo")
	})
	t.Run("content the bot does not expect", func(t *testing.T) {
		u := user(2002, "kk")
		for i, msg := range []models.Message{
			{Sticker: &models.Sticker{FileID: "CAAC", FileUniqueID: "s1", Type: "regular", Width: 512, Height: 512}},
			{Photo: []models.PhotoSize{{FileID: "AgAD", FileUniqueID: "p1", Width: 90, Height: 90}}},
			{Voice: &models.Voice{FileID: "AwAD", FileUniqueID: "v1", Duration: 3}},
			{Document: &models.Document{FileID: "BQAD", FileUniqueID: "d1", FileName: "a.pdf"}},
			{Location: &models.Location{Latitude: 43.25, Longitude: 76.95}},
		} {
			// Count messages in the chat, not calls: the double shows a
			// message a moment before it records the call.
			before, mk := len(h.api.Chat(u.ID)), h.mark(u.ID)
			h.api.SendMessage(u, msg)
			m := h.waitAfter(u.ID, mk, "Мен мәтін мен батырмаларды түсінемін")
			if got := len(h.api.Chat(u.ID)); got != before+1 {
				t.Errorf("content %d: %d answers, want 1", i, got-before)
			}
			button(t, m, "Өткен форумдар")
		}
	})
	t.Run("oversized text", func(t *testing.T) {
		u := user(2003, "ru")
		h.say(u, strings.Repeat("Тараз ", 60), "Сообщение слишком длинное (359 знаков)", "не больше 200")
	})
	t.Run("markup in text is escaped", func(t *testing.T) {
		u := user(2004, "en")
		h.say(u, `<b>zzz</b> & <a href="x">`, `Nothing found for “<b>zzz</b> & <a href="x">”`)
	})
	t.Run("forged callback data", func(t *testing.T) {
		u := user(2005, "ru")
		m := h.say(u, "/start", "Что вас интересует?")
		for _, data := range []string{"f:../../etc/passwd", "admin:grant:1", "y:1800:0", "l:de", "up:-1"} {
			before := len(h.api.CallsTo("answerCallbackQuery"))
			h.api.ForgeCallback(u, m.ID, data)
			deadline := time.Now().Add(5 * time.Second)
			for len(h.api.CallsTo("answerCallbackQuery")) == before && time.Now().Before(deadline) {
				time.Sleep(5 * time.Millisecond)
			}
			calls := h.api.CallsTo("answerCallbackQuery")
			if got := calls[len(calls)-1].Str("text"); got != "Эта кнопка устарела, меню обновлено." {
				t.Errorf("%q: notice %q", data, got)
			}
		}
		h.waitText(u.ID, "Что вас интересует?")
	})
	t.Run("a forum that is not in the catalog", func(t *testing.T) {
		u := user(2006, "en")
		m := h.say(u, "/start", "What are you looking for?")
		h.api.ForgeCallback(u, m.ID, "f:no-such-forum")
		h.waitCall("answerCallbackQuery", 0, func(c fakeapi.Call) bool {
			return strings.Contains(c.Str("text"), "There is no such forum")
		})
		h.say(u, "/start forum_no-such-forum", "There is no such forum in the catalog")
		h.say(u, "/start promo_2026", "I did not recognise that link")
	})
	t.Run("nothing found", func(t *testing.T) {
		h.say(user(2007, "ru"), "квантовая хромодинамика", "По запросу «квантовая хромодинамика» ничего не найдено")
	})
}

func TestGroupChatsAnswerOnlyTheirCommands(t *testing.T) {
	t.Parallel()
	h := newHarness(t).start()
	group := models.Chat{ID: -100777, Type: models.ChatTypeSupergroup, Title: "NGO chat"}
	from := &models.User{ID: 3001, FirstName: "Асқар", LanguageCode: "ru"}
	send := func(text string) {
		h.api.SendUpdate(models.Update{Message: &models.Message{Chat: group, From: from, Text: text, Date: int(time.Now().Unix())}})
	}
	send("/start@other_bot")
	send("всем привет, кто идёт на форум?")
	send("/help@" + testUsername)
	h.waitText(group.ID, "Что умеет бот")
	if n := h.calls("sendMessage", group.ID); n != 1 {
		t.Errorf("the bot sent %d messages to the group, want 1 (only /help@%s)", n, testUsername)
	}
}

func TestRedeliveredUpdateIsHandledOnce(t *testing.T) {
	t.Parallel()
	h := newHarness(t).start()
	u := user(4001, "en")
	id := h.api.SendText(u, "/help")
	h.waitText(u.ID, "What the bot does")
	h.api.Redeliver(id)
	h.say(u, "/start", "What are you looking for?") // a barrier: the chat is handled in order
	if n := h.calls("sendMessage", u.ID); n != 2 {
		t.Errorf("%d messages sent, want 2: the re-delivered /help must do nothing", n)
	}
}

func TestOneChatStaysInOrder(t *testing.T) {
	t.Parallel()
	h := newHarness(t).start()
	const users, perUser = 6, 25
	var wg sync.WaitGroup
	for u := 0; u < users; u++ {
		wg.Add(1)
		go func(u fakeapi.User) {
			defer wg.Done()
			for i := 0; i < perUser; i++ {
				h.api.SendText(u, fmt.Sprintf("zq%d", i))
			}
		}(user(int64(5000+u), "en"))
	}
	wg.Wait()
	for u := 0; u < users; u++ {
		chat := int64(5000 + u)
		h.waitText(chat, fmt.Sprintf("“zq%d”", perUser-1))
		var got []string
		for _, c := range h.api.CallsTo("sendMessage") {
			if c.Int("chat_id") == chat {
				got = append(got, c.Str("text"))
			}
		}
		if len(got) != perUser {
			t.Fatalf("chat %d: %d replies, want %d", chat, len(got), perUser)
		}
		for i, text := range got {
			if !strings.Contains(text, fmt.Sprintf("“zq%d”", i)) {
				t.Fatalf("chat %d: reply %d is %q: out of order", chat, i, text)
			}
		}
	}
}

func TestExpiredDialogIsToldAndClosed(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(c *bot.Config) { c.SessionTTL = time.Second }).start()
	u := user(6001, "ru")
	m := h.say(u, "/start", "Что вас интересует?")
	h.press(u, m, "Поиск", "Напишите город")
	time.Sleep(1500 * time.Millisecond) // let the session's idle TTL run out in Redis
	h.say(u, "/help", "Что умеет бот")
	found := false
	for _, msg := range h.api.Chat(u.ID) {
		if strings.Contains(msg.Plain, "Предыдущее действие не было завершено") {
			found = true
		}
	}
	if !found {
		t.Error("the user was not told that the dialog expired")
	}
}

func TestCommandsAreSetForEveryLanguage(t *testing.T) {
	t.Parallel()
	h := newHarness(t).start()
	h.say(user(7001, "kk"), "/help", "Бот не істей алады")
	langs := map[string]string{}
	for _, c := range h.api.CallsTo("setMyCommands") {
		langs[c.Str("language_code")] = fmt.Sprint(c.Params["commands"])
	}
	for _, l := range []string{"", "kk", "ru", "en"} {
		if _, ok := langs[l]; !ok {
			t.Errorf("no setMyCommands for language %q", l)
		}
	}
	if !strings.Contains(langs["ru"], "Прошедшие форумы") {
		t.Errorf("Russian commands: %s", langs["ru"])
	}
}

func TestTelegramFailuresAreRetriedOrSurvived(t *testing.T) {
	t.Parallel()
	h := newHarness(t).start()
	u := user(8001, "en")
	h.api.Inject(fakeapi.Fault{Method: "sendMessage", ChatID: u.ID, Code: 429, RetryAfter: 1, Times: 1})
	h.say(u, "/help", "What the bot does")
	h.api.Inject(fakeapi.Fault{Method: "sendMessage", ChatID: u.ID, Code: 502, Times: 1})
	h.say(u, "/start", "What are you looking for?")

	blocked := user(8002, "en")
	h.api.Inject(fakeapi.Fault{ChatID: blocked.ID, Code: 403})
	h.api.SendText(blocked, "/help")
	h.say(user(8003, "en"), "/help", "What the bot does") // the bot lives on
}

func TestDoubleTapIsHarmless(t *testing.T) {
	t.Parallel()
	h := newHarness(t).start()
	u := user(8101, "kk")
	m := h.say(u, "/start", "Не қызықтырады?")
	list := h.press(u, m, "Өткен форумдар", "Өткен 5 форум")
	// The same button again on the same (now edited) message: Telegram says
	// "message is not modified"; the bot must take it quietly.
	b := button(t, m, "Өткен форумдар")
	before := len(h.api.CallsTo("answerCallbackQuery"))
	h.api.ForgeCallback(u, list.ID, b.CallbackData)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := h.api.WaitCall(ctx, func(c fakeapi.Call) bool {
		return c.Method == "editMessageText" && c.Err != nil && strings.Contains(c.Err.Description, "not modified")
	}); err != nil {
		t.Fatalf("the second tap did not reach Telegram: %v", err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for len(h.api.CallsTo("answerCallbackQuery")) == before && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if n := len(h.api.Chat(u.ID)); n != 1 {
		t.Errorf("%d messages in the chat, want 1", n)
	}
	if got := h.calls("sendMessage", u.ID); got != 1 {
		t.Errorf("%d messages sent: a double tap must not send anything (no apology either)", got)
	}
}
