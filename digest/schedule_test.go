package digest_test

import (
	"testing"
	"time"

	"github.com/go-co-op/gocron/v2"
	"github.com/google/go-cmp/cmp"
	"github.com/jonboulle/clockwork"

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

// TestScheduleAcrossDaylightSaving checks the gocron job the digest runs:
// Monday 09:00 in Paris stays 09:00 on the wall clock across the changes
// of March (UTC+1 to UTC+2) and October (back to UTC+1), so the UTC time
// of the post moves by an hour.
func TestScheduleAcrossDaylightSaving(t *testing.T) {
	paris := mustParis(t)
	for _, c := range []struct {
		start time.Time
		want  []string // UTC
	}{
		{time.Date(2026, 3, 20, 12, 0, 0, 0, paris), []string{"2026-03-23 08:00", "2026-03-30 07:00", "2026-04-06 07:00"}},
		{time.Date(2026, 10, 20, 12, 0, 0, 0, paris), []string{"2026-10-26 08:00", "2026-11-02 08:00", "2026-11-09 08:00"}},
		{time.Date(2026, 10, 19, 8, 59, 0, 0, paris), []string{"2026-10-19 07:00", "2026-10-26 08:00", "2026-11-02 08:00"}},
	} {
		clock := clockwork.NewFakeClockAt(c.start)
		s, err := gocron.NewScheduler(gocron.WithLocation(paris), gocron.WithClock(clock))
		if err != nil {
			t.Fatal(err)
		}
		job, err := s.NewJob(digest.DefaultSchedule.Job(), gocron.NewTask(func() {}))
		if err != nil {
			t.Fatal(err)
		}
		s.Start()
		runs, err := job.NextRuns(3)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range runs {
			if local := r.In(paris); local.Weekday() != time.Monday || local.Hour() != 9 || local.Minute() != 0 {
				t.Errorf("from %v: a run at %v, not Monday 09:00 in Paris", c.start, local)
			}
			got = append(got, r.UTC().Format("2006-01-02 15:04"))
		}
		if diff := cmp.Diff(got, c.want); diff != "" {
			t.Errorf("from %v: runs (-got +want):\n%s", c.start, diff)
		}
		if err := s.Shutdown(); err != nil {
			t.Error(err)
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
