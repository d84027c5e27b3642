-- Learning from the workspace: the threshold of instant answers is
-- calibrated again from what people said of them.

-- The version of the confidence model that scored each offer
-- (knowledge.ConfidenceModel): only outcomes of offers scored as today's
-- engine scores them teach its threshold. 0 for the offers recorded before
-- versions were, which teach nothing.
ALTER TABLE offers ADD COLUMN model INTEGER NOT NULL DEFAULT 0;

-- Each change of the threshold in force and why, newest last: the latest
-- row of the current model is the threshold a restart starts from, and
-- what `nextdesk eval live` shows.
CREATE TABLE calibrations (
	id        INTEGER PRIMARY KEY,
	at        INTEGER NOT NULL,
	model     INTEGER NOT NULL, -- the confidence model it holds for
	threshold REAL NOT NULL,    -- the threshold in force from then on
	reason    TEXT NOT NULL,    -- learned, too_few or unreached (see desk.Calibration)
	outcomes  INTEGER NOT NULL, -- the outcomes it was computed from
	judged    INTEGER NOT NULL, -- of them, the instant answers their askers judged
	above     INTEGER NOT NULL, -- of them, those at or above threshold
	correct   INTEGER NOT NULL  -- of those, the right ones: the measured precision
) STRICT;
