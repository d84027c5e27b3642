package desk

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"time"

	"github.com/nextdesk/nextdesk/knowledge"
)

// Choosing to ask without one's name, in the direct messages with the bot:
// a prefix ("anon:") works only for those who know it, so where the desk
// talks with a person there about asking (how to ask, the receipt of a
// question asked with their name) it offers a button that makes their next
// question there anonymous. One click, then they write as usual: the
// question is asked exactly as if it started with "anon:".

// AnonymousChoiceFor is how long a person's choice to ask their next
// question without their name holds: ample time to write it, and short
// enough that a question written hours later, the choice forgotten, is not
// asked in a way its asker no longer expects.
const AnonymousChoiceFor = 30 * time.Minute

// Choice is a button the desk offers a person, in their direct messages
// with the bot, about how their next question there is asked.
type Choice string

// The choices offered.
const (
	// ChoiceAnonymous asks their next question without their name (see
	// ChooseAnonymous).
	ChoiceAnonymous Choice = "anonymous"
	// ChoiceCancel takes that choice back (see CancelAnonymous).
	ChoiceCancel Choice = "cancel"
)

// AnonymousID is the id of an anonymous question asked in the delivery
// key: derived from the key, so a redelivery asks the same question, but
// naming nothing the chat tool could tie to the asker (a message id would
// name their direct messages with the bot).
func AnonymousID(key string) string {
	sum := sha256.Sum256([]byte("nextdesk anonymous question " + key))
	return "anon:" + hex.EncodeToString(sum[:12])
}

// ChooseAnonymous records that r's person asks their next question in
// their direct messages with the bot (or with /ask in a direct message)
// without their name, for AnonymousChoiceFor, and tells them so, with the
// button that cancels it. Choosing again starts the time again. It is
// refused with ErrAnonymousOff where anonymous questions are off, and
// with the daily limit's refusal when that next question would be past it.
func (d *Desk) ChooseAnonymous(ctx context.Context, r Request) error {
	switch {
	case d.cfg.AnonymousOff:
		return ErrAnonymousOff
	case r.By == "":
		return knowledge.Errorf(knowledge.EINVALID, "Asking anonymously needs someone to ask.")
	}
	return d.commit(ctx, r.Key, func(tx Tx, _ *Counts) error {
		if err := d.withinLimit(ctx, tx, r.By); err != nil {
			return err
		}
		until := tx.Now().Add(AnonymousChoiceFor)
		if err := tx.SetAnonymousChoice(ctx, r.By, until); err != nil {
			return err
		}
		return d.reply(ctx, tx, r, Reply{
			Say: SayAnonymousNext, Until: until, Count: int(AnonymousChoiceFor / time.Minute), Choice: ChoiceCancel,
		})
	})
}

// CancelAnonymous takes back r's person's choice to ask their next
// question without their name, if they made one, and tells them their next
// question is asked with their name. Nothing else changes: it works with
// anonymous questions off too, and after the choice was used or ran out.
func (d *Desk) CancelAnonymous(ctx context.Context, r Request) error {
	if r.By == "" {
		return knowledge.Errorf(knowledge.EINVALID, "Cancelling needs someone.")
	}
	return d.commit(ctx, r.Key, func(tx Tx, _ *Counts) error {
		if err := tx.SetAnonymousChoice(ctx, r.By, time.Time{}); err != nil {
			return err
		}
		return d.reply(ctx, tx, r, Reply{Say: SayAnonymousCancelled})
	})
}

// choseAnonymous reports whether q, a question asked with its asker's
// name, is to be asked without it: it is asked privately (a direct message
// to the bot, /ask in a direct message), where the asker chose, less than
// AnonymousChoiceFor ago, to ask their next question without their name.
// A question posted in a channel or a mention shows their name already:
// the choice does not reach it.
func (d *Desk) choseAnonymous(ctx context.Context, q Question) (bool, error) {
	if q.Anonymous || q.Post || !q.Private || q.Asker == "" || d.cfg.AnonymousOff {
		return false, nil
	}
	var until time.Time
	err := d.view(ctx, func(r Reader) (err error) {
		until, err = r.AnonymousChoice(ctx, q.Asker)
		return err
	})
	return until.After(d.Now()), err
}

// anonymized is q, a question asked privately by someone who chose to ask
// it without their name, as they would have asked it with "anon:": sent
// straight to the experts, with the thread of their direct message, when
// it is one, for relay.
func anonymized(q Question) Question {
	a := Question{
		Key: q.Key, ID: AnonymousID(q.Key), Asker: q.Asker, Text: q.Text, Plain: q.Plain, Time: q.Time,
		Private: true, Anonymous: true, InDM: q.InDM, Addressed: q.Addressed,
	}
	if q.InDM {
		a.Relay = Link{Conversation: q.Channel, Thread: q.Thread}
	}
	return a
}

// offerChoice is err, the outcome of asking q, with the button to offer
// its asker when they asked in their direct messages with the bot: told
// how to ask, the choice to ask their next question without their name;
// refused past the daily limit for a question their choice made
// anonymous (chosen), the choice to take it back, or every question they
// write there would be refused until it runs out.
func (d *Desk) offerChoice(q Question, chosen bool, err error) error {
	r, ok := errors.AsType[*Refusal](err)
	if !ok || !q.InDM || d.cfg.AnonymousOff {
		return err
	}
	reply := r.Reply
	switch {
	case reply.Say == SayUsage:
		reply.Choice = ChoiceAnonymous
	case reply.Say == SayAnonymousLimit && chosen:
		reply.Choice = ChoiceCancel
	default:
		return err
	}
	// A copy: the refusals that are variables are shared.
	return &Refusal{Code: r.Code, Reply: reply}
}

// receiptChoice is the choice offered with the receipt of q, a question
// asked with its asker's name: in their direct messages with the bot, to
// ask the next one without it.
func (d *Desk) receiptChoice(q Question) Choice {
	if q.InDM && !q.Anonymous && !d.cfg.AnonymousOff {
		return ChoiceAnonymous
	}
	return ""
}
