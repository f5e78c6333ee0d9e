package handlers

import (
	"bytes"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/forumbot/forumbot/bot/catalog"
)

func icsForum() *catalog.Forum {
	return &catalog.Forum{
		ID:    "taraz-viii-2018",
		Title: catalog.Text{KK: "VIII форум", RU: "VIII форум", EN: "The 8th forum"},
		Theme: catalog.Text{EN: "Civil society & the state; partnership, responsibility"},
		City:  catalog.Text{EN: "Taraz"}, Venue: catalog.Text{EN: "Civic Centre"},
		Start: catalog.Date{Year: 2018, Month: 10, Day: 16, Precision: catalog.PrecisionDay},
	}
}

func parseICS(t *testing.T, data []byte) *ics.VEvent {
	t.Helper()
	if !bytes.Contains(data, []byte("\r\n")) {
		t.Error("RFC 5545 lines end in CRLF")
	}
	cal, err := ics.ParseCalendar(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, data)
	}
	evs := cal.Events()
	if len(evs) != 1 {
		t.Fatalf("%d events", len(evs))
	}
	for _, p := range []ics.ComponentProperty{ics.ComponentPropertyUniqueId, ics.ComponentPropertyDtstamp, ics.ComponentPropertyDtStart} {
		if evs[0].GetProperty(p) == nil {
			t.Errorf("event lacks %s", p)
		}
	}
	return evs[0]
}

func TestICSAllDay(t *testing.T) {
	t.Parallel()
	f := icsForum()
	f.Days = 2
	data, ok := ICS(f, "en", "https://t.me/x?start=forum_taraz-viii-2018", time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC))
	if !ok {
		t.Fatal("no calendar for a forum with a known day")
	}
	ev := parseICS(t, data)
	if got := ev.GetProperty(ics.ComponentPropertyDtStart); got.Value != "20181016" || got.ICalParameters["VALUE"][0] != "DATE" {
		t.Errorf("DTSTART %+v", got)
	}
	if got := ev.GetProperty(ics.ComponentPropertyDtEnd); got.Value != "20181018" {
		t.Errorf("DTEND %q: two days end (exclusively) on the 18th", got.Value)
	}
	if got := ev.GetProperty(ics.ComponentPropertySummary).Value; got != "The 8th forum" {
		t.Errorf("SUMMARY %q", got)
	}
	for _, line := range strings.Split(string(data), "\r\n") {
		if len(line) > 75 {
			t.Errorf("line longer than 75 octets (RFC 5545 folds them): %q", line)
		}
	}
	unfolded := strings.ReplaceAll(string(data), "\r\n ", "")
	if !strings.Contains(unfolded, `Civil society & the state\; partnership\, responsibility`) {
		t.Errorf("text is not escaped per RFC 5545:\n%s", data)
	}
}

func TestICSTimedUsesAlmaty(t *testing.T) {
	t.Parallel()
	f := icsForum()
	f.Start = catalog.Date{Year: 2026, Month: 12, Day: 4, Precision: catalog.PrecisionDay, Time: "10:00"}
	data, ok := ICS(f, "kk", "https://t.me/x", time.Now())
	if !ok {
		t.Fatal("no calendar")
	}
	ev := parseICS(t, data)
	start := ev.GetProperty(ics.ComponentPropertyDtStart)
	if start.Value != "20261204T100000" || start.ICalParameters["TZID"][0] != Zone {
		t.Errorf("DTSTART %+v", start)
	}
	if !strings.Contains(string(data), "BEGIN:VTIMEZONE") || !strings.Contains(string(data), "TZOFFSETTO:+0500") {
		t.Errorf("no VTIMEZONE for Asia/Almaty:\n%s", data)
	}
	// What a calendar app computes from TZID and the VTIMEZONE above.
	local, err := time.ParseInLocation("20060102T150405", start.Value, almaty(t))
	if err != nil || !local.Equal(time.Date(2026, 12, 4, 5, 0, 0, 0, time.UTC)) {
		t.Errorf("10:00 in Almaty on 2026-12-04 should be 05:00 UTC, got %v (%v)", local.UTC(), err)
	}
}

func TestICSFoldsKazakhTextByOctets(t *testing.T) {
	t.Parallel()
	f := icsForum()
	f.Theme = catalog.Text{KK: "Азаматтық қоғам және мемлекет: әріптестік пен жауапкершілік, ынтымақтастық, диалог, тұрақты даму және өңірлердің үкіметтік емес ұйымдары"}
	f.Title = catalog.Text{KK: "Үкіметтік емес ұйымдардың VIII форумы"}
	data, _ := ICS(f, "kk", "https://t.me/x", time.Now())
	parseICS(t, data)
	for _, line := range strings.Split(string(data), "\r\n") {
		if len(line) > 75 {
			t.Errorf("line of %d octets: %q", len(line), line)
		}
	}
	unfolded := strings.ReplaceAll(string(data), "\r\n ", "")
	if !strings.Contains(unfolded, "өңірлердің үкіметтік емес ұйымдары") {
		t.Errorf("Kazakh text mangled by folding:\n%s", unfolded)
	}
}

func TestICSNeedsADay(t *testing.T) {
	t.Parallel()
	f := icsForum()
	for _, d := range []catalog.Date{
		{Year: 2021, Precision: catalog.PrecisionYear},
		{Year: 2021, Month: 5, Precision: catalog.PrecisionMonth},
		{Precision: catalog.PrecisionUnknown},
	} {
		f.Start = d
		if _, ok := ICS(f, "ru", "", time.Now()); ok {
			t.Errorf("a calendar file for a date known only to %s", d.Precision)
		}
	}
}
