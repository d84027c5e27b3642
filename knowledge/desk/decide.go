package desk

import (
	"context"

	"github.com/nextdesk/nextdesk/internal/logctx"
	"github.com/nextdesk/nextdesk/knowledge"
)

// Solved records that the asker says the past answer offered at once
// solves their question: the question is solved, and the answer that
// served again is thanked. Only the asker may say so (ErrOnlyAsker); a
// question gone is refused as closed.
func (d *Desk) Solved(ctx context.Context, r Request, questionID string) error {
	ctx = logctx.Question(ctx, questionID)
	return d.commit(ctx, r.Key, func(tx Tx, n *Counts) error {
		a, err := askedBy(ctx, tx, questionID, r.By)
		if err != nil {
			return err
		}
		if a.Status == knowledge.StatusOffered {
			n.InstantAccepted++
			if err := tx.SetAskStatus(ctx, a.QuestionID, knowledge.StatusSolved, ""); err != nil {
				return err
			}
			if err := tx.AddThanks(ctx, a.Offered); err != nil && knowledge.ErrorCode(err) != knowledge.ENOTFOUND {
				return err
			}
			if err := tx.SetOfferOutcome(ctx, a.QuestionID, OfferSolved); err != nil {
				return err
			}
		}
		return d.reply(ctx, tx, r, Reply{Say: SaySolved, Settle: InstantKey(questionID)})
	})
}

// NeedHelp records that the past answer offered does not help: the
// question goes to an expert, or is given up when nobody fits. Only the
// asker may say so (ErrOnlyAsker); a question gone is refused as closed.
func (d *Desk) NeedHelp(ctx context.Context, r Request, questionID string) error {
	ctx = logctx.Question(ctx, questionID)
	var a knowledge.Ask
	err := d.view(ctx, func(rd Reader) (err error) {
		a, err = askedBy(ctx, rd, questionID, r.By)
		return err
	})
	if err != nil {
		return err
	}
	if a.Status != knowledge.StatusOffered {
		return d.Tell(ctx, r, Reply{Say: SayFindingExpert, Settle: InstantKey(questionID)})
	}
	q, next, err := d.nextStep(ctx, a)
	if knowledge.ErrorCode(err) == knowledge.ENOTFOUND {
		return closed(InstantKey(questionID))
	}
	if err != nil {
		return err
	}
	return d.commit(ctx, r.Key, func(tx Tx, n *Counts) error {
		cur, err := tx.Ask(ctx, a.QuestionID)
		if err != nil {
			return err
		}
		if cur.Status == knowledge.StatusOffered {
			if err := tx.SetAskStatus(ctx, a.QuestionID, knowledge.StatusOpen, ""); err != nil {
				return err
			}
			if err := tx.SetOfferOutcome(ctx, a.QuestionID, OfferNeedHelp); err != nil {
				return err
			}
			text := Quote{Plain: q.Text}
			if next != nil {
				if _, err := d.route(ctx, tx, routeStep{key: r.Key, ask: cur, text: text, choice: next, told: ToldAsked}, n); err != nil {
					return err
				}
			} else if err := d.giveUp(ctx, tx, r.Key, cur, text, n); err != nil {
				return err
			}
		}
		return d.reply(ctx, tx, r, Reply{Say: SayFindingExpert, Settle: InstantKey(questionID)})
	})
}

// askedBy returns the ask of a question for something only its asker may
// do: it refuses a question gone as closed, and anyone else with
// ErrOnlyAsker.
func askedBy(ctx context.Context, r Reader, questionID, by string) (knowledge.Ask, error) {
	a, err := r.Ask(ctx, questionID)
	switch {
	case knowledge.ErrorCode(err) == knowledge.ENOTFOUND:
		return a, closed("")
	case err != nil:
		return a, err
	case a.Asker != by:
		return a, ErrOnlyAsker
	}
	return a, nil
}

// nextStep reads what routing a question further needs: the question as
// its asker sees it, and the expert to ask next (nil when the policy says
// enough, or nobody fits: the question is then given up). It returns an
// ENOTFOUND error if the question was deleted.
func (d *Desk) nextStep(ctx context.Context, a knowledge.Ask) (knowledge.Question, *choice, error) {
	var (
		qs     []knowledge.Question
		routes []knowledge.Route
	)
	err := d.view(ctx, func(r Reader) (err error) {
		if qs, err = r.Questions(ctx, knowledge.Viewer{PersonID: a.Asker}, []string{a.QuestionID}); err != nil {
			return err
		}
		routes, err = r.Routes(ctx, a.QuestionID)
		return err
	})
	if err != nil {
		return knowledge.Question{}, nil, err
	}
	if len(qs) == 0 {
		return knowledge.Question{}, nil, knowledge.Errorf(knowledge.ENOTFOUND, "That question was deleted.")
	}
	q := qs[0]
	if d.cfg.Policy.GiveUp(len(routes)) {
		return q, nil, nil
	}
	asked := make([]string, len(routes))
	for i, r := range routes {
		asked[i] = r.Expert
	}
	c, err := d.chooseExpert(ctx, q, asked)
	return q, c, err
}

// Decision is what an expert says of a question sent to them.
type Decision string

// Decisions.
const (
	// Take: "I'll take it". The asker is told who is on it.
	Take Decision = "take"
	// NotMe: "Not me, pass it on". The next expert is asked.
	NotMe Decision = "not_me"
	// AlreadyAnswered: the question was answered before, and the expert
	// will share where.
	AlreadyAnswered Decision = "already_answered"
)

// Decide records an expert's decision on route routeID. Only the expert
// asked may decide (a refusal naming them otherwise); taking it or pointing
// to an earlier answer is possible until someone answers, passing it on
// until the expert answers; later, the decision is refused as closed.
func (d *Desk) Decide(ctx context.Context, r Request, routeID int64, dec Decision) error {
	ctx = logctx.Route(ctx, routeID)
	card := RouteKey(routeID)
	var (
		route knowledge.Route
		a     knowledge.Ask
	)
	err := d.view(ctx, func(rd Reader) (err error) {
		if route, err = rd.Route(ctx, routeID); err != nil {
			return err
		}
		a, err = rd.Ask(ctx, route.QuestionID)
		return err
	})
	switch {
	case knowledge.ErrorCode(err) == knowledge.ENOTFOUND && route.ID == 0:
		return closed("")
	case knowledge.ErrorCode(err) == knowledge.ENOTFOUND:
		return closed(card)
	case err != nil:
		return err
	case route.Expert != r.By:
		return &Refusal{Code: knowledge.EINVALID, Reply: Reply{Say: SayNotYours, Person: route.Expert}}
	}
	var (
		q    knowledge.Question
		next *choice
	)
	if dec == NotMe && a.Status.Waiting() {
		if q, next, err = d.nextStep(ctx, a); err != nil && knowledge.ErrorCode(err) != knowledge.ENOTFOUND {
			return err
		}
	}
	return d.commit(ctx, r.Key, func(tx Tx, n *Counts) error {
		cur, err := tx.Route(ctx, routeID)
		if err != nil {
			return err
		}
		open := cur.Outcome == knowledge.RoutePending || (dec == NotMe && cur.Outcome.AwaitsExpert())
		if !open {
			return closed(card)
		}
		thread, err := threadOf(ctx, tx, a)
		if err != nil {
			return err
		}
		var here Link
		if thread.ts != "" {
			here = thread.link()
		}
		switch dec {
		case Take:
			if err := tx.SetRouteOutcome(ctx, routeID, knowledge.RouteTaken); err != nil {
				return err
			}
			if err := thread.notify(ctx, tx, r.Key+"/note", a.Asker, AskerTold{What: ToldTaken, Expert: r.By}); err != nil {
				return err
			}
			return d.reply(ctx, tx, r, Reply{Say: SayTook, Person: a.Asker, Link: here, Settle: card})
		case AlreadyAnswered:
			if err := tx.SetRouteOutcome(ctx, routeID, knowledge.RouteDup); err != nil {
				return err
			}
			if err := tx.SetOfferOutcome(ctx, a.QuestionID, OfferAlreadyAnswered); err != nil {
				return err
			}
			if err := thread.notify(ctx, tx, r.Key+"/note", a.Asker, AskerTold{What: ToldAlready, Expert: r.By}); err != nil {
				return err
			}
			return d.reply(ctx, tx, r, Reply{Say: SayAlready, Link: here, Settle: card})
		}
		if err := tx.SetRouteOutcome(ctx, routeID, knowledge.RoutePassed); err != nil {
			return err
		}
		cura, err := tx.Ask(ctx, a.QuestionID)
		if err != nil {
			return err
		}
		if cura.Status.Waiting() && q.ID != "" {
			text := Quote{Plain: q.Text}
			if next != nil {
				n.Escalations++
				step := routeStep{key: r.Key, ask: cura, text: text, choice: next, told: ToldPassed, previous: r.By}
				if _, err := d.route(ctx, tx, step, n); err != nil {
					return err
				}
			} else if err := d.giveUp(ctx, tx, r.Key, cura, text, n); err != nil {
				return err
			}
		}
		return d.reply(ctx, tx, r, Reply{Say: SayPassed, Settle: card})
	})
}
