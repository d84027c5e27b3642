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

// Inbox states.
const (
	inboxPending  = "pending"
	inboxHandling = "handling"
	inboxParked   = "parked"
)

// RecordInbound keeps d in the inbox, to be handled, unless its key is
// there already or was handled before; it reports whether d was recorded.
// The write is synced to disk before it returns, whatever the store's
// usual synchronous setting: the chat tool is told the delivery arrived
// only afterwards, and will not send it again, so not even a power cut may
// lose it. It returns an EINVALID error if d has no key, and the store's
// error when the disk cannot take the write.
func (db *DB) RecordInbound(ctx context.Context, d desk.Delivery) (bool, error) {
	if d.Key == "" {
		return false, knowledge.Errorf(knowledge.EINVALID, "A delivery needs a key to be kept.")
	}
	if d.Received.IsZero() {
		d.Received = db.now()
	}
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return false, fmt.Errorf("sqlite: record delivery %s: %w", d.Key, err)
	}
	defer conn.Close()
	// The single writer connection runs NORMAL (synced at checkpoints
	// only); this one commit is synced in full, then the connection goes
	// back to NORMAL for the next writer.
	if _, err := conn.ExecContext(ctx, `PRAGMA synchronous = FULL`); err != nil {
		return false, fmt.Errorf("sqlite: record delivery %s: %w", d.Key, err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA synchronous = NORMAL`)

	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("sqlite: record delivery %s: %w", d.Key, err)
	}
	defer tx.Rollback()
	received := nanos(d.Received)
	res, err := tx.ExecContext(ctx, `
		INSERT INTO inbox (key, kind, payload, retry, received_at, since, attempts, due_at, state, error)
		SELECT ?1, ?2, ?3, ?4, ?5, ?5, 0, ?5, ?6, ''
		WHERE NOT EXISTS (SELECT 1 FROM inbound_keys WHERE key = ?1)
		ON CONFLICT (key) DO NOTHING`,
		d.Key, d.Kind, d.Payload, d.Retry, received, inboxPending)
	if err != nil {
		return false, fmt.Errorf("sqlite: record delivery %s: %w", d.Key, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("sqlite: record delivery %s: %w", d.Key, err)
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("sqlite: record delivery %s: commit: %w", d.Key, err)
	}
	return n == 1, nil
}

// ClaimInbound takes up to limit pending deliveries due at now, the
// earliest due first, for handling: each counts an attempt, is due again
// at now plus retry(attempts) should its handler never report back (the
// process died), and is not returned again until FinishInbound,
// RetryInbound or ParkInbound, or ReleaseInbound at the next start.
func (db *DB) ClaimInbound(ctx context.Context, now time.Time, limit int, retry func(attempts int) time.Duration) ([]desk.Delivery, error) {
	var ds []desk.Delivery
	err := db.update(ctx, "claim deliveries", func(t *tx) error {
		var err error
		ds, err = queryDeliveries(ctx, t.Tx, `WHERE state = ? AND due_at <= ? ORDER BY due_at, id LIMIT ?`,
			inboxPending, dueNanos(now), limit)
		if err != nil {
			return err
		}
		for i := range ds {
			d := &ds[i]
			d.Attempts++
			d.DueAt = now.Add(retry(d.Attempts))
			if _, err := t.ExecContext(ctx, `UPDATE inbox SET state = ?, attempts = ?, due_at = ? WHERE key = ?`,
				inboxHandling, d.Attempts, dueNanos(d.DueAt), d.Key); err != nil {
				return err
			}
		}
		return nil
	})
	return ds, err
}

// FinishInbound removes a delivery that was handled.
func (db *DB) FinishInbound(ctx context.Context, key string) error {
	return db.update(ctx, "finish delivery "+key, func(t *tx) error {
		_, err := t.ExecContext(ctx, `DELETE FROM inbox WHERE key = ?`, key)
		return err
	})
}

// RetryInbound puts a delivery whose handling failed back in the inbox,
// due at due, with the reason.
func (db *DB) RetryInbound(ctx context.Context, key string, due time.Time, reason string) error {
	return db.update(ctx, "retry delivery "+key, func(t *tx) error {
		_, err := t.ExecContext(ctx, `UPDATE inbox SET state = ?, due_at = ?, error = ? WHERE key = ? AND state <> ?`,
			inboxPending, dueNanos(due), reason, key, inboxParked)
		return err
	})
}

// ParkInbound sets a delivery aside, with the reason: it is not tried again
// until RequeueParked, and it stays in the inbox for an operator to see.
func (db *DB) ParkInbound(ctx context.Context, key, reason string) error {
	return db.update(ctx, "park delivery "+key, func(t *tx) error {
		_, err := t.ExecContext(ctx, `UPDATE inbox SET state = ?, error = ? WHERE key = ?`, inboxParked, reason, key)
		return err
	})
}

// ReleaseInbound makes the deliveries claimed by a process that stopped
// without reporting back claimable again, at the due time their claim set,
// and returns how many there were. Only the process that owns the data
// directory may call it (at start), since it cannot tell a dead claimer
// from a live one.
func (db *DB) ReleaseInbound(ctx context.Context) (int64, error) {
	var n int64
	err := db.update(ctx, "release claimed deliveries", func(t *tx) error {
		res, err := t.ExecContext(ctx, `UPDATE inbox SET state = ? WHERE state = ?`, inboxPending, inboxHandling)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}

// RequeueParked gives every parked delivery another chance: due at now,
// with its bounded age starting again now. It returns how many there were.
func (db *DB) RequeueParked(ctx context.Context, now time.Time) (int64, error) {
	var n int64
	err := db.update(ctx, "requeue parked deliveries", func(t *tx) error {
		res, err := t.ExecContext(ctx, `UPDATE inbox SET state = ?, since = ?, due_at = ? WHERE state = ?`,
			inboxPending, nanos(now), dueNanos(now), inboxParked)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}

// InboxStats counts the deliveries pending and parked, with the earliest
// due time of those waiting and the receipt of the oldest pending.
func (db *DB) InboxStats(ctx context.Context) (desk.InboxStats, error) {
	var (
		s                desk.InboxStats
		oldest, received sql.NullInt64
	)
	err := db.view(ctx, "inbox stats", func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `
			SELECT
				count(*) FILTER (WHERE state <> ?1),
				count(*) FILTER (WHERE state = ?1),
				min(due_at) FILTER (WHERE state = ?2),
				min(received_at) FILTER (WHERE state <> ?1)
			FROM inbox`, inboxParked, inboxPending).Scan(&s.Pending, &s.Parked, &oldest, &received)
	})
	if oldest.Valid {
		s.OldestDue = time.Unix(0, oldest.Int64).UTC()
	}
	s.OldestReceived = fromNanos(received)
	return s, err
}

// PendingBefore reports whether a delivery other than key, received before
// t, is still waiting to be handled or being handled.
func (db *DB) PendingBefore(ctx context.Context, key string, t time.Time) (bool, error) {
	return db.exists(ctx, "look for earlier deliveries", `
		SELECT EXISTS (SELECT 1 FROM inbox
		WHERE state IN (?, ?) AND received_at < ? AND key <> ?)`,
		inboxPending, inboxHandling, nanos(t), key)
}

// ParkedInbound returns up to limit parked deliveries, the oldest first.
func (db *DB) ParkedInbound(ctx context.Context, limit int) ([]desk.Delivery, error) {
	var ds []desk.Delivery
	err := db.view(ctx, "read parked deliveries", func(tx *sql.Tx) (err error) {
		ds, err = queryDeliveries(ctx, tx, `WHERE state = ? ORDER BY received_at, id LIMIT ?`, inboxParked, limit)
		return err
	})
	return ds, err
}

// Heartbeat writes one row, to tell whether the store takes writes now:
// it returns the store's error when the disk is full or read-only or the
// file is damaged.
func (db *DB) Heartbeat(ctx context.Context) error {
	return db.update(ctx, "heartbeat", func(t *tx) error {
		res, err := t.ExecContext(ctx, `UPDATE heartbeat SET at = ?`, nanos(t.now))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return errors.Join(err, errors.New("the heartbeat row is missing"))
		}
		return nil
	})
}

func queryDeliveries(ctx context.Context, tx *sql.Tx, clause string, args ...any) ([]desk.Delivery, error) {
	rows, err := tx.QueryContext(ctx, `
		SELECT key, kind, payload, retry, received_at, since, attempts, due_at, state, error
		FROM inbox `+clause, args...)
	if err != nil {
		return nil, fmt.Errorf("read deliveries: %w", err)
	}
	defer rows.Close()
	var ds []desk.Delivery
	for rows.Next() {
		var (
			d                    desk.Delivery
			received, since, due int64
			state                string
		)
		if err := rows.Scan(&d.Key, &d.Kind, &d.Payload, &d.Retry, &received, &since, &d.Attempts, &due, &state, &d.Error); err != nil {
			return nil, fmt.Errorf("read deliveries: %w", err)
		}
		d.Received, d.Since, d.DueAt = time.Unix(0, received).UTC(), time.Unix(0, since).UTC(), time.Unix(0, due).UTC()
		d.Parked = state == inboxParked
		ds = append(ds, d)
	}
	return ds, rows.Err()
}
