package sqlite

import (
	"context"
	"database/sql"

	"github.com/nextdesk/nextdesk/knowledge"
)

// AnswererStats returns the answering history of the people among ids who
// answered at least once. It reads the per-hour summary that triggers keep
// with every answer write, plus two index seeks per person for the first
// and last answer, so its cost depends on the number of ids, not on the
// size of the store. Answers with an unknown time count in Answers but in
// no hour, First or Last.
func (db *DB) AnswererStats(ctx context.Context, ids []string) (map[string]knowledge.AnswererStats, error) {
	stats := make(map[string]knowledge.AnswererStats, len(ids))
	if len(ids) == 0 {
		return stats, nil
	}
	err := db.view(ctx, "read answerer stats", func(tx *sql.Tx) error {
		list := jsonIDs(ids)
		rows, err := tx.QueryContext(ctx, `
			SELECT person_id, hour, answers, accepted, thanks
			FROM answerer_hours
			WHERE person_id IN (SELECT value FROM json_each(?))`, list)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var (
				id                        string
				hour                      int
				answers, accepted, thanks int
			)
			if err := rows.Scan(&id, &hour, &answers, &accepted, &thanks); err != nil {
				return err
			}
			s := stats[id]
			s.Answers += answers
			s.Accepted += accepted
			s.Thanks += thanks
			if hour >= 0 && hour < len(s.Hours) {
				s.Hours[hour] += answers
			}
			stats[id] = s
		}
		if err := rows.Err(); err != nil {
			return err
		}

		// Two scalar subqueries rather than min() and max() in one: SQLite
		// answers a lone min or max from the (answerer, time) index.
		bounds, err := tx.QueryContext(ctx, `
			SELECT p.value,
				(SELECT min(time) FROM answers WHERE answerer = p.value),
				(SELECT max(time) FROM answers WHERE answerer = p.value)
			FROM (SELECT DISTINCT value FROM json_each(?)) p`, list)
		if err != nil {
			return err
		}
		defer bounds.Close()
		for bounds.Next() {
			var (
				id          string
				first, last sql.NullInt64
			)
			if err := bounds.Scan(&id, &first, &last); err != nil {
				return err
			}
			if s, ok := stats[id]; ok {
				s.First, s.Last = fromNanos(first), fromNanos(last)
				stats[id] = s
			}
		}
		return bounds.Err()
	})
	if err != nil {
		return nil, err
	}
	return stats, nil
}

// Counts sizes the store, for status output.
type Counts struct {
	People        int
	Conversations int
	Questions     int // not counting deleted ones
	Answers       int
	Accepted      int // questions with at least one accepted answer
}

// Counts returns how much the store holds. It scans the questions table,
// so it is meant for status output, not for every request.
func (db *DB) Counts(ctx context.Context) (Counts, error) {
	var c Counts
	err := db.view(ctx, "count", func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `
			SELECT
				(SELECT count(*) FROM people),
				(SELECT count(*) FROM conversations),
				(SELECT count(*) FROM questions WHERE NOT deleted),
				(SELECT count(*) FROM answers),
				(SELECT count(DISTINCT question_id) FROM answers WHERE accepted)`).
			Scan(&c.People, &c.Conversations, &c.Questions, &c.Answers, &c.Accepted)
	})
	return c, err
}
