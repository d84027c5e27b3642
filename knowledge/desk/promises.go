package desk

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nextdesk/nextdesk/knowledge"
)

// Audience is who a PromiseDue is for.
type Audience string

// Who hears of a promise about to run out, or broken.
const (
	ToHolder  Audience = "holder"  // the person holding the question
	ToChannel Audience = "channel" // the team's channel
	ToAsker   Audience = "asker"   // the person who asked
)

// PromiseDue says that a team's promise on a question is about to run out
// (Step is a reminder), or was broken (knowledge.StepBreach): to whoever
// holds the question, then to the team's channel, and, once broken, to
// the channel and the asker. Nobody's manager hears of it: the point is
// to serve without the management chain. Asker is empty for an anonymous
// question; Private leaves the question's text out, for a channel that
// may not read it; Holder is who holds it, if anyone.
type PromiseDue struct {
	Step     knowledge.Step         `json:"step"`
	Deadline knowledge.DeadlineKind `json:"deadline"`
	Promise  Promised               `json:"promise"`
	To       Audience               `json:"to"`
	Asker    string                 `json:"asker"`
	Holder   string                 `json:"holder,omitempty"`
	Text     Quote                  `json:"text"`
	Private  bool                   `json:"private,omitempty"`
	Thread   Link                   `json:"thread"`
	// Route is, for a holder who took the question, their route: this
	// reminder counts as one of its reminders (see Reminder), and Last
	// and Next say when the question goes to someone else.
	Route int64     `json:"route,omitempty"`
	Last  bool      `json:"last,omitempty"`
	Next  time.Time `json:"next,omitzero"`
}

// KindPromiseDue is the kind of PromiseDue.
const KindPromiseDue Kind = "promise_due"

// Kind implements Body.
func (PromiseDue) Kind() Kind { return KindPromiseDue }

// TaskPromises is the name of the task that holds the teams' promises.
const TaskPromises = "promises"

// promisesEvery is how often the promises are looked at: deadlines count
// in working minutes, and the look is one indexed read.
const promisesEvery = time.Minute

// promiseBatch bounds the questions one round of HoldPromises looks at,
// the soonest due first.
const promiseBatch = 200

// HoldPromises holds the teams' promises on the questions they took, on
// each team's working-hours clock: when three quarters of a promised time
// have gone, the person holding the question is reminded; at seven
// eighths, the team's channel; once it is past, the breach is recorded
// and the channel and the asker are told. Each step is taken once per
// question and deadline (its key is "promise:<question>:<deadline>:
// <step>"), whatever restarts or concurrent rounds happen; a bot that was
// down past a reminder records the breach without reminding late. Dry, it
// logs what it would do. One question's failure does not stop the others;
// their errors are returned together.
func (d *Desk) HoldPromises(ctx context.Context, dryRun bool) error {
	var (
		asks  []knowledge.TeamAsk
		teams knowledge.Teams
	)
	err := d.view(ctx, func(r Reader) (err error) {
		if asks, err = r.HeldAsks(ctx, promiseBatch); err != nil {
			return err
		}
		teams, err = r.Teams(ctx)
		return err
	})
	if err != nil {
		return fmt.Errorf("promises: %w", err)
	}
	now := d.Now()
	var errs []error
	for _, a := range asks {
		if ctx.Err() != nil {
			break
		}
		team, _ := heldBy(teams, a)
		for _, kind := range []knowledge.DeadlineKind{knowledge.FirstResponse, knowledge.Resolution} {
			step := a.Deadline(kind).Next(a.AskedAt, now, team.Hours)
			if step == knowledge.StepNone {
				continue
			}
			if err := d.holdStep(ctx, a, team, kind, step, dryRun); err != nil {
				errs = append(errs, fmt.Errorf("promise %s of question %s: %w", kind, a.QuestionID, err))
			}
		}
	}
	return errors.Join(errs...)
}

// holdStep takes step for the deadline of kind of ta, a question team
// took.
func (d *Desk) holdStep(ctx context.Context, ta knowledge.TeamAsk, team knowledge.Team, kind knowledge.DeadlineKind, step knowledge.Step, dryRun bool) error {
	key := fmt.Sprintf("promise:%s:%s:%s", ta.QuestionID, kind, step)
	if dryRun {
		d.log.Info("promises (dry run): would "+string(step), "question", ta.QuestionID, "team", ta.Team, "deadline", kind, "due", ta.Deadline(kind).Due)
		return nil
	}
	var (
		a      knowledge.Ask
		qs     []knowledge.Question
		routes []knowledge.Route
	)
	err := d.view(ctx, func(r Reader) (err error) {
		a, err = r.Ask(ctx, ta.QuestionID)
		if knowledge.ErrorCode(err) == knowledge.ENOTFOUND {
			// Gone: the promise is still held, and said to nobody.
			a = knowledge.Ask{}
			return nil
		}
		if err != nil {
			return err
		}
		if qs, err = questionOf(ctx, r, a); err != nil {
			return err
		}
		routes, err = r.Routes(ctx, a.QuestionID)
		return err
	})
	if err != nil {
		return err
	}
	return d.commit(ctx, key, func(tx Tx, _ *Counts) error {
		cur, err := tx.TeamAsk(ctx, ta.QuestionID)
		if err != nil {
			return err
		}
		if cur.Deadline(kind).Next(cur.AskedAt, tx.Now(), team.Hours) != step {
			return nil // met, reminded or breached since it was read
		}
		var changed bool
		if step == knowledge.StepBreach {
			changed, err = tx.RecordBreach(ctx, ta.QuestionID, kind, tx.Now())
		} else {
			changed, err = tx.RecordReminder(ctx, ta.QuestionID, kind, step, tx.Now())
		}
		if err != nil || !changed || a.QuestionID == "" {
			return err
		}
		due := PromiseDue{Step: step, Deadline: kind, Promise: promisedOf(team, cur), Asker: a.Asker, Private: true}
		var text Quote
		if len(qs) > 0 {
			due.Holder, text = holderOf(routes, qs[0], a, team, kind), Quote{Plain: qs[0].Text}
		}
		if step == knowledge.StepRemindHolder {
			return d.remindHolder(ctx, tx, key, a, routes, text, due)
		}
		if team.Channel != "" {
			ch, after, err := channelView(ctx, tx, a, text, due)
			if err != nil {
				return err
			}
			ch.To = ToChannel
			if _, err := tx.Notify(ctx, Notice{Key: key + "/channel", To: Address{Conversation: team.Channel}, After: after, Body: ch}); err != nil {
				return err
			}
		}
		if step != knowledge.StepBreach {
			return nil
		}
		tell, err := tellAsker(ctx, tx, a)
		if err != nil {
			return err
		}
		told := due
		told.To, told.Holder, told.Text, told.Thread, told.Private = ToAsker, "", Quote{}, Link{}, false
		return tell.notify(ctx, tx, key+"/asker", a.Asker, told)
	})
}

// remindHolder reminds the person holding question a that its team's
// promise is about to run out, in their direct messages with the bot. The
// reminder of a person who took the question counts as one of the
// reminders flows send them (see Escalate), and the question goes to
// someone else as it would have; one flows reminded less than an answer
// timeout ago, with the promise's deadline, is not reminded again: nobody
// is reminded twice in a row.
func (d *Desk) remindHolder(ctx context.Context, tx Tx, key string, a knowledge.Ask, routes []knowledge.Route, text Quote, due PromiseDue) error {
	if due.Holder == "" {
		d.log.Debug("promises: nobody holds the question to remind", "question", a.QuestionID)
		return nil
	}
	due.To = ToHolder
	for _, r := range routes {
		if r.Expert != due.Holder || r.Outcome != knowledge.RouteTaken {
			continue
		}
		cur, err := tx.Route(ctx, r.ID)
		if err != nil {
			return err
		}
		if cur.Outcome != knowledge.RouteTaken {
			break
		}
		if !cur.RemindedAt.IsZero() && tx.Now().Sub(cur.RemindedAt) < d.cfg.AnswerTimeout {
			d.log.Debug("promises: the holder was just reminded", "question", a.QuestionID, "holder", due.Holder)
			return nil
		}
		if err := tx.RemindRoute(ctx, r.ID); err != nil {
			return err
		}
		due.Route = r.ID
		if cur.Reminders+1 >= takenReminders {
			due.Last, due.Next = true, tx.Now().Add(d.cfg.AnswerTimeout)
		}
	}
	thread, err := threadOf(ctx, tx, a)
	if err != nil {
		return err
	}
	// The holder was shown the question where it is discussed: its text
	// and thread are theirs to read, as on the card that asked them.
	due.Text, due.Thread, due.Private = text, thread.link(), false
	_, err = tx.Notify(ctx, Notice{Key: key, To: Address{Conversation: due.Holder}, Reader: due.Holder, After: thread.after, Body: due})
	return err
}

// holderOf is who holds question q of team for the deadline of kind: the
// expert the question waits on, else, for its resolution, the last member
// of the team who answered it.
func holderOf(routes []knowledge.Route, q knowledge.Question, a knowledge.Ask, team knowledge.Team, kind knowledge.DeadlineKind) string {
	if a.Status.Waiting() {
		for i := len(routes) - 1; i >= 0; i-- {
			if routes[i].Outcome.AwaitsExpert() {
				return routes[i].Expert
			}
		}
	}
	if kind == knowledge.Resolution {
		for i := len(q.Answers) - 1; i >= 0; i-- {
			if team.Has(q.Answers[i].Answerer) {
				return q.Answers[i].Answerer
			}
		}
	}
	return ""
}

// channelView is due as a team's channel may read it, about question a
// whose text is text, and the notice it must wait on for its link (see
// seenInChannel).
func channelView(ctx context.Context, tx Tx, a knowledge.Ask, text Quote, due PromiseDue) (PromiseDue, int64, error) {
	seen, thread, err := seenInChannel(ctx, tx, a)
	if err != nil || !seen {
		return due, 0, err
	}
	due.Text, due.Private, due.Thread = text, false, thread.link()
	return due, thread.after, nil
}

// escalateChannels asks the fallback channel about the team questions
// that waited in their team's channel for the answer timeout with no
// answer: escalation stays inside the team, then goes to the rest of the
// company. Each is asked once (its key is "escalate-team:<question>").
func (d *Desk) escalateChannels(ctx context.Context, dryRun bool) error {
	if d.cfg.FallbackChannel == "" {
		return nil
	}
	var asks []knowledge.TeamAsk
	err := d.view(ctx, func(r Reader) (err error) {
		asks, err = r.ChannelAsks(ctx, d.Now().Add(-d.cfg.AnswerTimeout), escalateBatch)
		return err
	})
	if err != nil {
		return fmt.Errorf("escalate from the teams' channels: %w", err)
	}
	var errs []error
	for _, ta := range asks {
		if ctx.Err() != nil {
			break
		}
		if dryRun {
			d.log.Info("escalate (dry run): would ask the fallback channel about a question its team's channel did not answer", "question", ta.QuestionID, "team", ta.Team)
			continue
		}
		if err := d.escalateChannel(ctx, ta); err != nil {
			errs = append(errs, fmt.Errorf("escalate question %s from team %s's channel: %w", ta.QuestionID, ta.Team, err))
		}
	}
	return errors.Join(errs...)
}

func (d *Desk) escalateChannel(ctx context.Context, ta knowledge.TeamAsk) error {
	var (
		a  knowledge.Ask
		qs []knowledge.Question
		tr *teamRoute
	)
	err := d.view(ctx, func(r Reader) (err error) {
		if a, err = r.Ask(ctx, ta.QuestionID); err != nil {
			return err
		}
		if qs, err = questionOf(ctx, r, a); err != nil {
			return err
		}
		tr, err = teamOf(ctx, r, ta.QuestionID)
		return err
	})
	if err != nil || len(qs) == 0 {
		return err
	}
	return d.commit(ctx, "escalate-team:"+ta.QuestionID, func(tx Tx, n *Counts) error {
		cur, err := tx.Ask(ctx, a.QuestionID)
		if err != nil {
			return err
		}
		ta, err := tx.TeamAsk(ctx, a.QuestionID)
		if err != nil {
			return err
		}
		if cur.Status != knowledge.StatusUnanswered || !ta.FallbackAsked.IsZero() {
			return nil
		}
		tr.ask = ta
		return d.giveUp(ctx, tx, routeStep{key: "escalate-team:" + a.QuestionID, ask: cur, text: Quote{Plain: qs[0].Text}}, len(tr.team.Members), tr, n)
	})
}
