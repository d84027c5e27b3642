-- The inbox: what Slack delivered (an event, a command, a click), written
-- before Slack is told it arrived and kept until it is handled, so that a
-- crash, a restart or an outage between the two loses nothing. A handled
-- delivery's row goes; its key stays in inbound_keys, so a redelivery does
-- nothing.
CREATE TABLE inbox (
	id          INTEGER PRIMARY KEY,
	key         TEXT NOT NULL UNIQUE,
	kind        TEXT NOT NULL, -- event:app_mention, command:/ask, interaction:block_actions…
	payload     BLOB NOT NULL, -- as Slack sent it, in the form the bot reads it again
	retry       INTEGER NOT NULL, -- Slack's redelivery number when it was recorded
	received_at INTEGER NOT NULL,
	since       INTEGER NOT NULL, -- when its bounded age started: receipt, or a requeue
	attempts    INTEGER NOT NULL, -- handlings started
	due_at      INTEGER NOT NULL,
	state       TEXT NOT NULL, -- pending, handling, parked
	error       TEXT NOT NULL
) STRICT;
CREATE INDEX inbox_due ON inbox (due_at) WHERE state = 'pending';
CREATE INDEX inbox_state ON inbox (state, received_at);

-- One row written by the readiness check, so that it knows the store takes
-- writes (a full disk, a read-only mount or a corrupt file refuse them).
CREATE TABLE heartbeat (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	at INTEGER NOT NULL
) STRICT;
INSERT INTO heartbeat (id, at) VALUES (1, 0);
