package knowledge

import (
	"cmp"
	"slices"
	"strings"
	"time"
)

// Commitment is how a team served another over a period, for the
// twice-yearly review: what the requesting team asked, how fast it was
// answered, and whether the promise was kept.
type Commitment struct {
	// Requester is the requesting team, "" for people in no team;
	// Anonymous marks the row of the anonymous questions, which name no
	// requesting team.
	Requester string
	Anonymous bool
	// Team is the serving team.
	Team string
	// Asked counts the questions, and Topics how many were on each topic,
	// the most asked first.
	Asked  int
	Topics []TopicCount
	// Answered and Resolved count the questions that got a first response
	// and a resolution; the medians are the working time (on the serving
	// team's clock) they took; zero when none did.
	Answered, Resolved  int
	MedianFirstResponse time.Duration
	MedianResolution    time.Duration
	// Kept and Broken count the promised deadlines (first responses and
	// resolutions) decided by the end of the period: met in time, or met
	// late or past due. Pending counts those not due yet.
	Kept, Broken, Pending int
	// Promised are the promises the questions were held to, the most
	// held first: what the review weighs the figures against.
	Promised []PromiseHeld
}

// PromiseHeld is a promise as questions were held to it: the working
// times promised for a first response and for a resolution (zero for
// nothing), and on how many questions.
type PromiseHeld struct {
	FirstResponse, Resolution time.Duration
	Questions                 int
}

// TopicCount is how many questions were on a topic.
type TopicCount struct {
	Topic     string
	Questions int
}

// KeptShare is the share of the decided deadlines that were kept; ok is
// false when none was decided (nothing promised, or nothing due yet).
func (c Commitment) KeptShare() (share float64, ok bool) {
	if c.Kept+c.Broken == 0 {
		return 0, false
	}
	return float64(c.Kept) / float64(c.Kept+c.Broken), true
}

// Commitments sums up asks (the questions teams took) by requesting team
// and serving team, as they stand at now. Questions a team's own members
// asked are left out: a team's promises are to the others. The rows come
// by serving team, then requesting team (people in no team, then the
// anonymous questions, last), in alphabetical order.
func Commitments(asks []TeamAsk, now time.Time) []Commitment {
	return summarise(asks, now, true)
}

// TeamRecords sums up asks by serving team alone, whoever asked: what the
// weekly digest shows of each team's promises. Questions a team's own
// members asked are left out.
func TeamRecords(asks []TeamAsk, now time.Time) []Commitment {
	return summarise(asks, now, false)
}

func summarise(asks []TeamAsk, now time.Time, byRequester bool) []Commitment {
	type key struct {
		requester, team string
		anonymous       bool
	}
	type acc struct {
		c                 Commitment
		topics            map[string]int
		promised          map[[2]time.Duration]int
		first, resolution []time.Duration
	}
	rows := make(map[key]*acc)
	var order []key
	for _, a := range asks {
		if a.Requester != "" && strings.EqualFold(a.Requester, a.Team) {
			continue
		}
		k := key{team: a.Team}
		if byRequester {
			k.requester, k.anonymous = a.Requester, a.Anonymous
		}
		r := rows[k]
		if r == nil {
			r = &acc{c: Commitment{Requester: k.requester, Team: k.team, Anonymous: k.anonymous}, topics: make(map[string]int), promised: make(map[[2]time.Duration]int)}
			rows[k] = r
			order = append(order, k)
		}
		r.c.Asked++
		r.topics[a.Topic]++
		if a.FirstResponse.Promised() || a.Resolution.Promised() {
			r.promised[[2]time.Duration{a.FirstResponse.Within, a.Resolution.Within}]++
		}
		for _, d := range []Deadline{a.FirstResponse, a.Resolution} {
			// A deadline met after the period's end is not met yet, as
			// the period saw it.
			met := d.Met() && !d.MetAt.After(now)
			if met {
				if d.Kind == Resolution {
					r.c.Resolved++
					r.resolution = append(r.resolution, d.Took)
				} else {
					r.c.Answered++
					r.first = append(r.first, d.Took)
				}
			}
			if !met {
				d.MetAt, d.Took = time.Time{}, 0
			}
			if d.BreachedAt.After(now) {
				d.BreachedAt = time.Time{}
			}
			switch d.Outcome(now) {
			case OutcomeKept:
				r.c.Kept++
			case OutcomeBroken:
				r.c.Broken++
			case OutcomePending:
				r.c.Pending++
			}
		}
	}
	out := make([]Commitment, 0, len(rows))
	for _, k := range order {
		r := rows[k]
		r.c.MedianFirstResponse, r.c.MedianResolution = Median(r.first), Median(r.resolution)
		for t, n := range r.topics {
			r.c.Topics = append(r.c.Topics, TopicCount{Topic: t, Questions: n})
		}
		slices.SortFunc(r.c.Topics, func(a, b TopicCount) int {
			return cmp.Or(b.Questions-a.Questions, strings.Compare(a.Topic, b.Topic))
		})
		for p, n := range r.promised {
			r.c.Promised = append(r.c.Promised, PromiseHeld{FirstResponse: p[0], Resolution: p[1], Questions: n})
		}
		slices.SortFunc(r.c.Promised, func(a, b PromiseHeld) int {
			return cmp.Or(b.Questions-a.Questions, cmp.Compare(a.FirstResponse, b.FirstResponse), cmp.Compare(a.Resolution, b.Resolution))
		})
		out = append(out, r.c)
	}
	slices.SortFunc(out, func(a, b Commitment) int {
		// People in no team, then anonymous questions, after the teams.
		rank := func(c Commitment) int {
			switch {
			case c.Anonymous:
				return 2
			case c.Requester == "":
				return 1
			}
			return 0
		}
		return cmp.Or(
			strings.Compare(strings.ToLower(a.Team), strings.ToLower(b.Team)),
			rank(a)-rank(b),
			strings.Compare(strings.ToLower(a.Requester), strings.ToLower(b.Requester)),
		)
	})
	return out
}

// Median returns the median of ds (the mean of the two middle values for
// an even count), or zero for none.
func Median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	mid := len(s) / 2
	if len(s)%2 == 1 {
		return s[mid]
	}
	return (s[mid-1] + s[mid]) / 2
}
