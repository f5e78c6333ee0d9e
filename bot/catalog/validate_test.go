package catalog

import (
	"errors"
	"strings"
	"testing"
)

// validForum is a forum that passes validation, for tests to break one field
// of.
func validForum() Forum {
	return Forum{
		ID:     "valid-forum",
		Level:  LevelRegional,
		Region: "jambyl",
		Title:  Text{KK: "Форум", RU: "Форум", EN: "Forum"},
		Start:  Date{Year: 2018, Month: 10, Day: 16, Precision: PrecisionDay},
	}
}

func TestValidateValid(t *testing.T) {
	f := validForum()
	f.Start.Time = "09:30"
	f.End = &Date{Year: 2018, Month: 10, Day: 17, Precision: PrecisionDay}
	f.Days = 2
	f.Ordinal = 8
	f.Speakers = []Person{{Name: Text{KK: "Есім", RU: "Имя", EN: "Name"}}}
	f.Awards = []Award{{Nomination: Text{KK: "Аталым", RU: "Номинация", EN: "Nomination"}, Organization: Text{KK: "Ұйым", RU: "Организация", EN: "Organisation"}}}
	f.Links = []Link{{URL: "http://example.org"}}
	f.Figures = []Figure{{Label: Text{KK: "Сан", RU: "Число", EN: "Number"}, Value: "1", Kind: "volunteers"}}
	c := &Catalog{Forums: []Forum{f}}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if err := Builtin().Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestValidateForumRules(t *testing.T) {
	day := func(y, m, d int) *Date { return &Date{Year: y, Month: m, Day: d, Precision: PrecisionDay} }
	for _, tc := range []struct {
		name   string
		change func(f *Forum)
		want   []string
	}{
		{"id too long", func(f *Forum) { f.ID = strings.Repeat("a", 41) }, []string{
			`forums[0].id: must be at most 40 characters so that the deep link forum_<id> fits Telegram's start parameter (got 41)`,
		}},
		{"id of 40 characters", func(f *Forum) { f.ID = strings.Repeat("a", 40) }, nil},
		{"id with an underscore", func(f *Forum) { f.ID = "taraz_2018" }, []string{
			`forums[0].id: must be a slug of a-z, 0-9 and inner hyphens (got "taraz_2018")`,
		}},
		{"id with a leading hyphen", func(f *Forum) { f.ID = "-taraz" }, []string{
			`forums[0].id: must be a slug of a-z, 0-9 and inner hyphens (got "-taraz")`,
		}},
		{"id in Cyrillic", func(f *Forum) { f.ID = "тараз" }, []string{
			`forums[0].id: must be a slug of a-z, 0-9 and inner hyphens (got "тараз")`,
		}},
		{"negative ordinal", func(f *Forum) { f.Ordinal = -1 }, []string{
			`forums[0].ordinal: must not be negative (leave it out when unknown; got -1)`,
		}},
		{"bad level", func(f *Forum) { f.Level = "oblast" }, []string{
			`forums[0].level: must be national, regional or city (got "oblast")`,
		}},
		{"no region", func(f *Forum) { f.Region = "" }, []string{
			`forums[0].region: is required (a region code such as jambyl or almaty)`,
		}},
		{"title missing en", func(f *Forum) { f.Title.EN = "" }, []string{
			`forums[0].title.en: is missing (every text needs kk, ru and en)`,
		}},
		{"title of blanks", func(f *Forum) { f.Title = Text{KK: " ", RU: "\t", EN: ""} }, []string{
			`forums[0].title: is required in kk, ru and en`,
		}},
		{"speaker role missing kk and ru", func(f *Forum) {
			f.Speakers = []Person{{Name: Text{KK: "А", RU: "А", EN: "A"}, Role: Text{EN: "Deputy Akim"}}}
		}, []string{
			`forums[0].speakers[0].role.kk: is missing (every text needs kk, ru and en)`,
			`forums[0].speakers[0].role.ru: is missing (every text needs kk, ru and en)`,
		}},
		{"speaker without a name", func(f *Forum) { f.Speakers = []Person{{}} }, []string{
			`forums[0].speakers[0].name: is required in kk, ru and en`,
		}},
		{"empty agenda item", func(f *Forum) { f.Agenda = []Text{{}} }, []string{
			`forums[0].agenda[0]: is required in kk, ru and en`,
		}},
		{"award without winner", func(f *Forum) {
			f.Awards = []Award{{Contest: Text{KK: "Б", RU: "К", EN: "C"}, Project: Text{KK: "Ж", RU: "П", EN: "P"}}}
		}, []string{`forums[0].awards[0]: needs a winner or an organization`}},
		{"award of blanks", func(f *Forum) { f.Awards = []Award{{Winner: Text{KK: " "}}} }, []string{
			`forums[0].awards[0]: needs a contest or a nomination`,
			`forums[0].awards[0]: needs a winner or an organization`,
		}},
		{"figure without label, value, kind", func(f *Forum) { f.Figures = []Figure{{}} }, []string{
			`forums[0].figures[0].label: is required in kk, ru and en`,
			`forums[0].figures[0].value: is required`,
			`forums[0].figures[0].kind: is required (ngo_count, projects, funding, volunteers, other)`,
		}},
		{"link without host", func(f *Forum) { f.Links = []Link{{URL: "https://"}} }, []string{
			`forums[0].links[0].url: must be an http or https URL (got "https://")`,
		}},
		{"link without URL", func(f *Forum) { f.Links = []Link{{Title: Text{KK: "С", RU: "С", EN: "L"}}} }, []string{
			`forums[0].links[0].url: is required`,
		}},
		{"relative link", func(f *Forum) { f.Links = []Link{{URL: "/report.html"}} }, []string{
			`forums[0].links[0].url: must be an http or https URL (got "/report.html")`,
		}},
		{"unknown precision", func(f *Forum) { f.Start.Precision = "week" }, []string{
			`forums[0].start.precision: must be day, month, year or unknown (got "week")`,
		}},
		{"day precision without day", func(f *Forum) { f.Start.Day = 0 }, []string{
			`forums[0].start.day: is required with precision day`,
		}},
		{"day 32", func(f *Forum) { f.Start.Day = 32 }, []string{
			`forums[0].start.day: must be 1..31 for 2018-10 (got 32)`,
		}},
		{"day 31 of a bad month", func(f *Forum) { f.Start.Month, f.Start.Day = 0, 31 }, []string{
			`forums[0].start.month: is required with precision day`,
		}},
		{"day 32 of a bad month", func(f *Forum) { f.Start.Month, f.Start.Day = 14, 32 }, []string{
			`forums[0].start.month: must be 1..12 (got 14)`,
			`forums[0].start.day: must be 1..31 (got 32)`,
		}},
		{"leap day", func(f *Forum) { f.Start = *day(2020, 2, 29) }, nil},
		{"April 31", func(f *Forum) { f.Start = *day(2019, 4, 31) }, []string{
			`forums[0].start.day: must be 1..30 for 2019-04 (got 31)`,
		}},
		{"year after 2100", func(f *Forum) { f.Start = Date{Year: 2101, Precision: PrecisionYear} }, []string{
			`forums[0].start.year: must be 1991..2100 (got 2101)`,
		}},
		{"month precision with a day", func(f *Forum) { f.Start.Precision = PrecisionMonth }, []string{
			`forums[0].start.day: must be left out with precision month (got 16)`,
		}},
		{"month precision with day 1", func(f *Forum) { f.Start = Date{Year: 2018, Month: 10, Day: 1, Precision: PrecisionMonth} }, nil},
		{"month precision without month", func(f *Forum) { f.Start = Date{Year: 2018, Precision: PrecisionMonth} }, []string{
			`forums[0].start.month: is required with precision month`,
		}},
		{"year precision with a month", func(f *Forum) { f.Start = Date{Year: 2018, Month: 10, Precision: PrecisionYear} }, []string{
			`forums[0].start.month: must be left out with precision year (got 10)`,
		}},
		{"year precision without year", func(f *Forum) { f.Start = Date{Precision: PrecisionYear, Approx: true} }, []string{
			`forums[0].start.year: is required with precision year`,
		}},
		{"unknown precision with a date", func(f *Forum) { f.Start.Precision = PrecisionUnknown }, []string{
			`forums[0].start.year: must be left out with precision unknown (got 2018)`,
			`forums[0].start.month: must be left out with precision unknown (got 10)`,
			`forums[0].start.day: must be left out with precision unknown (got 16)`,
		}},
		{"unknown and approx", func(f *Forum) { f.Start = Date{Precision: PrecisionUnknown, Approx: true} }, []string{
			`forums[0].start.approx: has no meaning with precision unknown`,
		}},
		{"no precision", func(f *Forum) { f.Start = Date{} }, []string{
			`forums[0].start.precision: is required (day, month, year or unknown)`,
		}},
		{"time with month precision", func(f *Forum) { f.Start = Date{Year: 2018, Month: 10, Precision: PrecisionMonth, Time: "10:00"} }, []string{
			`forums[0].start.time: is only allowed with precision day`,
		}},
		{"time 24:00", func(f *Forum) { f.Start.Time = "24:00" }, []string{
			`forums[0].start.time: must be HH:MM, 00:00..23:59 (got "24:00")`,
		}},
		{"time without leading zero", func(f *Forum) { f.Start.Time = "9:30" }, []string{
			`forums[0].start.time: must be HH:MM, 00:00..23:59 (got "9:30")`,
		}},
		{"end before start", func(f *Forum) { f.End = day(2018, 10, 15) }, []string{
			`forums[0].end: must not be before start (2018-10-16)`,
		}},
		{"end month before start day", func(f *Forum) { f.End = &Date{Year: 2018, Month: 9, Precision: PrecisionMonth} }, []string{
			`forums[0].end: must not be before start (2018-10-16)`,
		}},
		{"end year of start day", func(f *Forum) { f.End = &Date{Year: 2018, Precision: PrecisionYear} }, nil},
		{"end year before start year", func(f *Forum) {
			f.Start = Date{Year: 2019, Precision: PrecisionYear, Approx: true}
			f.End = &Date{Year: 2018, Month: 12, Day: 31, Precision: PrecisionDay}
		}, []string{`forums[0].end: must not be before start (2019)`}},
		{"end unknown", func(f *Forum) { f.End = &Date{Precision: PrecisionUnknown} }, nil},
		{"end time before start time", func(f *Forum) {
			f.Start.Time = "15:00"
			f.End = &Date{Year: 2018, Month: 10, Day: 16, Precision: PrecisionDay, Time: "10:00"}
		}, []string{`forums[0].end.time: must not be before the start time 15:00 on the same day`}},
		{"invalid end", func(f *Forum) { f.End = &Date{Year: 2018, Month: 2, Day: 30, Precision: PrecisionDay} }, []string{
			`forums[0].end.day: must be 1..28 for 2018-02 (got 30)`,
		}},
		{"days do not match", func(f *Forum) { f.End, f.Days = day(2018, 10, 17), 3 }, []string{
			`forums[0].days: is 3 but start and end span 2 days`,
		}},
		{"days across a month end", func(f *Forum) { f.Start, f.End, f.Days = *day(2018, 10, 31), day(2018, 11, 1), 2 }, nil},
		{"negative days", func(f *Forum) { f.Days = -2 }, []string{
			`forums[0].days: must not be negative (leave it out when unknown; got -2)`,
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := validForum()
			tc.change(&f)
			err := (&Catalog{Forums: []Forum{f}}).Validate()
			if tc.want == nil {
				if err != nil {
					t.Fatalf("unexpected error:\n%v", err)
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

func TestValidateCatalog(t *testing.T) {
	if err := (&Catalog{}).Validate(); err == nil || err.Error() != "forums: at least one forum is required" {
		t.Errorf("empty catalog: %v", err)
	}
	var none *Catalog
	if err := none.Validate(); err == nil {
		t.Error("a nil catalog validates")
	}
	a, b, c := validForum(), validForum(), validForum()
	c.ID = "other"
	c.Region = "atlantis"
	err := (&Catalog{Forums: []Forum{a, b, c}}).Validate()
	want := `forums[1].id: duplicate id "valid-forum" (first used by forums[0])` + "\n" +
		`forums[2].region: unknown region code "atlantis" (known: ` + strings.Join(RegionCodes(), ", ") + `)`
	if err == nil || err.Error() != want {
		t.Errorf("errors:\n%v\nwant:\n%s", err, want)
	}
	var verrs ValidationErrors
	if !errors.As(err, &verrs) || len(verrs) != 2 || verrs[0].Line != 0 || verrs[0].File != "" {
		t.Errorf("in-memory errors = %#v", verrs)
	}
}

func TestFieldErrorFormat(t *testing.T) {
	for _, tc := range []struct {
		e    FieldError
		want string
	}{
		{FieldError{File: "catalog.yaml", Line: 12, Field: "forums[2].start.month", Msg: "must be 1..12"}, "catalog.yaml:12: forums[2].start.month: must be 1..12"},
		{FieldError{File: "catalog.yaml", Line: 3, Msg: "syntax error: x"}, "catalog.yaml:3: syntax error: x"},
		{FieldError{File: "catalog.yaml", Field: "forums", Msg: "m"}, "catalog.yaml: forums: m"},
		{FieldError{Line: 4, Field: "f", Msg: "m"}, "line 4: f: m"},
		{FieldError{Field: "f", Msg: "m"}, "f: m"},
	} {
		if got := tc.e.Error(); got != tc.want {
			t.Errorf("%#v.Error() = %q, want %q", tc.e, got, tc.want)
		}
	}
	two := ValidationErrors{{File: "a", Line: 1, Msg: "x"}, {File: "a", Line: 2, Msg: "y"}}
	if got := two.Error(); got != "a:1: x\na:2: y" {
		t.Errorf("ValidationErrors.Error() = %q", got)
	}
}
