package proposal

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Deadlines. An official answer is due AnswerDays working days after a
// proposal is registered (15 by default, as Kazakhstan's rules on citizens'
// appeals give): the registration day itself does not count, Saturdays,
// Sundays and public holidays do not count, and days are those of
// Asia/Almaty.

// DefaultAnswerDays is how many working days organizers have to answer
// (ANSWER_DAYS).
const DefaultAnswerDays = 15

// SoonDays is how near a deadline is "due soon": within this many working
// days from today.
const SoonDays = 3

// Day is a calendar day, without a time or a zone.
type Day struct {
	Year  int
	Month time.Month
	Day   int
}

// DayOf is the day t falls on in loc.
func DayOf(t time.Time, loc *time.Location) Day {
	y, m, d := t.In(loc).Date()
	return Day{y, m, d}
}

func (d Day) utc() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

// AddDays is the day n calendar days later (earlier when n < 0).
func (d Day) AddDays(n int) Day {
	y, m, dd := d.utc().AddDate(0, 0, n).Date()
	return Day{y, m, dd}
}

// Weekday is the day of the week.
func (d Day) Weekday() time.Weekday { return d.utc().Weekday() }

// Before reports whether d is earlier than o.
func (d Day) Before(o Day) bool { return d.key() < o.key() }

// Start is the first instant of d in loc.
func (d Day) Start(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// String is the day as 2026-12-11.
func (d Day) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day) }

// IsZero reports whether d is the zero Day.
func (d Day) IsZero() bool { return d == Day{} }

func (d Day) key() int { return d.Year*10000 + int(d.Month)*100 + d.Day }

// ParseDay reads a day written as 2026-12-11.
func ParseDay(s string) (Day, error) {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return Day{}, fmt.Errorf("%q is not a date such as 2026-05-27", s)
	}
	y, m, d := t.Date()
	return Day{y, m, d}, nil
}

// monthDay is a holiday on the same date every year.
type monthDay struct {
	month time.Month
	day   int
	// carry: when it falls on a Saturday or Sunday, the next working day
	// is a day off instead.
	carry bool
}

// kazakhstanHolidays are Kazakhstan's public holidays on fixed dates (as
// in force since 2022): New Year (1–2 January), Orthodox Christmas
// (7 January), International Women's Day (8 March), Nauryz (21–23 March),
// Unity Day (1 May), Defender of the Fatherland Day (7 May), Victory Day
// (9 May), Capital Day (6 July), Constitution Day (30 August), Republic
// Day (25 October), Independence Day (16 December). A holiday that falls
// on a Saturday or a Sunday moves the day off to the next working day, as
// the Labour Code provides, except the religious one (7 January). The
// first day of Kurban Ait follows the lunar calendar and the government
// moves days off by decree every year: add those dates with HOLIDAYS.
var kazakhstanHolidays = []monthDay{
	{time.January, 1, true}, {time.January, 2, true}, {time.January, 7, false},
	{time.March, 8, true}, {time.March, 21, true}, {time.March, 22, true}, {time.March, 23, true},
	{time.May, 1, true}, {time.May, 7, true}, {time.May, 9, true},
	{time.July, 6, true}, {time.August, 30, true}, {time.October, 25, true}, {time.December, 16, true},
}

// HolidaysKZ is the HOLIDAYS word for Kazakhstan's fixed public holidays
// (the default); HolidaysNone is the word for no holidays at all.
const (
	HolidaysKZ   = "kz"
	HolidaysNone = "none"
)

// Holidays are the public holidays a Calendar skips: Kazakhstan's fixed
// ones (with their weekend carry-over) when KZ is set, dates every year,
// and single dates.
type Holidays struct {
	KZ     bool
	yearly []monthDay
	dates  map[int]bool
}

// ParseHolidays reads HOLIDAYS: a comma-separated list of "kz" (Kazakhstan's
// fixed public holidays), dates (2026-05-27, a day off that year) and
// month-days (12-31, a day off every year); "none" alone means no holidays.
// A list without "kz" replaces the built-in holidays; with it, adds to them.
func ParseHolidays(s string) (Holidays, error) {
	h := Holidays{dates: map[int]bool{}}
	var problems []string
	items := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == ';' })
	for _, item := range items {
		switch {
		case strings.EqualFold(item, HolidaysKZ):
			h.KZ = true
		case strings.EqualFold(item, HolidaysNone):
			if len(items) > 1 {
				problems = append(problems, `"none" cannot be combined with other dates`)
			}
		case len(item) == 5 && item[2] == '-':
			t, err := time.Parse("01-02", item)
			if err != nil {
				problems = append(problems, fmt.Sprintf("%q is not a month-day such as 12-31", item))
				continue
			}
			h.yearly = append(h.yearly, monthDay{month: t.Month(), day: t.Day()})
		default:
			d, err := ParseDay(item)
			if err != nil {
				problems = append(problems, err.Error())
				continue
			}
			h.dates[d.key()] = true
		}
	}
	if len(items) == 0 {
		problems = append(problems, `use "kz", "none" or dates such as 2026-05-27`)
	}
	if len(problems) > 0 {
		return Holidays{}, fmt.Errorf("%s", strings.Join(problems, "; "))
	}
	return h, nil
}

// DefaultHolidays are Kazakhstan's fixed public holidays.
func DefaultHolidays() Holidays { return Holidays{KZ: true, dates: map[int]bool{}} }

// Calendar counts working days: Monday to Friday except holidays, in
// Asia/Almaty (Location). It is safe for concurrent use.
type Calendar struct {
	Location   *time.Location
	AnswerDays int
	holidays   Holidays

	mu    sync.Mutex
	years map[int]map[int]bool // the days off of a year, weekends aside
}

// NewCalendar makes a calendar of holidays h in loc, with answers due
// answerDays working days after registration (DefaultAnswerDays when 0).
func NewCalendar(h Holidays, answerDays int, loc *time.Location) *Calendar {
	if answerDays <= 0 {
		answerDays = DefaultAnswerDays
	}
	if h.dates == nil {
		h.dates = map[int]bool{}
	}
	return &Calendar{Location: loc, AnswerDays: answerDays, holidays: h, years: map[int]map[int]bool{}}
}

// daysOff are the holidays of year (weekends aside), carry-over included.
func (c *Calendar) daysOff(year int) map[int]bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if off, ok := c.years[year]; ok {
		return off
	}
	off := map[int]bool{}
	if c.holidays.KZ {
		for _, h := range kazakhstanHolidays {
			off[Day{year, h.month, h.day}.key()] = true
		}
		for _, h := range kazakhstanHolidays { // in date order
			d := Day{year, h.month, h.day}
			if !h.carry || !weekend(d) {
				continue
			}
			next := d.AddDays(1)
			for weekend(next) || off[next.key()] {
				next = next.AddDays(1)
			}
			off[next.key()] = true
		}
	}
	for _, h := range c.holidays.yearly {
		off[Day{year, h.month, h.day}.key()] = true
	}
	for k := range c.holidays.dates {
		if k/10000 == year {
			off[k] = true
		}
	}
	c.years[year] = off
	return off
}

func weekend(d Day) bool {
	wd := d.Weekday()
	return wd == time.Saturday || wd == time.Sunday
}

// Working reports whether d is a working day.
func (c *Calendar) Working(d Day) bool { return !weekend(d) && !c.daysOff(d.Year)[d.key()] }

// Holidays lists the holidays (weekdays off) of year, in order.
func (c *Calendar) Holidays(year int) []Day {
	var out []Day
	for k := range c.daysOff(year) {
		d := Day{k / 10000, time.Month(k / 100 % 100), k % 100}
		if !weekend(d) {
			out = append(out, d)
		}
	}
	slices.SortFunc(out, func(a, b Day) int { return a.key() - b.key() })
	return out
}

// AddWorking is the n-th working day after d (d itself not counted); d
// itself when n is 0.
func (c *Calendar) AddWorking(d Day, n int) Day {
	for n > 0 {
		d = d.AddDays(1)
		if c.Working(d) {
			n--
		}
	}
	return d
}

// WorkingBetween counts the working days after from up to and including
// to; 0 when to is not after from.
func (c *Calendar) WorkingBetween(from, to Day) int {
	n := 0
	for d := from.AddDays(1); !to.Before(d); d = d.AddDays(1) {
		if c.Working(d) {
			n++
		}
	}
	return n
}

// Due is the day an answer to a proposal registered at registered is due:
// the AnswerDays-th working day after the day of registration.
func (c *Calendar) Due(registered time.Time) Day {
	return c.AddWorking(DayOf(registered, c.Location), c.AnswerDays)
}

// Deadline is where a proposal stands against its deadline at a moment.
type Deadline struct {
	Due Day
	// Overdue: the due day has passed without an answer. Late is how many
	// working days have passed since (0 on the weekend right after it).
	Overdue bool
	Late    int
	// Soon: due today or within SoonDays working days. Left is how many
	// working days are left after today (0: due today).
	Soon bool
	Left int
}

// DeadlineAt is the deadline of a proposal registered at registered, seen
// at now.
func (c *Calendar) DeadlineAt(registered, now time.Time) Deadline {
	due := c.Due(registered)
	today := DayOf(now, c.Location)
	dl := Deadline{Due: due}
	switch {
	case due.Before(today):
		dl.Overdue = true
		dl.Late = c.WorkingBetween(due, today)
	default:
		dl.Left = c.WorkingBetween(today, due)
		dl.Soon = dl.Left <= SoonDays
	}
	return dl
}

// OverdueBefore is the instant that splits proposals at now: one
// registered before it is overdue when it has no answer, one registered at
// it or later is not. Due days only grow with the registration day, so
// the inbox finds the overdue ones by their registration time alone.
func (c *Calendar) OverdueBefore(now time.Time) time.Time {
	today := DayOf(now, c.Location)
	return c.lastRegisteredBefore(func(due Day) bool { return due.Before(today) }, today)
}

// DueSoonBefore is like OverdueBefore for "due within SoonDays working
// days, or overdue": registered before it, the answer is due by then.
func (c *Calendar) DueSoonBefore(now time.Time) time.Time {
	today := DayOf(now, c.Location)
	limit := c.AddWorking(today, SoonDays)
	return c.lastRegisteredBefore(func(due Day) bool { return !limit.Before(due) }, today)
}

// lastRegisteredBefore finds the latest registration day r at or before
// today whose due day passes ok, and returns the start of the day after
// it. Every due day is later than its registration day, so the walk back
// from today ends within a few dozen days.
func (c *Calendar) lastRegisteredBefore(ok func(due Day) bool, today Day) time.Time {
	r := today
	for i := 0; i < 4000 && !ok(c.AddWorking(r, c.AnswerDays)); i++ {
		r = r.AddDays(-1)
	}
	return r.AddDays(1).Start(c.Location)
}

// Describe writes the holidays for logs and --help: "kz+2026-05-27".
func (h Holidays) Describe() string {
	var parts []string
	if h.KZ {
		parts = append(parts, HolidaysKZ)
	}
	for _, m := range h.yearly {
		parts = append(parts, fmt.Sprintf("%02d-%02d", int(m.month), m.day))
	}
	keys := make([]int, 0, len(h.dates))
	for k := range h.dates {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		parts = append(parts, strconv.Itoa(k/10000)+"-"+fmt.Sprintf("%02d-%02d", k/100%100, k%100))
	}
	if len(parts) == 0 {
		return HolidaysNone
	}
	return strings.Join(parts, ",")
}
