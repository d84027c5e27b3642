package knowledge

import (
	"slices"
	"strings"
	"time"
)

// Team is a group of people that serves the rest of the company (IT, HR,
// accounting, after-sales…): the topics it takes questions on, where it is
// reached, when it works, and what it promises to the teams it serves.
type Team struct {
	// Name is how people call the team; it is unique without regard to
	// case.
	Name string
	// Channel is the team's channel: a channel id, or "#name".
	Channel string
	// Members are the people of the team, by person id.
	Members []string
	Topics  []Topic
	// Hours are the team's working hours; the zero WorkHours is the wall
	// clock.
	Hours    WorkHours
	Promises []Promise
}

// Topic is what a team takes questions on: a few words or phrases, and
// example questions, in French or English.
type Topic struct {
	Name     string
	Words    []string
	Examples []string
}

// Promise is what a team commits to for a topic, to one requesting team
// or to everyone: a first response within a working time, and a
// resolution within another, both counted on the team's working-hours
// clock. A zero duration promises nothing on that point.
type Promise struct {
	// Topic is one of the team's topics, or "" for all of them.
	Topic string
	// From is the requesting team, or "" for everyone.
	From          string
	FirstResponse time.Duration
	Resolution    time.Duration
}

// Empty reports whether p promises nothing.
func (p Promise) Empty() bool { return p.FirstResponse <= 0 && p.Resolution <= 0 }

// Has reports whether person is a member of t.
func (t Team) Has(person string) bool { return person != "" && slices.Contains(t.Members, person) }

// Topic returns the topic named name, without regard to case.
func (t Team) Topic(name string) (Topic, bool) {
	for _, tp := range t.Topics {
		if strings.EqualFold(tp.Name, name) {
			return tp, true
		}
	}
	return Topic{}, false
}

// PromiseFor returns the promise t makes on topic to a question from a
// member of the teams from (the asker's teams, in order), the most
// specific first: for this topic and one of those teams, for this topic
// and everyone, for all topics and one of those teams, for all topics and
// everyone. ok is false when t promises nothing for it.
func (t Team) PromiseFor(topic string, from []string) (p Promise, ok bool) {
	rank := func(c Promise) int {
		r := 0
		switch {
		case c.Topic == "":
			r += 2
		case !strings.EqualFold(c.Topic, topic):
			return -1
		}
		switch {
		case c.From == "":
			r++
		case !slices.ContainsFunc(from, func(f string) bool { return strings.EqualFold(f, c.From) }):
			return -1
		}
		return r
	}
	best := -1
	for _, c := range t.Promises {
		if r := rank(c); r >= 0 && (best < 0 || r < best) && !c.Empty() {
			p, best = c, r
		}
	}
	return p, best >= 0
}

// Teams are all the teams of the company, in the order they were given.
type Teams []Team

// Named returns the team called name, without regard to case.
func (ts Teams) Named(name string) (Team, bool) {
	for _, t := range ts {
		if strings.EqualFold(t.Name, name) {
			return t, true
		}
	}
	return Team{}, false
}

// Of returns the teams person is a member of, in order.
func (ts Teams) Of(person string) Teams {
	var out Teams
	for _, t := range ts {
		if t.Has(person) {
			out = append(out, t)
		}
	}
	return out
}

// Names returns the teams' names, in order.
func (ts Teams) Names() []string {
	names := make([]string, len(ts))
	for i, t := range ts {
		names[i] = t.Name
	}
	return names
}

// Assignment is what a team owes one question it takes: the topic it
// matched, the requesting team it is held to, and the promise made to
// that team.
type Assignment struct {
	Team  string
	Topic string
	// Requester is the requesting team: the asker's team that the promise
	// names, else the first of the asker's teams; "" when the asker is in
	// no team, and for an anonymous question. It is the serving team
	// itself when the asker is one of its members.
	Requester string
	// Promise is what the team promised; Promised is false when it
	// promised nothing for this question.
	Promise  Promise
	Promised bool
	// Match is how surely the question matched the topic.
	Match float64
}

// Internal reports whether the question came from the serving team's own
// members: routed inside the team like any other, but no promise holds
// (a team promises its service to the others).
func (a Assignment) Internal() bool {
	return a.Requester != "" && strings.EqualFold(a.Requester, a.Team)
}

// Assign says what the team matched by m owes a question from asker. An
// anonymous question is held to the promise made to everyone and names no
// requesting team: who asked must not be narrowed down to a small team.
// ok is false when m names no known team.
func (ts Teams) Assign(m TopicMatch, asker string, anonymous bool) (a Assignment, ok bool) {
	serving, ok := ts.Named(m.Team)
	if !ok {
		return Assignment{}, false
	}
	a = Assignment{Team: serving.Name, Topic: m.Topic, Match: m.Score}
	if anonymous {
		a.Promise, a.Promised = serving.PromiseFor(m.Topic, nil)
		return a, true
	}
	if serving.Has(asker) {
		a.Requester = serving.Name
		return a, true
	}
	mine := ts.Of(asker).Names()
	a.Promise, a.Promised = serving.PromiseFor(m.Topic, mine)
	switch {
	case a.Promised && a.Promise.From != "":
		a.Requester = a.Promise.From
		if t, ok := ts.Named(a.Promise.From); ok {
			a.Requester = t.Name
		}
	case len(mine) > 0:
		a.Requester = mine[0]
	}
	return a, true
}

// Deadline kinds: what a team promised to do by when.
type DeadlineKind string

// The two points a promise can hold a team to.
const (
	FirstResponse DeadlineKind = "first_response" // someone of the team answers
	Resolution    DeadlineKind = "resolution"     // the asker says it is solved, or it is answered and closed
)

// Deadline is one point of a promise as it was made for one question, and
// how it went. Within zero means nothing was promised on that point: the
// time it took is still measured, for the review.
type Deadline struct {
	Kind DeadlineKind
	// Within is the working time promised; Due the last instant by which
	// it had not run out (WorkHours.Deadline), on the team's clock when
	// the question came.
	Within time.Duration
	Due    time.Time
	// MetAt is when it was met, and Took the working time it took; zero
	// while it is not.
	MetAt time.Time
	Took  time.Duration
	// HolderReminded and ChannelReminded are when the person holding the
	// question, then the team's channel, were reminded that it was about
	// to run out; BreachedAt when it was recorded as broken.
	HolderReminded, ChannelReminded time.Time
	BreachedAt                      time.Time
}

// Promised reports whether anything was promised on d's point.
func (d Deadline) Promised() bool { return d.Within > 0 && !d.Due.IsZero() }

// Met reports whether d's point was done.
func (d Deadline) Met() bool { return !d.MetAt.IsZero() }

// Outcome is where a deadline stands.
type Outcome string

// Deadline outcomes.
const (
	OutcomeUnpromised Outcome = "unpromised" // nothing was promised on this point
	OutcomePending    Outcome = "pending"    // not met, not due yet
	OutcomeKept       Outcome = "kept"       // met in time
	OutcomeBroken     Outcome = "broken"     // met late, or due and not met
)

// Outcome says where d stands at now. A deadline met late is broken even
// if no breach was recorded (the bot was down, say): a breach is never
// hidden.
func (d Deadline) Outcome(now time.Time) Outcome {
	switch {
	case !d.Promised():
		return OutcomeUnpromised
	case d.Met() && !d.MetAt.After(d.Due):
		return OutcomeKept
	case d.Met(), !d.BreachedAt.IsZero(), now.After(d.Due):
		return OutcomeBroken
	}
	return OutcomePending
}

// Step is what holding a promise calls for now.
type Step string

// Steps of holding a promise, in order.
const (
	StepNone          Step = ""
	StepRemindHolder  Step = "remind_holder"  // remind the person holding the question
	StepRemindChannel Step = "remind_channel" // then the team's channel
	StepBreach        Step = "breach"         // record the breach and say so
)

// Reminder points, as shares of the promised working time: the person
// holding the question hears when three quarters of it have gone, which
// leaves them a quarter to answer; the team's channel when seven eighths
// have, so a colleague can still step in.
const (
	remindHolderShare  = 3.0 / 4
	remindChannelShare = 7.0 / 8
)

// Next returns the step d calls for at now, for a question asked at
// asked, on hours: the next reminder not yet sent whose time has come, or
// the breach once due. A deadline met, broken already or not promised
// calls for nothing. Only the latest step due is returned: a bot that was
// down past the reminders records the breach without reminding late.
func (d Deadline) Next(asked, now time.Time, hours WorkHours) Step {
	if !d.Promised() || d.Met() || !d.BreachedAt.IsZero() {
		return StepNone
	}
	if now.After(d.Due) {
		return StepBreach
	}
	share := func(f float64) time.Time {
		return hours.Add(asked, time.Duration(float64(d.Within)*f))
	}
	switch {
	case d.ChannelReminded.IsZero() && !now.Before(share(remindChannelShare)):
		return StepRemindChannel
	case d.HolderReminded.IsZero() && d.ChannelReminded.IsZero() && !now.Before(share(remindHolderShare)):
		return StepRemindHolder
	}
	return StepNone
}

// TeamAsk is a question a team took: which team, on which topic, for
// which requesting team, how surely it matched, and the two points of the
// promise as made when it came.
type TeamAsk struct {
	QuestionID string
	Team       string
	Topic      string
	// Requester is the requesting team ("" for none, or an anonymous
	// question).
	Requester string
	Anonymous bool
	Match     float64
	AskedAt   time.Time
	// FirstResponse and Resolution are the deadlines, of those kinds.
	FirstResponse Deadline
	Resolution    Deadline
	// ChannelAsked is when the team's channel was asked, no member being
	// left to ask, and FallbackAsked when the fallback channel was, after
	// the team's channel let the answer timeout pass; zero until then.
	ChannelAsked, FallbackAsked time.Time
	// Channel and Hours are the team's channel and working hours when it
	// took the question: an import that drops or renames the team leaves
	// the promise still held by them. A question taken before they were
	// kept has none: no channel, and the wall clock.
	Channel string
	Hours   WorkHours
}

// Deadline returns the deadline of kind k.
func (a TeamAsk) Deadline(k DeadlineKind) Deadline {
	if k == Resolution {
		return a.Resolution
	}
	return a.FirstResponse
}

// NewTeamAsk records what as assigns to question id, asked at asked, for
// serving, the team as it is then: the promise's deadlines computed on its
// hours, and its channel and hours kept.
func NewTeamAsk(id string, asked time.Time, as Assignment, serving Team, anonymous bool) TeamAsk {
	a := TeamAsk{
		QuestionID: id, Team: as.Team, Topic: as.Topic, Requester: as.Requester,
		Anonymous: anonymous, Match: as.Match, AskedAt: asked,
		FirstResponse: Deadline{Kind: FirstResponse},
		Resolution:    Deadline{Kind: Resolution},
		Channel:       serving.Channel, Hours: serving.Hours,
	}
	if anonymous {
		a.Requester = ""
	}
	if !as.Promised || as.Internal() {
		return a
	}
	set := func(d *Deadline, within time.Duration) {
		if within > 0 {
			d.Within, d.Due = within, serving.Hours.Deadline(asked, within)
		}
	}
	set(&a.FirstResponse, as.Promise.FirstResponse)
	set(&a.Resolution, as.Promise.Resolution)
	return a
}
