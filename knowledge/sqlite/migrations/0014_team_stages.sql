-- Escalation of a team's question stays inside the team: its members one
-- after the other, then the team's channel, and only then the fallback
-- channel. channel_asked_at is when the team's channel was asked, no
-- member being left to ask; fallback_asked_at when the fallback channel
-- was, the channel having let the answer timeout pass.
ALTER TABLE team_asks ADD COLUMN channel_asked_at INTEGER;
ALTER TABLE team_asks ADD COLUMN fallback_asked_at INTEGER;
-- The questions waiting in a team's channel, by when it was asked.
CREATE INDEX team_asks_in_channel ON team_asks (channel_asked_at)
WHERE channel_asked_at IS NOT NULL AND fallback_asked_at IS NULL;
