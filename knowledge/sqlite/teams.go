package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/nextdesk/nextdesk/knowledge"
	"github.com/nextdesk/nextdesk/knowledge/desk"
)

// The desk's ports of teams and promises.
var (
	_ desk.TeamReader = reader{}
	_ desk.TeamTx     = (*deskTx)(nil)
)

// querier is a SQL transaction, read-only or not.
type querier interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
	QueryRowContext(context.Context, string, ...any) *sql.Row
}

// ReplaceTeams replaces every team, with its members, topics and promises,
// in one transaction: an import replaces the previous one, and readers see
// the old teams or the new ones, never a mix. What the teams did with
// questions is history and stays. It returns an EINVALID error for a team
// without a name, or two teams with the same name regardless of case.
func (db *DB) ReplaceTeams(ctx context.Context, teams knowledge.Teams) error {
	seen := make(map[string]bool, len(teams))
	for _, t := range teams {
		key := strings.ToLower(strings.TrimSpace(t.Name))
		switch {
		case key == "":
			return knowledge.Errorf(knowledge.EINVALID, "A team needs a name.")
		case seen[key]:
			return knowledge.Errorf(knowledge.EINVALID, "Two teams are named %q.", t.Name)
		}
		seen[key] = true
	}
	return db.update(ctx, "replace teams", func(t *tx) error {
		if _, err := t.ExecContext(ctx, `DELETE FROM teams`); err != nil {
			return err
		}
		for i, team := range teams {
			if err := insertTeam(ctx, t, i, team); err != nil {
				return fmt.Errorf("team %s: %w", team.Name, err)
			}
		}
		return nil
	})
}

func insertTeam(ctx context.Context, t *tx, position int, team knowledge.Team) error {
	week, holidays, zone := encodeHours(team.Hours)
	if _, err := t.ExecContext(ctx, `
		INSERT INTO teams (name, position, channel, zone, week, holidays) VALUES (?, ?, ?, ?, ?, ?)`,
		team.Name, position, team.Channel, zone, week, holidays); err != nil {
		return err
	}
	for _, m := range team.Members {
		if m == "" {
			continue
		}
		if _, err := t.ExecContext(ctx, `INSERT INTO team_members (team, person_id) VALUES (?, ?) ON CONFLICT DO NOTHING`, team.Name, m); err != nil {
			return err
		}
	}
	for i, tp := range team.Topics {
		words, _ := json.Marshal(nonNil(tp.Words))
		examples, _ := json.Marshal(nonNil(tp.Examples))
		if _, err := t.ExecContext(ctx, `
			INSERT INTO team_topics (team, name, position, words, examples) VALUES (?, ?, ?, ?, ?)`,
			team.Name, tp.Name, i, string(words), string(examples)); err != nil {
			return fmt.Errorf("topic %s: %w", tp.Name, err)
		}
	}
	for i, p := range team.Promises {
		if _, err := t.ExecContext(ctx, `
			INSERT INTO team_promises (team, position, topic, requester, first_response, resolution) VALUES (?, ?, ?, ?, ?, ?)`,
			team.Name, i, p.Topic, p.From, int64(p.FirstResponse), int64(p.Resolution)); err != nil {
			return err
		}
	}
	return nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// encodeHours turns working hours into the columns of teams: the week as
// seven lists of [from, to] minutes, Sunday first, the holidays as dates,
// and the zone's name (” for the wall clock).
func encodeHours(h knowledge.WorkHours) (week, holidays, zone string) {
	if h.WallClock() {
		return "[]", "[]", ""
	}
	var w [7][][2]int
	for d, spans := range h.Week() {
		w[d] = [][2]int{}
		for _, s := range spans {
			w[d] = append(w[d], [2]int{s.From, s.To})
		}
	}
	days := []string{}
	for _, d := range h.Holidays() {
		days = append(days, d.String())
	}
	wb, _ := json.Marshal(w)
	hb, _ := json.Marshal(days)
	return string(wb), string(hb), h.Zone().String()
}

func decodeHours(week, holidays, zone string) (knowledge.WorkHours, error) {
	if zone == "" {
		return knowledge.WorkHours{}, nil
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return knowledge.WorkHours{}, fmt.Errorf("time zone %q: %w", zone, err)
	}
	var w [7][][2]int
	if err := json.Unmarshal([]byte(week), &w); err != nil {
		return knowledge.WorkHours{}, fmt.Errorf("week: %w", err)
	}
	var spans [7][]knowledge.Span
	for d, ss := range w {
		for _, s := range ss {
			spans[d] = append(spans[d], knowledge.Span{From: s[0], To: s[1]})
		}
	}
	var days []string
	if err := json.Unmarshal([]byte(holidays), &days); err != nil {
		return knowledge.WorkHours{}, fmt.Errorf("holidays: %w", err)
	}
	dates := make([]knowledge.Date, 0, len(days))
	for _, s := range days {
		d, err := knowledge.ParseDate(s)
		if err != nil {
			return knowledge.WorkHours{}, err
		}
		dates = append(dates, d)
	}
	return knowledge.NewWorkHours(loc, spans, dates)
}

// Teams returns every team, in the order they were imported.
func (db *DB) Teams(ctx context.Context) (knowledge.Teams, error) {
	var teams knowledge.Teams
	err := db.view(ctx, "read teams", func(tx *sql.Tx) (err error) {
		teams, err = readTeams(ctx, tx)
		return err
	})
	return teams, err
}

// Teams returns every team, in the order they were imported.
func (r reader) Teams(ctx context.Context) (knowledge.Teams, error) {
	return readTeams(ctx, r.tx)
}

func readTeams(ctx context.Context, q querier) (knowledge.Teams, error) {
	rows, err := q.QueryContext(ctx, `SELECT name, channel, zone, week, holidays FROM teams ORDER BY position`)
	if err != nil {
		return nil, fmt.Errorf("read teams: %w", err)
	}
	var teams knowledge.Teams
	at := make(map[string]int)
	for rows.Next() {
		var (
			t                    knowledge.Team
			zone, week, holidays string
		)
		if err := rows.Scan(&t.Name, &t.Channel, &zone, &week, &holidays); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read teams: %w", err)
		}
		if t.Hours, err = decodeHours(week, holidays, zone); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read the hours of team %s: %w", t.Name, err)
		}
		at[strings.ToLower(t.Name)] = len(teams)
		teams = append(teams, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read teams: %w", err)
	}
	team := func(name string) *knowledge.Team { return &teams[at[strings.ToLower(name)]] }

	rows, err = q.QueryContext(ctx, `SELECT team, person_id FROM team_members ORDER BY team, person_id`)
	if err != nil {
		return nil, fmt.Errorf("read team members: %w", err)
	}
	for rows.Next() {
		var name, person string
		if err := rows.Scan(&name, &person); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read team members: %w", err)
		}
		t := team(name)
		t.Members = append(t.Members, person)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read team members: %w", err)
	}

	rows, err = q.QueryContext(ctx, `SELECT team, name, words, examples FROM team_topics ORDER BY team, position`)
	if err != nil {
		return nil, fmt.Errorf("read team topics: %w", err)
	}
	for rows.Next() {
		var (
			name, words, examples string
			tp                    knowledge.Topic
		)
		if err := rows.Scan(&name, &tp.Name, &words, &examples); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read team topics: %w", err)
		}
		if err := errors.Join(json.Unmarshal([]byte(words), &tp.Words), json.Unmarshal([]byte(examples), &tp.Examples)); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read topic %s of team %s: %w", tp.Name, name, err)
		}
		t := team(name)
		t.Topics = append(t.Topics, tp)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read team topics: %w", err)
	}

	rows, err = q.QueryContext(ctx, `SELECT team, topic, requester, first_response, resolution FROM team_promises ORDER BY team, position`)
	if err != nil {
		return nil, fmt.Errorf("read team promises: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			name       string
			p          knowledge.Promise
			first, res int64
		)
		if err := rows.Scan(&name, &p.Topic, &p.From, &first, &res); err != nil {
			return nil, fmt.Errorf("read team promises: %w", err)
		}
		p.FirstResponse, p.Resolution = time.Duration(first), time.Duration(res)
		t := team(name)
		t.Promises = append(t.Promises, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read team promises: %w", err)
	}
	return teams, nil
}

func errTeamAskNotFound() error {
	return knowledge.Errorf(knowledge.ENOTFOUND, "No team took that question.")
}

// TeamAsk returns the record of a question a team took, or an ENOTFOUND
// error.
func (r reader) TeamAsk(ctx context.Context, questionID string) (knowledge.TeamAsk, error) {
	asks, err := queryTeamAsks(ctx, r.tx, `WHERE a.question_id = ?`, questionID)
	if err != nil {
		return knowledge.TeamAsk{}, err
	}
	if len(asks) == 0 {
		return knowledge.TeamAsk{}, errTeamAskNotFound()
	}
	return asks[0], nil
}

// HeldAsks returns at most limit questions with a promised deadline
// neither met nor breached, the soonest due first.
func (r reader) HeldAsks(ctx context.Context, limit int) ([]knowledge.TeamAsk, error) {
	if limit <= 0 {
		return nil, nil
	}
	return queryTeamAsks(ctx, r.tx, `
		JOIN (SELECT question_id, min(due) AS next FROM team_deadlines
		      WHERE due IS NOT NULL AND met_at IS NULL AND breached_at IS NULL
		      GROUP BY question_id ORDER BY next LIMIT ?) h ON h.question_id = a.question_id
		ORDER BY h.next, a.question_id`, limit)
}

// ChannelAsks returns at most limit questions whose team's channel was
// asked before before, no member being left to ask, that nobody answered
// since and that the fallback channel was not asked about yet, the
// longest waiting first.
func (r reader) ChannelAsks(ctx context.Context, before time.Time, limit int) ([]knowledge.TeamAsk, error) {
	if limit <= 0 {
		return nil, nil
	}
	return queryTeamAsks(ctx, r.tx, `INDEXED BY team_asks_in_channel
		WHERE a.channel_asked_at IS NOT NULL AND a.fallback_asked_at IS NULL AND a.channel_asked_at < ?
		  AND EXISTS (SELECT 1 FROM asks s WHERE s.question_id = a.question_id AND s.status = ?)
		ORDER BY a.channel_asked_at, a.question_id LIMIT ?`, nanos(before), knowledge.StatusUnanswered, limit)
}

// TeamAsks returns the questions teams took that were asked in [from, to),
// oldest first, for the review and the digest.
func (db *DB) TeamAsks(ctx context.Context, from, to time.Time) ([]knowledge.TeamAsk, error) {
	var asks []knowledge.TeamAsk
	err := db.view(ctx, "read team asks", func(tx *sql.Tx) (err error) {
		asks, err = queryTeamAsks(ctx, tx, `WHERE a.asked_at >= ? AND a.asked_at < ? ORDER BY a.asked_at, a.question_id`, nanos(from), nanos(to))
		return err
	})
	return asks, err
}

// queryTeamAsks reads the team asks that where selects (a clause on
// team_asks a), with their deadlines.
func queryTeamAsks(ctx context.Context, q querier, where string, args ...any) ([]knowledge.TeamAsk, error) {
	rows, err := q.QueryContext(ctx, `
		SELECT a.question_id, a.team, a.topic, a.requester, a.anonymous, a.match, a.asked_at,
		       a.channel_asked_at, a.fallback_asked_at, a.channel, a.zone, a.week, a.holidays
		FROM team_asks a `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("read team asks: %w", err)
	}
	var (
		asks []knowledge.TeamAsk
		ids  []string
	)
	for rows.Next() {
		var (
			a                        knowledge.TeamAsk
			asked, channel, fallback sql.NullInt64
			zone, week, holidays     string
		)
		if err := rows.Scan(&a.QuestionID, &a.Team, &a.Topic, &a.Requester, &a.Anonymous, &a.Match, &asked, &channel, &fallback,
			&a.Channel, &zone, &week, &holidays); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read team asks: %w", err)
		}
		a.AskedAt, a.ChannelAsked, a.FallbackAsked = fromNanos(asked), fromNanos(channel), fromNanos(fallback)
		if a.Hours, err = decodeHours(week, holidays, zone); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read the hours of team %s on question %s: %w", a.Team, a.QuestionID, err)
		}
		a.FirstResponse.Kind, a.Resolution.Kind = knowledge.FirstResponse, knowledge.Resolution
		asks = append(asks, a)
		ids = append(ids, a.QuestionID)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read team asks: %w", err)
	}
	if len(asks) == 0 {
		return nil, nil
	}
	at := make(map[string]int, len(asks))
	for i, a := range asks {
		at[a.QuestionID] = i
	}
	rows, err = q.QueryContext(ctx, `
		SELECT question_id, kind, within, due, met_at, took, holder_reminded, channel_reminded, breached_at
		FROM team_deadlines WHERE question_id IN (SELECT value FROM json_each(?))`, jsonIDs(ids))
	if err != nil {
		return nil, fmt.Errorf("read team deadlines: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id                                    string
			d                                     knowledge.Deadline
			within                                int64
			due, met, took, holder, channel, brch sql.NullInt64
		)
		if err := rows.Scan(&id, &d.Kind, &within, &due, &met, &took, &holder, &channel, &brch); err != nil {
			return nil, fmt.Errorf("read team deadlines: %w", err)
		}
		d.Within, d.Due, d.MetAt, d.Took = time.Duration(within), fromNanos(due), fromNanos(met), time.Duration(took.Int64)
		d.HolderReminded, d.ChannelReminded, d.BreachedAt = fromNanos(holder), fromNanos(channel), fromNanos(brch)
		a := &asks[at[id]]
		if d.Kind == knowledge.Resolution {
			a.Resolution = d
		} else {
			a.FirstResponse = d
		}
	}
	return asks, rows.Err()
}

// AddTeamAsk records that a team took a question, with both deadlines of
// its promise as made, and the team's channel and hours then. A zero
// AskedAt means now. It returns an EINVALID error if a has no question or
// team, or a deadline of an unknown kind, an ENOTFOUND error if the
// question is unknown, and an ECONFLICT error if a team took it already.
func (d *deskTx) AddTeamAsk(ctx context.Context, a knowledge.TeamAsk) error {
	if a.QuestionID == "" || strings.TrimSpace(a.Team) == "" {
		return knowledge.Errorf(knowledge.EINVALID, "A team's question needs a question and a team.")
	}
	if a.AskedAt.IsZero() {
		a.AskedAt = d.t.now
	}
	if a.Anonymous {
		a.Requester = ""
	}
	live, err := d.t.questionLive(ctx, a.QuestionID)
	if err != nil {
		return err
	}
	if !live {
		return errQuestionNotFound()
	}
	week, holidays, zone := encodeHours(a.Hours)
	err = d.t.execOne(ctx, knowledge.Errorf(knowledge.ECONFLICT, "A team already took that question."),
		"add team ask "+a.QuestionID, `
		INSERT INTO team_asks (question_id, team, topic, requester, anonymous, match, asked_at, channel, zone, week, holidays)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (question_id) DO NOTHING`,
		a.QuestionID, a.Team, a.Topic, a.Requester, a.Anonymous, a.Match, nanos(a.AskedAt), a.Channel, zone, week, holidays)
	if err != nil {
		return err
	}
	for _, dl := range []knowledge.Deadline{a.FirstResponse, a.Resolution} {
		if dl.Kind == "" {
			continue
		}
		if dl.Kind != knowledge.FirstResponse && dl.Kind != knowledge.Resolution {
			return knowledge.Errorf(knowledge.EINVALID, "Unknown deadline kind %q.", dl.Kind)
		}
		var due sql.NullInt64
		if dl.Promised() {
			due = nanos(dl.Due)
		}
		if _, err := d.t.ExecContext(ctx, `
			INSERT INTO team_deadlines (question_id, kind, within, due) VALUES (?, ?, ?, ?)`,
			a.QuestionID, dl.Kind, int64(dl.Within), due); err != nil {
			return fmt.Errorf("add deadline %s of %s: %w", dl.Kind, a.QuestionID, err)
		}
	}
	return nil
}

// MeetDeadline records that the deadline of kind was met, unless it was
// met before, and reports whether it changed. A deadline breached keeps its
// breach: met late, it is still broken, and how long it took counts in the
// review's medians. It returns an ENOTFOUND error if no team took the
// question or it has no such deadline.
func (d *deskTx) MeetDeadline(ctx context.Context, questionID string, kind knowledge.DeadlineKind, at time.Time, took time.Duration) (bool, error) {
	return d.setDeadline(ctx, questionID, kind, `met_at = ?, took = ?`, `met_at IS NULL`, nanos(at), int64(took))
}

// MarkChannelAsked records that the team's channel was asked about a
// question at at, unless it was before, and reports whether it changed.
// It returns an ENOTFOUND error if no team took the question.
func (d *deskTx) MarkChannelAsked(ctx context.Context, questionID string, at time.Time) (bool, error) {
	return d.setTeamAsk(ctx, questionID, `channel_asked_at`, at)
}

// MarkFallbackAsked records that the fallback channel was asked about a
// team's question at at, unless it was before, and reports whether it
// changed. It returns an ENOTFOUND error if no team took the question.
func (d *deskTx) MarkFallbackAsked(ctx context.Context, questionID string, at time.Time) (bool, error) {
	return d.setTeamAsk(ctx, questionID, `fallback_asked_at`, at)
}

// setTeamAsk sets a team ask's time column when it is unset, and reports
// whether it did.
func (d *deskTx) setTeamAsk(ctx context.Context, questionID, column string, at time.Time) (bool, error) {
	res, err := d.t.ExecContext(ctx, `UPDATE team_asks SET `+column+` = ? WHERE question_id = ? AND `+column+` IS NULL`, nanos(at), questionID)
	if err != nil {
		return false, fmt.Errorf("team ask %s: %w", questionID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("team ask %s: %w", questionID, err)
	}
	if n > 0 {
		return true, nil
	}
	var exists bool
	if err := d.t.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM team_asks WHERE question_id = ?)`, questionID).Scan(&exists); err != nil {
		return false, fmt.Errorf("team ask %s: %w", questionID, err)
	}
	if !exists {
		return false, errTeamAskNotFound()
	}
	return false, nil
}

// RecordReminder records that step was taken for the deadline of kind,
// unless it was before, and reports whether it changed. It returns an
// EINVALID error for a step that is no reminder, and an ENOTFOUND error
// if no team took the question or it has no such deadline.
func (d *deskTx) RecordReminder(ctx context.Context, questionID string, kind knowledge.DeadlineKind, step knowledge.Step, at time.Time) (bool, error) {
	var column string
	switch step {
	case knowledge.StepRemindHolder:
		column = "holder_reminded"
	case knowledge.StepRemindChannel:
		column = "channel_reminded"
	default:
		return false, knowledge.Errorf(knowledge.EINVALID, "%q is not a reminder.", step)
	}
	return d.setDeadline(ctx, questionID, kind, column+` = ?`, column+` IS NULL`, nanos(at))
}

// RecordBreach records that the deadline of kind was broken, unless it
// was before, and reports whether it changed. It returns an ENOTFOUND
// error if no team took the question or it has no such deadline.
func (d *deskTx) RecordBreach(ctx context.Context, questionID string, kind knowledge.DeadlineKind, at time.Time) (bool, error) {
	return d.setDeadline(ctx, questionID, kind, `breached_at = ?`, `breached_at IS NULL`, nanos(at))
}

// setDeadline sets a deadline's columns (set, with args) when unset holds,
// and reports whether it did.
func (d *deskTx) setDeadline(ctx context.Context, questionID string, kind knowledge.DeadlineKind, set, unset string, args ...any) (bool, error) {
	args = append(args, questionID, kind)
	res, err := d.t.ExecContext(ctx, `UPDATE team_deadlines SET `+set+` WHERE question_id = ? AND kind = ? AND `+unset, args...)
	if err != nil {
		return false, fmt.Errorf("deadline %s of %s: %w", kind, questionID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("deadline %s of %s: %w", kind, questionID, err)
	}
	if n > 0 {
		return true, nil
	}
	var exists bool
	if err := d.t.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM team_deadlines WHERE question_id = ? AND kind = ?)`, questionID, kind).Scan(&exists); err != nil {
		return false, fmt.Errorf("deadline %s of %s: %w", kind, questionID, err)
	}
	if !exists {
		return false, errTeamAskNotFound()
	}
	return false, nil
}
