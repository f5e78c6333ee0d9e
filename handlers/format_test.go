package handlers

import (
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/forumbot/forumbot/bot/catalog"
	"github.com/forumbot/forumbot/locales"
)

func almaty(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(Zone)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestAlmatyOffset(t *testing.T) {
	t.Parallel()
	loc := almaty(t)
	for _, c := range []struct {
		at   time.Time
		want int
	}{
		{time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC), 5 * 3600},
		{time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC), 5 * 3600},
		{time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC), 5 * 3600},
		{time.Date(2018, 10, 16, 12, 0, 0, 0, time.UTC), 6 * 3600},
	} {
		if _, off := c.at.In(loc).Zone(); off != c.want {
			t.Errorf("Asia/Almaty at %s: offset %d, want %d", c.at, off, c.want)
		}
	}
}

func TestDateText(t *testing.T) {
	t.Parallel()
	day := catalog.Date{Year: 2018, Month: 10, Day: 16, Precision: catalog.PrecisionDay}
	month := catalog.Date{Year: 2018, Month: 10, Precision: catalog.PrecisionMonth}
	year := catalog.Date{Year: 2021, Precision: catalog.PrecisionYear, Approx: true}
	unknown := catalog.Date{Precision: catalog.PrecisionUnknown}
	cases := []struct {
		lang string
		d    catalog.Date
		want string
	}{
		{"kk", day, "16 қазан 2018 ж."}, {"ru", day, "16 октября 2018 г."}, {"en", day, "16 October 2018"},
		{"ru", month, "октябрь 2018 г."}, {"kk", year, "шамамен 2021 ж."}, {"en", year, "about 2021"},
		{"kk", unknown, "күні белгісіз"}, {"ru", unknown, "дата неизвестна"},
	}
	for _, c := range cases {
		if got := DateText(locales.For(c.lang), c.d); got != c.want {
			t.Errorf("%s %+v: %q, want %q", c.lang, c.d, got, c.want)
		}
	}
	if got := ShortDate(day); got != "16.10.2018" {
		t.Errorf("ShortDate: %q", got)
	}
	if got := ShortDate(year); got != "≈2021" {
		t.Errorf("ShortDate: %q", got)
	}
}

func TestRoman(t *testing.T) {
	t.Parallel()
	for n, want := range map[int]string{0: "", 2: "II", 8: "VIII", 10: "X", 11: "XI", 14: "XIV", 49: "XLIX"} {
		if got := Roman(n); got != want {
			t.Errorf("Roman(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestIsUpcoming(t *testing.T) {
	t.Parallel()
	loc := almaty(t)
	now := time.Date(2026, 11, 21, 12, 0, 0, 0, loc)
	f := func(d catalog.Date, days int) *catalog.Forum { return &catalog.Forum{Start: d, Days: days} }
	cases := []struct {
		f    *catalog.Forum
		want bool
	}{
		{f(catalog.Date{Year: 2026, Month: 11, Day: 21, Precision: catalog.PrecisionDay}, 0), true},
		{f(catalog.Date{Year: 2026, Month: 11, Day: 20, Precision: catalog.PrecisionDay}, 0), false},
		{f(catalog.Date{Year: 2026, Month: 11, Day: 20, Precision: catalog.PrecisionDay}, 2), true},
		{f(catalog.Date{Year: 2026, Month: 11, Precision: catalog.PrecisionMonth}, 0), true},
		{f(catalog.Date{Year: 2026, Month: 10, Precision: catalog.PrecisionMonth}, 0), false},
		{f(catalog.Date{Year: 2026, Precision: catalog.PrecisionYear}, 0), true},
		{f(catalog.Date{Year: 2027, Month: 3, Day: 1, Precision: catalog.PrecisionDay}, 0), true},
		{f(catalog.Date{Year: 2018, Month: 10, Day: 16, Precision: catalog.PrecisionDay}, 0), false},
		{f(catalog.Date{Precision: catalog.PrecisionUnknown}, 0), false},
	}
	for i, c := range cases {
		if got := IsUpcoming(c.f, now); got != c.want {
			t.Errorf("case %d (%+v): IsUpcoming = %v", i, c.f.Start, got)
		}
	}
}
