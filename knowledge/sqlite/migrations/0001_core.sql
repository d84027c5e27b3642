-- The core schema: who, where, what was asked and answered, and the
-- revision counter the search index follows.
--
-- Times are UTC unix nanoseconds (INTEGER), NULL when unknown, so ordering
-- is exact and needs no parsing. Ids are the domain's stable string keys.

CREATE TABLE people (
	id        TEXT PRIMARY KEY,
	name      TEXT NOT NULL,
	email     TEXT NOT NULL,
	tz        TEXT NOT NULL,
	tz_offset INTEGER NOT NULL,
	locale    TEXT NOT NULL,
	bot       INTEGER NOT NULL,
	deleted   INTEGER NOT NULL
) STRICT;

CREATE TABLE conversations (
	id   TEXT PRIMARY KEY,
	name TEXT NOT NULL,
	kind TEXT NOT NULL
) STRICT;

-- Members of non-public conversations only: a public conversation is
-- readable by everyone, so its member list would be dead weight.
-- person_id has no foreign key: a member list may name people the store
-- has not met yet.
CREATE TABLE members (
	person_id       TEXT NOT NULL,
	conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
	PRIMARY KEY (person_id, conversation_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX members_conversation ON members (conversation_id);

-- A deleted question stays as a tombstone (deleted = 1, no text, no
-- answers) so the index learns of the deletion through its revision.
-- conversation_id has no foreign key: a question may arrive before its
-- conversation, and is then treated as not public.
CREATE TABLE questions (
	id              TEXT PRIMARY KEY,
	asker           TEXT NOT NULL,
	conversation_id TEXT NOT NULL,
	thread          TEXT NOT NULL,
	title           TEXT NOT NULL,
	text            TEXT NOT NULL,
	tags            TEXT NOT NULL, -- JSON array, '' when none
	lang            TEXT NOT NULL,
	time            INTEGER,
	rev             INTEGER NOT NULL,
	deleted         INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE UNIQUE INDEX questions_rev ON questions (rev);
CREATE INDEX questions_conversation ON questions (conversation_id);

CREATE TABLE answers (
	id          TEXT PRIMARY KEY,
	question_id TEXT NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
	answerer    TEXT NOT NULL,
	text        TEXT NOT NULL,
	time        INTEGER,
	accepted    INTEGER NOT NULL,
	thanks      INTEGER NOT NULL,
	score       INTEGER NOT NULL
) STRICT;
CREATE INDEX answers_question ON answers (question_id);
-- Serves the first and last answer of a person with two index seeks.
CREATE INDEX answers_answerer ON answers (answerer, time);
-- Keeps counting accepted questions cheap on a large store.
CREATE INDEX answers_accepted ON answers (question_id) WHERE accepted;

-- The highest revision ever given to a question. Kept apart from
-- max(questions.rev) so a revision is never reused, whatever happens to
-- question rows later.
CREATE TABLE revision (
	rev INTEGER NOT NULL
) STRICT;
INSERT INTO revision (rev) VALUES (0);

-- Per-answerer summary by hour of the day (UTC; -1 when the answer's time
-- is unknown), kept by the triggers below in the same transaction as every
-- answer write, so routing reads a hundred candidates' histories without
-- aggregating millions of answers.
CREATE TABLE answerer_hours (
	person_id TEXT NOT NULL,
	hour      INTEGER NOT NULL,
	answers   INTEGER NOT NULL,
	accepted  INTEGER NOT NULL,
	thanks    INTEGER NOT NULL,
	PRIMARY KEY (person_id, hour)
) STRICT, WITHOUT ROWID;

-- The hour is floored, not truncated, so times before 1970 land in the
-- right hour too: 86400000000000 ns a day, 3600000000000 ns an hour.
CREATE TRIGGER answers_stats_insert AFTER INSERT ON answers BEGIN
	INSERT INTO answerer_hours (person_id, hour, answers, accepted, thanks)
	VALUES (
		NEW.answerer,
		CASE WHEN NEW.time IS NULL THEN -1
		ELSE ((NEW.time % 86400000000000) + 86400000000000) % 86400000000000 / 3600000000000 END,
		1, NEW.accepted <> 0, NEW.thanks)
	ON CONFLICT (person_id, hour) DO UPDATE SET
		answers = answers + 1,
		accepted = accepted + excluded.accepted,
		thanks = thanks + excluded.thanks;
END;

CREATE TRIGGER answers_stats_delete AFTER DELETE ON answers BEGIN
	UPDATE answerer_hours SET
		answers = answers - 1,
		accepted = accepted - (OLD.accepted <> 0),
		thanks = thanks - OLD.thanks
	WHERE person_id = OLD.answerer AND hour =
		CASE WHEN OLD.time IS NULL THEN -1
		ELSE ((OLD.time % 86400000000000) + 86400000000000) % 86400000000000 / 3600000000000 END;
	DELETE FROM answerer_hours WHERE person_id = OLD.answerer AND answers <= 0;
END;

CREATE TRIGGER answers_stats_update AFTER UPDATE OF answerer, time, accepted, thanks ON answers BEGIN
	UPDATE answerer_hours SET
		answers = answers - 1,
		accepted = accepted - (OLD.accepted <> 0),
		thanks = thanks - OLD.thanks
	WHERE person_id = OLD.answerer AND hour =
		CASE WHEN OLD.time IS NULL THEN -1
		ELSE ((OLD.time % 86400000000000) + 86400000000000) % 86400000000000 / 3600000000000 END;
	INSERT INTO answerer_hours (person_id, hour, answers, accepted, thanks)
	VALUES (
		NEW.answerer,
		CASE WHEN NEW.time IS NULL THEN -1
		ELSE ((NEW.time % 86400000000000) + 86400000000000) % 86400000000000 / 3600000000000 END,
		1, NEW.accepted <> 0, NEW.thanks)
	ON CONFLICT (person_id, hour) DO UPDATE SET
		answers = answers + 1,
		accepted = accepted + excluded.accepted,
		thanks = thanks + excluded.thanks;
	DELETE FROM answerer_hours WHERE person_id = OLD.answerer AND answers <= 0;
END;
