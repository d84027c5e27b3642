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
// policy allows and who is around now, or nil when there is none. asked
// holds the experts the question was already sent to.
func (d *Desk) chooseExpert(ctx context.Context, q knowledge.Question, asked []string) (*choice, error) {
	experts, err := d.engine.Experts(ctx, q, knowledge.Viewer{PersonID: q.Asker})
	if err != nil {
		return nil, fmt.Errorf("rank experts: %w", err)
	}
	ids := make([]string, len(experts))
	for i, e := range experts {
		ids[i] = e.Person.ID
	}
	var (
		prefs map[string]knowledge.Preferences
		open  map[string]int
	)
	err = d.view(ctx, func(r Reader) (err error) {
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
	for _, e := range experts {
		c := knowledge.Candidate{Person: e.Person, Prefs: prefs[e.Person.ID], Open: open[e.Person.ID], Asked: slices.Contains(asked, e.Person.ID)}
		if skip := d.cfg.Policy.Skip(c, q.Asker, now); skip != "" {
			d.log.DebugContext(ctx, "routing: candidate skipped", "candidate", e.Person.ID, "reason", skip)
			continue
		}
		// Only now is the candidate worth the chat tool's calls.
		person, pr := d.chat.Presence(ctx, e.Person.ID)
		if !person.Routable() {
			d.log.DebugContext(ctx, "routing: candidate skipped", "candidate", e.Person.ID, "reason", knowledge.SkipNobody)
			continue
		}
		if pr.Absent() {
			d.log.DebugContext(ctx, "routing: candidate skipped", "candidate", e.Person.ID, "reason", knowledge.SkipAbsent)
			continue
		}
		evidence, err := d.visibleEvidence(ctx, e.Evidence, person.ID)
		if err != nil {
			return nil, err
		}
		return &choice{expert: person, evidence: evidence}, nil
	}
	return nil, nil
}

// visibleEvidence keeps the evidence the expert may read (it was ranked as
// the asker sees the knowledge, and the expert may not share every
// conversation with them), each past question once, linked to its thread.
func (d *Desk) visibleEvidence(ctx context.Context, ev []knowledge.Evidence, expert string) ([]Evidence, error) {
	if len(ev) == 0 {
		return nil, nil
	}
	ids := make([]string, len(ev))
	for i, e := range ev {
		ids[i] = e.QuestionID
	}
	var qs []knowledge.Question
	err := d.view(ctx, func(r Reader) (err error) {
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
		out = append(out, Evidence{Question: q.ID, Text: e.Text, Thread: Link{Conversation: q.Conversation, Thread: q.Thread}})
	}
	return out, nil
}

// target is where the desk tells the asker something: a thread (or a whole
// conversation when ts is empty), or the thread that a notice not yet
// delivered (after) will start.
type target struct {
	channel, ts string
	after       int64
}

// notify records a notice saying body to t, in reader's language.
func (t target) notify(ctx context.Context, tx Tx, key, reader string, body Body) error {
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
// other experts.
func tellAsker(ctx context.Context, tx Tx, a knowledge.Ask) (target, error) {
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
	card := ExpertAsked{Route: id, Asker: s.ask.Asker, Text: s.text, Evidence: c.evidence}
	note := AskerTold{What: s.told, Expert: c.expert.ID, Previous: s.previous}
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

// giveUp records that nobody could answer: the question is a knowledge
// gap; the fallback channel, when there is one, is asked (which counts as
// an escalation); the asker is told.
func (d *Desk) giveUp(ctx context.Context, tx Tx, key string, a knowledge.Ask, text Quote, n *Counts) error {
	if err := tx.SetAskStatus(ctx, a.QuestionID, knowledge.StatusUnanswered, ""); err != nil {
		return err
	}
	tell, err := tellAsker(ctx, tx, a)
	if err != nil {
		return err
	}
	fallback := d.cfg.FallbackChannel
	if fallback == "" {
		return tell.notify(ctx, tx, key+"/note", a.Asker, AskerTold{What: ToldNobody})
	}
	n.Escalations++
	asked := FallbackAsked{Asker: a.Asker, Private: a.Private}
	var after int64
	if !a.Private {
		thread, err := threadOf(ctx, tx, a)
		if err != nil {
			return err
		}
		asked.Text, asked.Thread, after = text, thread.link(), thread.after
	}
	_, err = tx.Notify(ctx, Notice{Key: key + "/fallback", To: Address{Conversation: fallback}, After: after, Body: asked})
	if err != nil {
		return err
	}
	return tell.notify(ctx, tx, key+"/note", a.Asker, AskerTold{What: ToldFallback, Fallback: fallback})
}
