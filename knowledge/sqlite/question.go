package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/nextdesk/nextdesk/knowledge"
)

// questionColumns are read by scanQuestion, in this order.
const questionColumns = `q.id, q.asker, q.conversation_id, q.thread, q.title, q.text, q.tags, q.lang, q.time, q.reconstructed`

// maxChanges caps one ChangesSince call, so a rebuild from revision 0 reads
// the store in bounded pieces whatever limit the caller asks for.
const maxChanges = 10_000

// Questions returns, with their answers and tags, those of ids that v may
// see, in the order of ids. Unknown, deleted and invisible ids are skipped
// alike, so the result never tells that a hidden question exists.
func (db *DB) Questions(ctx context.Context, v knowledge.Viewer, ids []string) ([]knowledge.Question, error) {
	var qs []knowledge.Question
	err := db.view(ctx, "read questions", func(tx *sql.Tx) (err error) {
		qs, err = db.snapshot(tx, db.now()).Questions(ctx, v, ids)
		return err
	})
	return qs, err
}

// Question returns question id with its answers if v may see it. It
// returns an ENOTFOUND error when the question is unknown, deleted or not
// visible to v, the same error in each case so as not to reveal that a
// private question exists.
func (db *DB) Question(ctx context.Context, v knowledge.Viewer, id string) (knowledge.Question, error) {
	qs, err := db.Questions(ctx, v, []string{id})
	if err != nil {
		return knowledge.Question{}, err
	}
	if len(qs) == 0 {
		return knowledge.Question{}, errQuestionNotFound()
	}
	return qs[0], nil
}

// ChangesSince returns up to limit changes with Rev > rev, in Rev order:
// each question written since, as it stands now with its answers, or its
// deletion. A question's conversation makes it Public only when that
// conversation is known and public. At most 10,000 changes are returned
// per call whatever the limit. It returns an EINVALID error if limit is
// not positive.
func (db *DB) ChangesSince(ctx context.Context, rev int64, limit int) ([]knowledge.Change, error) {
	if limit <= 0 {
		return nil, knowledge.Errorf(knowledge.EINVALID, "The number of changes to read must be positive, not %d.", limit)
	}
	limit = min(limit, maxChanges)
	var changes []knowledge.Change
	err := db.view(ctx, "read changes", func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `
			SELECT `+questionColumns+`, q.rev, q.deleted, coalesce(c.kind = ?, 0)
			FROM questions q
			LEFT JOIN conversations c ON c.id = q.conversation_id
			WHERE q.rev > ?
			ORDER BY q.rev
			LIMIT ?`, knowledge.KindPublic, rev, limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var ch knowledge.Change
			q, err := scanQuestion(rows, &ch.Rev, &ch.Deleted, &ch.Public)
			if err != nil {
				return err
			}
			if ch.Deleted {
				// A tombstone tells the index what to remove, nothing more.
				q, ch.Public = knowledge.Question{ID: q.ID}, false
			}
			ch.Question = q
			changes = append(changes, ch)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		qs := make([]knowledge.Question, len(changes))
		for i, ch := range changes {
			qs[i] = ch.Question
		}
		if err := loadAnswers(ctx, tx, qs); err != nil {
			return err
		}
		for i := range changes {
			changes[i].Question = qs[i]
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return changes, nil
}

// Rev returns the highest revision given to a question so far, 0 for a new
// store. An index that has applied every change up to Rev is up to date.
func (db *DB) Rev(ctx context.Context) (int64, error) {
	var rev int64
	err := db.view(ctx, "read revision", func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT rev FROM revision`).Scan(&rev)
	})
	return rev, err
}

// DeleteQuestion deletes a question and its answers, leaving a tombstone
// without text so the index removes it too. A deleted question stays
// deleted: importing it again does not bring it back. It returns an
// ENOTFOUND error if the question is unknown or already deleted.
func (db *DB) DeleteQuestion(ctx context.Context, id string) error {
	return db.update(ctx, "delete question "+id, func(t *tx) error {
		live, err := t.questionLive(ctx, id)
		if err != nil {
			return err
		}
		if !live {
			return errQuestionNotFound()
		}
		if _, err := t.ExecContext(ctx, `DELETE FROM answers WHERE question_id = ?`, id); err != nil {
			return err
		}
		_, err = t.ExecContext(ctx, `
			UPDATE questions SET deleted = 1, title = '', text = '', tags = '', lang = ''
			WHERE id = ?`, id)
		if err != nil {
			return err
		}
		return t.stamp(ctx, id)
	})
}

func errQuestionNotFound() error {
	return knowledge.Errorf(knowledge.ENOTFOUND, "That question does not exist.")
}

func errAnswerNotFound() error {
	return knowledge.Errorf(knowledge.ENOTFOUND, "That answer does not exist.")
}

func validateQuestion(q knowledge.Question) error {
	if q.ID == "" {
		return knowledge.Errorf(knowledge.EINVALID, "A question needs an id.")
	}
	if !validTime(q.Time) {
		return knowledge.Errorf(knowledge.EINVALID, "Question %s has a time out of range: %s.", q.ID, q.Time)
	}
	for _, a := range q.Answers {
		if err := validateAnswer(a); err != nil {
			return err
		}
	}
	return nil
}

func validateAnswer(a knowledge.Answer) error {
	if a.ID == "" {
		return knowledge.Errorf(knowledge.EINVALID, "An answer needs an id.")
	}
	if !validTime(a.Time) {
		return knowledge.Errorf(knowledge.EINVALID, "Answer %s has a time out of range: %s.", a.ID, a.Time)
	}
	if a.Thanks < 0 {
		return knowledge.Errorf(knowledge.EINVALID, "Answer %s has a negative number of thanks.", a.ID)
	}
	return nil
}

// questionLive reports whether question id exists and is not deleted.
func (t *tx) questionLive(ctx context.Context, id string) (bool, error) {
	var deleted bool
	err := t.QueryRowContext(ctx, `SELECT deleted FROM questions WHERE id = ?`, id).Scan(&deleted)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read question %s: %w", id, err)
	}
	return !deleted, nil
}

// setAccepted records whether the asker said the answer solved the
// question. Setting the flag it already has changes nothing. It returns an
// ENOTFOUND error if the answer is unknown.
func (t *tx) setAccepted(ctx context.Context, answerID string, accepted bool) error {
	qid, was, err := t.answerState(ctx, answerID)
	if err != nil || was == accepted {
		return err
	}
	if _, err := t.ExecContext(ctx, `UPDATE answers SET accepted = ? WHERE id = ?`, accepted, answerID); err != nil {
		return fmt.Errorf("accept answer %s: %w", answerID, err)
	}
	return t.stamp(ctx, qid)
}

// answerState returns the question of an answer and whether it is
// accepted, or an ENOTFOUND error.
func (t *tx) answerState(ctx context.Context, answerID string) (questionID string, accepted bool, err error) {
	err = t.QueryRowContext(ctx, `SELECT question_id, accepted FROM answers WHERE id = ?`, answerID).Scan(&questionID, &accepted)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, errAnswerNotFound()
	}
	if err != nil {
		return "", false, fmt.Errorf("read answer %s: %w", answerID, err)
	}
	return questionID, accepted, nil
}

// upsertQuestionWithAnswers writes q and each of its answers, and reports
// whether q itself changed and how many answers did. A tombstoned question
// is left alone, answers included.
func (t *tx) upsertQuestionWithAnswers(ctx context.Context, q knowledge.Question) (written bool, answers int, err error) {
	written, live, err := t.upsertQuestion(ctx, q)
	if err != nil || !live {
		return written, 0, err
	}
	for _, a := range q.Answers {
		changed, err := t.upsertAnswer(ctx, q.ID, a)
		if err != nil {
			return written, answers, err
		}
		if changed {
			answers++
		}
	}
	return written, answers, nil
}

// upsertQuestion writes q's own fields, giving it a new revision if
// anything changed. live is false when q is a tombstone, which it leaves
// as it is.
func (t *tx) upsertQuestion(ctx context.Context, q knowledge.Question) (written, live bool, err error) {
	rev, err := t.nextRev(ctx)
	if err != nil {
		return false, false, err
	}
	title, text := knowledge.CleanText(q.Title), knowledge.CleanText(q.Text)
	lang := q.Lang
	if lang == "" {
		// Most sources do not say; the text does, well enough to choose
		// the language of a reply or a digest.
		lang = knowledge.DetectLang(title + "\n" + text)
	}
	res, err := t.ExecContext(ctx, `
		INSERT INTO questions (id, asker, conversation_id, thread, title, text, tags, lang, time, reconstructed, rev)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET
			asker = excluded.asker, conversation_id = excluded.conversation_id,
			thread = excluded.thread, title = excluded.title, text = excluded.text,
			tags = excluded.tags, lang = excluded.lang, time = excluded.time,
			reconstructed = excluded.reconstructed, rev = excluded.rev
		WHERE NOT deleted AND
			(asker, conversation_id, thread, title, text, tags, lang, time, reconstructed) IS NOT
			(excluded.asker, excluded.conversation_id, excluded.thread, excluded.title,
			 excluded.text, excluded.tags, excluded.lang, excluded.time, excluded.reconstructed)`,
		q.ID, q.Asker, q.Conversation, q.Thread, title, text, encodeTags(q.Tags), lang, nanos(q.Time), q.Reconstructed, rev)
	if err != nil {
		return false, false, fmt.Errorf("write question %s: %w", q.ID, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return false, false, fmt.Errorf("write question %s: %w", q.ID, err)
	} else if n > 0 {
		t.took(q.ID, rev)
		return true, true, nil
	}
	// Unchanged, or a tombstone: only a second look tells which.
	live, err = t.questionLive(ctx, q.ID)
	return false, live, err
}

// upsertAnswer writes a to live question questionID, giving the question a
// new revision if the answer is new or changed. Accepted and Thanks merge
// with what is stored (an answer stays accepted, thanks never go down) so
// that re-importing a source that knows nothing of them, such as a Slack
// export, keeps what people said through the bot.
func (t *tx) upsertAnswer(ctx context.Context, questionID string, a knowledge.Answer) (changed bool, err error) {
	text := knowledge.CleanText(a.Text)
	res, err := t.ExecContext(ctx, `
		INSERT INTO answers (id, question_id, answerer, text, time, accepted, thanks, score)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET
			answerer = excluded.answerer, text = excluded.text, time = excluded.time,
			accepted = accepted OR excluded.accepted, thanks = max(thanks, excluded.thanks),
			score = excluded.score
		WHERE question_id = excluded.question_id AND (
			(answerer, text, time, score) IS NOT
			(excluded.answerer, excluded.text, excluded.time, excluded.score)
			OR (excluded.accepted AND NOT accepted) OR excluded.thanks > thanks)`,
		a.ID, questionID, a.Answerer, text, nanos(a.Time), a.Accepted, a.Thanks, a.Score)
	if err != nil {
		return false, fmt.Errorf("write answer %s: %w", a.ID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("write answer %s: %w", a.ID, err)
	}
	if n > 0 {
		return true, t.stamp(ctx, questionID)
	}

	// Unchanged, or stored under another question: a source that moved it
	// must not leave it showing under both.
	oldQuestion, _, err := t.answerState(ctx, a.ID)
	if err != nil || oldQuestion == questionID {
		return false, err
	}
	_, err = t.ExecContext(ctx, `
		UPDATE answers SET
			question_id = ?, answerer = ?, text = ?, time = ?,
			accepted = accepted OR ?, thanks = max(thanks, ?), score = ?
		WHERE id = ?`,
		questionID, a.Answerer, text, nanos(a.Time), a.Accepted, a.Thanks, a.Score, a.ID)
	if err != nil {
		return false, fmt.Errorf("move answer %s: %w", a.ID, err)
	}
	if err := t.stamp(ctx, oldQuestion); err != nil {
		return false, err
	}
	return true, t.stamp(ctx, questionID)
}

// encodeTags stores tags as a JSON array, cleaned and without duplicates,
// or "" when there are none.
func encodeTags(tags []string) string {
	var clean []string
	for _, tag := range tags {
		tag = knowledge.CleanText(tag)
		if tag != "" && !slices.Contains(clean, tag) {
			clean = append(clean, tag)
		}
	}
	if len(clean) == 0 {
		return ""
	}
	b, _ := json.Marshal(clean) // a []string always marshals
	return string(b)
}

func decodeTags(s string) ([]string, error) {
	if s == "" {
		return nil, nil
	}
	var tags []string
	if err := json.Unmarshal([]byte(s), &tags); err != nil {
		return nil, fmt.Errorf("decode tags %q: %w", s, err)
	}
	return tags, nil
}

// queryQuestions runs a query selecting questionColumns.
func queryQuestions(ctx context.Context, tx *sql.Tx, query string, args ...any) ([]knowledge.Question, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var qs []knowledge.Question
	for rows.Next() {
		q, err := scanQuestion(rows)
		if err != nil {
			return nil, err
		}
		qs = append(qs, q)
	}
	return qs, rows.Err()
}

// scanQuestion reads questionColumns, then the extra columns into extra.
func scanQuestion(rows *sql.Rows, extra ...any) (knowledge.Question, error) {
	var (
		q    knowledge.Question
		tags string
		t    sql.NullInt64
	)
	dest := append([]any{&q.ID, &q.Asker, &q.Conversation, &q.Thread, &q.Title, &q.Text, &tags, &q.Lang, &t, &q.Reconstructed}, extra...)
	if err := rows.Scan(dest...); err != nil {
		return q, err
	}
	var err error
	if q.Tags, err = decodeTags(tags); err != nil {
		return q, fmt.Errorf("question %s: %w", q.ID, err)
	}
	q.Time = fromNanos(t)
	return q, nil
}

// loadAnswers fills in the answers of qs, each sorted by time then id.
func loadAnswers(ctx context.Context, tx *sql.Tx, qs []knowledge.Question) error {
	if len(qs) == 0 {
		return nil
	}
	at := make(map[string]int, len(qs))
	ids := make([]string, len(qs))
	for i, q := range qs {
		at[q.ID], ids[i] = i, q.ID
	}
	rows, err := tx.QueryContext(ctx, `
		SELECT question_id, id, answerer, text, time, accepted, thanks, score
		FROM answers
		WHERE question_id IN (SELECT value FROM json_each(?))
		ORDER BY question_id, time, id`, jsonIDs(ids))
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			qid string
			a   knowledge.Answer
			t   sql.NullInt64
		)
		if err := rows.Scan(&qid, &a.ID, &a.Answerer, &a.Text, &t, &a.Accepted, &a.Thanks, &a.Score); err != nil {
			return err
		}
		a.Time = fromNanos(t)
		i := at[qid]
		qs[i].Answers = append(qs[i].Answers, a)
	}
	return rows.Err()
}
