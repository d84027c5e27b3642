-- Flows as people expect them.

-- "I'll take it" stops escalation: the taker is reminded instead, and the
-- question moves on only after the last reminder. A route counts the
-- reminders sent and when the last one went.
ALTER TABLE routes ADD COLUMN reminders INTEGER NOT NULL DEFAULT 0;
ALTER TABLE routes ADD COLUMN reminded_at INTEGER;

-- "Already answered" now names the earlier thread at once, so a route
-- marked duplicate no longer waits for a link. Those that did, on a
-- question still open, are the expert's to finish: they count as taken,
-- and get the taker's reminders.
UPDATE routes SET outcome = 'taken', decided_at = coalesce(decided_at, asked_at)
WHERE outcome = 'duplicate'
  AND question_id IN (SELECT question_id FROM asks WHERE status = 'open');
DROP INDEX routes_open_age;
CREATE INDEX routes_open_age ON routes (asked_at) WHERE outcome IN ('pending', 'taken');

-- The earlier thread an expert picked when they said "Already answered":
-- with outcome 'already_answered', what the instant answers missed.
ALTER TABLE offers ADD COLUMN picked_match TEXT NOT NULL DEFAULT '';
ALTER TABLE offers ADD COLUMN picked_answer TEXT NOT NULL DEFAULT '';

-- What an asker added in their question's thread before it was answered:
-- part of the question (its text in questions is the first message then
-- these, oldest first), kept apart so an edit or a deletion of one of
-- them, or of the first message, rewrites the question right.
CREATE TABLE details (
	id          TEXT PRIMARY KEY, -- the message's id
	question_id TEXT NOT NULL REFERENCES questions (id),
	text        TEXT NOT NULL,
	time        INTEGER NOT NULL
) STRICT;
CREATE INDEX details_question ON details (question_id, time);
