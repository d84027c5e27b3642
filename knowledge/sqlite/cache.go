package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/nextdesk/nextdesk/knowledge"
)

// Fetched returns when a person (what is "person") was last read from the
// chat tool, the zero time if never. A conversation's read time is its
// Read.
func (db *DB) Fetched(ctx context.Context, what, id string) (time.Time, error) {
	var at sql.NullInt64
	err := db.view(ctx, "read fetch time", func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT at FROM fetched WHERE what = ? AND id = ?`, what, id).Scan(&at)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		return err
	})
	return fromNanos(at), err
}

// CachePerson stores a person as just read from the chat tool, with the
// time it was read, so the bot asks again only once the copy is old. It
// returns an EINVALID error if p has no id.
func (db *DB) CachePerson(ctx context.Context, p knowledge.Person, at time.Time) error {
	if err := validatePerson(p); err != nil {
		return err
	}
	return db.update(ctx, "cache person "+p.ID, func(t *tx) error {
		if err := t.upsertPerson(ctx, p); err != nil {
			return err
		}
		if err := t.setRestricted(ctx, p); err != nil {
			return err
		}
		return t.setFetched(ctx, "person", p.ID, at)
	})
}

// CacheConversation stores a conversation and its members as read from
// the chat tool at at (the time the read began), unless what is stored was
// read later; a read that began before an event took access away may only
// take access away too (see RemoveMember). It returns an EINVALID error if
// c has no id or an unknown kind, or at is zero.
func (db *DB) CacheConversation(ctx context.Context, c knowledge.Conversation, at time.Time) error {
	if err := validateConversation(c); err != nil {
		return err
	}
	if at.IsZero() || !validTime(at) {
		return knowledge.Errorf(knowledge.EINVALID, "Conversation %s needs the time it was read.", c.ID)
	}
	c.Read = at
	return db.update(ctx, "cache conversation "+c.ID, func(t *tx) error {
		return t.upsertConversation(ctx, c)
	})
}

func (t *tx) setFetched(ctx context.Context, what, id string, at time.Time) error {
	_, err := t.ExecContext(ctx, `
		INSERT INTO fetched (what, id, at) VALUES (?, ?, ?)
		ON CONFLICT (what, id) DO UPDATE SET at = excluded.at`, what, id, at.UnixNano())
	if err != nil {
		return fmt.Errorf("record fetch of %s %s: %w", what, id, err)
	}
	return nil
}
