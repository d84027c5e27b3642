package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/nextdesk/nextdesk/knowledge"
)

// UpsertPerson writes p, replacing what was known about the same id,
// whether they are restricted included. It returns an EINVALID error if p
// has no id.
func (db *DB) UpsertPerson(ctx context.Context, p knowledge.Person) error {
	if err := validatePerson(p); err != nil {
		return err
	}
	return db.update(ctx, "upsert person "+p.ID, func(t *tx) error {
		if err := t.upsertPerson(ctx, p); err != nil {
			return err
		}
		return t.setRestricted(ctx, p)
	})
}

// Person returns the person with the given id, or an ENOTFOUND error.
func (db *DB) Person(ctx context.Context, id string) (knowledge.Person, error) {
	people, err := db.People(ctx, []string{id})
	if err != nil {
		return knowledge.Person{}, err
	}
	p, ok := people[id]
	if !ok {
		return knowledge.Person{}, knowledge.Errorf(knowledge.ENOTFOUND, "That person is unknown.")
	}
	return p, nil
}

// People returns the known people among ids, keyed by id. Unknown ids are
// left out.
func (db *DB) People(ctx context.Context, ids []string) (map[string]knowledge.Person, error) {
	var people map[string]knowledge.Person
	err := db.view(ctx, "read people", func(tx *sql.Tx) (err error) {
		people, err = readPeople(ctx, tx, ids)
		return err
	})
	if err != nil {
		return nil, err
	}
	return people, nil
}

// readPeople reads the known people among ids.
func readPeople(ctx context.Context, tx *sql.Tx, ids []string) (map[string]knowledge.Person, error) {
	people := make(map[string]knowledge.Person, len(ids))
	if len(ids) == 0 {
		return people, nil
	}
	rows, err := tx.QueryContext(ctx, `
		SELECT id, name, email, tz, tz_offset, locale, bot, deleted, restricted
		FROM people WHERE id IN (SELECT value FROM json_each(?))`, jsonIDs(ids))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var p knowledge.Person
		if err := rows.Scan(&p.ID, &p.Name, &p.Email, &p.TZ, &p.TZOffset, &p.Locale, &p.Bot, &p.Deleted, &p.Restricted); err != nil {
			return nil, err
		}
		people[p.ID] = p
	}
	return people, rows.Err()
}

// Conversation returns the conversation with the given id and its members
// sorted, or an ENOTFOUND error.
func (db *DB) Conversation(ctx context.Context, id string) (knowledge.Conversation, error) {
	var c knowledge.Conversation
	err := db.view(ctx, "read conversation "+id, func(tx *sql.Tx) (err error) {
		c, err = reader{tx}.Conversation(ctx, id)
		return err
	})
	if err != nil {
		return knowledge.Conversation{}, err
	}
	return c, nil
}

func validatePerson(p knowledge.Person) error {
	if p.ID == "" {
		return knowledge.Errorf(knowledge.EINVALID, "A person needs an id.")
	}
	return nil
}

func validateConversation(c knowledge.Conversation) error {
	if c.ID == "" {
		return knowledge.Errorf(knowledge.EINVALID, "A conversation needs an id.")
	}
	if !c.Kind.Valid() {
		return knowledge.Errorf(knowledge.EINVALID, "Conversation %s has an unknown kind %q.", c.ID, c.Kind)
	}
	return nil
}

// upsertPerson writes p. An empty e-mail keeps the one known: Slack's
// users.info leaves it out without the users:read.email scope, and an
// export's redacted addresses are empty too, yet an address imported
// before is what `import org` resolves people by.
func (t *tx) upsertPerson(ctx context.Context, p knowledge.Person) error {
	_, err := t.ExecContext(ctx, `
		INSERT INTO people (id, name, email, tz, tz_offset, locale, bot, deleted)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET
			name = excluded.name, email = coalesce(nullif(excluded.email, ''), email), tz = excluded.tz,
			tz_offset = excluded.tz_offset, locale = excluded.locale,
			bot = excluded.bot, deleted = excluded.deleted
		WHERE (name, email, tz, tz_offset, locale, bot, deleted) IS NOT
			(excluded.name, coalesce(nullif(excluded.email, ''), email), excluded.tz, excluded.tz_offset,
			 excluded.locale, excluded.bot, excluded.deleted)`,
		p.ID, knowledge.CleanText(p.Name), knowledge.CleanText(p.Email), p.TZ, p.TZOffset,
		p.Locale, p.Bot, p.Deleted)
	if err != nil {
		return fmt.Errorf("write person %s: %w", p.ID, err)
	}
	return nil
}

// stampConversation gives every live question of a conversation a new
// revision.
func (t *tx) stampConversation(ctx context.Context, conversationID string) error {
	ids, err := queryStrings(ctx, t, `SELECT id FROM questions WHERE conversation_id = ? AND NOT deleted ORDER BY rev`, conversationID)
	if err != nil {
		return fmt.Errorf("restamp conversation %s: %w", conversationID, err)
	}
	for _, id := range ids {
		if err := t.stamp(ctx, id); err != nil {
			return err
		}
	}
	return nil
}

// jsonIDs encodes ids as a JSON array for json_each, which takes a list of
// any length as one parameter and one cached statement.
func jsonIDs(ids []string) string {
	b, _ := json.Marshal(ids) // a []string always marshals
	return string(b)
}

// setRestricted records whether p may read only the conversations they are
// in. Only the chat tool, which knows, says so: an import leaves it alone.
func (t *tx) setRestricted(ctx context.Context, p knowledge.Person) error {
	if _, err := t.ExecContext(ctx, `UPDATE people SET restricted = ? WHERE id = ? AND restricted <> ?`, p.Restricted, p.ID, p.Restricted); err != nil {
		return fmt.Errorf("write person %s: %w", p.ID, err)
	}
	return nil
}

// Deactivated returns at most limit people who answered questions, were
// last seen deactivated, and were read from the chat tool before
// readBefore (or never), read longest ago first (desk.Reader).
func (r reader) Deactivated(ctx context.Context, readBefore time.Time, limit int) ([]string, error) {
	ids, err := queryStrings(ctx, r.tx, `
		SELECT p.id
		FROM people p
		LEFT JOIN fetched f ON f.what = 'person' AND f.id = p.id
		WHERE p.deleted AND NOT p.bot
		  AND (f.at IS NULL OR f.at < ?)
		  AND EXISTS (SELECT 1 FROM answerer_hours h WHERE h.person_id = p.id)
		ORDER BY coalesce(f.at, 0), p.id
		LIMIT ?`, readBefore.UnixNano(), limit)
	if err != nil {
		return nil, fmt.Errorf("read deactivated people: %w", err)
	}
	return ids, nil
}
