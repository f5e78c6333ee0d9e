package handlers

import (
	"fmt"
	"html"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/forumbot/forumbot/bot/catalog"
	"github.com/forumbot/forumbot/locales"
)

// esc escapes text for Telegram's HTML parse mode. Every piece of catalog
// or user text goes through it before it reaches a message.
func esc(s string) string { return html.EscapeString(s) }

// DateText writes a catalog date as far as it is known: "16 қазан 2018 ж.",
// "октябрь 2018 г.", "about 2021", "date unknown".
func DateText(t *locales.Localizer, d catalog.Date) string {
	var s string
	switch {
	case !d.Known():
		return t.T("date_unknown")
	case d.Precision == catalog.PrecisionDay:
		s = t.Date(d.Year, d.Month, d.Day)
		if d.Time != "" {
			s += ", " + d.Time
		}
	case d.Precision == catalog.PrecisionMonth:
		s = t.MonthYear(d.Year, d.Month)
	default:
		s = t.Year(d.Year)
	}
	if d.Approx {
		s = t.T("date_approx", "Date", s)
	}
	return s
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

// ShortDate is a compact date for buttons: "16.10.2018", "10.2018",
// "≈2021", "?".
func ShortDate(d catalog.Date) string {
	var s string
	switch {
	case !d.Known():
		return "?"
	case d.Precision == catalog.PrecisionDay:
		s = fmt.Sprintf("%02d.%02d.%d", d.Day, d.Month, d.Year)
	case d.Precision == catalog.PrecisionMonth:
		s = fmt.Sprintf("%02d.%d", d.Month, d.Year)
	default:
		s = fmt.Sprint(d.Year)
	}
	if d.Approx {
		s = "≈" + s
	}
	return s
}

var romans = []struct {
	n int
	s string
}{{1000, "M"}, {900, "CM"}, {500, "D"}, {400, "CD"}, {100, "C"}, {90, "XC"}, {50, "L"}, {40, "XL"}, {10, "X"}, {9, "IX"}, {5, "V"}, {4, "IV"}, {1, "I"}}

// Roman writes an ordinal the way forums are numbered: 8 → "VIII".
func Roman(n int) string {
	if n <= 0 {
		return ""
	}
	var b strings.Builder
	for _, r := range romans {
		for n >= r.n {
			b.WriteString(r.s)
			n -= r.n
		}
	}
	return b.String()
}

// clip shortens s to at most n runes, with an ellipsis.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

// ForumLabel is a forum's one-line name for lists and buttons:
// "16.10.2018 · Тараз · VIII форум ...".
func ForumLabel(lang string, f *catalog.Forum, max int) string {
	parts := []string{ShortDate(f.Start)}
	if c := f.City.In(lang); c != "" {
		parts = append(parts, c)
	}
	parts = append(parts, f.Title.In(lang))
	s := strings.Join(parts, " · ")
	if f.Cancelled {
		s = "❌ " + s
	}
	return clip(s, max)
}

// periodEnd is the last instant a date can mean: the end of its day, month
// or year.
func periodEnd(d catalog.Date, loc *time.Location) time.Time {
	start := d.Start(loc)
	switch d.Precision {
	case catalog.PrecisionDay:
		return time.Date(d.Year, time.Month(d.Month), d.Day+1, 0, 0, 0, 0, loc)
	case catalog.PrecisionMonth:
		return time.Date(d.Year, time.Month(d.Month)+1, 1, 0, 0, 0, 0, loc)
	}
	return start.AddDate(1, 0, 0)
}

// IsUpcoming reports whether a forum has not ended by now. A date known
// only to the month or year counts as upcoming until that month or year is
// over; a forum with no known date counts as past (the catalog's undated
// forums come from reports about meetings already held).
func IsUpcoming(f *catalog.Forum, now time.Time) bool {
	if !f.Start.Known() {
		return false
	}
	end := periodEnd(f.Start, now.Location())
	if f.End != nil && f.End.Known() {
		end = periodEnd(*f.End, now.Location())
	} else if f.Days > 1 && f.Start.Precision == catalog.PrecisionDay {
		end = end.AddDate(0, 0, f.Days-1)
	}
	return now.Before(end)
}
