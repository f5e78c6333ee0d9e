package qa

import (
	"strconv"

	"github.com/forumbot/forumbot/bot/catalog"
	"github.com/forumbot/forumbot/locales"
)

// DateText writes a catalog date as far as it is known: "16 қазан 2018 ж.",
// "октябрь 2018 г.", "about 2021", "date unknown". Forum cards show dates
// through it (handlers.DateText), and answers build on it.
func DateText(t *locales.Localizer, d catalog.Date) string {
	if !d.Known() {
		return t.T("date_unknown")
	}
	s := exactDateText(t, d)
	if d.Approx {
		s = t.T("date_approx", "Date", s)
	}
	return s
}

// exactDateText is DateText of a known date without its approximation mark.
func exactDateText(t *locales.Localizer, d catalog.Date) string {
	switch d.Precision {
	case catalog.PrecisionDay:
		s := t.Date(d.Year, d.Month, d.Day)
		if d.Time != "" {
			s += ", " + d.Time
		}
		return s
	case catalog.PrecisionMonth:
		return t.MonthYear(d.Year, d.Month)
	}
	return t.Year(d.Year)
}

// WhenText is a forum's dates: one date, a range, and its length in days
// when the source gives only that.
func WhenText(t *locales.Localizer, f *catalog.Forum) string {
	s := DateText(t, f.Start)
	if f.End != nil && f.End.Known() && *f.End != f.Start {
		s = t.T("date_range", "From", s, "To", DateText(t, *f.End))
	}
	if f.Days > 1 && (f.End == nil || !f.End.Known()) {
		s += " (" + t.N("days", f.Days) + ")"
	}
	return s
}

// whenPhrase is a known date as a sentence puts it after a verb: "16
// октября 2018 г.", "в 2018 г.", "примерно в 2021 г.", "on 16 October
// 2018", "in October 2018". Each precision has its own template, since
// languages put a date with a day, a month or a year differently.
func whenPhrase(t *locales.Localizer, d catalog.Date) string {
	var s string
	switch d.Precision {
	case catalog.PrecisionDay:
		s = t.T("qa_on_day", "Date", exactDateText(t, d))
	case catalog.PrecisionMonth:
		s = t.T("qa_in_month", "Month", t.T("qa_month_in_"+strconv.Itoa(d.Month)), "Year", d.Year)
	default:
		s = t.T("qa_in_year", "Date", exactDateText(t, d))
	}
	if d.Approx {
		s = t.T("qa_approx", "When", s)
	}
	return s
}

// forumWhen is a forum's dates as a sentence puts them: a start, a range
// ("с 10 по 12 …" in full dates) and the length in days when only that is
// known. It returns "" for a forum with no known date.
func forumWhen(t *locales.Localizer, f *catalog.Forum) string {
	if !f.Start.Known() {
		return ""
	}
	s := whenPhrase(t, f.Start)
	if f.End != nil && f.End.Known() && *f.End != f.Start {
		s = t.T("qa_range", "From", DateText(t, f.Start), "To", DateText(t, *f.End))
	} else if f.Days > 1 {
		s += " (" + t.N("days", f.Days) + ")"
	}
	return s
}
