package bot

import (
	"context"
	"strings"

	"github.com/slack-go/slack"

	"github.com/nextdesk/nextdesk/knowledge/desk"
)

// interaction handles a click on one of the bot's buttons. The desk checks
// who clicked and where things stand before acting: a second click, or a
// click on a question that moved on, only gets an explanation.
func (b *Bot) interaction(ctx context.Context, in Inbound, req desk.Request) error {
	ic := in.Interaction
	if ic.Type != slack.InteractionTypeBlockActions || len(ic.ActionCallback.BlockActions) == 0 {
		b.log.Debug("ignoring an interaction", "key", in.Key, "type", ic.Type)
		return nil
	}
	act := ic.ActionCallback.BlockActions[0]
	switch act.ActionID {
	case actionSolved:
		return b.desk.Solved(ctx, req, act.Value)
	case actionNeedHelp:
		return b.desk.NeedHelp(ctx, req, act.Value)
	case actionAccept:
		return b.desk.Accept(ctx, req, act.Value)
	case actionPick:
		route, question, _ := strings.Cut(act.Value, ":")
		id, ok := routeValue(route)
		if !ok || question == "" {
			b.log.Debug("ignoring a pick without a route and a question", "key", in.Key, "value", act.Value)
			return nil
		}
		return b.desk.Pick(ctx, req, id, question)
	case actionTake, actionPass, actionAlready:
		id, ok := routeValue(act.Value)
		if !ok {
			b.log.Debug("ignoring a route button without a route", "key", in.Key, "value", act.Value)
			return nil
		}
		return b.desk.Decide(ctx, req, id, decisions[act.ActionID])
	case actionAskAnonymously:
		return b.desk.ChooseAnonymous(ctx, req)
	case actionCancelAnonymous:
		return b.desk.CancelAnonymous(ctx, req)
	}
	b.log.Debug("ignoring an unknown action", "key", in.Key, "action", act.ActionID)
	return nil
}

// decisions are what the expert's buttons say.
var decisions = map[string]desk.Decision{
	actionTake:    desk.Take,
	actionPass:    desk.NotMe,
	actionAlready: desk.AlreadyAnswered,
}
