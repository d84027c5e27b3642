package desk

import (
	"context"
	"fmt"
	"slices"

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
		card, picked, err := offerCard(ctx, tx, a.QuestionID)
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
			// What an expert picked is recorded as such; the outcome
			// measures the answers the desk offered itself.
			if !picked {
				if err := tx.SetOfferOutcome(ctx, a.QuestionID, OfferSolved); err != nil {
					return err
				}
			}
			if err := meet(ctx, tx, a.QuestionID, knowledge.FirstResponse, knowledge.Resolution); err != nil {
				return err
			}
		}
		return d.reply(ctx, tx, r, Reply{Say: SaySolved, Settle: card})
	})
}

// NeedHelp records that the past answer offered does not help: the
// question goes to an expert (to the team whose topic it is, which takes
// it now: a sure answer involved no team), or is given up when nobody
// fits. Only the asker may say so (ErrOnlyAsker); a question gone is
// refused as closed.
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
	var card string
	err = d.view(ctx, func(rd Reader) (err error) {
		card, _, err = offerCard(ctx, rd, questionID)
		return err
	})
	if err != nil {
		return err
	}
	if a.Status != knowledge.StatusOffered {
		return d.Tell(ctx, r, Reply{Say: SayFindingExpert, Settle: card})
	}
	q, next, err := d.nextStep(ctx, a, true)
	if knowledge.ErrorCode(err) == knowledge.ENOTFOUND {
		return closed(card)
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
			if _, picked, err := offerCard(ctx, tx, a.QuestionID); err != nil {
				return err
			} else if !picked {
				if err := tx.SetOfferOutcome(ctx, a.QuestionID, OfferNeedHelp); err != nil {
					return err
				}
			}
			if err := d.proceed(ctx, tx, routeStep{key: r.Key, ask: cur, text: Quote{Plain: q.Text}, told: ToldAsked}, next, n); err != nil {
				return err
			}
		}
		return d.reply(ctx, tx, r, Reply{Say: SayFindingExpert, Settle: card})
	})
}

// offerCard is the key of the card that offers the answer a question was
// last offered, and whether an expert picked that answer: the answer an
// expert picked (their route is a duplicate) replaces the desk's own.
func offerCard(ctx context.Context, r Reader, questionID string) (key string, picked bool, err error) {
	routes, err := r.Routes(ctx, questionID)
	if err != nil {
		return "", false, err
	}
	for i := len(routes) - 1; i >= 0; i-- {
		if routes[i].Outcome == knowledge.RouteDup {
			return pickedKey(routes[i].ID), true, nil
		}
	}
	return InstantKey(questionID), false, nil
}

// pickedKey is the key of the card that hands the asker the earlier answer
// the expert of a route picked.
func pickedKey(routeID int64) string { return RouteKey(routeID) + "/picked" }

// askedBy returns the ask of a question for something only its asker may
// do: it refuses a question gone as closed, and anyone else with
// ErrOnlyAsker. The asker of an anonymous question is the one the desk
// knows, as long as it does.
func askedBy(ctx context.Context, r Reader, questionID, by string) (knowledge.Ask, error) {
	a, err := r.Ask(ctx, questionID)
	switch {
	case knowledge.ErrorCode(err) == knowledge.ENOTFOUND:
		return a, closed("")
	case err != nil:
		return a, err
	}
	asker, err := askerOf(ctx, r, a)
	switch {
	case err != nil:
		return a, err
	case asker == "" || asker != by:
		return a, ErrOnlyAsker
	}
	return a, nil
}

// next is where routing a question further leads: the expert to ask
// (nil when the policy says enough, or nobody fits: the question is then
// given up), how many candidates there were, and the team whose question
// it is, if any.
type next struct {
	choice *choice
	ranked int
	team   *teamRoute
}

// nextStep reads what routing a question further needs: the question as
// its asker sees it, the team that took it, and who to ask next (within
// that team). With match, a question no team took yet is matched against
// the teams' topics. It returns an ENOTFOUND error if the question was
// deleted.
func (d *Desk) nextStep(ctx context.Context, a knowledge.Ask, match bool) (knowledge.Question, next, error) {
	var (
		qs     []knowledge.Question
		routes []knowledge.Route
		asker  string
		tr     *teamRoute
	)
	err := d.view(ctx, func(r Reader) (err error) {
		if qs, err = questionOf(ctx, r, a); err != nil {
			return err
		}
		if asker, err = askerOf(ctx, r, a); err != nil {
			return err
		}
		if tr, err = teamOf(ctx, r, a.QuestionID); err != nil {
			return err
		}
		routes, err = r.Routes(ctx, a.QuestionID)
		return err
	})
	if err != nil {
		return knowledge.Question{}, next{}, err
	}
	if len(qs) == 0 {
		return knowledge.Question{}, next{}, knowledge.Errorf(knowledge.ENOTFOUND, "That question was deleted.")
	}
	q := qs[0]
	if tr == nil && match {
		if tr, err = d.teamFor(ctx, q.ID, q.Text, asker, a.Anonymous, d.Now()); err != nil {
			return q, next{}, err
		}
	}
	if d.cfg.Policy.GiveUp(len(routes)) {
		return q, next{team: tr}, nil
	}
	asked := make([]string, len(routes))
	for i, r := range routes {
		asked[i] = r.Expert
	}
	// The engine never proposes the asker, even an anonymous one, whose
	// question is ranked on public knowledge (see chooseExpert).
	ranking, v := q, knowledge.Viewer{PersonID: a.Asker}
	if a.Anonymous {
		ranking.Asker, v = asker, knowledge.Anonymous
	}
	c, ranked, err := d.chooseExpert(ctx, ranking, v, asked, tr)
	return q, next{choice: c, ranked: ranked, team: tr}, err
}

// Decision is what an expert says of a question sent to them.
type Decision string

// Decisions.
const (
	// Take: "I'll take it". The asker is told who is on it; the question
	// stays with the expert, who is reminded instead of passed over.
	Take Decision = "take"
	// NotMe: "Not me, pass it on". The next expert is asked.
	NotMe Decision = "not_me"
	// AlreadyAnswered: the question was answered before. The expert is
	// shown the earlier threads to pick from (see Pick).
	AlreadyAnswered Decision = "already_answered"
)

// decision is what deciding on a route read first: the route, the ask,
// and the card it settles.
type decision struct {
	route knowledge.Route
	ask   knowledge.Ask
	card  string
}

// decide reads route routeID for a decision by r's person: only the
// expert asked may decide (a refusal naming them otherwise), and a
// question gone is refused as closed.
func (d *Desk) decide(ctx context.Context, r Request, routeID int64) (decision, error) {
	dc := decision{card: RouteKey(routeID)}
	err := d.view(ctx, func(rd Reader) (err error) {
		if dc.route, err = rd.Route(ctx, routeID); err != nil {
			return err
		}
		dc.ask, err = rd.Ask(ctx, dc.route.QuestionID)
		return err
	})
	switch {
	case knowledge.ErrorCode(err) == knowledge.ENOTFOUND && dc.route.ID == 0:
		return dc, closed("")
	case knowledge.ErrorCode(err) == knowledge.ENOTFOUND:
		return dc, closed(dc.card)
	case err != nil:
		return dc, err
	case dc.route.Expert != r.By:
		return dc, &Refusal{Code: knowledge.EINVALID, Reply: Reply{Say: SayNotYours, Person: dc.route.Expert}}
	}
	return dc, nil
}

// Decide records an expert's decision on route routeID. Only the expert
// asked may decide (a refusal naming them otherwise); taking it or
// pointing to an earlier answer is possible until someone answers or the
// question moves on, passing it on also once taken; later, the decision
// is refused as closed.
func (d *Desk) Decide(ctx context.Context, r Request, routeID int64, dec Decision) error {
	ctx = logctx.Route(ctx, routeID)
	dc, err := d.decide(ctx, r, routeID)
	if err != nil {
		return err
	}
	if dec == AlreadyAnswered {
		return d.offerEarlier(ctx, r, dc)
	}
	a := dc.ask
	var (
		q  knowledge.Question
		nx next
	)
	if dec == NotMe && a.Status.Waiting() {
		if q, nx, err = d.nextStep(ctx, a, false); err != nil && knowledge.ErrorCode(err) != knowledge.ENOTFOUND {
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
			return closed(dc.card)
		}
		thread, err := threadOf(ctx, tx, a)
		if err != nil {
			return err
		}
		if dec == Take {
			if err := tx.SetRouteOutcome(ctx, routeID, knowledge.RouteTaken); err != nil {
				return err
			}
			tell, err := tellAsker(ctx, tx, a)
			if err != nil {
				return err
			}
			if err := tell.notify(ctx, tx, r.Key+"/note", a.Asker, AskerTold{What: ToldTaken, Expert: r.By}); err != nil {
				return err
			}
			var here Link
			if thread.ts != "" {
				here = thread.link()
			}
			return d.reply(ctx, tx, r, Reply{Say: SayTook, Person: a.Asker, Link: here, Settle: dc.card, Route: routeID})
		}
		if err := tx.SetRouteOutcome(ctx, routeID, knowledge.RoutePassed); err != nil {
			return err
		}
		cura, err := tx.Ask(ctx, a.QuestionID)
		if err != nil {
			return err
		}
		if cura.Status.Waiting() && q.ID != "" {
			if nx.choice != nil {
				n.Escalations++
			}
			step := routeStep{key: r.Key, ask: cura, text: Quote{Plain: q.Text}, told: ToldPassed, previous: r.By}
			if err := d.proceed(ctx, tx, step, nx, n); err != nil {
				return err
			}
		}
		return d.reply(ctx, tx, r, Reply{Say: SayPassed, Settle: dc.card})
	})
}

// maxEarlier bounds the earlier threads offered to pick from.
const maxEarlier = 5

// offerEarlier answers "Already answered" with the earlier answered
// questions closest to this one that the expert and the question's readers
// may both see, to pick from; the route keeps waiting for the expert until
// they pick, answer or pass it on. With none to offer, the card stays as
// it is and the expert is told to answer or pass it on.
func (d *Desk) offerEarlier(ctx context.Context, r Request, dc decision) error {
	if dc.route.Outcome != knowledge.RoutePending {
		return closed(dc.card)
	}
	q, options, err := d.earlier(ctx, dc)
	if err != nil {
		return err
	}
	if len(options) == 0 {
		// The expert knows it was answered before, where nothing the
		// desk may show here says so: a miss all the same.
		return d.commit(ctx, r.Key, func(tx Tx, _ *Counts) error {
			if err := tx.SetOfferOutcome(ctx, dc.ask.QuestionID, OfferAlreadyAnswered); err != nil {
				return err
			}
			return d.reply(ctx, tx, r, Reply{Say: SayNoEarlier})
		})
	}
	return d.commit(ctx, r.Key, func(tx Tx, _ *Counts) error {
		if r.To.Empty() {
			return nil
		}
		body := Earlier{Route: dc.route.ID, Asker: dc.ask.Asker, Text: Quote{Plain: q.Text}, Options: options}
		_, err := tx.Notify(ctx, Notice{Key: r.Key + "/reply", To: r.To, Reader: r.By, Body: body})
		return err
	})
}

// earlier returns the question of dc as its asker sees it, and the
// answered questions closest to it that may be shown both to the expert
// (they pick) and where the question is asked (its readers get the
// answer), best first.
func (d *Desk) earlier(ctx context.Context, dc decision) (knowledge.Question, []Option, error) {
	var (
		qs    []knowledge.Question
		place knowledge.Conversation
	)
	err := d.view(ctx, func(rd Reader) (err error) {
		if qs, err = questionOf(ctx, rd, dc.ask); err != nil || len(qs) == 0 {
			return err
		}
		place, err = rd.Conversation(ctx, qs[0].Conversation)
		if knowledge.ErrorCode(err) == knowledge.ENOTFOUND {
			place, err = knowledge.Conversation{ID: qs[0].Conversation, Kind: knowledge.KindPrivate}, nil
		}
		return err
	})
	if err != nil {
		return knowledge.Question{}, nil, err
	}
	if len(qs) == 0 {
		return knowledge.Question{}, nil, closed(dc.card)
	}
	q := qs[0]
	judged, err := d.engine.Consider(ctx, q, knowledge.Viewer{PersonID: dc.route.Expert})
	if err != nil {
		return q, nil, fmt.Errorf("earlier answers: %w", err)
	}
	matches := judged.Matches
	matches = slices.DeleteFunc(matches, func(m knowledge.Match) bool { return m.Question.ID == q.ID })
	switch {
	case dc.ask.Anonymous && dc.ask.Private:
		// Sent straight to experts, it is read by its asker alone, whom
		// the expert must learn nothing about: public answers only.
		matches, err = d.visibleTo(ctx, matches, "")
	case place.Kind == knowledge.KindDM:
		// A question asked in a DM with the bot is read by its asker
		// alone: what they may see may be shown.
		matches, err = d.visibleTo(ctx, matches, dc.ask.Asker)
	default:
		matches, err = d.inPlace(ctx, matches, place)
	}
	if err != nil {
		return q, nil, err
	}
	var options []Option
	for _, m := range matches[:min(len(matches), maxEarlier)] {
		options = append(options, Option{
			Question: m.Question.ID, Text: m.Question.Headline(), Answer: m.Answer,
			Thread: Link{Conversation: m.Question.Conversation, Thread: m.Question.Thread},
		})
	}
	return q, options, nil
}

// visibleTo keeps the matches person may see.
func (d *Desk) visibleTo(ctx context.Context, matches []knowledge.Match, person string) ([]knowledge.Match, error) {
	ids := make([]string, len(matches))
	for i, m := range matches {
		ids[i] = m.Question.ID
	}
	var qs []knowledge.Question
	err := d.view(ctx, func(r Reader) (err error) {
		qs, err = r.Questions(ctx, knowledge.Viewer{PersonID: person}, ids)
		return err
	})
	if err != nil {
		return nil, err
	}
	seen := make(map[string]bool, len(qs))
	for _, q := range qs {
		seen[q.ID] = true
	}
	return slices.DeleteFunc(matches, func(m knowledge.Match) bool { return !seen[m.Question.ID] }), nil
}

// Pick records that the expert of route routeID says the earlier question
// picked answers theirs: the asker is handed its answer in the question's
// thread, to say whether it solves it (the question then waits on them,
// as for an answer the desk found itself); the route is done as a
// duplicate, and the pick is recorded with the question's offer. A pick
// the expert may no longer make (the question moved on, or the earlier
// one is not among those they were offered now) is refused.
func (d *Desk) Pick(ctx context.Context, r Request, routeID int64, earlierID string) error {
	ctx = logctx.Route(ctx, routeID)
	dc, err := d.decide(ctx, r, routeID)
	if err != nil {
		return err
	}
	if dc.route.Outcome != knowledge.RoutePending {
		return closed(dc.card)
	}
	_, options, err := d.earlier(ctx, dc)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(options, func(o Option) bool { return o.Question == earlierID })
	if i < 0 {
		return closed(dc.card)
	}
	o := options[i]
	return d.commit(ctx, r.Key, func(tx Tx, _ *Counts) error {
		cur, err := tx.Route(ctx, routeID)
		if err != nil {
			return err
		}
		a, err := tx.Ask(ctx, dc.ask.QuestionID)
		if err != nil {
			return err
		}
		if cur.Outcome != knowledge.RoutePending || !a.Status.Waiting() {
			return closed(dc.card)
		}
		if err := tx.SetRouteOutcome(ctx, routeID, knowledge.RouteDup); err != nil {
			return err
		}
		if err := tx.PickOffer(ctx, a.QuestionID, o.Question, o.Answer.ID); err != nil {
			return err
		}
		// Pointing to the answer given before is a response.
		if err := meet(ctx, tx, a.QuestionID, knowledge.FirstResponse); err != nil {
			return err
		}
		if err := tx.SetAskStatus(ctx, a.QuestionID, knowledge.StatusOffered, o.Answer.ID); err != nil {
			return err
		}
		tell, err := tellAsker(ctx, tx, a)
		if err != nil {
			return err
		}
		body := InstantAnswer{Question: a.QuestionID, Answer: o.Answer, Source: o.Thread, PickedBy: r.By}
		if err := tell.notify(ctx, tx, pickedKey(routeID), a.Asker, body); err != nil {
			return err
		}
		return d.reply(ctx, tx, r, Reply{Say: SayPicked, Person: a.Asker, Settle: dc.card})
	})
}
