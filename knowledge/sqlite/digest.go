package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/nextdesk/nextdesk/knowledge"
)

// visibleToViewer is the condition, on a question q joined to its
// conversation c, that the viewer named by the parameter @viewer may see
// it: the conversation is public (@public), or the viewer is a member.
// The anonymous viewer (”) sees public questions only.
const visibleToViewer = `(c.kind = @public OR (@viewer <> '' AND EXISTS (
	SELECT 1 FROM members m WHERE m.person_id = @viewer AND m.conversation_id = q.conversation_id)))`

func viewerArgs(v knowledge.Viewer) []any {
	return []any{sql.Named("viewer", v.PersonID), sql.Named("public", string(knowledge.KindPublic))}
}

// QuestionsAsked returns the live questions asked from from (included) to
// to (excluded) that v may see, with their answers, oldest first. It
// returns an EINVALID error if to is before from.
func (db *DB) QuestionsAsked(ctx context.Context, v knowledge.Viewer, from, to time.Time) ([]knowledge.Question, error) {
	if to.Before(from) {
		return nil, knowledge.Errorf(knowledge.EINVALID, "The period from %s to %s ends before it starts.", from, to)
	}
	var qs []knowledge.Question
	err := db.view(ctx, "read questions asked", func(tx *sql.Tx) error {
		var err error
		qs, err = queryQuestions(ctx, tx, `
			SELECT `+questionColumns+`
			FROM questions q JOIN conversations c ON c.id = q.conversation_id
			WHERE q.time >= @from AND q.time < @to AND NOT q.deleted AND `+visibleToViewer+`
			ORDER BY q.time, q.id`,
			append(viewerArgs(v), sql.Named("from", from.UnixNano()), sql.Named("to", to.UnixNano()))...)
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
		var err error
		qs, err = queryQuestions(ctx, tx, `
			SELECT `+questionColumns+`
			FROM questions q JOIN conversations c ON c.id = q.conversation_id
			WHERE q.id IN (
				SELECT id FROM questions WHERE asker = @person AND NOT deleted
				UNION SELECT question_id FROM answers WHERE answerer = @person)
			  AND NOT q.deleted AND `+visibleToViewer+`
			ORDER BY q.time DESC, q.id
			LIMIT @limit`,
			append(viewerArgs(v), sql.Named("person", person), sql.Named("limit", limit))...)
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
		queries := []string{`
			SELECT q.title || char(10) || q.text
			FROM questions q JOIN conversations c ON c.id = q.conversation_id
			WHERE NOT q.deleted AND EXISTS (SELECT 1 FROM answers a WHERE a.question_id = q.id)
			  AND ` + visibleToViewer, `
			SELECT a.text
			FROM answers a JOIN questions q ON q.id = a.question_id
			JOIN conversations c ON c.id = q.conversation_id
			WHERE NOT q.deleted AND ` + visibleToViewer}
		for _, query := range queries {
			if err := eachText(ctx, tx, query, viewerArgs(v), fn); err != nil {
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
			var (
				a                knowledge.Ask
				created, updated sql.NullInt64
			)
			if err := rows.Scan(&a.QuestionID, &a.Asker, &a.Channel, &a.Thread, &a.Private, &a.Status, &a.Offered, &created, &updated); err != nil {
				return err
			}
			a.CreatedAt, a.UpdatedAt = fromNanos(created), fromNanos(updated)
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

// DigestPost is the record of one digest to post (see ClaimDigest).
type DigestPost struct {
	Key        string
	Claimant   string
	ClaimedAt  time.Time
	LeaseUntil time.Time
	PostedAt   time.Time // zero until posted
	// Channel and TS locate the message posted; TS is empty when there was
	// nothing to post.
	Channel, TS string
}

// Posted reports whether the digest is done for good.
func (p DigestPost) Posted() bool { return !p.PostedAt.IsZero() }

// ClaimDigest claims the digest named by key for claimant, for lease from
// now: it succeeds when nobody claimed it yet, or when an earlier claim
// expired without the digest being posted (its claimant crashed or gave
// up). It fails, returning false, when the digest is posted or another
// claim holds. before is true when a claim succeeds over an earlier one
// (expired or released): that claimant may have posted the digest without
// recording it, so the new one should look before posting. The check and
// the claim are one write transaction, so of several instances asking at
// once exactly one gets it. A claimant should use a fresh name for each
// attempt. It returns an EINVALID error for an empty key or claimant or a
// lease that is not positive.
func (db *DB) ClaimDigest(ctx context.Context, key, claimant string, lease time.Duration) (claimed, before bool, err error) {
	if key == "" || claimant == "" || lease <= 0 {
		return false, false, knowledge.Errorf(knowledge.EINVALID, "A digest claim needs a key, a claimant and a positive lease.")
	}
	err = db.update(ctx, "claim digest "+key, func(t *tx) error {
		if err := t.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM digest_posts WHERE key = ?)`, key).Scan(&before); err != nil {
			return err
		}
		res, err := t.ExecContext(ctx, `
			INSERT INTO digest_posts (key, claimant, claimed_at, lease_until) VALUES (@key, @who, @now, @until)
			ON CONFLICT (key) DO UPDATE SET
				claimant = excluded.claimant, claimed_at = excluded.claimed_at, lease_until = excluded.lease_until
			WHERE posted_at IS NULL AND lease_until <= @now`,
			sql.Named("key", key), sql.Named("who", claimant),
			sql.Named("now", t.now.UnixNano()), sql.Named("until", t.now.Add(lease).UnixNano()))
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		claimed = n > 0
		return err
	})
	return claimed, claimed && before, err
}

// MarkDigestPosted records that claimant posted the digest named by key as
// message ts in channel (ts empty when there was nothing to post): it will
// not be claimed again. It returns an ECONFLICT error when claimant no
// longer holds the claim (its lease expired and another instance took it
// over, or it is already posted), and an ENOTFOUND error for an unknown key.
func (db *DB) MarkDigestPosted(ctx context.Context, key, claimant, channel, ts string) error {
	return db.update(ctx, "mark digest posted "+key, func(t *tx) error {
		p, err := digestPost(ctx, t.Tx, key)
		if err != nil {
			return err
		}
		if p.Claimant != claimant || p.Posted() {
			return knowledge.Errorf(knowledge.ECONFLICT, "The digest %s is no longer claimed by %s.", key, claimant)
		}
		_, err = t.ExecContext(ctx, `UPDATE digest_posts SET posted_at = ?, channel = ?, ts = ? WHERE key = ?`,
			t.now.UnixNano(), channel, ts, key)
		return err
	})
}

// ReleaseDigest gives up claimant's claim on the digest named by key, so
// that the next attempt (by any instance) may claim it at once: the post
// failed (the next claim is told an earlier one was made, as a post that
// timed out may have reached Slack). Releasing a claim held by someone else, or
// a posted digest, does nothing.
func (db *DB) ReleaseDigest(ctx context.Context, key, claimant string) error {
	return db.update(ctx, "release digest "+key, func(t *tx) error {
		_, err := t.ExecContext(ctx, `
			UPDATE digest_posts SET lease_until = claimed_at
			WHERE key = ? AND claimant = ? AND posted_at IS NULL`, key, claimant)
		return err
	})
}

// DigestPost returns the record of the digest named by key, or an
// ENOTFOUND error when it was never claimed.
func (db *DB) DigestPost(ctx context.Context, key string) (DigestPost, error) {
	var p DigestPost
	err := db.view(ctx, "read digest "+key, func(tx *sql.Tx) error {
		var err error
		p, err = digestPost(ctx, tx, key)
		return err
	})
	return p, err
}

func digestPost(ctx context.Context, tx *sql.Tx, key string) (DigestPost, error) {
	var (
		p                    DigestPost
		claimed, until, post sql.NullInt64
	)
	err := tx.QueryRowContext(ctx, `
		SELECT key, claimant, claimed_at, lease_until, posted_at, channel, ts
		FROM digest_posts WHERE key = ?`, key).
		Scan(&p.Key, &p.Claimant, &claimed, &until, &post, &p.Channel, &p.TS)
	if errors.Is(err, sql.ErrNoRows) {
		return DigestPost{}, knowledge.Errorf(knowledge.ENOTFOUND, "The digest %s was never claimed.", key)
	}
	if err != nil {
		return DigestPost{}, fmt.Errorf("read digest %s: %w", key, err)
	}
	p.ClaimedAt, p.LeaseUntil, p.PostedAt = fromNanos(claimed), fromNanos(until), fromNanos(post)
	return p, nil
}

// SetDigestSubscription records whether person wants their personal weekly
// digest. It returns an EINVALID error if person is empty.
func (db *DB) SetDigestSubscription(ctx context.Context, person string, on bool) error {
	if person == "" {
		return knowledge.Errorf(knowledge.EINVALID, "A digest subscription needs a person.")
	}
	return db.update(ctx, "set digest subscription of "+person, func(t *tx) error {
		var err error
		if on {
			_, err = t.ExecContext(ctx, `INSERT INTO digest_subscribers (person_id, since) VALUES (?, ?) ON CONFLICT DO NOTHING`, person, t.now.UnixNano())
		} else {
			_, err = t.ExecContext(ctx, `DELETE FROM digest_subscribers WHERE person_id = ?`, person)
		}
		return err
	})
}

// DigestSubscribers returns the people who want their personal weekly
// digest, sorted.
func (db *DB) DigestSubscribers(ctx context.Context) ([]string, error) {
	var ids []string
	err := db.view(ctx, "read digest subscribers", func(tx *sql.Tx) (err error) {
		ids, err = queryStrings(ctx, tx, `SELECT person_id FROM digest_subscribers ORDER BY person_id`)
		return err
	})
	return ids, err
}

// DigestSubscribed reports whether person wants their personal weekly
// digest.
func (db *DB) DigestSubscribed(ctx context.Context, person string) (bool, error) {
	return db.exists(ctx, "read digest subscription of "+person, `SELECT EXISTS (SELECT 1 FROM digest_subscribers WHERE person_id = ?)`, person)
}
