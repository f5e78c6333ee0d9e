package schedule

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// A schedule's spec is either a cron expression (robfig/cron's standard
// five fields, or a descriptor such as @daily), read in Asia/Almaty and
// optionally starting from a date, or a list of local date-times ("at"
// times). Organizers type either; Parse reads both.

// SpecError is a spec the bot cannot use; Kind says why, for a message in
// the organizer's language, and Detail is robfig/cron's own words when it
// has some.
type SpecError struct {
	Kind   string // empty, tz, syntax, often, never, past, date
	Detail string
}

func (e *SpecError) Error() string {
	if e.Detail == "" {
		return "schedule: " + e.Kind
	}
	return "schedule: " + e.Kind + ": " + e.Detail
}

// Spec kinds of error.
const (
	ErrEmpty  = "empty"  // nothing typed
	ErrTZ     = "tz"     // a TZ= or CRON_TZ= prefix: the zone is Asia/Almaty
	ErrSyntax = "syntax" // not a cron expression nor a list of times
	ErrOften  = "often"  // runs more than once a minute
	ErrNever  = "never"  // never runs (31 February)
	ErrPast   = "past"   // a time that has passed
	ErrDate   = "date"   // a date-time that does not exist
)

// Spec is a parsed schedule.
type Spec struct {
	// Stored is what is kept in Redis: the cron expression, or
	// "at:<unix>,<unix>...".
	Stored string
	// From: no slot before it (zero: none).
	From time.Time
	plan cron.Schedule
}

// Next is the first slot after t, zero when there is none.
func (s Spec) Next(t time.Time) time.Time {
	if !s.From.IsZero() && t.Before(s.From) {
		t = s.From.Add(-time.Second)
	}
	return s.plan.Next(t)
}

// NextN is the next n slots after t (fewer when the schedule ends).
func (s Spec) NextN(t time.Time, n int) []time.Time {
	var out []time.Time
	for len(out) < n {
		t = s.Next(t)
		if t.IsZero() {
			break
		}
		out = append(out, t)
	}
	return out
}

// IsCron reports whether the spec repeats on a cron expression.
func (s Spec) IsCron() bool { return !strings.HasPrefix(s.Stored, "at:") }

var parser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// parseCron runs robfig/cron's parser, which panics on some input (TZ=),
// turning any panic into an error.
func parseCron(expr string) (sched cron.Schedule, err error) {
	defer func() {
		if r := recover(); r != nil {
			sched, err = nil, &SpecError{Kind: ErrSyntax, Detail: fmt.Sprint(r)}
		}
	}()
	s, err := parser.Parse(expr)
	if err != nil {
		return nil, &SpecError{Kind: ErrSyntax, Detail: err.Error()}
	}
	return s, nil
}

// atList is a fixed list of slots.
type atList []time.Time

func (a atList) Next(t time.Time) time.Time {
	for _, s := range a {
		if s.After(t) {
			return s
		}
	}
	return time.Time{}
}

var (
	dateTimeRE = regexp.MustCompile(`^(\d{1,2})\.(\d{1,2})\.(\d{4})\s+(\d{1,2}):(\d{2})$`)
	dateRE     = regexp.MustCompile(`^(\d{1,2})\.(\d{1,2})\.(\d{4})$`)
	fromRE     = regexp.MustCompile(`(?i)^(.*\S)\s+(?:from|с|бастап)\s+(\S+)$`)
)

// parseLocal reads "DD.MM.YYYY HH:MM" (withTime) or "DD.MM.YYYY" in loc.
func parseLocal(s string, loc *time.Location, withTime bool) (time.Time, bool, error) {
	var d, m, y, hh, mm int
	if withTime {
		g := dateTimeRE.FindStringSubmatch(s)
		if g == nil {
			return time.Time{}, false, nil
		}
		fmt.Sscan(g[1], &d)
		fmt.Sscan(g[2], &m)
		fmt.Sscan(g[3], &y)
		fmt.Sscan(g[4], &hh)
		fmt.Sscan(g[5], &mm)
	} else {
		g := dateRE.FindStringSubmatch(s)
		if g == nil {
			return time.Time{}, false, nil
		}
		fmt.Sscan(g[1], &d)
		fmt.Sscan(g[2], &m)
		fmt.Sscan(g[3], &y)
	}
	t := time.Date(y, time.Month(m), d, hh, mm, 0, 0, loc)
	if t.Day() != d || int(t.Month()) != m || t.Hour() != hh || t.Minute() != mm {
		return time.Time{}, true, &SpecError{Kind: ErrDate, Detail: s}
	}
	return t, true, nil
}

// Parse reads what an organizer typed: one or more local date-times
// ("25.11.2026 10:00", separated by commas or lines), or a cron expression
// in Asia/Almaty ("0 10 * * *", "@daily"), optionally with a first date
// ("0 10 * * * from 25.11.2026"). now rejects times that have passed.
func Parse(input string, loc *time.Location, now time.Time) (Spec, error) {
	input = strings.TrimSpace(input)
	if input == "" {
		return Spec{}, &SpecError{Kind: ErrEmpty}
	}
	// A list of date-times?
	parts := strings.FieldsFunc(input, func(r rune) bool { return r == ',' || r == ';' || r == '\n' })
	var times atList
	for _, p := range parts {
		t, ok, err := parseLocal(strings.Join(strings.Fields(p), " "), loc, true)
		if err != nil {
			return Spec{}, err
		}
		if !ok {
			times = nil
			break
		}
		if !t.After(now) {
			return Spec{}, &SpecError{Kind: ErrPast, Detail: strings.TrimSpace(p)}
		}
		times = append(times, t)
	}
	if len(times) > 0 {
		sort.Slice(times, func(i, j int) bool { return times[i].Before(times[j]) })
		stored := make([]string, len(times))
		for i, t := range times {
			stored[i] = fmt.Sprint(t.Unix())
		}
		return Spec{Stored: "at:" + strings.Join(stored, ","), plan: times}, nil
	}
	expr, from := input, time.Time{}
	if g := fromRE.FindStringSubmatch(input); g != nil {
		if t, ok, err := parseLocal(g[2], loc, false); ok {
			if err != nil {
				return Spec{}, err
			}
			expr, from = g[1], t
		}
	}
	return ParseStored(expr, from, loc, now)
}

// ParseStored reads a spec as kept in Redis (see Spec.Stored).
func ParseStored(stored string, from time.Time, loc *time.Location, now time.Time) (Spec, error) {
	stored = strings.TrimSpace(stored)
	if rest, ok := strings.CutPrefix(stored, "at:"); ok {
		var times atList
		for _, p := range strings.Split(rest, ",") {
			var u int64
			if _, err := fmt.Sscan(p, &u); err != nil {
				return Spec{}, &SpecError{Kind: ErrSyntax, Detail: stored}
			}
			times = append(times, time.Unix(u, 0).In(loc))
		}
		sort.Slice(times, func(i, j int) bool { return times[i].Before(times[j]) })
		return Spec{Stored: stored, plan: times}, nil
	}
	if stored == "" {
		return Spec{}, &SpecError{Kind: ErrEmpty}
	}
	upper := strings.ToUpper(stored)
	if strings.HasPrefix(upper, "TZ=") || strings.HasPrefix(upper, "CRON_TZ=") {
		return Spec{}, &SpecError{Kind: ErrTZ}
	}
	plan, err := parseCron(stored)
	if err != nil {
		return Spec{}, err
	}
	if s, ok := plan.(*cron.SpecSchedule); ok {
		s.Location = loc
	}
	sp := Spec{Stored: stored, From: from, plan: plan}
	base := now.In(loc)
	next := sp.NextN(base, 2)
	switch {
	case len(next) == 0:
		return Spec{}, &SpecError{Kind: ErrNever}
	case len(next) == 2 && next[1].Sub(next[0]) < time.Minute:
		return Spec{}, &SpecError{Kind: ErrOften}
	}
	return sp, nil
}

// IsSpecError reports whether err is a SpecError and returns it.
func IsSpecError(err error) (*SpecError, bool) {
	var se *SpecError
	ok := errors.As(err, &se)
	return se, ok
}
