package digest

import (
	"fmt"
	"strings"
	"time"

	"github.com/nextdesk/nextdesk/knowledge"
)

// Languages a digest is written in.
const (
	LangEN = "en"
	LangFR = "fr"
)

// catalogues hold every string a digest shows, one catalogue per language,
// keyed by message id. Texts are fmt formats; a message whose text depends
// on a count has a ".one" and a ".other" form. A test checks that both
// catalogues have the same keys and the same verbs.
var catalogues = map[string]map[string]string{
	LangEN: messagesEN,
	LangFR: messagesFR,
}

// KnownLang reports whether digests can be written in lang.
func KnownLang(lang string) bool {
	_, ok := catalogues[lang]
	return ok
}

// LangOf returns the language to write to p in: their Slack locale's when
// digests are written in it, else fallback.
func LangOf(p knowledge.Person, fallback string) string {
	l, _, _ := strings.Cut(strings.ToLower(p.Locale), "-")
	if KnownLang(l) {
		return l
	}
	return fallback
}

// tr formats message id in lang. A missing translation falls back to
// English, and a missing message to its id, so a gap shows as text rather
// than as a failure.
func tr(lang, id string, args ...any) string {
	format, ok := catalogues[lang][id]
	if !ok {
		if format, ok = messagesEN[id]; !ok {
			return id
		}
	}
	if len(args) == 0 {
		return format
	}
	return fmt.Sprintf(format, args...)
}

// trn formats the form of message id that suits count n, which is passed
// as the first argument. French uses the singular for 0 and 1, English
// for 1 only.
func trn(lang, id string, n int, args ...any) string {
	one := n == 1 || (lang == LangFR && n == 0)
	form := id + ".other"
	if one {
		form = id + ".one"
	}
	return tr(lang, form, append([]any{n}, args...)...)
}

// duration renders d for a reader: minutes under an hour, hours and
// minutes under two days, days beyond.
func duration(lang string, d time.Duration) string {
	switch {
	case d < time.Minute:
		return tr(lang, "duration.under_minute")
	case d < time.Hour:
		return tr(lang, "duration.minutes", int(d/time.Minute))
	case d < 48*time.Hour:
		h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
		if m == 0 {
			return tr(lang, "duration.hours", h)
		}
		return tr(lang, "duration.hours_minutes", h, m)
	}
	return trn(lang, "duration.days", int((d+12*time.Hour)/(24*time.Hour)))
}

var monthsEN = [...]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
var monthsFR = [...]string{"janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."}

// dateRange renders the days from first to last (both included) compactly:
// "16–22 Nov 2026", "30 Nov – 6 Dec 2026", "28 Dec 2026 – 3 Jan 2027".
func dateRange(lang string, first, last time.Time) string {
	months := monthsEN
	if lang == LangFR {
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
	if lang == LangFR {
		days := [...]string{"dim.", "lun.", "mar.", "mer.", "jeu.", "ven.", "sam."}
		return fmt.Sprintf("%s %d %s", days[t.Weekday()], t.Day(), monthsFR[t.Month()-1])
	}
	return fmt.Sprintf("%s %d %s", t.Weekday().String()[:3], t.Day(), monthsEN[t.Month()-1])
}
