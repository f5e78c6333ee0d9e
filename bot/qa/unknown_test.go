package qa

import (
	"strings"
	"testing"

	"github.com/forumbot/forumbot/bot/catalog"
)

// TestNotInCatalogIsNotAnswered: a question that names what the catalog
// does not hold (a person in lower case, another person's surname, an award
// it lacks, a fact no report gives) is answered as not in the catalog, not
// about a forum that matches another word of it.
func TestNotInCatalogIsNotAnswered(t *testing.T) {
	c := catalog.Builtin()
	e := New(c, catalog.NewIndex(c))
	now := day(t, "2026-11-21")
	cases := []struct {
		lang, q string
		want    []string // pieces the reply must hold
	}{
		{"en", "who is marat beketov", []string{"marat beketov"}},
		{"ru", "что сказал аскар мамин на форуме в таразе", []string{"аскар мамин", "16 октября 2018"}},
		{"kk", "жанар ахметова кайда сойледи", []string{"жанар ахметова"}},
		{"ru", "что сказала ахметова", []string{"ахметова"}},
		{"en", "who won the youth award at the zhetysu forum", []string{"youth award", "2023"}},
		{"ru", "кто победил в конкурсе лучший волонтер", []string{"лучший волонтер"}},
		{"en", "who won the 'Young Volunteer' nomination", []string{"Young Volunteer"}},
		{"kk", "«Жас кошбасшы» номинациясында ким женди", []string{"Жас кошбасшы"}},
		{"ru", "во сколько начинается форум в таразе", []string{"16 октября 2018"}},
		{"en", "who sponsored the kyzylorda forum", []string{"2021"}},
		{"en", "how do i register for the taraz forum", nil},
		{"en", "what was the dress code at the almaty forum", nil},
		{"en", "how many schools took part", nil},
		{"kk", "форумга калай тиркелуге болады", nil},
		{"ru", "точная дата форума в алматы", []string{"2018"}},
		{"en", "which month was the kyzylorda forum", []string{"2021"}},
	}
	for _, tc := range cases {
		r := e.Answer(tc.q, tc.lang, now)
		text := plain(r.Text)
		if r.Kind != Unknown {
			t.Errorf("[%s] %q: %s, want %s\n\t%s", tc.lang, tc.q, r.Kind, Unknown, text)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(text, w) {
				t.Errorf("[%s] %q: reply lacks %q\n\t%s", tc.lang, tc.q, w, text)
			}
		}
	}
}

// TestNamesComeFromTheCatalog: what the previous test declines is answered
// once the catalog holds it, with no change to the code.
func TestNamesComeFromTheCatalog(t *testing.T) {
	c := withForums(pavlodar)
	e := New(c, catalog.NewIndex(c))
	now := day(t, "2026-11-21")
	cases := []struct {
		lang, q string
		want    string
	}{
		{"ru", "кто такой ерлан сапаров", "Ерлан Сапаров"},
		{"kk", "«Жас кошбасшы» номинациясында ким женди", "Дана Серікқызы"},
		{"en", "who won the young leader award", "Dana Serikkyzy"},
		{"en", "who got the 'Young Leader' nomination", "Dana Serikkyzy"},
	}
	for _, tc := range cases {
		r := e.Answer(tc.q, tc.lang, now)
		text := plain(r.Text)
		if !answers(r) || !strings.Contains(text, tc.want) {
			t.Errorf("[%s] %q: %s, want an answer with %q\n\t%s", tc.lang, tc.q, r.Kind, tc.want, text)
		}
	}
}
