package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/nextdesk/nextdesk/blockkit"
	"github.com/nextdesk/nextdesk/i18n"
	"github.com/nextdesk/nextdesk/knowledge"
	"github.com/nextdesk/nextdesk/knowledge/sqlite"
)

// choice is the expert a question goes to next, with what they are shown.
type choice struct {
	Expert knowledge.Person
	// Evidence is the past questions they answered that make them the one
	// to ask, filtered to what they may see themselves.
	Evidence []knowledge.Evidence
	Lang     string
}

// chooseExpert returns the engine's best candidate for q whom the routing
// policy allows and who is around now, or nil when there is none. asked
// holds the experts the question was already sent to.
func (b *Bot) chooseExpert(ctx context.Context, q knowledge.Question, asked []string) (*choice, error) {
	experts, err := b.engine.Experts(ctx, q, knowledge.Viewer{PersonID: q.Asker})
	if err != nil {
		return nil, fmt.Errorf("rank experts: %w", err)
	}
	ids := make([]string, len(experts))
	for i, e := range experts {
		ids[i] = e.Person.ID
	}
	prefs, err := b.store.Preferences(ctx, ids)
	if err != nil {
		return nil, err
	}
	open, err := b.store.OpenRoutes(ctx, ids)
	if err != nil {
		return nil, err
	}
	now := b.now()
	for _, e := range experts {
		c := knowledge.Candidate{Person: e.Person, Prefs: prefs[e.Person.ID], Open: open[e.Person.ID], Asked: slices.Contains(asked, e.Person.ID)}
		if skip := b.policy.Skip(c, q.Asker, now); skip != "" {
			b.log.Debug("routing: candidate skipped", "question", q.ID, "candidate", e.Person.ID, "reason", skip)
			continue
		}
		// Only now is the candidate worth three Slack calls.
		person, pr := b.presence(ctx, e.Person.ID)
		if !person.Routable() {
			b.log.Debug("routing: candidate skipped", "question", q.ID, "candidate", e.Person.ID, "reason", knowledge.SkipNobody)
			continue
		}
		if pr.Absent() {
			b.log.Debug("routing: candidate skipped", "question", q.ID, "candidate", e.Person.ID, "reason", knowledge.SkipAbsent)
			continue
		}
		evidence, err := b.visibleEvidence(ctx, e.Evidence, person.ID)
		if err != nil {
			return nil, err
		}
		return &choice{Expert: person, Evidence: evidence, Lang: b.langOf(person)}, nil
	}
	return nil, nil
}

// visibleEvidence keeps the evidence the expert may read: it was ranked
// as the asker sees the knowledge, and the expert may not share every
// conversation with them.
func (b *Bot) visibleEvidence(ctx context.Context, ev []knowledge.Evidence, expert string) ([]knowledge.Evidence, error) {
	if len(ev) == 0 {
		return nil, nil
	}
	ids := make([]string, len(ev))
	for i, e := range ev {
		ids[i] = e.QuestionID
	}
	qs, err := b.store.Questions(ctx, knowledge.Viewer{PersonID: expert}, ids)
	if err != nil {
		return nil, fmt.Errorf("evidence visible to %s: %w", expert, err)
	}
	visible := make(map[string]bool, len(qs))
	for _, q := range qs {
		visible[q.ID] = true
	}
	return slices.DeleteFunc(slices.Clone(ev), func(e knowledge.Evidence) bool { return !visible[e.QuestionID] }), nil
}

// target is where the bot tells the asker something: a thread (or a whole
// conversation when ts is empty), or the thread that an outgoing message
// not yet delivered (after) will start.
type target struct {
	channel, ts string
	after       int64
}

// post enqueues a message to t.
func (t target) post(ctx context.Context, tx *sqlite.BotTx, key, text string, blocks json.RawMessage) error {
	m := outgoing{Channel: t.channel, Thread: t.ts, Text: text, Blocks: blocks}
	if t.after != 0 && t.ts == "" {
		m.InThread = true
	}
	_, err := enqueue(ctx, tx, key, methodPost, m, t.after, sqlite.Place{})
	return err
}

// threadOf is where a question's thread is: known once the message that
// starts it was posted, else the outgoing message that will post it.
func threadOf(ctx context.Context, tx *sqlite.BotTx, a knowledge.Ask) (target, error) {
	if a.Thread != "" {
		return target{channel: a.Channel, ts: a.Thread}, nil
	}
	m, err := tx.Outgoing(ctx, threadKey(a.QuestionID))
	switch knowledge.ErrorCode(err) {
	case "":
		if m.State == sqlite.OutboxSent {
			return target{channel: m.Channel, ts: m.TS}, nil
		}
		return target{channel: a.Channel, after: m.ID}, nil
	case knowledge.ENOTFOUND:
		return target{channel: a.Channel}, nil
	}
	return target{}, err
}

// threadKey is the outbox key of the message that starts a question's
// thread in a channel.
func threadKey(questionID string) string { return "thread:" + questionID }

// tellAsker is where the bot tells the asker how their question moves: in
// its thread for a question asked in a channel; in their DM with the bot
// for a private one, whose group DM with an expert is not the place to
// speak of other experts.
func tellAsker(ctx context.Context, tx *sqlite.BotTx, a knowledge.Ask) (target, error) {
	if !a.Private {
		return threadOf(ctx, tx, a)
	}
	if a.Thread != "" && isDM(a.Channel) {
		return target{channel: a.Channel, ts: a.Thread}, nil
	}
	return target{channel: a.Asker}, nil
}

func isDM(channel string) bool { return len(channel) > 0 && channel[0] == 'D' }

// routeStep is one routing decision to write: who to send the question to
// next and what to tell the asker.
type routeStep struct {
	key    string // prefix of the outbox keys, unique to the step
	ask    knowledge.Ask
	text   string // the question as the asker wrote it, for display
	asker  string // asker's language
	choice *choice
	link   string // link to the thread, when it is known already
	// note and its first argument say how to tell the asker: "route.asked",
	// or "route.escalated"/"route.passed" with the previous expert.
	note     string
	previous string
}

// route writes a route to s.choice: the route itself, the DM (or, for a
// private question, the group DM) that asks the expert, and the note to
// the asker. It returns the route's id.
func (b *Bot) route(ctx context.Context, tx *sqlite.BotTx, s routeStep, t *tally) (int64, error) {
	c := s.choice
	id, err := tx.AddRoute(ctx, knowledge.Route{QuestionID: s.ask.QuestionID, Expert: c.Expert.ID})
	if err != nil {
		return 0, err
	}
	t.routes++
	tell, err := tellAsker(ctx, tx, s.ask)
	if err != nil {
		return 0, err
	}
	summary := i18n.Tr(c.Lang, "expert.text", s.ask.Asker, blockkit.OneLine(s.text, maxNotification))

	if s.ask.Private {
		members := []string{s.ask.Asker, c.Expert.ID}
		open, err := enqueue(ctx, tx, s.key+"/open", methodOpen, outgoing{Users: members}, 0,
			sqlite.Place{QuestionID: s.ask.QuestionID, Members: members})
		if err != nil {
			return 0, err
		}
		// In the group DM the message itself is the thread: no link.
		blocks := blocksJSON(expertBlocks(c.Lang, id, s.ask.Asker, s.text, c.Evidence, ""))
		_, err = enqueue(ctx, tx, s.key+"/ask", methodPost, outgoing{Text: summary, Blocks: blocks}, open,
			sqlite.Place{QuestionID: s.ask.QuestionID, Thread: true})
		if err != nil {
			return 0, err
		}
		return id, tell.post(ctx, tx, s.key+"/note", b.noteText(s, "route.asked_private"), nil)
	}

	thread, err := threadOf(ctx, tx, s.ask)
	if err != nil {
		return 0, err
	}
	dm := outgoing{Channel: c.Expert.ID, Text: summary}
	after := int64(0)
	link := s.link
	if link == "" && thread.after != 0 {
		link, dm.Link, after = threadLinkMark, true, thread.after
	}
	dm.Blocks = blocksJSON(expertBlocks(c.Lang, id, s.ask.Asker, s.text, c.Evidence, link))
	if _, err := enqueue(ctx, tx, s.key+"/dm", methodPost, dm, after, sqlite.Place{}); err != nil {
		return 0, err
	}
	return id, tell.post(ctx, tx, s.key+"/note", b.noteText(s, "route.asked"), nil)
}

// noteText is what the asker is told when their question goes to an
// expert: asked is the message for a first route.
func (b *Bot) noteText(s routeStep, asked string) string {
	if s.note == "" || s.previous == "" {
		return i18n.Tr(s.asker, asked, s.choice.Expert.ID)
	}
	return i18n.Tr(s.asker, s.note, s.previous, s.choice.Expert.ID)
}

// giveUp records that nobody could answer: the question is a knowledge
// gap; the fallback channel, when there is one, is asked (which counts as
// an escalation); the asker is told.
func (b *Bot) giveUp(ctx context.Context, tx *sqlite.BotTx, key string, a knowledge.Ask, text, askerLang, link string, t *tally) error {
	if err := tx.SetAskStatus(ctx, a.QuestionID, knowledge.StatusUnanswered, ""); err != nil {
		return err
	}
	tell, err := tellAsker(ctx, tx, a)
	if err != nil {
		return err
	}
	channel, mention := b.fallbackChannel()
	if channel == "" {
		return tell.post(ctx, tx, key+"/note", i18n.Tr(askerLang, "route.none"), nil)
	}
	t.escalations++
	m := outgoing{Channel: channel, Text: i18n.Tr(b.cfg.Lang, "fallback.public_text", a.Asker)}
	after := int64(0)
	if !a.Private && link == "" {
		if thread, err := threadOf(ctx, tx, a); err != nil {
			return err
		} else if thread.after != 0 {
			link, m.Link, after = threadLinkMark, true, thread.after
		}
	}
	if a.Private {
		m.Text = i18n.Tr(b.cfg.Lang, "fallback.private", a.Asker)
	}
	m.Blocks = blocksJSON(fallbackBlocks(b.cfg.Lang, a.Asker, text, link, a.Private))
	if _, err := enqueue(ctx, tx, key+"/fallback", methodPost, m, after, sqlite.Place{}); err != nil {
		return err
	}
	return tell.post(ctx, tx, key+"/note", i18n.Tr(askerLang, "route.none_fallback", mention), nil)
}
