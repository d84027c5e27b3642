package desk

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nextdesk/nextdesk/internal/logctx"
	"github.com/nextdesk/nextdesk/knowledge"
)

// escalateBatch bounds the routes one escalation round passes on.
const escalateBatch = 100

// escalateEvery is how often escalation looks for stale routes: often
// enough that a question waits little past its timeout, rarely enough to
// cost nothing.
func escalateEvery(timeout time.Duration) time.Duration {
	return min(max(timeout/10, 10*time.Second), 5*time.Minute)
}

// Escalate passes on every question whose expert has not answered within
// the answer timeout: to the next candidate, or, after the policy's number
// of experts (or when nobody else fits), to the fallback channel, recording
// it as unanswered. Each route is escalated once, whatever restarts or
// concurrent rounds happen (its key is "escalate:<route id>"). Dry, it logs
// what it would do. One route's failure does not stop the others; their
// errors are returned together.
func (d *Desk) Escalate(ctx context.Context, dryRun bool) error {
	var stale []knowledge.Route
	err := d.view(ctx, func(r Reader) (err error) {
		stale, err = r.StaleRoutes(ctx, d.Now().Add(-d.cfg.AnswerTimeout), escalateBatch)
		return err
	})
	if err != nil {
		return fmt.Errorf("escalate: %w", err)
	}
	var errs []error
	for _, r := range stale {
		if ctx.Err() != nil {
			break
		}
		if err := d.escalateRoute(ctx, r, dryRun); err != nil {
			errs = append(errs, fmt.Errorf("escalate route %d: %w", r.ID, err))
		}
	}
	return errors.Join(errs...)
}

func (d *Desk) escalateRoute(ctx context.Context, r knowledge.Route, dryRun bool) error {
	ctx = logctx.Question(logctx.Route(ctx, r.ID), r.QuestionID)
	key := fmt.Sprintf("escalate:%d", r.ID)
	var a knowledge.Ask
	err := d.view(ctx, func(rd Reader) (err error) {
		a, err = rd.Ask(ctx, r.QuestionID)
		return err
	})
	if err != nil {
		return err
	}
	q, c, err := d.nextStep(ctx, a)
	gone := knowledge.ErrorCode(err) == knowledge.ENOTFOUND
	if err != nil && !gone {
		return err
	}
	if dryRun {
		switch {
		case gone:
			d.log.Info("escalate (dry run): would close the route of a deleted question", "route", r.ID, "question", r.QuestionID)
		case c != nil:
			d.log.Info("escalate (dry run): would pass the question on", "route", r.ID, "question", r.QuestionID, "from", r.Expert, "to", c.expert.ID)
		default:
			d.log.Info("escalate (dry run): would give the question up", "route", r.ID, "question", r.QuestionID, "from", r.Expert)
		}
		return nil
	}
	return d.commit(ctx, key, func(tx Tx, n *Counts) error {
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
		text := Quote{Plain: q.Text}
		if c == nil {
			return d.giveUp(ctx, tx, key, ask, text, n)
		}
		n.Escalations++
		_, err = d.route(ctx, tx, routeStep{key: key, ask: ask, text: text, choice: c, told: ToldEscalated, previous: r.Expert}, n)
		return err
	})
}
