package sqlite

import (
	"context"

	"github.com/nextdesk/nextdesk/knowledge"
)

// Import writes a batch of imported history in one transaction: all of it
// or, on error, none of it, so an interrupted import is re-run from the
// first batch not written.
//
// Records are upserted by their stable ids, and a record equal to what is
// stored is not written again: re-importing the same data creates no
// duplicates and gives no question a new revision, so the index does not
// redo its work. A conversation's members are replaced by the batch's
// list. A question carries its full list of answers, but answers stored
// earlier and missing from the list are kept, since a source may deliver
// them later through Batch.Answers. Answers whose question is unknown or
// deleted are skipped and counted as orphans. A deleted question is not
// brought back by an import of older data.
//
// It returns an EINVALID error, before writing anything, if a record has no
// id, a conversation has an unknown kind, or a time is out of range.
func (db *DB) Import(ctx context.Context, b knowledge.Batch) (knowledge.ImportResult, error) {
	if err := validateBatch(b); err != nil {
		return knowledge.ImportResult{}, err
	}
	var res knowledge.ImportResult
	err := db.update(ctx, "import batch", func(t *tx) error {
		for _, p := range b.People {
			if err := t.upsertPerson(ctx, p); err != nil {
				return err
			}
		}
		// Conversations go before questions, so that a new question is
		// written knowing its conversation and needs no second revision.
		for _, c := range b.Conversations {
			if err := t.upsertConversation(ctx, c); err != nil {
				return err
			}
		}
		for _, q := range b.Questions {
			// Statements notice cancellation only while they run; checking
			// between questions stops a large batch promptly.
			if err := ctx.Err(); err != nil {
				return err
			}
			written, answers, err := t.upsertQuestionWithAnswers(ctx, q)
			if err != nil {
				return err
			}
			if written {
				res.Questions++
			}
			res.Answers += answers
		}
		for _, qa := range b.Answers {
			live, err := t.questionLive(ctx, qa.QuestionID)
			if err != nil {
				return err
			}
			if !live {
				res.Orphans++
				continue
			}
			changed, err := t.upsertAnswer(ctx, qa.QuestionID, qa.Answer)
			if err != nil {
				return err
			}
			if changed {
				res.Answers++
			}
		}
		return nil
	})
	if err != nil {
		return knowledge.ImportResult{}, err
	}
	return res, nil
}

func validateBatch(b knowledge.Batch) error {
	for _, p := range b.People {
		if err := validatePerson(p); err != nil {
			return err
		}
	}
	for _, c := range b.Conversations {
		if err := validateConversation(c); err != nil {
			return err
		}
	}
	for _, q := range b.Questions {
		if err := validateQuestion(q); err != nil {
			return err
		}
	}
	for _, qa := range b.Answers {
		if err := validateAnswer(qa.Answer); err != nil {
			return err
		}
	}
	return nil
}
