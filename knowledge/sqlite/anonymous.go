package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/nextdesk/nextdesk/knowledge"
	"github.com/nextdesk/nextdesk/knowledge/desk"
)

// Who asked the anonymous questions: the one table that links a person to
// a question asked without their name. Nothing else in the store does; it
// is read to relay replies and to hold the daily limit, and erased by
// ForgetAnonymous.

const anonymousColumns = `question_id, asker, relay_channel, relay_thread, direct, asked_at`

func scanAnonymous(row *sql.Row) (desk.Anonymous, error) {
	var (
		a  desk.Anonymous
		at sql.NullInt64
	)
	err := row.Scan(&a.QuestionID, &a.Asker, &a.Relay.Conversation, &a.Relay.Thread, &a.Direct, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return desk.Anonymous{}, errNotAnonymous()
	}
	if err != nil {
		return desk.Anonymous{}, fmt.Errorf("read anonymous question: %w", err)
	}
	a.AskedAt = fromNanos(at)
	return a, nil
}

func errNotAnonymous() error {
	return knowledge.Errorf(knowledge.ENOTFOUND, "That question was not asked anonymously.")
}

// Anonymous returns who asked an anonymous question, or an ENOTFOUND
// error.
func (r reader) Anonymous(ctx context.Context, questionID string) (desk.Anonymous, error) {
	return scanAnonymous(r.tx.QueryRowContext(ctx, `SELECT `+anonymousColumns+` FROM anonymous WHERE question_id = ?`, questionID))
}

// AnonymousByRelay returns the anonymous question whose relay is the
// thread thread in channel, or an ENOTFOUND error.
func (r reader) AnonymousByRelay(ctx context.Context, channel, thread string) (desk.Anonymous, error) {
	if thread == "" {
		return desk.Anonymous{}, errNotAnonymous()
	}
	return scanAnonymous(r.tx.QueryRowContext(ctx, `
		SELECT `+anonymousColumns+` FROM anonymous
		WHERE relay_channel = ? AND relay_thread = ? AND relay_thread <> ''`, channel, thread))
}

// AnonymousAsked returns when person asked each of the anonymous questions
// they asked after since, oldest first.
func (r reader) AnonymousAsked(ctx context.Context, person string, since time.Time) ([]time.Time, error) {
	if person == "" {
		return nil, nil
	}
	rows, err := r.tx.QueryContext(ctx, `
		SELECT asked_at FROM anonymous WHERE asker = ? AND asker <> '' AND asked_at > ? ORDER BY asked_at`,
		person, nanos(since))
	if err != nil {
		return nil, fmt.Errorf("count anonymous questions: %w", err)
	}
	defer rows.Close()
	var out []time.Time
	for rows.Next() {
		var at sql.NullInt64
		if err := rows.Scan(&at); err != nil {
			return nil, fmt.Errorf("count anonymous questions: %w", err)
		}
		out = append(out, fromNanos(at))
	}
	return out, rows.Err()
}

// AskedQuestion returns the live question questionID with its answers,
// whoever may see it, or an ENOTFOUND error: the desk reads the questions
// it follows this way, never to show them.
func (r reader) AskedQuestion(ctx context.Context, questionID string) (knowledge.Question, error) {
	qs, err := queryQuestions(ctx, r.tx, `
		SELECT `+questionColumns+` FROM questions q WHERE q.id = ? AND NOT q.deleted`, questionID)
	if err != nil {
		return knowledge.Question{}, err
	}
	if len(qs) == 0 {
		return knowledge.Question{}, errQuestionNotFound()
	}
	if err := loadAnswers(ctx, r.tx, qs); err != nil {
		return knowledge.Question{}, err
	}
	return qs[0], nil
}

// AddAnonymous records who asked an anonymous question. A zero AskedAt
// means now. It returns an EINVALID error without a question or an
// asker, and an ECONFLICT error if the question is recorded already.
func (d *deskTx) AddAnonymous(ctx context.Context, a desk.Anonymous) error {
	if a.QuestionID == "" || a.Asker == "" {
		return knowledge.Errorf(knowledge.EINVALID, "An anonymous question needs an id and an asker.")
	}
	if a.AskedAt.IsZero() {
		a.AskedAt = d.t.now
	}
	return d.t.execOne(ctx, knowledge.Errorf(knowledge.ECONFLICT, "That question is already asked."),
		"record anonymous question "+a.QuestionID, `
		INSERT INTO anonymous (`+anonymousColumns+`) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (question_id) DO NOTHING`,
		a.QuestionID, a.Asker, a.Relay.Conversation, a.Relay.Thread, a.Direct, nanos(a.AskedAt))
}

// ForgetAnonymous erases who asked the anonymous questions asked before
// before, and the threads of their relays, and returns how many it erased.
// The questions stay anonymous.
func (d *deskTx) ForgetAnonymous(ctx context.Context, before time.Time) (int64, error) {
	res, err := d.t.ExecContext(ctx, `
		UPDATE anonymous SET asker = '', relay_channel = '', relay_thread = ''
		WHERE asker <> '' AND asked_at < ?`, nanos(before))
	if err != nil {
		return 0, fmt.Errorf("forget who asked anonymous questions: %w", err)
	}
	return res.RowsAffected()
}

// placeRelay records the thread a relay's first notice started, unless the
// asker was forgotten meanwhile.
func (t *tx) placeRelay(ctx context.Context, questionID, channel, ts string) error {
	_, err := t.ExecContext(ctx, `
		UPDATE anonymous SET relay_channel = ?, relay_thread = ?
		WHERE question_id = ? AND asker <> '' AND relay_thread = ''`, channel, ts, questionID)
	if err != nil {
		return fmt.Errorf("place the relay of %s: %w", questionID, err)
	}
	return nil
}

// AnonymousChoice returns until when person chose to ask their next
// question without their name, which may be past; the zero time when they
// made no such choice, or it was used or cancelled.
func (r reader) AnonymousChoice(ctx context.Context, person string) (time.Time, error) {
	var until sql.NullInt64
	err := r.tx.QueryRowContext(ctx, `SELECT until FROM anonymous_choices WHERE person_id = ?`, person).Scan(&until)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return time.Time{}, nil
	case err != nil:
		return time.Time{}, fmt.Errorf("read the anonymous choice of %s: %w", person, err)
	}
	return fromNanos(until), nil
}

// SetAnonymousChoice records that person chose to ask their next question
// without their name, until until; the zero time forgets their choice. It
// returns an EINVALID error without a person, or with until out of range.
func (d *deskTx) SetAnonymousChoice(ctx context.Context, person string, until time.Time) error {
	if person == "" {
		return knowledge.Errorf(knowledge.EINVALID, "A choice to ask anonymously needs a person.")
	}
	if !validTime(until) {
		return knowledge.Errorf(knowledge.EINVALID, "The end of the choice, %s, is out of range.", until)
	}
	var err error
	if until.IsZero() {
		_, err = d.t.ExecContext(ctx, `DELETE FROM anonymous_choices WHERE person_id = ?`, person)
	} else {
		_, err = d.t.ExecContext(ctx, `
			INSERT INTO anonymous_choices (person_id, until) VALUES (?, ?)
			ON CONFLICT (person_id) DO UPDATE SET until = excluded.until`, person, nanos(until))
	}
	if err != nil {
		return fmt.Errorf("record the anonymous choice of %s: %w", person, err)
	}
	return nil
}

// ForgetAnonymousChoices forgets the choices to ask anonymously that ran
// out before before, and returns how many it forgot.
func (d *deskTx) ForgetAnonymousChoices(ctx context.Context, before time.Time) (int64, error) {
	res, err := d.t.ExecContext(ctx, `DELETE FROM anonymous_choices WHERE until < ?`, nanos(before))
	if err != nil {
		return 0, fmt.Errorf("forget the anonymous choices run out: %w", err)
	}
	return res.RowsAffected()
}
