-- Asking without fear, as a choice in the direct messages with the bot: a
-- person clicked "Ask my next question without my name". Their next
-- question there is asked anonymously if it comes before until; the row
-- goes when that question is asked, when they cancel, or, unused, at the
-- prune after until.
CREATE TABLE anonymous_choices (
	person_id TEXT PRIMARY KEY,
	until     INTEGER NOT NULL
) STRICT;
CREATE INDEX anonymous_choices_until ON anonymous_choices (until);
