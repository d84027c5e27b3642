package sqlite

import (
	"context"
	"fmt"

	"github.com/nextdesk/nextdesk/knowledge"
	"github.com/nextdesk/nextdesk/knowledge/desk"
)

// RecordOffer records the best past answer found for a new question. A
// question's first record stands: a redelivery does not replace it. It
// returns an EINVALID error if o names no question or has a time out of
// range.
func (d *deskTx) RecordOffer(ctx context.Context, o desk.Offer) error {
	if o.QuestionID == "" {
		return knowledge.Errorf(knowledge.EINVALID, "An offer needs a question.")
	}
	if !validTime(o.At) {
		return knowledge.Errorf(knowledge.EINVALID, "The offer for %s has a time out of range.", o.QuestionID)
	}
	if o.At.IsZero() {
		o.At = d.t.now
	}
	_, err := d.t.ExecContext(ctx, `
		INSERT INTO offers (question_id, match_id, answer_id, confidence, offered, at, outcome, model)
		VALUES (?, ?, ?, ?, ?, ?, '', ?) ON CONFLICT (question_id) DO NOTHING`,
		o.QuestionID, o.Match, o.Answer, o.Confidence, o.Offered, nanos(o.At), o.Model)
	if err != nil {
		return fmt.Errorf("record offer for %s: %w", o.QuestionID, err)
	}
	return nil
}

// SetOfferOutcome records what people said of the answer found for a
// question, decided now; a later word replaces an earlier one, except that
// an expert's already_answered never replaces the asker's solved or
// need_help. A question with no offer recorded gets one without a match,
// so a missed instant answer counts too. It returns an EINVALID error for
// an unknown outcome.
func (d *deskTx) SetOfferOutcome(ctx context.Context, questionID string, outcome desk.OfferOutcome) error {
	switch outcome {
	case desk.OfferSolved, desk.OfferNeedHelp, desk.OfferAlreadyAnswered:
	default:
		return knowledge.Errorf(knowledge.EINVALID, "Unknown offer outcome %q.", outcome)
	}
	_, err := d.t.ExecContext(ctx, `
		INSERT INTO offers (question_id, match_id, answer_id, confidence, offered, at, outcome, decided_at)
		VALUES (?1, '', '', 0, 0, ?2, ?3, ?2)
		ON CONFLICT (question_id) DO UPDATE SET `+keepAskersWord,
		questionID, nanos(d.t.now), outcome)
	if err != nil {
		return fmt.Errorf("record the outcome of the offer for %s: %w", questionID, err)
	}
	return nil
}

// keepAskersWord sets an offer's outcome, and when it was decided, from
// the row an upsert proposes, unless the asker judged what was offered
// (solved, need_help) and the word proposed is an expert's
// already_answered: the asker's word measures the instant answer, the
// expert's (kept with their pick) measures the misses.
const keepAskersWord = `
	outcome = CASE WHEN offers.outcome IN ('solved', 'need_help') AND excluded.outcome = 'already_answered'
		THEN offers.outcome ELSE excluded.outcome END,
	decided_at = CASE WHEN offers.outcome IN ('solved', 'need_help') AND excluded.outcome = 'already_answered'
		THEN offers.decided_at ELSE excluded.decided_at END`
