package catalog

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode"
)

func TestBuiltinParsesAndValidates(t *testing.T) {
	c, err := Parse("builtin.yaml", builtinYAML)
	if err != nil {
		t.Fatalf("embedded builtin.yaml is invalid:\n%v", err)
	}
	if err := c.Validate(); err != nil {
		t.Fatalf("Validate on the parsed built-in catalog:\n%v", err)
	}
	if Builtin() != Builtin() {
		t.Error("Builtin returns a new catalog on every call; it should parse once")
	}
	if got := len(Builtin().Forums); got != 5 {
		t.Errorf("Builtin has %d forums, want 5", got)
	}
	if !reflect.DeepEqual(BuiltinYAML(), builtinYAML) {
		t.Error("BuiltinYAML differs from the embedded file")
	}
}

func builtinForum(t *testing.T, id string) *Forum {
	t.Helper()
	f, ok := Builtin().ByID(id)
	if !ok {
		t.Fatalf("forum %q missing from the built-in catalog", id)
	}
	return f
}

func wantTextEq(t *testing.T, what string, got, want Text) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %+v, want %+v", what, got, want)
	}
}

func figureByValue(f *Forum, value string) (Figure, bool) {
	for _, fig := range f.Figures {
		if fig.Value == value {
			return fig, true
		}
	}
	return Figure{}, false
}

func TestBuiltinForums(t *testing.T) {
	type want struct {
		id       string
		region   string
		level    Level
		ordinal  int
		start    Date
		days     int
		cityEN   string
		awards   int
		figures  int
		source   string
		figValue string // one figure that must be there
		figKind  string
	}
	for _, w := range []want{
		{"taldykorgan-ngo-forum", "almaty_region", LevelRegional, 0, Date{Precision: PrecisionUnknown}, 2, "Taldykorgan", 1, 5, "000_e0ba02ad7d19eece.txt", "154", "projects"},
		{"almaty-xi", "almaty", LevelCity, 11, Date{Year: 2018, Precision: PrecisionYear, Approx: true}, 0, "Almaty", 0, 8, "001_4faf2ade293ac667.txt", "8000", "volunteers"},
		{"taraz-viii-2018", "jambyl", LevelRegional, 8, Date{Year: 2018, Month: 10, Day: 16, Precision: PrecisionDay}, 0, "Taraz", 0, 4, "002_ad8a2653cb24e9f8.txt", "814.8", "funding"},
		{"kyzylorda-x-2021", "kyzylorda", LevelRegional, 10, Date{Year: 2021, Precision: PrecisionYear, Approx: true}, 0, "", 8, 5, "003_f64c2145dc9dd4af.txt", "1000", "ngo_count"},
		{"zhetysu-ii-2023", "jetisu", LevelNational, 2, Date{Year: 2023, Precision: PrecisionYear, Approx: true}, 2, "Taldykorgan", 3, 5, "004_6924d880bf8bdbaa.txt", "377", "ngo_count"},
	} {
		t.Run(w.id, func(t *testing.T) {
			f := builtinForum(t, w.id)
			if f.Region != w.region || f.Level != w.level || f.Ordinal != w.ordinal {
				t.Errorf("region, level, ordinal = %q, %q, %d; want %q, %q, %d", f.Region, f.Level, f.Ordinal, w.region, w.level, w.ordinal)
			}
			if f.Start != w.start {
				t.Errorf("start = %+v, want %+v", f.Start, w.start)
			}
			if f.End != nil {
				t.Errorf("end = %+v; no report gives an end date", *f.End)
			}
			if f.Days != w.days {
				t.Errorf("days = %d, want %d", f.Days, w.days)
			}
			if f.City.EN != w.cityEN {
				t.Errorf("city.en = %q, want %q", f.City.EN, w.cityEN)
			}
			if len(f.Awards) != w.awards || len(f.Figures) != w.figures {
				t.Errorf("%d awards, %d figures; want %d, %d", len(f.Awards), len(f.Figures), w.awards, w.figures)
			}
			if f.Source != w.source {
				t.Errorf("source = %q, want %q", f.Source, w.source)
			}
			fig, ok := figureByValue(f, w.figValue)
			if !ok || fig.Kind != w.figKind {
				t.Errorf("figure %s of kind %s: got %+v (found %v)", w.figValue, w.figKind, fig, ok)
			}
			for _, s := range []Text{f.Title, f.Summary} {
				if s.IsZero() {
					t.Error("title and summary are required of the built-in forums")
				}
			}
		})
	}
}

func TestBuiltinTaraz(t *testing.T) {
	f := builtinForum(t, "taraz-viii-2018")
	if got := f.Start.Start(time.UTC); got.Format("2006-01-02") != "2018-10-16" {
		t.Errorf("Start() = %s, want 2018-10-16", got)
	}
	wantTextEq(t, "venue", f.Venue, Text{KK: "Азаматтық орталық", RU: "Гражданский центр", EN: "Civil Centre"})
	if !strings.Contains(f.Outcomes[0].EN, "tripartite memorandum") {
		t.Errorf("outcome %q does not tell of the tripartite memorandum", f.Outcomes[0].EN)
	}
	if fig, _ := figureByValue(f, "108.2"); fig.Kind != "funding" || !strings.Contains(fig.Label.EN, "2017") {
		t.Errorf("the 108.2 mln increase over 2017: got %+v", fig)
	}
}

func TestBuiltinKyzylordaAwards(t *testing.T) {
	f := builtinForum(t, "kyzylorda-x-2021")
	wantTextEq(t, "venue", f.Venue, Text{KK: "Достық үйі", RU: "Дом дружбы", EN: "House of Friendship"})
	if !f.City.IsZero() {
		t.Errorf("city = %+v; the report does not name the city", f.City)
	}
	zhomart := map[string]Award{}
	for _, a := range f.Awards {
		if strings.Contains(a.Contest.EN, "Zhomart Zhurek") {
			zhomart[a.Nomination.KK] = a
		}
	}
	if len(zhomart) != 5 {
		t.Fatalf("%d Zhomart Zhurek nominations, want 5: %v", len(zhomart), zhomart)
	}
	a := zhomart["Жыл меценаты"]
	wantTextEq(t, "Patron of the Year winner", a.Winner, Text{KK: "Ляйля Ризванова", RU: "Ляйля Ризванова", EN: "Lyailya Rizvanova"})
	wantTextEq(t, "Patron of the Year role", a.Role, Text{KK: "кәсіпкер", RU: "предприниматель", EN: "entrepreneur"})
	wantTextEq(t, "Person of the Year winner", zhomart["Жыл тұлғасы"].Winner, Text{KK: "Әлия Қартабаева", RU: "Алия Картабаева", EN: "Aliya Kartabayeva"})
	wantTextEq(t, "Best Organisation winner", zhomart["Жылдың үздік ұйымы"].Winner, Text{KK: "Сәкен Алдашбаев", RU: "Сакен Алдашбаев", EN: "Saken Aldashbayev"})
	wantTextEq(t, "Native Land winner", zhomart["Туған өлке"].Winner, Text{KK: "Әліби Бекжанов", RU: "Алиби Бекжанов", EN: "Alibi Bekzhanov"})
	guardian := zhomart["Жылдың үздік қамқоршысы"]
	wantTextEq(t, "Best Benefactor winner", guardian.Winner, Text{KK: "Жандос Тұсмағанбетов", RU: "Жандос Тусмаганбетов", EN: "Zhandos Tusmaganbetov"})
	if !strings.Contains(guardian.Organization.EN, "Samruk") {
		t.Errorf("Best Benefactor organization = %q, want the Samruk centre", guardian.Organization.EN)
	}
	medal := f.Awards[0]
	wantTextEq(t, "medal winner", medal.Winner, Text{KK: "Анар Ізден", RU: "Анар Изден", EN: "Anar Izden"})
	if !strings.Contains(medal.Contest.EN, "30 Years of Independence") {
		t.Errorf("first award %q is not the 30 Years of Independence medal", medal.Contest.EN)
	}
}

func TestBuiltinZhetysu(t *testing.T) {
	f := builtinForum(t, "zhetysu-ii-2023")
	for value, kind := range map[string]string{"377": "ngo_count", "30": "other", "56": "other", "7": "other", "10": "projects"} {
		if fig, ok := figureByValue(f, value); !ok || fig.Kind != kind || fig.Approx {
			t.Errorf("figure %s: got %+v, want kind %s, exact", value, fig, kind)
		}
	}
	orgs := []string{"Meyir-Taldykorgan", "Zhas Buyn", "Mamania"}
	for i, a := range f.Awards {
		if !strings.Contains(a.Contest.KK, "Әлеуметтік идеялар мен жобалар жәрмеңкесі-2023") {
			t.Errorf("award %d contest = %q", i, a.Contest.KK)
		}
		if !strings.Contains(a.Organization.EN, orgs[i]) {
			t.Errorf("award %d organization = %q, want %s", i, a.Organization.EN, orgs[i])
		}
		if !a.Winner.IsZero() {
			t.Errorf("award %d names a winner %q the report does not give", i, a.Winner.EN)
		}
	}
	if !strings.Contains(f.Outcomes[0].EN, "Appeal") {
		t.Errorf("first outcome %q is not the adopted Appeal", f.Outcomes[0].EN)
	}
}

func TestBuiltinTaldykorganAndAlmaty(t *testing.T) {
	f := builtinForum(t, "taldykorgan-ngo-forum")
	if len(f.Awards) != 1 || !strings.Contains(f.Awards[0].Winner.EN, "not named") {
		t.Errorf("Taldykorgan awards = %+v, want one entry for the five unnamed NGOs", f.Awards)
	}
	if fig, ok := figureByValue(f, "400"); !ok || !fig.Approx || fig.Kind != "ngo_count" {
		t.Errorf("about 400 NGOs: got %+v", fig)
	}
	wantTextEq(t, "first speaker", f.Speakers[0].Name, Text{KK: "Ақан Жылқышыбайұлы", RU: "Акан Жылкышыбайулы", EN: "Akan Zhylkyshybayuly"})

	a := builtinForum(t, "almaty-xi")
	for value, kind := range map[string]string{"4000+": "ngo_count", "8000": "volunteers", "20": "funding", "2.3": "funding"} {
		if fig, ok := figureByValue(a, value); !ok || fig.Kind != kind {
			t.Errorf("Almaty figure %s: got %+v, want kind %s", value, fig, kind)
		}
	}
}

// walkCatalogTexts calls fn with every Text in v and its path.
func walkCatalogTexts(v reflect.Value, path string, fn func(path string, t Text)) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			walkCatalogTexts(v.Elem(), path, fn)
		}
	case reflect.Struct:
		if v.Type() == textReflectType {
			fn(path, v.Interface().(Text))
			return
		}
		for i := range v.NumField() {
			name, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("yaml"), ",")
			walkCatalogTexts(v.Field(i), joinFieldPath(path, name), fn)
		}
	case reflect.Slice:
		for i := range v.Len() {
			walkCatalogTexts(v.Index(i), fmt.Sprintf("%s[%d]", path, i), fn)
		}
	}
}

func TestBuiltinTextsComplete(t *testing.T) {
	n := 0
	walkCatalogTexts(reflect.ValueOf(Builtin()).Elem(), "", func(path string, tx Text) {
		if tx.IsZero() {
			return
		}
		n++
		for lang, s := range map[string]string{"kk": tx.KK, "ru": tx.RU, "en": tx.EN} {
			if strings.TrimSpace(s) != s || s == "" {
				t.Errorf("%s.%s = %q: missing or padded", path, lang, s)
			}
		}
	})
	if n < 100 {
		t.Errorf("only %d texts in the built-in catalog; the walk is broken", n)
	}
}

// kazakhOnlyLetters are the letters of the Kazakh Cyrillic alphabet that Russian
// lacks.
const kazakhOnlyLetters = "әғқңөұүһіӘҒҚҢӨҰҮҺІ"

func containsCyrillic(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Cyrillic, r) {
			return true
		}
	}
	return false
}

func TestBuiltinLanguages(t *testing.T) {
	seen := map[rune]bool{}
	// Prose: written sentences and labels, which always differ between
	// languages and which a Kazakh sentence cannot write without its own
	// letters.
	prose := regexp.MustCompile(`\.(title|theme|summary|agenda\[\d+\]|outcomes\[\d+\]|label)$`)
	walkCatalogTexts(reflect.ValueOf(Builtin()).Elem(), "", func(path string, tx Text) {
		if tx.IsZero() {
			return
		}
		for _, r := range tx.KK {
			if strings.ContainsRune(kazakhOnlyLetters, r) {
				seen[unicode.ToLower(r)] = true
			}
		}
		if containsCyrillic(tx.EN) {
			t.Errorf("%s.en = %q has Cyrillic letters: not translated", path, tx.EN)
		}
		if !containsCyrillic(tx.RU) || !containsCyrillic(tx.KK) {
			t.Errorf("%s: kk %q / ru %q not in Cyrillic", path, tx.KK, tx.RU)
		}
		if !prose.MatchString(path) {
			return
		}
		if tx.KK == tx.RU {
			t.Errorf("%s: kk and ru are the same text %q", path, tx.KK)
		}
		if !strings.ContainsAny(tx.KK, kazakhOnlyLetters) {
			t.Errorf("%s.kk = %q uses no Kazakh letter (%s)", path, tx.KK, kazakhOnlyLetters)
		}
	})
	for _, r := range "әғқңөұүі" {
		if !seen[r] {
			t.Errorf("no kk text uses %q", r)
		}
	}
}

func TestBuiltinIDsFitDeepLinks(t *testing.T) {
	payload := regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)
	for _, f := range Builtin().Forums {
		if p := "forum_" + f.ID; !payload.MatchString(p) {
			t.Errorf("deep link payload %q is not a valid Telegram start parameter", p)
		}
	}
}

// seedReportsDir is where the seed reports live beside the repository, when they
// are there (a developer's checkout and CI have them).
const seedReportsDir = "../../../shared/seeds"

// TestBuiltinNotCopied checks that the catalog's Kazakh sentences are written
// anew: no kk prose text shares a run of eight words with its report. Names
// of institutions and themes are quoted as given, so they are not prose here.
func TestBuiltinNotCopied(t *testing.T) {
	name := regexp.MustCompile(`^\d{3}_[0-9a-f]{16}\.txt$`)
	for _, f := range Builtin().Forums {
		if !name.MatchString(f.Source) {
			t.Errorf("%s: source %q is not a seed file name", f.ID, f.Source)
		}
	}
	if _, err := os.Stat(seedReportsDir); err != nil {
		t.Logf("seed reports not found at %s; only their names were checked", seedReportsDir)
		return
	}
	words := func(s string) []string {
		return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-'
		})
	}
	const n = 8
	prose := regexp.MustCompile(`\.(summary|agenda\[\d+\]|outcomes\[\d+\])$`)
	for i := range Builtin().Forums {
		f := &Builtin().Forums[i]
		data, err := os.ReadFile(filepath.Join(seedReportsDir, f.Source))
		if err != nil {
			t.Errorf("%s: source %q: %v", f.ID, f.Source, err)
			continue
		}
		sw := words(string(data))
		grams := map[string]bool{}
		for j := 0; j+n <= len(sw); j++ {
			grams[strings.Join(sw[j:j+n], " ")] = true
		}
		walkCatalogTexts(reflect.ValueOf(f).Elem(), f.ID, func(path string, tx Text) {
			if !prose.MatchString(path) {
				return
			}
			w := words(tx.KK)
			for j := 0; j+n <= len(w); j++ {
				if g := strings.Join(w[j:j+n], " "); grams[g] {
					t.Errorf("%s.kk copies %q from %s", path, g, f.Source)
					return
				}
			}
		})
	}
}
