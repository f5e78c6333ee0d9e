package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/forumbot/forumbot/bot/fakeapi"
)

// waitCall waits for a call of method to chatID that satisfies ok.
func (h *harness) waitCall(method string, chatID int64, ok func(fakeapi.Call) bool) fakeapi.Call {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := h.api.WaitCall(ctx, func(c fakeapi.Call) bool {
		return c.Method == method && c.Int("chat_id") == chatID && c.Err == nil && (ok == nil || ok(c))
	})
	if err != nil {
		h.t.Fatalf("no %s to chat %d: %v", method, chatID, err)
	}
	return c
}

func TestJourneyRussian(t *testing.T) {
	t.Parallel()
	h := newHarness(t).start()
	u := user(1001, "ru")

	m := h.say(u, "/start", "Здравствуйте, Айгерім!", "Что вас интересует?")
	menuID := m.ID

	// Past forums, newest first, in place of the menu.
	m = h.press(u, m, "Прошедшие форумы", "5 прошедших форумов, сначала новые")
	if m.ID != menuID || !m.Edited {
		t.Errorf("the list should replace the menu in place (message %d, edited %v)", m.ID, m.Edited)
	}
	var order []string
	for _, row := range m.Keyboard[:5] {
		order = append(order, row[0].CallbackData)
	}
	want := []string{"f:zhetysu-ii-2023", "f:kyzylorda-x-2021", "f:taraz-viii-2018", "f:almaty-xi", "f:taldykorgan-ngo-forum"}
	if strings.Join(order, " ") != strings.Join(want, " ") {
		t.Errorf("past forums in order %v, want %v", order, want)
	}

	// The Taraz card.
	m = h.press(u, m, "Тараз", "Когда: 16 октября 2018 г.", "Тараз")
	if !strings.Contains(m.Text, "<b>") {
		t.Error("the card is not HTML")
	}

	// Calendar file.
	h.press(u, m, "В календарь", "откройте файл")
	doc := h.waitCall("sendDocument", u.ID, nil).File("document")
	if doc == nil || doc.Name != "forum-taraz-viii-2018.ics" {
		t.Fatalf("document %+v", doc)
	}
	ics := string(doc.Content)
	for _, want := range []string{"BEGIN:VCALENDAR", "DTSTART;VALUE=DATE:20181016", "UID:taraz-viii-2018@forumbot", "END:VCALENDAR"} {
		if !strings.Contains(ics, want) {
			t.Errorf(".ics lacks %q:\n%s", want, ics)
		}
	}

	// Share: the deep link, then the deep link opens the card.
	card, _ := h.api.Chat(u.ID)[len(h.api.Chat(u.ID))-2], 0
	link := "https://t.me/" + testUsername + "?start=forum_taraz-viii-2018"
	m = h.press(u, card, "Поделиться", link)
	if b := button(t, m, "Отправить в чат"); !strings.HasPrefix(b.URL, "https://t.me/share/url?url=") {
		t.Errorf("share button URL %q", b.URL)
	}
	h.say(u, "/start forum_taraz-viii-2018", "16 октября 2018 г.", "Гражданский центр")

	// No upcoming forums in the built-in catalog: say so, offer news.
	m = h.say(u, "/upcoming", "нет предстоящих форумов")
	h.press(u, m, "Получать уведомления", "Вы подписаны")
	h.say(u, "/subscribe", "Вы уже подписаны")
	h.say(u, "/unsubscribe", "Вы отписались")
}

func TestJourneyKazakh(t *testing.T) {
	t.Parallel()
	h := newHarness(t).start()
	u := user(1002, "kk")

	h.say(u, "/start", "Сәлеметсіз бе, Айгерім!", "Не қызықтырады?")
	m := h.say(u, "Таразда", "«Таразда» бойынша", "форум табылды")
	if got := m.Keyboard[0][0].CallbackData; got != "f:taraz-viii-2018" {
		t.Errorf("first hit for Таразда: %s", got)
	}
	m = h.say(u, "award 2023", "форум табылды")
	if got := m.Keyboard[0][0].CallbackData; got != "f:zhetysu-ii-2023" {
		t.Errorf("first hit for award 2023: %s", got)
	}
	m = h.press(u, m, "1.", "шамамен 2023 ж.", "Талдықорған")
	m = h.press(u, m, "Марапаттар (", "— марапаттар:", "«Мейір-Талдықорған»")

	m = h.say(u, "/awards", "Марапаттар табысталған форумдар")
	m = h.press(u, m, "2021", "2021 жылғы марапаттар", "Жомарт жүрек")
	h.press(u, m, "🏆 Марапаттар", "Марапаттар табысталған форумдар")

	m = h.say(u, "/years", "Жылды таңдаңыз")
	h.press(u, m, "2018 (2)", "2018 жыл: 2 форум", "Тараз")
	m = h.say(u, "/regions", "Өңірді таңдаңыз")
	h.press(u, m, "Жамбыл", "Жамбыл", "1 форум", "16 қазан 2018 ж.")
}

func TestJourneyEnglishByLangMenu(t *testing.T) {
	t.Parallel()
	h := newHarness(t).start()
	u := user(1003, "de") // a language the bot does not speak: Kazakh by default

	h.say(u, "/start", "Сәлеметсіз бе")
	m := h.say(u, "/lang", "Тілді таңдаңыз")
	h.press(u, m, "English", "I will speak English now.", "What are you looking for?")
	m = h.say(u, "/past", "5 past forums, newest first")
	h.press(u, m, "Taraz", "16 October 2018", "Taraz")
	h.say(u, "/help", "What the bot does")

	// The choice outlives the session: it is in the chat's prefs.
	s, err := h.store.LoadSession(context.Background(), u.ID)
	if err != nil || s.Lang != "en" {
		t.Fatalf("stored language %q, %v", s.Lang, err)
	}
}
