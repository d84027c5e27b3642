-- Teams that promise a service to the rest of the company, and how each
-- question they took was held to that promise.
--
-- The teams, their members, topics and promises are what the last
-- `nextdesk import teams` gave: an import replaces them all. What
-- happened to questions (team_asks, team_deadlines) is history: it names
-- teams by name, without a foreign key, so it outlives a re-import that
-- renames or drops a team, and it records each promise as it was made.

CREATE TABLE teams (
	name     TEXT PRIMARY KEY COLLATE NOCASE,
	position INTEGER NOT NULL, -- order in the file
	channel  TEXT NOT NULL,    -- a channel id, or '#name'; '' for none
	zone     TEXT NOT NULL,    -- IANA zone of the working hours; '' for the wall clock
	week     TEXT NOT NULL,    -- JSON: seven lists (Sunday first) of [from, to] minutes
	holidays TEXT NOT NULL     -- JSON array of 'YYYY-MM-DD'
) STRICT;

-- person_id has no foreign key: a member may not have met the bot yet.
CREATE TABLE team_members (
	team      TEXT NOT NULL REFERENCES teams (name) ON DELETE CASCADE,
	person_id TEXT NOT NULL,
	PRIMARY KEY (team, person_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX team_members_person ON team_members (person_id);

CREATE TABLE team_topics (
	team     TEXT NOT NULL REFERENCES teams (name) ON DELETE CASCADE,
	name     TEXT NOT NULL COLLATE NOCASE,
	position INTEGER NOT NULL,
	words    TEXT NOT NULL, -- JSON array
	examples TEXT NOT NULL, -- JSON array
	PRIMARY KEY (team, name)
) STRICT, WITHOUT ROWID;

-- Durations are working nanoseconds on the team's clock; 0 promises
-- nothing on that point.
CREATE TABLE team_promises (
	team           TEXT NOT NULL REFERENCES teams (name) ON DELETE CASCADE,
	position       INTEGER NOT NULL,
	topic          TEXT NOT NULL, -- '' for every topic of the team
	requester      TEXT NOT NULL, -- the requesting team; '' for everyone
	first_response INTEGER NOT NULL,
	resolution     INTEGER NOT NULL,
	PRIMARY KEY (team, position)
) STRICT, WITHOUT ROWID;

-- A question a team took. requester is the requesting team ('' when the
-- asker is in no team, and always for an anonymous question: a small
-- team would give its asker away). match is how surely the question
-- matched the topic.
CREATE TABLE team_asks (
	question_id TEXT PRIMARY KEY REFERENCES questions (id),
	team        TEXT NOT NULL,
	topic       TEXT NOT NULL,
	requester   TEXT NOT NULL,
	anonymous   INTEGER NOT NULL,
	match       REAL NOT NULL,
	asked_at    INTEGER NOT NULL
) STRICT;
CREATE INDEX team_asks_asked ON team_asks (asked_at);
CREATE INDEX team_asks_team ON team_asks (team, asked_at);

-- The two points of a promise for one question: a first response and a
-- resolution. within and due are the promise as made (within 0 and due
-- NULL when nothing was promised on that point: the time it took is still
-- measured); met_at and took (working time) when it was done; the
-- reminders to the person holding the question and to the team's channel;
-- and the breach, recorded once, never hidden.
CREATE TABLE team_deadlines (
	question_id      TEXT NOT NULL REFERENCES team_asks (question_id) ON DELETE CASCADE,
	kind             TEXT NOT NULL, -- 'first_response' or 'resolution'
	within           INTEGER NOT NULL,
	due              INTEGER,
	met_at           INTEGER,
	took             INTEGER,
	holder_reminded  INTEGER,
	channel_reminded INTEGER,
	breached_at      INTEGER,
	PRIMARY KEY (question_id, kind)
) STRICT, WITHOUT ROWID;
-- The deadlines still to hold, by when they fall due.
CREATE INDEX team_deadlines_open ON team_deadlines (due)
WHERE due IS NOT NULL AND met_at IS NULL AND breached_at IS NULL;
