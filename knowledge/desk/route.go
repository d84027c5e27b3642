package desk

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/nextdesk/nextdesk/knowledge"
)

// choice is the expert a question goes to next, with what they are shown.
type choice struct {
	expert knowledge.Person
	// evidence is the past questions they answered that make them the
	// one to ask, filtered to what they may see themselves.
	evidence []Evidence
}

// chooseExpert returns the engine's best candidate for q whom the routing
// policy allows and who is around now, or nil when there is none, with how
// many candidates the engine ranked. The engine ranks on the knowledge v
// may see: the asker's, or public knowledge alone for an anonymous
// question, whose expert must learn nothing of where its asker talks.
// asked holds the experts the question was already sent to. A candidate
// whose presence the chat tool could not tell (rate limited, failing) is
// asked only when nobody ranked below them is known to be around.
//
// A question a team took goes to one of its members (see chooseIn).
func (d *Desk) chooseExpert(ctx context.Context, q knowledge.Question, v knowledge.Viewer, asked []string, tr *teamRoute) (*choice, int, error) {
	judged, err := d.engine.Consider(ctx, q, v)
	if err != nil {
		return nil, 0, fmt.Errorf("rank experts: %w", err)
	}
	return d.chooseIn(ctx, q, v, judged.Experts, asked, tr)
}

// choose returns the best of experts, ranked for q on what v may see,
// whom the routing policy allows and who is around now (see chooseExpert).
func (d *Desk) choose(ctx context.Context, q knowledge.Question, v knowledge.Viewer, experts []knowledge.Expert, asked []string) (*choice, error) {
	ids := make([]string, len(experts))
	for i, e := range experts {
		ids[i] = e.Person.ID
	}
	var (
		prefs map[string]knowledge.Preferences
		open  map[string]int
	)
	err := d.view(ctx, func(r Reader) (err error) {
		if prefs, err = r.Preferences(ctx, ids); err != nil {
			return err
		}
		open, err = r.OpenRoutes(ctx, ids)
		return err
	})
	if err != nil {
		return nil, err
	}
	now := d.Now()
	var (
		unsure     *knowledge.Person
		unsureFrom knowledge.Expert
	)
	for _, e := range experts {
		c := knowledge.Candidate{Person: e.Person, Prefs: prefs[e.Person.ID], Open: open[e.Person.ID], Asked: slices.Contains(asked, e.Person.ID)}
		if skip := d.cfg.Policy.Skip(c, q.Asker, now); skip != "" {
			d.log.DebugContext(ctx, "routing: candidate skipped", "candidate", e.Person.ID, "reason", skip)
			continue
		}
		// Only now is the candidate worth the chat tool's calls.
		person, pr := d.chat.Presence(ctx, e.Person.ID)
		switch {
		case !person.Routable():
			d.log.DebugContext(ctx, "routing: candidate skipped", "candidate", e.Person.ID, "reason", knowledge.SkipNobody)
			continue
		case pr.Absent():
			d.log.DebugContext(ctx, "routing: candidate skipped", "candidate", e.Person.ID, "reason", knowledge.SkipAbsent)
			continue
		case pr.Unknown:
			if unsure == nil {
				unsure, unsureFrom = &person, e
			}
			d.log.DebugContext(ctx, "routing: presence unknown; looking for someone known to be around", "candidate", e.Person.ID)
			continue
		}
		c2, err := d.chosen(ctx, person, e, v)
		return c2, err
	}
	if unsure != nil {
		c2, err := d.chosen(ctx, *unsure, unsureFrom, v)
		return c2, err
	}
	return nil, nil
}

// chosen is the choice of person, ranked as e on what v may see, with the
// evidence they may see.
func (d *Desk) chosen(ctx context.Context, person knowledge.Person, e knowledge.Expert, v knowledge.Viewer) (*choice, error) {
	evidence, err := d.visibleEvidence(ctx, e.Evidence, person.ID, v)
	if err != nil {
		return nil, err
	}
	return &choice{expert: person, evidence: evidence}, nil
}

// visibleEvidence keeps the evidence the expert may read (it was ranked as
// v sees the knowledge, and the expert may not share every conversation
// with them), each past question once, linked to its thread. Ranked for an
// anonymous question (v sees public knowledge only), it keeps public
// evidence only, whatever the ranking returned: a private thread in common
// would tell the expert where the asker talks.
func (d *Desk) visibleEvidence(ctx context.Context, ev []knowledge.Evidence, expert string, v knowledge.Viewer) ([]Evidence, error) {
	if len(ev) == 0 {
		return nil, nil
	}
	ids := make([]string, len(ev))
	for i, e := range ev {
		ids[i] = e.QuestionID
	}
	var qs []knowledge.Question
	err := d.view(ctx, func(r Reader) (err error) {
		if v == knowledge.Anonymous {
			expert = ""
		}
		qs, err = r.Questions(ctx, knowledge.Viewer{PersonID: expert}, ids)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("evidence visible to %s: %w", expert, err)
	}
	visible := make(map[string]knowledge.Question, len(qs))
	for _, q := range qs {
		visible[q.ID] = q
	}
	var out []Evidence
	shown := map[string]bool{}
	for _, e := range ev {
		q, ok := visible[e.QuestionID]
		// The same question twice, or two questions asked in the same
		// words, would only say the same thing twice.
		if !ok || shown[q.ID] || shown["text:"+e.Text] {
			continue
		}
		shown[q.ID], shown["text:"+e.Text] = true, true
		out = append(out, Evidence{Question: q.ID, Text: e.Text, Thread: Link{Conversation: q.Conversation, Thread: q.Thread}, Asked: e.Asked})
	}
	return out, nil
}

// target is where the desk tells the asker something: a thread (or a whole
// conversation when ts is empty), or the thread that a notice not yet
// delivered (after) will start.
type target struct {
	channel, ts string
	after       int64
	// reader, when set, is whose language the notices to t are in,
	// whoever the caller names: the asker of an anonymous question, known
	// to the desk alone.
	reader string
}

// notify records a notice saying body to t, in reader's language. A target
// that names nowhere (an anonymous question whose asker was forgotten)
// records nothing.
func (t target) notify(ctx context.Context, tx Tx, key, reader string, body Body) error {
	if t.channel == "" && t.after == 0 {
		return nil
	}
	if t.reader != "" {
		reader = t.reader
	}
	to := Address{Conversation: t.channel, Thread: t.ts}
	if t.after != 0 && t.ts == "" {
		to.InThread = true
	}
	_, err := tx.Notify(ctx, Notice{Key: key, To: to, Reader: reader, After: t.after, Body: body})
	return err
}

// link is the link to t's thread: known, started by t.after, or none.
func (t target) link() Link {
	switch {
	case t.ts != "":
		return Link{Conversation: t.channel, Thread: t.ts}
	case t.after != 0:
		return Link{Started: true}
	}
	return Link{}
}

// threadOf is where a question's thread is: known once the notice that
// starts it was delivered, else that notice.
func threadOf(ctx context.Context, tx Tx, a knowledge.Ask) (target, error) {
	if a.Thread != "" {
		return target{channel: a.Channel, ts: a.Thread}, nil
	}
	m, err := tx.Outgoing(ctx, threadKey(a.QuestionID))
	switch knowledge.ErrorCode(err) {
	case "":
		if m.State == OutboxSent {
			return target{channel: m.Channel, ts: m.TS}, nil
		}
		return target{channel: a.Channel, after: m.ID}, nil
	case knowledge.ENOTFOUND:
		return target{channel: a.Channel}, nil
	}
	return target{}, err
}

// tellAsker is where the desk tells the asker how their question moves: in
// its thread for a question asked in a channel; for a private one, in its
// thread while it is in their direct messages with the bot, else in those
// direct messages: the group DM with an expert is no place to speak of
// other experts. The asker of an anonymous question is told in the thread
// of their direct messages where replies are relayed.
func tellAsker(ctx context.Context, tx Tx, a knowledge.Ask) (target, error) {
	if a.Anonymous {
		return relayOf(ctx, tx, a.QuestionID)
	}
	if !a.Private {
		return threadOf(ctx, tx, a)
	}
	if a.Thread != "" {
		c, err := tx.Conversation(ctx, a.Channel)
		if err != nil && knowledge.ErrorCode(err) != knowledge.ENOTFOUND {
			return target{}, err
		}
		if err == nil && c.Kind == knowledge.KindDM {
			return target{channel: a.Channel, ts: a.Thread}, nil
		}
	}
	return target{channel: a.Asker}, nil
}

// RouteKey is the key of the card that asks an expert about a route; the
// key of a private route's group DM adds "/open".
func RouteKey(routeID int64) string { return "route:" + strconv.FormatInt(routeID, 10) }

// routeStep is one routing decision to record: who to send the question to
// next and what to tell the asker.
type routeStep struct {
	key  string // prefix of the keys of the asker's notes, unique to the step
	ask  knowledge.Ask
	text Quote
	// choice is who is asked; told and previous what the asker hears.
	choice   *choice
	told     Told
	previous string
	// team is what the team that takes the question now promised, told
	// the asker with where it went; teamName and topic the team and topic
	// of a team's question, told the expert.
	team            *Promised
	teamName, topic string
	// offer is the choice offered with what the asker is told.
	offer Choice
}

// route records a route to s.choice: the route itself, the card that asks
// the expert (in a group DM with the asker for a private question), and the
// note to the asker. It returns the route's id.
func (d *Desk) route(ctx context.Context, tx Tx, s routeStep, n *Counts) (int64, error) {
	c := s.choice
	id, err := tx.AddRoute(ctx, knowledge.Route{QuestionID: s.ask.QuestionID, Expert: c.expert.ID})
	if err != nil {
		return 0, err
	}
	n.Routes++
	tell, err := tellAsker(ctx, tx, s.ask)
	if err != nil {
		return 0, err
	}
	card := ExpertAsked{Route: id, Asker: s.ask.Asker, Text: s.text, Evidence: c.evidence, Team: s.teamName, Topic: s.topic}
	note := AskerTold{What: s.told, Expert: c.expert.ID, Previous: s.previous, Team: s.team, Choice: s.offer}
	if s.ask.Private && s.ask.Anonymous {
		// Straight to the expert, in their DM with the bot: the card
		// starts the question's thread there, and the question goes
		// where they (and nobody else) may read it.
		_, err = tx.Notify(ctx, Notice{
			Key: RouteKey(id), To: Address{Conversation: c.expert.ID}, Reader: c.expert.ID, Body: card,
			Place: Place{QuestionID: s.ask.QuestionID, Members: []string{c.expert.ID}, Thread: true},
		})
		if err != nil {
			return 0, err
		}
		return id, tell.notify(ctx, tx, s.key+"/note", s.ask.Asker, note)
	}
	if s.ask.Private {
		members := []string{s.ask.Asker, c.expert.ID}
		open, err := tx.Notify(ctx, Notice{
			Key: RouteKey(id) + "/open", Body: GroupDM{Members: members},
			Place: Place{QuestionID: s.ask.QuestionID, Members: members},
		})
		if err != nil {
			return 0, err
		}
		// In the group DM the card itself starts the thread: no link.
		_, err = tx.Notify(ctx, Notice{
			Key: RouteKey(id), After: open, Reader: c.expert.ID, Body: card,
			Place: Place{QuestionID: s.ask.QuestionID, Thread: true},
		})
		if err != nil {
			return 0, err
		}
		if note.What == ToldAsked {
			note.What = ToldAskedPrivately
		}
		return id, tell.notify(ctx, tx, s.key+"/note", s.ask.Asker, note)
	}
	thread, err := threadOf(ctx, tx, s.ask)
	if err != nil {
		return 0, err
	}
	card.Thread = thread.link()
	_, err = tx.Notify(ctx, Notice{Key: RouteKey(id), To: Address{Conversation: c.expert.ID}, Reader: c.expert.ID, After: thread.after, Body: card})
	if err != nil {
		return 0, err
	}
	return id, tell.notify(ctx, tx, s.key+"/note", s.ask.Asker, note)
}

// giveUp records that nobody answers the question of s: it is a
// knowledge gap; the asker is told, and a channel is asked, which counts
// as an escalation: for a question a team took, the team's channel first
// (see escalateChannels for what follows), else the fallback channel,
// when there is one. Both hear what actually happened (see gapOf); ranked
// is how many candidates there were when the desk last looked.
func (d *Desk) giveUp(ctx context.Context, tx Tx, s routeStep, ranked int, tr *teamRoute, n *Counts) error {
	a := s.ask
	if err := tx.SetAskStatus(ctx, a.QuestionID, knowledge.StatusUnanswered, ""); err != nil {
		return err
	}
	routes, err := tx.Routes(ctx, a.QuestionID)
	if err != nil {
		return err
	}
	gap := gapOf(routes, ranked)
	tell, err := tellAsker(ctx, tx, a)
	if err != nil {
		return err
	}
	note := AskerTold{What: ToldNobody, Gap: gap, Asked: len(routes), Team: s.team, Choice: s.offer}
	if tr != nil && tr.team.Channel != "" && tr.ask.ChannelAsked.IsZero() {
		// Nobody left in the team: its own channel is asked before the
		// rest of the company. A team that takes the question now told
		// its channel so already, but for a question sent anonymously
		// straight to experts, whose text and thread only the channel's
		// own post can carry.
		if _, err := tx.MarkChannelAsked(ctx, a.QuestionID, tx.Now()); err != nil {
			return err
		}
		n.Escalations++
		if !tr.fresh || a.Private && a.Anonymous {
			if err := askChannel(ctx, tx, a, s.text, gap, len(routes), tr.team.Channel, s.key+"/team", "team-fallback:"); err != nil {
				return err
			}
		}
		note.What, note.Fallback = ToldFallback, tr.team.Channel
		return tell.notify(ctx, tx, s.key+"/note", a.Asker, note)
	}
	fallback := d.cfg.FallbackChannel
	if fallback == "" {
		return tell.notify(ctx, tx, s.key+"/note", a.Asker, note)
	}
	if tr != nil {
		if _, err := tx.MarkFallbackAsked(ctx, a.QuestionID, tx.Now()); err != nil {
			return err
		}
	}
	n.Escalations++
	if err := askChannel(ctx, tx, a, s.text, gap, len(routes), fallback, s.key+"/fallback", "fallback:"); err != nil {
		return err
	}
	note.What, note.Fallback = ToldFallback, fallback
	return tell.notify(ctx, tx, s.key+"/note", a.Asker, note)
}

// askChannel asks channel, a whole channel, to answer a, which nobody
// answers (gap, after asked experts), under key; an anonymous question's
// under keyPrefix and its id instead.
func askChannel(ctx context.Context, tx Tx, a knowledge.Ask, text Quote, gap Gap, asked int, channel, key, keyPrefix string) error {
	body := FallbackAsked{Asker: a.Asker, Private: a.Private && !a.Anonymous, Gap: gap, Asked: asked}
	var (
		after int64
		place Place
	)
	switch {
	case a.Private && a.Anonymous:
		// Nobody there could reach out to an anonymous asker: the channel
		// reads the question, and the thread its post starts becomes the
		// question's, relayed like an expert's.
		body.Text, place = text, Place{QuestionID: a.QuestionID, Thread: true}
	case !a.Private:
		thread, err := threadOf(ctx, tx, a)
		if err != nil {
			return err
		}
		body.Text, body.Thread, after = text, thread.link(), thread.after
	}
	if a.Anonymous {
		// Every post carries its key (see Notice): the key of a delivery
		// the asker made (their command, their click) must not stand in a
		// channel.
		key = keyPrefix + a.QuestionID
	}
	_, err := tx.Notify(ctx, Notice{Key: key, To: Address{Conversation: channel}, After: after, Place: place, Body: body})
	return err
}

// gapOf says why nobody answers a question sent to routes: with none,
// whether the engine knew anyone (ranked candidates) who could not be
// asked; else whether everyone passed, the last one asked let the time
// pass, or both happened.
func gapOf(routes []knowledge.Route, ranked int) Gap {
	switch {
	case len(routes) == 0 && ranked == 0:
		return GapNobodyKnown
	case len(routes) == 0:
		return GapNobodyAvailable
	}
	passed := 0
	for _, r := range routes {
		if r.Outcome == knowledge.RoutePassed {
			passed++
		}
	}
	switch {
	case passed == len(routes):
		return GapAllPassed
	case routes[len(routes)-1].Outcome == knowledge.RouteExpired && passed == 0:
		return GapTimedOut
	}
	return GapNoAnswer
}

// closeCard changes the card that asked the expert of route r, when it
// was delivered (or is on its way), so it no longer offers buttons for a
// question that does not wait for them, and says why.
func closeCard(ctx context.Context, tx Tx, r knowledge.Route, why Closed, by string) error {
	card, err := tx.Outgoing(ctx, RouteKey(r.ID))
	switch {
	case knowledge.ErrorCode(err) == knowledge.ENOTFOUND:
		return nil // pruned long ago, or never recorded
	case err != nil:
		return err
	case card.State == OutboxFailed:
		return nil
	}
	_, err = tx.Notify(ctx, Notice{
		Key: RouteKey(r.ID) + "/closed", After: card.ID, Reader: r.Expert,
		Body: CardClosed{Route: r.ID, Why: why, By: by},
	})
	return err
}
