package proposal

import (
	"slices"
	"strings"
	"testing"
	"time"
)

var almaty = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Almaty")
	if err != nil {
		panic(err)
	}
	return loc
}()

func day(t *testing.T, s string) Day {
	t.Helper()
	d, err := ParseDay(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func calendar(t *testing.T, spec string) *Calendar {
	t.Helper()
	h, err := ParseHolidays(spec)
	if err != nil {
		t.Fatal(err)
	}
	return NewCalendar(h, 0, almaty)
}

// TestKazakhstanHolidays2026: the fixed holidays with the weekend
// carry-over: Nauryz 21–22 March fall on a weekend, so 24 and 25 March
// are off; 8 March is a Sunday (9 March off), 9 May a Saturday (11 May),
// 30 August and 25 October Sundays (31 August, 26 October). Orthodox
// Christmas is religious and never carried.
func TestKazakhstanHolidays2026(t *testing.T) {
	t.Parallel()
	c := calendar(t, "kz")
	var got []string
	for _, d := range c.Holidays(2026) {
		got = append(got, d.String())
	}
	want := []string{
		"2026-01-01", "2026-01-02", "2026-01-07", "2026-03-09", "2026-03-23", "2026-03-24", "2026-03-25",
		"2026-05-01", "2026-05-07", "2026-05-11", "2026-07-06", "2026-08-31", "2026-10-26", "2026-12-16",
	}
	if !slices.Equal(got, want) {
		t.Errorf("2026 holidays on weekdays:\n got %v\nwant %v", got, want)
	}
	// 2028: 1 January is a Saturday, 2 January a Sunday: 3 and 4 January
	// are off; 7 January (a Friday) stays where it is.
	for _, s := range []string{"2028-01-03", "2028-01-04", "2028-01-07"} {
		if c.Working(day(t, s)) {
			t.Errorf("%s should be a day off", s)
		}
	}
	if !c.Working(day(t, "2028-01-05")) {
		t.Error("2028-01-05 should be a working day")
	}
	// 2023: 7 January was a Saturday: not carried, 9 January worked.
	if !c.Working(day(t, "2023-01-09")) {
		t.Error("a religious holiday on a weekend must not be carried over")
	}
}

func TestParseHolidays(t *testing.T) {
	t.Parallel()
	h, err := ParseHolidays(" kz, 2026-05-27 ; 12-31 ")
	if err != nil {
		t.Fatal(err)
	}
	if got := h.Describe(); got != "kz,12-31,2026-05-27" {
		t.Errorf("Describe: %q", got)
	}
	c := NewCalendar(h, 0, almaty)
	for _, s := range []string{"2026-05-27", "2026-12-31", "2027-12-31", "2026-12-16"} {
		if c.Working(day(t, s)) {
			t.Errorf("%s should be off", s)
		}
	}
	// Without "kz" the list replaces the built-in holidays.
	only := calendar(t, "2026-05-27")
	if !only.Working(day(t, "2026-12-16")) || only.Working(day(t, "2026-05-27")) {
		t.Error("a list without kz must replace the built-in holidays")
	}
	none := calendar(t, "none")
	if !none.Working(day(t, "2026-01-01")) || none.Working(day(t, "2026-01-03")) {
		t.Error("none: weekdays work, weekends do not")
	}
	for _, bad := range []string{"", "2026-02-30", "13-01", "tomorrow", "none,kz", "2026/05/27"} {
		if _, err := ParseHolidays(bad); err == nil {
			t.Errorf("ParseHolidays(%q) accepted", bad)
		}
	}
}

// TestDue: 15 working days after the registration day, weekends and
// holidays skipped, days of Asia/Almaty.
func TestDue(t *testing.T) {
	t.Parallel()
	c := calendar(t, "kz")
	for _, tc := range []struct {
		registered time.Time
		due        string
	}{
		// Saturday 21 November 2026: counting starts on Monday 23.
		{time.Date(2026, 11, 21, 12, 0, 0, 0, almaty), "2026-12-11"},
		// Monday 7 December: 16 December (Independence Day) is skipped.
		{time.Date(2026, 12, 7, 9, 0, 0, 0, almaty), "2026-12-29"},
		// 23:30 UTC on 6 December is already 7 December in Almaty.
		{time.Date(2026, 12, 6, 23, 30, 0, 0, time.UTC), "2026-12-29"},
		// 18:59 UTC on 6 December is still 6 December (a Sunday) there:
		// counting starts on the 7th all the same.
		{time.Date(2026, 12, 6, 18, 59, 0, 0, time.UTC), "2026-12-28"},
		// 18:59 UTC on 4 December is the Friday; counting starts on the 7th.
		{time.Date(2026, 12, 4, 18, 59, 0, 0, time.UTC), "2026-12-28"},
		// Across the New Year: 1 January 2027 is a Friday, 2 January a
		// Saturday (so 4 January is off too), 7 January a Thursday.
		{time.Date(2026, 12, 24, 10, 0, 0, 0, almaty), "2027-01-19"},
	} {
		if got := c.Due(tc.registered).String(); got != tc.due {
			t.Errorf("registered %s: due %s, want %s", tc.registered, got, tc.due)
		}
	}
	// A holiday from the configuration moves the day.
	extra := calendar(t, "kz,2026-12-01")
	if got := extra.Due(time.Date(2026, 11, 21, 12, 0, 0, 0, almaty)).String(); got != "2026-12-14" {
		t.Errorf("with 1 December off: due %s, want 2026-12-14", got)
	}
	// ANSWER_DAYS.
	h, _ := ParseHolidays("kz")
	if got := NewCalendar(h, 5, almaty).Due(time.Date(2026, 11, 21, 12, 0, 0, 0, almaty)).String(); got != "2026-11-27" {
		t.Errorf("5 working days: due %s", got)
	}
}

func TestDeadlineAt(t *testing.T) {
	t.Parallel()
	c := calendar(t, "kz")
	reg := time.Date(2026, 11, 21, 12, 0, 0, 0, almaty) // due Friday 11 December
	at := func(s string) time.Time { return day(t, s).Start(almaty).Add(10 * time.Hour) }
	for _, tc := range []struct {
		now  string
		want Deadline
	}{
		{"2026-11-23", Deadline{Due: day(t, "2026-12-11"), Left: 14}},
		{"2026-12-07", Deadline{Due: day(t, "2026-12-11"), Left: 4}},
		{"2026-12-08", Deadline{Due: day(t, "2026-12-11"), Left: 3, Soon: true}},
		{"2026-12-11", Deadline{Due: day(t, "2026-12-11"), Left: 0, Soon: true}},
		{"2026-12-12", Deadline{Due: day(t, "2026-12-11"), Overdue: true, Late: 0}},
		{"2026-12-14", Deadline{Due: day(t, "2026-12-11"), Overdue: true, Late: 1}},
		{"2026-12-17", Deadline{Due: day(t, "2026-12-11"), Overdue: true, Late: 3}}, // 16th off
	} {
		if got := c.DeadlineAt(reg, at(tc.now)); got != tc.want {
			t.Errorf("at %s: %+v, want %+v", tc.now, got, tc.want)
		}
	}
}

// TestThresholdsAgreeWithDue: OverdueBefore and DueSoonBefore split every
// registration time the way DeadlineAt classifies it.
func TestThresholdsAgreeWithDue(t *testing.T) {
	t.Parallel()
	c := calendar(t, "kz,2026-05-27")
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, almaty)
	for n := 0; n < 400; n += 3 {
		now := start.AddDate(0, 0, n).Add(11 * time.Hour)
		over, soon := c.OverdueBefore(now), c.DueSoonBefore(now)
		if soon.Before(over) {
			t.Fatalf("at %s: soon %s before overdue %s", now, soon, over)
		}
		for r := now.AddDate(0, 0, -60); r.Before(now); r = r.Add(7 * time.Hour) {
			dl := c.DeadlineAt(r, now)
			if got := r.Before(over); got != dl.Overdue {
				t.Fatalf("now %s, registered %s: before overdue threshold %v, deadline %+v", now, r, got, dl)
			}
			if got := r.Before(soon); got != (dl.Overdue || dl.Soon) {
				t.Fatalf("now %s, registered %s: before soon threshold %v, deadline %+v", now, r, got, dl)
			}
		}
	}
}

func TestDayArithmetic(t *testing.T) {
	t.Parallel()
	d := day(t, "2026-12-31")
	if got := d.AddDays(1).String(); got != "2027-01-01" {
		t.Errorf("AddDays: %s", got)
	}
	if !d.Before(day(t, "2027-01-01")) || d.Before(d) {
		t.Error("Before")
	}
	if got := DayOf(time.Date(2026, 12, 31, 19, 0, 0, 0, time.UTC), almaty).String(); got != "2027-01-01" {
		t.Errorf("DayOf in Almaty: %s", got)
	}
	c := calendar(t, "kz")
	if n := c.WorkingBetween(day(t, "2026-12-11"), day(t, "2026-12-18")); n != 4 {
		t.Errorf("working days 12..18 December: %d, want 4", n)
	}
	if strings.Contains(c.Due(time.Time{}.In(almaty)).String(), "-00") {
		t.Error("Due of the zero time is not a date")
	}
}
