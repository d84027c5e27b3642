package digest_test

import (
	"testing"
	"time"

	"github.com/nextdesk/nextdesk/digest"
	"github.com/nextdesk/nextdesk/knowledge"
)

func TestParseWeek(t *testing.T) {
	for _, c := range []struct {
		in   string
		want digest.Week
		err  bool
	}{
		{"2026-W47", digest.Week{Year: 2026, Num: 47}, false},
		{" 2026-w01 ", digest.Week{Year: 2026, Num: 1}, false},
		{"2026-W5", digest.Week{Year: 2026, Num: 5}, false},
		{"2020-W53", digest.Week{Year: 2020, Num: 53}, false},
		{"2021-W53", digest.Week{}, true}, // 2021 has 52 weeks
		{"2026-W00", digest.Week{}, true},
		{"2026W47", digest.Week{}, true},
		{"26-W47", digest.Week{}, true},
		{"2026-W470", digest.Week{}, true},
		{"", digest.Week{}, true},
		{"next week", digest.Week{}, true},
	} {
		got, err := digest.ParseWeek(c.in)
		if (err != nil) != c.err || got != c.want {
			t.Errorf("ParseWeek(%q) = %v, %v; want %v, error %v", c.in, got, err, c.want, c.err)
		}
		if err != nil && knowledge.ErrorCode(err) != knowledge.EINVALID {
			t.Errorf("ParseWeek(%q): error code %q, want invalid", c.in, knowledge.ErrorCode(err))
		}
	}
}

func TestWeekBounds(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		week       digest.Week
		start, end string // in Paris, at midnight
		prev, next string
	}{
		{digest.Week{Year: 2026, Num: 47}, "2026-11-16", "2026-11-23", "2026-W46", "2026-W48"},
		{digest.Week{Year: 2026, Num: 1}, "2025-12-29", "2026-01-05", "2025-W52", "2026-W02"},
		{digest.Week{Year: 2020, Num: 53}, "2020-12-28", "2021-01-04", "2020-W52", "2021-W01"},
		// The week in which clocks go forward is 167 hours long.
		{digest.Week{Year: 2026, Num: 13}, "2026-03-23", "2026-03-30", "2026-W12", "2026-W14"},
	} {
		start, end := c.week.Start(paris), c.week.End(paris)
		if got := start.Format("2006-01-02 15:04"); got != c.start+" 00:00" {
			t.Errorf("%v starts %s, want %s 00:00", c.week, got, c.start)
		}
		if got := end.Format("2006-01-02 15:04"); got != c.end+" 00:00" {
			t.Errorf("%v ends %s, want %s 00:00", c.week, got, c.end)
		}
		if start.Weekday() != time.Monday || start.Location() != paris {
			t.Errorf("%v starts on %v in %v", c.week, start.Weekday(), start.Location())
		}
		if got := c.week.Prev().String(); got != c.prev {
			t.Errorf("%v.Prev() = %s, want %s", c.week, got, c.prev)
		}
		if got := c.week.Next().String(); got != c.next {
			t.Errorf("%v.Next() = %s, want %s", c.week, got, c.next)
		}
		if got := digest.WeekOf(end.Add(-time.Nanosecond)); got != c.week {
			t.Errorf("the last instant of %v is in %v", c.week, got)
		}
	}
}
