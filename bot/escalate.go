package bot

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nextdesk/nextdesk/blockkit"
	"github.com/nextdesk/nextdesk/knowledge"
	"github.com/nextdesk/nextdesk/knowledge/sqlite"
)

// escalateBatch bounds the routes one escalation run passes on.
const escalateBatch = 100

// escalateEvery is how often escalation looks for stale routes: often
// enough that a question waits little past its timeout, rarely enough to
// cost nothing.
func escalateEvery(timeout time.Duration) time.Duration {
	return min(max(timeout/10, 10*time.Second), 5*time.Minute)
}

// escalate passes on every question whose expert has not answered within
// AnswerTimeout: to the next candidate, or, after the policy's number of
// experts (or when nobody else fits), to the fallback channel, recording
// it as unanswered. Each route is escalated once, whatever restarts or
// concurrent runs happen (its key is "escalate:<route id>"). Dry, it logs
// what it would do. One route's failure does not stop the others; their
// errors are returned together.
func (b *Bot) escalate(ctx context.Context, dryRun bool) error {
	stale, err := b.store.StaleRoutes(ctx, b.now().Add(-b.cfg.AnswerTimeout), escalateBatch)
	if err != nil {
		return fmt.Errorf("escalate: %w", err)
	}
	var errs []error
	for _, r := range stale {
		if ctx.Err() != nil {
			break
		}
		if err := b.escalateRoute(ctx, r, dryRun); err != nil {
			errs = append(errs, fmt.Errorf("escalate route %d: %w", r.ID, err))
		}
	}
	return errors.Join(errs...)
}

func (b *Bot) escalateRoute(ctx context.Context, r knowledge.Route, dryRun bool) error {
	key := fmt.Sprintf("escalate:%d", r.ID)
	a, err := b.store.Ask(ctx, r.QuestionID)
	if err != nil {
		return err
	}
	q, c, link, err := b.nextStep(ctx, a)
	gone := knowledge.ErrorCode(err) == knowledge.ENOTFOUND
	if err != nil && !gone {
		return err
	}
	if dryRun {
		switch {
		case gone:
			b.log.Info("escalate (dry run): would close the route of a deleted question", "route", r.ID, "question", r.QuestionID)
		case c != nil:
			b.log.Info("escalate (dry run): would pass the question on", "route", r.ID, "question", r.QuestionID, "from", r.Expert, "to", c.Expert.ID)
		default:
			b.log.Info("escalate (dry run): would give the question up", "route", r.ID, "question", r.QuestionID, "from", r.Expert)
		}
		return nil
	}
	asker := b.langOf(b.person(ctx, a.Asker))
	return b.commit(ctx, key, func(tx *sqlite.BotTx, t *tally) error {
		cur, err := tx.Route(ctx, r.ID)
		if err != nil {
			return err
		}
		if !cur.Outcome.AwaitsExpert() {
			return nil // answered or decided since it was read
		}
		if err := tx.SetRouteOutcome(ctx, r.ID, knowledge.RouteExpired); err != nil {
			return err
		}
		ask, err := tx.Ask(ctx, r.QuestionID)
		if err != nil {
			return err
		}
		if !ask.Status.Waiting() || gone {
			return nil
		}
		if c == nil {
			return b.giveUp(ctx, tx, key, ask, blockkit.Escape(q.Text), asker, link, t)
		}
		t.escalations++
		step := routeStep{key: key, ask: ask, text: blockkit.Escape(q.Text), asker: asker, choice: c, link: link, note: "route.escalated", previous: r.Expert}
		_, err = b.route(ctx, tx, step, t)
		return err
	})
}
