package digest

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/nextdesk/nextdesk/i18n"
	"github.com/nextdesk/nextdesk/knowledge"
)

// TeamsSource is what the digest reads of teams, from a Source that keeps
// them (*sqlite.DB does): the teams, and the questions they took.
type TeamsSource interface {
	TeamSource
	Teams(ctx context.Context) (knowledge.Teams, error)
}

// composeTeams adds to d what teams did during the week: each team's
// promises kept, and, for each topic nobody covers, the team whose topics
// come closest to the week's questions on it. A Source that keeps no
// teams adds nothing.
func composeTeams(ctx context.Context, src Source, opts Options, d *Digest, qs []knowledge.Question) error {
	ts, ok := src.(TeamsSource)
	if !ok {
		return nil
	}
	asks, err := ts.TeamAsks(ctx, d.From, d.To)
	if err != nil {
		return fmt.Errorf("team questions: %w", err)
	}
	d.Teams = knowledge.TeamRecords(asks, d.To)
	if len(d.Uncovered) == 0 {
		return nil
	}
	teams, err := ts.Teams(ctx)
	if err != nil {
		return fmt.Errorf("teams: %w", err)
	}
	if len(teams) == 0 {
		return nil
	}
	analyse := opts.Terms
	if analyse == nil {
		analyse = topicTerms
	}
	m := knowledge.NewTopicMatcher(teams, analyse)
	for i, t := range d.Uncovered {
		d.Uncovered[i].Team = closestTeam(m, t, qs)
	}
	return nil
}

// closestTeam names the team whose topics the week's questions on topic
// t match best, summed over those questions: a suggestion of who could
// take the topic on. It is "" when no team's topics match any of them.
func closestTeam(m *knowledge.TopicMatcher, t Topic, qs []knowledge.Question) string {
	key, _, ok := topicKey(t.Term, nil)
	if !ok {
		return ""
	}
	scores := make(map[string]float64)
	for _, q := range qs {
		text := q.SearchText()
		if _, uses := terms(text)[string(key)]; !uses {
			continue
		}
		for _, match := range m.Match(text) {
			scores[match.Team] += match.Score
		}
	}
	best, top := "", 0.0
	for team, s := range scores {
		if s > top || (s == top && team < best) {
			best, top = team, s
		}
	}
	return best
}

// topicTerms analyses text the way the digest finds topics, when the
// index's analysis is not given: its words folded, in the singular,
// without stop words.
func topicTerms(text string) []string {
	var out []string
	for key := range terms(text) {
		out = append(out, key)
	}
	return out
}

// teamsText renders each team's promises of the week; "" when no team
// took a question.
func teamsText(lang string, d *Digest, mrkdwn bool) string {
	if len(d.Teams) == 0 {
		return ""
	}
	lines := []string{i18n.Tr(lang, "digest.teams.title")}
	for _, c := range d.Teams {
		speed, kept := promiseFigures(lang, c)
		parts := slices.Concat([]string{i18n.Trn(lang, "review.asked", c.Asked)}, speed, kept)
		lines = append(lines, i18n.Tr(lang, "digest.teams.item", dataText(c.Team, mrkdwn), strings.Join(parts, " · ")))
	}
	return strings.Join(lines, "\n")
}

// suggestion is what an uncovered topic's item adds: the closest team.
func suggestion(lang string, t Topic, mrkdwn bool) string {
	if t.Team == "" {
		return ""
	}
	return " — " + i18n.Tr(lang, "digest.teams.suggest", dataText(t.Team, mrkdwn))
}
