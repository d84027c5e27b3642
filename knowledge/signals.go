package knowledge

import "time"

// Consultation says what the engine needs read from the store for one
// question: the past questions the search found, and where, when and by
// whom the question is asked, for the signals that do not come from text.
type Consultation struct {
	// IDs are the past questions found by the search.
	IDs []string
	// Asker asked the question; their past helpers are read.
	Asker string
	// Conversation is where the question is asked; the recent activity
	// there is read when the viewer may see it. Empty when unknown.
	Conversation string
	// At is when the question is asked: only what happened before it
	// counts, so a replayed question never sees its own future.
	At time.Time
	// Recent is how far back activity in the conversation is read.
	Recent time.Duration
}

// Reading is what the store knows around one question, as one viewer may
// see it.
type Reading struct {
	// Questions are those of the consultation's IDs the viewer may see,
	// with their answers, in no particular order.
	Questions []Question
	// People are the known people among the answerers of Questions: the
	// only people a consultation can propose.
	People map[string]Person
	// Stats are those people's whole answering histories.
	Stats map[string]AnswererStats
	// Recent lists, newest first, the answers given in the conversation
	// in the Recent window before At: who is around and helping there now.
	Recent []Activity
	// Helped counts, per person, the answers they gave to the asker's
	// earlier questions (those the viewer may see), before At.
	Helped map[string]Helped
	// Here counts, per person among People, the answers they gave in the
	// question's conversation, when the viewer may see it; whatever their
	// time, as Stats.
	Here map[string]int
}

// Activity is one answer given in a conversation.
type Activity struct {
	Person string
	Time   time.Time
}

// Helped summarises how a person helped one asker before.
type Helped struct {
	Answers int
	Last    time.Time
}
