package desk

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/nextdesk/nextdesk/internal/logctx"
	"github.com/nextdesk/nextdesk/knowledge"
)

// Question is a question someone asks, as the chat adapter read it.
type Question struct {
	// Key is the delivery's key.
	Key   string
	ID    string
	Asker string
	// Text is the question as typed, in the chat tool's markup, shown
	// back to people; Plain is its text, what knowledge keeps.
	Text, Plain string
	// Where is the conversation it is asked in: who may see what is said
	// there, hence which past answers may be shown.
	Where knowledge.Conversation
	// Channel and Thread locate the thread where it is discussed; Thread
	// is empty when Post is set, the desk then posting the question to
	// start its thread.
	Channel, Thread string
	Post            bool
	// Private is set for a question asked in a direct message: an expert
	// is asked in a group DM with the asker, and nobody else sees it.
	Private bool
	// Reply is where to answer the asker privately, for a question that
	// has no thread (a command in a direct message).
	Reply Address
	Time  time.Time
	// Details are what the asker added in the thread before asking the
	// desk (a mention in a thread): part of the question.
	Details []Detail
	// Addressed are the people the question names, whom the asker
	// expects an answer from: they are asked first among the experts.
	Addressed []string
	// Anonymous asks without the asker's name (see Desk.Ask): posted by
	// the desk in Channel when Post is set, else (Private) sent straight
	// to the experts.
	Anonymous bool
	// Relay is, for an anonymous question asked in a direct message to
	// the bot, that message's thread, where replies are relayed; unknown
	// otherwise, the desk then starting one.
	Relay Link
	// InDM is set for a question sent as a message to the bot, in the
	// asker's direct messages with it, answered in that message's thread:
	// there the desk offers the choice to ask the next question without
	// one's name (see ChooseAnonymous).
	InDM bool
}

// Asks reports whether plain text asks anything: not empty, and not a
// plea for help with the bot itself.
func Asks(plain string) bool {
	plain = strings.TrimSpace(plain)
	return plain != "" && !strings.EqualFold(plain, "help") && !strings.EqualFold(plain, "aide")
}

// Ask answers a new question from knowledge when a past answer is sure
// enough, or sends it to the expert most likely to know, or, when nobody
// fits, records it as unanswered (asking the fallback channel when there is
// one). The reads (search, ranking, presence) come first; then one
// transaction records the question, the best past answer found, and
// everything to tell. A question in a thread the desk follows already is a
// reply there, left to Answer. It returns ErrUsage when there is nothing to
// ask.
//
// An anonymous question is kept and shown without its asker, whom the
// desk alone knows, to relay replies (see askAnonymously); it is refused
// with ErrAnonymousOff when they are turned off, and with a refusal saying
// when they may ask again past Config.AnonymousPerDay. A question asked
// privately by someone who chose to ask their next one without their name
// (ChooseAnonymous) is asked as an anonymous one, and uses that choice.
func (d *Desk) Ask(ctx context.Context, q Question) error {
	// Two questions racing may both find the choice: both are then asked
	// without their name, which is what their asker chose moments ago.
	chosen, err := d.choseAnonymous(ctx, q)
	if err != nil {
		return err
	}
	if chosen {
		q = anonymized(q)
	}
	ctx = logctx.Question(ctx, q.ID)
	if q.Anonymous {
		err = d.askAnonymously(ctx, q)
	} else {
		err = d.askNamed(ctx, q)
	}
	return d.offerChoice(q, chosen, err)
}

// askNamed asks q, a question with its asker's name (see Ask).
func (d *Desk) askNamed(ctx context.Context, q Question) error {
	if q.Thread != "" {
		var followed bool
		err := d.view(ctx, func(r Reader) error {
			_, err := r.AskByThread(ctx, q.Channel, q.Thread)
			followed = err == nil
			if knowledge.ErrorCode(err) == knowledge.ENOTFOUND {
				return nil
			}
			return err
		})
		if err != nil {
			return err
		}
		if followed {
			// A mention in a thread the desk follows is a reply there,
			// which Answer captures. Its key is still recorded, so a
			// redelivery that raced the first handling counts as the
			// duplicate it is.
			d.log.Debug("ignoring a question in a followed thread", "key", q.Key)
			return d.commit(ctx, q.Key, func(Tx, *Counts) error { return nil })
		}
	}
	if !Asks(q.Plain) {
		return ErrUsage
	}
	text := withDetails(q.Plain, q.Details)
	kq := knowledge.Question{
		ID: q.ID, Asker: q.Asker, Conversation: q.Where.ID, Thread: q.Thread,
		Text: text, Lang: knowledge.DetectLang(text), Time: q.Time, Addressed: q.Addressed,
	}
	best, nx, err := d.firstStep(ctx, kq, q.Where, knowledge.Viewer{PersonID: kq.Asker})
	if err != nil {
		return err
	}
	return d.commit(ctx, q.Key, func(tx Tx, n *Counts) error {
		if err := tx.UpsertConversation(ctx, q.Where); err != nil {
			return err
		}
		if err := tx.AddQuestion(ctx, kq); err != nil {
			return err
		}
		for _, dt := range q.Details {
			if err := tx.UpsertDetail(ctx, q.ID, dt); err != nil {
				return err
			}
		}
		n.Questions++
		a, err := follow(ctx, tx, q, knowledge.Ask{QuestionID: q.ID, Asker: q.Asker, Channel: q.Channel, Thread: q.Thread, Private: q.Private}, best)
		if err != nil {
			return err
		}
		// What is shown of the question: as typed, or with the details
		// the asker added, as text.
		shown := Quote{Typed: q.Text}
		if len(q.Details) > 0 {
			shown = Quote{Plain: text}
		}
		if best != nil && best.Sure {
			n.Instant++
			return d.offer(ctx, tx, q, a, *best)
		}
		return d.proceed(ctx, tx, routeStep{key: q.Key, ask: a, text: shown, told: ToldAsked, offer: d.receiptChoice(q)}, nx, n)
	})
}

// firstStep reads what asking q in place needs: the closest past answer
// that may be shown there, and, unless it is sure, where the question
// goes: the team whose topic it is, if any, and the expert to ask (within
// that team), ranked on what v may see. One judgement of the engine gives
// both when v is the asker's view.
func (d *Desk) firstStep(ctx context.Context, q knowledge.Question, place knowledge.Conversation, v knowledge.Viewer) (*knowledge.Match, next, error) {
	asker := knowledge.Viewer{PersonID: q.Asker}
	judged, err := d.engine.Consider(ctx, q, asker)
	if err != nil {
		return nil, next{}, err
	}
	shown, err := d.inPlace(ctx, judged.Matches, place)
	if err != nil {
		return nil, next{}, err
	}
	var best *knowledge.Match
	if len(shown) > 0 {
		best = &shown[0]
	}
	if best != nil && best.Sure {
		return best, next{}, nil
	}
	if v != asker {
		if judged, err = d.engine.Consider(ctx, q, v); err != nil {
			return nil, next{}, fmt.Errorf("rank experts: %w", err)
		}
	}
	// The team's clock runs from when it takes the question: now.
	tr, err := d.teamFor(ctx, q.ID, q.Text, q.Asker, v == knowledge.Anonymous, d.Now())
	if err != nil {
		return nil, next{}, err
	}
	c, ranked, err := d.chooseIn(ctx, q, v, judged.Experts, nil, tr)
	return best, next{choice: c, ranked: ranked, team: tr}, err
}

// follow starts following a, the ask of new question q: the best past
// answer found is recorded, and a offers it when it is sure; a question
// the desk posts gets the post that starts its thread, in its asker's
// language (the workspace's for an anonymous one, which names nobody).
func follow(ctx context.Context, tx Tx, q Question, a knowledge.Ask, best *knowledge.Match) (knowledge.Ask, error) {
	if best != nil {
		o := Offer{
			QuestionID: q.ID, Match: best.Question.ID, Answer: best.Answer.ID, Confidence: best.Confidence,
			Offered: best.Sure, At: tx.Now(), Model: knowledge.ConfidenceModel,
		}
		if err := tx.RecordOffer(ctx, o); err != nil {
			return a, err
		}
		if best.Sure {
			a.Status, a.Offered = knowledge.StatusOffered, best.Answer.ID
		}
	}
	if err := tx.AddAsk(ctx, a); err != nil {
		return a, err
	}
	if !q.Post {
		return a, nil
	}
	_, err := tx.Notify(ctx, Notice{
		Key: threadKey(a.QuestionID), To: Address{Conversation: a.Channel}, Reader: a.Asker,
		Place: Place{QuestionID: a.QuestionID, Thread: true},
		Body:  QuestionPosted{Asker: a.Asker, Text: Quote{Typed: q.Text}},
	})
	return a, err
}

// offer records the instant answer: in the question's thread, or to the
// asker privately for a question without one.
func (d *Desk) offer(ctx context.Context, tx Tx, q Question, a knowledge.Ask, m knowledge.Match) error {
	body := InstantAnswer{
		Question: a.QuestionID, Answer: m.Answer, Confidence: m.Confidence,
		Source: Link{Conversation: m.Question.Conversation, Thread: m.Question.Thread},
	}
	if !q.Reply.Empty() {
		_, err := tx.Notify(ctx, Notice{Key: InstantKey(a.QuestionID), To: q.Reply, Reader: a.Asker, Body: body})
		return err
	}
	thread, err := threadOf(ctx, tx, a)
	if err != nil {
		return err
	}
	return thread.notify(ctx, tx, InstantKey(a.QuestionID), a.Asker, body)
}

// inPlace keeps the matches that may be shown in conversation c, where
// everyone in it reads them: public knowledge and c's own; in a channel
// shared with another organisation, whose people may read nothing else of
// the organisation's, c's own only. For a direct message with the bot, the
// asker's own view (which Similar applied already) is the right one.
func (d *Desk) inPlace(ctx context.Context, matches []knowledge.Match, c knowledge.Conversation) ([]knowledge.Match, error) {
	if c.Kind == knowledge.KindDM || len(matches) == 0 {
		return matches, nil
	}
	if c.Shared {
		var own []knowledge.Match
		for _, m := range matches {
			if m.Question.Conversation == c.ID {
				own = append(own, m)
			}
		}
		return own, nil
	}
	var kept []knowledge.Match
	err := d.view(ctx, func(r Reader) error {
		kept = nil
		for _, m := range matches {
			if m.Question.Conversation == c.ID {
				kept = append(kept, m)
				continue
			}
			src, err := r.Conversation(ctx, m.Question.Conversation)
			if knowledge.ErrorCode(err) == knowledge.ENOTFOUND {
				continue
			}
			if err != nil {
				return err
			}
			if src.Public() {
				kept = append(kept, m)
			}
		}
		return nil
	})
	return kept, err
}

// Keys of the notices people click or that others wait on: a click names
// the card it settles by the thing the card is about.
func threadKey(questionID string) string { return "thread:" + questionID }

// InstantKey is the key of the card that offers a past answer to a
// question.
func InstantKey(questionID string) string { return "instant:" + questionID }

// CheckKey is the key of the card that asks the asker whether a reply
// solved their question.
func CheckKey(questionID string) string { return "check:" + questionID }
