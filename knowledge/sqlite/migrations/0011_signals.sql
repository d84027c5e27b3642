-- Routing reads, for each new question, the recent answers in its
-- conversation: that must cost a few index seeks whatever the size of the
-- store. (conversation_id, time) also serves every lookup by conversation
-- alone, so it replaces the index on conversation_id.
CREATE INDEX questions_conversation_time ON questions (conversation_id, time);
DROP INDEX questions_conversation;
