package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/nextdesk/nextdesk/knowledge"
)

// visibleTo is the condition, on a question q joined to its conversation
// c, that the viewer @viewer may see it: the conversation is public and the
// viewer is not @restricted (a guest, or a person of another
// organisation); or the viewer is in its member list and that list is
// trusted: a DM's or a group DM's always, a channel's only if it was read
// from the chat tool after @fresh. A question whose conversation is
// unknown has no kind and no members, so nobody sees it. The anonymous
// viewer (”) sees public questions only. The filter lives here, in the
// queries, so no caller can forget it.
const visibleTo = `(
	(c.kind = @public AND NOT @restricted)
	OR (@viewer <> '' AND ` + trustedMembers + ` AND EXISTS (
		SELECT 1 FROM members m WHERE m.person_id = @viewer AND m.conversation_id = c.id)))`

// trustedMembers is the condition that conversation c's member list may
// decide who reads it (knowledge.Conversation.MembersTrusted).
const trustedMembers = `(c.kind IN (@dm, @mpim) OR c.members_read_at > @fresh)`

// visibility returns the named arguments of visibleTo for viewer v at a
// time when member lists read after fresh are trusted. It reads whether v
// is restricted: a person the store has never met is, until the chat tool
// says who they are (the bot reads who sends it anything first).
func visibility(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, v knowledge.Viewer, fresh time.Time) ([]any, error) {
	restricted, err := isRestricted(ctx, q, v)
	if err != nil {
		return nil, err
	}
	return append(trustArgs(fresh),
		sql.Named("viewer", v.PersonID), sql.Named("public", string(knowledge.KindPublic)),
		sql.Named("restricted", restricted)), nil
}

// isRestricted reports whether v may read only the conversations they are
// in: a guest, a person of another organisation, or a person the store has
// never met, until the chat tool says who they are (the bot reads who
// sends it anything first). The anonymous viewer is not: it reads public
// questions only.
func isRestricted(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, v knowledge.Viewer) (bool, error) {
	if v.PersonID == "" {
		return false, nil
	}
	var restricted bool
	err := q.QueryRowContext(ctx, `SELECT restricted FROM people WHERE id = ?`, v.PersonID).Scan(&restricted)
	if errors.Is(err, sql.ErrNoRows) {
		return true, nil
	}
	if err != nil {
		return false, fmt.Errorf("read whether %s is restricted: %w", v.PersonID, err)
	}
	return restricted, nil
}

// trustArgs are the named arguments of trustedMembers. A zero fresh trusts
// no channel's list: a read that forgot to say when it reads fails closed.
func trustArgs(fresh time.Time) []any {
	at := int64(math.MaxInt64)
	if !fresh.IsZero() {
		at = fresh.UnixNano()
	}
	return []any{
		sql.Named("dm", string(knowledge.KindDM)), sql.Named("mpim", string(knowledge.KindGroupDM)),
		sql.Named("fresh", at),
	}
}

// membershipTTL is how long a channel's member list read from the chat tool
// is trusted.
func (db *DB) membershipTTL() time.Duration {
	if db.MembershipTTL > 0 {
		return db.MembershipTTL
	}
	return knowledge.DefaultMembershipTTL
}

// fresh is the time after which a member list must have been read to be
// trusted at now.
func (db *DB) fresh(now time.Time) time.Time { return now.Add(-db.membershipTTL()) }

// snapshot is a reader that knows when it reads, so the reads that can
// reach a person apply the membership rule of that moment. It is the desk's
// Reader, for View and Once alike.
type snapshot struct {
	reader
	fresh time.Time
}

func (db *DB) snapshot(tx *sql.Tx, now time.Time) snapshot {
	return snapshot{reader: reader{tx}, fresh: db.fresh(now)}
}

// Questions returns, with their answers and tags, those of ids that v may
// see, in the order of ids. Unknown, deleted and invisible ids are skipped
// alike, so the result never tells that a hidden question exists.
func (r snapshot) Questions(ctx context.Context, v knowledge.Viewer, ids []string) ([]knowledge.Question, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args, err := visibility(ctx, r.tx, v, r.fresh)
	if err != nil {
		return nil, err
	}
	qs, err := queryQuestions(ctx, r.tx, `
		SELECT `+questionColumns+`
		FROM questions q
		JOIN conversations c ON c.id = q.conversation_id
		WHERE q.id IN (SELECT value FROM json_each(@ids)) AND NOT q.deleted AND `+visibleTo,
		append(args, sql.Named("ids", jsonIDs(ids)))...)
	if err != nil {
		return nil, err
	}
	if err := loadAnswers(ctx, r.tx, qs); err != nil {
		return nil, err
	}
	order := make(map[string]int, len(ids))
	for i, id := range ids {
		if _, ok := order[id]; !ok {
			order[id] = i
		}
	}
	slices.SortFunc(qs, func(a, b knowledge.Question) int { return order[a.ID] - order[b.ID] })
	return qs, nil
}

// AnsweredBy returns the questions person answered most recently, newest
// answer first, at most limit, among those v may see, with their answers.
func (r snapshot) AnsweredBy(ctx context.Context, v knowledge.Viewer, person string, limit int) ([]knowledge.Question, error) {
	// The answerer index serves this newest-first walk; the visibility
	// filter runs on the few ids it yields.
	ids, err := queryStrings(ctx, r.tx, `
		SELECT question_id FROM answers WHERE answerer = ?
		GROUP BY question_id ORDER BY max(coalesce(time, 0)) DESC LIMIT ?`, person, limit*4)
	if err != nil {
		return nil, fmt.Errorf("read questions answered by %s: %w", person, err)
	}
	qs, err := r.Questions(ctx, v, ids)
	if err != nil {
		return nil, err
	}
	return qs[:min(len(qs), limit)], nil
}

// StaleConversations returns at most limit channels holding live questions
// whose kind and members are due to be read again from the chat tool, read
// longest ago (or never) first: those whose member list gives someone
// access (private or shared ones with members) when read before
// membersBefore, the others when read before kindBefore.
func (r reader) StaleConversations(ctx context.Context, membersBefore, kindBefore time.Time, limit int) ([]knowledge.Conversation, error) {
	rows, err := r.tx.QueryContext(ctx, `
		SELECT c.id, c.name, c.kind, c.shared, c.members_read_at
		FROM conversations c INDEXED BY conversations_read
		WHERE c.kind IN (@public, @private)
		  AND (c.members_read_at IS NULL OR c.members_read_at < CASE
			WHEN (c.kind = @private OR c.shared) AND EXISTS (SELECT 1 FROM members m WHERE m.conversation_id = c.id)
			THEN @members ELSE @kind END)
		  AND EXISTS (SELECT 1 FROM questions q WHERE q.conversation_id = c.id AND NOT q.deleted)
		ORDER BY c.members_read_at, c.id
		LIMIT @limit`,
		sql.Named("public", string(knowledge.KindPublic)), sql.Named("private", string(knowledge.KindPrivate)),
		sql.Named("members", membersBefore.UnixNano()), sql.Named("kind", kindBefore.UnixNano()),
		sql.Named("limit", limit))
	if err != nil {
		return nil, fmt.Errorf("read conversations to refresh: %w", err)
	}
	defer rows.Close()
	var cs []knowledge.Conversation
	for rows.Next() {
		var (
			c    knowledge.Conversation
			read sql.NullInt64
		)
		if err := rows.Scan(&c.ID, &c.Name, &c.Kind, &c.Shared, &read); err != nil {
			return nil, fmt.Errorf("read conversations to refresh: %w", err)
		}
		c.Read = fromNanos(read)
		cs = append(cs, c)
	}
	return cs, rows.Err()
}

// Scope returns what v may search (knowledge.Source), by the rule of
// visibleTo: the conversations other than public, unshared ones that v
// belongs to, as far as their member lists are trusted now, sorted; and
// whether v is restricted to them. The anonymous viewer belongs to none and
// is not restricted; a person the store has never met belongs to none and
// is.
func (db *DB) Scope(ctx context.Context, v knowledge.Viewer) (knowledge.Scope, error) {
	var s knowledge.Scope
	if v.PersonID == "" {
		return s, nil
	}
	fresh := db.fresh(db.now())
	err := db.view(ctx, "read what "+v.PersonID+" may search", func(tx *sql.Tx) (err error) {
		if s.Restricted, err = isRestricted(ctx, tx, v); err != nil {
			return err
		}
		s.Conversations, err = queryStrings(ctx, tx, `
			SELECT m.conversation_id FROM members m
			JOIN conversations c ON c.id = m.conversation_id
			WHERE m.person_id = @viewer AND `+trustedMembers+`
			ORDER BY m.conversation_id`,
			append(trustArgs(fresh), sql.Named("viewer", v.PersonID))...)
		return err
	})
	if err != nil {
		return knowledge.Scope{}, err
	}
	return s, nil
}

// upsertConversation writes c as a source gives it, keeping what is known
// of who may read it true:
//
//   - c read from the chat tool (c.Read set) replaces the stored kind,
//     shared flag and members if it was read after the stored copy; but if
//     an event took access away (RemoveMember, MakePrivate) after c was
//     read, c may only take access away too: members not stored are not
//     added, and a conversation made private stays so.
//   - c from elsewhere (an export, or a copy without a read time) creates
//     an unknown conversation, and updates one never read from the chat
//     tool; the chat tool's word is never overwritten by it.
//
// A conversation that becomes public or stops being public gives each of
// its questions a new revision, so the index learns who may now find it.
func (t *tx) upsertConversation(ctx context.Context, c knowledge.Conversation) error {
	var (
		old           knowledge.Conversation
		read, changed sql.NullInt64
	)
	err := t.QueryRowContext(ctx, `SELECT kind, shared, members_read_at, members_changed_at FROM conversations WHERE id = ?`, c.ID).
		Scan(&old.Kind, &old.Shared, &read, &changed)
	known := err == nil
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("read conversation %s: %w", c.ID, err)
	}
	replace, narrow := true, false
	switch {
	case !known:
	case c.Read.IsZero():
		replace = !read.Valid
	case read.Valid && c.Read.UnixNano() <= read.Int64:
		replace = false
	case changed.Valid && c.Read.UnixNano() <= changed.Int64:
		narrow = true
	}
	name := knowledge.CleanText(c.Name)
	if !replace {
		if _, err := t.ExecContext(ctx, `UPDATE conversations SET name = ? WHERE id = ? AND name <> ? AND ? <> ''`, name, c.ID, name, name); err != nil {
			return fmt.Errorf("write conversation %s: %w", c.ID, err)
		}
		return nil
	}
	if narrow {
		stored, err := queryStrings(ctx, t, `SELECT person_id FROM members WHERE conversation_id = ?`, c.ID)
		if err != nil {
			return fmt.Errorf("read members of %s: %w", c.ID, err)
		}
		c.Members = slices.DeleteFunc(slices.Clone(c.Members), func(m string) bool { return !slices.Contains(stored, m) })
		if !old.Public() {
			c.Kind = old.Kind
		}
		c.Shared = c.Shared || old.Shared
		c.Read = fromNanos(read) // what was read before the event is no fresher now
	}
	_, err = t.ExecContext(ctx, `
		INSERT INTO conversations (id, name, kind, shared, members_read_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET name = excluded.name, kind = excluded.kind,
			shared = excluded.shared, members_read_at = excluded.members_read_at`,
		c.ID, name, c.Kind, c.Shared, nanos(c.Read))
	if err != nil {
		return fmt.Errorf("write conversation %s: %w", c.ID, err)
	}
	if err := t.replaceMembers(ctx, c); err != nil {
		return err
	}
	// An unknown conversation counts as not public, so learning that it is
	// public changes its questions' visibility too.
	if (known && old.Public()) != c.Public() {
		return t.stampConversation(ctx, c.ID)
	}
	return nil
}

// replaceMembers writes c's member list: kept for every conversation but a
// public one not shared with another organisation, which everyone reads.
func (t *tx) replaceMembers(ctx context.Context, c knowledge.Conversation) error {
	if _, err := t.ExecContext(ctx, `DELETE FROM members WHERE conversation_id = ?`, c.ID); err != nil {
		return fmt.Errorf("replace members of %s: %w", c.ID, err)
	}
	if c.Public() && !c.Shared {
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

// RemoveMember takes person out of a conversation's members now: the chat
// tool said they left. A member list read before now may no longer give
// them access back. An unknown conversation or member is no error.
func (d *deskTx) RemoveMember(ctx context.Context, conversationID, person string) error {
	if _, err := d.t.ExecContext(ctx, `DELETE FROM members WHERE conversation_id = ? AND person_id = ?`, conversationID, person); err != nil {
		return fmt.Errorf("remove %s from %s: %w", person, conversationID, err)
	}
	return d.t.markChanged(ctx, conversationID)
}

// MakePrivate makes a channel private now, with nobody known to be in it
// until its members are read again from the chat tool. An unknown
// conversation, or a DM or group DM, is left as it is.
func (d *deskTx) MakePrivate(ctx context.Context, conversationID string) error {
	var kind knowledge.ConversationKind
	err := d.t.QueryRowContext(ctx, `SELECT kind FROM conversations WHERE id = ?`, conversationID).Scan(&kind)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return fmt.Errorf("read conversation %s: %w", conversationID, err)
	case kind == knowledge.KindDM || kind == knowledge.KindGroupDM:
		return nil
	}
	_, err = d.t.ExecContext(ctx, `UPDATE conversations SET kind = ?, members_read_at = NULL WHERE id = ?`, knowledge.KindPrivate, conversationID)
	if err != nil {
		return fmt.Errorf("make %s private: %w", conversationID, err)
	}
	if _, err := d.t.ExecContext(ctx, `DELETE FROM members WHERE conversation_id = ?`, conversationID); err != nil {
		return fmt.Errorf("make %s private: %w", conversationID, err)
	}
	if err := d.t.markChanged(ctx, conversationID); err != nil {
		return err
	}
	if kind == knowledge.KindPublic {
		return d.t.stampConversation(ctx, conversationID)
	}
	return nil
}

// markChanged records that an event took access to a conversation away
// now.
func (t *tx) markChanged(ctx context.Context, conversationID string) error {
	if _, err := t.ExecContext(ctx, `UPDATE conversations SET members_changed_at = ? WHERE id = ?`, nanos(t.now), conversationID); err != nil {
		return fmt.Errorf("record a change to %s: %w", conversationID, err)
	}
	return nil
}

// MakeShared records now that a channel is shared with another
// organisation, so only its own knowledge is shown there from now on. An
// unknown conversation is left alone: reading it will say so.
func (d *deskTx) MakeShared(ctx context.Context, conversationID string) error {
	res, err := d.t.ExecContext(ctx, `UPDATE conversations SET shared = 1 WHERE id = ? AND NOT shared`, conversationID)
	if err != nil {
		return fmt.Errorf("share %s: %w", conversationID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil
	}
	return d.t.markChanged(ctx, conversationID)
}

// UntrustedMemberships counts the channels person is listed in whose
// member list is not trusted now (never read from the chat tool, or read
// too long ago): what was said there is not shown to them until it is
// read again.
func (db *DB) UntrustedMemberships(ctx context.Context, person string) (int, error) {
	var n int
	if person == "" {
		return 0, nil
	}
	err := db.view(ctx, "count untrusted memberships of "+person, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `
			SELECT count(*) FROM members m JOIN conversations c ON c.id = m.conversation_id
			WHERE m.person_id = @viewer AND NOT coalesce(`+trustedMembers+`, 0)`,
			append(trustArgs(db.fresh(db.now())), sql.Named("viewer", person))...).Scan(&n)
	})
	return n, err
}
