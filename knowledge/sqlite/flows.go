package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/nextdesk/nextdesk/knowledge"
	"github.com/nextdesk/nextdesk/knowledge/desk"
)

// PickOffer records that an expert said a question was answered before, in
// question match by answer: the offer's outcome is already_answered (unless
// its asker judged it, see SetOfferOutcome), with the pick; a question with
// no offer recorded gets one without the engine's match. It returns an
// EINVALID error if match or answer is empty.
func (d *deskTx) PickOffer(ctx context.Context, questionID, match, answer string) error {
	if match == "" || answer == "" {
		return knowledge.Errorf(knowledge.EINVALID, "A pick needs a question and its answer.")
	}
	_, err := d.t.ExecContext(ctx, `
		INSERT INTO offers (question_id, match_id, answer_id, confidence, offered, at, outcome, decided_at, picked_match, picked_answer)
		VALUES (?1, '', '', 0, 0, ?2, ?3, ?2, ?4, ?5)
		ON CONFLICT (question_id) DO UPDATE SET picked_match = excluded.picked_match, picked_answer = excluded.picked_answer,`+keepAskersWord,
		questionID, nanos(d.t.now), desk.OfferAlreadyAnswered, match, answer)
	if err != nil {
		return fmt.Errorf("record the pick for %s: %w", questionID, err)
	}
	return nil
}

// RemindRoute counts one more reminder sent now to the expert of route id.
// It returns an ENOTFOUND error if the route is unknown.
func (d *deskTx) RemindRoute(ctx context.Context, id int64) error {
	var got int64
	err := d.t.QueryRowContext(ctx, `
		UPDATE routes SET reminders = reminders + 1, reminded_at = ? WHERE id = ? RETURNING id`,
		nanos(d.t.now), id).Scan(&got)
	if errors.Is(err, sql.ErrNoRows) {
		return errRouteNotFound()
	}
	if err != nil {
		return fmt.Errorf("remind route %d: %w", id, err)
	}
	return nil
}

// UpsertDetail records what the asker added to question questionID, or its
// edit. It returns an EINVALID error for a detail without id or text, or
// with a time out of range.
func (d *deskTx) UpsertDetail(ctx context.Context, questionID string, dt desk.Detail) error {
	text := knowledge.CleanText(dt.Text)
	switch {
	case dt.ID == "" || text == "":
		return knowledge.Errorf(knowledge.EINVALID, "A detail needs an id and a text.")
	case !validTime(dt.Time):
		return knowledge.Errorf(knowledge.EINVALID, "Detail %s has a time out of range.", dt.ID)
	}
	if dt.Time.IsZero() {
		dt.Time = d.t.now
	}
	_, err := d.t.ExecContext(ctx, `
		INSERT INTO details (id, question_id, text, time) VALUES (?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET text = excluded.text`,
		dt.ID, questionID, text, nanos(dt.Time))
	if err != nil {
		return fmt.Errorf("record detail %s: %w", dt.ID, err)
	}
	return nil
}

// DeleteDetail forgets a detail and reports whether there was one.
func (d *deskTx) DeleteDetail(ctx context.Context, id string) (bool, error) {
	res, err := d.t.ExecContext(ctx, `DELETE FROM details WHERE id = ?`, id)
	if err != nil {
		return false, fmt.Errorf("delete detail %s: %w", id, err)
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// Details returns what the asker added to a question, oldest first.
func (r reader) Details(ctx context.Context, questionID string) ([]desk.Detail, error) {
	rows, err := r.tx.QueryContext(ctx, `SELECT id, text, time FROM details WHERE question_id = ? ORDER BY time, id`, questionID)
	if err != nil {
		return nil, fmt.Errorf("read details of %s: %w", questionID, err)
	}
	defer rows.Close()
	var out []desk.Detail
	for rows.Next() {
		var (
			dt desk.Detail
			at sql.NullInt64
		)
		if err := rows.Scan(&dt.ID, &dt.Text, &at); err != nil {
			return nil, fmt.Errorf("read details of %s: %w", questionID, err)
		}
		dt.Time = fromNanos(at)
		out = append(out, dt)
	}
	return out, rows.Err()
}

// Detail returns a detail and its question's id, or an ENOTFOUND error.
func (r reader) Detail(ctx context.Context, id string) (string, desk.Detail, error) {
	var (
		qid string
		dt  desk.Detail
		at  sql.NullInt64
	)
	err := r.tx.QueryRowContext(ctx, `SELECT question_id, id, text, time FROM details WHERE id = ?`, id).Scan(&qid, &dt.ID, &dt.Text, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return "", dt, knowledge.Errorf(knowledge.ENOTFOUND, "That detail is unknown.")
	}
	if err != nil {
		return "", dt, fmt.Errorf("read detail %s: %w", id, err)
	}
	dt.Time = fromNanos(at)
	return qid, dt, nil
}
