package catalog

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// parseTestdata parses testdata/name under its bare name, so that the
// expected messages read "bad_date.yaml:6: ...".
func parseTestdata(t *testing.T, name string) (*Catalog, error) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return Parse(name, data)
}

func TestParseBadFiles(t *testing.T) {
	for _, tc := range []struct {
		file string
		want []string
	}{
		{"bad_syntax.yaml", []string{
			`bad_syntax.yaml:4: syntax error: did not find expected ',' or '}'`,
		}},
		{"bad_unknown_key.yaml", []string{
			`bad_unknown_key.yaml:5: forums[0].titel: unknown field (did you mean "title"?)`,
			`bad_unknown_key.yaml:12: forums[0].figures[0].unit: unknown field`,
		}},
		{"bad_duplicate_id.yaml", []string{
			`bad_duplicate_id.yaml:7: forums[1].id: duplicate id "same-forum" (first used by forums[0] at line 2)`,
		}},
		{"bad_date.yaml", []string{
			`bad_date.yaml:6: forums[0].start.month: must be 1..12 (got 13)`,
			`bad_date.yaml:11: forums[1].start.day: must be 1..28 for 2019-02 (got 29)`,
			`bad_date.yaml:17: forums[2].end: must not be before start (2021-05-10)`,
			`bad_date.yaml:22: forums[3].start.year: must be 1991..2100 (got 1990)`,
			`bad_date.yaml:22: forums[3].start.time: is only allowed with precision day`,
		}},
		{"bad_missing_en.yaml", []string{
			`bad_missing_en.yaml:5: forums[0].title.en: is missing (every text needs kk, ru and en)`,
			`bad_missing_en.yaml:8: forums[0].summary.ru: is missing (every text needs kk, ru and en)`,
		}},
		{"bad_region.yaml", []string{
			`bad_region.yaml:4: forums[0].region: unknown region code "almaty_city" (known: ` + strings.Join(RegionCodes(), ", ") + `)`,
		}},
		{"bad_many.yaml", []string{
			`bad_many.yaml:3: forums[0].id: must be a slug of a-z, 0-9 and inner hyphens (got "Bad_ID")`,
			`bad_many.yaml:4: forums[0].level: must be national, regional or city (got "global")`,
			`bad_many.yaml:6: forums[0].ordinal: must be a whole number (got "VIII")`,
			`bad_many.yaml:10: forums[0].awards[0]: needs a winner or an organization`,
			`bad_many.yaml:11: forums[0].awards[1]: needs a contest or a nomination`,
			`bad_many.yaml:13: forums[0].links[0].url: must be an http or https URL (got "ftp://example.org/report")`,
			`bad_many.yaml:17: forums[0].figures[0].kind: must be one of ngo_count, projects, funding, volunteers, other (got "count")`,
			`bad_many.yaml:19: forums[1].id: given twice (first at line 18)`,
			`bad_many.yaml:22: forums[1].title: must be a mapping with kk, ru and en (got "Forum")`,
		}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			c, err := parseTestdata(t, tc.file)
			if c != nil {
				t.Errorf("got a catalog along with the error")
			}
			var verrs ValidationErrors
			if !errors.As(err, &verrs) {
				t.Fatalf("error %v (%T) is not a ValidationErrors", err, err)
			}
			if got, want := err.Error(), strings.Join(tc.want, "\n"); got != want {
				t.Errorf("errors:\n%s\nwant:\n%s", got, want)
			}
			if len(verrs) != len(tc.want) {
				t.Errorf("%d errors, want %d", len(verrs), len(tc.want))
			}
			for _, e := range verrs {
				if e.File != tc.file || e.Line <= 0 {
					t.Errorf("error %q has file %q, line %d", e.Msg, e.File, e.Line)
				}
			}
		})
	}
}

func TestParseGoodMinimal(t *testing.T) {
	c, err := parseTestdata(t, "good_minimal.yaml")
	if err != nil {
		t.Fatal(err)
	}
	f, ok := c.ByID("test-forum")
	if !ok || f.Region != "astana" || f.Level != LevelCity || f.Title.EN != "Test forum" || f.Start.Known() {
		t.Errorf("decoded %+v", c.Forums)
	}
}

func TestLoadFile(t *testing.T) {
	path := filepath.Join("testdata", "bad_region.yaml")
	_, err := LoadFile(path)
	if err == nil || !strings.HasPrefix(err.Error(), path+":4: forums[0].region: ") {
		t.Errorf("LoadFile(%s) = %v; want the path as given in the message", path, err)
	}
	c, err := LoadFile(filepath.Join("testdata", "good_minimal.yaml"))
	if err != nil || len(c.Forums) != 1 {
		t.Errorf("LoadFile(good_minimal.yaml) = %v, %v", c, err)
	}
	_, err = LoadFile(filepath.Join("testdata", "no_such_file.yaml"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("LoadFile of a missing file = %v, want an fs.ErrNotExist", err)
	}
}

// TestParseBuiltinRoundTrip writes the embedded catalog to a file and loads it
// back: the same forums.
func TestParseBuiltinFromFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "catalog.yaml")
	if err := os.WriteFile(path, BuiltinYAML(), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := LoadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Forums) != len(Builtin().Forums) {
		t.Errorf("%d forums from the file, %d built in", len(c.Forums), len(Builtin().Forums))
	}
}

func TestParseInline(t *testing.T) {
	const forum = "  - id: x\n    level: city\n    region: astana\n    title: {kk: Форум, ru: Форум, en: Forum}\n    start: {precision: unknown}\n"
	for _, tc := range []struct {
		name, yaml string
		want       []string // nil: valid
	}{
		{"empty file", "", []string{`c.yaml:1: file is empty; a catalog needs a forums list`}},
		{"comment only", "# nothing\n", []string{`c.yaml:1: file is empty; a catalog needs a forums list`}},
		{"top-level list", "- id: x\n", []string{`c.yaml:1: the top level must be a mapping with a forums list (got a list)`}},
		{"no forums", "forums: []\n", []string{`c.yaml:1: forums: at least one forum is required`}},
		{"null forums", "forums:\n", []string{`c.yaml:1: forums: at least one forum is required`}},
		{"forums not a list", "forums: {id: x}\n", []string{`c.yaml:1: forums: must be a list`}},
		{"unknown top-level key", "forum:\n" + forum, []string{
			`c.yaml:1: forum: unknown field (did you mean "forums"?)`,
			`c.yaml:1: forums: at least one forum is required`,
		}},
		{"second document", "forums:\n" + forum + "---\nforums: []\n", []string{
			`c.yaml:7: a catalog file holds one YAML document; found another one here`,
		}},
		{"syntax error in second document", "forums:\n" + forum + "---\nforums: [\n", []string{
			`c.yaml:8: syntax error: did not find expected node content`,
		}},
		{"unknown anchor", "forums:\n" + forum + "    venue: *nope\n", []string{
			`c.yaml:7: syntax error: unknown anchor 'nope' referenced`,
		}},
		{"tab indentation", "forums:\n\t- id: x\n", []string{
			`c.yaml:2: syntax error: found character that cannot start any token`,
		}},
		{"duplicate key", "forums:\n" + forum + "    level: regional\n", []string{
			`c.yaml:7: forums[0].level: given twice (first at line 3)`,
		}},
		{"alias", "forums:\n  - id: x\n    level: city\n    region: astana\n    title: &t {kk: Форум, ru: Форум, en: Forum}\n    theme: *t\n    start: {precision: unknown}\n", nil},
		{"merge key", "forums:\n  - <<: {id: x}\n    level: city\n", []string{
			`c.yaml:2: forums[0]: merge keys (<<) are not supported; write the fields out`,
		}},
		{"wrong types", "forums:\n  - id: [x]\n    level: city\n    region: astana\n    title: {kk: Форум, ru: Форум, en: Forum}\n    start: {precision: unknown, approx: maybe}\n    speakers: {name: x}\n", []string{
			`c.yaml:2: forums[0].id: must be a plain value, not a list`,
			`c.yaml:6: forums[0].start.approx: must be true or false (got "maybe")`,
			`c.yaml:7: forums[0].speakers: must be a list`,
		}},
		{"award text not a mapping", "forums:\n" + forum + "    awards:\n      - contest: Байқау\n        winner: {kk: А, ru: А, en: A}\n", []string{
			`c.yaml:8: forums[0].awards[0].contest: must be a mapping with kk, ru and en (got "Байқау")`,
		}},
		{"text not a mapping", "forums:\n  - id: x\n    level: city\n    region: astana\n    title: [Форум]\n    start: {precision: unknown}\n", []string{
			`c.yaml:5: forums[0].title: must be a mapping with kk, ru and en (got a list)`,
		}},
		{"missing required fields", "forums:\n  - city: {kk: Тараз, ru: Тараз, en: Taraz}\n", []string{
			`c.yaml:2: forums[0].id: is required`,
			`c.yaml:2: forums[0].level: is required (national, regional or city)`,
			`c.yaml:2: forums[0].region: is required (a region code such as jambyl or almaty)`,
			`c.yaml:2: forums[0].title: is required in kk, ru and en`,
			`c.yaml:2: forums[0].start.precision: is required (day, month, year or unknown)`,
		}},
		{"number as a string", "forums:\n" + forum + "    figures:\n      - {label: {kk: ҮЕҰ, ru: НПО, en: NGOs}, value: 814.8, kind: funding}\n", nil},
		{"leading zero month", "forums:\n  - id: x\n    level: city\n    region: astana\n    title: {kk: Форум, ru: Форум, en: Forum}\n    start: {year: 2018, month: 08, precision: month}\n", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Parse("c.yaml", []byte(tc.yaml))
			if tc.want == nil {
				if err != nil {
					t.Fatalf("unexpected error:\n%v", err)
				}
				if c == nil || len(c.Forums) != 1 {
					t.Fatalf("catalog %+v", c)
				}
				return
			}
			if err == nil {
				t.Fatalf("no error, want:\n%s", strings.Join(tc.want, "\n"))
			}
			if got, want := err.Error(), strings.Join(tc.want, "\n"); got != want {
				t.Errorf("errors:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

func TestParseDecodesEverything(t *testing.T) {
	const doc = `forums:
  - id: full
    ordinal: 3
    level: national
    region: shymkent
    city: {kk: Шымкент, ru: Шымкент, en: Shymkent}
    venue: {kk: Зал, ru: Зал, en: Hall}
    title: {kk: Форум, ru: Форум, en: Forum}
    theme: {kk: Тақырып, ru: Тема, en: Theme}
    summary: {kk: Қысқаша, ru: Кратко, en: Briefly}
    start: {year: 2024, month: 2, day: 29, precision: day, time: "10:30"}
    end: {year: 2024, month: 3, day: 1, precision: day, time: "18:00"}
    days: 2
    cancelled: true
    organizers: [{kk: Ұйым, ru: Организация, en: Organisation}]
    speakers:
      - name: {kk: Есім, ru: Имя, en: Name}
        role: {kk: Рөл, ru: Роль, en: Role}
    agenda: [{kk: Күн тәртібі, ru: Повестка, en: Agenda}]
    outcomes: [{kk: Нәтиже, ru: Итог, en: Outcome}]
    figures:
      - {label: {kk: Сан, ru: Число, en: Number}, value: "12", approx: true, kind: other}
    awards:
      - contest: {kk: Байқау, ru: Конкурс, en: Contest}
        nomination: {kk: Аталым, ru: Номинация, en: Nomination}
        winner: {kk: Жеңімпаз, ru: Победитель, en: Winner}
        role: {kk: Дәрігер, ru: Врач, en: Doctor}
        organization: {kk: Ұйым, ru: Организация, en: Organisation}
        project: {kk: Жоба, ru: Проект, en: Project}
    links:
      - {title: {kk: Сілтеме, ru: Ссылка, en: Link}, url: "https://example.org/forum"}
    source: report.txt
`
	c, err := Parse("full.yaml", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	f := c.Forums[0]
	if f.Ordinal != 3 || f.Level != LevelNational || f.Region != "shymkent" || f.Days != 2 || !f.Cancelled || f.Source != "report.txt" {
		t.Errorf("scalars: %+v", f)
	}
	if f.End == nil || f.End.Day != 1 || f.End.Time != "18:00" || f.Start.Time != "10:30" {
		t.Errorf("dates: %+v, %+v", f.Start, f.End)
	}
	if f.Theme.RU != "Тема" || f.Venue.EN != "Hall" || f.Summary.KK != "Қысқаша" || f.City.EN != "Shymkent" {
		t.Errorf("texts: %+v", f)
	}
	if len(f.Organizers) != 1 || len(f.Speakers) != 1 || f.Speakers[0].Role.EN != "Role" || len(f.Agenda) != 1 || len(f.Outcomes) != 1 {
		t.Errorf("lists: %+v", f)
	}
	if fig := f.Figures[0]; fig.Value != "12" || !fig.Approx || fig.Kind != "other" {
		t.Errorf("figure: %+v", fig)
	}
	if a := f.Awards[0]; a.Role.EN != "Doctor" || a.Project.KK != "Жоба" || a.Nomination.RU != "Номинация" {
		t.Errorf("award: %+v", a)
	}
	if l := f.Links[0]; l.URL != "https://example.org/forum" || l.Title.EN != "Link" {
		t.Errorf("link: %+v", l)
	}
}
