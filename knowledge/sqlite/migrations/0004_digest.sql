-- The weekly digest and the org chart.

-- Questions by the time they were asked, for the digest's weekly reads.
CREATE INDEX questions_time ON questions (time) WHERE NOT deleted;

-- Questions by asker, for the topics of a personal digest.
CREATE INDEX questions_asker ON questions (asker, time) WHERE NOT deleted;

-- Asks by the past answer they offered, to count how often an answer was
-- reused as an instant answer.
CREATE INDEX asks_offered ON asks (offered) WHERE offered <> '';

-- One row per digest to post, keyed by what it is for and the week it
-- covers ("channel:C123:2026-W47", "person:U42:2026-W47"). A claimant
-- takes a row, or takes over one whose lease has expired, in one write
-- transaction, so two running instances never both post it; posted_at
-- set means done for good. ts is the message posted ('' when there was
-- nothing to post, as for an empty personal digest).
CREATE TABLE digest_posts (
	key         TEXT PRIMARY KEY,
	claimant    TEXT NOT NULL,
	claimed_at  INTEGER NOT NULL,
	lease_until INTEGER NOT NULL,
	posted_at   INTEGER,
	channel     TEXT NOT NULL DEFAULT '',
	ts          TEXT NOT NULL DEFAULT ''
) STRICT, WITHOUT ROWID;

-- People who asked for their personal weekly digest (/nextdesk digest on).
CREATE TABLE digest_subscribers (
	person_id TEXT PRIMARY KEY,
	since     INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

-- The org chart: each person's manager, as the last import gave it. Ids
-- are Slack user ids, or for people the import could not match, the
-- e-mail or id the file gave, so the chain through them still holds.
CREATE TABLE org_managers (
	person_id  TEXT PRIMARY KEY,
	manager_id TEXT NOT NULL
) STRICT, WITHOUT ROWID;
