package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/nextdesk/nextdesk/knowledge"
)

// OutboxState is where an outgoing message stands.
type OutboxState string

// Outgoing message states: pending until delivered, or failed for good.
const (
	OutboxPending OutboxState = "pending"
	OutboxSent    OutboxState = "sent"
	OutboxFailed  OutboxState = "failed"
)

// Outgoing is one Slack call the bot decided to make, kept until it is
// delivered so that a restart or an outage loses nothing.
type Outgoing struct {
	ID int64
	// Key makes enqueueing idempotent: a second message with the same key
	// is not added.
	Key string
	// Method names the Slack call, e.g. "chat.postMessage"; the store does
	// not interpret it or the payload.
	Method  string
	Payload json.RawMessage
	// After is the id of the message whose result this one needs (0 for
	// none). It is not due before After is delivered, and fails if After
	// fails.
	After int64
	// AfterChannel and AfterTS are After's result once delivered, filled in
	// by DueOutgoing.
	AfterChannel, AfterTS string
	// Place is what delivering this message teaches about a question.
	Place Place
	State OutboxState
	// Attempts counts the claims to send the message (Claim). An attempt
	// whose outcome was not recorded, because the deliverer died mid-call,
	// still counts: Slack may have the message.
	Attempts  int
	DueAt     time.Time
	CreatedAt time.Time
	SentAt    time.Time
	// Channel and TS are the result of the delivered call: the channel
	// posted to or opened, and the message's ts.
	Channel, TS string
	Error       string
}

// Place says that delivering a message puts a question somewhere: into
// the conversation the message went to (a group DM just opened, whose
// members are Members) and, when Thread is set, into the thread the
// message starts.
type Place struct {
	QuestionID string
	Members    []string
	Thread     bool
}

// Enqueue adds an outgoing message, due at once unless m.DueAt is set, and
// returns its id. A message whose key was enqueued before is not added
// again: the id of the first is returned. It returns an EINVALID error if m
// has no key or method, a payload that is not JSON, or an After that is
// not an enqueued message.
func (b *BotTx) Enqueue(ctx context.Context, m Outgoing) (int64, error) {
	if m.Key == "" || m.Method == "" {
		return 0, knowledge.Errorf(knowledge.EINVALID, "An outgoing message needs a key and a method.")
	}
	if !json.Valid(m.Payload) {
		return 0, knowledge.Errorf(knowledge.EINVALID, "The payload of outgoing message %s is not JSON.", m.Key)
	}
	if !validTime(m.DueAt) {
		return 0, knowledge.Errorf(knowledge.EINVALID, "Outgoing message %s has a due time out of range.", m.Key)
	}
	var after sql.NullInt64
	if m.After != 0 {
		var n int
		if err := b.t.QueryRowContext(ctx, `SELECT count(*) FROM outbox WHERE id = ?`, m.After).Scan(&n); err != nil {
			return 0, fmt.Errorf("enqueue %s: %w", m.Key, err)
		}
		if n == 0 {
			return 0, knowledge.Errorf(knowledge.EINVALID, "Outgoing message %s waits on unknown message %d.", m.Key, m.After)
		}
		after = sql.NullInt64{Int64: m.After, Valid: true}
	}
	members := ""
	if len(m.Place.Members) > 0 {
		members = jsonIDs(m.Place.Members)
	}
	var id int64
	err := b.t.QueryRowContext(ctx, `
		INSERT INTO outbox (key, method, payload, after, state, attempts, due_at, created_at,
			channel, ts, error, place_question, place_members, place_thread)
		VALUES (?, ?, ?, ?, ?, 0, ?, ?, '', '', '', ?, ?, ?)
		ON CONFLICT (key) DO NOTHING
		RETURNING id`,
		m.Key, m.Method, string(m.Payload), after, OutboxPending, dueNanos(m.DueAt), nanos(b.t.now),
		m.Place.QuestionID, members, m.Place.Thread).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		err = b.t.QueryRowContext(ctx, `SELECT id FROM outbox WHERE key = ?`, m.Key).Scan(&id)
		return id, err
	}
	if err != nil {
		return 0, fmt.Errorf("enqueue %s: %w", m.Key, err)
	}
	b.enqueued++
	return id, nil
}

// Outgoing returns the message with the given key, or an ENOTFOUND error.
// The bot reads it to reuse a message's result (the ts of the question it
// posted) in a later delivery.
func (b *BotTx) Outgoing(ctx context.Context, key string) (Outgoing, error) {
	ms, err := queryOutgoing(ctx, b.t.Tx, `WHERE o.key = ?`, key)
	if err != nil {
		return Outgoing{}, err
	}
	if len(ms) == 0 {
		return Outgoing{}, errOutgoingNotFound()
	}
	return ms[0], nil
}

// DueOutgoing returns up to limit pending messages due at now whose
// dependency, if any, is delivered, oldest first, with the dependency's
// result. A message whose dependency failed failed with it (MarkFailed),
// and Prune keeps every message a pending one depends on.
func (db *DB) DueOutgoing(ctx context.Context, now time.Time, limit int) ([]Outgoing, error) {
	var ms []Outgoing
	err := db.view(ctx, "read due outgoing messages", func(tx *sql.Tx) error {
		var err error
		ms, err = queryOutgoing(ctx, tx, `
			WHERE o.state = ? AND o.due_at <= ? AND (o.after IS NULL OR d.state = ?)
			ORDER BY o.due_at, o.id LIMIT ?`,
			OutboxPending, dueNanos(now), OutboxSent, limit)
		return err
	})
	return ms, err
}

// Claim takes a due message for sending: it reports true, counts an
// attempt, and makes the message not due again before until, only if the
// message is pending and due at now. Two deliverers (a server and a `tasks
// --only deliver` run, or two workers) can then never send the same
// message at once; a deliverer that dies mid-send leaves it due again at
// until, with the attempt counted so the next one knows to look for it in
// Slack first.
func (db *DB) Claim(ctx context.Context, id int64, now, until time.Time) (bool, error) {
	var claimed bool
	err := db.update(ctx, fmt.Sprintf("claim message %d", id), func(t *tx) error {
		res, err := t.ExecContext(ctx, `
			UPDATE outbox SET due_at = ?, attempts = attempts + 1 WHERE id = ? AND state = ? AND due_at <= ?`,
			dueNanos(until), id, OutboxPending, dueNanos(now))
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		claimed = n == 1
		return err
	})
	return claimed, err
}

// MarkSent records that a pending message was delivered with its result
// (channel, ts), and applies its Place in the same transaction: the
// question moves into the channel (a group DM gets its members) and, for
// a thread starter, into the thread. It reports whether a question changed,
// so the index must catch up. Marking a message that is no longer pending
// does nothing. It returns an ENOTFOUND error if the message is unknown.
func (db *DB) MarkSent(ctx context.Context, id int64, channel, ts string) (changed bool, err error) {
	err = db.update(ctx, fmt.Sprintf("mark message %d sent", id), func(t *tx) error {
		m, err := outgoingInTx(ctx, t, id)
		if err != nil || m.State != OutboxPending {
			return err
		}
		_, err = t.ExecContext(ctx, `
			UPDATE outbox SET state = ?, sent_at = ?, channel = ?, ts = ?, error = ''
			WHERE id = ?`, OutboxSent, nanos(t.now), channel, ts, id)
		if err != nil {
			return err
		}
		if m.Place.QuestionID == "" || channel == "" {
			return nil
		}
		if err := t.place(ctx, m.Place, channel, ts); err != nil {
			return err
		}
		changed = t.rev != t.loadedRev
		return nil
	})
	return changed, err
}

// MarkRetry records why an attempt failed and when to try again. It
// returns an ENOTFOUND error if the message is unknown.
func (db *DB) MarkRetry(ctx context.Context, id int64, due time.Time, reason string) error {
	return db.update(ctx, fmt.Sprintf("retry message %d", id), func(t *tx) error {
		return t.execOutgoing(ctx, id, `
			UPDATE outbox SET due_at = ?, error = ?
			WHERE id = ? AND state = ?`, dueNanos(due), reason, id, OutboxPending)
	})
}

// MarkFailed records that a message can never be delivered, and so can
// none of the pending messages that depend on it, directly or not. It
// returns how many dependents failed with it, and an ENOTFOUND error if
// the message is unknown.
func (db *DB) MarkFailed(ctx context.Context, id int64, reason string) (dependents int64, err error) {
	err = db.update(ctx, fmt.Sprintf("fail message %d", id), func(t *tx) error {
		if err := t.execOutgoing(ctx, id, `
			UPDATE outbox SET state = ?, error = ?
			WHERE id = ? AND state = ?`, OutboxFailed, reason, id, OutboxPending); err != nil {
			return err
		}
		res, err := t.ExecContext(ctx, `
			WITH RECURSIVE deps (id) AS (
				SELECT id FROM outbox WHERE after = ?1
				UNION SELECT o.id FROM outbox o JOIN deps ON o.after = deps.id)
			UPDATE outbox SET state = ?2, error = 'the message it depends on failed'
			WHERE id IN deps AND state = ?3`, id, OutboxFailed, OutboxPending)
		if err != nil {
			return err
		}
		dependents, err = res.RowsAffected()
		return err
	})
	return dependents, err
}

// PendingOutgoing counts the messages waiting to be delivered.
func (db *DB) PendingOutgoing(ctx context.Context) (int, error) {
	var n int
	err := db.view(ctx, "count pending messages", func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT count(*) FROM outbox WHERE state = ?`, OutboxPending).Scan(&n)
	})
	return n, err
}

// PlacingThread reports whether a message that will start a question's
// thread in channel is still on its way: one posted to channel, or one
// posted to a group DM not opened yet, whose channel nobody knows. Slack
// may already hold such a message, and a reply in its thread, before the
// delivery records where it landed; the bot then waits instead of taking
// the reply for one in a thread it does not follow.
func (db *DB) PlacingThread(ctx context.Context, channel string) (bool, error) {
	return db.exists(ctx, "look for thread starters on their way to "+channel, `
		SELECT EXISTS (SELECT 1 FROM outbox
		WHERE state = ? AND (place_members <> '' OR (place_thread <> 0 AND json_extract(payload, '$.channel') = ?)))`,
		OutboxPending, channel)
}

// OutgoingSince returns every message enqueued with an id above after, in
// order, whatever its state; for tests and the status command.
func (db *DB) OutgoingSince(ctx context.Context, after int64) ([]Outgoing, error) {
	var ms []Outgoing
	err := db.view(ctx, "read outgoing messages", func(tx *sql.Tx) error {
		var err error
		ms, err = queryOutgoing(ctx, tx, `WHERE o.id > ? ORDER BY o.id`, after)
		return err
	})
	return ms, err
}

// place moves a question into channel and, for a thread starter, into the
// thread ts, with its ask.
func (t *tx) place(ctx context.Context, p Place, channel, ts string) error {
	if len(p.Members) > 0 {
		if err := t.upsertConversation(ctx, knowledge.Conversation{ID: channel, Kind: knowledge.KindGroupDM, Members: p.Members}); err != nil {
			return err
		}
	}
	thread := ""
	if p.Thread {
		thread = ts
	}
	res, err := t.ExecContext(ctx, `
		UPDATE questions SET conversation_id = ?1, thread = CASE WHEN ?2 <> '' THEN ?2 ELSE thread END
		WHERE id = ?3 AND NOT deleted
		  AND (conversation_id <> ?1 OR (?2 <> '' AND thread <> ?2))`, channel, thread, p.QuestionID)
	if err != nil {
		return fmt.Errorf("place question %s: %w", p.QuestionID, err)
	}
	if n, _ := res.RowsAffected(); n > 0 {
		if err := t.stamp(ctx, p.QuestionID); err != nil {
			return err
		}
	}
	// The thread of a new place replaces the old one, so replies there
	// are captured; a thread starter posted elsewhere leaves it alone.
	_, err = t.ExecContext(ctx, `
		UPDATE asks SET channel = ?1, thread = CASE WHEN ?2 <> '' THEN ?2 WHEN channel <> ?1 THEN '' ELSE thread END, updated_at = ?3
		WHERE question_id = ?4`, channel, thread, nanos(t.now), p.QuestionID)
	if err != nil {
		return fmt.Errorf("place ask %s: %w", p.QuestionID, err)
	}
	return nil
}

// execOutgoing runs a statement that changes message id if it is still
// pending, and reports an unknown message as not found.
func (t *tx) execOutgoing(ctx context.Context, id int64, query string, args ...any) error {
	res, err := t.ExecContext(ctx, query, args...)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n > 0 {
		return err
	}
	var exists int
	if err := t.QueryRowContext(ctx, `SELECT count(*) FROM outbox WHERE id = ?`, id).Scan(&exists); err != nil {
		return err
	}
	if exists == 0 {
		return errOutgoingNotFound()
	}
	return nil
}

// dueNanos encodes a due time; the zero time is due at once.
func dueNanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func outgoingInTx(ctx context.Context, t *tx, id int64) (Outgoing, error) {
	ms, err := queryOutgoing(ctx, t.Tx, `WHERE o.id = ?`, id)
	if err != nil {
		return Outgoing{}, err
	}
	if len(ms) == 0 {
		return Outgoing{}, errOutgoingNotFound()
	}
	return ms[0], nil
}

func queryOutgoing(ctx context.Context, tx *sql.Tx, clause string, args ...any) ([]Outgoing, error) {
	rows, err := tx.QueryContext(ctx, `
		SELECT o.id, o.key, o.method, o.payload, coalesce(o.after, 0), coalesce(d.channel, ''), coalesce(d.ts, ''),
			o.state, o.attempts, o.due_at, o.created_at, o.sent_at, o.channel, o.ts, o.error,
			o.place_question, o.place_members, o.place_thread
		FROM outbox o LEFT JOIN outbox d ON d.id = o.after `+clause, args...)
	if err != nil {
		return nil, fmt.Errorf("read outgoing messages: %w", err)
	}
	defer rows.Close()
	var ms []Outgoing
	for rows.Next() {
		var (
			m                Outgoing
			payload, members string
			due              int64
			created, sent    sql.NullInt64
		)
		if err := rows.Scan(&m.ID, &m.Key, &m.Method, &payload, &m.After, &m.AfterChannel, &m.AfterTS,
			&m.State, &m.Attempts, &due, &created, &sent, &m.Channel, &m.TS, &m.Error,
			&m.Place.QuestionID, &members, &m.Place.Thread); err != nil {
			return nil, fmt.Errorf("read outgoing messages: %w", err)
		}
		m.Payload = json.RawMessage(payload)
		m.DueAt, m.CreatedAt, m.SentAt = fromNanos(sql.NullInt64{Int64: due, Valid: due != 0}), fromNanos(created), fromNanos(sent)
		if members != "" {
			if err := json.Unmarshal([]byte(members), &m.Place.Members); err != nil {
				return nil, fmt.Errorf("outgoing message %d: members: %w", m.ID, err)
			}
		}
		ms = append(ms, m)
	}
	return ms, rows.Err()
}

func errOutgoingNotFound() error {
	return knowledge.Errorf(knowledge.ENOTFOUND, "That outgoing message does not exist.")
}
