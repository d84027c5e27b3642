package desk

import (
	"context"
	"fmt"
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
func (d *Desk) Answer(ctx context.Context, m Message) error {
	var (
		a       knowledge.Ask
		placing bool
	)
	err := d.view(ctx, func(r Reader) error {
		var err error
		a, err = r.AskByThread(ctx, m.Channel, m.Thread)
		if knowledge.ErrorCode(err) == knowledge.ENOTFOUND {
			placing, err = r.PlacingThread(ctx, m.Channel)
			a = knowledge.Ask{}
		}
		return err
	})
	if err != nil {
		return err
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
		d.log.Debug("ignoring a reply in a thread the desk does not follow", "key", m.Key)
		return nil
	}
	ctx = logctx.Question(ctx, a.QuestionID)
	if m.Plain == "" || m.Author == "" {
		return nil
	}
	if m.Author == a.Asker {
		if !knowledge.Thanks(m.Plain) {
			return nil
		}
		return d.commit(ctx, m.Key, func(tx Tx, _ *Counts) error {
			return d.thank(ctx, tx, a.QuestionID, a.Asker)
		})
	}
	answer := knowledge.Answer{ID: m.ID, Answerer: m.Author, Text: m.Plain, Time: m.Time}
	return d.commit(ctx, m.Key, func(tx Tx, n *Counts) error {
		return d.answered(ctx, tx, a.QuestionID, answer, n)
	})
}

// answered records an answer in a followed thread: the question is
// answered, its routes are done, and on the first answer the asker is
// asked (privately) whether it solved the question.
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
	if err := closeRoutes(ctx, tx, questionID, knowledge.RouteAnswered); err != nil {
		return err
	}
	if a.Status != knowledge.StatusOpen && a.Status != knowledge.StatusOffered && a.Status != knowledge.StatusUnanswered {
		return nil
	}
	if err := tx.SetAskStatus(ctx, questionID, knowledge.StatusAnswered, ""); err != nil {
		return err
	}
	_, err = tx.Notify(ctx, Notice{
		Key: CheckKey(questionID), To: Address{Conversation: a.Channel, Thread: a.Thread, Only: a.Asker}, Reader: a.Asker,
		Body: AnswerCheck{Answerer: answer.Answerer, Answer: answer.ID},
	})
	return err
}

// closeRoutes decides the routes of a question still waiting for their
// expert.
func closeRoutes(ctx context.Context, tx Tx, questionID string, outcome knowledge.RouteOutcome) error {
	routes, err := tx.Routes(ctx, questionID)
	if err != nil {
		return err
	}
	for _, r := range routes {
		if r.Outcome.AwaitsExpert() {
			if err := tx.SetRouteOutcome(ctx, r.ID, outcome); err != nil {
				return err
			}
		}
	}
	return nil
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
		a, err := tx.Ask(ctx, m.ID)
		if knowledge.ErrorCode(err) == knowledge.ENOTFOUND || err == nil && a.Asker != m.Author {
			return nil
		}
		if err != nil {
			return err
		}
		// The asker may see their own question, wherever it is.
		qs, err := tx.Questions(ctx, knowledge.Viewer{PersonID: a.Asker}, []string{m.ID})
		if err != nil || len(qs) != 1 {
			return err
		}
		q := qs[0]
		q.Text, q.Lang, q.Answers = m.Plain, knowledge.DetectLang(m.Plain), nil
		return tx.AddQuestion(ctx, q)
	})
}

// Delete handles a deleted message: a deleted answer is removed.
func (d *Desk) Delete(ctx context.Context, key, messageID string) error {
	return d.commit(ctx, key, func(tx Tx, _ *Counts) error {
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
		if _, err := askedBy(ctx, tx, qid, r.By); err != nil {
			return err
		}
		if err := tx.SetAccepted(ctx, answerID); err != nil {
			return err
		}
		if err := closeRoutes(ctx, tx, qid, knowledge.RouteAnswered); err != nil {
			return err
		}
		if err := tx.SetAskStatus(ctx, qid, knowledge.StatusSolved, ""); err != nil {
			return err
		}
		return d.reply(ctx, tx, r, Reply{Say: SayAccepted, Settle: CheckKey(qid)})
	})
}
