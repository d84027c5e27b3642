package desk

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/nextdesk/nextdesk/internal/logctx"
	"github.com/nextdesk/nextdesk/knowledge"
)

// Message is a message in the chat tool, as the adapter read it.
type Message struct {
	// Key is the key of the delivery that brought it ("" for one read).
	Key string
	// ID is the message's stable id as knowledge keeps it (a question's or
	// an answer's).
	ID string
	// Channel is its conversation; TS the message itself; Thread the
	// thread it is in (its root's TS).
	Channel, TS, Thread string
	// Author is who wrote it; empty for a bot or the system.
	Author string
	// Plain is its text.
	Plain string
	Time  time.Time
}

// Answer handles a reply in a thread. In the thread of a question the desk
// follows, a reply by someone other than the asker is an answer (captured,
// the routes done, and the asker asked whether it solved the question),
// and the asker's thanks count for the latest answer; in a help channel,
// the thread becomes a followed question at its first reply. A reply in a
// thread whose starting notice is still on its way returns an internal
// error, so the delivery is tried again once that thread is known.
//
// An anonymous question's replies are relayed to its asker, and what its
// asker writes in the thread of their relay is relayed to the question's
// thread (see relayFromAsker).
func (d *Desk) Answer(ctx context.Context, m Message) error {
	var (
		a       knowledge.Ask
		asker   string
		relay   Anonymous
		placing bool
	)
	err := d.view(ctx, func(r Reader) error {
		var err error
		a, err = r.AskByThread(ctx, m.Channel, m.Thread)
		if err == nil {
			asker, err = askerOf(ctx, r, a)
			return err
		}
		if knowledge.ErrorCode(err) != knowledge.ENOTFOUND {
			return err
		}
		a = knowledge.Ask{}
		relay, err = r.AnonymousByRelay(ctx, m.Channel, m.Thread)
		if knowledge.ErrorCode(err) == knowledge.ENOTFOUND {
			relay = Anonymous{}
			placing, err = r.PlacingThread(ctx, m.Channel)
		}
		return err
	})
	if err != nil {
		return err
	}
	if relay.QuestionID != "" {
		return d.relayFromAsker(ctx, m, relay)
	}
	if a.QuestionID == "" {
		if d.helpChannel(ctx, m.Channel) {
			return d.captureHelp(ctx, m)
		}
		if placing {
			// The notice that starts this thread may be in the chat tool
			// already but not yet recorded: failing lets the delivery be
			// tried again once it is, instead of losing an answer.
			return fmt.Errorf("reply %s in %s: its thread may be one the desk is still starting", m.TS, m.Channel)
		}
		// Most replies are in threads the desk never follows; but the
		// question of this one may be in a delivery still waiting.
		return fmt.Errorf("reply %s in %s: %w", m.TS, m.Channel, ErrAfterEarlier)
	}
	ctx = logctx.Question(ctx, a.QuestionID)
	if m.Plain == "" || m.Author == "" {
		return nil
	}
	if m.Author == asker {
		if knowledge.Thanks(m.Plain) {
			return d.commit(ctx, m.Key, func(tx Tx, _ *Counts) error {
				return d.thank(ctx, tx, a.QuestionID, asker)
			})
		}
		if !a.Status.Unanswered() {
			return nil
		}
		// Before anyone answers, what the asker adds is part of the
		// question: the next expert reads it, and knowledge keeps it.
		return d.commit(ctx, m.Key, func(tx Tx, _ *Counts) error {
			return addDetail(ctx, tx, a.QuestionID, Detail{ID: m.ID, Text: m.Plain, Time: m.Time})
		})
	}
	answer := knowledge.Answer{ID: m.ID, Answerer: m.Author, Text: m.Plain, Time: m.Time}
	return d.commit(ctx, m.Key, func(tx Tx, n *Counts) error {
		return d.answered(ctx, tx, a.QuestionID, answer, n)
	})
}

// answered records an answer in a followed thread: the question is
// answered, its routes are done, and on the first answer the asker is
// asked (privately) whether it solved the question. The asker of an
// anonymous question is handed every answer, each with the button that
// says it solved it, in the thread of their relay.
func (d *Desk) answered(ctx context.Context, tx Tx, questionID string, answer knowledge.Answer, n *Counts) error {
	a, err := tx.Ask(ctx, questionID)
	if err != nil {
		return err
	}
	changed, err := tx.UpsertAnswer(ctx, questionID, answer)
	if knowledge.ErrorCode(err) == knowledge.ENOTFOUND {
		return nil // the question was deleted meanwhile
	}
	if err != nil {
		return err
	}
	if changed {
		n.Captured++
	}
	if err := closeRoutes(ctx, tx, questionID, knowledge.RouteAnswered, ClosedAnswered, answer.Answerer); err != nil {
		return err
	}
	// Whoever answers, the asker has a response: the desk stops looking
	// for one, and so does the team's promise.
	if err := meet(ctx, tx, questionID, knowledge.FirstResponse); err != nil {
		return err
	}
	if a.Anonymous {
		if err := relayAnswer(ctx, tx, a, answer); err != nil {
			return err
		}
	}
	if !a.Status.Unanswered() {
		return nil
	}
	if err := tx.SetAskStatus(ctx, questionID, knowledge.StatusAnswered, ""); err != nil {
		return err
	}
	if a.Anonymous {
		return nil
	}
	_, err = tx.Notify(ctx, Notice{
		Key: CheckKey(questionID), To: Address{Conversation: a.Channel, Thread: a.Thread, Only: a.Asker}, Reader: a.Asker,
		Body: AnswerCheck{Answerer: answer.Answerer, Answer: answer.ID},
	})
	return err
}

// closeRoutes decides the routes of a question still waiting for their
// expert, and changes their cards to say why (by whom) they wait no more.
func closeRoutes(ctx context.Context, tx Tx, questionID string, outcome knowledge.RouteOutcome, why Closed, by string) error {
	routes, err := tx.Routes(ctx, questionID)
	if err != nil {
		return err
	}
	for _, r := range routes {
		if !r.Outcome.AwaitsExpert() {
			continue
		}
		if err := tx.SetRouteOutcome(ctx, r.ID, outcome); err != nil {
			return err
		}
		if err := closeCard(ctx, tx, r, why, by); err != nil {
			return err
		}
	}
	return nil
}

// detailSep separates a question's first message and the details its
// asker added, in the question's text.
const detailSep = "\n\n"

// withDetails is a question's text: its first message, then the details,
// oldest first.
func withDetails(root string, details []Detail) string {
	var b strings.Builder
	b.WriteString(root)
	for _, d := range details {
		b.WriteString(detailSep + d.Text)
	}
	return b.String()
}

// rewrite writes question questionID again with its first message root
// (when not empty; else the one it has) and its details after change,
// which records, edits or forgets one. The question is read as its asker
// sees it.
func rewrite(ctx context.Context, tx Tx, questionID, root string, change func() error) error {
	a, err := tx.Ask(ctx, questionID)
	if err != nil {
		return err
	}
	qs, err := questionOf(ctx, tx, a)
	if err != nil || len(qs) != 1 {
		return err
	}
	before, err := tx.Details(ctx, questionID)
	if err != nil {
		return err
	}
	if root == "" {
		root = strings.TrimSuffix(qs[0].Text, withDetails("", before))
	}
	if err := change(); err != nil {
		return err
	}
	after, err := tx.Details(ctx, questionID)
	if err != nil {
		return err
	}
	q := qs[0]
	q.Text, q.Answers = withDetails(root, after), nil
	q.Lang = knowledge.DetectLang(q.Text)
	return tx.AddQuestion(ctx, q)
}

// addDetail records what the asker added to their question, and the
// question's text with it.
func addDetail(ctx context.Context, tx Tx, questionID string, dt Detail) error {
	if strings.TrimSpace(dt.Text) == "" {
		return nil
	}
	return rewrite(ctx, tx, questionID, "", func() error { return tx.UpsertDetail(ctx, questionID, dt) })
}

// thank counts the asker's thanks for the latest answer by someone else,
// or for the past answer offered at once when nobody has answered.
func (d *Desk) thank(ctx context.Context, tx Tx, questionID, asker string) error {
	answers, err := tx.Answers(ctx, questionID)
	if err != nil {
		return err
	}
	for i := len(answers) - 1; i >= 0; i-- {
		if answers[i].Answerer != asker {
			return tx.AddThanks(ctx, answers[i].ID)
		}
	}
	a, err := tx.Ask(ctx, questionID)
	if err != nil {
		return err
	}
	if a.Offered == "" {
		// Thanks in a thread where nobody answered yet: the reply they
		// are for was overtaken by them.
		return fmt.Errorf("thanks in %s: %w", questionID, ErrNotYet)
	}
	if err := tx.AddThanks(ctx, a.Offered); knowledge.ErrorCode(err) != knowledge.ENOTFOUND {
		return err
	}
	return nil
}

// helpChannel reports whether every question thread in channel id is
// captured (Config.HelpChannels names it by id or name).
func (d *Desk) helpChannel(ctx context.Context, id string) bool {
	if len(d.help) == 0 {
		return false
	}
	if d.help[id] {
		return true
	}
	c, _, err := d.chat.Conversation(ctx, id, false)
	return err == nil && c.Name != "" && d.help[c.Name]
}

// captureHelp turns a help channel's thread into a followed question at
// its first reply by someone other than its author: the root (read from
// the chat tool) is the question, the reply its first answer. Nothing is
// said in the thread: nobody called the bot.
func (d *Desk) captureHelp(ctx context.Context, reply Message) error {
	root, err := d.chat.Root(ctx, reply.Channel, reply.Thread)
	if knowledge.ErrorCode(err) == knowledge.ENOTFOUND {
		d.log.Debug("ignoring a help channel reply whose thread is gone", "key", reply.Key)
		return nil
	}
	if err != nil {
		return err
	}
	if root.Author == "" || root.Author == reply.Author || root.Plain == "" || reply.Plain == "" || reply.Author == "" {
		return nil
	}
	conv, _, err := d.chat.Conversation(ctx, reply.Channel, false)
	if err != nil {
		return err
	}
	q := knowledge.Question{
		ID: root.ID, Asker: root.Author, Conversation: conv.ID, Thread: root.TS,
		Text: root.Plain, Lang: knowledge.DetectLang(root.Plain), Time: root.Time,
	}
	answer := knowledge.Answer{ID: reply.ID, Answerer: reply.Author, Text: reply.Plain, Time: reply.Time}
	return d.commit(ctx, reply.Key, func(tx Tx, n *Counts) error {
		if err := tx.UpsertConversation(ctx, conv); err != nil {
			return err
		}
		if err := tx.AddQuestion(ctx, q); err != nil {
			return err
		}
		err := tx.AddAsk(ctx, knowledge.Ask{QuestionID: q.ID, Asker: q.Asker, Channel: reply.Channel, Thread: q.Thread, Status: knowledge.StatusAnswered})
		if err != nil && knowledge.ErrorCode(err) != knowledge.ECONFLICT {
			return err
		}
		changed, err := tx.UpsertAnswer(ctx, q.ID, answer)
		if err != nil {
			return err
		}
		if changed {
			n.Captured++
		}
		return nil
	})
}

// Edit handles an edited message: an answer's new text is kept, and so is
// a followed question's when its asker edits it.
func (d *Desk) Edit(ctx context.Context, m Message) error {
	if m.Plain == "" || m.Author == "" {
		return nil
	}
	return d.commit(ctx, m.Key, func(tx Tx, _ *Counts) error {
		if qid, old, err := tx.Answer(ctx, m.ID); err == nil {
			old.Text = m.Plain
			_, err := tx.UpsertAnswer(ctx, qid, old)
			return err
		} else if knowledge.ErrorCode(err) != knowledge.ENOTFOUND {
			return err
		}
		if qid, dt, err := tx.Detail(ctx, m.ID); err == nil {
			dt.Text = m.Plain
			return rewrite(ctx, tx, qid, "", func() error { return tx.UpsertDetail(ctx, qid, dt) })
		} else if knowledge.ErrorCode(err) != knowledge.ENOTFOUND {
			return err
		}
		a, err := tx.Ask(ctx, m.ID)
		if knowledge.ErrorCode(err) == knowledge.ENOTFOUND || err == nil && a.Asker != m.Author {
			return nil
		}
		if err != nil {
			return err
		}
		return rewrite(ctx, tx, m.ID, m.Plain, func() error { return nil })
	})
}

// Delete handles a deleted message: a deleted answer is removed, and so is
// a deleted detail from its question.
func (d *Desk) Delete(ctx context.Context, key, messageID string) error {
	return d.commit(ctx, key, func(tx Tx, _ *Counts) error {
		if qid, _, err := tx.Detail(ctx, messageID); err == nil {
			return rewrite(ctx, tx, qid, "", func() error {
				_, err := tx.DeleteDetail(ctx, messageID)
				return err
			})
		} else if knowledge.ErrorCode(err) != knowledge.ENOTFOUND {
			return err
		}
		_, err := tx.DeleteAnswer(ctx, messageID)
		return err
	})
}

// CheckMark handles r's person's check mark on message messageID in
// channel: on an answer the desk captured, it accepts it (see Accept). A
// check mark that overtook the reply it marks (the message is no answer
// yet, but r's person has a question followed in channel that is not
// solved) returns ErrNotYet, so that the delivery is tried again once the
// reply is captured. On any other message it is refused as closed.
func (d *Desk) CheckMark(ctx context.Context, r Request, channel, messageID string) error {
	var early bool
	err := d.view(ctx, func(rd Reader) error {
		_, _, err := rd.Answer(ctx, messageID)
		if knowledge.ErrorCode(err) != knowledge.ENOTFOUND {
			return err
		}
		early, err = rd.Unsolved(ctx, channel, r.By)
		return err
	})
	switch {
	case err != nil:
		return err
	case early:
		return fmt.Errorf("check mark on %s: %w", messageID, ErrNotYet)
	}
	return d.Accept(ctx, r, messageID)
}

// Accept records that r's person, the asker, said answer answerID solved
// their question: the question is solved and its routes done, and they
// are thanked when r has somewhere to answer. It refuses a message that is
// no answer to a followed question, and, with ErrOnlyAsker, anyone but the
// asker.
func (d *Desk) Accept(ctx context.Context, r Request, answerID string) error {
	return d.commit(ctx, r.Key, func(tx Tx, _ *Counts) error {
		qid, _, err := tx.Answer(ctx, answerID)
		if knowledge.ErrorCode(err) == knowledge.ENOTFOUND {
			return closed("")
		}
		if err != nil {
			return err
		}
		a, err := askedBy(ctx, tx, qid, r.By)
		if err != nil {
			return err
		}
		if err := tx.SetAccepted(ctx, answerID); err != nil {
			return err
		}
		if err := closeRoutes(ctx, tx, qid, knowledge.RouteAnswered, ClosedSolved, ""); err != nil {
			return err
		}
		if err := tx.SetAskStatus(ctx, qid, knowledge.StatusSolved, ""); err != nil {
			return err
		}
		if err := meet(ctx, tx, qid, knowledge.FirstResponse, knowledge.Resolution); err != nil {
			return err
		}
		settle := CheckKey(qid)
		if a.Anonymous {
			settle = RelayedKey(answerID)
		}
		return d.reply(ctx, tx, r, Reply{Say: SayAccepted, Settle: settle})
	})
}
