package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/nextdesk/nextdesk/knowledge"
	"github.com/nextdesk/nextdesk/knowledge/desk"
)

// Notify records a notice, due at once, and returns its id. A notice whose
// key was recorded before is not recorded again: the id of the first is
// returned. It returns an EINVALID error if n has no key or no body, or
// waits on an After that is not a recorded notice.
func (d *deskTx) Notify(ctx context.Context, n desk.Notice) (int64, error) {
	if n.Key == "" {
		return 0, knowledge.Errorf(knowledge.EINVALID, "A notice needs a key.")
	}
	kind, payload, err := n.Encode()
	if err != nil {
		return 0, err
	}
	var after sql.NullInt64
	if n.After != 0 {
		var found bool
		if err := d.t.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM outbox WHERE id = ?)`, n.After).Scan(&found); err != nil {
			return 0, fmt.Errorf("notify %s: %w", n.Key, err)
		}
		if !found {
			return 0, knowledge.Errorf(knowledge.EINVALID, "Notice %s waits on unknown notice %d.", n.Key, n.After)
		}
		after = sql.NullInt64{Int64: n.After, Valid: true}
	}
	members := ""
	if len(n.Place.Members) > 0 {
		members = jsonIDs(n.Place.Members)
	}
	var id int64
	err = d.t.QueryRowContext(ctx, `
		INSERT INTO outbox (key, kind, payload, after, state, attempts, due_at, created_at,
			channel, ts, error, place_question, place_members, place_thread, place_relay)
		VALUES (?, ?, ?, ?, ?, 0, 0, ?, '', '', '', ?, ?, ?, ?)
		ON CONFLICT (key) DO NOTHING
		RETURNING id`,
		n.Key, kind, string(payload), after, desk.OutboxPending, nanos(d.t.now),
		n.Place.QuestionID, members, n.Place.Thread, n.Place.Relay).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		err = d.t.QueryRowContext(ctx, `SELECT id FROM outbox WHERE key = ?`, n.Key).Scan(&id)
		return id, err
	}
	if err != nil {
		return 0, fmt.Errorf("notify %s: %w", n.Key, err)
	}
	d.notices++
	return id, nil
}

// Outgoing returns the notice recorded with key and where its delivery
// stands, or an ENOTFOUND error. The desk reads it to reuse a delivery's
// result (the thread its question's post started); the chat adapter, to
// show again a card someone clicked.
func (r reader) Outgoing(ctx context.Context, key string) (desk.Outgoing, error) {
	ms, err := queryOutgoing(ctx, r.tx, `WHERE o.key = ?`, key)
	if err != nil {
		return desk.Outgoing{}, err
	}
	if len(ms) == 0 {
		return desk.Outgoing{}, errOutgoingNotFound()
	}
	return ms[0], nil
}

// Outgoing returns the notice recorded with key, as the reader of View
// does.
func (db *DB) Outgoing(ctx context.Context, key string) (desk.Outgoing, error) {
	var m desk.Outgoing
	err := db.view(ctx, "read notice "+key, func(tx *sql.Tx) (err error) {
		m, err = reader{tx}.Outgoing(ctx, key)
		return err
	})
	return m, err
}

// DueOutgoing returns up to limit pending notices due at now whose
// dependency, if any, is delivered, oldest first, with the dependency's
// result. A notice whose dependency failed failed with it (MarkFailed),
// and Prune keeps every notice a pending one depends on.
func (db *DB) DueOutgoing(ctx context.Context, now time.Time, limit int) ([]desk.Outgoing, error) {
	var ms []desk.Outgoing
	err := db.view(ctx, "read due outgoing messages", func(tx *sql.Tx) error {
		var err error
		ms, err = queryOutgoing(ctx, tx, `
			WHERE o.state = ? AND o.due_at <= ? AND (o.after IS NULL OR d.state = ?)
			ORDER BY o.due_at, o.id LIMIT ?`,
			desk.OutboxPending, dueNanos(now), desk.OutboxSent, limit)
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
			dueNanos(until), id, desk.OutboxPending, dueNanos(now))
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
		if err != nil || m.State != desk.OutboxPending {
			return err
		}
		_, err = t.ExecContext(ctx, `
			UPDATE outbox SET state = ?, sent_at = ?, channel = ?, ts = ?, error = ''
			WHERE id = ?`, desk.OutboxSent, nanos(t.now), channel, ts, id)
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
			WHERE id = ? AND state = ?`, dueNanos(due), reason, id, desk.OutboxPending)
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
			WHERE id = ? AND state = ?`, desk.OutboxFailed, reason, id, desk.OutboxPending); err != nil {
			return err
		}
		res, err := t.ExecContext(ctx, `
			WITH RECURSIVE deps (id) AS (
				SELECT id FROM outbox WHERE after = ?1
				UNION SELECT o.id FROM outbox o JOIN deps ON o.after = deps.id)
			UPDATE outbox SET state = ?2, error = 'the message it depends on failed'
			WHERE id IN deps AND state = ?3`, id, desk.OutboxFailed, desk.OutboxPending)
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
		return tx.QueryRowContext(ctx, `SELECT count(*) FROM outbox WHERE state = ?`, desk.OutboxPending).Scan(&n)
	})
	return n, err
}

// PlacingThread reports whether a notice that will start a question's
// thread in channel is still on its way: one to channel, or one to a group
// DM not opened yet, whose channel nobody knows, or one that starts an
// anonymous question's relay in a person's DM. The chat tool may already
// hold such a message, and a reply in its thread, before the delivery
// records where it landed; the desk then waits instead of taking the reply
// for one in a thread it does not follow.
func (r reader) PlacingThread(ctx context.Context, channel string) (bool, error) {
	var placing bool
	err := r.tx.QueryRowContext(ctx, `
		SELECT EXISTS (SELECT 1 FROM outbox
		WHERE state = ? AND (place_members <> '' OR place_relay <> 0 OR (place_thread <> 0 AND json_extract(payload, '$.to.conversation') = ?)))`,
		desk.OutboxPending, channel).Scan(&placing)
	if err != nil {
		return false, fmt.Errorf("look for thread starters on their way to %s: %w", channel, err)
	}
	return placing, nil
}

// OutgoingSince returns every notice recorded with an id above after, in
// order, whatever its state; for tests and the status command.
func (db *DB) OutgoingSince(ctx context.Context, after int64) ([]desk.Outgoing, error) {
	var ms []desk.Outgoing
	err := db.view(ctx, "read outgoing messages", func(tx *sql.Tx) error {
		var err error
		ms, err = queryOutgoing(ctx, tx, `WHERE o.id > ? ORDER BY o.id`, after)
		return err
	})
	return ms, err
}

// place moves a question into channel and, for a thread starter, into the
// thread ts, with its ask.
func (t *tx) place(ctx context.Context, p desk.Place, channel, ts string) error {
	if p.Relay {
		return t.placeRelay(ctx, p.QuestionID, channel, ts)
	}
	if len(p.Members) > 0 {
		// One member is a person's DM with the bot: an expert asked an
		// anonymous question there.
		kind := knowledge.KindGroupDM
		if len(p.Members) == 1 {
			kind = knowledge.KindDM
		}
		if err := t.upsertConversation(ctx, knowledge.Conversation{ID: channel, Kind: kind, Members: p.Members}); err != nil {
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

func outgoingInTx(ctx context.Context, t *tx, id int64) (desk.Outgoing, error) {
	ms, err := queryOutgoing(ctx, t.Tx, `WHERE o.id = ?`, id)
	if err != nil {
		return desk.Outgoing{}, err
	}
	if len(ms) == 0 {
		return desk.Outgoing{}, errOutgoingNotFound()
	}
	return ms[0], nil
}

func queryOutgoing(ctx context.Context, tx *sql.Tx, clause string, args ...any) ([]desk.Outgoing, error) {
	rows, err := tx.QueryContext(ctx, `
		SELECT o.id, o.key, o.kind, o.payload, coalesce(o.after, 0), coalesce(d.channel, ''), coalesce(d.ts, ''),
			o.state, o.attempts, o.due_at, o.created_at, o.sent_at, o.channel, o.ts, o.error,
			o.place_question, o.place_members, o.place_thread, o.place_relay
		FROM outbox o LEFT JOIN outbox d ON d.id = o.after `+clause, args...)
	if err != nil {
		return nil, fmt.Errorf("read notices: %w", err)
	}
	defer rows.Close()
	var ms []desk.Outgoing
	for rows.Next() {
		var (
			m                desk.Outgoing
			kind             desk.Kind
			payload, members string
			due              int64
			created, sent    sql.NullInt64
		)
		if err := rows.Scan(&m.ID, &m.Key, &kind, &payload, &m.After, &m.AfterChannel, &m.AfterTS,
			&m.State, &m.Attempts, &due, &created, &sent, &m.Channel, &m.TS, &m.Error,
			&m.Place.QuestionID, &members, &m.Place.Thread, &m.Place.Relay); err != nil {
			return nil, fmt.Errorf("read notices: %w", err)
		}
		m.DueAt, m.CreatedAt, m.SentAt = fromNanos(sql.NullInt64{Int64: due, Valid: due != 0}), fromNanos(created), fromNanos(sent)
		if members != "" {
			if err := json.Unmarshal([]byte(members), &m.Place.Members); err != nil {
				return nil, fmt.Errorf("notice %d: members: %w", m.ID, err)
			}
		}
		// A notice that cannot be decoded is still returned, with no body,
		// so its delivery can fail it by name instead of every read of the
		// outbox failing.
		if err := m.Decode(kind, []byte(payload)); err != nil {
			m.Error = err.Error()
		}
		ms = append(ms, m)
	}
	return ms, rows.Err()
}

func errOutgoingNotFound() error {
	return knowledge.Errorf(knowledge.ENOTFOUND, "That notice does not exist.")
}
