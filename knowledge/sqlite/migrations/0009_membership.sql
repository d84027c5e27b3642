-- Membership that stays true. A private channel's member list is trusted
-- only for a short while after it was read from Slack (members_read_at);
-- after that, or when it was never read (an export's), it gives nobody
-- access until it is read again. members_changed_at is when an event last
-- changed the list (someone left, the channel was made private): a read
-- that started before that may only take access away, never give it.
ALTER TABLE conversations ADD COLUMN members_read_at INTEGER;
ALTER TABLE conversations ADD COLUMN members_changed_at INTEGER;

-- A channel shared with another organisation (Slack Connect): its own
-- knowledge only is shown there, and its members are kept even when it is
-- public, since people from outside see it only as members.
ALTER TABLE conversations ADD COLUMN shared INTEGER NOT NULL DEFAULT 0;

-- A guest, or a person of another organisation: sees only the
-- conversations they are a member of.
ALTER TABLE people ADD COLUMN restricted INTEGER NOT NULL DEFAULT 0;

-- What the bot read from Slack before keeps counting from when it read it.
UPDATE conversations SET members_read_at = (
	SELECT f.at FROM fetched f WHERE f.what = 'conversation' AND f.id = conversations.id);
DELETE FROM fetched WHERE what = 'conversation';

-- The membership task walks the conversations read longest ago.
CREATE INDEX conversations_read ON conversations (members_read_at);
