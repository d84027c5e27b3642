package digest

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/nextdesk/nextdesk/knowledge"
)

// Schedule is when the weekly digest is posted: a day of the week and a
// time of day, on the wall clock of the digest's time zone, so Monday
// 09:00 stays 09:00 across daylight-saving changes.
type Schedule struct {
	Day          time.Weekday
	Hour, Minute int
}

// DefaultSchedule is Monday 09:00.
var DefaultSchedule = Schedule{Day: time.Monday, Hour: 9}

// weekdays names the days in English and French, in full or in short.
var weekdays = map[string]time.Weekday{
	"mon": time.Monday, "monday": time.Monday, "lun": time.Monday, "lundi": time.Monday,
	"tue": time.Tuesday, "tuesday": time.Tuesday, "mar": time.Tuesday, "mardi": time.Tuesday,
	"wed": time.Wednesday, "wednesday": time.Wednesday, "mer": time.Wednesday, "mercredi": time.Wednesday,
	"thu": time.Thursday, "thursday": time.Thursday, "jeu": time.Thursday, "jeudi": time.Thursday,
	"fri": time.Friday, "friday": time.Friday, "ven": time.Friday, "vendredi": time.Friday,
	"sat": time.Saturday, "saturday": time.Saturday, "sam": time.Saturday, "samedi": time.Saturday,
	"sun": time.Sunday, "sunday": time.Sunday, "dim": time.Sunday, "dimanche": time.Sunday,
}

// ParseSchedule reads a schedule written as a day and a 24-hour time,
// "MON 09:00": the day in English or French, in full or in three letters,
// in any case ("monday 9:00", "lundi 09:30"). It returns an EINVALID error
// that shows the expected form when s is not one.
func ParseSchedule(s string) (Schedule, error) {
	bad := knowledge.Errorf(knowledge.EINVALID, "%q is not a weekly schedule: write a day and a 24-hour time, such as \"MON 09:00\".", s)
	fields := strings.Fields(strings.ToLower(s))
	if len(fields) != 2 {
		return Schedule{}, bad
	}
	day, ok := weekdays[strings.TrimSuffix(fields[0], ".")]
	if !ok {
		return Schedule{}, bad
	}
	h, m, ok := strings.Cut(fields[1], ":")
	if !ok || len(m) != 2 {
		return Schedule{}, bad
	}
	hour, err1 := strconv.Atoi(h)
	minute, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hour < 0 || hour > 23 || minute < 0 || minute > 59 {
		return Schedule{}, bad
	}
	return Schedule{Day: day, Hour: hour, Minute: minute}, nil
}

// String writes s as ParseSchedule reads it: "MON 09:00".
func (s Schedule) String() string {
	return fmt.Sprintf("%s %02d:%02d", strings.ToUpper(s.Day.String()[:3]), s.Hour, s.Minute)
}

// Last returns the latest time at or before now at which s posts, in loc.
func (s Schedule) Last(now time.Time, loc *time.Location) time.Time {
	local := now.In(loc)
	back := (int(local.Weekday()) - int(s.Day) + 7) % 7
	t := time.Date(local.Year(), local.Month(), local.Day()-back, s.Hour, s.Minute, 0, 0, loc)
	if t.After(now) {
		t = time.Date(local.Year(), local.Month(), local.Day()-back-7, s.Hour, s.Minute, 0, 0, loc)
	}
	return t
}

// Due returns the week whose digest is due at now, and false when none
// is: the digest posted at a scheduled time covers the last whole week
// before it (Monday 09:00 posts the week that ended at midnight), and it
// stays due until the week in which it was scheduled is over. So a bot that
// was down on Monday morning posts the digest when it starts on Wednesday,
// but not once the next week has begun.
func (s Schedule) Due(now time.Time, loc *time.Location) (Week, bool) {
	last := s.Last(now, loc)
	posting := WeekOf(last)
	if !now.Before(posting.End(loc)) {
		return Week{}, false
	}
	return posting.Prev(), true
}
