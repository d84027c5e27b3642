-- Routes record each time a question was sent to one expert, and how that
-- ended. Outcomes are checked in Go rather than by a CHECK constraint, so a
-- new outcome needs no table rebuild.
CREATE TABLE routes (
	id          INTEGER PRIMARY KEY,
	question_id TEXT NOT NULL REFERENCES questions (id),
	expert      TEXT NOT NULL,
	asked_at    INTEGER NOT NULL,
	outcome     TEXT NOT NULL,
	decided_at  INTEGER
) STRICT;
CREATE INDEX routes_question ON routes (question_id);
