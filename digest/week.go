package digest

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/nextdesk/nextdesk/knowledge"
)

// Week is an ISO 8601 week: weeks start on Monday, and week 1 of a year is
// the one with the year's first Thursday. It is how digests are named
// ("2026-W47") and keyed.
type Week struct {
	Year int
	Num  int // 1 to 52 or 53
}

// WeekOf returns the week t falls in, in t's own location.
func WeekOf(t time.Time) Week {
	y, w := t.ISOWeek()
	return Week{Year: y, Num: w}
}

// ParseWeek reads a week written as "2026-W47" (the "W" in either case).
// It returns an EINVALID error naming the expected form when s is not one,
// or when the year has no such week.
func ParseWeek(s string) (Week, error) {
	bad := knowledge.Errorf(knowledge.EINVALID, "%q is not a week: write it as 2026-W47 (ISO year, then the week number).", s)
	year, num, ok := strings.Cut(strings.ToUpper(strings.TrimSpace(s)), "-W")
	if !ok || len(year) != 4 || len(num) < 1 || len(num) > 2 {
		return Week{}, bad
	}
	y, err1 := strconv.Atoi(year)
	n, err2 := strconv.Atoi(num)
	if err1 != nil || err2 != nil || y < 1 || n < 1 {
		return Week{}, bad
	}
	w := Week{Year: y, Num: n}
	if WeekOf(w.Start(time.UTC)) != w {
		return Week{}, knowledge.Errorf(knowledge.EINVALID, "%d has no week %d.", y, n)
	}
	return w, nil
}

// String writes w as "2026-W47".
func (w Week) String() string { return fmt.Sprintf("%04d-W%02d", w.Year, w.Num) }

// Start returns the Monday 00:00 that begins w, in loc.
func (w Week) Start(loc *time.Location) time.Time {
	// 4 January is always in week 1.
	jan4 := time.Date(w.Year, time.January, 4, 0, 0, 0, 0, loc)
	monday := 4 - (int(jan4.Weekday())+6)%7
	return time.Date(w.Year, time.January, monday+7*(w.Num-1), 0, 0, 0, 0, loc)
}

// End returns the Monday 00:00 that ends w (the start of the next week),
// in loc.
func (w Week) End(loc *time.Location) time.Time { return w.Next().Start(loc) }

// Next returns the week after w.
func (w Week) Next() Week { return WeekOf(w.Start(time.UTC).AddDate(0, 0, 7)) }

// Prev returns the week before w.
func (w Week) Prev() Week { return WeekOf(w.Start(time.UTC).AddDate(0, 0, -7)) }
