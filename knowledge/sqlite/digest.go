package sqlite

import (
	"context"
	"database/sql"
	"time"

	"github.com/nextdesk/nextdesk/knowledge"
)

// QuestionsAsked returns the live questions asked from from (included) to
// to (excluded) that v may see, with their answers, oldest first. It
// returns an EINVALID error if to is before from.
func (db *DB) QuestionsAsked(ctx context.Context, v knowledge.Viewer, from, to time.Time) ([]knowledge.Question, error) {
	if to.Before(from) {
		return nil, knowledge.Errorf(knowledge.EINVALID, "The period from %s to %s ends before it starts.", from, to)
	}
	var qs []knowledge.Question
	err := db.view(ctx, "read questions asked", func(tx *sql.Tx) error {
		args, err := visibility(ctx, tx, v, db.fresh(db.now()))
		if err != nil {
			return err
		}
		qs, err = queryQuestions(ctx, tx, `
			SELECT `+questionColumns+`
			FROM questions q JOIN conversations c ON c.id = q.conversation_id
			WHERE q.time >= @from AND q.time < @to AND NOT q.deleted AND `+visibleTo+`
			ORDER BY q.time, q.id`,
			append(args, sql.Named("from", from.UnixNano()), sql.Named("to", to.UnixNano()))...)
		if err != nil {
			return err
		}
		return loadAnswers(ctx, tx, qs)
	})
	if err != nil {
		return nil, err
	}
	return qs, nil
}

// QuestionsOf returns up to limit live questions that person asked or
// answered and that v may see, latest first, without their answers.
func (db *DB) QuestionsOf(ctx context.Context, v knowledge.Viewer, person string, limit int) ([]knowledge.Question, error) {
	if person == "" || limit <= 0 {
		return nil, nil
	}
	var qs []knowledge.Question
	err := db.view(ctx, "read questions of "+person, func(tx *sql.Tx) error {
		args, err := visibility(ctx, tx, v, db.fresh(db.now()))
		if err != nil {
			return err
		}
		qs, err = queryQuestions(ctx, tx, `
			SELECT `+questionColumns+`
			FROM questions q JOIN conversations c ON c.id = q.conversation_id
			WHERE q.id IN (
				SELECT id FROM questions WHERE asker = @person AND NOT deleted
				UNION SELECT question_id FROM answers WHERE answerer = @person)
			  AND NOT q.deleted AND `+visibleTo+`
			ORDER BY q.time DESC, q.id
			LIMIT @limit`,
			append(args, sql.Named("person", person), sql.Named("limit", limit))...)
		return err
	})
	return qs, err
}

// EachAnsweredText calls fn with the text of every live question v may see
// that has an answer (its title and body), then with the text of every
// answer to a question v may see. It streams, so memory does not grow with
// the store. It stops at fn's first error and returns it.
func (db *DB) EachAnsweredText(ctx context.Context, v knowledge.Viewer, fn func(text string) error) error {
	return db.view(ctx, "read answered texts", func(tx *sql.Tx) error {
		args, err := visibility(ctx, tx, v, db.fresh(db.now()))
		if err != nil {
			return err
		}
		queries := []string{`
			SELECT q.title || char(10) || q.text
			FROM questions q JOIN conversations c ON c.id = q.conversation_id
			WHERE NOT q.deleted AND EXISTS (SELECT 1 FROM answers a WHERE a.question_id = q.id)
			  AND ` + visibleTo, `
			SELECT a.text
			FROM answers a JOIN questions q ON q.id = a.question_id
			JOIN conversations c ON c.id = q.conversation_id
			WHERE NOT q.deleted AND ` + visibleTo}
		for _, query := range queries {
			if err := eachText(ctx, tx, query, args, fn); err != nil {
				return err
			}
		}
		return nil
	})
}

func eachText(ctx context.Context, tx *sql.Tx, query string, args []any, fn func(string) error) error {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var text string
		if err := rows.Scan(&text); err != nil {
			return err
		}
		if err := fn(text); err != nil {
			return err
		}
	}
	return rows.Err()
}

// AsksOf returns the bot's record of each question among ids that the bot
// handled, keyed by question id. Questions it did not handle (imported
// history) are left out.
func (db *DB) AsksOf(ctx context.Context, ids []string) (map[string]knowledge.Ask, error) {
	asks := make(map[string]knowledge.Ask)
	if len(ids) == 0 {
		return asks, nil
	}
	err := db.view(ctx, "read asks", func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+askColumns+` FROM asks WHERE question_id IN (SELECT value FROM json_each(?))`, jsonIDs(ids))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			a, err := scanAskRow(rows)
			if err != nil {
				return err
			}
			asks[a.QuestionID] = a
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	return asks, nil
}

// RoutesOf returns the routes of the questions among ids, keyed by question
// id, each list in the order the routes were made. Questions never routed
// are left out.
func (db *DB) RoutesOf(ctx context.Context, ids []string) (map[string][]knowledge.Route, error) {
	byQuestion := make(map[string][]knowledge.Route)
	if len(ids) == 0 {
		return byQuestion, nil
	}
	err := db.view(ctx, "read routes", func(tx *sql.Tx) error {
		routes, err := queryRoutes(ctx, tx, `
			WHERE question_id IN (SELECT value FROM json_each(?))
			ORDER BY question_id, asked_at, id`, jsonIDs(ids))
		for _, r := range routes {
			byQuestion[r.QuestionID] = append(byQuestion[r.QuestionID], r)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return byQuestion, nil
}

// InstantReuses counts, for each answer among answerIDs, the questions to
// which the bot offered it as an instant answer and that then needed
// nobody: never routed to an expert, and not given up as unanswered.
// Answers never reused are left out.
func (db *DB) InstantReuses(ctx context.Context, answerIDs []string) (map[string]int, error) {
	reuses := make(map[string]int)
	if len(answerIDs) == 0 {
		return reuses, nil
	}
	err := db.view(ctx, "count instant reuses", func(tx *sql.Tx) (err error) {
		reuses, err = queryCounts(ctx, tx, `
			SELECT a.offered, count(*) FROM asks a
			WHERE a.offered IN (SELECT value FROM json_each(?)) AND a.status <> ?
			  AND NOT EXISTS (SELECT 1 FROM routes r WHERE r.question_id = a.question_id)
			GROUP BY a.offered`, jsonIDs(answerIDs), knowledge.StatusUnanswered)
		return err
	})
	if err != nil {
		return nil, err
	}
	return reuses, nil
}

// ConversationNames returns the names of the known conversations among ids.
func (db *DB) ConversationNames(ctx context.Context, ids []string) (map[string]string, error) {
	names := make(map[string]string)
	if len(ids) == 0 {
		return names, nil
	}
	err := db.view(ctx, "read conversation names", func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id, name FROM conversations WHERE id IN (SELECT value FROM json_each(?))`, jsonIDs(ids))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id, name string
			if err := rows.Scan(&id, &name); err != nil {
				return err
			}
			names[id] = name
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	return names, nil
}

// FirstAnswerAskers counts, per asker, the live questions that answerer
// answered directly: answerer gave the first answer, and the bot, if it
// routed the question at all, sent it to answerer first. The counts are
// what the hand-offs saved by going straight to answerer are computed from.
func (db *DB) FirstAnswerAskers(ctx context.Context, answerer string) (map[string]int, error) {
	askers := make(map[string]int)
	if answerer == "" {
		return askers, nil
	}
	err := db.view(ctx, "read first answers of "+answerer, func(tx *sql.Tx) (err error) {
		askers, err = queryCounts(ctx, tx, `
			SELECT q.asker, count(*)
			FROM answers a JOIN questions q ON q.id = a.question_id
			WHERE a.answerer = @who AND q.asker <> @who AND NOT q.deleted
			  AND a.id = (SELECT f.id FROM answers f WHERE f.question_id = q.id ORDER BY f.time, f.id LIMIT 1)
			  AND coalesce((SELECT r.expert FROM routes r WHERE r.question_id = q.id ORDER BY r.asked_at, r.id LIMIT 1), @who) = @who
			GROUP BY q.asker`, sql.Named("who", answerer))
		return err
	})
	if err != nil {
		return nil, err
	}
	return askers, nil
}
