package desk

import (
	"context"
	"time"

	"github.com/nextdesk/nextdesk/knowledge"
)

// Store keeps the desk's state. *sqlite.DB implements it.
type Store interface {
	// Handled reports whether the delivery key was handled already, so a
	// duplicate skips the reads a handling starts with; Once checks again.
	Handled(ctx context.Context, key string) (bool, error)
	// View runs fn on one consistent snapshot of the store, read-only.
	View(ctx context.Context, fn func(Reader) error) error
	// Once runs fn in one write transaction that first records key as
	// handled, and commits both or neither. If key was handled before, fn
	// does not run and Committed.Duplicate is set. fn must make no call to
	// the chat tool: reads come before, and what must be said is recorded
	// with Tx.Notify.
	Once(ctx context.Context, key string, fn func(Tx) error) (Committed, error)
	// Prune forgets the keys handled and the notices delivered or failed
	// before before, and returns how many rows went.
	Prune(ctx context.Context, before time.Time) (int64, error)
}

// Committed says what Once did.
type Committed struct {
	// Duplicate is true when the key had been handled before: nothing was
	// done.
	Duplicate bool
	// KnowledgeChanged is true when a question or an answer changed, so the
	// search index must catch up.
	KnowledgeChanged bool
	// Notices counts the notices recorded.
	Notices int
}

// Reader reads the desk's state. The reads that can reach a person take a
// viewer and return only what that viewer may see; the others (asks,
// routes, a single answer) apply no visibility rule: the desk acts on
// them in the conversation they belong to.
type Reader interface {
	// Ask returns the ask of a question, or an ENOTFOUND error.
	Ask(ctx context.Context, questionID string) (knowledge.Ask, error)
	// AskByThread returns the ask whose thread is thread in channel, or an
	// ENOTFOUND error.
	AskByThread(ctx context.Context, channel, thread string) (knowledge.Ask, error)
	// Unsolved reports whether asker has a question the desk follows in a
	// thread of channel that is not solved yet.
	Unsolved(ctx context.Context, channel, asker string) (bool, error)
	// Questions returns, with their answers, those of ids that v may see,
	// in the order of ids.
	Questions(ctx context.Context, v knowledge.Viewer, ids []string) ([]knowledge.Question, error)
	// Conversation returns a conversation with its members, or an
	// ENOTFOUND error.
	Conversation(ctx context.Context, id string) (knowledge.Conversation, error)
	// Answer returns an answer and its question's id, or an ENOTFOUND
	// error.
	Answer(ctx context.Context, answerID string) (questionID string, a knowledge.Answer, err error)
	// Answers returns the answers of a question, oldest first.
	Answers(ctx context.Context, questionID string) ([]knowledge.Answer, error)
	// Route returns a route, or an ENOTFOUND error.
	Route(ctx context.Context, id int64) (knowledge.Route, error)
	// Routes returns the routes of a question in the order they were made.
	Routes(ctx context.Context, questionID string) ([]knowledge.Route, error)
	// OpenRoutes counts, for each of ids, the open questions they hold
	// (pending or taken routes); people with none are left out.
	OpenRoutes(ctx context.Context, ids []string) (map[string]int, error)
	// WaitingRoutes returns the pending and taken routes of an expert
	// whose question is open, oldest first.
	WaitingRoutes(ctx context.Context, expert string) ([]knowledge.Route, error)
	// StaleRoutes returns at most limit routes of open questions waiting
	// on their expert since before, oldest first (see Escalate).
	StaleRoutes(ctx context.Context, before time.Time, limit int) ([]knowledge.Route, error)
	// Preferences returns what the people among ids told the desk; people
	// who told it nothing are left out.
	Preferences(ctx context.Context, ids []string) (map[string]knowledge.Preferences, error)
	// AnswererStats returns the answering history of the people among ids.
	AnswererStats(ctx context.Context, ids []string) (map[string]knowledge.AnswererStats, error)
	// AnsweredBy returns the questions person answered most recently
	// among those v may see, at most limit.
	AnsweredBy(ctx context.Context, v knowledge.Viewer, person string, limit int) ([]knowledge.Question, error)
	// Outgoing returns the notice recorded with key and where its delivery
	// stands, or an ENOTFOUND error.
	Outgoing(ctx context.Context, key string) (Outgoing, error)
	// PlacingThread reports whether a notice that will start a question's
	// thread in channel (or in a group DM not opened yet) is still to be
	// delivered.
	PlacingThread(ctx context.Context, channel string) (bool, error)
	// Details returns what the asker added to a question, oldest first;
	// Detail returns one by its id (and its question's), or an ENOTFOUND
	// error.
	Details(ctx context.Context, questionID string) ([]Detail, error)
	Detail(ctx context.Context, id string) (string, Detail, error)
	// DigestSubscribed reports whether person asked for the personal
	// weekly digest; DigestSubscribers lists everyone who did.
	DigestSubscribed(ctx context.Context, person string) (bool, error)
	DigestSubscribers(ctx context.Context) ([]string, error)
	// StaleConversations returns at most limit channels holding live
	// questions whose kind and members are due to be read again, read
	// longest ago (or never) first: those whose member list gives someone
	// access when read before membersBefore, the others when read before
	// kindBefore.
	StaleConversations(ctx context.Context, membersBefore, kindBefore time.Time, limit int) ([]knowledge.Conversation, error)
	// Deactivated returns at most limit people who answered questions,
	// were last seen deactivated, and were read from the chat tool before
	// readBefore (or never), read longest ago first.
	Deactivated(ctx context.Context, readBefore time.Time, limit int) ([]string, error)
	// AnonymousReader reads who asked the anonymous questions.
	AnonymousReader
	// TeamReader reads the teams and the questions they took.
	TeamReader
}

// Tx is the write transaction of one handling: every change and every
// notice it decides commits together with the handling's key, or not at
// all. It is valid only inside the function given to Store.Once.
type Tx interface {
	Reader
	// Now is the time the transaction records changes at.
	Now() time.Time
	// UpsertConversation writes a conversation and its members, as read
	// from the chat tool at c.Read (or, when c.Read is zero, as another
	// source says, which never overrides the chat tool). A copy read before
	// the stored one changes nothing; one read before RemoveMember or
	// MakePrivate took access away may only take access away too.
	UpsertConversation(ctx context.Context, c knowledge.Conversation) error
	// RemoveMember takes person out of a conversation's members now.
	RemoveMember(ctx context.Context, conversationID, person string) error
	// MakePrivate makes a channel private now, with nobody known to be in
	// it until its members are read again.
	MakePrivate(ctx context.Context, conversationID string) error
	// MakeShared records now that a channel is shared with another
	// organisation.
	MakeShared(ctx context.Context, conversationID string) error
	// AddQuestion writes a question (its answers are kept).
	AddQuestion(ctx context.Context, q knowledge.Question) error
	// AddAsk starts following a question. It returns an ECONFLICT error
	// if the question, or its thread, is followed already.
	AddAsk(ctx context.Context, a knowledge.Ask) error
	// SetAskStatus records where a question stands and, when offered is
	// not empty, the past answer offered at once.
	SetAskStatus(ctx context.Context, questionID string, s knowledge.Status, offered string) error
	// AddRoute records that a question was sent to an expert and returns
	// the route's id.
	AddRoute(ctx context.Context, r knowledge.Route) (int64, error)
	// SetRouteOutcome records where a route stands, decided now.
	SetRouteOutcome(ctx context.Context, id int64, outcome knowledge.RouteOutcome) error
	// UpsertAnswer records an answer or its edit and reports whether
	// anything changed; ENOTFOUND if the question is gone.
	UpsertAnswer(ctx context.Context, questionID string, a knowledge.Answer) (bool, error)
	// DeleteAnswer removes an answer and reports whether there was one.
	DeleteAnswer(ctx context.Context, answerID string) (bool, error)
	// SetAccepted records that the asker said an answer solved the
	// question.
	SetAccepted(ctx context.Context, answerID string) error
	// AddThanks counts one more thanks for an answer.
	AddThanks(ctx context.Context, answerID string) error
	// SetPreferences replaces what a person told the desk about being
	// asked.
	SetPreferences(ctx context.Context, person string, p knowledge.Preferences) error
	// SetDigestSubscription starts or stops a person's weekly digest.
	SetDigestSubscription(ctx context.Context, person string, on bool) error
	// RecordOffer records the best past answer found for a new question,
	// whether or not it was offered.
	RecordOffer(ctx context.Context, o Offer) error
	// SetOfferOutcome records what became of the answer offered for a
	// question: a question with no offer recorded gets one without a
	// match, so a miss ("already answered") is counted too. An expert's
	// OfferAlreadyAnswered never replaces the asker's word on what was
	// offered (OfferSolved, OfferNeedHelp): that is what measures it.
	SetOfferOutcome(ctx context.Context, questionID string, outcome OfferOutcome) error
	// PickOffer records that an expert said the question was answered
	// before, in question match by answer: the offer's outcome is
	// OfferAlreadyAnswered (unless its asker judged it already, as for
	// SetOfferOutcome), with what they picked.
	PickOffer(ctx context.Context, questionID, match, answer string) error
	// RemindRoute counts one more reminder sent, now, to the expert of a
	// taken route.
	RemindRoute(ctx context.Context, id int64) error
	// UpsertDetail records what the asker added to a question, or its
	// edit; DeleteDetail forgets it and reports whether there was one.
	UpsertDetail(ctx context.Context, questionID string, d Detail) error
	DeleteDetail(ctx context.Context, id string) (bool, error)
	// Notify records a notice to deliver after the commit and returns its
	// id. A notice whose key was recorded before is not recorded again:
	// the first one's id is returned.
	Notify(ctx context.Context, n Notice) (int64, error)
	// AnonymousWriter records and forgets who asked the anonymous
	// questions.
	AnonymousWriter
	// TeamTx records what teams do with the questions they take.
	TeamTx
}

// Offer is the best past answer found for a new question, kept so the
// instant answers' precision can be measured from what people said of them.
type Offer struct {
	QuestionID string
	// Match is the past question found and Answer its answer offered;
	// both empty when nothing matched.
	Match, Answer string
	Confidence    float64
	// Offered is true when the answer was handed back at once.
	Offered bool
	At      time.Time
	// Model is the version of the confidence model that scored it
	// (knowledge.ConfidenceModel); 0 when unknown.
	Model int
}

// Detail is what an asker added in their question's thread before it was
// answered: part of the question.
type Detail struct {
	ID   string
	Text string
	Time time.Time
}

// OfferOutcome is what the people involved said of an instant answer.
type OfferOutcome string

// Offer outcomes.
const (
	// OfferSolved: the asker said the answer offered solves the question.
	OfferSolved OfferOutcome = "solved"
	// OfferNeedHelp: the asker said it does not.
	OfferNeedHelp OfferOutcome = "need_help"
	// OfferAlreadyAnswered: an expert said the question was answered
	// before; when nothing was offered, a missed instant answer.
	OfferAlreadyAnswered OfferOutcome = "already_answered"
)

// Engine ranks who knows and finds what was answered before;
// *knowledge.Engine implements it.
type Engine interface {
	// Consider returns, from one search, the past answers that may
	// already answer q and the people to ask, on what v may see.
	Consider(ctx context.Context, q knowledge.Question, v knowledge.Viewer) (knowledge.Consideration, error)
}

// Workspace reads what the desk needs from the chat tool. The Slack
// adapter implements it; a read happens before the transaction it informs.
type Workspace interface {
	// Presence reads, fresh, whether a person is around, with their
	// profile as the chat tool has it now (they may have left). A read
	// that fails must not block routing.
	Presence(ctx context.Context, person string) (knowledge.Person, knowledge.Presence)
	// Conversation returns a conversation with its kind and members,
	// re-read from the chat tool when the copy kept is old or when fresh
	// is set, and whether the bot is in it (false when not re-read). It
	// returns an ENOTFOUND error when the chat tool does not show the
	// conversation to the bot.
	Conversation(ctx context.Context, id string, fresh bool) (knowledge.Conversation, bool, error)
	// Root returns the message that starts thread in channel, with an
	// empty Author when a bot or the system wrote it. It returns an
	// ENOTFOUND error when the thread is gone or out of the bot's sight.
	Root(ctx context.Context, channel, thread string) (Message, error)
}
