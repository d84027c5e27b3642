package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/nextdesk/nextdesk/knowledge"
)

// AnswererStats returns the answering history of the people among ids who
// answered at least once. It reads the per-hour summary that triggers keep
// with every answer write, plus two index seeks per person for the first
// and last answer, so its cost depends on the number of ids, not on the
// size of the store. Answers with an unknown time count in Answers but in
// no hour, First or Last.
func (db *DB) AnswererStats(ctx context.Context, ids []string) (map[string]knowledge.AnswererStats, error) {
	var stats map[string]knowledge.AnswererStats
	err := db.view(ctx, "read answerer stats", func(tx *sql.Tx) (err error) {
		stats, err = readAnswererStats(ctx, tx, ids, true)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read answerer stats: %w", err)
	}
	return stats, nil
}

// AnswererStats returns the answering history of the people among ids, as
// DB.AnswererStats does.
func (r reader) AnswererStats(ctx context.Context, ids []string) (map[string]knowledge.AnswererStats, error) {
	stats, err := readAnswererStats(ctx, r.tx, ids, true)
	if err != nil {
		return nil, fmt.Errorf("read answerer stats: %w", err)
	}
	return stats, nil
}

// readAnswererStats reads the answering history of the people among ids,
// with the time of their first answer only if withFirst: routing needs the
// last, and each costs one index seek per person.
func readAnswererStats(ctx context.Context, tx *sql.Tx, ids []string, withFirst bool) (map[string]knowledge.AnswererStats, error) {
	stats := make(map[string]knowledge.AnswererStats, len(ids))
	if len(ids) == 0 {
		return stats, nil
	}
	// One row per person: the per-hour counts come concatenated as
	// "hour:answers,…", and the first and last answer from two scalar
	// subqueries, since SQLite answers a lone min or max from the
	// (answerer, time) index with one seek.
	rows, err := tx.QueryContext(ctx, `
		SELECT h.person_id, sum(h.answers), sum(h.accepted), sum(h.thanks),
			group_concat(h.hour || ':' || h.answers),
			CASE WHEN ?2 THEN (SELECT min(time) FROM answers WHERE answerer = h.person_id) END,
			(SELECT max(time) FROM answers WHERE answerer = h.person_id)
		FROM answerer_hours h
		WHERE h.person_id IN (SELECT value FROM json_each(?1))
		GROUP BY h.person_id`, jsonIDs(ids), withFirst)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id          string
			s           knowledge.AnswererStats
			hours       string
			first, last sql.NullInt64
		)
		if err := rows.Scan(&id, &s.Answers, &s.Accepted, &s.Thanks, &hours, &first, &last); err != nil {
			return nil, err
		}
		if err := parseHours(hours, &s.Hours); err != nil {
			return nil, fmt.Errorf("stats of %s: %w", id, err)
		}
		s.First, s.Last = fromNanos(first), fromNanos(last)
		stats[id] = s
	}
	return stats, rows.Err()
}

// parseHours adds counts written as "hour:answers,…" to hours. Hour -1
// holds the answers of unknown time, which belong to no hour.
func parseHours(s string, hours *[24]int) error {
	for part := range strings.SplitSeq(s, ",") {
		h, n, ok := strings.Cut(part, ":")
		hour, err1 := strconv.Atoi(h)
		count, err2 := strconv.Atoi(n)
		if !ok || err1 != nil || err2 != nil || hour < -1 || hour >= len(hours) {
			return fmt.Errorf("bad hour count %q", part)
		}
		if hour >= 0 {
			hours[hour] += count
		}
	}
	return nil
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
