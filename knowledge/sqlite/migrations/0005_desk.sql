-- The desk in the domain: the outbox keeps notices in domain terms (a kind,
-- and its address and fields as JSON), rendered for the chat tool when they
-- are delivered; and each instant answer found is recorded with what people
-- said of it.

-- Messages queued by an earlier nextdesk hold Slack's own JSON, which this
-- one does not read. Rather than drop them, the migration refuses to run
-- while any is still to be sent: the earlier version delivers them first
-- (`nextdesk tasks --only deliver`). A temporary trigger is how SQL
-- refuses with a message.
CREATE TEMP TABLE migration_0005_check (pending INTEGER NOT NULL);
CREATE TEMP TRIGGER migration_0005_refuse BEFORE INSERT ON migration_0005_check
WHEN NEW.pending > 0
BEGIN
	SELECT RAISE(ABORT, 'messages queued by the previous nextdesk are still to be sent: run `nextdesk tasks --only deliver` with the previous version, then start this one');
END;
INSERT INTO migration_0005_check SELECT count(*) FROM outbox WHERE state = 'pending';
DROP TRIGGER migration_0005_refuse;
DROP TABLE migration_0005_check;

-- What a row says is its kind now, not the Slack method that sends it.
ALTER TABLE outbox RENAME COLUMN method TO kind;

-- The best past answer found for each question asked through the bot,
-- offered at once or not, and what people said of it: the asker's "This
-- solves it" or "I still need help", or an expert's "Already answered"
-- (for a question with no offer, a row without a match records the miss).
-- It is what the live precision of instant answers is measured from.
CREATE TABLE offers (
	question_id TEXT PRIMARY KEY REFERENCES questions (id),
	match_id    TEXT NOT NULL, -- the past question; '' when nothing matched
	answer_id   TEXT NOT NULL, -- its answer offered; '' when nothing matched
	confidence  REAL NOT NULL,
	offered     INTEGER NOT NULL,
	at          INTEGER NOT NULL,
	outcome     TEXT NOT NULL, -- '' until someone says
	decided_at  INTEGER
) STRICT;
CREATE INDEX offers_at ON offers (at);

-- Digests go out through the outbox too: a week's are recorded as notices
-- under the key 'digest:<week>', and the ledger of claims is no more. The
-- weeks already posted are marked as recorded, so they are not posted
-- again.
INSERT OR IGNORE INTO inbound_keys (key, handled_at)
SELECT 'digest:' || substr(key, -8), max(posted_at) FROM digest_posts
WHERE posted_at IS NOT NULL GROUP BY substr(key, -8);
DROP TABLE digest_posts;
