-- Asking without fear: anonymous questions.

-- An anonymous question's ask (and the question itself) records no asker:
-- nothing that reads them can show one.
ALTER TABLE asks ADD COLUMN anonymous INTEGER NOT NULL DEFAULT 0;

-- Who asked each anonymous question, known to the desk alone so that the
-- replies reach them, and what they write back reaches the question's
-- thread: relay_* is the thread of their direct messages with the bot
-- where that happens ('' until the message starting it is posted). The
-- asker and the relay are erased after a while (asker '' then); the row
-- stays, so the question is still counted as anonymous. asked_at serves
-- the limit on how many one person may ask a day.
CREATE TABLE anonymous (
	question_id   TEXT PRIMARY KEY REFERENCES questions (id),
	asker         TEXT NOT NULL,
	relay_channel TEXT NOT NULL,
	relay_thread  TEXT NOT NULL,
	direct        INTEGER NOT NULL,
	asked_at      INTEGER NOT NULL
) STRICT;
CREATE INDEX anonymous_asker ON anonymous (asker, asked_at) WHERE asker <> '';
CREATE UNIQUE INDEX anonymous_relay ON anonymous (relay_channel, relay_thread) WHERE relay_thread <> '';
CREATE INDEX anonymous_asked ON anonymous (asked_at) WHERE asker <> '';

-- A notice that starts the thread of an anonymous question's relay: its
-- delivery records that thread in anonymous, and moves no question.
ALTER TABLE outbox ADD COLUMN place_relay INTEGER NOT NULL DEFAULT 0;
