package desk

import (
	"context"
	"fmt"
	"time"

	"github.com/nextdesk/nextdesk/knowledge"
)

// Asking without fear: a question asked anonymously is kept, routed,
// escalated and shown like any other, with its asker left out. The
// question and its ask record no asker, so nothing that reads them (the
// index, the digest, the ranking's evidence, the cards) can show one; the
// desk alone keeps who asked, apart, to relay the replies to them and what
// they write back, until it forgets (KeepAnonymous).

// Anonymous is what the desk alone knows of an anonymous question.
type Anonymous struct {
	QuestionID string
	// Asker is who asked; empty once forgotten.
	Asker string
	// Relay is the thread of the asker's direct messages with the bot
	// where replies are relayed to them, and from where what they write
	// is relayed to the question's thread; unknown until the notice that
	// starts it is delivered.
	Relay Link
	// Direct is true for a question sent straight to the experts, posted
	// in no channel.
	Direct  bool
	AskedAt time.Time
}

// AnonymousReader reads what the desk knows of anonymous questions.
type AnonymousReader interface {
	// Anonymous returns who asked an anonymous question, or an ENOTFOUND
	// error.
	Anonymous(ctx context.Context, questionID string) (Anonymous, error)
	// AnonymousByRelay returns the anonymous question whose relay is the
	// thread thread in channel, or an ENOTFOUND error.
	AnonymousByRelay(ctx context.Context, channel, thread string) (Anonymous, error)
	// AnonymousAsked returns when person asked each anonymous question
	// they asked after since, oldest first.
	AnonymousAsked(ctx context.Context, person string, since time.Time) ([]time.Time, error)
	// AnonymousChoice returns until when person chose to ask their next
	// question without their name (see ChooseAnonymous), which may be
	// past; the zero time when they made no such choice, or it was used
	// or cancelled.
	AnonymousChoice(ctx context.Context, person string) (time.Time, error)
	// AskedQuestion returns the live question of an ask, with its
	// answers, or an ENOTFOUND error. It applies no visibility rule: the
	// desk acts on the questions it follows, and an anonymous one is
	// visible to no asker (it may have moved to an expert's DM).
	AskedQuestion(ctx context.Context, questionID string) (knowledge.Question, error)
}

// AnonymousWriter records and forgets who asked anonymous questions.
type AnonymousWriter interface {
	// AddAnonymous records who asked an anonymous question.
	AddAnonymous(ctx context.Context, a Anonymous) error
	// ForgetAnonymous forgets who asked the anonymous questions asked
	// before before, and their relay, and returns how many it forgot.
	ForgetAnonymous(ctx context.Context, before time.Time) (int64, error)
	// SetAnonymousChoice records that person chose to ask their next
	// question without their name, until until; the zero time forgets
	// their choice.
	SetAnonymousChoice(ctx context.Context, person string, until time.Time) error
	// ForgetAnonymousChoices forgets the choices that ran out before
	// before, and returns how many it forgot.
	ForgetAnonymousChoices(ctx context.Context, before time.Time) (int64, error)
}

// DefaultAnonymousPerDay is how many anonymous questions one person may ask
// in any 24 hours by default: enough for anyone with real questions, too
// few to flood a channel under cover.
const DefaultAnonymousPerDay = 3

// KeepAnonymous is how long the desk keeps who asked an anonymous
// question: long enough for the replies of a question escalated, given up
// and answered late to reach its asker, then forgotten, so that neither
// the store nor its backups hold it for ever.
const KeepAnonymous = 30 * 24 * time.Hour

// anonymousPlace is where an anonymous question sent straight to the
// experts waits until its card places it in an expert's DM: a conversation
// of nobody, so nobody finds it meanwhile.
var anonymousPlace = knowledge.Conversation{ID: "nextdesk:anonymous", Name: "anonymous", Kind: knowledge.KindDM}

// Refusals of anonymous questions.
var (
	// ErrAnonymousOff refuses an anonymous question where they are
	// turned off.
	ErrAnonymousOff = refuse(knowledge.EINVALID, SayAnonymousOff)
	// ErrNotInChannelAnonymous refuses to post an anonymous question in a
	// channel the bot is not in.
	ErrNotInChannelAnonymous = refuse(knowledge.ENOTFOUND, SayNotInChannelAnonymous)
)

// RelayKey is the key of the notice that tells the asker of an anonymous
// question where it went and starts the thread where replies are relayed.
func RelayKey(questionID string) string { return "relay:" + questionID }

// RelayedKey is the key of the notice that hands an answer to the asker of
// an anonymous question, with the button that accepts it.
func RelayedKey(answerID string) string { return "relayed:" + answerID }

// AnonymousReceipt tells the asker of an anonymous question where it went,
// that nobody sees who asked, and who still can; it starts the thread of
// their direct messages where replies are relayed.
type AnonymousReceipt struct {
	// Channel is where the question was posted; empty for one sent
	// straight to the experts, which goes to Fallback, when set, if
	// nobody answers.
	Channel  string `json:"channel,omitempty"`
	Fallback string `json:"fallback,omitempty"`
	// Instant is set when an earlier answer is offered in the question's
	// thread.
	Instant bool `json:"instant,omitempty"`
	// KeepDays is how long the desk keeps who asked (KeepAnonymous).
	KeepDays int `json:"keep_days"`
}

// Relayed passes a message on between an anonymous question's thread and
// its asker. To the asker, it is what From wrote in the thread, with the
// thread's link when the asker may open it, and Answer the answer they may
// accept; to the thread, it is what the asker wrote (From empty).
type Relayed struct {
	From   string `json:"from,omitempty"`
	Text   Quote  `json:"text"`
	Thread Link   `json:"thread"`
	Answer string `json:"answer,omitempty"`
}

// Notice kinds of anonymous questions.
const (
	KindAnonymousReceipt Kind = "anonymous_receipt"
	KindRelayed          Kind = "relayed"
)

func (AnonymousReceipt) Kind() Kind { return KindAnonymousReceipt }
func (Relayed) Kind() Kind          { return KindRelayed }

// askAnonymously asks q, an anonymous question, as Ask asks any other:
// answered from knowledge when sure, else sent to the best expert, else
// given up, with the same notices, none naming its asker. It is posted by
// the desk in the channel the asker chose (q.Post), or sent straight to
// the experts, each in their DM with the bot. The asker is told, in the
// thread of their direct messages where replies will be relayed, where it
// went and who can still learn who asked. Experts are ranked on public
// knowledge only: the reasons they are shown must say nothing of where the
// asker talks.
func (d *Desk) askAnonymously(ctx context.Context, q Question) error {
	switch {
	case d.cfg.AnonymousOff:
		return ErrAnonymousOff
	case !Asks(q.Plain):
		return ErrUsage
	case q.Asker == "":
		return knowledge.Errorf(knowledge.EINVALID, "An anonymous question needs someone to relay the replies to.")
	}
	if err := d.view(ctx, func(r Reader) error { return d.withinLimit(ctx, r, q.Asker) }); err != nil {
		return err
	}
	direct := !q.Post
	place := q.Where
	if direct {
		place = anonymousPlace
	}
	kq := knowledge.Question{
		ID: q.ID, Conversation: place.ID, Text: q.Plain, Lang: knowledge.DetectLang(q.Plain), Time: q.Time,
		Addressed: q.Addressed,
	}
	// The asker's own view finds the past answer offered (to them, or
	// where the question is posted), and the engine must never propose
	// them: the question as the engine reads it names them, never as it
	// is kept.
	ranking := kq
	ranking.Asker = q.Asker
	best, nx, err := d.firstStep(ctx, ranking, place, knowledge.Anonymous)
	if err != nil {
		return err
	}
	return d.commit(ctx, q.Key, func(tx Tx, n *Counts) error {
		if err := d.withinLimit(ctx, tx, q.Asker); err != nil {
			return err
		}
		if err := tx.UpsertConversation(ctx, place); err != nil {
			return err
		}
		if err := tx.AddQuestion(ctx, kq); err != nil {
			return err
		}
		n.Questions++
		anon := Anonymous{QuestionID: q.ID, Asker: q.Asker, Relay: q.Relay, Direct: direct, AskedAt: tx.Now()}
		if err := tx.AddAnonymous(ctx, anon); err != nil {
			return err
		}
		if direct {
			// The next question they chose to ask without their name is
			// this one (see ChooseAnonymous): their choice is used.
			if err := tx.SetAnonymousChoice(ctx, q.Asker, time.Time{}); err != nil {
				return err
			}
		}
		a, err := follow(ctx, tx, q, knowledge.Ask{QuestionID: q.ID, Channel: q.Channel, Private: direct, Anonymous: true}, best)
		if err != nil {
			return err
		}
		if err := d.receipt(ctx, tx, q, anon, best != nil && best.Sure); err != nil {
			return err
		}
		if best != nil && best.Sure {
			n.Instant++
			return d.offerAnonymously(ctx, tx, a, *best)
		}
		return d.proceed(ctx, tx, routeStep{key: q.Key, ask: a, text: Quote{Typed: q.Text}, told: ToldAsked}, nx, n)
	})
}

// withinLimit refuses a question from asker past the anonymous questions
// they may ask in 24 hours, saying when they may again.
func (d *Desk) withinLimit(ctx context.Context, r Reader, asker string) error {
	limit := d.cfg.AnonymousPerDay
	asked, err := r.AnonymousAsked(ctx, asker, d.Now().Add(-24*time.Hour))
	if err != nil || len(asked) < limit {
		return err
	}
	// Once the oldest of them are a day old, they may ask one more.
	again := asked[len(asked)-limit].Add(24 * time.Hour)
	return &Refusal{Code: knowledge.EINVALID, Reply: Reply{Say: SayAnonymousLimit, Count: limit, Until: again}}
}

// receipt records the notice that tells the asker where their anonymous
// question went and starts their relay: in the thread of the message they
// asked it with, or in their direct messages with the bot, where it starts
// a thread.
func (d *Desk) receipt(ctx context.Context, tx Tx, q Question, anon Anonymous, instant bool) error {
	body := AnonymousReceipt{KeepDays: int(KeepAnonymous / (24 * time.Hour))}
	if anon.Direct {
		body.Fallback = d.cfg.FallbackChannel
	} else {
		body.Channel, body.Instant = q.Channel, instant
	}
	n := Notice{Key: RelayKey(q.ID), To: Address{Conversation: q.Asker}, Reader: q.Asker, Body: body, Place: Place{QuestionID: q.ID, Relay: true}}
	if anon.Relay.Known() {
		n.To, n.Place = Address{Conversation: anon.Relay.Conversation, Thread: anon.Relay.Thread}, Place{}
	}
	_, err := tx.Notify(ctx, n)
	return err
}

// offerAnonymously offers the past answer found for anonymous question a:
// in its thread when it was posted in a channel (everyone there may read
// it, and the asker says there whether it solves it), else to its asker,
// in their relay.
func (d *Desk) offerAnonymously(ctx context.Context, tx Tx, a knowledge.Ask, m knowledge.Match) error {
	body := InstantAnswer{
		Question: a.QuestionID, Answer: m.Answer, Confidence: m.Confidence,
		Source: Link{Conversation: m.Question.Conversation, Thread: m.Question.Thread},
	}
	where := tellAsker
	if !a.Private {
		where = threadOf
	}
	tell, err := where(ctx, tx, a)
	if err != nil {
		return err
	}
	return tell.notify(ctx, tx, InstantKey(a.QuestionID), "", body)
}

// askerOf is who asked a: its Asker, or, for an anonymous question, the
// one the desk knows ("" once forgotten).
func askerOf(ctx context.Context, r Reader, a knowledge.Ask) (string, error) {
	if !a.Anonymous {
		return a.Asker, nil
	}
	anon, err := r.Anonymous(ctx, a.QuestionID)
	if knowledge.ErrorCode(err) == knowledge.ENOTFOUND {
		return "", nil
	}
	return anon.Asker, err
}

// questionOf reads the question of a as the desk acts on it: as its asker
// sees it, or, for an anonymous question (which no viewer names, and which
// may have moved to an expert's DM), as the desk follows it.
func questionOf(ctx context.Context, r Reader, a knowledge.Ask) ([]knowledge.Question, error) {
	if !a.Anonymous {
		return r.Questions(ctx, knowledge.Viewer{PersonID: a.Asker}, []string{a.QuestionID})
	}
	q, err := r.AskedQuestion(ctx, a.QuestionID)
	switch knowledge.ErrorCode(err) {
	case "":
		return []knowledge.Question{q}, nil
	case knowledge.ENOTFOUND:
		return nil, nil
	}
	return nil, err
}

// relayOf is where the desk writes to the asker of anonymous question
// questionID, in their language, after the receipt while it is on its way:
// the thread of their relay, known once the receipt that starts it is
// delivered (or from the start, for a question asked in a direct message),
// or their direct messages when that receipt is gone. Once the desk forgot
// who asked, nowhere.
func relayOf(ctx context.Context, r Reader, questionID string) (target, error) {
	anon, err := r.Anonymous(ctx, questionID)
	switch {
	case knowledge.ErrorCode(err) == knowledge.ENOTFOUND:
		return target{}, nil
	case err != nil:
		return target{}, err
	case anon.Asker == "":
		return target{}, nil
	}
	m, err := r.Outgoing(ctx, RelayKey(questionID))
	if anon.Relay.Known() {
		// The thread of the message they asked in: what is said there
		// comes after the receipt, which says what the rest means.
		t := target{channel: anon.Relay.Conversation, ts: anon.Relay.Thread, reader: anon.Asker}
		if err == nil && m.State == OutboxPending {
			t.after = m.ID
		}
		return t, nil
	}
	switch {
	case knowledge.ErrorCode(err) == knowledge.ENOTFOUND:
		return target{channel: anon.Asker, reader: anon.Asker}, nil
	case err != nil:
		return target{}, err
	case m.State == OutboxPending:
		return target{after: m.ID, reader: anon.Asker}, nil
	case m.State == OutboxSent && m.TS != "":
		return target{channel: m.Channel, ts: m.TS, reader: anon.Asker}, nil
	}
	return target{channel: anon.Asker, reader: anon.Asker}, nil
}

// relayAnswer hands an answer to anonymous question a to its asker, with
// the button that says it solves the question and, when the question is
// in a channel they may open, a link to its thread.
func relayAnswer(ctx context.Context, tx Tx, a knowledge.Ask, answer knowledge.Answer) error {
	tell, err := relayOf(ctx, tx, a.QuestionID)
	if err != nil {
		return err
	}
	body := Relayed{From: answer.Answerer, Text: Quote{Plain: answer.Text}, Answer: answer.ID}
	if !a.Private && a.Thread != "" {
		body.Thread = Link{Conversation: a.Channel, Thread: a.Thread}
	}
	return tell.notify(ctx, tx, RelayedKey(answer.ID), "", body)
}

// relayFromAsker handles what the asker of anonymous question anon wrote
// in the thread of its relay: it is posted in the question's thread by the
// desk, without their name; before anyone answers it is part of the
// question too, and thanks count for the latest answer, as in a thread
// they wrote in themselves. When nobody follows the question any more, the
// asker is told that nothing was passed on.
func (d *Desk) relayFromAsker(ctx context.Context, m Message, anon Anonymous) error {
	if m.Plain == "" || m.Author == "" || m.Author != anon.Asker {
		d.log.Debug("ignoring a message in a relay thread", "key", m.Key)
		return nil
	}
	return d.commit(ctx, m.Key, func(tx Tx, _ *Counts) error {
		a, err := tx.Ask(ctx, anon.QuestionID)
		if err != nil {
			return err
		}
		// An id of the question's own, not the message's: that names the
		// asker's DM with the bot.
		dt := Detail{ID: "relayed:" + a.QuestionID + ":" + m.TS, Text: m.Plain, Time: m.Time}
		switch {
		case knowledge.Thanks(m.Plain):
			if err := d.thank(ctx, tx, a.QuestionID, anon.Asker); err != nil {
				return err
			}
		case a.Status.Unanswered():
			if err := addDetail(ctx, tx, a.QuestionID, dt); err != nil {
				return err
			}
		}
		thread, reader, err := questionThread(ctx, tx, a)
		if err != nil {
			return err
		}
		if thread.channel == "" && thread.after == 0 {
			to := Address{Conversation: m.Channel, Thread: m.Thread}
			_, err := tx.Notify(ctx, Notice{Key: m.Key + "/reply", To: to, Reader: anon.Asker, Body: Reply{Say: SayRelayNowhere}})
			return err
		}
		// Keyed by the question, not by the delivery of their message: a
		// post carries its key where everyone in the thread is.
		return thread.notify(ctx, tx, dt.ID, reader, Relayed{Text: Quote{Plain: m.Plain}})
	})
}

// questionThread is where the desk posts in anonymous question a's thread,
// and whose language it writes in there: the thread, known or on its way,
// in the channel's language; for a question sent straight to the experts,
// the thread the last card started, in its expert's language. It names
// nowhere when the question has no thread and none is coming.
func questionThread(ctx context.Context, tx Tx, a knowledge.Ask) (target, string, error) {
	reader := ""
	if a.Private {
		routes, err := tx.Routes(ctx, a.QuestionID)
		if err != nil {
			return target{}, "", err
		}
		if len(routes) == 0 {
			if a.Thread == "" {
				return target{}, "", nil
			}
			return target{channel: a.Channel, ts: a.Thread}, "", nil
		}
		last := routes[len(routes)-1]
		reader = last.Expert
		card, err := tx.Outgoing(ctx, RouteKey(last.ID))
		if err == nil && card.State == OutboxPending {
			return target{after: card.ID}, reader, nil
		}
		if err != nil && knowledge.ErrorCode(err) != knowledge.ENOTFOUND {
			return target{}, "", err
		}
		if a.Thread == "" {
			return target{}, "", nil
		}
		return target{channel: a.Channel, ts: a.Thread}, reader, nil
	}
	thread, err := threadOf(ctx, tx, a)
	if err != nil || thread.ts == "" && thread.after == 0 {
		return target{}, "", err
	}
	return thread, reader, nil
}

// forgetAnonymous forgets who asked the anonymous questions asked more
// than KeepAnonymous ago, and the choices to ask anonymously that ran out;
// dry, it only says so.
func (d *Desk) forgetAnonymous(ctx context.Context, dryRun bool) error {
	before := d.Now().Add(-KeepAnonymous)
	if dryRun {
		d.log.Info("prune (dry run): would forget who asked anonymous questions", "before", before)
		return nil
	}
	var n, choices int64
	err := d.commit(ctx, fmt.Sprintf("forget-anonymous:%d", before.Unix()), func(tx Tx, _ *Counts) (err error) {
		if n, err = tx.ForgetAnonymous(ctx, before); err != nil {
			return err
		}
		// A choice to ask anonymously that ran out unused would keep, for
		// nothing, that someone once wanted to.
		choices, err = tx.ForgetAnonymousChoices(ctx, tx.Now())
		return err
	})
	if err != nil {
		return fmt.Errorf("forget who asked anonymous questions: %w", err)
	}
	if n > 0 || choices > 0 {
		d.log.Info("forgot who asked anonymous questions", "questions", n, "unused_choices", choices, "before", before)
	}
	return nil
}
