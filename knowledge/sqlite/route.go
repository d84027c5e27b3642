package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/nextdesk/nextdesk/knowledge"
)

// AddRoute records that a question was sent to an expert and returns the
// route's id. A zero AskedAt means now, an empty Outcome means pending, and
// a decided route with a zero DecidedAt was decided now. It returns an
// EINVALID error if the route has no expert or an unknown outcome, and an
// ENOTFOUND error if the question is unknown or deleted.
func (db *DB) AddRoute(ctx context.Context, r knowledge.Route) (int64, error) {
	if r.Expert == "" {
		return 0, knowledge.Errorf(knowledge.EINVALID, "A route needs an expert.")
	}
	if r.Outcome == "" {
		r.Outcome = knowledge.RoutePending
	}
	if !validOutcome(r.Outcome) {
		return 0, knowledge.Errorf(knowledge.EINVALID, "Unknown route outcome %q.", r.Outcome)
	}
	if !validTime(r.AskedAt) || !validTime(r.DecidedAt) {
		return 0, knowledge.Errorf(knowledge.EINVALID, "The route to %s has a time out of range.", r.Expert)
	}
	var id int64
	err := db.update(ctx, "add route for "+r.QuestionID, func(t *tx) error {
		live, err := t.questionLive(ctx, r.QuestionID)
		if err != nil {
			return err
		}
		if !live {
			return errQuestionNotFound()
		}
		if r.AskedAt.IsZero() {
			r.AskedAt = t.now
		}
		r.DecidedAt = decidedAt(r.Outcome, r.DecidedAt, t.now)
		return t.QueryRowContext(ctx, `
			INSERT INTO routes (question_id, expert, asked_at, outcome, decided_at)
			VALUES (?, ?, ?, ?, ?) RETURNING id`,
			r.QuestionID, r.Expert, nanos(r.AskedAt), r.Outcome, nanos(r.DecidedAt)).Scan(&id)
	})
	if err != nil {
		return 0, err
	}
	return id, nil
}

// Routes returns the routes of a question in the order they were made.
func (db *DB) Routes(ctx context.Context, questionID string) ([]knowledge.Route, error) {
	var routes []knowledge.Route
	err := db.view(ctx, "read routes of "+questionID, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `
			SELECT id, question_id, expert, asked_at, outcome, decided_at
			FROM routes WHERE question_id = ? ORDER BY asked_at, id`, questionID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var (
				r              knowledge.Route
				asked, decided sql.NullInt64
			)
			if err := rows.Scan(&r.ID, &r.QuestionID, &r.Expert, &asked, &r.Outcome, &decided); err != nil {
				return err
			}
			r.AskedAt, r.DecidedAt = fromNanos(asked), fromNanos(decided)
			routes = append(routes, r)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	return routes, nil
}

// SetRouteOutcome records where a route stands, decided now (or undecided
// again, for RoutePending). Which moves make sense is the bot's policy, not
// the store's. It returns an EINVALID error for an unknown outcome and an
// ENOTFOUND error if the route is unknown.
func (db *DB) SetRouteOutcome(ctx context.Context, id int64, outcome knowledge.RouteOutcome) error {
	if !validOutcome(outcome) {
		return knowledge.Errorf(knowledge.EINVALID, "Unknown route outcome %q.", outcome)
	}
	return db.update(ctx, fmt.Sprintf("set outcome of route %d", id), func(t *tx) error {
		var got int64
		err := t.QueryRowContext(ctx, `
			UPDATE routes SET outcome = ?, decided_at = ? WHERE id = ? RETURNING id`,
			outcome, nanos(decidedAt(outcome, t.now, t.now)), id).Scan(&got)
		if errors.Is(err, sql.ErrNoRows) {
			return knowledge.Errorf(knowledge.ENOTFOUND, "That route does not exist.")
		}
		return err
	})
}

// decidedAt is when a route with the given outcome was decided: never while
// pending, else at, or now when at is zero.
func decidedAt(o knowledge.RouteOutcome, at, now time.Time) time.Time {
	switch {
	case o == knowledge.RoutePending:
		return time.Time{}
	case at.IsZero():
		return now
	}
	return at
}

func validOutcome(o knowledge.RouteOutcome) bool {
	switch o {
	case knowledge.RoutePending, knowledge.RouteTaken, knowledge.RoutePassed,
		knowledge.RouteAnswered, knowledge.RouteExpired, knowledge.RouteDup:
		return true
	}
	return false
}
