package handlers

import (
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/forumbot/forumbot/bot/catalog"
)

// Zone is the time zone of every forum time: all of Kazakhstan has been on
// UTC+5 since 2024-03-01 (Almaty was UTC+6 before).
const Zone = "Asia/Almaty"

// ICS renders a forum as an RFC 5545 calendar with one event. A forum with
// a start time gets a timed event in Asia/Almaty (with a VTIMEZONE that
// knows both offsets, so old and new dates are right); one known only to
// the day gets an all-day event. ok is false when the day is unknown: a
// calendar entry on a guessed day would mislead.
func ICS(f *catalog.Forum, lang, link string, now time.Time) (data []byte, ok bool) {
	if f.Start.Precision != catalog.PrecisionDay || !f.Start.Known() {
		return nil, false
	}
	loc, err := time.LoadLocation(Zone)
	if err != nil {
		return nil, false
	}
	cal := ics.NewCalendar()
	cal.SetProductId("-//forumbot//civil forums//" + strings.ToUpper(lang))
	cal.SetMethod(ics.MethodPublish)

	ev := cal.AddEvent(f.ID + "@forumbot")
	ev.SetDtStampTime(now)
	ev.SetSummary(f.Title.In(lang))
	var loc2 []string
	for _, s := range []string{f.Venue.In(lang), f.City.In(lang)} {
		if s != "" {
			loc2 = append(loc2, s)
		}
	}
	if len(loc2) > 0 {
		ev.SetLocation(strings.Join(loc2, ", "))
	}
	desc := f.Theme.In(lang)
	if desc != "" {
		desc += "\n\n"
	}
	ev.SetDescription(desc + link)
	ev.SetURL(link)

	start := f.Start.Start(loc)
	lastDay := start
	if f.End != nil && f.End.Precision == catalog.PrecisionDay {
		lastDay = f.End.Start(loc)
	} else if f.Days > 1 {
		lastDay = start.AddDate(0, 0, f.Days-1)
	}
	if f.Start.Time != "" {
		tz := cal.AddTimezone(Zone)
		// Almaty kept UTC+6 until 2024-03-01 00:00, then moved to UTC+5.
		old := tz.AddStandard()
		old.SetProperty(ics.ComponentPropertyDtStart, "19700101T000000")
		old.AddProperty(ics.ComponentProperty(ics.PropertyTzoffsetfrom), "+0600")
		old.AddProperty(ics.ComponentProperty(ics.PropertyTzoffsetto), "+0600")
		old.AddProperty(ics.ComponentProperty(ics.PropertyTzname), "+06")
		cur := tz.AddStandard()
		cur.SetProperty(ics.ComponentPropertyDtStart, "20240301T000000")
		cur.AddProperty(ics.ComponentProperty(ics.PropertyTzoffsetfrom), "+0600")
		cur.AddProperty(ics.ComponentProperty(ics.PropertyTzoffsetto), "+0500")
		cur.AddProperty(ics.ComponentProperty(ics.PropertyTzname), "+05")

		const local = "20060102T150405"
		ev.SetProperty(ics.ComponentPropertyDtStart, start.Format(local), ics.WithTZID(Zone))
		// The source gives a start time, not an end: a working day of
		// eight hours on the last day is the calendar's best guess.
		end := time.Date(lastDay.Year(), lastDay.Month(), lastDay.Day(), start.Hour(), start.Minute(), 0, 0, loc).Add(8 * time.Hour)
		ev.SetProperty(ics.ComponentPropertyDtEnd, end.Format(local), ics.WithTZID(Zone))
	} else {
		ev.SetAllDayStartAt(start)
		ev.SetAllDayEndAt(lastDay.AddDate(0, 0, 1)) // DTEND is exclusive
	}
	if f.Cancelled {
		ev.SetStatus(ics.ObjectStatusCancelled)
	}
	return []byte(cal.Serialize(ics.WithNewLine("\r\n"))), true
}
