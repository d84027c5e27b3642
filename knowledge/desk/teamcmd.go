package desk

import (
	"context"
	"strings"
	"time"

	"github.com/nextdesk/nextdesk/knowledge"
)

// TeamCard is one team as a person is shown it: where it is reached, who
// is in it, what it takes questions on, when it works, and what it
// promises.
type TeamCard struct {
	Name    string   `json:"name"`
	Channel string   `json:"channel,omitempty"`
	Members int      `json:"members"`
	Topics  []string `json:"topics,omitempty"`
	// Zone and Week are its working hours (Week indexed by time.Weekday;
	// Zone empty for the wall clock), Day its working day.
	Zone     string              `json:"zone,omitempty"`
	Week     [7][]knowledge.Span `json:"week"`
	Day      time.Duration       `json:"day"`
	Promises []knowledge.Promise `json:"promises,omitempty"`
}

// cardOf is how t is shown.
func cardOf(t knowledge.Team) TeamCard {
	c := TeamCard{Name: t.Name, Channel: t.Channel, Members: len(t.Members), Week: t.Hours.Week(), Day: t.Hours.Day(), Promises: t.Promises}
	if z := t.Hours.Zone(); z != nil {
		c.Zone = z.String()
	}
	for _, tp := range t.Topics {
		c.Topics = append(c.Topics, tp.Name)
	}
	return c
}

// TeamsShown shows a person the teams they are in and what each promises
// the others; when they are in none, the teams there are, to know who
// serves what.
type TeamsShown struct {
	Person string     `json:"person"`
	Teams  []TeamCard `json:"teams,omitempty"`
	Others []TeamCard `json:"others,omitempty"`
}

// TeamReview posts the reciprocal commitments table of Team, from Since
// to Until, in the team's channel: what the teams it serves asked of it
// and how it kept its promises, and what it asked of the others. It is
// composed from the store when delivered.
type TeamReview struct {
	Team  string    `json:"team"`
	Since time.Time `json:"since"`
	Until time.Time `json:"until"`
}

// Notice kinds of the team commands.
const (
	KindTeamsShown Kind = "teams_shown"
	KindTeamReview Kind = "team_review"
)

// Kind implements Body.
func (TeamsShown) Kind() Kind { return KindTeamsShown }

// Kind implements Body.
func (TeamReview) Kind() Kind { return KindTeamReview }

// ReviewPeriod is how far back /nextdesk team review looks by default:
// the teams review their promises twice a year.
const ReviewPeriod = 6 // months

// ShowTeams tells r's person the teams they are in and their promises, or,
// when they are in none, which teams there are.
func (d *Desk) ShowTeams(ctx context.Context, r Request) error {
	teams, err := d.teams(ctx)
	if err != nil {
		return err
	}
	body := TeamsShown{Person: r.By}
	for _, t := range teams {
		if t.Has(r.By) {
			body.Teams = append(body.Teams, cardOf(t))
		}
	}
	if len(body.Teams) == 0 {
		for _, t := range teams {
			body.Others = append(body.Others, cardOf(t))
		}
	}
	return d.commit(ctx, r.Key, func(tx Tx, _ *Counts) error {
		if r.To.Empty() {
			return nil
		}
		_, err := tx.Notify(ctx, Notice{Key: r.Key + "/reply", To: r.To, Reader: r.By, Body: body})
		return err
	})
}

// PostReview posts the reciprocal commitments table of one of r's
// person's teams to that team's channel, from the start of day since in
// the team's time zone (the zero Date: ReviewPeriod months ago) to now,
// and tells them. name picks the team among theirs;
// it may be empty when they are in one team only. It refuses, saying why,
// a person in no team or not in the team named, a name missing among
// several teams, a team without a channel, and a channel the bot is not
// in.
func (d *Desk) PostReview(ctx context.Context, r Request, name string, day knowledge.Date) error {
	teams, err := d.teams(ctx)
	if err != nil {
		return err
	}
	mine := teams.Of(r.By)
	var team knowledge.Team
	switch {
	case len(mine) == 0:
		return refuse(knowledge.EINVALID, SayNoTeam)
	case name != "":
		t, ok := mine.Named(name)
		if !ok {
			return &Refusal{Code: knowledge.EINVALID, Reply: Reply{Say: SayNotInTeam, Detail: name, Teams: strings.Join(mine.Names(), ", ")}}
		}
		team = t
	case len(mine) > 1:
		return &Refusal{Code: knowledge.EINVALID, Reply: Reply{Say: SayWhichTeam, Teams: strings.Join(mine.Names(), ", ")}}
	default:
		team = mine[0]
	}
	if team.Channel == "" {
		return &Refusal{Code: knowledge.EINVALID, Reply: Reply{Say: SayTeamNoChannel, Detail: team.Name}}
	}
	if !strings.HasPrefix(team.Channel, "#") {
		_, member, err := d.chat.Conversation(ctx, team.Channel, true)
		switch {
		case knowledge.ErrorCode(err) == knowledge.ENOTFOUND || err == nil && !member:
			return &Refusal{Code: knowledge.EINVALID, Reply: Reply{Say: SayTeamNotInChannel, Detail: team.Name, Channel: team.Channel}}
		case err != nil:
			return err
		}
	}
	until := d.Now()
	since := until.AddDate(0, -ReviewPeriod, 0)
	if day != (knowledge.Date{}) {
		zone := team.Hours.Zone()
		if zone == nil {
			zone = time.UTC
		}
		since = time.Date(day.Year, day.Month, day.Day, 0, 0, 0, 0, zone)
	}
	if !since.Before(until) {
		return &Refusal{Code: knowledge.EINVALID, Reply: Reply{Say: SayBadDate, Detail: day.String()}}
	}
	return d.commit(ctx, r.Key, func(tx Tx, _ *Counts) error {
		body := TeamReview{Team: team.Name, Since: since, Until: until}
		if _, err := tx.Notify(ctx, Notice{Key: r.Key + "/review", To: Address{Conversation: team.Channel}, Body: body}); err != nil {
			return err
		}
		return d.reply(ctx, tx, r, Reply{Say: SayReviewPosted, Detail: team.Name, Channel: team.Channel})
	})
}
