package handlers

import (
	"fmt"
	"html"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/forumbot/forumbot/bot/catalog"
	"github.com/forumbot/forumbot/bot/qa"
	"github.com/forumbot/forumbot/locales"
)

// esc escapes text for Telegram's HTML parse mode. Every piece of catalog
// or user text goes through it before it reaches a message.
func esc(s string) string { return html.EscapeString(s) }

// DateText writes a catalog date as far as it is known: "16 қазан 2018 ж.",
// "октябрь 2018 г.", "about 2021", "date unknown". It is qa.DateText, so
// cards and answers to questions write dates the same way.
func DateText(t *locales.Localizer, d catalog.Date) string { return qa.DateText(t, d) }

// WhenText is a forum's dates: one date, a range, and its length in days
// when the source gives only that (qa.WhenText).
func WhenText(t *locales.Localizer, f *catalog.Forum) string { return qa.WhenText(t, f) }

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

// IsUpcoming reports whether a forum has not ended by now; it is
// catalog.Forum.Upcoming, which answers to questions use too.
func IsUpcoming(f *catalog.Forum, now time.Time) bool { return f.Upcoming(now) }
