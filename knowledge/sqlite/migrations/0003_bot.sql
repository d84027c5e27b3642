-- The Slack bot's state: which deliveries it has handled, the questions it
-- follows, what people told it, and the messages it still has to send.
-- Everything one Slack delivery changes is written in one transaction with
-- its key, so a delivery is acted on exactly once.

-- Keys of the Slack deliveries already handled (event_id, trigger_id, or a
-- background task's own key), so a retried delivery does nothing.
CREATE TABLE inbound_keys (
	key        TEXT PRIMARY KEY,
	handled_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX inbound_keys_time ON inbound_keys (handled_at);

-- Questions the bot handles. The question itself (text, answers) is in
-- questions; an ask says where its thread is and where it stands.
-- thread is '' until the message starting the thread has been posted.
CREATE TABLE asks (
	question_id TEXT PRIMARY KEY REFERENCES questions (id),
	asker       TEXT NOT NULL,
	channel     TEXT NOT NULL,
	thread      TEXT NOT NULL,
	private     INTEGER NOT NULL,
	status      TEXT NOT NULL,
	offered     TEXT NOT NULL,
	created_at  INTEGER NOT NULL,
	updated_at  INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX asks_thread ON asks (channel, thread) WHERE thread <> '';
CREATE INDEX asks_status ON asks (status, created_at);

-- Routes still waiting for their expert, found by expert (for the cap on
-- open questions) and by age (for escalation, which also passes on an
-- expert who said "answered before" and never gave the link).
CREATE INDEX routes_open_expert ON routes (expert) WHERE outcome IN ('pending', 'taken');
CREATE INDEX routes_open_age ON routes (asked_at) WHERE outcome IN ('pending', 'taken', 'duplicate');

-- What people told the bot: /nextdesk optout, /nextdesk snooze.
CREATE TABLE preferences (
	person_id     TEXT PRIMARY KEY,
	opted_out     INTEGER NOT NULL,
	snoozed_until INTEGER
) STRICT;

-- When a person or conversation was last read from Slack, so cached
-- profiles (locale, membership) are refreshed after a while.
CREATE TABLE fetched (
	what TEXT NOT NULL, -- 'person' or 'conversation'
	id   TEXT NOT NULL,
	at   INTEGER NOT NULL,
	PRIMARY KEY (what, id)
) STRICT, WITHOUT ROWID;

-- Every Slack call that changes something, written in the transaction that
-- decided it and sent afterwards with retries. after names the message whose
-- result (channel, ts) this one needs: a reply in the thread of a message
-- not yet posted, a post in a group DM not yet opened. It has no foreign
-- key so that old delivered messages can be pruned; a message whose
-- dependency is gone fails. place_* say what delivery teaches about a
-- question: its conversation (with place_members, for a group DM just
-- opened) and, with place_thread, its thread.
CREATE TABLE outbox (
	id             INTEGER PRIMARY KEY,
	key            TEXT NOT NULL UNIQUE,
	method         TEXT NOT NULL,
	payload        TEXT NOT NULL,
	after          INTEGER,
	state          TEXT NOT NULL, -- pending, sent, failed
	attempts       INTEGER NOT NULL,
	due_at         INTEGER NOT NULL,
	created_at     INTEGER NOT NULL,
	sent_at        INTEGER,
	channel        TEXT NOT NULL,
	ts             TEXT NOT NULL,
	error          TEXT NOT NULL,
	place_question TEXT NOT NULL,
	place_members  TEXT NOT NULL, -- JSON array, '' when none
	place_thread   INTEGER NOT NULL
) STRICT;
CREATE INDEX outbox_due ON outbox (due_at) WHERE state = 'pending';
CREATE INDEX outbox_after ON outbox (after) WHERE after IS NOT NULL;
