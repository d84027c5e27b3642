package sqlite

import (
	"cmp"
	"container/heap"
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
// answers the asker received before, and, for the answerers of the found
// questions, how many answers each gave in that conversation (when v may
// see it), who they are, and their answering histories (without the time
// of their first answer).
// Only what happened before c.At counts.
func (db *DB) Consult(ctx context.Context, v knowledge.Viewer, c knowledge.Consultation) (knowledge.Reading, error) {
	var r knowledge.Reading
	at := c.At
	if at.IsZero() {
		at = time.Now()
	}
	err := db.view(ctx, "consult", func(tx *sql.Tx) error {
		var err error
		// Who may see what is decided now, whatever time the question
		// is asked at (an evaluation replays the past).
		snap := db.snapshot(tx, db.now())
		if r.Questions, err = snap.Questions(ctx, v, c.IDs); err != nil {
			return err
		}
		seen, err := visibility(ctx, tx, v, snap.fresh)
		if err != nil {
			return err
		}
		if c.Conversation != "" && c.Recent > 0 {
			if r.Recent, err = recentActivity(ctx, tx, seen, c.Conversation, at.Add(-c.Recent), at); err != nil {
				return err
			}
		}
		if c.Asker != "" {
			if r.Helped, err = helpedBefore(ctx, tx, seen, c.Asker, at); err != nil {
				return err
			}
		}
		// Only the answerers of the questions found can be proposed: the
		// other signals weigh them and propose nobody alone, so who else
		// answered lately or helped the asker needs no reading.
		var ids []string
		for _, q := range r.Questions {
			for _, a := range q.Answers {
				ids = append(ids, a.Answerer)
			}
		}
		slices.Sort(ids)
		ids = slices.Compact(ids)
		if r.People, err = readPeople(ctx, tx, ids); err != nil {
			return err
		}
		if c.Conversation != "" {
			if r.Here, err = answersHere(ctx, tx, seen, c.Conversation, ids); err != nil {
				return err
			}
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
// and to, newest first, the latest maxRecent of them, by the last
// maxRecentPeople people to answer there, if the viewer whose visibility
// arguments are seen may see the conversation.
func recentActivity(ctx context.Context, tx *sql.Tx, seen []any, conversation string, from, to time.Time) ([]knowledge.Activity, error) {
	// Questions are read newest first by (conversation, time), and an
	// answer comes after its question, unless a thread went on for long:
	// a week's margin keeps those. So questions asked before the window
	// cannot hold answers in it, and once maxRecent answers are found, a
	// question asked a week before the oldest of them holds none newer:
	// in a busy conversation the read stops there instead of sorting
	// every answer of the window.
	const threadMargin = 7 * 24 * time.Hour
	rows, err := tx.QueryContext(ctx, `
		SELECT a.answerer, a.time, q.time
		FROM questions q
		JOIN conversations c ON c.id = q.conversation_id
		JOIN answers a ON a.question_id = q.id
		WHERE q.conversation_id = @conversation AND q.time >= @asked_from AND q.time < @to AND NOT q.deleted
		  AND a.time >= @from AND a.time < @to AND a.answerer <> q.asker
		  AND `+visibleTo+`
		ORDER BY q.time DESC`,
		append(slices.Clip(seen),
			sql.Named("conversation", conversation), sql.Named("asked_from", from.Add(-threadMargin).UnixNano()),
			sql.Named("from", from.UnixNano()), sql.Named("to", to.UnixNano()))...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	type answer struct {
		person string
		time   int64
	}
	var found []answer
	newest := &latestTimes{}
	for rows.Next() {
		var (
			a     answer
			asked int64
		)
		if err := rows.Scan(&a.person, &a.time, &asked); err != nil {
			return nil, err
		}
		if newest.Len() == maxRecent && asked < (*newest)[0]-int64(threadMargin) {
			break
		}
		found = append(found, a)
		heap.Push(newest, a.time)
		if newest.Len() > maxRecent {
			heap.Pop(newest)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	slices.SortStableFunc(found, func(a, b answer) int { return cmp.Compare(b.time, a.time) })
	var out []knowledge.Activity
	people := make(map[string]bool)
	for _, a := range found[:min(len(found), maxRecent)] {
		if !people[a.person] && len(people) == maxRecentPeople {
			continue
		}
		people[a.person] = true
		out = append(out, knowledge.Activity{Person: a.person, Time: time.Unix(0, a.time).UTC()})
	}
	return out, nil
}

// latestTimes is a min-heap of times: the latest ones found, the oldest of
// them first.
type latestTimes []int64

func (h latestTimes) Len() int           { return len(h) }
func (h latestTimes) Less(i, j int) bool { return h[i] < h[j] }
func (h latestTimes) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *latestTimes) Push(x any)        { *h = append(*h, x.(int64)) }
func (h *latestTimes) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// answersHere counts the answers each of people gave in conversation, if
// the viewer whose visibility arguments are seen may see it.
func answersHere(ctx context.Context, tx *sql.Tx, seen []any, conversation string, people []string) (map[string]int, error) {
	rows, err := tx.QueryContext(ctx, `
		SELECT h.person_id, h.answers
		FROM answerer_conversations h
		JOIN conversations c ON c.id = h.conversation_id
		WHERE h.conversation_id = @conversation
		  AND h.person_id IN (SELECT value FROM json_each(@people))
		  AND `+visibleTo,
		append(slices.Clip(seen), sql.Named("conversation", conversation), sql.Named("people", jsonIDs(people)))...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make(map[string]int)
	for rows.Next() {
		var (
			id string
			n  int
		)
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		out[id] = n
	}
	return out, rows.Err()
}

// helpedBefore counts, per person, the answers asker received before `to`
// on their last maxHelpedAsked questions that the viewer whose visibility
// arguments are seen may see.
func helpedBefore(ctx context.Context, tx *sql.Tx, seen []any, asker string, to time.Time) (map[string]knowledge.Helped, error) {
	rows, err := tx.QueryContext(ctx, `
		SELECT a.answerer, count(*), max(a.time)
		FROM (SELECT id, conversation_id FROM questions
			WHERE asker = @asker AND time < @to AND NOT deleted
			ORDER BY time DESC LIMIT @limit) q
		JOIN conversations c ON c.id = q.conversation_id
		JOIN answers a ON a.question_id = q.id
		WHERE a.time < @to AND a.answerer <> @asker
		  AND `+visibleTo+`
		GROUP BY a.answerer`,
		append(slices.Clip(seen), sql.Named("asker", asker), sql.Named("to", to.UnixNano()), sql.Named("limit", maxHelpedAsked))...)
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
