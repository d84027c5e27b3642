package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/nextdesk/nextdesk/knowledge"
)

// Handled says what Once did.
type Handled struct {
	// Duplicate is true when the key had been handled before: nothing was
	// done.
	Duplicate bool
	// KnowledgeChanged is true when a question or answer changed, so the
	// search index must catch up.
	KnowledgeChanged bool
	// Enqueued counts the outgoing messages written.
	Enqueued int
}

// BotTx is the write transaction in which the bot handles one Slack
// delivery (or one step of a background task): every state change and every
// outgoing message it decides is written through it, and commits together
// with the delivery's key or not at all. It is valid only inside the
// function given to Once.
type BotTx struct {
	t        *tx
	enqueued int
}

// Once runs fn in one write transaction that first records key as handled.
// If key was handled before, fn does not run and Handled.Duplicate is set:
// a delivery Slack sends again, or a task step retried after a restart, has
// no effect. If fn fails, nothing is written, the key included, so the next
// delivery of key does the work again. Slack calls must happen before Once
// (reads) or through BotTx.Enqueue (writes), never inside fn.
//
// It returns an EINVALID error if key is empty, and fn's error.
func (db *DB) Once(ctx context.Context, key string, fn func(*BotTx) error) (Handled, error) {
	if key == "" {
		return Handled{}, knowledge.Errorf(knowledge.EINVALID, "A delivery needs a key to be handled once.")
	}
	var h Handled
	err := db.update(ctx, "handle "+key, func(t *tx) error {
		res, err := t.ExecContext(ctx, `INSERT INTO inbound_keys (key, handled_at) VALUES (?, ?) ON CONFLICT DO NOTHING`, key, nanos(t.now))
		if err != nil {
			return fmt.Errorf("record key: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("record key: %w", err)
		} else if n == 0 {
			h.Duplicate = true
			return nil
		}
		bt := &BotTx{t: t}
		if err := fn(bt); err != nil {
			return err
		}
		// The revision moves only when a question or an answer was written.
		h.KnowledgeChanged = t.rev != t.loadedRev
		h.Enqueued = bt.enqueued
		return nil
	})
	if err != nil {
		return Handled{}, err
	}
	return h, nil
}

// Handled reports whether key was already handled by Once. It lets the bot
// skip the reads a duplicate delivery would otherwise cost; Once checks
// again in its transaction.
func (db *DB) Handled(ctx context.Context, key string) (bool, error) {
	return db.exists(ctx, "check key "+key, `SELECT EXISTS (SELECT 1 FROM inbound_keys WHERE key = ?)`, key)
}

// Now returns the time the transaction records changes at.
func (b *BotTx) Now() time.Time { return b.t.now }

// AddQuestion records a question, as DB.AddQuestion does. It returns an
// EINVALID error if the question has no id, no text or a time out of range.
func (b *BotTx) AddQuestion(ctx context.Context, q knowledge.Question) error {
	if err := validateQuestion(q); err != nil {
		return err
	}
	if knowledge.CleanText(q.Text) == "" {
		return knowledge.Errorf(knowledge.EINVALID, "That question is empty.")
	}
	_, _, err := b.t.upsertQuestionWithAnswers(ctx, q)
	return err
}

// UpsertConversation writes a conversation and its members, as
// DB.UpsertConversation does. It returns an EINVALID error if c has no id
// or an unknown kind.
func (b *BotTx) UpsertConversation(ctx context.Context, c knowledge.Conversation) error {
	if err := validateConversation(c); err != nil {
		return err
	}
	return b.t.upsertConversation(ctx, c)
}

// AddAsk starts following a question already added with AddQuestion. Zero
// times mean now and an empty status means open. It returns an EINVALID
// error for an unknown status, and an ECONFLICT error if the question is
// already followed or another ask has the same thread.
func (b *BotTx) AddAsk(ctx context.Context, a knowledge.Ask) error {
	if a.Status == "" {
		a.Status = knowledge.StatusOpen
	}
	if !a.Status.Valid() {
		return knowledge.Errorf(knowledge.EINVALID, "Unknown question status %q.", a.Status)
	}
	if a.CreatedAt.IsZero() {
		a.CreatedAt = b.t.now
	}
	if a.UpdatedAt.IsZero() {
		a.UpdatedAt = a.CreatedAt
	}
	if a.Thread != "" {
		if _, err := b.t.askWhere(ctx, `channel = ? AND thread = ?`, a.Channel, a.Thread); err == nil {
			return knowledge.Errorf(knowledge.ECONFLICT, "A question is already asked in that thread.")
		} else if knowledge.ErrorCode(err) != knowledge.ENOTFOUND {
			return err
		}
	}
	res, err := b.t.ExecContext(ctx, `
		INSERT INTO asks (question_id, asker, channel, thread, private, status, offered, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (question_id) DO NOTHING`,
		a.QuestionID, a.Asker, a.Channel, a.Thread, a.Private, a.Status, a.Offered,
		nanos(a.CreatedAt), nanos(a.UpdatedAt))
	if err != nil {
		return fmt.Errorf("add ask %s: %w", a.QuestionID, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("add ask %s: %w", a.QuestionID, err)
	} else if n == 0 {
		return knowledge.Errorf(knowledge.ECONFLICT, "That question is already asked.")
	}
	return nil
}

// Ask returns the ask of a question, or an ENOTFOUND error.
func (b *BotTx) Ask(ctx context.Context, questionID string) (knowledge.Ask, error) {
	return b.t.askWhere(ctx, `question_id = ?`, questionID)
}

// AskByThread returns the ask whose thread is thread in channel, or an
// ENOTFOUND error.
func (b *BotTx) AskByThread(ctx context.Context, channel, thread string) (knowledge.Ask, error) {
	if thread == "" {
		return knowledge.Ask{}, errAskNotFound()
	}
	return b.t.askWhere(ctx, `channel = ? AND thread = ?`, channel, thread)
}

// SetAskStatus records where a question stands; offered, when not empty,
// also records the past answer offered. It returns an EINVALID error for an
// unknown status and an ENOTFOUND error if the question is not followed.
func (b *BotTx) SetAskStatus(ctx context.Context, questionID string, s knowledge.Status, offered string) error {
	if !s.Valid() {
		return knowledge.Errorf(knowledge.EINVALID, "Unknown question status %q.", s)
	}
	res, err := b.t.ExecContext(ctx, `
		UPDATE asks SET status = ?1, offered = CASE WHEN ?2 <> '' THEN ?2 ELSE offered END, updated_at = ?3
		WHERE question_id = ?4`, s, offered, nanos(b.t.now), questionID)
	if err != nil {
		return fmt.Errorf("set status of %s: %w", questionID, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("set status of %s: %w", questionID, err)
	} else if n == 0 {
		return errAskNotFound()
	}
	return nil
}

// AddRoute records that a question was sent to an expert, as DB.AddRoute
// does, and returns the route's id. It returns an EINVALID error if the
// route has no expert or an unknown outcome, and an ENOTFOUND error if the
// question is unknown or deleted.
func (b *BotTx) AddRoute(ctx context.Context, r knowledge.Route) (int64, error) {
	if err := validateRoute(r); err != nil {
		return 0, err
	}
	return b.t.addRoute(ctx, r)
}

// Route returns a route, or an ENOTFOUND error.
func (b *BotTx) Route(ctx context.Context, id int64) (knowledge.Route, error) {
	routes, err := queryRoutes(ctx, b.t.Tx, `WHERE id = ?`, id)
	if err != nil {
		return knowledge.Route{}, err
	}
	if len(routes) == 0 {
		return knowledge.Route{}, errRouteNotFound()
	}
	return routes[0], nil
}

// Routes returns the routes of a question in the order they were made.
func (b *BotTx) Routes(ctx context.Context, questionID string) ([]knowledge.Route, error) {
	return queryRoutes(ctx, b.t.Tx, `WHERE question_id = ? ORDER BY asked_at, id`, questionID)
}

// SetRouteOutcome records where a route stands, as DB.SetRouteOutcome
// does. It returns an EINVALID error for an unknown outcome and an
// ENOTFOUND error if the route is unknown.
func (b *BotTx) SetRouteOutcome(ctx context.Context, id int64, outcome knowledge.RouteOutcome) error {
	if !validOutcome(outcome) {
		return knowledge.Errorf(knowledge.EINVALID, "Unknown route outcome %q.", outcome)
	}
	return b.t.setRouteOutcome(ctx, id, outcome)
}

// UpsertAnswer records an answer or its edit, as DB.UpsertAnswer does, and
// reports whether anything changed. It returns an EINVALID error if the
// answer has no id, no text or a time out of range, and an ENOTFOUND error
// if the question is unknown or deleted.
func (b *BotTx) UpsertAnswer(ctx context.Context, questionID string, a knowledge.Answer) (bool, error) {
	if err := validateAnswer(a); err != nil {
		return false, err
	}
	if knowledge.CleanText(a.Text) == "" {
		return false, knowledge.Errorf(knowledge.EINVALID, "That answer is empty.")
	}
	live, err := b.t.questionLive(ctx, questionID)
	if err != nil {
		return false, err
	}
	if !live {
		return false, errQuestionNotFound()
	}
	return b.t.upsertAnswer(ctx, questionID, a)
}

// Answer returns an answer and the id of its question, or an ENOTFOUND
// error. It applies no visibility rule: the bot uses it to act on a
// reaction or a click in the conversation the answer was given in.
func (b *BotTx) Answer(ctx context.Context, answerID string) (questionID string, a knowledge.Answer, err error) {
	var t sql.NullInt64
	err = b.t.QueryRowContext(ctx, `
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
func (b *BotTx) Answers(ctx context.Context, questionID string) ([]knowledge.Answer, error) {
	qs := []knowledge.Question{{ID: questionID}}
	if err := loadAnswers(ctx, b.t.Tx, qs); err != nil {
		return nil, fmt.Errorf("read answers of %s: %w", questionID, err)
	}
	return qs[0].Answers, nil
}

// DeleteAnswer removes an answer and reports whether there was one.
func (b *BotTx) DeleteAnswer(ctx context.Context, answerID string) (bool, error) {
	qid, _, err := b.t.answerState(ctx, answerID)
	if knowledge.ErrorCode(err) == knowledge.ENOTFOUND {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if _, err := b.t.ExecContext(ctx, `DELETE FROM answers WHERE id = ?`, answerID); err != nil {
		return false, fmt.Errorf("delete answer %s: %w", answerID, err)
	}
	return true, b.t.stamp(ctx, qid)
}

// SetAccepted records that the asker said an answer solved the question,
// as DB.SetAccepted does. It returns an ENOTFOUND error if the answer is
// unknown.
func (b *BotTx) SetAccepted(ctx context.Context, answerID string) error {
	qid, was, err := b.t.answerState(ctx, answerID)
	if err != nil || was {
		return err
	}
	if _, err := b.t.ExecContext(ctx, `UPDATE answers SET accepted = 1 WHERE id = ?`, answerID); err != nil {
		return fmt.Errorf("accept answer %s: %w", answerID, err)
	}
	return b.t.stamp(ctx, qid)
}

// AddThanks counts one more thanks for an answer. It returns an ENOTFOUND
// error if the answer is unknown.
func (b *BotTx) AddThanks(ctx context.Context, answerID string) error {
	qid, _, err := b.t.answerState(ctx, answerID)
	if err != nil {
		return err
	}
	if _, err := b.t.ExecContext(ctx, `UPDATE answers SET thanks = thanks + 1 WHERE id = ?`, answerID); err != nil {
		return fmt.Errorf("thank %s: %w", answerID, err)
	}
	return b.t.stamp(ctx, qid)
}

// SetPreferences replaces what a person told the bot about being asked.
// It returns an EINVALID error if personID is empty or the snooze time is
// out of range.
func (b *BotTx) SetPreferences(ctx context.Context, personID string, p knowledge.Preferences) error {
	if personID == "" {
		return knowledge.Errorf(knowledge.EINVALID, "Preferences need a person.")
	}
	if !validTime(p.SnoozedUntil) {
		return knowledge.Errorf(knowledge.EINVALID, "The snooze end %s is out of range.", p.SnoozedUntil)
	}
	_, err := b.t.ExecContext(ctx, `
		INSERT INTO preferences (person_id, opted_out, snoozed_until) VALUES (?, ?, ?)
		ON CONFLICT (person_id) DO UPDATE SET opted_out = excluded.opted_out, snoozed_until = excluded.snoozed_until`,
		personID, p.OptedOut, nanos(p.SnoozedUntil))
	if err != nil {
		return fmt.Errorf("set preferences of %s: %w", personID, err)
	}
	return nil
}

// Preferences returns what a person told the bot; the zero Preferences
// when they told it nothing.
func (b *BotTx) Preferences(ctx context.Context, personID string) (knowledge.Preferences, error) {
	prefs, err := queryPreferences(ctx, b.t.Tx, []string{personID})
	return prefs[personID], err
}

// Ask returns the ask of a question, or an ENOTFOUND error.
func (db *DB) Ask(ctx context.Context, questionID string) (knowledge.Ask, error) {
	var a knowledge.Ask
	err := db.view(ctx, "read ask "+questionID, func(tx *sql.Tx) error {
		var err error
		a, err = scanAsk(tx.QueryRowContext(ctx, `SELECT `+askColumns+` FROM asks WHERE question_id = ?`, questionID))
		return err
	})
	return a, err
}

// AskByThread returns the ask whose thread is thread in channel, or an
// ENOTFOUND error.
func (db *DB) AskByThread(ctx context.Context, channel, thread string) (knowledge.Ask, error) {
	if thread == "" {
		return knowledge.Ask{}, errAskNotFound()
	}
	var a knowledge.Ask
	err := db.view(ctx, "read ask in "+channel, func(tx *sql.Tx) error {
		var err error
		a, err = scanAsk(tx.QueryRowContext(ctx, `SELECT `+askColumns+` FROM asks WHERE channel = ? AND thread = ?`, channel, thread))
		return err
	})
	return a, err
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
	awaitingOutcomes = `('pending', 'taken', 'duplicate')`
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
// routes asked before it, and taken or duplicate ones decided before it. It
// walks the waiting routes by age and stops at the limit.
const staleRoutesClause = `INDEXED BY routes_open_age
	WHERE outcome IN ` + awaitingOutcomes + `
	  AND asked_at < ?1
	  AND (outcome = 'pending' OR coalesce(decided_at, asked_at) < ?1)
	  AND EXISTS (SELECT 1 FROM asks a WHERE a.question_id = routes.question_id AND a.status = ?2)
	ORDER BY asked_at, id
	LIMIT ?3`

// OpenRoutes returns, for each of ids, how many questions still waiting for
// an answer are with them (pending or taken routes of open questions).
// People with none are left out.
func (db *DB) OpenRoutes(ctx context.Context, ids []string) (map[string]int, error) {
	open := make(map[string]int, len(ids))
	if len(ids) == 0 {
		return open, nil
	}
	err := db.view(ctx, "count open routes", func(tx *sql.Tx) (err error) {
		open, err = queryCounts(ctx, tx, openRoutesQuery, jsonIDs(ids), knowledge.StatusOpen)
		return err
	})
	if err != nil {
		return nil, err
	}
	return open, nil
}

// WaitingRoutes returns the pending and taken routes of an expert whose
// question is still open, oldest first.
func (db *DB) WaitingRoutes(ctx context.Context, expert string) ([]knowledge.Route, error) {
	var routes []knowledge.Route
	err := db.view(ctx, "read routes of "+expert, func(tx *sql.Tx) error {
		var err error
		routes, err = queryRoutes(ctx, tx, waitingRoutesClause, expert, knowledge.StatusOpen)
		return err
	})
	return routes, err
}

// StaleRoutes returns the routes of open questions still waiting on their
// expert since before: pending routes asked before it, and taken or
// duplicate ones (the expert took it, or promised a link to an earlier
// answer) decided before it. They are what escalation passes on, oldest
// first, at most limit.
func (db *DB) StaleRoutes(ctx context.Context, before time.Time, limit int) ([]knowledge.Route, error) {
	var routes []knowledge.Route
	err := db.view(ctx, "read stale routes", func(tx *sql.Tx) error {
		var err error
		routes, err = queryRoutes(ctx, tx, staleRoutesClause, nanos(before), knowledge.StatusOpen, limit)
		return err
	})
	return routes, err
}

// Preferences returns what the people among ids told the bot, keyed by id;
// people who told it nothing are left out.
func (db *DB) Preferences(ctx context.Context, ids []string) (map[string]knowledge.Preferences, error) {
	var prefs map[string]knowledge.Preferences
	err := db.view(ctx, "read preferences", func(tx *sql.Tx) error {
		var err error
		prefs, err = queryPreferences(ctx, tx, ids)
		return err
	})
	return prefs, err
}

// Fetched returns when a person or conversation (what is "person" or
// "conversation") was last read from Slack, the zero time if never.
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

// CachePerson stores a person as just read from Slack, with the time it
// was read, so the bot asks Slack again only once the copy is old. It
// returns an EINVALID error if p has no id.
func (db *DB) CachePerson(ctx context.Context, p knowledge.Person, at time.Time) error {
	if err := validatePerson(p); err != nil {
		return err
	}
	return db.update(ctx, "cache person "+p.ID, func(t *tx) error {
		if err := t.upsertPerson(ctx, p); err != nil {
			return err
		}
		return t.setFetched(ctx, "person", p.ID, at)
	})
}

// CacheConversation stores a conversation and its members as just read
// from Slack, with the time it was read. It returns an EINVALID error if c
// has no id or an unknown kind.
func (db *DB) CacheConversation(ctx context.Context, c knowledge.Conversation, at time.Time) error {
	if err := validateConversation(c); err != nil {
		return err
	}
	return db.update(ctx, "cache conversation "+c.ID, func(t *tx) error {
		if err := t.upsertConversation(ctx, c); err != nil {
			return err
		}
		return t.setFetched(ctx, "conversation", c.ID, at)
	})
}

// Prune forgets what the bot no longer needs: the keys of deliveries
// handled before before (Slack stops retrying within hours), and outgoing
// messages delivered or failed before it that no pending message waits on.
// It returns how many rows it removed.
func (db *DB) Prune(ctx context.Context, before time.Time) (int64, error) {
	var n int64
	err := db.update(ctx, "prune bot state", func(t *tx) error {
		res, err := t.ExecContext(ctx, `DELETE FROM inbound_keys WHERE handled_at < ?`, nanos(before))
		if err != nil {
			return err
		}
		keys, _ := res.RowsAffected()
		res, err = t.ExecContext(ctx, `
			DELETE FROM outbox
			WHERE state <> ? AND created_at < ?
			  AND id NOT IN (SELECT after FROM outbox WHERE after IS NOT NULL AND state = ?)`,
			OutboxPending, nanos(before), OutboxPending)
		if err != nil {
			return err
		}
		msgs, _ := res.RowsAffected()
		n = keys + msgs
		return nil
	})
	return n, err
}

const askColumns = `question_id, asker, channel, thread, private, status, offered, created_at, updated_at`

func scanAsk(row *sql.Row) (knowledge.Ask, error) {
	var (
		a                knowledge.Ask
		created, updated sql.NullInt64
	)
	err := row.Scan(&a.QuestionID, &a.Asker, &a.Channel, &a.Thread, &a.Private, &a.Status, &a.Offered, &created, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return knowledge.Ask{}, errAskNotFound()
	}
	if err != nil {
		return knowledge.Ask{}, fmt.Errorf("read ask: %w", err)
	}
	a.CreatedAt, a.UpdatedAt = fromNanos(created), fromNanos(updated)
	return a, nil
}

func (t *tx) askWhere(ctx context.Context, where string, args ...any) (knowledge.Ask, error) {
	return scanAsk(t.QueryRowContext(ctx, `SELECT `+askColumns+` FROM asks WHERE `+where, args...))
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

func queryPreferences(ctx context.Context, tx *sql.Tx, ids []string) (map[string]knowledge.Preferences, error) {
	prefs := make(map[string]knowledge.Preferences, len(ids))
	if len(ids) == 0 {
		return prefs, nil
	}
	rows, err := tx.QueryContext(ctx, `
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

func errAskNotFound() error {
	return knowledge.Errorf(knowledge.ENOTFOUND, "The bot does not follow that question.")
}

func errRouteNotFound() error {
	return knowledge.Errorf(knowledge.ENOTFOUND, "That route does not exist.")
}
