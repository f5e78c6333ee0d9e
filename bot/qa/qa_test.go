package qa

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/forumbot/forumbot/bot/catalog"
	"github.com/forumbot/forumbot/locales"
)

// withForums is the built-in catalog plus forums.
func withForums(forums ...catalog.Forum) *catalog.Catalog {
	c := *catalog.Builtin()
	c.Forums = append(append([]catalog.Forum(nil), c.Forums...), forums...)
	return &c
}

// pavlodar is a forum the built-in catalog does not have, with every kind of
// fact, as an organizer would import it.
var pavlodar = catalog.Forum{
	ID: "pavlodar-iii-2027", Ordinal: 3, Level: catalog.LevelRegional, Region: "pavlodar",
	City:   catalog.Text{KK: "Павлодар", RU: "Павлодар", EN: "Pavlodar"},
	CityIn: catalog.Text{KK: "Павлодарда", RU: "в Павлодаре", EN: "in Pavlodar"},
	Venue:  catalog.Text{KK: "Ертіс сарайы", RU: "Дворец «Ертіс»", EN: "Ertis Palace"},
	Title:  catalog.Text{KK: "Павлодар облысының III азаматтық форумы", RU: "III гражданский форум Павлодарской области", EN: "3rd Pavlodar Region Civil Forum"},
	Theme:  catalog.Text{KK: "Ауыл және еріктілер", RU: "Село и волонтёры", EN: "Villages and Volunteers"},
	Start:  catalog.Date{Year: 2027, Month: 3, Day: 15, Precision: catalog.PrecisionDay},
	End:    &catalog.Date{Year: 2027, Month: 3, Day: 16, Precision: catalog.PrecisionDay},
	Speakers: []catalog.Person{{
		Name: catalog.Text{KK: "Ерлан Сапаров", RU: "Ерлан Сапаров", EN: "Yerlan Saparov"},
		Role: catalog.Text{KK: "облыс әкімінің орынбасары", RU: "заместитель акима области", EN: "deputy regional akim"},
	}},
	Outcomes: []catalog.Text{{KK: "Ауыл еріктілерінің жол картасы қабылданады.", RU: "Будет принята дорожная карта сельского волонтёрства.", EN: "A roadmap for rural volunteering is to be adopted."}},
	Figures: []catalog.Figure{{
		Label: catalog.Text{KK: "Облыстағы еріктілер", RU: "Волонтёры области", EN: "Volunteers in the region"},
		Value: "2500", Kind: "volunteers",
	}},
	Awards: []catalog.Award{{
		Contest:    catalog.Text{KK: "«Ел үміті» байқауы", RU: "конкурс «Ел үміті»", EN: "El Umiti contest"},
		Nomination: catalog.Text{KK: "Жас көшбасшы", RU: "Молодой лидер", EN: "Young Leader"},
		Winner:     catalog.Text{KK: "Дана Серікқызы", RU: "Дана Сериккызы", EN: "Dana Serikkyzy"},
	}},
}

// TestImportedForumIsAnswered: a forum added to the catalog is answered at
// once, every kind of fact, with no change to the code.
func TestImportedForumIsAnswered(t *testing.T) {
	c := withForums(pavlodar)
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	e := New(c, catalog.NewIndex(c))
	now := day(t, "2026-11-21")
	cases := []struct {
		lang, q string
		kind    Kind
		fact    Fact
		want    []string
	}{
		{"ru", "Когда следующий форум?", Answered, FactNext, []string{"Ближайший форум: «III гражданский форум Павлодарской области» пройдёт с 15 марта 2027 г. по 16 марта 2027 г. в Павлодаре (Дворец «Ертіс»)."}},
		{"kk", "Павлодардағы форум қашан өтеді?", Answered, FactNext, []string{"15 наурыз 2027 ж. – 16 наурыз 2027 ж. аралығында Павлодарда (Ертіс сарайы) өтеді."}},
		{"en", "When is the 3rd Pavlodar forum?", Answered, FactWhen, []string{"will take place from 15 March 2027 to 16 March 2027 in Pavlodar (Ertis Palace)."}},
		{"ru", "Кто победил в номинации «Молодой лидер»?", Answered, FactAward, []string{"«Молодой лидер» — Дана Сериккызы"}},
		{"en", "Who is Yerlan Saparov?", Answered, FactWho, []string{"Yerlan Saparov (deputy regional akim) spoke at “3rd Pavlodar Region Civil Forum”."}},
		{"kk", "Павлодар облысында қанша ерікті бар?", Answered, FactFigure, []string{"Облыстағы еріктілер — 2500."}},
		{"en", "What is the Pavlodar forum about?", Answered, FactAbout, []string{"“Villages and Volunteers”"}},
		{"ru", "Что примут на форуме в Павлодаре?", Answered, FactOutcome, []string{"дорожная карта сельского волонтёрства"}},
		{"ru", "Сколько форумов в каталоге?", Answered, FactCount, []string{"В каталоге 6 форумов"}},
	}
	for _, tc := range cases {
		r := e.Answer(tc.q, tc.lang, now)
		text := plain(r.Text)
		if r.Kind != tc.kind || r.Fact != tc.fact {
			t.Errorf("%q: %s/%s, want %s/%s: %s", tc.q, r.Kind, r.Fact, tc.kind, tc.fact, text)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(text, w) {
				t.Errorf("%q: %q lacks %q", tc.q, text, w)
			}
		}
		if tc.fact != FactCount && (len(r.Forums) == 0 || r.Forums[0].ID != pavlodar.ID) {
			t.Errorf("%q: forums %v, want %s", tc.q, r.Forums, pavlodar.ID)
		}
	}
	// Without the forum, the same question has no answer.
	b := catalog.Builtin()
	if r := New(b, catalog.NewIndex(b)).Answer("Кто победил в номинации «Молодой лидер»?", "ru", now); answers(r) {
		t.Errorf("the built-in catalog answers about a forum it lacks: %s", r.Text)
	}
}

// TestDatesAsKnown: each precision of a date is said as it is known, an
// approximate one as approximate, an unknown one as unknown; a missing city
// is said to be missing; a city without its locative still reads well.
func TestDatesAsKnown(t *testing.T) {
	now := day(t, "2026-11-21")
	forum := func(id string, d catalog.Date, city catalog.Text) catalog.Forum {
		return catalog.Forum{
			ID: strings.ToLower(id), Level: catalog.LevelCity, Region: "shymkent", City: city,
			Title: catalog.Text{KK: "Форум " + id, RU: "Форум " + id, EN: "Forum " + id}, Start: d,
		}
	}
	shymkent := catalog.Text{KK: "Шымкент", RU: "Шымкент", EN: "Shymkent"}
	c := &catalog.Catalog{Forums: []catalog.Forum{
		forum("Alpha", catalog.Date{Year: 2025, Month: 5, Precision: catalog.PrecisionMonth}, shymkent),
		forum("Bravo", catalog.Date{Year: 2024, Precision: catalog.PrecisionYear, Approx: true}, catalog.Text{}),
		forum("Charlie", catalog.Date{Precision: catalog.PrecisionUnknown}, shymkent),
	}}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	e := New(c, nil)
	cases := []struct {
		lang, q string
		kind    Kind
		want    string
	}{
		{"ru", "Когда прошёл форум Alpha?", Answered, "«Форум Alpha» прошёл в мае 2025 г. в городе Шымкент."},
		{"kk", "Форум Alpha қашан өтті?", Answered, "«Форум Alpha» 2025 жылғы мамырда Шымкент қаласында өтті."},
		{"en", "When was forum Alpha?", Answered, "“Forum Alpha” took place in May 2025 in Shymkent."},
		{"ru", "Когда прошёл форум Bravo?", Answered, "«Форум Bravo» прошёл примерно в 2024 г."},
		{"kk", "Форум Bravo қашан өтті?", Answered, "«Форум Bravo» шамамен 2024 ж. өтті."},
		{"en", "Where was forum Bravo?", Unknown, "The catalog does not say where “Forum Bravo” took place; the region is Shymkent City."},
		{"ru", "Когда прошёл форум Charlie?", Unknown, "Когда прошёл «Форум Charlie», в каталоге не указано. Известно, что он прошёл в городе Шымкент."},
	}
	for _, tc := range cases {
		r := e.Answer(tc.q, tc.lang, now)
		if text := plain(r.Text); r.Kind != tc.kind || !strings.Contains(text, tc.want) {
			t.Errorf("%q: %s %q, want %s %q", tc.q, r.Kind, text, tc.kind, tc.want)
		}
	}
}

// TestCatalogTextIsEscaped: the reply is HTML; catalog text in it is
// escaped, so a title with "<" or "&" is shown, not parsed.
func TestCatalogTextIsEscaped(t *testing.T) {
	f := pavlodar
	f.Title = catalog.Text{KK: "<b>Форум</b> & Ко", RU: "<b>Форум</b> & Ко", EN: "<b>Forum</b> & Co"}
	c := withForums(f)
	e := New(c, catalog.NewIndex(c))
	r := e.Answer("When is the next forum?", "en", day(t, "2026-11-21"))
	if !strings.Contains(r.Text, "“&lt;b&gt;Forum&lt;/b&gt; &amp; Co”") || strings.Contains(r.Text, "<b>") {
		t.Errorf("not escaped: %q", r.Text)
	}
}

// TestCancelledForum: a cancelled forum is never the next one, and its
// dates are told with the cancellation.
func TestCancelledForum(t *testing.T) {
	f := pavlodar
	f.Cancelled = true
	c := withForums(f)
	e := New(c, catalog.NewIndex(c))
	now := day(t, "2026-11-21")
	if r := e.Answer("Когда следующий форум?", "ru", now); r.Kind != Unknown {
		t.Errorf("a cancelled forum is the next one: %s", plain(r.Text))
	}
	r := e.Answer("Когда форум в Павлодаре?", "ru", now)
	if want := "должен был пройти с 15 марта 2027 г. по 16 марта 2027 г. в Павлодаре (Дворец «Ертіс»), но отменён."; !strings.Contains(plain(r.Text), want) {
		t.Errorf("%q lacks %q", plain(r.Text), want)
	}
}

// TestUnderstoodDescribe: what was understood of a question the engine
// cannot answer is told in the chat's language.
func TestUnderstoodDescribe(t *testing.T) {
	b := catalog.Builtin()
	e := New(b, catalog.NewIndex(b))
	r := e.Answer("Тараз 2018?", "ru", day(t, "2026-11-21"))
	if r.Kind != NotUnderstood {
		t.Fatalf("kind %s: %s", r.Kind, r.Text)
	}
	if got, want := r.Understood.Describe("ru"), "место: Тараз; год: 2018"; got != want {
		t.Errorf("Describe = %q, want %q", got, want)
	}
	if got := (Understood{}).Describe("kk"); got != "" {
		t.Errorf("nothing understood, yet %q", got)
	}
	u := Understood{Fact: FactWhen, Ordinal: 8, Names: []string{"«Жомарт жүрек» & co"}}
	if got, want := u.Describe("en"), "question: when; forum number: 8; name: «Жомарт жүрек» &amp; co"; got != want {
		t.Errorf("Describe = %q, want %q", got, want)
	}
}

// TestEmptyCatalog: with no catalog, questions are not answered and
// nothing breaks.
func TestEmptyCatalog(t *testing.T) {
	e := New(nil, nil)
	for _, q := range []string{"Когда следующий форум?", "Тараздағы форум қашан өтті?", "How many forums?", "", "?"} {
		if r := e.Answer(q, "ru", day(t, "2026-11-21")); answers(r) {
			t.Errorf("%q answered from an empty catalog: %s", q, r.Text)
		}
	}
}

// TestEveryKeyIsTranslated: the templates the answers use exist in every
// language (a missing key would come out as its name).
func TestEveryKeyIsTranslated(t *testing.T) {
	b := withForums(pavlodar)
	e := New(b, catalog.NewIndex(b))
	set := loadEvalSet(t)
	for _, lang := range locales.Supported {
		for _, q := range set.Questions {
			r := e.Answer(q.Q, lang, day(t, "2026-11-21"))
			if strings.Contains(r.Text, "qa_") {
				t.Errorf("%s %q: %s", lang, q.Q, r.Text)
			}
			if d := r.Understood.Describe(lang); strings.Contains(d, "qa_") {
				t.Errorf("%s %q: %s", lang, q.Q, d)
			}
		}
	}
}

// TestConcurrentAnswers: one engine answers from many goroutines at once,
// each the same as alone (run with -race).
func TestConcurrentAnswers(t *testing.T) {
	b := catalog.Builtin()
	e := New(b, catalog.NewIndex(b))
	set := loadEvalSet(t)
	now := day(t, set.Now)
	want := make([]string, len(set.Questions))
	for i, q := range set.Questions {
		r := e.Answer(q.Q, q.Lang, now)
		want[i] = fmt.Sprint(r.Kind, r.Fact, r.Text)
	}
	var wg sync.WaitGroup
	errs := make(chan string, len(set.Questions))
	for g := range 8 {
		wg.Go(func() {
			for i := range set.Questions {
				k := (i + g*17) % len(set.Questions)
				q := set.Questions[k]
				r := e.Answer(q.Q, q.Lang, now)
				if got := fmt.Sprint(r.Kind, r.Fact, r.Text); got != want[k] {
					errs <- fmt.Sprintf("%q: %q, alone %q", q.Q, got, want[k])
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// TestCityInIsValidated: the locative of the city is checked like other
// texts, and only makes sense with a city.
func TestCityInIsValidated(t *testing.T) {
	f := pavlodar
	f.CityIn = catalog.Text{KK: "Павлодарда", RU: "в Павлодаре"}
	err := (&catalog.Catalog{Forums: []catalog.Forum{f}}).Validate()
	if err == nil || !strings.Contains(err.Error(), "forums[0].city_in.en: is missing") {
		t.Errorf("city_in without en: %v", err)
	}
	f = pavlodar
	f.City = catalog.Text{}
	err = (&catalog.Catalog{Forums: []catalog.Forum{f}}).Validate()
	if err == nil || !strings.Contains(err.Error(), "forums[0].city_in: is the locative of city, which is not given") {
		t.Errorf("city_in without city: %v", err)
	}
	c, err := catalog.Parse("t.yaml", []byte(`forums:
  - id: x
    level: city
    region: shymkent
    city: {kk: Шымкент, ru: Шымкент, en: Shymkent}
    city_in: {kk: Шымкентте, ru: в Шымкенте, en: in Shymkent}
    title: {kk: Форум, ru: Форум, en: Forum}
    start: {precision: unknown}
`))
	if err != nil || c.Forums[0].CityIn.RU != "в Шымкенте" {
		t.Errorf("city_in not decoded: %v %+v", err, c)
	}
}

// FuzzAnswer: any text gets a reply without panicking; a reply that answers
// names its forums, and its HTML carries no markup of its own, the user's
// words and the catalog's texts escaped.
func FuzzAnswer(f *testing.F) {
	for _, q := range loadEvalSet(f).Questions {
		f.Add(q.Q, q.Lang)
	}
	f.Add("Когда был форум «<b>&amp;» в <Таразе>?", "ru")
	f.Add("Who won the \"<i>\" contest?", "en")
	b := withForums(pavlodar)
	e := New(b, catalog.NewIndex(b))
	now := day(f, "2026-11-21")
	f.Fuzz(func(t *testing.T, q, lang string) {
		r := e.Answer(q, lang, now)
		if answers(r) && (r.Text == "" || len(r.Forums) == 0) {
			t.Errorf("%q: %s with text %q and %d forums", q, r.Kind, r.Text, len(r.Forums))
		}
		if strings.ContainsAny(r.Text, "<>") || strings.Contains(strings.ReplaceAll(r.Text, "&amp;", ""), "& ") {
			t.Errorf("%q: markup or a bare & in %q", q, r.Text)
		}
	})
}
