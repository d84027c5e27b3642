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
// it as unanswered. A question an expert took is not passed on at once:
// they are reminded each timeout, takenReminders times, and only then is
// it passed on. Each route is escalated once, whatever restarts or
// concurrent rounds happen (its key is "escalate:<route id>"). Dry, it logs
// what it would do. One route's failure does not stop the others; their
// errors are returned together.
//
// A team's question nobody in the team answered waits in the team's
// channel first; after the answer timeout there, still unanswered, it goes
// to the fallback channel (see escalateChannels).
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
	if err := d.escalateChannels(ctx, dryRun); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// takenReminders is how many times an expert who took a question and has
// not answered is reminded, one answer timeout apart, before the question
// goes to someone else: taking a question holds it for three timeouts
// (12 hours by default), not forever.
const takenReminders = 2

func (d *Desk) escalateRoute(ctx context.Context, r knowledge.Route, dryRun bool) error {
	ctx = logctx.Question(logctx.Route(ctx, r.ID), r.QuestionID)
	if r.Outcome == knowledge.RouteTaken && r.Reminders < takenReminders {
		return d.remind(ctx, r, dryRun)
	}
	key := fmt.Sprintf("escalate:%d", r.ID)
	var a knowledge.Ask
	err := d.view(ctx, func(rd Reader) (err error) {
		a, err = rd.Ask(ctx, r.QuestionID)
		return err
	})
	if err != nil {
		return err
	}
	q, nx, err := d.nextStep(ctx, a, false)
	gone := knowledge.ErrorCode(err) == knowledge.ENOTFOUND
	if err != nil && !gone {
		return err
	}
	if dryRun {
		switch {
		case gone:
			d.log.Info("escalate (dry run): would close the route of a deleted question", "route", r.ID, "question", r.QuestionID)
		case nx.choice != nil:
			d.log.Info("escalate (dry run): would pass the question on", "route", r.ID, "question", r.QuestionID, "from", r.Expert, "to", nx.choice.expert.ID)
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
		if !cur.Outcome.AwaitsExpert() || cur.Reminders != r.Reminders {
			return nil // answered, decided or reminded since it was read
		}
		if err := tx.SetRouteOutcome(ctx, r.ID, knowledge.RouteExpired); err != nil {
			return err
		}
		ask, err := tx.Ask(ctx, r.QuestionID)
		if err != nil {
			return err
		}
		if !ask.Status.Waiting() || gone {
			return closeCard(ctx, tx, cur, ClosedPassedOn, "")
		}
		step := routeStep{key: key, ask: ask, text: Quote{Plain: q.Text}, told: ToldEscalated, previous: r.Expert}
		if nx.choice == nil {
			if err := closeCard(ctx, tx, cur, ClosedPassedOn, ""); err != nil {
				return err
			}
			return d.proceed(ctx, tx, step, nx, n)
		}
		if err := closeCard(ctx, tx, cur, ClosedPassedOn, nx.choice.expert.ID); err != nil {
			return err
		}
		if cur.Outcome == knowledge.RouteTaken {
			step.told = ToldReleased
		}
		n.Escalations++
		return d.proceed(ctx, tx, step, nx, n)
	})
}

// remind reminds the expert of taken route r, once per answer timeout,
// where the question they took waits for their answer; the last reminder
// says when it goes to someone else. For a team's question, it says when
// the team's promise runs out: the promise's own reminder of the person
// holding the question counts as one of these (see remindHolder), so
// nobody is reminded twice in a row.
func (d *Desk) remind(ctx context.Context, r knowledge.Route, dryRun bool) error {
	if dryRun {
		d.log.Info("escalate (dry run): would remind the expert who took the question", "route", r.ID, "question", r.QuestionID, "expert", r.Expert, "reminder", r.Reminders+1)
		return nil
	}
	var (
		a  knowledge.Ask
		qs []knowledge.Question
		tr *teamRoute
	)
	err := d.view(ctx, func(rd Reader) (err error) {
		if a, err = rd.Ask(ctx, r.QuestionID); err != nil {
			return err
		}
		if tr, err = teamOf(ctx, rd, r.QuestionID); err != nil {
			return err
		}
		qs, err = rd.Questions(ctx, knowledge.Viewer{PersonID: r.Expert}, []string{r.QuestionID})
		return err
	})
	if err != nil {
		return err
	}
	key := fmt.Sprintf("remind:%d:%d", r.ID, r.Reminders+1)
	return d.commit(ctx, key, func(tx Tx, _ *Counts) error {
		cur, err := tx.Route(ctx, r.ID)
		if err != nil {
			return err
		}
		if cur.Outcome != knowledge.RouteTaken || cur.Reminders != r.Reminders {
			return nil
		}
		if err := tx.RemindRoute(ctx, r.ID); err != nil {
			return err
		}
		thread, err := threadOf(ctx, tx, a)
		if err != nil {
			return err
		}
		body := Reminder{Route: r.ID, Asker: a.Asker, Thread: thread.link(), Taken: cur.DecidedAt, Promise: tr.promised()}
		if len(qs) > 0 {
			body.Text = Quote{Plain: qs[0].Text}
		}
		if cur.Reminders+1 >= takenReminders {
			body.Last, body.Next = true, tx.Now().Add(d.cfg.AnswerTimeout)
		}
		_, err = tx.Notify(ctx, Notice{Key: key, To: Address{Conversation: r.Expert}, Reader: r.Expert, After: thread.after, Body: body})
		return err
	})
}
