package catalog

import (
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"time"
)

// FieldError is one problem in a catalog: where it is and what is wrong.
type FieldError struct {
	// File is the file name given to Parse; empty for an in-memory catalog.
	File string
	// Line is the 1-based line in File; 0 when not known.
	Line int
	// Field is the path of the field, as "forums[2].start.month"; empty
	// for a problem with the file as a whole (a syntax error).
	Field string
	// Msg says what is wrong, in English.
	Msg string
}

// Error formats the problem as "file:line: field: message", leaving out the
// parts that are not known.
func (e FieldError) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			fmt.Fprintf(&b, ":%d", e.Line)
		}
		b.WriteString(": ")
	} else if e.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", e.Line)
	}
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// ValidationErrors are all the problems found in a catalog, in the order of
// the file.
type ValidationErrors []FieldError

// Error prints one problem a line.
func (v ValidationErrors) Error() string {
	lines := make([]string, len(v))
	for i, e := range v {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// sorted orders the problems by line, keeping the order they were found in
// within a line, and returns them as an error, or nil when there are none.
func (v ValidationErrors) sorted() error {
	if len(v) == 0 {
		return nil
	}
	sort.SliceStable(v, func(i, j int) bool { return v[i].Line < v[j].Line })
	return v
}

// Validate checks an in-memory catalog by the rules Parse applies to a file.
// The problems it reports have no file and line 0.
func (c *Catalog) Validate() error {
	v := &catalogValidator{lineOf: func(string) int { return 0 }}
	v.catalog(c)
	return v.errs.sorted()
}

// MaxIDLen is the longest forum ID: the deep link payload "forum_<id>" has to
// fit Telegram's 64-character start parameter, with room to spare for a
// suffix a handler may add.
const MaxIDLen = 40

// FigureKinds are the values Figure.Kind may take.
var FigureKinds = []string{"ngo_count", "projects", "funding", "volunteers", "other"}

// Date limits: the catalog is about independent Kazakhstan.
const (
	minCatalogYear = 1991
	maxCatalogYear = 2100
)

var (
	forumIDPattern  = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$`)
	dateTimePattern = regexp.MustCompile(`^(?:[01][0-9]|2[0-3]):[0-5][0-9]$`)
)

type catalogValidator struct {
	file   string
	lineOf func(path string) int
	errs   ValidationErrors
}

func (v *catalogValidator) errf(path, format string, args ...any) {
	v.errs = append(v.errs, FieldError{File: v.file, Line: v.lineOf(path), Field: path, Msg: fmt.Sprintf(format, args...)})
}

func blankString(s string) bool { return strings.TrimSpace(s) == "" }

// textIsBlank reports whether t has no text in any language.
func textIsBlank(t Text) bool { return blankString(t.KK) && blankString(t.RU) && blankString(t.EN) }

func (v *catalogValidator) catalog(c *Catalog) {
	if c == nil || len(c.Forums) == 0 {
		v.errf("forums", "at least one forum is required")
		return
	}
	firstByID := map[string]int{}
	for i := range c.Forums {
		p := fmt.Sprintf("forums[%d]", i)
		f := &c.Forums[i]
		v.forum(p, f)
		if f.ID == "" {
			continue
		}
		if j, dup := firstByID[f.ID]; dup {
			first := fmt.Sprintf("forums[%d]", j)
			if l := v.lineOf(first + ".id"); l > 0 {
				v.errf(p+".id", "duplicate id %q (first used by %s at line %d)", f.ID, first, l)
			} else {
				v.errf(p+".id", "duplicate id %q (first used by %s)", f.ID, first)
			}
			continue
		}
		firstByID[f.ID] = i
	}
}

func (v *catalogValidator) forum(p string, f *Forum) {
	switch {
	case f.ID == "":
		v.errf(p+".id", "is required")
	case !forumIDPattern.MatchString(f.ID):
		v.errf(p+".id", "must be a slug of a-z, 0-9 and inner hyphens (got %q)", f.ID)
	}
	if n := len(f.ID); n > MaxIDLen {
		v.errf(p+".id", "must be at most %d characters so that the deep link forum_<id> fits Telegram's start parameter (got %d)", MaxIDLen, n)
	}
	if f.Ordinal < 0 {
		v.errf(p+".ordinal", "must not be negative (leave it out when unknown; got %d)", f.Ordinal)
	}
	switch f.Level {
	case LevelNational, LevelRegional, LevelCity:
	case "":
		v.errf(p+".level", "is required (national, regional or city)")
	default:
		v.errf(p+".level", "must be national, regional or city (got %q)", f.Level)
	}
	switch {
	case f.Region == "":
		v.errf(p+".region", "is required (a region code such as jambyl or almaty)")
	default:
		if _, ok := RegionByCode(f.Region); !ok {
			v.errf(p+".region", "unknown region code %q (known: %s)", f.Region, strings.Join(RegionCodes(), ", "))
		}
	}

	v.text(p+".title", f.Title, true)
	v.text(p+".city", f.City, false)
	v.text(p+".city_in", f.CityIn, false)
	if !textIsBlank(f.CityIn) && textIsBlank(f.City) {
		v.errf(p+".city_in", "is the locative of city, which is not given")
	}
	v.text(p+".venue", f.Venue, false)
	v.text(p+".theme", f.Theme, false)
	v.text(p+".summary", f.Summary, false)

	startOK := v.date(p+".start", f.Start)
	if f.End != nil {
		if v.date(p+".end", *f.End) && startOK {
			v.order(p, f.Start, *f.End)
		}
	}
	if f.Days < 0 {
		v.errf(p+".days", "must not be negative (leave it out when unknown; got %d)", f.Days)
	} else if f.Days > 0 && f.End != nil && startOK && f.Start.Precision == PrecisionDay && f.End.Precision == PrecisionDay {
		span := dayNumber(*f.End) - dayNumber(f.Start) + 1
		if span > 0 && span != f.Days {
			v.errf(p+".days", "is %d but start and end span %d days", f.Days, span)
		}
	}

	for i, t := range f.Organizers {
		v.text(fmt.Sprintf("%s.organizers[%d]", p, i), t, true)
	}
	for i, s := range f.Speakers {
		sp := fmt.Sprintf("%s.speakers[%d]", p, i)
		v.text(sp+".name", s.Name, true)
		v.text(sp+".role", s.Role, false)
	}
	for i, t := range f.Agenda {
		v.text(fmt.Sprintf("%s.agenda[%d]", p, i), t, true)
	}
	for i, t := range f.Outcomes {
		v.text(fmt.Sprintf("%s.outcomes[%d]", p, i), t, true)
	}
	for i, fig := range f.Figures {
		v.figure(fmt.Sprintf("%s.figures[%d]", p, i), fig)
	}
	for i, a := range f.Awards {
		v.award(fmt.Sprintf("%s.awards[%d]", p, i), a)
	}
	for i, l := range f.Links {
		lp := fmt.Sprintf("%s.links[%d]", p, i)
		v.text(lp+".title", l.Title, false)
		v.link(lp+".url", l.URL)
	}
}

// text checks that t is given in every language when it is given at all, and
// that it is given when required.
func (v *catalogValidator) text(p string, t Text, required bool) {
	kk, ru, en := blankString(t.KK), blankString(t.RU), blankString(t.EN)
	if kk && ru && en {
		if required {
			v.errf(p, "is required in kk, ru and en")
		}
		return
	}
	for _, m := range []struct {
		lang    string
		missing bool
	}{{"kk", kk}, {"ru", ru}, {"en", en}} {
		if m.missing {
			v.errf(p+"."+m.lang, "is missing (every text needs kk, ru and en)")
		}
	}
}

// date checks that d is consistent with its precision and reports whether it
// is valid.
func (v *catalogValidator) date(p string, d Date) bool {
	ok := true
	bad := func(field, format string, args ...any) {
		v.errf(p+"."+field, format, args...)
		ok = false
	}
	needYear := func() {
		switch {
		case d.Year == 0:
			bad("year", "is required with precision %s", d.Precision)
		case d.Year < minCatalogYear || d.Year > maxCatalogYear:
			bad("year", "must be %d..%d (got %d)", minCatalogYear, maxCatalogYear, d.Year)
		}
	}
	needMonth := func() {
		switch {
		case d.Month == 0:
			bad("month", "is required with precision %s", d.Precision)
		case d.Month < 1 || d.Month > 12:
			bad("month", "must be 1..12 (got %d)", d.Month)
		}
	}
	// Coarser precisions leave the finer parts out; Date's doc allows 1 as
	// their placeholder too.
	noFiner := func(field string, val int) {
		if val != 0 && val != 1 {
			bad(field, "must be left out with precision %s (got %d)", d.Precision, val)
		}
	}

	switch d.Precision {
	case PrecisionDay:
		needYear()
		needMonth()
		monthKnown := d.Year >= minCatalogYear && d.Year <= maxCatalogYear && d.Month >= 1 && d.Month <= 12
		last := 31
		if monthKnown {
			last = time.Date(d.Year, time.Month(d.Month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
		}
		switch {
		case d.Day == 0:
			bad("day", "is required with precision day")
		case d.Day >= 1 && d.Day <= last:
		case monthKnown:
			bad("day", "must be 1..%d for %04d-%02d (got %d)", last, d.Year, d.Month, d.Day)
		default:
			bad("day", "must be 1..31 (got %d)", d.Day)
		}
	case PrecisionMonth:
		needYear()
		needMonth()
		noFiner("day", d.Day)
	case PrecisionYear:
		needYear()
		noFiner("month", d.Month)
		noFiner("day", d.Day)
	case PrecisionUnknown:
		for _, part := range []struct {
			field string
			val   int
		}{{"year", d.Year}, {"month", d.Month}, {"day", d.Day}} {
			if part.val != 0 {
				bad(part.field, "must be left out with precision unknown (got %d)", part.val)
			}
		}
		if d.Approx {
			bad("approx", "has no meaning with precision unknown")
		}
	case "":
		bad("precision", "is required (day, month, year or unknown)")
		return false
	default:
		bad("precision", "must be day, month, year or unknown (got %q)", d.Precision)
		return false
	}
	if d.Time != "" {
		switch {
		case d.Precision != PrecisionDay:
			bad("time", "is only allowed with precision day")
		case !dateTimePattern.MatchString(d.Time):
			bad("time", "must be HH:MM, 00:00..23:59 (got %q)", d.Time)
		}
	}
	return ok
}

// dayNumber counts the days of a valid day-precision date from the Unix
// epoch, leaving its time out.
func dayNumber(d Date) int {
	return int(time.Date(d.Year, time.Month(d.Month), d.Day, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// precisionRank orders the precisions from coarse to fine; unknown is 0.
func precisionRank(p Precision) int {
	switch p {
	case PrecisionYear:
		return 1
	case PrecisionMonth:
		return 2
	case PrecisionDay:
		return 3
	}
	return 0
}

// order checks that end is not before start, comparing them at the finer of
// the two precisions both give.
func (v *catalogValidator) order(p string, start, end Date) {
	r := min(precisionRank(start.Precision), precisionRank(end.Precision))
	if r == 0 {
		return
	}
	key := func(d Date) int {
		k := d.Year * 10000
		if r >= 2 {
			k += d.Month * 100
		}
		if r >= 3 {
			k += d.Day
		}
		return k
	}
	ks, ke := key(start), key(end)
	switch {
	case ke < ks:
		v.errf(p+".end", "must not be before start (%s)", dateString(start))
	case ke == ks && r == 3 && start.Time != "" && end.Time != "" && end.Time < start.Time:
		v.errf(p+".end.time", "must not be before the start time %s on the same day", start.Time)
	}
}

// dateString writes d as far as its precision goes: "2018-10-16", "2018-10",
// "2018".
func dateString(d Date) string {
	switch d.Precision {
	case PrecisionDay:
		return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
	case PrecisionMonth:
		return fmt.Sprintf("%04d-%02d", d.Year, d.Month)
	case PrecisionYear:
		return fmt.Sprintf("%04d", d.Year)
	}
	return "unknown"
}

func (v *catalogValidator) figure(p string, f Figure) {
	v.text(p+".label", f.Label, true)
	if blankString(f.Value) {
		v.errf(p+".value", "is required")
	}
	switch {
	case f.Kind == "":
		v.errf(p+".kind", "is required (%s)", strings.Join(FigureKinds, ", "))
	case !isFigureKind(f.Kind):
		v.errf(p+".kind", "must be one of %s (got %q)", strings.Join(FigureKinds, ", "), f.Kind)
	}
}

func isFigureKind(k string) bool {
	for _, fk := range FigureKinds {
		if k == fk {
			return true
		}
	}
	return false
}

func (v *catalogValidator) award(p string, a Award) {
	v.text(p+".contest", a.Contest, false)
	v.text(p+".nomination", a.Nomination, false)
	v.text(p+".winner", a.Winner, false)
	v.text(p+".role", a.Role, false)
	v.text(p+".organization", a.Organization, false)
	v.text(p+".project", a.Project, false)
	if textIsBlank(a.Contest) && textIsBlank(a.Nomination) {
		v.errf(p, "needs a contest or a nomination")
	}
	if textIsBlank(a.Winner) && textIsBlank(a.Organization) {
		v.errf(p, "needs a winner or an organization")
	}
}

func (v *catalogValidator) link(p, raw string) {
	if blankString(raw) {
		v.errf(p, "is required")
		return
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		v.errf(p, "must be an http or https URL (got %q)", raw)
	}
}
