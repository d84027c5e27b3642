package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/nextdesk/nextdesk/knowledge"
)

// validateRoute checks what AddRoute checks before writing.
func validateRoute(r knowledge.Route) error {
	if r.Expert == "" {
		return knowledge.Errorf(knowledge.EINVALID, "A route needs an expert.")
	}
	if r.Outcome != "" && !validOutcome(r.Outcome) {
		return knowledge.Errorf(knowledge.EINVALID, "Unknown route outcome %q.", r.Outcome)
	}
	if !validTime(r.AskedAt) || !validTime(r.DecidedAt) {
		return knowledge.Errorf(knowledge.EINVALID, "The route to %s has a time out of range.", r.Expert)
	}
	return nil
}

// addRoute writes a validated route to a live question.
func (t *tx) addRoute(ctx context.Context, r knowledge.Route) (int64, error) {
	live, err := t.questionLive(ctx, r.QuestionID)
	if err != nil {
		return 0, err
	}
	if !live {
		return 0, errQuestionNotFound()
	}
	if r.Outcome == "" {
		r.Outcome = knowledge.RoutePending
	}
	if r.AskedAt.IsZero() {
		r.AskedAt = t.now
	}
	r.DecidedAt = decidedAt(r.Outcome, r.DecidedAt, t.now)
	var id int64
	err = t.QueryRowContext(ctx, `
		INSERT INTO routes (question_id, expert, asked_at, outcome, decided_at)
		VALUES (?, ?, ?, ?, ?) RETURNING id`,
		r.QuestionID, r.Expert, nanos(r.AskedAt), r.Outcome, nanos(r.DecidedAt)).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("add route for %s: %w", r.QuestionID, err)
	}
	return id, nil
}

// setRouteOutcome records a valid outcome, decided now.
func (t *tx) setRouteOutcome(ctx context.Context, id int64, outcome knowledge.RouteOutcome) error {
	var got int64
	err := t.QueryRowContext(ctx, `
		UPDATE routes SET outcome = ?, decided_at = ? WHERE id = ? RETURNING id`,
		outcome, nanos(decidedAt(outcome, t.now, t.now)), id).Scan(&got)
	if errors.Is(err, sql.ErrNoRows) {
		return errRouteNotFound()
	}
	if err != nil {
		return fmt.Errorf("set outcome of route %d: %w", id, err)
	}
	return nil
}

// queryRoutes reads the routes a clause (WHERE … ORDER BY …) selects.
func queryRoutes(ctx context.Context, tx *sql.Tx, clause string, args ...any) ([]knowledge.Route, error) {
	rows, err := tx.QueryContext(ctx, `
		SELECT id, question_id, expert, asked_at, outcome, decided_at, reminders, reminded_at FROM routes `+clause, args...)
	if err != nil {
		return nil, fmt.Errorf("read routes: %w", err)
	}
	defer rows.Close()
	var routes []knowledge.Route
	for rows.Next() {
		var (
			r                        knowledge.Route
			asked, decided, reminded sql.NullInt64
		)
		if err := rows.Scan(&r.ID, &r.QuestionID, &r.Expert, &asked, &r.Outcome, &decided, &r.Reminders, &reminded); err != nil {
			return nil, fmt.Errorf("read routes: %w", err)
		}
		r.AskedAt, r.DecidedAt, r.RemindedAt = fromNanos(asked), fromNanos(decided), fromNanos(reminded)
		routes = append(routes, r)
	}
	return routes, rows.Err()
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
