// Package catalog holds the domain of forumbot: civil forums, their awards and
// the facts told about them, in Kazakh, Russian and English. It knows nothing
// about Telegram or Redis: storage keeps a Catalog, handlers show it.
package catalog

import (
	"fmt"
	"time"
)

// Langs are the languages every text of the catalog is written in, Kazakh
// (the state language) first.
var Langs = []string{"kk", "ru", "en"}

// Text is one piece of text in the three languages. An empty Text means the
// source does not give the fact.
type Text struct {
	KK string `yaml:"kk" json:"kk,omitempty"`
	RU string `yaml:"ru" json:"ru,omitempty"`
	EN string `yaml:"en" json:"en,omitempty"`
}

// In returns the text in lang, falling back to Kazakh, then Russian, then
// English, so that a half-translated entry still shows something.
func (t Text) In(lang string) string {
	switch lang {
	case "ru":
		if t.RU != "" {
			return t.RU
		}
	case "en":
		if t.EN != "" {
			return t.EN
		}
	}
	for _, s := range []string{t.KK, t.RU, t.EN} {
		if s != "" {
			return s
		}
	}
	return ""
}

// IsZero reports whether no language has the text.
func (t Text) IsZero() bool { return t.KK == "" && t.RU == "" && t.EN == "" }

// All returns the non-empty variants, for search indexing.
func (t Text) All() []string {
	out := make([]string, 0, 3)
	for _, s := range []string{t.KK, t.RU, t.EN} {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// Level is how wide a forum's reach is.
type Level string

const (
	LevelNational Level = "national"
	LevelRegional Level = "regional"
	LevelCity     Level = "city"
)

// Precision says how much of a Date the source gives.
type Precision string

const (
	PrecisionDay     Precision = "day"
	PrecisionMonth   Precision = "month"
	PrecisionYear    Precision = "year"
	PrecisionUnknown Precision = "unknown"
)

// Date is a calendar date known to some precision. With PrecisionMonth the
// day is 1, with PrecisionYear month and day are 1; with PrecisionUnknown
// Year is 0. Approx marks a value the catalog infers rather than reads (a
// year derived from "the 30th anniversary of independence", say).
type Date struct {
	Year      int       `yaml:"year" json:"year,omitempty"`
	Month     int       `yaml:"month" json:"month,omitempty"`
	Day       int       `yaml:"day" json:"day,omitempty"`
	Precision Precision `yaml:"precision" json:"precision"`
	Approx    bool      `yaml:"approx" json:"approx,omitempty"`
	// Time is the local (Asia/Almaty) start time "15:04" when known.
	Time string `yaml:"time" json:"time,omitempty"`
}

// Known reports whether at least the year is known.
func (d Date) Known() bool { return d.Precision != PrecisionUnknown && d.Year > 0 }

// Start returns the first instant the date can mean, in loc. For an unknown
// date it returns the zero time.
func (d Date) Start(loc *time.Location) time.Time {
	if !d.Known() {
		return time.Time{}
	}
	m, day := d.Month, d.Day
	if m == 0 {
		m = 1
	}
	if day == 0 {
		day = 1
	}
	h, min := 0, 0
	if d.Time != "" {
		fmt.Sscanf(d.Time, "%d:%d", &h, &min)
	}
	return time.Date(d.Year, time.Month(m), day, h, min, 0, 0, loc)
}

// periodEnd is the first instant after the period the date names: the end
// of its day, month or year, in loc.
func (d Date) periodEnd(loc *time.Location) time.Time {
	switch d.Precision {
	case PrecisionDay:
		return time.Date(d.Year, time.Month(d.Month), d.Day+1, 0, 0, 0, 0, loc)
	case PrecisionMonth:
		return time.Date(d.Year, time.Month(d.Month)+1, 1, 0, 0, 0, 0, loc)
	}
	return d.Start(loc).AddDate(1, 0, 0)
}

// Forum is one civil forum: a meeting of NGOs, state bodies and citizens.
type Forum struct {
	// ID is a stable slug ([a-z0-9-]) used in deep links: forum_<ID>.
	ID      string `yaml:"id" json:"id"`
	Ordinal int    `yaml:"ordinal" json:"ordinal,omitempty"` // 8 for "VIII"; 0 when unknown
	Level   Level  `yaml:"level" json:"level"`
	// Region is a code from Regions ("jambyl", "almaty", ...).
	Region     string   `yaml:"region" json:"region"`
	City       Text     `yaml:"city" json:"city"`
	CityIn     Text     `yaml:"city_in" json:"city_in,omitzero"` // the city in the locative ("Таразда", "в Таразе", "in Taraz"), for answers; optional
	Venue      Text     `yaml:"venue" json:"venue"`
	Title      Text     `yaml:"title" json:"title"`
	Theme      Text     `yaml:"theme" json:"theme"`
	Summary    Text     `yaml:"summary" json:"summary"`
	Start      Date     `yaml:"start" json:"start"`
	End        *Date    `yaml:"end" json:"end,omitempty"`
	Days       int      `yaml:"days" json:"days,omitempty"` // duration in days when known but the dates are not
	Cancelled  bool     `yaml:"cancelled" json:"cancelled,omitempty"`
	Organizers []Text   `yaml:"organizers" json:"organizers,omitempty"`
	Speakers   []Person `yaml:"speakers" json:"speakers,omitempty"`
	Agenda     []Text   `yaml:"agenda" json:"agenda,omitempty"`
	Outcomes   []Text   `yaml:"outcomes" json:"outcomes,omitempty"`
	Figures    []Figure `yaml:"figures" json:"figures,omitempty"`
	Awards     []Award  `yaml:"awards" json:"awards,omitempty"`
	Links      []Link   `yaml:"links" json:"links,omitempty"`
	// Source names where the facts come from (a news report), for organizers.
	Source string `yaml:"source" json:"source,omitempty"`
}

// Person is a speaker or an official named at a forum.
type Person struct {
	Name Text `yaml:"name" json:"name"`
	Role Text `yaml:"role" json:"role"`
}

// Figure is a key number told at a forum ("about 400 NGOs in the region").
type Figure struct {
	Label  Text   `yaml:"label" json:"label"`
	Value  string `yaml:"value" json:"value"` // as written: "400", "814.8 mln tenge"
	Approx bool   `yaml:"approx" json:"approx,omitempty"`
	// Kind groups figures a question can ask for: "ngo_count", "projects",
	// "funding", "volunteers", "other".
	Kind string `yaml:"kind" json:"kind,omitempty"`
}

// Award is one prize handed out at a forum.
type Award struct {
	Contest      Text `yaml:"contest" json:"contest"`
	Nomination   Text `yaml:"nomination" json:"nomination"`
	Winner       Text `yaml:"winner" json:"winner"`
	Organization Text `yaml:"organization" json:"organization"`
	Project      Text `yaml:"project" json:"project"`
	// Role is the winner's occupation or position as the source gives it
	// ("doctor", "head of ..."); empty when the source does not say.
	Role Text `yaml:"role" json:"role"`
}

// Link is a reference for more reading.
type Link struct {
	Title Text   `yaml:"title" json:"title"`
	URL   string `yaml:"url" json:"url"`
}

// Catalog is the whole set of forums the bot knows.
type Catalog struct {
	Forums []Forum `yaml:"forums" json:"forums"`
}

// ByID returns the forum with id.
func (c *Catalog) ByID(id string) (*Forum, bool) {
	for i := range c.Forums {
		if c.Forums[i].ID == id {
			return &c.Forums[i], true
		}
	}
	return nil, false
}

// Upcoming reports whether the forum has not ended by now (in now's
// location, Asia/Almaty for the bot). A date known only to the month or year
// counts as upcoming until that month or year is over; a forum with no known
// date counts as past (undated forums come from reports about meetings
// already held). Lists, cards and answers to questions all use it.
func (f *Forum) Upcoming(now time.Time) bool {
	if !f.Start.Known() {
		return false
	}
	loc := now.Location()
	end := f.Start.periodEnd(loc)
	if f.End != nil && f.End.Known() {
		end = f.End.periodEnd(loc)
	} else if f.Days > 1 && f.Start.Precision == PrecisionDay {
		end = end.AddDate(0, 0, f.Days-1)
	}
	return now.Before(end)
}
