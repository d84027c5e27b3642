package synth

import "time"

// dstRule is a daylight saving rule. The generator applies the rules itself
// rather than loading the system's zone database, so the same seed gives the
// same history on every machine, and a local time costs no lookup.
type dstRule uint8

const (
	noDST dstRule = iota
	euDST         // last Sunday of March to last Sunday of October, at 01:00 UTC
	usDST         // second Sunday of March to first Sunday of November, at 02:00 local
)

// zone is a time zone people of a workspace live in, with how often it
// occurs and which locales its people use.
type zone struct {
	name    string
	std     int // standard offset, seconds east of UTC
	rule    dstRule
	weight  float64
	locales []weighted[string]
}

type weighted[T any] struct {
	v T
	w float64
}

// zones is a French company's mix: mostly Paris, with offices in London,
// North America (Montréal speaking French) and Singapore.
var zones = []zone{
	{"Europe/Paris", 3600, euDST, 0.55, []weighted[string]{{"fr-FR", 0.88}, {"en-GB", 0.06}, {"en-US", 0.06}}},
	{"Europe/London", 0, euDST, 0.10, []weighted[string]{{"en-GB", 0.9}, {"fr-FR", 0.1}}},
	{"America/New_York", -5 * 3600, usDST, 0.09, []weighted[string]{{"en-US", 0.95}, {"fr-FR", 0.05}}},
	{"America/Montreal", -5 * 3600, usDST, 0.08, []weighted[string]{{"fr-CA", 0.75}, {"en-US", 0.25}}},
	{"Asia/Singapore", 8 * 3600, noDST, 0.06, []weighted[string]{{"en-GB", 0.6}, {"en-US", 0.4}}},
	losAngeles,
	{"Europe/Brussels", 3600, euDST, 0.03, []weighted[string]{{"fr-FR", 0.8}, {"en-GB", 0.2}}},
	{"Indian/Reunion", 4 * 3600, noDST, 0.02, []weighted[string]{{"fr-FR", 1}}},
}

// botZone is where Slack puts bot users.
var botZone = &losAngeles

var losAngeles = zone{"America/Los_Angeles", -8 * 3600, usDST, 0.04, []weighted[string]{{"en-US", 1}}}

// offset returns the zone's offset from UTC, in seconds, at unix time t.
func (z *zone) offset(t int64) int {
	if z.rule == noDST {
		return z.std
	}
	year := time.Unix(t+int64(z.std), 0).UTC().Year()
	var start, end int64
	switch z.rule {
	case euDST:
		start = lastSunday(year, time.March) + 3600
		end = lastSunday(year, time.October) + 3600
	case usDST:
		// 02:00 local standard time, then 02:00 local summer time.
		start = nthSunday(year, time.March, 2) + 2*3600 - int64(z.std)
		end = nthSunday(year, time.November, 1) + 2*3600 - int64(z.std) - 3600
	}
	if t >= start && t < end {
		return z.std + 3600
	}
	return z.std
}

// lastSunday returns midnight UTC of the month's last Sunday, in unix seconds.
func lastSunday(year int, month time.Month) int64 {
	d := time.Date(year, month+1, 0, 0, 0, 0, 0, time.UTC)
	return d.Unix() - int64(d.Weekday())*86400
}

// nthSunday returns midnight UTC of the month's nth Sunday, in unix seconds.
func nthSunday(year int, month time.Month, n int) int64 {
	d := time.Date(year, month, 1, 0, 0, 0, 0, time.UTC)
	first := (7 - int(d.Weekday())) % 7
	return d.Unix() + int64(first+7*(n-1))*86400
}

// localDay splits a local unix time into its day number (days since
// 1970-01-01), weekday and second of the day.
func localDay(local int64) (day int64, weekday time.Weekday, sec int64) {
	day = local / 86400
	sec = local % 86400
	if sec < 0 {
		day--
		sec += 86400
	}
	// 1970-01-01 was a Thursday.
	weekday = time.Weekday((day%7 + 7 + 4) % 7)
	return day, weekday, sec
}

// workingHour reports whether a local unix time falls in office hours.
func workingHour(local int64) bool {
	_, wd, sec := localDay(local)
	return wd != time.Saturday && wd != time.Sunday && sec >= 8*3600 && sec < 19*3600
}

// askHours weighs the local hours at which people ask: mornings and early
// afternoons, a lunch dip, a thin evening tail.
var askHours = []float64{
	0.05, 0.02, 0.02, 0.02, 0.02, 0.05, 0.2, 1, 3, 8, 10, 9,
	4, 5, 9, 9, 8, 6, 3, 1.5, 1, 0.7, 0.4, 0.2,
}
