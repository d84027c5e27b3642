package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/nextdesk/nextdesk/knowledge"
)

// UpsertPerson writes p, replacing what was known about the same id. It
// returns an EINVALID error if p has no id.
func (db *DB) UpsertPerson(ctx context.Context, p knowledge.Person) error {
	if err := validatePerson(p); err != nil {
		return err
	}
	return db.update(ctx, "upsert person "+p.ID, func(t *tx) error {
		return t.upsertPerson(ctx, p)
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
		SELECT id, name, email, tz, tz_offset, locale, bot, deleted
		FROM people WHERE id IN (SELECT value FROM json_each(?))`, jsonIDs(ids))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var p knowledge.Person
		if err := rows.Scan(&p.ID, &p.Name, &p.Email, &p.TZ, &p.TZOffset, &p.Locale, &p.Bot, &p.Deleted); err != nil {
			return nil, err
		}
		people[p.ID] = p
	}
	return people, rows.Err()
}

// UpsertConversation writes c and replaces its member list with c.Members
// (kept only for non-public conversations). When c becomes public or stops
// being public, every question in it gets a new revision so the index
// learns who may now find it. It returns an EINVALID error if c has no id
// or an unknown kind.
func (db *DB) UpsertConversation(ctx context.Context, c knowledge.Conversation) error {
	if err := validateConversation(c); err != nil {
		return err
	}
	return db.update(ctx, "upsert conversation "+c.ID, func(t *tx) error {
		return t.upsertConversation(ctx, c)
	})
}

// Conversation returns the conversation with the given id and its members
// sorted, or an ENOTFOUND error.
func (db *DB) Conversation(ctx context.Context, id string) (knowledge.Conversation, error) {
	var c knowledge.Conversation
	err := db.view(ctx, "read conversation "+id, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT id, name, kind FROM conversations WHERE id = ?`, id).
			Scan(&c.ID, &c.Name, &c.Kind)
		if errors.Is(err, sql.ErrNoRows) {
			return knowledge.Errorf(knowledge.ENOTFOUND, "That conversation is unknown.")
		}
		if err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT person_id FROM members WHERE conversation_id = ? ORDER BY person_id`, id)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var m string
			if err := rows.Scan(&m); err != nil {
				return err
			}
			c.Members = append(c.Members, m)
		}
		return rows.Err()
	})
	if err != nil {
		return knowledge.Conversation{}, err
	}
	return c, nil
}

// Memberships returns the ids of the non-public conversations personID
// belongs to, sorted. An unknown person, or the empty id of the anonymous
// viewer, belongs to none.
func (db *DB) Memberships(ctx context.Context, personID string) ([]string, error) {
	var ids []string
	if personID == "" {
		return ids, nil
	}
	err := db.view(ctx, "read memberships of "+personID, func(tx *sql.Tx) (err error) {
		ids, err = queryStrings(ctx, tx, `
			SELECT m.conversation_id FROM members m
			JOIN conversations c ON c.id = m.conversation_id
			WHERE m.person_id = ? AND c.kind <> ?
			ORDER BY m.conversation_id`, personID, knowledge.KindPublic)
		return err
	})
	if err != nil {
		return nil, err
	}
	return ids, nil
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

func (t *tx) upsertPerson(ctx context.Context, p knowledge.Person) error {
	_, err := t.ExecContext(ctx, `
		INSERT INTO people (id, name, email, tz, tz_offset, locale, bot, deleted)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET
			name = excluded.name, email = excluded.email, tz = excluded.tz,
			tz_offset = excluded.tz_offset, locale = excluded.locale,
			bot = excluded.bot, deleted = excluded.deleted
		WHERE (name, email, tz, tz_offset, locale, bot, deleted) IS NOT
			(excluded.name, excluded.email, excluded.tz, excluded.tz_offset,
			 excluded.locale, excluded.bot, excluded.deleted)`,
		p.ID, knowledge.CleanText(p.Name), knowledge.CleanText(p.Email), p.TZ, p.TZOffset,
		p.Locale, p.Bot, p.Deleted)
	if err != nil {
		return fmt.Errorf("write person %s: %w", p.ID, err)
	}
	return nil
}

func (t *tx) upsertConversation(ctx context.Context, c knowledge.Conversation) error {
	var oldKind knowledge.ConversationKind
	err := t.QueryRowContext(ctx, `SELECT kind FROM conversations WHERE id = ?`, c.ID).Scan(&oldKind)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("read conversation %s: %w", c.ID, err)
	}
	// An unknown conversation counts as not public, so learning that it is
	// public changes its questions' visibility too.
	wasPublic := oldKind == knowledge.KindPublic

	_, err = t.ExecContext(ctx, `
		INSERT INTO conversations (id, name, kind) VALUES (?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET name = excluded.name, kind = excluded.kind
		WHERE (name, kind) IS NOT (excluded.name, excluded.kind)`,
		c.ID, knowledge.CleanText(c.Name), c.Kind)
	if err != nil {
		return fmt.Errorf("write conversation %s: %w", c.ID, err)
	}
	if err := t.replaceMembers(ctx, c); err != nil {
		return err
	}
	if wasPublic != c.Public() {
		return t.stampConversation(ctx, c.ID)
	}
	return nil
}

func (t *tx) replaceMembers(ctx context.Context, c knowledge.Conversation) error {
	if _, err := t.ExecContext(ctx, `DELETE FROM members WHERE conversation_id = ?`, c.ID); err != nil {
		return fmt.Errorf("replace members of %s: %w", c.ID, err)
	}
	if c.Public() {
		return nil
	}
	for _, m := range c.Members {
		// An empty id would make every anonymous viewer a member.
		if m == "" {
			continue
		}
		_, err := t.ExecContext(ctx, `INSERT INTO members (person_id, conversation_id) VALUES (?, ?) ON CONFLICT DO NOTHING`, m, c.ID)
		if err != nil {
			return fmt.Errorf("replace members of %s: %w", c.ID, err)
		}
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
