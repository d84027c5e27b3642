package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/nextdesk/nextdesk/knowledge"
	"github.com/nextdesk/nextdesk/knowledge/desk"
)

var _ desk.Learning = (*DB)(nil)

// Offers returns the offers recorded since since (all for the zero time),
// oldest first, with what became of them and whether someone answered
// their question.
func (db *DB) Offers(ctx context.Context, since time.Time) ([]desk.OfferRecord, error) {
	var out []desk.OfferRecord
	err := db.view(ctx, "read offers", func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `
			SELECT o.question_id, o.match_id, o.answer_id, o.confidence, o.offered, o.at, o.model,
			       o.outcome, o.picked_match,
			       EXISTS (SELECT 1 FROM answers a WHERE a.question_id = o.question_id)
			FROM offers o WHERE o.at >= ? ORDER BY o.at, o.question_id`, from(since))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var (
				r  desk.OfferRecord
				at sql.NullInt64
			)
			err := rows.Scan(&r.QuestionID, &r.Match, &r.Answer, &r.Confidence, &r.Offered, &at, &r.Model,
				&r.Outcome, &r.PickedMatch, &r.Answered)
			if err != nil {
				return err
			}
			r.At = fromNanos(at)
			out = append(out, r)
		}
		return rows.Err()
	})
	return out, err
}

// RoutedQuestions returns the questions whose first route was made since
// since (all for the zero time), by question id, each with its routes in order, who answered it
// and where it stands (empty for a question the desk does not follow).
func (db *DB) RoutedQuestions(ctx context.Context, since time.Time) ([]desk.RoutedQuestion, error) {
	const routed = `SELECT question_id FROM routes GROUP BY question_id HAVING min(asked_at) >= ?`
	var out []desk.RoutedQuestion
	err := db.view(ctx, "read routed questions", func(tx *sql.Tx) error {
		routes, err := queryRoutes(ctx, tx, `WHERE question_id IN (`+routed+`) ORDER BY question_id, id`, from(since))
		if err != nil {
			return err
		}
		at := make(map[string]int)
		for _, r := range routes {
			i, ok := at[r.QuestionID]
			if !ok {
				i = len(out)
				at[r.QuestionID] = i
				out = append(out, desk.RoutedQuestion{QuestionID: r.QuestionID})
			}
			out[i].Routes = append(out[i].Routes, r)
		}
		rows, err := tx.QueryContext(ctx, `
			SELECT question_id, answerer FROM answers WHERE question_id IN (`+routed+`)
			ORDER BY question_id, time, id`, from(since))
		if err != nil {
			return fmt.Errorf("read answerers: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var q, who string
			if err := rows.Scan(&q, &who); err != nil {
				return fmt.Errorf("read answerers: %w", err)
			}
			if i, ok := at[q]; ok {
				out[i].Answerers = append(out[i].Answerers, who)
			}
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("read answerers: %w", err)
		}
		statuses, err := tx.QueryContext(ctx, `SELECT question_id, status FROM asks WHERE question_id IN (`+routed+`)`, from(since))
		if err != nil {
			return fmt.Errorf("read statuses: %w", err)
		}
		defer statuses.Close()
		for statuses.Next() {
			var (
				q string
				s knowledge.Status
			)
			if err := statuses.Scan(&q, &s); err != nil {
				return fmt.Errorf("read statuses: %w", err)
			}
			if i, ok := at[q]; ok {
				out[i].Status = s
			}
		}
		return statuses.Err()
	})
	return out, err
}

// LatestCalibration returns the last calibration recorded, or an
// ENOTFOUND error when none was.
func (db *DB) LatestCalibration(ctx context.Context) (desk.Calibration, error) {
	var (
		c  desk.Calibration
		at sql.NullInt64
	)
	err := db.view(ctx, "read the calibration", func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `
			SELECT at, model, threshold, reason, outcomes, judged, above, correct
			FROM calibrations ORDER BY id DESC LIMIT 1`).
			Scan(&at, &c.Model, &c.Threshold, &c.Reason, &c.Outcomes, &c.Judged, &c.Above, &c.Right)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return c, knowledge.Errorf(knowledge.ENOTFOUND, "No threshold was calibrated yet.")
	}
	c.At = fromNanos(at)
	return c, err
}

// RecordCalibration records a change of the threshold in force. It
// returns an EINVALID error for a threshold that is not a confidence or a
// time out of range.
func (db *DB) RecordCalibration(ctx context.Context, c desk.Calibration) error {
	if c.Threshold <= 0 || c.Threshold > 1 || !validTime(c.At) {
		return knowledge.Errorf(knowledge.EINVALID, "A calibration needs a threshold between 0 and 1 and a time in range.")
	}
	return db.update(ctx, "record the calibration", func(t *tx) error {
		at := c.At
		if at.IsZero() {
			at = t.now
		}
		_, err := t.ExecContext(ctx, `
			INSERT INTO calibrations (at, model, threshold, reason, outcomes, judged, above, correct)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			nanos(at), c.Model, c.Threshold, c.Reason, c.Outcomes, c.Judged, c.Above, c.Right)
		return err
	})
}

// from is since as stored, the zero time being before everything.
func from(since time.Time) int64 {
	if since.IsZero() {
		return math.MinInt64
	}
	return since.UnixNano()
}
