package teams

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/nextdesk/nextdesk/knowledge"
)

// dayNames are the names a day of the week may be given by, in English
// and French, whole or cut to three letters.
var dayNames = func() map[string]time.Weekday {
	m := make(map[string]time.Weekday)
	names := [7][2]string{
		{"sunday", "dimanche"}, {"monday", "lundi"}, {"tuesday", "mardi"}, {"wednesday", "mercredi"},
		{"thursday", "jeudi"}, {"friday", "vendredi"}, {"saturday", "samedi"},
	}
	for d, pair := range names {
		for _, n := range pair {
			m[n], m[n[:3]] = time.Weekday(d), time.Weekday(d)
		}
	}
	return m
}()

// parseDays reads the days a line of hours applies to: "mon-fri",
// "lun-ven", "mon,wed,fri", "saturday", or a range that wraps around the
// week ("sun-thu").
func parseDays(s string) ([]time.Weekday, error) {
	var days []time.Weekday
	for part := range strings.SplitSeq(strings.ToLower(s), ",") {
		part = strings.TrimSpace(part)
		from, to, isRange := strings.Cut(part, "-")
		first, ok := dayNames[strings.TrimSpace(strings.TrimSuffix(from, "."))]
		if !ok {
			return nil, fmt.Errorf("%q is not a day (mon, tue… or lun, mar…)", strings.TrimSpace(from))
		}
		last := first
		if isRange {
			if last, ok = dayNames[strings.TrimSpace(strings.TrimSuffix(to, "."))]; !ok {
				return nil, fmt.Errorf("%q is not a day (mon, tue… or lun, mar…)", strings.TrimSpace(to))
			}
		}
		for d := first; ; d = (d + 1) % 7 {
			days = append(days, d)
			if d == last {
				break
			}
		}
	}
	return days, nil
}

// closed are the words that say a day has no working hours.
var closed = map[string]bool{"closed": true, "off": true, "fermé": true, "ferme": true, "": true}

// parseSpans reads the working spans of a day: "09:00-12:30, 14:00-18:00",
// "9h-12h30 14h-18h", or "closed" ("fermé").
func parseSpans(s string) ([]knowledge.Span, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if closed[s] {
		return nil, nil
	}
	var spans []knowledge.Span
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || unicode.IsSpace(r) }) {
		from, to, ok := strings.Cut(part, "-")
		if !ok {
			return nil, fmt.Errorf("%q is not a span of time such as 09:00-18:00", part)
		}
		f, err := parseClock(from)
		if err != nil {
			return nil, err
		}
		t, err := parseClock(to)
		if err != nil {
			return nil, err
		}
		spans = append(spans, knowledge.Span{From: f, To: t})
	}
	return spans, nil
}

// parseClock reads a time of day, "09:00", "9:30", "9h", "9h30" or "24:00",
// as minutes after midnight.
func parseClock(s string) (int, error) {
	s = strings.TrimSpace(s)
	h, m, ok := strings.Cut(s, ":")
	if !ok {
		h, m, _ = strings.Cut(s, "h")
	}
	hours, err1 := strconv.Atoi(h)
	minutes := 0
	var err2 error
	if m != "" {
		minutes, err2 = strconv.Atoi(m)
	}
	if err1 != nil || err2 != nil || hours < 0 || minutes < 0 || minutes > 59 || hours*60+minutes > 24*60 {
		return 0, fmt.Errorf("%q is not a time of day such as 09:00 or 9h30", s)
	}
	return hours*60 + minutes, nil
}

// parseWorkDuration reads a promised working time: "4h", "30m", "1h30",
// "1h30m", "2d" (or "2j", French): a day is the team's mean working day,
// so "2d" of a team working 9h a day is 18 working hours.
func parseWorkDuration(s string, day time.Duration) (time.Duration, error) {
	in := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s), " ", ""))
	bad := fmt.Errorf("%q is not a working time such as 4h, 30m, 1h30 or 2d", s)
	if in == "" {
		return 0, bad
	}
	var total time.Duration
	// add adds d to total unless the sum would wrap around, which would
	// read an enormous working time as a short one.
	add := func(d time.Duration) bool {
		if d > math.MaxInt64-total {
			return false
		}
		total += d
		return true
	}
	n, digits := 0, false
	last := time.Duration(0)
	for _, r := range in {
		switch {
		case r >= '0' && r <= '9':
			n, digits = n*10+int(r-'0'), true
			if n > 100000 {
				return 0, bad
			}
			continue
		case !digits:
			return 0, bad
		}
		switch r {
		case 'm':
			last = time.Minute
		case 'h':
			last = time.Hour
		case 'd', 'j':
			last = day
		default:
			return 0, bad
		}
		if !add(time.Duration(n) * last) {
			return 0, bad
		}
		n, digits = 0, false
	}
	if digits {
		// "1h30": a number after hours is minutes.
		if last != time.Hour || !add(time.Duration(n)*time.Minute) {
			return 0, bad
		}
	}
	if total <= 0 {
		return 0, bad
	}
	return total, nil
}
