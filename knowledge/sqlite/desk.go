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

// The desk's store.
var (
	_ desk.Store  = (*DB)(nil)
	_ desk.Reader = snapshot{}
	_ desk.Tx     = (*deskTx)(nil)
)

// Once runs fn in one write transaction that first records key as handled.
// If key was handled before, fn does not run and Committed.Duplicate is
// set: a delivery the chat tool sends again, or a task step retried after a
// restart, has no effect. If fn fails, nothing is written, the key
// included, so the next delivery of key does the work again.
//
// It returns an EINVALID error if key is empty, and fn's error.
func (db *DB) Once(ctx context.Context, key string, fn func(desk.Tx) error) (desk.Committed, error) {
	if key == "" {
		return desk.Committed{}, knowledge.Errorf(knowledge.EINVALID, "A delivery needs a key to be handled once.")
	}
	var c desk.Committed
	err := db.update(ctx, "handle "+key, func(t *tx) error {
		res, err := t.ExecContext(ctx, `INSERT INTO inbound_keys (key, handled_at) VALUES (?, ?) ON CONFLICT DO NOTHING`, key, nanos(t.now))
		if err != nil {
			return fmt.Errorf("record key: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("record key: %w", err)
		} else if n == 0 {
			c.Duplicate = true
			return nil
		}
		dt := &deskTx{snapshot: db.snapshot(t.Tx, t.now), t: t}
		if err := fn(dt); err != nil {
			return err
		}
		// The revision moves only when a question or an answer was written.
		c.KnowledgeChanged = t.rev != t.loadedRev
		c.Notices = dt.notices
		return nil
	})
	if err != nil {
		return desk.Committed{}, err
	}
	return c, nil
}

// Handled reports whether key was already handled by Once.
func (db *DB) Handled(ctx context.Context, key string) (bool, error) {
	return db.exists(ctx, "check key "+key, `SELECT EXISTS (SELECT 1 FROM inbound_keys WHERE key = ?)`, key)
}

// View runs fn on one read-only snapshot of the store.
func (db *DB) View(ctx context.Context, fn func(desk.Reader) error) error {
	return db.view(ctx, "read", func(tx *sql.Tx) error { return fn(db.snapshot(tx, db.now())) })
}

// Prune forgets what the desk no longer needs: the keys of deliveries
// handled before before (the chat tool stops retrying within hours), and
// notices delivered or failed before it that no pending notice waits on.
// It returns how many rows it removed.
func (db *DB) Prune(ctx context.Context, before time.Time) (int64, error) {
	var n int64
	err := db.update(ctx, "prune desk state", func(t *tx) error {
		res, err := t.ExecContext(ctx, `DELETE FROM inbound_keys WHERE handled_at < ?`, nanos(before))
		if err != nil {
			return err
		}
		keys, _ := res.RowsAffected()
		res, err = t.ExecContext(ctx, `
			DELETE FROM outbox
			WHERE state <> ? AND created_at < ?
			  AND id NOT IN (SELECT after FROM outbox WHERE after IS NOT NULL AND state = ?)`,
			desk.OutboxPending, nanos(before), desk.OutboxPending)
		if err != nil {
			return err
		}
		msgs, _ := res.RowsAffected()
		n = keys + msgs
		return nil
	})
	return n, err
}

// reader reads the store in one SQL transaction, read-only or not; with
// the time it reads at (snapshot), it is the single implementation of
// desk.Reader, for View and for Once alike.
type reader struct{ tx *sql.Tx }

// Ask returns the ask of a question, or an ENOTFOUND error.
func (r reader) Ask(ctx context.Context, questionID string) (knowledge.Ask, error) {
	return scanAsk(r.tx.QueryRowContext(ctx, `SELECT `+askColumns+` FROM asks WHERE question_id = ?`, questionID))
}

// AskByThread returns the ask whose thread is thread in channel, or an
// ENOTFOUND error.
func (r reader) AskByThread(ctx context.Context, channel, thread string) (knowledge.Ask, error) {
	if thread == "" {
		return knowledge.Ask{}, errAskNotFound()
	}
	return scanAsk(r.tx.QueryRowContext(ctx, `SELECT `+askColumns+` FROM asks WHERE channel = ? AND thread = ?`, channel, thread))
}

// Unsolved reports whether asker has a question followed in a thread of
// channel that is not solved yet.
func (r reader) Unsolved(ctx context.Context, channel, asker string) (bool, error) {
	var found bool
	err := r.tx.QueryRowContext(ctx, `
		SELECT EXISTS (SELECT 1 FROM asks
		WHERE channel = ? AND thread <> '' AND asker = ? AND status <> ?)`,
		channel, asker, knowledge.StatusSolved).Scan(&found)
	if err != nil {
		return false, fmt.Errorf("look for unsolved questions of %s in %s: %w", asker, channel, err)
	}
	return found, nil
}

// Conversation returns the conversation with the given id and its members
// sorted, or an ENOTFOUND error.
func (r reader) Conversation(ctx context.Context, id string) (knowledge.Conversation, error) {
	var (
		c    knowledge.Conversation
		read sql.NullInt64
	)
	err := r.tx.QueryRowContext(ctx, `SELECT id, name, kind, shared, members_read_at FROM conversations WHERE id = ?`, id).
		Scan(&c.ID, &c.Name, &c.Kind, &c.Shared, &read)
	c.Read = fromNanos(read)
	if errors.Is(err, sql.ErrNoRows) {
		return c, knowledge.Errorf(knowledge.ENOTFOUND, "That conversation is unknown.")
	}
	if err != nil {
		return c, fmt.Errorf("read conversation %s: %w", id, err)
	}
	c.Members, err = queryStrings(ctx, r.tx, `SELECT person_id FROM members WHERE conversation_id = ? ORDER BY person_id`, id)
	if err != nil {
		return c, fmt.Errorf("read members of %s: %w", id, err)
	}
	return c, nil
}

// Answer returns an answer and the id of its question, or an ENOTFOUND
// error. It applies no visibility rule: the desk acts on a reaction or a
// click in the conversation the answer was given in.
func (r reader) Answer(ctx context.Context, answerID string) (questionID string, a knowledge.Answer, err error) {
	var t sql.NullInt64
	err = r.tx.QueryRowContext(ctx, `
		SELECT question_id, id, answerer, text, time, accepted, thanks, score
		FROM answers WHERE id = ?`, answerID).
		Scan(&questionID, &a.ID, &a.Answerer, &a.Text, &t, &a.Accepted, &a.Thanks, &a.Score)
	if errors.Is(err, sql.ErrNoRows) {
		return "", knowledge.Answer{}, errAnswerNotFound()
	}
	if err != nil {
		return "", knowledge.Answer{}, fmt.Errorf("read answer %s: %w", answerID, err)
	}
	a.Time = fromNanos(t)
	return questionID, a, nil
}

// Answers returns the answers of a question, oldest first. Like Answer, it
// applies no visibility rule.
func (r reader) Answers(ctx context.Context, questionID string) ([]knowledge.Answer, error) {
	qs := []knowledge.Question{{ID: questionID}}
	if err := loadAnswers(ctx, r.tx, qs); err != nil {
		return nil, fmt.Errorf("read answers of %s: %w", questionID, err)
	}
	return qs[0].Answers, nil
}

// Route returns a route, or an ENOTFOUND error.
func (r reader) Route(ctx context.Context, id int64) (knowledge.Route, error) {
	routes, err := queryRoutes(ctx, r.tx, `WHERE id = ?`, id)
	if err != nil {
		return knowledge.Route{}, err
	}
	if len(routes) == 0 {
		return knowledge.Route{}, errRouteNotFound()
	}
	return routes[0], nil
}

// Routes returns the routes of a question in the order they were made.
func (r reader) Routes(ctx context.Context, questionID string) ([]knowledge.Route, error) {
	return queryRoutes(ctx, r.tx, `WHERE question_id = ? ORDER BY asked_at, id`, questionID)
}

// The outcomes of routes still with their expert, written into the SQL as
// literals: the partial indexes on routes name them, and SQLite uses a
// partial index only when it can prove the query's WHERE implies the
// index's, which a bound parameter (it could hold anything) never does.
// The queries below name their index (INDEXED BY), so a change that made
// it unusable fails at once instead of quietly reading every open ask;
// TestOpenRouteQueriesUseTheirIndexes holds the literals to the domain's
// outcomes and checks the plans.
const (
	// openOutcomes count against an expert's cap (routes_open_expert).
	openOutcomes = `('pending', 'taken')`
	// awaitingOutcomes are escalated when stale (routes_open_age): those of
	// RouteOutcome.AwaitsExpert.
	awaitingOutcomes = `('pending', 'taken')`
)

// openRoutesQuery counts, per expert among the JSON array ?1, the open
// questions (status ?2) they hold. It walks the experts' open routes by
// index, then looks up each route's ask: never the other way round, which
// would read every open question of the workspace.
const openRoutesQuery = `
	SELECT r.expert, count(DISTINCT r.question_id)
	FROM routes r INDEXED BY routes_open_expert
	CROSS JOIN asks a ON a.question_id = r.question_id
	WHERE r.expert IN (SELECT value FROM json_each(?1)) AND r.outcome IN ` + openOutcomes + ` AND a.status = ?2
	GROUP BY r.expert`

// waitingRoutesClause selects the routes of expert ?1 still open on an open
// question (status ?2), oldest first.
const waitingRoutesClause = `INDEXED BY routes_open_expert
	WHERE expert = ?1 AND outcome IN ` + openOutcomes + `
	  AND EXISTS (SELECT 1 FROM asks a WHERE a.question_id = routes.question_id AND a.status = ?2)
	ORDER BY asked_at, id`

// staleRoutesClause selects the routes of open questions (status ?2) still
// waiting on their expert since before ?1, oldest first, at most ?3: pending
// routes asked before it, and taken ones taken (or their expert last
// reminded) before it. It walks the waiting routes by age and stops at the
// limit.
const staleRoutesClause = `INDEXED BY routes_open_age
	WHERE outcome IN ` + awaitingOutcomes + `
	  AND asked_at < ?1
	  AND (outcome = 'pending' OR coalesce(reminded_at, decided_at, asked_at) < ?1)
	  AND EXISTS (SELECT 1 FROM asks a WHERE a.question_id = routes.question_id AND a.status = ?2)
	ORDER BY asked_at, id
	LIMIT ?3`

// OpenRoutes returns, for each of ids, how many questions still waiting for
// an answer are with them (pending or taken routes of open questions).
// People with none are left out.
func (r reader) OpenRoutes(ctx context.Context, ids []string) (map[string]int, error) {
	if len(ids) == 0 {
		return map[string]int{}, nil
	}
	open, err := queryCounts(ctx, r.tx, openRoutesQuery, jsonIDs(ids), knowledge.StatusOpen)
	if err != nil {
		return nil, fmt.Errorf("count open routes: %w", err)
	}
	return open, nil
}

// WaitingRoutes returns the pending and taken routes of an expert whose
// question is still open, oldest first.
func (r reader) WaitingRoutes(ctx context.Context, expert string) ([]knowledge.Route, error) {
	return queryRoutes(ctx, r.tx, waitingRoutesClause, expert, knowledge.StatusOpen)
}

// StaleRoutes returns the routes of open questions still waiting on their
// expert since before: pending routes asked before it, and taken ones
// taken, or their expert last reminded, before it. They are what escalation passes on, oldest
// first, at most limit.
func (r reader) StaleRoutes(ctx context.Context, before time.Time, limit int) ([]knowledge.Route, error) {
	return queryRoutes(ctx, r.tx, staleRoutesClause, nanos(before), knowledge.StatusOpen, limit)
}

// Preferences returns what the people among ids told the desk, keyed by
// id; people who told it nothing are left out.
func (r reader) Preferences(ctx context.Context, ids []string) (map[string]knowledge.Preferences, error) {
	prefs := make(map[string]knowledge.Preferences, len(ids))
	if len(ids) == 0 {
		return prefs, nil
	}
	rows, err := r.tx.QueryContext(ctx, `
		SELECT person_id, opted_out, snoozed_until FROM preferences
		WHERE person_id IN (SELECT value FROM json_each(?))`, jsonIDs(ids))
	if err != nil {
		return nil, fmt.Errorf("read preferences: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id    string
			p     knowledge.Preferences
			until sql.NullInt64
		)
		if err := rows.Scan(&id, &p.OptedOut, &until); err != nil {
			return nil, fmt.Errorf("read preferences: %w", err)
		}
		p.SnoozedUntil = fromNanos(until)
		prefs[id] = p
	}
	return prefs, rows.Err()
}

// DigestSubscribed reports whether person wants their personal weekly
// digest.
func (r reader) DigestSubscribed(ctx context.Context, person string) (bool, error) {
	var on bool
	err := r.tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM digest_subscribers WHERE person_id = ?)`, person).Scan(&on)
	return on, err
}

// DigestSubscribers returns the people who want their personal weekly
// digest, sorted.
func (r reader) DigestSubscribers(ctx context.Context) ([]string, error) {
	return queryStrings(ctx, r.tx, `SELECT person_id FROM digest_subscribers ORDER BY person_id`)
}

// deskTx is the single implementation of desk.Tx: the reader, and the
// writes, on the write transaction of one Once.
type deskTx struct {
	snapshot
	t       *tx
	notices int
}

// Now returns the time the transaction records changes at.
func (d *deskTx) Now() time.Time { return d.t.now }

// AddQuestion records a question captured live, with any answers it
// carries; answers stored earlier are kept. Writing it again updates it.
// A question that was deleted stays deleted: AddQuestion then does nothing,
// which is what a redelivered event needs. It returns an EINVALID error if
// the question has no id, no text, or a time out of range.
func (d *deskTx) AddQuestion(ctx context.Context, q knowledge.Question) error {
	if err := validateQuestion(q); err != nil {
		return err
	}
	if knowledge.CleanText(q.Text) == "" {
		return knowledge.Errorf(knowledge.EINVALID, "That question is empty.")
	}
	_, _, err := d.t.upsertQuestionWithAnswers(ctx, q)
	return err
}

// UpsertConversation writes c and replaces its member list with c.Members
// (kept only for non-public conversations). When c becomes public or stops
// being public, every question in it gets a new revision so the index
// learns who may now find it. It returns an EINVALID error if c has no id
// or an unknown kind.
func (d *deskTx) UpsertConversation(ctx context.Context, c knowledge.Conversation) error {
	if err := validateConversation(c); err != nil {
		return err
	}
	return d.t.upsertConversation(ctx, c)
}

// AddAsk starts following a question already added with AddQuestion. Zero
// times mean now and an empty status means open. It returns an EINVALID
// error for an unknown status, and an ECONFLICT error if the question is
// already followed or another ask has the same thread.
func (d *deskTx) AddAsk(ctx context.Context, a knowledge.Ask) error {
	if a.Status == "" {
		a.Status = knowledge.StatusOpen
	}
	if !a.Status.Valid() {
		return knowledge.Errorf(knowledge.EINVALID, "Unknown question status %q.", a.Status)
	}
	if a.CreatedAt.IsZero() {
		a.CreatedAt = d.t.now
	}
	if a.UpdatedAt.IsZero() {
		a.UpdatedAt = a.CreatedAt
	}
	if a.Thread != "" {
		if _, err := d.AskByThread(ctx, a.Channel, a.Thread); err == nil {
			return knowledge.Errorf(knowledge.ECONFLICT, "A question is already asked in that thread.")
		} else if knowledge.ErrorCode(err) != knowledge.ENOTFOUND {
			return err
		}
	}
	return d.t.execOne(ctx, knowledge.Errorf(knowledge.ECONFLICT, "That question is already asked."),
		"add ask "+a.QuestionID, `
		INSERT INTO asks (question_id, asker, channel, thread, private, status, offered, created_at, updated_at, anonymous)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (question_id) DO NOTHING`,
		a.QuestionID, a.Asker, a.Channel, a.Thread, a.Private, a.Status, a.Offered,
		nanos(a.CreatedAt), nanos(a.UpdatedAt), a.Anonymous)
}

// SetAskStatus records where a question stands; offered, when not empty,
// also records the past answer offered. It returns an EINVALID error for an
// unknown status and an ENOTFOUND error if the question is not followed.
func (d *deskTx) SetAskStatus(ctx context.Context, questionID string, s knowledge.Status, offered string) error {
	if !s.Valid() {
		return knowledge.Errorf(knowledge.EINVALID, "Unknown question status %q.", s)
	}
	return d.t.execOne(ctx, errAskNotFound(), "set status of "+questionID, `
		UPDATE asks SET status = ?1, offered = CASE WHEN ?2 <> '' THEN ?2 ELSE offered END, updated_at = ?3
		WHERE question_id = ?4`, s, offered, nanos(d.t.now), questionID)
}

// AddRoute records that a question was sent to an expert and returns the
// route's id. A zero AskedAt means now, an empty Outcome means pending, and
// a decided route with a zero DecidedAt was decided now. It returns an
// EINVALID error if the route has no expert or an unknown outcome, and an
// ENOTFOUND error if the question is unknown or deleted.
func (d *deskTx) AddRoute(ctx context.Context, r knowledge.Route) (int64, error) {
	if err := validateRoute(r); err != nil {
		return 0, err
	}
	return d.t.addRoute(ctx, r)
}

// SetRouteOutcome records where a route stands, decided now (or undecided
// again, for RoutePending). Which moves make sense is the desk's policy,
// not the store's. It returns an EINVALID error for an unknown outcome and
// an ENOTFOUND error if the route is unknown.
func (d *deskTx) SetRouteOutcome(ctx context.Context, id int64, outcome knowledge.RouteOutcome) error {
	if !validOutcome(outcome) {
		return knowledge.Errorf(knowledge.EINVALID, "Unknown route outcome %q.", outcome)
	}
	return d.t.setRouteOutcome(ctx, id, outcome)
}

// UpsertAnswer records an answer to question questionID, or its edit, and
// reports whether anything changed. Accepted and Thanks only grow this way,
// so an edit that knows nothing of them does not erase them. It returns an
// EINVALID error if the answer has no id, no text or a time out of range,
// and an ENOTFOUND error if the question is unknown or deleted.
func (d *deskTx) UpsertAnswer(ctx context.Context, questionID string, a knowledge.Answer) (bool, error) {
	if err := validateAnswer(a); err != nil {
		return false, err
	}
	if knowledge.CleanText(a.Text) == "" {
		return false, knowledge.Errorf(knowledge.EINVALID, "That answer is empty.")
	}
	live, err := d.t.questionLive(ctx, questionID)
	if err != nil {
		return false, err
	}
	if !live {
		return false, errQuestionNotFound()
	}
	return d.t.upsertAnswer(ctx, questionID, a)
}

// DeleteAnswer removes an answer and reports whether there was one.
func (d *deskTx) DeleteAnswer(ctx context.Context, answerID string) (bool, error) {
	qid, _, err := d.t.answerState(ctx, answerID)
	if knowledge.ErrorCode(err) == knowledge.ENOTFOUND {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if _, err := d.t.ExecContext(ctx, `DELETE FROM answers WHERE id = ?`, answerID); err != nil {
		return false, fmt.Errorf("delete answer %s: %w", answerID, err)
	}
	return true, d.t.stamp(ctx, qid)
}

// SetAccepted records that the asker said an answer solved the question.
// Other answers keep their own flag: several replies together may solve
// one question. It returns an ENOTFOUND error if the answer is unknown.
func (d *deskTx) SetAccepted(ctx context.Context, answerID string) error {
	return d.t.setAccepted(ctx, answerID, true)
}

// AddThanks counts one more thanks from the asker for an answer. It
// returns an ENOTFOUND error if the answer is unknown.
func (d *deskTx) AddThanks(ctx context.Context, answerID string) error {
	qid, _, err := d.t.answerState(ctx, answerID)
	if err != nil {
		return err
	}
	if _, err := d.t.ExecContext(ctx, `UPDATE answers SET thanks = thanks + 1 WHERE id = ?`, answerID); err != nil {
		return fmt.Errorf("thank %s: %w", answerID, err)
	}
	return d.t.stamp(ctx, qid)
}

// SetPreferences replaces what a person told the desk about being asked.
// It returns an EINVALID error if person is empty or the snooze time is
// out of range.
func (d *deskTx) SetPreferences(ctx context.Context, person string, p knowledge.Preferences) error {
	if person == "" {
		return knowledge.Errorf(knowledge.EINVALID, "Preferences need a person.")
	}
	if !validTime(p.SnoozedUntil) {
		return knowledge.Errorf(knowledge.EINVALID, "The snooze end %s is out of range.", p.SnoozedUntil)
	}
	_, err := d.t.ExecContext(ctx, `
		INSERT INTO preferences (person_id, opted_out, snoozed_until) VALUES (?, ?, ?)
		ON CONFLICT (person_id) DO UPDATE SET opted_out = excluded.opted_out, snoozed_until = excluded.snoozed_until`,
		person, p.OptedOut, nanos(p.SnoozedUntil))
	if err != nil {
		return fmt.Errorf("set preferences of %s: %w", person, err)
	}
	return nil
}

// SetDigestSubscription records whether person wants their personal weekly
// digest. It returns an EINVALID error if person is empty.
func (d *deskTx) SetDigestSubscription(ctx context.Context, person string, on bool) error {
	if person == "" {
		return knowledge.Errorf(knowledge.EINVALID, "A digest subscription needs a person.")
	}
	var err error
	if on {
		_, err = d.t.ExecContext(ctx, `INSERT INTO digest_subscribers (person_id, since) VALUES (?, ?) ON CONFLICT DO NOTHING`, person, d.t.now.UnixNano())
	} else {
		_, err = d.t.ExecContext(ctx, `DELETE FROM digest_subscribers WHERE person_id = ?`, person)
	}
	if err != nil {
		return fmt.Errorf("set digest subscription of %s: %w", person, err)
	}
	return nil
}

const askColumns = `question_id, asker, channel, thread, private, status, offered, created_at, updated_at, anonymous`

func scanAsk(row *sql.Row) (knowledge.Ask, error) {
	a, err := scanAskRow(row)
	if errors.Is(err, sql.ErrNoRows) {
		return knowledge.Ask{}, errAskNotFound()
	}
	if err != nil {
		return knowledge.Ask{}, fmt.Errorf("read ask: %w", err)
	}
	return a, nil
}

// scanAskRow reads the askColumns of one row.
func scanAskRow(row interface{ Scan(...any) error }) (knowledge.Ask, error) {
	var (
		a                knowledge.Ask
		created, updated sql.NullInt64
	)
	err := row.Scan(&a.QuestionID, &a.Asker, &a.Channel, &a.Thread, &a.Private, &a.Status, &a.Offered, &created, &updated, &a.Anonymous)
	a.CreatedAt, a.UpdatedAt = fromNanos(created), fromNanos(updated)
	return a, err
}

func errAskNotFound() error {
	return knowledge.Errorf(knowledge.ENOTFOUND, "The bot does not follow that question.")
}

func errRouteNotFound() error {
	return knowledge.Errorf(knowledge.ENOTFOUND, "That route does not exist.")
}
