package knowledge

import (
	"math/rand/v2"
	"testing"
	"time"
)

func mustZone(tb testing.TB, name string) *time.Location {
	tb.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		tb.Fatalf("load %s: %v", name, err)
	}
	return loc
}

// officeHours are 09:00–12:30 and 14:00–18:00 on weekdays, in zone: a
// lunch break, a night and a weekend to skip.
func officeHours(tb testing.TB, zone string, holidays ...Date) WorkHours {
	tb.Helper()
	var week [7][]Span
	for d := time.Monday; d <= time.Friday; d++ {
		week[d] = []Span{{9 * 60, 12*60 + 30}, {14 * 60, 18 * 60}}
	}
	h, err := NewWorkHours(mustZone(tb, zone), week, holidays)
	if err != nil {
		tb.Fatal(err)
	}
	return h
}

func TestWorkHoursAdd(t *testing.T) {
	paris := mustZone(t, "Europe/Paris")
	at := func(y int, m time.Month, d, hh, mm int) time.Time { return time.Date(y, m, d, hh, mm, 0, 0, paris) }
	h := officeHours(t, "Europe/Paris", Date{2026, time.December, 25})
	tests := []struct {
		name string
		from time.Time
		d    time.Duration
		want time.Time
	}{
		{"inside a span", at(2026, time.November, 18, 9, 30), 2 * time.Hour, at(2026, time.November, 18, 11, 30)},
		{"over lunch", at(2026, time.November, 18, 11, 0), 2 * time.Hour, at(2026, time.November, 18, 14, 30)},
		{"asked at lunch starts after it", at(2026, time.November, 18, 13, 0), time.Hour, at(2026, time.November, 18, 15, 0)},
		{"over a night", at(2026, time.November, 18, 17, 0), 4 * time.Hour, at(2026, time.November, 19, 12, 0)},
		{"asked at night starts in the morning", at(2026, time.November, 18, 23, 0), time.Hour, at(2026, time.November, 19, 10, 0)},
		{"asked before dawn", at(2026, time.November, 19, 6, 0), 30 * time.Minute, at(2026, time.November, 19, 9, 30)},
		{"over a weekend", at(2026, time.November, 20, 17, 0), 4 * time.Hour, at(2026, time.November, 23, 12, 0)},
		{"asked on Saturday", at(2026, time.November, 21, 10, 0), 4 * time.Hour, at(2026, time.November, 23, 14, 30)},
		{"ends exactly at closing", at(2026, time.November, 18, 17, 0), time.Hour, at(2026, time.November, 18, 18, 0)},
		{"asked at closing", at(2026, time.November, 18, 18, 0), time.Minute, at(2026, time.November, 19, 9, 1)},
		{"a whole working day", at(2026, time.November, 18, 9, 0), 7*time.Hour + 30*time.Minute, at(2026, time.November, 18, 18, 0)},
		{"two working days", at(2026, time.November, 18, 9, 0), 15 * time.Hour, at(2026, time.November, 19, 18, 0)},
		{"over a holiday", at(2026, time.December, 24, 17, 0), 2 * time.Hour, at(2026, time.December, 28, 10, 0)},
		{"nothing to add", at(2026, time.November, 21, 10, 0), 0, at(2026, time.November, 21, 10, 0)},
		// Europe/Paris moves to summer time on Sunday 29 March 2026 and
		// back on Sunday 25 October: office hours stay 09:00–18:00 on the
		// clock, so a promise across the change keeps its working hours.
		{"over the spring change", at(2026, time.March, 27, 17, 0), 2 * time.Hour, at(2026, time.March, 30, 10, 0)},
		{"over the autumn change", at(2026, time.October, 23, 17, 0), 2 * time.Hour, at(2026, time.October, 26, 10, 0)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := h.Add(tc.from, tc.d)
			if !got.Equal(tc.want) {
				t.Errorf("Add(%v, %v) = %v, want %v", tc.from, tc.d, got.In(paris), tc.want)
			}
			if tc.d > 0 {
				if back := h.Between(tc.from, got); back != tc.d {
					t.Errorf("Between(%v, %v) = %v, want %v", tc.from, got, back, tc.d)
				}
			}
		})
	}
}

func TestWorkHoursBetween(t *testing.T) {
	paris := mustZone(t, "Europe/Paris")
	at := func(y int, m time.Month, d, hh, mm int) time.Time { return time.Date(y, m, d, hh, mm, 0, 0, paris) }
	h := officeHours(t, "Europe/Paris", Date{2026, time.November, 11})
	tests := []struct {
		name     string
		from, to time.Time
		want     time.Duration
	}{
		{"same span", at(2026, time.November, 18, 9, 0), at(2026, time.November, 18, 10, 15), 75 * time.Minute},
		{"a night with nothing in it", at(2026, time.November, 18, 18, 30), at(2026, time.November, 19, 8, 59), 0},
		{"evening to next morning", at(2026, time.November, 18, 17, 30), at(2026, time.November, 19, 9, 45), 75 * time.Minute},
		{"Friday evening to Monday morning", at(2026, time.November, 20, 17, 0), at(2026, time.November, 23, 10, 0), 2 * time.Hour},
		{"a whole weekend", at(2026, time.November, 21, 0, 0), at(2026, time.November, 23, 0, 0), 0},
		{"a whole week", at(2026, time.November, 16, 0, 0), at(2026, time.November, 23, 0, 0), 5 * (7*time.Hour + 30*time.Minute)},
		{"a week with a holiday", at(2026, time.November, 9, 0, 0), at(2026, time.November, 16, 0, 0), 4 * (7*time.Hour + 30*time.Minute)},
		{"reversed", at(2026, time.November, 19, 10, 0), at(2026, time.November, 18, 10, 0), 0},
		{"the spring-change week", at(2026, time.March, 23, 0, 0), at(2026, time.March, 30, 12, 0), 5*(7*time.Hour+30*time.Minute) + 3*time.Hour},
		{"the autumn-change week", at(2026, time.October, 19, 0, 0), at(2026, time.October, 26, 12, 0), 5*(7*time.Hour+30*time.Minute) + 3*time.Hour},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := h.Between(tc.from, tc.to); got != tc.want {
				t.Errorf("Between(%v, %v) = %v, want %v", tc.from, tc.to, got, tc.want)
			}
		})
	}
}

// TestWorkHoursAcrossDSTNight checks a team working through the night
// (22:00 to 06:00), whose shift is an hour shorter on the night the clocks
// go forward and an hour longer on the night they go back.
func TestWorkHoursAcrossDSTNight(t *testing.T) {
	paris := mustZone(t, "Europe/Paris")
	var week [7][]Span
	for d := range week {
		week[d] = []Span{{0, 6 * 60}, {22 * 60, 24 * 60}}
	}
	h, err := NewWorkHours(paris, week, nil)
	if err != nil {
		t.Fatal(err)
	}
	night := func(y int, m time.Month, d int) time.Duration {
		return h.Between(time.Date(y, m, d, 12, 0, 0, 0, paris), time.Date(y, m, d+1, 12, 0, 0, 0, paris))
	}
	if got := night(2026, time.March, 28); got != 7*time.Hour {
		t.Errorf("the night the clocks go forward has %v of work, want 7h", got)
	}
	if got := night(2026, time.October, 24); got != 9*time.Hour {
		t.Errorf("the night the clocks go back has %v of work, want 9h", got)
	}
	if got := night(2026, time.November, 14); got != 8*time.Hour {
		t.Errorf("an ordinary night has %v of work, want 8h", got)
	}
	// Eight working hours from 22:00 the night the clocks go forward: that
	// night gives seven, the next one the eighth, by 23:00.
	from := time.Date(2026, time.March, 28, 22, 0, 0, 0, paris)
	if got, want := h.Add(from, 8*time.Hour), time.Date(2026, time.March, 29, 23, 0, 0, 0, paris); !got.Equal(want) {
		t.Errorf("Add 8h from %v = %v, want %v", from, got, want)
	}
}

// TestWorkHoursRoundTrip checks, on random instants and durations, that the
// working time between an instant and the one Add returns is what was
// added, and that Add lands inside working time (or at a span's end).
func TestWorkHoursRoundTrip(t *testing.T) {
	h := officeHours(t, "Europe/Paris", Date{2026, time.May, 1}, Date{2026, time.May, 8}, Date{2026, time.December, 25})
	rng := rand.New(rand.NewPCG(1, 2))
	base := time.Date(2026, time.January, 1, 0, 0, 0, 0, time.UTC)
	for range 2000 {
		from := base.Add(time.Duration(rng.Int64N(int64(365 * 24 * time.Hour))))
		d := time.Duration(rng.Int64N(int64(80*time.Hour))) + time.Minute
		to := h.Add(from, d)
		if got := h.Between(from, to); got != d {
			t.Fatalf("Between(%v, Add(%v, %v) = %v) = %v", from, from, d, to, got)
		}
		if !h.Working(to) && !h.Working(to.Add(-time.Nanosecond)) {
			t.Fatalf("Add(%v, %v) = %v is outside working time", from, d, to)
		}
	}
}

func TestWorkHoursWallClock(t *testing.T) {
	var h WorkHours
	from := time.Date(2026, time.November, 21, 10, 0, 0, 0, time.UTC) // a Saturday
	if got := h.Add(from, 4*time.Hour); !got.Equal(from.Add(4 * time.Hour)) {
		t.Errorf("the wall clock adds %v, want 4h", got.Sub(from))
	}
	if got := h.Between(from, from.Add(50*time.Hour)); got != 50*time.Hour {
		t.Errorf("the wall clock counts %v, want 50h", got)
	}
	if h.Day() != 24*time.Hour {
		t.Errorf("a wall-clock day is %v, want 24h", h.Day())
	}
}

func TestWorkHoursDay(t *testing.T) {
	var week [7][]Span
	for d := time.Monday; d <= time.Thursday; d++ {
		week[d] = []Span{{9 * 60, 18 * 60}}
	}
	week[time.Friday] = []Span{{9 * 60, 13 * 60}}
	h, err := NewWorkHours(time.UTC, week, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := h.Day(), (4*9*time.Hour+4*time.Hour)/5; got != want {
		t.Errorf("Day() = %v, want %v (the mean working day)", got, want)
	}
}

func TestNewWorkHoursRefuses(t *testing.T) {
	day := func(spans ...Span) (w [7][]Span) {
		w[time.Monday] = spans
		return w
	}
	tests := []struct {
		name string
		zone *time.Location
		week [7][]Span
	}{
		{"no zone", nil, day(Span{540, 1080})},
		{"no working day", time.UTC, [7][]Span{}},
		{"reversed span", time.UTC, day(Span{1080, 540})},
		{"empty span", time.UTC, day(Span{540, 540})},
		{"past midnight", time.UTC, day(Span{1380, 1500})},
		{"overlapping spans", time.UTC, day(Span{540, 780}, Span{720, 1080})},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := NewWorkHours(tc.zone, tc.week, nil); ErrorCode(err) != EINVALID {
				t.Errorf("NewWorkHours = %v, want an EINVALID error", err)
			}
		})
	}
}

func TestWorkHoursOnlyHolidays(t *testing.T) {
	// A team working only on 25 December, which is a holiday: no working
	// time ever comes, and Add says so with the zero time.
	var week [7][]Span
	week[time.Friday] = []Span{{540, 1080}}
	var holidays []Date
	for y := 2026; y < 2040; y++ {
		for d := time.Date(y, time.January, 1, 0, 0, 0, 0, time.UTC); d.Year() == y; d = d.AddDate(0, 0, 1) {
			if d.Weekday() == time.Friday {
				holidays = append(holidays, DateOf(d))
			}
		}
	}
	h, err := NewWorkHours(time.UTC, week, holidays)
	if err != nil {
		t.Fatal(err)
	}
	if got := h.Add(time.Date(2026, time.March, 2, 0, 0, 0, 0, time.UTC), time.Hour); !got.IsZero() {
		t.Errorf("Add = %v, want the zero time", got)
	}
}

// TestWorkHoursDeadline checks that the deadline is the last instant by
// which the working time promised is not exceeded: Add's instant inside a
// span, the next opening when Add's instant closes one.
func TestWorkHoursDeadline(t *testing.T) {
	paris := mustZone(t, "Europe/Paris")
	at := func(d, hh, mm int) time.Time { return time.Date(2026, time.November, d, hh, mm, 0, 0, paris) }
	h := officeHours(t, "Europe/Paris")
	tests := []struct {
		from time.Time
		d    time.Duration
		want time.Time
	}{
		{at(18, 10, 0), time.Hour, at(18, 11, 0)},                   // inside a span
		{at(20, 16, 0), 2 * time.Hour, at(23, 9, 0)},                // closes Friday: Monday's opening
		{at(18, 11, 0), 90 * time.Minute, at(18, 14, 0)},            // closes the morning: after lunch
		{at(18, 9, 0), 7*time.Hour + 30*time.Minute, at(19, 9, 0)},  // a whole day
		{at(21, 10, 0), 0, at(21, 10, 0)},                           // nothing promised
		{at(20, 17, 0), 61 * time.Minute, at(23, 9, 1)},             // over the weekend
		{at(20, 18, 0), 7*time.Hour + 30*time.Minute, at(24, 9, 0)}, // asked at closing
		{at(23, 9, 0), 3*time.Hour + 30*time.Minute, at(23, 14, 0)}, // the morning exactly
		{at(23, 14, 0), 4 * time.Hour, at(24, 9, 0)},                // the afternoon exactly
		{at(23, 12, 0), 30*time.Minute + 4*time.Hour, at(24, 9, 0)}, // both
		{at(23, 12, 0), 30*time.Minute + 4*time.Hour + 1, at(24, 9, 0).Add(1)},
	}
	for _, tc := range tests {
		got := h.Deadline(tc.from, tc.d)
		if !got.Equal(tc.want) {
			t.Errorf("Deadline(%v, %v) = %v, want %v", tc.from, tc.d, got.In(paris), tc.want)
		}
		if tc.d > 0 {
			if w := h.Between(tc.from, got); w != tc.d {
				t.Errorf("working time to the deadline of %v: %v", tc.d, w)
			}
			if w := h.Between(tc.from, got.Add(time.Nanosecond)); w <= tc.d {
				t.Errorf("a nanosecond after the deadline of %v, only %v of work has passed", tc.d, w)
			}
		}
	}
}
