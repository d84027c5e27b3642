package desk

import (
	"context"
	"time"

	"github.com/nextdesk/nextdesk/knowledge"
)

// The ports of teams and their promises: Reader embeds TeamReader, and Tx
// embeds TeamTx, so the desk reads the teams and records a team's question
// in the transaction that routes it.

// TeamReader reads the teams and how the questions they took are held to
// their promises.
type TeamReader interface {
	// Teams returns every team with its members, topics, hours and
	// promises, in the order of the file they were imported from.
	Teams(ctx context.Context) (knowledge.Teams, error)
	// TeamAsk returns the record of a question a team took, or an
	// ENOTFOUND error when no team took it.
	TeamAsk(ctx context.Context, questionID string) (knowledge.TeamAsk, error)
	// HeldAsks returns at most limit questions with a promised deadline
	// neither met nor breached, the soonest due first: those the promise
	// task reminds about and records breaches of.
	HeldAsks(ctx context.Context, limit int) ([]knowledge.TeamAsk, error)
	// ChannelAsks returns at most limit questions whose team's channel
	// was asked before before, that are still unanswered and that the
	// fallback channel was not asked about yet, the longest waiting first.
	ChannelAsks(ctx context.Context, before time.Time, limit int) ([]knowledge.TeamAsk, error)
}

// TeamTx records, in the transaction of a handling, what teams do with the
// questions they take.
type TeamTx interface {
	TeamReader
	// AddTeamAsk records that a team took a question, with the promise's
	// deadlines as made. It returns an ECONFLICT error if a team took it
	// already, an EINVALID error if a has no question or team.
	AddTeamAsk(ctx context.Context, a knowledge.TeamAsk) error
	// MeetDeadline records that the deadline of kind was met at at, after
	// took of the team's working time, and reports whether it was not met
	// before. A breach is never undone by a late answer: the deadline
	// stays broken, and the time it took is kept for the review. It
	// returns an ENOTFOUND error if no team took the question.
	MeetDeadline(ctx context.Context, questionID string, kind knowledge.DeadlineKind, at time.Time, took time.Duration) (bool, error)
	// MarkChannelAsked and MarkFallbackAsked record when the team's
	// channel, then the fallback channel, were asked about a team's
	// question, and report whether it was the first time. They return an
	// ENOTFOUND error if no team took the question.
	MarkChannelAsked(ctx context.Context, questionID string, at time.Time) (bool, error)
	MarkFallbackAsked(ctx context.Context, questionID string, at time.Time) (bool, error)
	// RecordReminder records that step (knowledge.StepRemindHolder or
	// StepRemindChannel) was taken at at for the deadline of kind, and
	// reports whether it was the first time: a reminder is sent once.
	RecordReminder(ctx context.Context, questionID string, kind knowledge.DeadlineKind, step knowledge.Step, at time.Time) (bool, error)
	// RecordBreach records that the deadline of kind was broken at at,
	// and reports whether it was the first time.
	RecordBreach(ctx context.Context, questionID string, kind knowledge.DeadlineKind, at time.Time) (bool, error)
}

// TopicAnalyzer analyses text the way the search index does: the
// question's words, stemmed in English and French, to match them against
// the teams' topics (knowledge.NewTopicMatcher). *index.Index and
// *index.Analyzer implement it.
type TopicAnalyzer interface {
	Terms(text string) []string
}
