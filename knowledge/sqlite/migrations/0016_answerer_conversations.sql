-- How many answers each person gave in each conversation, kept by the
-- triggers below in the same transaction as every answer write (and every
-- move of a question to another conversation), so routing reads who
-- answers where a question is asked without counting their answers.
CREATE TABLE answerer_conversations (
	conversation_id TEXT NOT NULL,
	person_id       TEXT NOT NULL,
	answers         INTEGER NOT NULL,
	PRIMARY KEY (conversation_id, person_id)
) STRICT, WITHOUT ROWID;

INSERT INTO answerer_conversations (conversation_id, person_id, answers)
SELECT q.conversation_id, a.answerer, count(*)
FROM answers a JOIN questions q ON q.id = a.question_id
GROUP BY q.conversation_id, a.answerer;

CREATE TRIGGER answers_here_insert AFTER INSERT ON answers BEGIN
	INSERT INTO answerer_conversations (conversation_id, person_id, answers)
	SELECT conversation_id, NEW.answerer, 1 FROM questions WHERE id = NEW.question_id
	ON CONFLICT (conversation_id, person_id) DO UPDATE SET answers = answers + 1;
END;

CREATE TRIGGER answers_here_delete AFTER DELETE ON answers BEGIN
	UPDATE answerer_conversations SET answers = answers - 1
	WHERE person_id = OLD.answerer
	  AND conversation_id = (SELECT conversation_id FROM questions WHERE id = OLD.question_id);
	DELETE FROM answerer_conversations WHERE person_id = OLD.answerer AND answers <= 0;
END;

CREATE TRIGGER answers_here_update AFTER UPDATE OF answerer, question_id ON answers BEGIN
	UPDATE answerer_conversations SET answers = answers - 1
	WHERE person_id = OLD.answerer
	  AND conversation_id = (SELECT conversation_id FROM questions WHERE id = OLD.question_id);
	INSERT INTO answerer_conversations (conversation_id, person_id, answers)
	SELECT conversation_id, NEW.answerer, 1 FROM questions WHERE id = NEW.question_id
	ON CONFLICT (conversation_id, person_id) DO UPDATE SET answers = answers + 1;
	DELETE FROM answerer_conversations WHERE person_id = OLD.answerer AND answers <= 0;
END;

-- A question moved to another conversation (an ask posted where it was
-- asked) takes its answers along.
CREATE TRIGGER questions_here_move AFTER UPDATE OF conversation_id ON questions
WHEN OLD.conversation_id <> NEW.conversation_id BEGIN
	UPDATE answerer_conversations SET answers = answers -
		(SELECT count(*) FROM answers WHERE question_id = NEW.id AND answerer = answerer_conversations.person_id)
	WHERE conversation_id = OLD.conversation_id
	  AND person_id IN (SELECT answerer FROM answers WHERE question_id = NEW.id);
	DELETE FROM answerer_conversations WHERE conversation_id = OLD.conversation_id AND answers <= 0;
	INSERT INTO answerer_conversations (conversation_id, person_id, answers)
	SELECT NEW.conversation_id, answerer, count(*) FROM answers WHERE question_id = NEW.id GROUP BY answerer
	ON CONFLICT (conversation_id, person_id) DO UPDATE SET answers = answers + excluded.answers;
END;
