package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

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
		SELECT id, question_id, expert, asked_at, outcome, decided_at FROM routes `+clause, args...)
	if err != nil {
		return nil, fmt.Errorf("read routes: %w", err)
	}
	defer rows.Close()
	var routes []knowledge.Route
	for rows.Next() {
		var (
			r              knowledge.Route
			asked, decided sql.NullInt64
		)
		if err := rows.Scan(&r.ID, &r.QuestionID, &r.Expert, &asked, &r.Outcome, &decided); err != nil {
			return nil, fmt.Errorf("read routes: %w", err)
		}
		r.AskedAt, r.DecidedAt = fromNanos(asked), fromNanos(decided)
		routes = append(routes, r)
	}
	return routes, rows.Err()
}

// Route returns a route, or an ENOTFOUND error.
func (db *DB) Route(ctx context.Context, id int64) (knowledge.Route, error) {
	var routes []knowledge.Route
	err := db.view(ctx, fmt.Sprintf("read route %d", id), func(tx *sql.Tx) error {
		var err error
		routes, err = queryRoutes(ctx, tx, `WHERE id = ?`, id)
		return err
	})
	if err != nil {
		return knowledge.Route{}, err
	}
	if len(routes) == 0 {
		return knowledge.Route{}, errRouteNotFound()
	}
	return routes[0], nil
}

// AnsweredBy returns the questions person answered most recently, newest
// answer first, at most limit, among those v may see, with their answers.
func (db *DB) AnsweredBy(ctx context.Context, v knowledge.Viewer, person string, limit int) ([]knowledge.Question, error) {
	var ids []string
	err := db.view(ctx, "read questions answered by "+person, func(tx *sql.Tx) (err error) {
		// The answerer index serves this newest-first walk; the visibility
		// filter runs on the few ids it yields.
		ids, err = queryStrings(ctx, tx, `
			SELECT question_id FROM answers WHERE answerer = ?
			GROUP BY question_id ORDER BY max(coalesce(time, 0)) DESC LIMIT ?`, person, limit*4)
		return err
	})
	if err != nil {
		return nil, err
	}
	qs, err := db.Questions(ctx, v, ids)
	if err != nil {
		return nil, err
	}
	if len(qs) > limit {
		qs = qs[:limit]
	}
	return qs, nil
}
