package desk

import (
	"errors"

	"github.com/nextdesk/nextdesk/knowledge"
)

// Say is what a Reply tells a person. The chat adapter writes each in the
// person's language; the Reply's other fields fill it in.
type Say string

// What a reply can say.
const (
	SayUsage        Say = "usage"          // how to ask a question
	SayNotInChannel Say = "not_in_channel" // the bot cannot post in that channel
	SayHelp         Say = "help"           // the commands
	SayUnknown      Say = "unknown"        // Detail is not a command; then the commands
	SayError        Say = "error"          // Detail, a domain error's message, as written

	SayOnlyAsker     Say = "only_asker"     // only the asker may do that
	SayClosed        Say = "closed"         // the question waits for the person no more
	SayNotYours      Say = "not_yours"      // the question was sent to Person
	SaySolved        Say = "solved"         // the instant answer solved it
	SayFindingExpert Say = "finding_expert" // the instant answer did not; someone is asked
	SayTook          Say = "took"           // the expert took Person's question, answered at Link
	SayPassed        Say = "passed"         // someone else is asked
	SayAccepted      Say = "accepted"       // the reply is marked as solving the question
	SayNoEarlier     Say = "no_earlier"     // no earlier answer both may see: answer or pass it on
	SayPicked        Say = "picked"         // the earlier answer picked goes to Person

	SayOptedOut    Say = "opted_out"     // no more questions
	SayOptedIn     Say = "opted_in"      // questions again
	SaySnoozed     Say = "snoozed"       // no questions until Until
	SaySnoozeEnded Say = "snooze_ended"  // questions again, before the snooze's end
	SayBadDuration Say = "bad_duration"  // Detail is not a duration
	SayDigestOn    Say = "digest_on"     // the personal digest starts
	SayDigestOff   Say = "digest_off"    // the personal digest stops
	SayDigestUsage Say = "digest_usage"  // how to start or stop it
	SayDigestIsOn  Say = "digest_is_on"  // the person gets it
	SayDigestIsOff Say = "digest_is_off" // the person does not get it

	SayAnonymousOff   Say = "anonymous_off"   // anonymous questions are turned off
	SayAnonymousLimit Say = "anonymous_limit" // Count anonymous questions in 24 hours reached; again from Until
	SayRelayNowhere   Say = "relay_nowhere"   // nobody follows the anonymous question: nothing passed on
	// SayNotInChannelAnonymous: the bot cannot post an anonymous question
	// in that channel; a direct message can ask it anonymously.
	SayNotInChannelAnonymous Say = "not_in_channel_anonymous"
	// SayAnonymousInPublic: a message that shows its author's name asks
	// to be anonymous; how to ask without it.
	SayAnonymousInPublic Say = "anonymous_in_public"
	// SayAnonymousNext: the person's next question in their direct
	// messages with the bot is asked without their name, for Count
	// minutes (until Until).
	SayAnonymousNext Say = "anonymous_next"
	// SayAnonymousCancelled: their next question there is asked with
	// their name, as usual.
	SayAnonymousCancelled Say = "anonymous_cancelled"

	SayNoTeam           Say = "no_team"             // the person is in no team
	SayNotInTeam        Say = "not_in_team"         // the person is not in team Detail; theirs are Teams
	SayWhichTeam        Say = "which_team"          // the person is in Teams: which one?
	SayTeamNoChannel    Say = "team_no_channel"     // team Detail has no channel
	SayTeamNotInChannel Say = "team_not_in_channel" // the bot is not in Channel, team Detail's
	SayReviewPosted     Say = "review_posted"       // team Detail's review is posted in Channel
	SayBadDate          Say = "bad_date"            // Detail is not a date in the past
	SayTeamUsage        Say = "team_usage"          // how to use /nextdesk team
)

// A Refusal is the desk's answer to a request it turns down: the person is
// told why and nothing changes. The chat adapter turns it into a reply in
// one place (see Desk.Refuse) and does not retry the request.
type Refusal struct {
	// Code is the knowledge error code, for callers that branch on it.
	Code  string
	Reply Reply
}

// Error implements error for logs; people read the Reply.
func (r *Refusal) Error() string { return "desk: refused: " + string(r.Reply.Say) }

// Is reports whether target is a Refusal that says the same: a refusal
// with a button or figures added (see Desk.Ask) is still ErrUsage.
func (r *Refusal) Is(target error) bool {
	t, ok := target.(*Refusal)
	return ok && t.Code == r.Code && t.Reply.Say == r.Reply.Say
}

// Unwrap exposes the refusal as a knowledge error, so knowledge.ErrorCode
// reads its code.
func (r *Refusal) Unwrap() error { return &knowledge.Error{Code: r.Code, Message: r.Error()} }

// refuse returns a Refusal that says say.
func refuse(code string, say Say) *Refusal {
	return &Refusal{Code: code, Reply: Reply{Say: say}}
}

// Refusals of a request that comes too late or from the wrong person, and
// of a question with nothing in it.
var (
	// ErrUsage refuses a question with nothing to ask.
	ErrUsage = refuse(knowledge.EINVALID, SayUsage)
	// ErrNotInChannel refuses to ask in a channel the bot is not in.
	ErrNotInChannel = refuse(knowledge.ENOTFOUND, SayNotInChannel)
	// ErrOnlyAsker refuses what only the asker may do.
	ErrOnlyAsker = refuse(knowledge.EINVALID, SayOnlyAsker)
)

// closed refuses a click on a question that waits for the person no more;
// with settle, the card clicked loses its buttons.
func closed(settle string) *Refusal {
	r := refuse(knowledge.ECONFLICT, SayClosed)
	r.Reply.Settle = settle
	return r
}

// replyTo returns the reply that tells a person about err: a Refusal's own,
// or a domain error's message as written.
func replyTo(err error) Reply {
	if r, ok := errors.AsType[*Refusal](err); ok {
		return r.Reply
	}
	return Reply{Say: SayError, Detail: knowledge.ErrorMessage(err)}
}
