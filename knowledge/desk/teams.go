package desk

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/nextdesk/nextdesk/knowledge"
)

// Teams that promise a service: a question that matches one team's topic
// surely and clearly (knowledge.TopicMatcher.Best) goes to that team's
// best member for it, its channel hears of it, and the asker is told what
// the team promised. Escalation stays inside the team (its members one
// after the other, then its channel) before the fallback channel, and the
// promise's deadlines run on the team's working-hours clock from when the
// team took the question (see HoldPromises). A question that matches no
// team is routed as if there were none, and a sure instant answer
// involves no team until its asker says they still need help.

// Promised is what a team promised for one question, as its asker, its
// channel and whoever holds it are told.
type Promised struct {
	Team  string `json:"team"`
	Topic string `json:"topic,omitempty"`
	// FirstResponse and Resolution are the working times promised (zero
	// for nothing), FirstDue and ResolutionDue when they fall due.
	FirstResponse time.Duration `json:"first_response,omitempty"`
	Resolution    time.Duration `json:"resolution,omitempty"`
	FirstDue      time.Time     `json:"first_due,omitzero"`
	ResolutionDue time.Time     `json:"resolution_due,omitzero"`
	// Day is the team's working day, so that a promise of "2d" reads as
	// two working days.
	Day time.Duration `json:"day,omitempty"`
}

// Any reports whether anything was promised.
func (p Promised) Any() bool { return p.FirstResponse > 0 || p.Resolution > 0 }

// promisedOf is what team promised in a, as people are told it.
func promisedOf(team knowledge.Team, a knowledge.TeamAsk) Promised {
	p := Promised{Team: a.Team, Topic: a.Topic, Day: team.Hours.Day()}
	if a.FirstResponse.Promised() {
		p.FirstResponse, p.FirstDue = a.FirstResponse.Within, a.FirstResponse.Due
	}
	if a.Resolution.Promised() {
		p.Resolution, p.ResolutionDue = a.Resolution.Within, a.Resolution.Due
	}
	return p
}

// TeamAsked tells a team's channel that the team took a question: who
// asks (empty for an anonymous question), what (Private leaves the text
// out, for a question its channel may not read), where it is discussed,
// what the team promised, and the member asked; with no member to ask
// (Expert empty), why (Gap, after Asked members), for someone there to
// answer.
type TeamAsked struct {
	Promise Promised `json:"promise"`
	Asker   string   `json:"asker"`
	Text    Quote    `json:"text"`
	Private bool     `json:"private,omitempty"`
	Thread  Link     `json:"thread"`
	Expert  string   `json:"expert,omitempty"`
	Gap     Gap      `json:"gap,omitempty"`
	Asked   int      `json:"asked,omitempty"`
}

// KindTeamAsked is the kind of TeamAsked.
const KindTeamAsked Kind = "team_asked"

// Kind implements Body.
func (TeamAsked) Kind() Kind { return KindTeamAsked }

// TeamKey is the key of the notice that tells a team's channel it took a
// question.
func TeamKey(questionID string) string { return "team:" + questionID }

// teamRoute is the team a question goes to, as it stands now, and what
// the team owes the question: as recorded, or, when fresh, to record in
// the transaction that routes it. A team gone since it took the question
// (see heldBy) still holds its promise and is reached in its channel, but
// its members are unknown: the question is routed as if no team had it.
type teamRoute struct {
	team  knowledge.Team
	ask   knowledge.TeamAsk
	fresh bool
	gone  bool
}

// promised is what tr's team promised, as people are told it.
func (tr *teamRoute) promised() *Promised {
	if tr == nil {
		return nil
	}
	p := promisedOf(tr.team, tr.ask)
	return &p
}

// topicMatcher caches the matcher of the teams' topics: analysing every
// word of every topic for each question would cost more than the question.
type topicMatcher struct {
	mu      sync.Mutex
	teams   knowledge.Teams
	matcher *knowledge.TopicMatcher
}

// of returns the matcher of teams' topics, built again when they changed
// (a new import).
func (c *topicMatcher) of(teams knowledge.Teams, terms func(string) []string) *knowledge.TopicMatcher {
	c.mu.Lock()
	defer c.mu.Unlock()
	same := c.matcher != nil && slices.EqualFunc(c.teams, teams, func(a, b knowledge.Team) bool {
		return a.Name == b.Name && slices.EqualFunc(a.Topics, b.Topics, func(x, y knowledge.Topic) bool {
			return x.Name == y.Name && slices.Equal(x.Words, y.Words) && slices.Equal(x.Examples, y.Examples)
		})
	})
	if !same {
		c.teams, c.matcher = teams, knowledge.NewTopicMatcher(teams, terms)
	}
	return c.matcher
}

// teamFor returns the team question id goes to when its text matches one
// team's topic surely and clearly, with what that team owes it from at,
// or nil. asker is who asked (for an anonymous question, the one the desk
// alone knows: the team ask keeps no trace of them).
func (d *Desk) teamFor(ctx context.Context, id, text, asker string, anonymous bool, at time.Time) (*teamRoute, error) {
	if d.cfg.Topics == nil {
		return nil, nil
	}
	teams, err := d.teams(ctx)
	if err != nil || len(teams) == 0 {
		return nil, err
	}
	match, ok := d.topics.of(teams, d.cfg.Topics.Terms).Best(text)
	if !ok {
		return nil, nil
	}
	as, ok := teams.Assign(match, asker, anonymous)
	if !ok {
		return nil, nil
	}
	team, _ := teams.Named(as.Team)
	d.log.Debug("routing: the question is a team's", "question", id, "team", team.Name, "topic", as.Topic, "match", as.Match)
	return &teamRoute{team: team, ask: knowledge.NewTeamAsk(id, at, as, team, anonymous), fresh: true}, nil
}

// teams reads the teams.
func (d *Desk) teams(ctx context.Context) (teams knowledge.Teams, err error) {
	err = d.view(ctx, func(r Reader) error {
		teams, err = r.Teams(ctx)
		return err
	})
	return teams, err
}

// teamOf reads the team that took question id (see heldBy), or nil when
// none did.
func teamOf(ctx context.Context, r Reader, id string) (*teamRoute, error) {
	a, err := r.TeamAsk(ctx, id)
	switch {
	case knowledge.ErrorCode(err) == knowledge.ENOTFOUND:
		return nil, nil
	case err != nil:
		return nil, err
	}
	teams, err := r.Teams(ctx)
	if err != nil {
		return nil, err
	}
	team, now := heldBy(teams, a)
	return &teamRoute{team: team, ask: a, gone: !now}, nil
}

// heldBy returns the team holding a, the question it took, and whether
// teams still name it: as it is now when they do, so that a re-import's
// channel and hours apply to the questions it holds; else, dropped or
// renamed by an import, as it was when it took the question: its channel
// and hours, with no members.
func heldBy(teams knowledge.Teams, a knowledge.TeamAsk) (knowledge.Team, bool) {
	if t, ok := teams.Named(a.Team); ok {
		return t, true
	}
	return knowledge.Team{Name: a.Team, Channel: a.Channel, Hours: a.Hours}, false
}

// chooseIn returns the best of experts for q whom the routing policy
// allows and who is around (see choose), within tr's team when there is
// one whose members are known, with how many candidates there were. In a
// team, the engine's ranking is kept to its members; when none of them it
// ranked can be asked, the other members are, the one holding the fewest
// open questions first: a team answers for its topics even on questions
// none of its members answered before.
func (d *Desk) chooseIn(ctx context.Context, q knowledge.Question, v knowledge.Viewer, experts []knowledge.Expert, asked []string, tr *teamRoute) (*choice, int, error) {
	if tr == nil || tr.gone {
		c, err := d.choose(ctx, q, v, experts, asked)
		return c, len(experts), err
	}
	members := tr.team.Members
	var ranked []knowledge.Expert
	for _, e := range experts {
		if tr.team.Has(e.Person.ID) {
			ranked = append(ranked, e)
		}
	}
	c, err := d.choose(ctx, q, v, ranked, asked)
	if c != nil || err != nil {
		return c, len(members), err
	}
	var rest []string
	for _, m := range members {
		if !slices.ContainsFunc(ranked, func(e knowledge.Expert) bool { return e.Person.ID == m }) {
			rest = append(rest, m)
		}
	}
	var open map[string]int
	err = d.view(ctx, func(r Reader) (err error) {
		open, err = r.OpenRoutes(ctx, rest)
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	// Stable: among members as busy, the file's order.
	slices.SortStableFunc(rest, func(a, b string) int { return open[a] - open[b] })
	others := make([]knowledge.Expert, len(rest))
	for i, m := range rest {
		others[i] = knowledge.Expert{Person: knowledge.Person{ID: m}}
	}
	c, err = d.choose(ctx, q, v, others, asked)
	return c, len(members), err
}

// takeTeam records that tr's team takes the question of s, which goes next
// where nx says, and tells the team's channel: what is asked, when the
// channel may read it (a question asked in public, or posted anonymously
// in a public channel), what the team promised, and whom it was sent to,
// or, with nobody to send it to, that someone there should answer.
func (d *Desk) takeTeam(ctx context.Context, tx Tx, s routeStep, nx next) error {
	tr := nx.team
	if err := tx.AddTeamAsk(ctx, tr.ask); err != nil {
		return err
	}
	if tr.team.Channel == "" {
		return nil
	}
	a := s.ask
	body := TeamAsked{Promise: *tr.promised(), Asker: a.Asker, Private: true}
	seen, thread, err := seenInChannel(ctx, tx, a)
	if err != nil {
		return err
	}
	if seen {
		body.Private, body.Text, body.Thread = false, s.text, thread.link()
	}
	if nx.choice != nil {
		body.Expert = nx.choice.expert.ID
	} else {
		routes, err := tx.Routes(ctx, a.QuestionID)
		if err != nil {
			return err
		}
		body.Gap, body.Asked = gapOf(routes, nx.ranked), len(routes)
	}
	_, err = tx.Notify(ctx, Notice{Key: TeamKey(a.QuestionID), To: Address{Conversation: tr.team.Channel}, After: thread.after, Body: body})
	return err
}

// seenInChannel reports whether a team's channel may read question a: one
// asked in public, or posted anonymously in a public channel, but nothing
// of a question asked in private, whose channel or direct messages the
// team's channel does not share. It returns where its thread is, when it
// may.
func seenInChannel(ctx context.Context, tx Tx, a knowledge.Ask) (bool, target, error) {
	if a.Private {
		return false, target{}, nil
	}
	c, err := tx.Conversation(ctx, a.Channel)
	if knowledge.ErrorCode(err) == knowledge.ENOTFOUND || err == nil && !c.Public() {
		return false, target{}, nil
	}
	if err != nil {
		return false, target{}, err
	}
	thread, err := threadOf(ctx, tx, a)
	return err == nil, thread, err
}

// proceed records the next step of question s.ask as nx says: the team
// that takes it, when it is new to one, then the route to the expert
// chosen, or, with nobody to ask, giving it up (see giveUp).
func (d *Desk) proceed(ctx context.Context, tx Tx, s routeStep, nx next, n *Counts) error {
	if nx.team != nil && nx.team.fresh {
		if err := d.takeTeam(ctx, tx, s, nx); err != nil {
			return err
		}
		s.team = nx.team.promised()
	}
	if nx.team != nil && !nx.team.gone {
		s.teamName, s.topic = nx.team.team.Name, nx.team.ask.Topic
	}
	if nx.choice != nil {
		s.choice = nx.choice
		_, err := d.route(ctx, tx, s, n)
		return err
	}
	return d.giveUp(ctx, tx, s, nx.ranked, nx.team, n)
}

// meet records that the team that took question questionID, if any, met
// the deadlines of kinds now, after the working time since it took it.
func meet(ctx context.Context, tx Tx, questionID string, kinds ...knowledge.DeadlineKind) error {
	a, err := tx.TeamAsk(ctx, questionID)
	switch {
	case knowledge.ErrorCode(err) == knowledge.ENOTFOUND:
		return nil
	case err != nil:
		return err
	}
	teams, err := tx.Teams(ctx)
	if err != nil {
		return err
	}
	team, _ := heldBy(teams, a)
	now := tx.Now()
	took := team.Hours.Between(a.AskedAt, now)
	for _, k := range kinds {
		if _, err := tx.MeetDeadline(ctx, questionID, k, now, took); err != nil {
			return err
		}
	}
	return nil
}
