package knowledge

import "time"

// Status is where a question the bot handles stands, from the asker's side.
type Status string

// Question statuses. A question starts open (or offered, when a past answer
// was given at once) and ends solved, answered, or unanswered.
const (
	// StatusOpen: nobody has answered yet; the question may be with an
	// expert.
	StatusOpen Status = "open"
	// StatusOffered: a past answer was offered at once and the asker has
	// not said whether it solves the question.
	StatusOffered Status = "offered"
	// StatusAnswered: someone replied in the thread.
	StatusAnswered Status = "answered"
	// StatusSolved: the asker said an answer solved it.
	StatusSolved Status = "solved"
	// StatusUnanswered: every expert tried let it pass or time out. It is a
	// knowledge gap, which the digest reports.
	StatusUnanswered Status = "unanswered"
)

// Valid reports whether s is one of the known statuses.
func (s Status) Valid() bool {
	switch s {
	case StatusOpen, StatusOffered, StatusAnswered, StatusSolved, StatusUnanswered:
		return true
	}
	return false
}

// Waiting reports whether the asker is still waiting for a person to answer,
// which is when escalation goes on.
func (s Status) Waiting() bool { return s == StatusOpen }

// Unanswered reports whether nobody has answered yet: the question is open,
// offered a past answer the asker has not taken, or given up.
func (s Status) Unanswered() bool {
	return s == StatusOpen || s == StatusOffered || s == StatusUnanswered
}

// Ask is a question the bot handles: the question itself lives in the
// knowledge store under QuestionID; Ask records where its thread is and
// where it stands.
type Ask struct {
	QuestionID string
	Asker      string
	// Channel and Thread locate the thread where the question is discussed
	// (and its answers captured). Thread is empty until the message that
	// starts the thread has been posted.
	Channel string
	Thread  string
	// Private is true for a question asked in a DM: it is discussed in a
	// group DM of the asker and the expert, and known only to them. An
	// anonymous question that is private went straight to the experts: it
	// is discussed in the DM of the expert asked with the bot.
	Private bool
	// Anonymous is true for a question asked anonymously: Asker is then
	// empty, here and in the question itself, so nothing that reads
	// either can show who asked; the desk alone knows, to relay replies.
	Anonymous bool
	Status    Status
	// Offered is the id of the past answer offered at once, if any.
	Offered   string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// AwaitsExpert reports whether a route still waits on its expert: not yet
// answered by them (pending), or taken. A pending route is escalated when
// the expert stays silent; a taken one reminds its expert first.
func (o RouteOutcome) AwaitsExpert() bool {
	return o == RoutePending || o == RouteTaken
}
