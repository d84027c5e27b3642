-- Questions whose answers were not recorded as a thread but inferred from
-- flat channel history (exports from before threads): the engine trusts
-- them less, and a later import of the real thread clears the mark.
ALTER TABLE questions ADD COLUMN reconstructed INTEGER NOT NULL DEFAULT 0;
