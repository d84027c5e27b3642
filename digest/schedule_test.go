package digest_test

import (
	"testing"
	"time"

	"github.com/nextdesk/nextdesk/digest"
)

func mustParis(tb testing.TB) *time.Location {
	tb.Helper()
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		tb.Fatal(err)
	}
	return loc
}

func TestParseSchedule(t *testing.T) {
	for _, c := range []struct {
		in   string
		want digest.Schedule
		err  bool
	}{
		{"MON 09:00", digest.Schedule{Day: time.Monday, Hour: 9}, false},
		{"monday 9:00", digest.Schedule{Day: time.Monday, Hour: 9}, false},
		{"lundi 09:30", digest.Schedule{Day: time.Monday, Hour: 9, Minute: 30}, false},
		{"Ven. 17:45", digest.Schedule{Day: time.Friday, Hour: 17, Minute: 45}, false},
		{"SUN 00:00", digest.Schedule{Day: time.Sunday}, false},
		{"MON 24:00", digest.Schedule{}, true},
		{"MON 9:5", digest.Schedule{}, true},
		{"MON", digest.Schedule{}, true},
		{"0 9 * * MON", digest.Schedule{}, true},
		{"someday 09:00", digest.Schedule{}, true},
	} {
		got, err := digest.ParseSchedule(c.in)
		if (err != nil) != c.err || got != c.want {
			t.Errorf("ParseSchedule(%q) = %v, %v; want %v, error %v", c.in, got, err, c.want, c.err)
		}
	}
	if got := (digest.Schedule{Day: time.Friday, Hour: 7, Minute: 5}).String(); got != "FRI 07:05" {
		t.Errorf("String() = %q", got)
	}
}

// TestScheduleAcrossDaylightSaving checks that Monday 09:00 in Paris stays
// 09:00 on the wall clock across the changes of March (UTC+1 to UTC+2) and
// October (back to UTC+1), so the UTC time of the post moves by an hour:
// the digest is not due a minute before, and is due from then on.
func TestScheduleAcrossDaylightSaving(t *testing.T) {
	paris := mustParis(t)
	for _, c := range []struct {
		utc  string
		week string // the week whose digest is due then
	}{
		{"2026-03-23 08:00", "2026-W12"},
		{"2026-03-30 07:00", "2026-W13"},
		{"2026-04-06 07:00", "2026-W14"},
		{"2026-10-19 07:00", "2026-W42"},
		{"2026-10-26 08:00", "2026-W43"},
		{"2026-11-02 08:00", "2026-W44"},
	} {
		at, err := time.Parse("2006-01-02 15:04", c.utc)
		if err != nil {
			t.Fatal(err)
		}
		if local := at.In(paris); local.Weekday() != time.Monday || local.Hour() != 9 || local.Minute() != 0 {
			t.Errorf("%s UTC is %v in Paris, not Monday 09:00", c.utc, local)
		}
		if last := digest.DefaultSchedule.Last(at.Add(time.Minute), paris); !last.Equal(at) {
			t.Errorf("Last(%s + 1 min) = %v, want %s UTC", c.utc, last.UTC(), c.utc)
		}
		if w, due := digest.DefaultSchedule.Due(at, paris); !due || w.String() != c.week {
			t.Errorf("Due(%s UTC) = %v, %v; want %s", c.utc, w, due, c.week)
		}
		if w, due := digest.DefaultSchedule.Due(at.Add(-time.Minute), paris); due && w.String() == c.week {
			t.Errorf("Due a minute before %s UTC = %v: due too early", c.utc, w)
		}
	}
}

func TestScheduleDue(t *testing.T) {
	paris := mustParis(t)
	at := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, paris) }
	for _, c := range []struct {
		now  time.Time
		week string // "" when none is due
	}{
		{at(2026, 11, 23, 9, 0), "2026-W47"},   // the scheduled time
		{at(2026, 11, 23, 8, 59), ""},          // just before: last week's is over
		{at(2026, 11, 25, 14, 0), "2026-W47"},  // down on Monday, up on Wednesday
		{at(2026, 11, 29, 23, 59), "2026-W47"}, // the last minute of the posting week
		{at(2026, 11, 30, 0, 0), ""},           // the posting week is over
		{at(2026, 3, 30, 9, 0), "2026-W13"},    // the first Monday of summer time
		{at(2026, 3, 30, 8, 30), ""},
		{at(2026, 3, 29, 12, 0), "2026-W12"}, // the Sunday clocks change
	} {
		w, ok := digest.DefaultSchedule.Due(c.now, paris)
		got := ""
		if ok {
			got = w.String()
		}
		if got != c.week {
			t.Errorf("Due at %v = %q, want %q", c.now, got, c.week)
		}
	}
}
