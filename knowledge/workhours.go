package knowledge

import (
	"fmt"
	"slices"
	"time"
)

// Span is a stretch of a working day, in minutes after local midnight:
// From 540, To 1080 is 09:00 to 18:00. To may be 1440, the end of the day.
type Span struct {
	From, To int
}

// Date is a day of the calendar, as people in one time zone name it.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the day t falls on in its own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// String renders d as 2026-12-25.
func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day) }

// ParseDate reads a date written 2026-12-25. It returns an EINVALID error
// for anything else, or for a day the calendar does not have.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return Date{}, Errorf(EINVALID, "%q is not a date written 2026-12-25.", s)
	}
	return DateOf(t), nil
}

// WorkHours are when a team works, in its time zone: spans of each day of
// the week, and the days off (holidays) when it does not work at all. The
// working-hours clock counts only that time, so a promise of "4 working
// hours" made on Friday at 17:00 to a team working 09:00–18:00 on weekdays
// falls due on Monday at 12:00. Days and spans are wall-clock times: a
// change to or from daylight saving time moves them with the clocks, and a
// span crossing the change is an hour shorter or longer that day.
//
// The zero WorkHours has no span at all: its clock is the wall clock,
// which is what a team with no stated hours promises.
type WorkHours struct {
	zone     *time.Location
	week     [7][]Span // by time.Weekday
	holidays map[Date]bool
	// daily is the mean working time of a working day.
	daily time.Duration
}

// maxClockDays bounds how far the clock looks for working time: ten
// years. Past that, Add returns the zero time: the deadline never comes.
const maxClockDays = 3660

// NewWorkHours returns the hours of a team in zone: week holds the spans of
// each day (indexed by time.Weekday; empty for a day off), holidays the
// days it does not work. Spans of one day may come in any order but must
// not overlap. It returns an EINVALID error when zone is nil, when a span
// is empty, reversed or outside the day, when spans overlap, or when the
// week has no working time at all.
func NewWorkHours(zone *time.Location, week [7][]Span, holidays []Date) (WorkHours, error) {
	if zone == nil {
		return WorkHours{}, Errorf(EINVALID, "Working hours need a time zone.")
	}
	h := WorkHours{zone: zone, holidays: make(map[Date]bool, len(holidays))}
	var total time.Duration
	days := 0
	for wd, spans := range week {
		spans = slices.Clone(spans)
		slices.SortFunc(spans, func(a, b Span) int { return a.From - b.From })
		for i, s := range spans {
			if s.From < 0 || s.To > 24*60 || s.From >= s.To {
				return WorkHours{}, Errorf(EINVALID, "%s: %s is not a span of the day.", time.Weekday(wd), s)
			}
			if i > 0 && s.From < spans[i-1].To {
				return WorkHours{}, Errorf(EINVALID, "%s: %s overlaps %s.", time.Weekday(wd), spans[i-1], s)
			}
			total += time.Duration(s.To-s.From) * time.Minute
		}
		if len(spans) > 0 {
			days++
		}
		h.week[wd] = spans
	}
	if days == 0 {
		return WorkHours{}, Errorf(EINVALID, "Working hours need at least one working day.")
	}
	h.daily = total / time.Duration(days)
	for _, d := range holidays {
		h.holidays[d] = true
	}
	return h, nil
}

// String renders s as 09:00-18:00.
func (s Span) String() string {
	return fmt.Sprintf("%02d:%02d-%02d:%02d", s.From/60, s.From%60, s.To/60, s.To%60)
}

// Zone returns the time zone the hours are read in; nil for the zero
// WorkHours.
func (h WorkHours) Zone() *time.Location { return h.zone }

// Week returns the spans of each day, indexed by time.Weekday.
func (h WorkHours) Week() [7][]Span {
	var w [7][]Span
	for i, s := range h.week {
		w[i] = slices.Clone(s)
	}
	return w
}

// Holidays returns the days off, in calendar order.
func (h WorkHours) Holidays() []Date {
	ds := make([]Date, 0, len(h.holidays))
	for d := range h.holidays {
		ds = append(ds, d)
	}
	slices.SortFunc(ds, func(a, b Date) int {
		switch {
		case a.Year != b.Year:
			return a.Year - b.Year
		case a.Month != b.Month:
			return int(a.Month) - int(b.Month)
		}
		return a.Day - b.Day
	})
	return ds
}

// WallClock reports whether h is the zero WorkHours, whose clock is the
// wall clock.
func (h WorkHours) WallClock() bool { return h.zone == nil }

// Day is the mean working time of a working day: what "one working day"
// of a promise means for this team. It is 24 hours on the wall clock.
func (h WorkHours) Day() time.Duration {
	if h.WallClock() {
		return 24 * time.Hour
	}
	return h.daily
}

// interval is one span of one day, as instants.
type interval struct{ start, end time.Time }

// day returns the working intervals of the day starting at midnight (a
// time in h.zone), none on a holiday.
func (h WorkHours) day(midnight time.Time) []interval {
	if h.holidays[DateOf(midnight)] {
		return nil
	}
	spans := h.week[midnight.Weekday()]
	out := make([]interval, 0, len(spans))
	y, m, d := midnight.Date()
	for _, s := range spans {
		// time.Date reads minutes past 59 as later hours, and a wall time
		// a DST change skips as the instant it would have been.
		out = append(out, interval{
			start: time.Date(y, m, d, 0, s.From, 0, 0, h.zone),
			end:   time.Date(y, m, d, 0, s.To, 0, 0, h.zone),
		})
	}
	return out
}

// midnight returns the start of the day t falls on, in h.zone.
func (h WorkHours) midnight(t time.Time) time.Time {
	y, m, d := t.In(h.zone).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, h.zone)
}

func nextMidnight(midnight time.Time) time.Time {
	y, m, d := midnight.Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, midnight.Location())
}

// Add returns the instant when d of working time has passed since t:
// working time only runs inside the spans of working days. A d of zero or
// less returns t. When the working time does not fit in the ten years
// after t (hours whose only working days are all holidays), Add returns
// the zero time.
func (h WorkHours) Add(t time.Time, d time.Duration) time.Time {
	if d <= 0 {
		return t
	}
	if h.WallClock() {
		return t.Add(d)
	}
	day := h.midnight(t)
	for range maxClockDays {
		for _, iv := range h.day(day) {
			start := iv.start
			if t.After(start) {
				start = t
			}
			if !start.Before(iv.end) {
				continue
			}
			left := iv.end.Sub(start)
			if d <= left {
				return start.Add(d).In(t.Location())
			}
			d -= left
		}
		day = nextMidnight(day)
	}
	return time.Time{}
}

// Deadline returns the last instant by which d of working time since t has
// not yet been exceeded: Add's instant, or, when that instant closes a
// span (a promise "within 2h" made at 16:00 to a team closing at 18:00),
// the opening of the next one: an answer given on Saturday, or first thing
// on Monday, took no more working time than at 18:00 on Friday. So
// whatever happens at or before the deadline happened within d working
// time, and whatever happens after it took longer. A d of zero or less
// returns t; the zero time as for Add.
func (h WorkHours) Deadline(t time.Time, d time.Duration) time.Time {
	end := h.Add(t, d)
	if d <= 0 || end.IsZero() || h.WallClock() || h.Working(end) {
		return end
	}
	day := h.midnight(end)
	for range maxClockDays {
		for _, iv := range h.day(day) {
			if iv.start.After(end) {
				return iv.start.In(t.Location())
			}
		}
		day = nextMidnight(day)
	}
	return time.Time{}
}

// Between returns the working time from a to b: zero when b is not after
// a.
func (h WorkHours) Between(a, b time.Time) time.Duration {
	if !b.After(a) {
		return 0
	}
	if h.WallClock() {
		return b.Sub(a)
	}
	var total time.Duration
	for day := h.midnight(a); day.Before(b); day = nextMidnight(day) {
		for _, iv := range h.day(day) {
			start, end := iv.start, iv.end
			if a.After(start) {
				start = a
			}
			if b.Before(end) {
				end = b
			}
			if end.After(start) {
				total += end.Sub(start)
			}
		}
	}
	return total
}

// Working reports whether t falls inside working time.
func (h WorkHours) Working(t time.Time) bool {
	if h.WallClock() {
		return true
	}
	for _, iv := range h.day(h.midnight(t)) {
		if !t.Before(iv.start) && t.Before(iv.end) {
			return true
		}
	}
	return false
}
