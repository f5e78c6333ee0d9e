package catalog

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
)

// testCatalog is a small catalog, independent of builtin.yaml, with forums in
// Taraz, Taldykorgan (two), Kyzylorda, Almaty and Shymkent. Several mention
// other cities in their body text, so that a city's own forum must win on
// field weight.
func testCatalog() *Catalog {
	return &Catalog{Forums: []Forum{
		{
			ID: "almaty-xi", Ordinal: 11, Level: LevelCity, Region: "almaty",
			City:  Text{KK: "Алматы", RU: "Алматы", EN: "Almaty"},
			Venue: Text{KK: "Республика сарайы", RU: "Дворец Республики", EN: "Palace of the Republic"},
			Title: Text{KK: "XI Алматы азаматтық форумы", RU: "XI Алматинский гражданский форум", EN: "XI Almaty Civil Forum"},
			Summary: Text{
				KK: "Форумға Тараздан, Қызылордадан және Талдықорғаннан қонақтар келді.",
				RU: "На форум приехали гости из Тараза, Кызылорды и Талдыкоргана.",
				EN: "Guests came from Taraz, Kyzylorda and Taldykorgan.",
			},
			Start: Date{Year: 2019, Precision: PrecisionYear},
			Figures: []Figure{{
				Label: Text{KK: "грант сомасы, теңге", RU: "сумма грантов, тенге", EN: "grants, tenge"},
				Value: "12023", Kind: "funding",
			}},
		},
		{
			ID: "taldykorgan-ngo-forum", Level: LevelRegional, Region: "almaty_region",
			City:  Text{KK: "Талдықорған", RU: "Талдыкорган", EN: "Taldykorgan"},
			Title: Text{KK: "Алматы облысы ҮЕҰ форумы", RU: "Форум НПО Алматинской области", EN: "Almaty Region NGO Forum"},
			Summary: Text{
				KK: "Облыстың үкіметтік емес ұйымдары тәжірибе бөлісті.",
				RU: "Неправительственные организации области обменялись опытом.",
				EN: "The region's NGOs shared experience.",
			},
			Start: Date{Year: 2018, Precision: PrecisionYear},
			Speakers: []Person{{
				Name: Text{KK: "Ақан Жылқышыбайұлы", RU: "Акан Жылкышыбайулы", EN: "Akan Zhylkyshybayuly"},
				Role: Text{KK: "облыс әкімінің орынбасары", RU: "заместитель акима области", EN: "deputy akim of the region"},
			}},
		},
		{
			ID: "taraz-viii-2018", Ordinal: 8, Level: LevelRegional, Region: "jambyl",
			City:  Text{KK: "Тараз", RU: "Тараз", EN: "Taraz"},
			Title: Text{KK: "Жамбыл облысының VIII азаматтық форумы", RU: "VIII Гражданский форум Жамбылской области", EN: "VIII Civil Forum of Zhambyl Region"},
			Theme: Text{KK: "Қоғам мен мемлекет серіктестігі", RU: "Партнёрство общества и государства", EN: "Partnership of society and the state"},
			Summary: Text{
				KK: "Таразда өткен форумға Алматыдан сарапшылар қатысты.",
				RU: "В форуме в Таразе участвовали эксперты из Алматы.",
				EN: "Experts from Almaty took part in the forum in Taraz.",
			},
			Start: Date{Year: 2018, Month: 10, Day: 16, Precision: PrecisionDay},
		},
		{
			ID: "kyzylorda-x-2021", Ordinal: 10, Level: LevelRegional, Region: "kyzylorda",
			City:  Text{KK: "Қызылорда", RU: "Кызылорда", EN: "Kyzylorda"},
			Title: Text{KK: "Қызылорда облысының X жергілікті азаматтық форумы", RU: "X местный гражданский форум Кызылординской области", EN: "X Local Civil Forum of Kyzylorda Region"},
			Summary: Text{
				KK: "Форумда 2023 жылға дейінгі жоспарлар талқыланды.",
				RU: "На форуме обсудили планы до 2023 года.",
				EN: "The forum discussed plans up to 2023.",
			},
			Start: Date{Year: 2021, Precision: PrecisionYear},
			Awards: []Award{{
				Contest:    Text{KK: "Жомарт жүрек", RU: "Жомарт жүрек", EN: "Zhomart Zhurek (Generous Heart)"},
				Nomination: Text{KK: "Жыл волонтері", RU: "Волонтёр года", EN: "Volunteer of the Year"},
				Winner:     Text{KK: "Әлия Сейітова", RU: "Алия Сеитова", EN: "Aliya Seitova"},
			}},
		},
		{
			ID: "zhetysu-ii-2023", Ordinal: 2, Level: LevelRegional, Region: "jetisu",
			City:  Text{KK: "Талдықорған", RU: "Талдыкорган", EN: "Taldykorgan"},
			Title: Text{KK: "Жетісу облысының II азаматтық форумы", RU: "II Гражданский форум области Жетісу", EN: "II Civil Forum of Zhetysu Region"},
			Summary: Text{
				KK: "Форумда әлеуметтік жобалар жәрмеңкесі өтті.",
				RU: "На форуме прошла ярмарка социальных проектов.",
				EN: "A fair of social projects was held at the forum.",
			},
			Start: Date{Year: 2023, Precision: PrecisionYear},
			Awards: []Award{{
				Contest: Text{
					KK: "Әлеуметтік идеялар мен жобалар жәрмеңкесі-2023",
					RU: "Ярмарка социальных идей и проектов-2023",
					EN: "Social Ideas and Projects Fair 2023",
				},
				Organization: Text{KK: "«Жас қанат» қоғамдық бірлестігі", RU: "Общественное объединение «Жас канат»", EN: "Zhas Kanat public association"},
				Project:      Text{KK: "Инклюзивті спорт", RU: "Инклюзивный спорт", EN: "Inclusive sport"},
			}},
		},
		{
			ID: "shymkent-2023", Level: LevelCity, Region: "shymkent",
			City:  Text{KK: "Шымкент", RU: "Шымкент", EN: "Shymkent"},
			Title: Text{KK: "Шымкент қалалық азаматтық форумы", RU: "Городской гражданский форум Шымкента", EN: "Shymkent City Civil Forum"},
			Start: Date{Year: 2023, Month: 5, Precision: PrecisionMonth},
		},
	}}
}

var testIndex = sync.OnceValue(func() *Index { return NewIndex(testCatalog()) })

func hitIDs(hits []Hit) []string {
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.Forum.ID
	}
	return ids
}

func TestSearchFirst(t *testing.T) {
	t.Parallel()
	taldykorgan := []string{"taldykorgan-ngo-forum", "zhetysu-ii-2023"}
	tests := []struct {
		query string
		first []string // the first hit must be one of these
	}{
		{"Тараз", []string{"taraz-viii-2018"}},
		{"taraz", []string{"taraz-viii-2018"}},
		{"TARAZ", []string{"taraz-viii-2018"}},
		{"Таразда", []string{"taraz-viii-2018"}},
		{"в Таразе", []string{"taraz-viii-2018"}},
		{"Тараздағы форум", []string{"taraz-viii-2018"}},
		{"форум в Таразе", []string{"taraz-viii-2018"}},
		{"ТАЛДЫҚОРҒАН", taldykorgan},
		{"Талдыкорган", taldykorgan},
		{"taldykorgan", taldykorgan},
		{"taldyqorgan", taldykorgan},
		{"Талдықорғандағы", taldykorgan},
		{"Талдыкоргн", taldykorgan},  // a letter missing
		{"Талдыкорган", taldykorgan}, // Russian spelling
		{"Кызылорда", []string{"kyzylorda-x-2021"}},
		{"Қызылордада", []string{"kyzylorda-x-2021"}},
		{"kyzylorda", []string{"kyzylorda-x-2021"}},
		{"Кызылорде", []string{"kyzylorda-x-2021"}},
		{"Кызылорда", []string{"kyzylorda-x-2021"}},
		{"Алматы", []string{"almaty-xi"}},
		{"Алматыдағы", []string{"almaty-xi"}},
		{"almaty", []string{"almaty-xi"}},
		{"Алматы облысы", []string{"taldykorgan-ngo-forum"}},
		{"Жетісу", []string{"zhetysu-ii-2023"}},
		{"zhetysu", []string{"zhetysu-ii-2023"}},
		{"Жетісудағы форум", []string{"zhetysu-ii-2023"}},
		{"Шымкент", []string{"shymkent-2023"}},
		{"award 2023", []string{"zhetysu-ii-2023"}},
		{"марапат 2023", []string{"zhetysu-ii-2023"}},
		{"награды 2023", []string{"zhetysu-ii-2023"}},
		{"2023 жылғы жеңімпаздар", []string{"zhetysu-ii-2023"}},
		{"победители конкурса 2023 года", []string{"zhetysu-ii-2023"}},
		{"Жомарт жүрек", []string{"kyzylorda-x-2021"}},
		{"Zhomart", []string{"kyzylorda-x-2021"}},
		{"жомарт", []string{"kyzylorda-x-2021"}},
		{"Жәрмеңке", []string{"zhetysu-ii-2023"}},
		{"VIII", []string{"taraz-viii-2018"}},
		{"VIII форум", []string{"taraz-viii-2018"}},
		{"8-ші форум", []string{"taraz-viii-2018"}},
		{"восьмой форум", []string{"taraz-viii-2018"}},
		{"сегізінші", []string{"taraz-viii-2018"}},
		{"XI", []string{"almaty-xi"}},
		{"ХІ форум", []string{"almaty-xi"}}, // Cyrillic Х and І
		{"X форум", []string{"kyzylorda-x-2021"}},
		{"Жылқышыбайұлы", []string{"taldykorgan-ngo-forum"}},
		{"Zhylkyshybaiuly", []string{"taldykorgan-ngo-forum"}},
		{"Республика сарайы", []string{"almaty-xi"}},
		{"Алия Сеитова", []string{"kyzylorda-x-2021"}},
		{"волонтер", []string{"kyzylorda-x-2021"}},
		{"Нұр-Сұлтан Тараз", []string{"taraz-viii-2018"}},
		{"инклюзивный спорт", []string{"zhetysu-ii-2023"}},
		{"2018 Тараз", []string{"taraz-viii-2018"}},
		{"Тараз 2018", []string{"taraz-viii-2018"}},
	}
	ix := testIndex()
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			t.Parallel()
			hits := ix.Search(tt.query, 5)
			if len(hits) == 0 {
				t.Fatalf("Search(%q) found nothing, want %v first", tt.query, tt.first)
			}
			if !slices.Contains(tt.first, hits[0].Forum.ID) {
				t.Errorf("Search(%q) = %v, want one of %v first", tt.query, describeHits(hits), tt.first)
			}
		})
	}
}

func describeHits(hits []Hit) string {
	var b strings.Builder
	for _, h := range hits {
		fmt.Fprintf(&b, "[%s %.3f %v] ", h.Forum.ID, h.Score, h.Matched)
	}
	return b.String()
}

func TestSearchNothing(t *testing.T) {
	t.Parallel()
	tests := []string{
		"",
		"   ",
		"?!...,;",
		"«»—",
		"форум",
		"Форумы",
		"forum",
		"civil forum",
		"азаматтық форум",
		"гражданский форум",
		"the forum of",
		"в и the of",
		"қандай форум",
		"Гражданского форума",
		"а",
		"2099",
		"Астана", // no forum is there
		"zzzzzzzz",
	}
	ix := testIndex()
	for _, q := range tests {
		t.Run(q, func(t *testing.T) {
			t.Parallel()
			if hits := ix.Search(q, 10); len(hits) != 0 {
				t.Errorf("Search(%q) = %v, want no hits", q, describeHits(hits))
			}
		})
	}
}

func TestSearchExact(t *testing.T) {
	t.Parallel()
	tests := []struct {
		query string
		ids   []string // all hits, in any order
	}{
		// A year matches the start year only: not "12023" in a figure, not
		// "2023" in a summary.
		{"2023", []string{"zhetysu-ii-2023", "shymkent-2023"}},
		{"2018", []string{"taldykorgan-ngo-forum", "taraz-viii-2018"}},
		{"2021", []string{"kyzylorda-x-2021"}},
		// A number matches the ordinal and numbers in the text.
		{"8", []string{"taraz-viii-2018"}},
		{"12023", []string{"almaty-xi"}},
		// Award words find the forums that handed out awards.
		{"марапаттар", []string{"kyzylorda-x-2021", "zhetysu-ii-2023"}},
		{"awards", []string{"kyzylorda-x-2021", "zhetysu-ii-2023"}},
	}
	ix := testIndex()
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			t.Parallel()
			got := hitIDs(ix.Search(tt.query, 0))
			slices.Sort(got)
			want := slices.Sorted(slices.Values(tt.ids))
			if !slices.Equal(got, want) {
				t.Errorf("Search(%q) = %v, want %v", tt.query, got, want)
			}
		})
	}
}

func TestSearchMatched(t *testing.T) {
	t.Parallel()
	tests := []struct {
		query string
		id    string
		want  []string // fields Matched must hold
	}{
		{"Тараз", "taraz-viii-2018", []string{FieldCity, FieldRegion, FieldSummary}},
		{"award 2023", "zhetysu-ii-2023", []string{FieldYear, FieldAward}},
		{"VIII", "taraz-viii-2018", []string{FieldOrdinal, FieldTitle}},
		{"Жомарт жүрек", "kyzylorda-x-2021", []string{FieldAward}},
		{"Жылқышыбайұлы", "taldykorgan-ngo-forum", []string{FieldSpeaker}},
	}
	ix := testIndex()
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			t.Parallel()
			for _, h := range ix.Search(tt.query, 0) {
				if h.Forum.ID != tt.id {
					continue
				}
				for _, f := range tt.want {
					if !slices.Contains(h.Matched, f) {
						t.Errorf("Search(%q): %s matched %v, want %s among them", tt.query, tt.id, h.Matched, f)
					}
				}
				return
			}
			t.Errorf("Search(%q) did not find %s", tt.query, tt.id)
		})
	}
}

// TestSearchRanking checks properties every result list must have.
func TestSearchRanking(t *testing.T) {
	t.Parallel()
	c := testCatalog()
	ix := NewIndex(c)
	queries := []string{"Тараз", "award 2023", "Талдыкорган", "Алматы облысы", "2018", "жобалар жәрмеңкесі", "Kyzylorda Zhomart"}
	for _, q := range queries {
		t.Run(q, func(t *testing.T) {
			t.Parallel()
			hits := ix.Search(q, 0)
			seen := map[string]bool{}
			for i, h := range hits {
				if i > 0 && h.Score > hits[i-1].Score {
					t.Errorf("Search(%q): hit %d scores %v, more than the one before, %v", q, i, h.Score, hits[i-1].Score)
				}
				if seen[h.Forum.ID] {
					t.Errorf("Search(%q): %s found twice", q, h.Forum.ID)
				}
				seen[h.Forum.ID] = true
				if f, _ := c.ByID(h.Forum.ID); f != h.Forum {
					t.Errorf("Search(%q): hit %s does not point into the catalog", q, h.Forum.ID)
				}
				if len(h.Matched) == 0 {
					t.Errorf("Search(%q): hit %s matched no field", q, h.Forum.ID)
				}
			}
			if n := len(hits); n > 1 {
				if got := ix.Search(q, 1); len(got) != 1 || got[0].Forum != hits[0].Forum {
					t.Errorf("Search(%q, 1) = %v, want the first of %v", q, describeHits(got), describeHits(hits))
				}
			}
		})
	}
}

// TestSearchCoverage checks that a forum matching more of the query's terms
// ranks above one matching fewer, however heavy the fields.
func TestSearchCoverage(t *testing.T) {
	t.Parallel()
	ix := testIndex()
	hits := ix.Search("Талдыкорган 2018", 0)
	if len(hits) == 0 || hits[0].Forum.ID != "taldykorgan-ngo-forum" {
		t.Fatalf("Search(Талдыкорган 2018) = %v, want taldykorgan-ngo-forum first", describeHits(hits))
	}
	if int(hits[0].Score) != 2 {
		t.Errorf("first hit score %v, want 2 terms matched", hits[0].Score)
	}
	for _, h := range hits[1:] {
		if int(h.Score) != 1 {
			t.Errorf("%s score %v, want 1 term matched", h.Forum.ID, h.Score)
		}
	}
}

// TestSearchTypoScoresLower checks that a typo finds the forum with a lower
// score than the exact spelling.
func TestSearchTypoScoresLower(t *testing.T) {
	t.Parallel()
	ix := testIndex()
	exact := ix.Search("Талдыкорган", 1)
	typo := ix.Search("Талдыкоргн", 1)
	if len(exact) == 0 || len(typo) == 0 {
		t.Fatalf("exact %v, typo %v: want hits for both", describeHits(exact), describeHits(typo))
	}
	if typo[0].Score >= exact[0].Score {
		t.Errorf("typo scores %v, exact %v: want the typo lower", typo[0].Score, exact[0].Score)
	}
	// Short words get no typo tolerance: "Тараз" is not "Араз" or "Тарз".
	for _, q := range []string{"Араз", "Тарз"} {
		if hits := ix.Search(q, 0); len(hits) != 0 {
			t.Errorf("Search(%q) = %v, want no typo match on a four-rune word", q, describeHits(hits))
		}
	}
	// From five runes on, one edit is forgiven.
	for _, q := range []string{"Тараж", "Тарраз", "Трааз"} {
		if hits := ix.Search(q, 1); len(hits) == 0 || hits[0].Forum.ID != "taraz-viii-2018" {
			t.Errorf("Search(%q) = %v, want taraz-viii-2018 first", q, describeHits(hits))
		}
	}
}

func TestSearchConcurrent(t *testing.T) {
	t.Parallel()
	ix := NewIndex(testCatalog())
	queries := []string{"Тараз", "award 2023", "Талдыкоргн", "Жомарт жүрек", "VIII", "форум"}
	want := make([][]string, len(queries))
	for i, q := range queries {
		want[i] = hitIDs(ix.Search(q, 0))
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 50 {
				k := (g + i) % len(queries)
				if got := hitIDs(ix.Search(queries[k], 0)); !slices.Equal(got, want[k]) {
					t.Errorf("Search(%q) = %v concurrently, %v alone", queries[k], got, want[k])
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestSearchEmptyIndex(t *testing.T) {
	t.Parallel()
	for _, ix := range []*Index{NewIndex(nil), NewIndex(&Catalog{})} {
		if hits := ix.Search("Тараз", 10); len(hits) != 0 {
			t.Errorf("empty index found %v", describeHits(hits))
		}
	}
}

func TestWithinOneEdit(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, b string
		want bool
	}{
		{"тараз", "тараз", true},
		{"тараз", "тарас", true},   // substitution
		{"тараз", "траз", true},    // deletion
		{"тараз", "таррaз", false}, // two edits
		{"тараз", "таразы", true},  // insertion
		{"тараз", "атраз", true},   // transposition
		{"тараз", "ратаз", false},  // not neighbours
		{"тараз", "тарзаа", false},
		{"", "а", true},
		{"ab", "cd", false},
	}
	for _, tt := range tests {
		if got := withinOneEdit(tt.a, tt.b); got != tt.want {
			t.Errorf("withinOneEdit(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
		if got := withinOneEdit(tt.b, tt.a); got != tt.want {
			t.Errorf("withinOneEdit(%q, %q) = %v, want %v", tt.b, tt.a, got, tt.want)
		}
	}
}

// TestSearchBuiltin runs the headline queries against the catalog the bot
// ships.
func TestSearchBuiltin(t *testing.T) {
	t.Parallel()
	ix := NewIndex(Builtin())
	taldykorgan := []string{"taldykorgan-ngo-forum", "zhetysu-ii-2023"}
	tests := []struct {
		query string
		first []string
	}{
		{"Тараз", []string{"taraz-viii-2018"}},
		{"taraz", []string{"taraz-viii-2018"}},
		{"в Таразе", []string{"taraz-viii-2018"}},
		{"ТАЛДЫҚОРҒАН", taldykorgan},
		{"Талдыкорган", taldykorgan},
		{"taldykorgan", taldykorgan},
		{"Талдыкоргн", taldykorgan},
		{"Кызылорда", []string{"kyzylorda-x-2021"}},
		{"Қызылордада", []string{"kyzylorda-x-2021"}},
		{"kyzylorda", []string{"kyzylorda-x-2021"}},
		{"Алматы", []string{"almaty-xi"}},
		{"Жетісу", []string{"zhetysu-ii-2023"}},
		{"award 2023", []string{"zhetysu-ii-2023"}},
		{"марапат 2023", []string{"zhetysu-ii-2023"}},
		{"награды 2023", []string{"zhetysu-ii-2023"}},
		{"Жомарт жүрек", []string{"kyzylorda-x-2021"}},
		{"Zhomart", []string{"kyzylorda-x-2021"}},
		{"Әлеуметтік идеялар мен жобалар жәрмеңкесі", []string{"zhetysu-ii-2023"}},
		{"VIII", []string{"taraz-viii-2018"}},
		{"XI форум", []string{"almaty-xi"}},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			t.Parallel()
			hits := ix.Search(tt.query, 5)
			if len(hits) == 0 || !slices.Contains(tt.first, hits[0].Forum.ID) {
				t.Errorf("Search(%q) = %v, want one of %v first", tt.query, describeHits(hits), tt.first)
			}
		})
	}
	for _, q := range []string{"", "форум", "civil forum", "?!"} {
		if hits := ix.Search(q, 5); len(hits) != 0 {
			t.Errorf("Search(%q) = %v, want no hits", q, describeHits(hits))
		}
	}
}

// benchCatalog generates a catalog of n forums with texts in three languages
// drawn from the regions and a word list, and awards at about every third.
func benchCatalog(n int) *Catalog {
	rng := rand.New(rand.NewPCG(1, 2))
	words := []Text{
		{KK: "қоғам", RU: "общество", EN: "society"},
		{KK: "мемлекет", RU: "государство", EN: "state"},
		{KK: "серіктестік", RU: "партнёрство", EN: "partnership"},
		{KK: "жастар", RU: "молодёжь", EN: "youth"},
		{KK: "волонтерлік", RU: "волонтёрство", EN: "volunteering"},
		{KK: "әлеуметтік жоба", RU: "социальный проект", EN: "social project"},
		{KK: "грант", RU: "грант", EN: "grant"},
		{KK: "экология", RU: "экология", EN: "ecology"},
		{KK: "білім беру", RU: "образование", EN: "education"},
		{KK: "денсаулық", RU: "здоровье", EN: "health"},
		{KK: "үкіметтік емес ұйымдар", RU: "неправительственные организации", EN: "non-governmental organisations"},
		{KK: "диалог", RU: "диалог", EN: "dialogue"},
		{KK: "инклюзия", RU: "инклюзия", EN: "inclusion"},
		{KK: "ауыл", RU: "село", EN: "village"},
		{KK: "мәдениет", RU: "культура", EN: "culture"},
		{KK: "спорт", RU: "спорт", EN: "sport"},
	}
	sentence := func(k int) Text {
		var kk, ru, en []string
		for range k {
			w := words[rng.IntN(len(words))]
			kk, ru, en = append(kk, w.KK), append(ru, w.RU), append(en, w.EN)
		}
		return Text{KK: strings.Join(kk, " "), RU: strings.Join(ru, " "), EN: strings.Join(en, " ")}
	}
	c := &Catalog{}
	for i := range n {
		r := Regions[rng.IntN(len(Regions))]
		f := Forum{
			ID:      fmt.Sprintf("forum-%d", i),
			Ordinal: 1 + rng.IntN(20),
			Level:   LevelRegional,
			Region:  r.Code,
			City:    r.Center,
			Title: Text{
				KK: r.Name.KK + " азаматтық форумы",
				RU: "Гражданский форум: " + r.Name.RU,
				EN: r.Name.EN + " Civil Forum",
			},
			Theme:   sentence(4),
			Summary: sentence(30),
			Start:   Date{Year: 2005 + rng.IntN(20), Precision: PrecisionYear},
		}
		for range 5 {
			f.Agenda = append(f.Agenda, sentence(6))
			f.Outcomes = append(f.Outcomes, sentence(8))
		}
		f.Speakers = []Person{{Name: Text{KK: fmt.Sprintf("Спикер %d", i), EN: fmt.Sprintf("Speaker %d", i)}, Role: sentence(3)}}
		if i%3 == 0 {
			f.Awards = []Award{{Contest: sentence(3), Nomination: sentence(2), Winner: Text{KK: fmt.Sprintf("Жеңімпаз %d", i)}}}
		}
		c.Forums = append(c.Forums, f)
	}
	return c
}

func BenchmarkSearch(b *testing.B) {
	ix := NewIndex(benchCatalog(500))
	queries := []string{
		"Тараз",
		"taldykorgan",
		"Қызылордада",
		"award 2023",
		"марапат 2023",
		"Талдыкоргн",
		"VIII форум",
		"әлеуметтік жобалар жәрмеңкесі",
		"волонтерлік жастар Шымкент 2019",
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		ix.Search(queries[i%len(queries)], 10)
	}
}

func BenchmarkNewIndex(b *testing.B) {
	c := benchCatalog(500)
	b.ReportAllocs()
	for b.Loop() {
		NewIndex(c)
	}
}
