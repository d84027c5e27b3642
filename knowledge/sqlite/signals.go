package sqlite

import (
	"context"
	"database/sql"
	"slices"
	"time"

	"github.com/nextdesk/nextdesk/knowledge"
)

// Bounds on the signals read for one question, so that their cost does not
// grow with the store: in a very busy conversation, the latest two hundred
// answers say who is around as well as all, and the last twenty people to
// answer are the ones around; the help an asker received on their last
// hundred questions says who helps them now.
const (
	maxRecent       = 200
	maxRecentPeople = 20
	maxHelpedAsked  = 100
)

// Consult reads in one transaction what the engine weighs for one
// question, as v may see it: the found questions with their answers, the
// recent answers in the question's conversation (when v may see it), the
// answers the asker received before, and the people and answering
// histories of everyone named (without the time of their first answer).
// Only what happened before c.At counts.
func (db *DB) Consult(ctx context.Context, v knowledge.Viewer, c knowledge.Consultation) (knowledge.Reading, error) {
	var r knowledge.Reading
	at := c.At
	if at.IsZero() {
		at = time.Now()
	}
	err := db.view(ctx, "consult", func(tx *sql.Tx) error {
		var err error
		if len(c.IDs) > 0 {
			if r.Questions, err = queryQuestions(ctx, tx, visibleQuestions, jsonIDs(c.IDs), v.PersonID, knowledge.KindPublic); err != nil {
				return err
			}
			if err := loadAnswers(ctx, tx, r.Questions); err != nil {
				return err
			}
		}
		if c.Conversation != "" && c.Recent > 0 {
			if r.Recent, err = recentActivity(ctx, tx, v, c.Conversation, at.Add(-c.Recent), at); err != nil {
				return err
			}
		}
		if c.Asker != "" {
			if r.Helped, err = helpedBefore(ctx, tx, v, c.Asker, at); err != nil {
				return err
			}
		}
		var ids []string
		for _, q := range r.Questions {
			for _, a := range q.Answers {
				ids = append(ids, a.Answerer)
			}
		}
		for _, a := range r.Recent {
			ids = append(ids, a.Person)
		}
		for id := range r.Helped {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		ids = slices.Compact(ids)
		if r.People, err = readPeople(ctx, tx, ids); err != nil {
			return err
		}
		r.Stats, err = readAnswererStats(ctx, tx, ids, false)
		return err
	})
	if err != nil {
		return knowledge.Reading{}, err
	}
	return r, nil
}

// recentActivity returns the answers given in conversation between from
// and to, newest first, by the last maxRecentPeople people to answer there,
// if v may see the conversation.
func recentActivity(ctx context.Context, tx *sql.Tx, v knowledge.Viewer, conversation string, from, to time.Time) ([]knowledge.Activity, error) {
	// Questions are found by (conversation, time); an answer comes after
	// its question, so questions asked before the window cannot hold
	// answers in it, unless a thread went on for long: a week's margin
	// keeps those.
	rows, err := tx.QueryContext(ctx, `
		SELECT a.answerer, a.time
		FROM questions q
		JOIN conversations c ON c.id = q.conversation_id
		JOIN answers a ON a.question_id = q.id
		WHERE q.conversation_id = ?1 AND q.time >= ?2 AND q.time < ?4 AND NOT q.deleted
		  AND a.time >= ?3 AND a.time < ?4 AND a.answerer <> q.asker
		  AND (c.kind = ?5 OR (?6 <> '' AND EXISTS (
			SELECT 1 FROM members m WHERE m.person_id = ?6 AND m.conversation_id = q.conversation_id)))
		ORDER BY a.time DESC
		LIMIT ?7`,
		conversation, from.Add(-7*24*time.Hour).UnixNano(), from.UnixNano(), to.UnixNano(),
		knowledge.KindPublic, v.PersonID, maxRecent)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []knowledge.Activity
	people := make(map[string]bool)
	for rows.Next() {
		var (
			a knowledge.Activity
			t sql.NullInt64
		)
		if err := rows.Scan(&a.Person, &t); err != nil {
			return nil, err
		}
		if !people[a.Person] && len(people) == maxRecentPeople {
			continue
		}
		people[a.Person] = true
		a.Time = fromNanos(t)
		out = append(out, a)
	}
	return out, rows.Err()
}

// helpedBefore counts, per person, the answers asker received before `to`
// on their last maxHelpedAsked questions that v may see.
func helpedBefore(ctx context.Context, tx *sql.Tx, v knowledge.Viewer, asker string, to time.Time) (map[string]knowledge.Helped, error) {
	rows, err := tx.QueryContext(ctx, `
		SELECT a.answerer, count(*), max(a.time)
		FROM (SELECT id, conversation_id FROM questions
			WHERE asker = ?1 AND time < ?2 AND NOT deleted
			ORDER BY time DESC LIMIT ?5) q
		JOIN conversations c ON c.id = q.conversation_id
		JOIN answers a ON a.question_id = q.id
		WHERE a.time < ?2 AND a.answerer <> ?1
		  AND (c.kind = ?3 OR (?4 <> '' AND EXISTS (
			SELECT 1 FROM members m WHERE m.person_id = ?4 AND m.conversation_id = q.conversation_id)))
		GROUP BY a.answerer`,
		asker, to.UnixNano(), knowledge.KindPublic, v.PersonID, maxHelpedAsked)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make(map[string]knowledge.Helped)
	for rows.Next() {
		var (
			id   string
			h    knowledge.Helped
			last sql.NullInt64
		)
		if err := rows.Scan(&id, &h.Answers, &last); err != nil {
			return nil, err
		}
		h.Last = fromNanos(last)
		out[id] = h
	}
	return out, rows.Err()
}
