package bot

import (
	"context"
	"encoding/json"

	"github.com/slack-go/slack"

	"github.com/nextdesk/nextdesk/blockkit"
	"github.com/nextdesk/nextdesk/i18n"
	"github.com/nextdesk/nextdesk/knowledge"
	"github.com/nextdesk/nextdesk/knowledge/sqlite"
)

// interaction handles a click on one of the bot's buttons. Each click
// checks who clicked and where things stand before acting: a second click,
// or a click on a question that moved on, only gets an explanation.
func (b *Bot) interaction(ctx context.Context, in Inbound) error {
	ic := in.Interaction
	if ic.Type != slack.InteractionTypeBlockActions || len(ic.ActionCallback.BlockActions) == 0 {
		b.log.Debug("ignoring an interaction", "key", in.Key, "type", ic.Type)
		return nil
	}
	act := ic.ActionCallback.BlockActions[0]
	c := click{in: in, ic: ic, value: act.Value, user: b.person(ctx, ic.User.ID)}
	c.lang = b.langOf(c.user)
	switch act.ActionID {
	case actionSolved:
		return b.clickSolved(ctx, c)
	case actionNeedHelp:
		return b.clickNeedHelp(ctx, c)
	case actionTake, actionPass, actionAlready:
		return b.clickRoute(ctx, c, act.ActionID)
	case actionAccept:
		return b.clickAccept(ctx, c)
	}
	b.log.Debug("ignoring an unknown action", "key", in.Key, "action", act.ActionID)
	return nil
}

// click is a button click, with who clicked.
type click struct {
	in    Inbound
	ic    *slack.InteractionCallback
	value string
	user  knowledge.Person
	lang  string
}

// reply answers the clicker only; replace swaps the clicked message for
// its text without buttons, followed by text.
func (b *Bot) reply(ctx context.Context, tx *sqlite.BotTx, c click, text string, replace bool) error {
	m := outgoing{ResponseURL: c.ic.ResponseURL, Text: text}
	if replace {
		m.Replace = true
		m.Blocks = settled(c.ic.Message.Blocks.BlockSet, text)
	}
	if m.ResponseURL == "" {
		return nil
	}
	_, err := enqueue(ctx, tx, c.in.Key+"/reply", methodRespond, m, 0, sqlite.Place{})
	return err
}

// settled is a clicked message once decided: its blocks without the
// buttons, and a line saying what happened.
func settled(blocks []slack.Block, note string) json.RawMessage {
	var kept []slack.Block
	for _, bl := range blocks {
		if bl.BlockType() != slack.MBTAction {
			kept = append(kept, bl)
		}
	}
	kept = append(kept, blockkit.Context(note))
	return blocksJSON(kept)
}

// tellOnly answers the clicker without changing anything but the key.
func (b *Bot) tellOnly(ctx context.Context, c click, text string, replace bool) error {
	return b.commit(ctx, c.in.Key, func(tx *sqlite.BotTx, _ *tally) error {
		return b.reply(ctx, tx, c, text, replace)
	})
}

// clickSolved: the asker says the past answer offered solves the question.
// The question is solved, and the answer that served again is thanked.
func (b *Bot) clickSolved(ctx context.Context, c click) error {
	return b.commit(ctx, c.in.Key, func(tx *sqlite.BotTx, _ *tally) error {
		a, err := tx.Ask(ctx, c.value)
		if knowledge.ErrorCode(err) == knowledge.ENOTFOUND {
			return b.reply(ctx, tx, c, i18n.Tr(c.lang, "expert.closed"), false)
		}
		if err != nil {
			return err
		}
		if a.Asker != c.user.ID {
			return b.reply(ctx, tx, c, i18n.Tr(c.lang, "route.only_asker"), false)
		}
		if a.Status == knowledge.StatusOffered {
			if err := tx.SetAskStatus(ctx, a.QuestionID, knowledge.StatusSolved, ""); err != nil {
				return err
			}
			if err := tx.AddThanks(ctx, a.Offered); err != nil && knowledge.ErrorCode(err) != knowledge.ENOTFOUND {
				return err
			}
		}
		return b.reply(ctx, tx, c, i18n.Tr(c.lang, "instant.solved"), true)
	})
}

// clickNeedHelp: the past answer offered does not help; the question goes
// to an expert.
func (b *Bot) clickNeedHelp(ctx context.Context, c click) error {
	a, err := b.store.Ask(ctx, c.value)
	if knowledge.ErrorCode(err) == knowledge.ENOTFOUND {
		return b.tellOnly(ctx, c, i18n.Tr(c.lang, "expert.closed"), false)
	}
	if err != nil {
		return err
	}
	if a.Asker != c.user.ID {
		return b.tellOnly(ctx, c, i18n.Tr(c.lang, "route.only_asker"), false)
	}
	if a.Status != knowledge.StatusOffered {
		return b.tellOnly(ctx, c, i18n.Tr(c.lang, "instant.need_help"), true)
	}
	q, next, link, err := b.nextStep(ctx, a)
	if knowledge.ErrorCode(err) == knowledge.ENOTFOUND {
		return b.tellOnly(ctx, c, i18n.Tr(c.lang, "expert.closed"), true)
	}
	if err != nil {
		return err
	}
	return b.commit(ctx, c.in.Key, func(tx *sqlite.BotTx, t *tally) error {
		cur, err := tx.Ask(ctx, a.QuestionID)
		if err != nil {
			return err
		}
		if cur.Status == knowledge.StatusOffered {
			if err := tx.SetAskStatus(ctx, a.QuestionID, knowledge.StatusOpen, ""); err != nil {
				return err
			}
			if next != nil {
				if _, err := b.route(ctx, tx, routeStep{key: c.in.Key, ask: cur, text: blockkit.Escape(q.Text), asker: c.lang, choice: next, link: link}, t); err != nil {
					return err
				}
			} else if err := b.giveUp(ctx, tx, c.in.Key, cur, blockkit.Escape(q.Text), c.lang, link, t); err != nil {
				return err
			}
		}
		return b.reply(ctx, tx, c, i18n.Tr(c.lang, "instant.need_help"), true)
	})
}

// nextStep reads what routing a question further needs: the question as
// its asker sees it, the expert to ask next (nil when the policy says
// enough, or nobody fits: the question is then given up), and a link to
// its thread. It returns an ENOTFOUND error if the question was deleted.
func (b *Bot) nextStep(ctx context.Context, a knowledge.Ask) (knowledge.Question, *choice, string, error) {
	qs, err := b.store.Questions(ctx, knowledge.Viewer{PersonID: a.Asker}, []string{a.QuestionID})
	if err != nil {
		return knowledge.Question{}, nil, "", err
	}
	if len(qs) == 0 {
		return knowledge.Question{}, nil, "", knowledge.Errorf(knowledge.ENOTFOUND, "That question was deleted.")
	}
	q := qs[0]
	routes, err := b.store.Routes(ctx, a.QuestionID)
	if err != nil {
		return q, nil, "", err
	}
	var c *choice
	if !b.policy.GiveUp(len(routes)) {
		asked := make([]string, len(routes))
		for i, r := range routes {
			asked[i] = r.Expert
		}
		if c, err = b.chooseExpert(ctx, q, asked); err != nil {
			return q, nil, "", err
		}
	}
	link := ""
	if !a.Private && a.Thread != "" {
		link = b.permalink(ctx, a.Channel, a.Thread)
	}
	return q, c, link, nil
}

// clickRoute handles the expert's buttons: take it, pass it on, or say it
// was answered before.
func (b *Bot) clickRoute(ctx context.Context, c click, action string) error {
	id, ok := routeValue(c.value)
	if !ok {
		b.log.Debug("ignoring a route button without a route", "key", c.in.Key, "value", c.value)
		return nil
	}
	r, err := b.store.Route(ctx, id)
	if knowledge.ErrorCode(err) == knowledge.ENOTFOUND {
		return b.tellOnly(ctx, c, i18n.Tr(c.lang, "expert.closed"), false)
	}
	if err != nil {
		return err
	}
	if r.Expert != c.user.ID {
		return b.tellOnly(ctx, c, i18n.Tr(c.lang, "expert.not_yours", r.Expert), false)
	}
	a, err := b.store.Ask(ctx, r.QuestionID)
	if err != nil {
		if knowledge.ErrorCode(err) == knowledge.ENOTFOUND {
			return b.tellOnly(ctx, c, i18n.Tr(c.lang, "expert.closed"), true)
		}
		return err
	}
	var (
		q    knowledge.Question
		n    *choice
		link string
	)
	if action == actionPass && a.Status.Waiting() {
		if q, n, link, err = b.nextStep(ctx, a); err != nil && knowledge.ErrorCode(err) != knowledge.ENOTFOUND {
			return err
		}
	} else if !a.Private && a.Thread != "" {
		link = b.permalink(ctx, a.Channel, a.Thread)
	}
	asker := b.langOf(b.person(ctx, a.Asker))

	return b.commit(ctx, c.in.Key, func(tx *sqlite.BotTx, t *tally) error {
		cur, err := tx.Route(ctx, id)
		if err != nil {
			return err
		}
		// Taking or pointing to an earlier answer is a first reply; passing
		// it on is possible until the expert has answered.
		open := cur.Outcome == knowledge.RoutePending || (action == actionPass && cur.Outcome.AwaitsExpert())
		if !open {
			return b.reply(ctx, tx, c, i18n.Tr(c.lang, "expert.closed"), true)
		}
		thread, err := threadOf(ctx, tx, a)
		if err != nil {
			return err
		}
		switch action {
		case actionTake:
			if err := tx.SetRouteOutcome(ctx, id, knowledge.RouteTaken); err != nil {
				return err
			}
			if err := thread.post(ctx, tx, c.in.Key+"/note", i18n.Tr(asker, "route.taken", c.user.ID), nil); err != nil {
				return err
			}
			return b.reply(ctx, tx, c, i18n.Tr(c.lang, "expert.took", a.Asker, linkOr(link, thread)), true)
		case actionAlready:
			if err := tx.SetRouteOutcome(ctx, id, knowledge.RouteDup); err != nil {
				return err
			}
			if err := thread.post(ctx, tx, c.in.Key+"/note", i18n.Tr(asker, "route.already", c.user.ID), nil); err != nil {
				return err
			}
			return b.reply(ctx, tx, c, i18n.Tr(c.lang, "expert.already", linkOr(link, thread)), true)
		}
		if err := tx.SetRouteOutcome(ctx, id, knowledge.RoutePassed); err != nil {
			return err
		}
		cura, err := tx.Ask(ctx, a.QuestionID)
		if err != nil {
			return err
		}
		if cura.Status.Waiting() {
			if n != nil {
				t.escalations++
				step := routeStep{key: c.in.Key, ask: cura, text: blockkit.Escape(q.Text), asker: asker, choice: n, link: link, note: "route.passed", previous: c.user.ID}
				if _, err := b.route(ctx, tx, step, t); err != nil {
					return err
				}
			} else if err := b.giveUp(ctx, tx, c.in.Key, cura, blockkit.Escape(q.Text), asker, link, t); err != nil {
				return err
			}
		}
		return b.reply(ctx, tx, c, i18n.Tr(c.lang, "expert.passed"), true)
	})
}

// linkOr is link, or an archive link to a thread when link is unknown.
func linkOr(link string, t target) string {
	if link != "" || t.ts == "" {
		return link
	}
	return "https://slack.com/archives/" + t.channel + "/p" + stripDot(t.ts)
}

func stripDot(ts string) string {
	out := make([]byte, 0, len(ts))
	for i := range len(ts) {
		if ts[i] != '.' {
			out = append(out, ts[i])
		}
	}
	return string(out)
}

// clickAccept: the asker says a reply solved their question.
func (b *Bot) clickAccept(ctx context.Context, c click) error {
	return b.commit(ctx, c.in.Key, func(tx *sqlite.BotTx, _ *tally) error {
		err := accept(ctx, tx, c.value, c.user.ID)
		if err == errNotAsker {
			return b.reply(ctx, tx, c, i18n.Tr(c.lang, "route.only_asker"), false)
		}
		if err != nil {
			return err
		}
		return b.reply(ctx, tx, c, i18n.Tr(c.lang, "route.accepted"), true)
	})
}
