package app_test

import (
	"context"
	"strings"
	"testing"

	"github.com/forumbot/forumbot/bot/catalog"
	"github.com/forumbot/forumbot/bot/fakeapi"
)

// forumButtons are the forum ids of the card buttons under m, in order.
func forumButtons(m fakeapi.Message) []string {
	var ids []string
	for _, row := range m.Keyboard {
		for _, b := range row {
			if id, ok := strings.CutPrefix(b.CallbackData, "f:"); ok {
				ids = append(ids, id)
			}
		}
	}
	return ids
}

// wantButtons checks the card buttons under m.
func wantButtons(t *testing.T, m fakeapi.Message, want ...string) {
	t.Helper()
	if got := forumButtons(m); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("under %q: card buttons %v, want %v", m.Plain, got, want)
	}
}

func TestQuestionsKazakh(t *testing.T) {
	t.Parallel()
	h := newHarness(t).start()
	u := user(7001, "kk")

	m := h.say(u, "Тараздағы форум қашан өтті?", "16 қазан 2018 ж.", "Таразда", "(Азаматтық орталық) өтті.")
	wantButtons(t, m, "taraz-viii-2018")
	// The button opens the forum's card.
	h.press(u, m, "Үкіметтік емес ұйымдардың VIII форумы", "Азаматтық орталық", "Мемлекеттік орган, ҮЕҰ және бизнес")

	m = h.say(u, "Жетісуда қанша ҮЕҰ бар?", "Жетісу облысындағы үкіметтік емес ұйымдар — 377.")
	wantButtons(t, m, "zhetysu-ii-2023")

	// Missing Kazakh letters; two forums in Taldykorgan, one undated.
	m = h.say(u, "Талдыкорганда форум кашан отти?", "шамамен 2023 ж.", "қашан өткені каталогта көрсетілмеген")
	wantButtons(t, m, "zhetysu-ii-2023", "taldykorgan-ngo-forum")
}

func TestQuestionsRussian(t *testing.T) {
	t.Parallel()
	h := newHarness(t).start()
	u := user(7002, "ru")

	// Nothing upcoming on the test's day: said so, with the latest forum.
	m := h.say(u, "Когда следующий форум в Алматы?", "В каталоге нет предстоящих форумов (Алматы).",
		"«XI гражданский форум» прошёл примерно в 2018 г. в Алматы.")
	wantButtons(t, m, "almaty-xi")

	m = h.say(u, "Кто победил в конкурсе «Жомарт жүрек» в Кызылорде?", "«Меценат года» — Ляйля Ризванова (предприниматель)")
	wantButtons(t, m, "kyzylorda-x-2021")
	h.press(u, m, "Открыть", "X местный Гражданский форум", "Дом дружбы")

	// Not understood: what was, then the search results.
	mk := h.mark(u.ID)
	h.api.SendText(u, "Тараз?")
	h.waitAfter(u.ID, mk, "По запросу «Тараз?»")
	msgs := h.api.Chat(u.ID)
	if note := msgs[len(msgs)-2].Plain; !strings.Contains(note, "Что я понял из вопроса — место: Тараз.") {
		t.Errorf("before the search results: %q", note)
	}

	// Not a question: searched for, as before.
	m = h.say(u, "Тараз 2018", "По запросу «Тараз 2018»")
	if got := m.Keyboard[0][0].CallbackData; got != "f:taraz-viii-2018" {
		t.Errorf("first hit for Тараз 2018: %s", got)
	}
}

func TestQuestionsEnglish(t *testing.T) {
	t.Parallel()
	h := newHarness(t).start()
	u := user(7003, "en")

	m := h.say(u, "Who won the Zhomart Zhurek contest in Kyzylorda?", "“Patron of the Year” — Lyailya Rizvanova (entrepreneur)")
	wantButtons(t, m, "kyzylorda-x-2021")

	m = h.say(u, "When was the Almaty Region NGO Forum?", "The catalog does not say when “Almaty Region NGO Forum” took place.", "in Taldykorgan")
	wantButtons(t, m, "taldykorgan-ngo-forum")

	// Too many forums fit: which one?
	m = h.say(u, "When did the forum take place?", "5 forums in the catalog fit the question. Which one do you mean?")
	wantButtons(t, m, "zhetysu-ii-2023", "kyzylorda-x-2021", "taraz-viii-2018", "almaty-xi", "taldykorgan-ngo-forum")
	h.press(u, m, "Taraz", "16 October 2018", "Civil Centre")
}

// TestQuestionAboutImportedForum: a forum imported into the catalog is
// answered on the next message, with no change to the bot; its texts reach
// the user as text, never as markup.
func TestQuestionAboutImportedForum(t *testing.T) {
	t.Parallel()
	h := newHarness(t).start()
	u := user(7004, "ru")
	h.say(u, "Когда пройдёт форум в Павлодаре?", "В каталоге нет предстоящих форумов (Павлодар).")

	c := *catalog.Builtin()
	c.Forums = append(append([]catalog.Forum(nil), c.Forums...), catalog.Forum{
		ID: "pavlodar-2027", Ordinal: 3, Level: catalog.LevelRegional, Region: "pavlodar",
		City:   catalog.Text{KK: "Павлодар", RU: "Павлодар", EN: "Pavlodar"},
		CityIn: catalog.Text{KK: "Павлодарда", RU: "в Павлодаре", EN: "in Pavlodar"},
		Venue:  catalog.Text{KK: "<Достық> үйі", RU: "Дом <дружбы> & согласия", EN: "House of <Friendship> & Accord"},
		Title:  catalog.Text{KK: "Павлодар облысының III азаматтық форумы", RU: "III гражданский форум Павлодарской области", EN: "3rd Pavlodar Region Civil Forum"},
		Start:  catalog.Date{Year: 2027, Month: 3, Day: 15, Precision: catalog.PrecisionDay, Time: "10:00"},
		Awards: []catalog.Award{{
			Contest: catalog.Text{KK: "«Ел үміті» байқауы", RU: "конкурс «Ел үміті»", EN: "El Umiti contest"},
			Winner:  catalog.Text{KK: "Дана Серікқызы", RU: "Дана Сериккызы", EN: "Dana Serikkyzy"},
		}},
	})
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if _, err := h.store.ReplaceCatalog(context.Background(), &c); err != nil {
		t.Fatal(err)
	}
	m := h.say(u, "Когда пройдёт форум в Павлодаре?", "Ближайший форум: «III гражданский форум Павлодарской области» пройдёт 15 марта 2027 г., 10:00 в Павлодаре (Дом <дружбы> & согласия).")
	wantButtons(t, m, "pavlodar-2027")
	if !strings.Contains(m.Text, "Дом &lt;дружбы&gt; &amp; согласия") {
		t.Errorf("catalog text not escaped: %q", m.Text)
	}
	m = h.say(u, "Кто победил в конкурсе «Ел үміті»?", "Дана Сериккызы")
	wantButtons(t, m, "pavlodar-2027")
}

// TestQuestionInAnotherLanguage: a Russian question in a Kazakh chat is
// answered in Russian, and the card button under it speaks Russian too;
// the card it opens, like the menu, is in the chat's language (/lang
// changes that).
func TestQuestionInAnotherLanguage(t *testing.T) {
	t.Parallel()
	h := newHarness(t).start()
	u := user(7004, "kk")

	m := h.say(u, "Когда прошёл форум в Таразе?", "16 октября 2018 г.")
	wantButtons(t, m, "taraz-viii-2018")
	h.press(u, m, "Открыть", "Үкіметтік емес ұйымдардың VIII форумы", "16 қазан 2018 ж.")
}
