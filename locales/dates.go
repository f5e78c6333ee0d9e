package locales

import (
	"strconv"
	"time"
)

// Date writes a full date the way each language reads it:
// "16 қазан 2018 ж.", "16 октября 2018 г.", "16 October 2018".
func (l *Localizer) Date(year, month, day int) string {
	return l.T("date_day", "Day", day, "Month", l.T("month_gen_"+strconv.Itoa(month)), "Year", year)
}

// MonthYear writes a date known only to the month: "қазан 2018 ж.",
// "октябрь 2018 г.", "October 2018".
func (l *Localizer) MonthYear(year, month int) string {
	return l.T("date_month", "Month", l.T("month_nom_"+strconv.Itoa(month)), "Year", year)
}

// Year writes a date known only to the year: "2018 ж.", "2018 г.", "2018".
func (l *Localizer) Year(year int) string {
	return l.T("date_year", "Year", year)
}

// Time writes a full date of t in its own location.
func (l *Localizer) Time(t time.Time) string {
	return l.Date(t.Year(), int(t.Month()), t.Day())
}
