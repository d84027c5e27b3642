package digest

import (
	"fmt"
	"time"

	"github.com/nextdesk/nextdesk/i18n"
)

// duration renders d for a reader: minutes under an hour, hours and
// minutes under two days, days beyond.
func duration(lang string, d time.Duration) string {
	switch {
	case d < time.Minute:
		return i18n.Tr(lang, "duration.under_minute")
	case d < time.Hour:
		return i18n.Tr(lang, "duration.minutes", int(d/time.Minute))
	case d < 48*time.Hour:
		h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
		if m == 0 {
			return i18n.Tr(lang, "duration.hours", h)
		}
		return i18n.Tr(lang, "duration.hours_minutes", h, m)
	}
	return i18n.Trn(lang, "duration.days", int((d+12*time.Hour)/(24*time.Hour)))
}

var monthsEN = [...]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
var monthsFR = [...]string{"janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."}

// dateRange renders the days from first to last (both included) compactly:
// "16–22 Nov 2026", "30 Nov – 6 Dec 2026", "28 Dec 2026 – 3 Jan 2027".
func dateRange(lang string, first, last time.Time) string {
	months := monthsEN
	if lang == i18n.FR {
		months = monthsFR
	}
	d := func(t time.Time, month, year bool) string {
		s := fmt.Sprint(t.Day())
		if month {
			s += " " + months[t.Month()-1]
		}
		if year {
			s += fmt.Sprint(" ", t.Year())
		}
		return s
	}
	switch {
	case first.Year() != last.Year():
		return d(first, true, true) + " – " + d(last, true, true)
	case first.Month() != last.Month():
		return d(first, true, false) + " – " + d(last, true, true)
	}
	return d(first, false, false) + "–" + d(last, true, true)
}

// dayOf renders the day of t for a list item: "Mon 16 Nov" or "lun. 16 nov.".
func dayOf(lang string, t time.Time) string {
	if lang == i18n.FR {
		days := [...]string{"dim.", "lun.", "mar.", "mer.", "jeu.", "ven.", "sam."}
		return fmt.Sprintf("%s %d %s", days[t.Weekday()], t.Day(), monthsFR[t.Month()-1])
	}
	return fmt.Sprintf("%s %d %s", t.Weekday().String()[:3], t.Day(), monthsEN[t.Month()-1])
}
