package knowledge

import (
	"context"
	"time"
)

// Index finds past questions by their text. The index package implements it
// with bleve; it is derived from the store and can be rebuilt at any time.
type Index interface {
	// Search returns the questions closest to q.Text, best first, among
	// public questions and those of q.Conversations. It never interprets
	// query syntax in the text.
	Search(ctx context.Context, q SearchQuery) ([]Hit, error)
	// Terms returns the analysed (lower-cased, stemmed, stop-word free)
	// terms of text, the way the index sees it.
	Terms(text string) []string
}

// SearchQuery is one similarity search.
type SearchQuery struct {
	Text string
	// Conversations lists the non-public conversations whose questions may
	// be returned; public questions are always searchable.
	Conversations []string
	// AnswerWeight weighs the text of a question's answers against the text
	// of the question itself (1). Zero searches the question text only,
	// which finds the same question asked again; a positive weight also
	// finds the questions whose answers speak of the topic, which is what
	// says who knows it.
	AnswerWeight float64
	// Limit caps the number of hits; the index applies its own maximum.
	Limit int
}

// Hit is a question found by the index, with its text relevance.
type Hit struct {
	QuestionID string
	Score      float64
}

// Change is one question as it must now appear in the index: its current
// text and answers, or its removal.
type Change struct {
	Rev      int64 // the store revision that produced it; increases strictly
	Question Question
	Public   bool // whether its conversation is public
	Deleted  bool
}

// IndexWriter is what Sync needs to bring an index up to date.
type IndexWriter interface {
	// Apply writes the changes in one batch and records the highest Rev
	// applied, so a restart resumes after it.
	Apply(ctx context.Context, changes []Change) error
	// Rev returns the highest store revision the index holds.
	Rev() int64
}

// ChangeLog is the store's side of Sync.
type ChangeLog interface {
	// ChangesSince returns up to limit changes with Rev > rev, in Rev order.
	ChangesSince(ctx context.Context, rev int64, limit int) ([]Change, error)
}

// Sync applies to ix every change the store made since ix.Rev(), in batches.
// It is how a new answer reaches the index at once, how an index that lags
// the store after a crash catches up on start, and (from revision 0 into an
// empty index) how the index is rebuilt.
func Sync(ctx context.Context, log ChangeLog, ix IndexWriter) (applied int, err error) {
	const batch = 2000
	for {
		changes, err := log.ChangesSince(ctx, ix.Rev(), batch)
		if err != nil {
			return applied, err
		}
		if len(changes) == 0 {
			return applied, nil
		}
		if err := ix.Apply(ctx, changes); err != nil {
			return applied, err
		}
		applied += len(changes)
	}
}

// AnswererStats summarises a person's whole answering history.
type AnswererStats struct {
	Answers  int
	Accepted int
	Thanks   int
	First    time.Time // first answer
	Last     time.Time // latest answer
	Hours    [24]int   // answers per hour of the day, UTC
}

// Source is what the engine reads from the store.
type Source interface {
	// Memberships returns the ids of the non-public conversations personID
	// belongs to. An unknown person belongs to none.
	Memberships(ctx context.Context, personID string) ([]string, error)
	// Questions returns, with their answers, those of ids that v may see,
	// in no particular order. Unknown ids are skipped.
	Questions(ctx context.Context, v Viewer, ids []string) ([]Question, error)
	// People returns the known people among ids.
	People(ctx context.Context, ids []string) (map[string]Person, error)
	// AnswererStats returns the answering history of the people among ids
	// who answered at least once.
	AnswererStats(ctx context.Context, ids []string) (map[string]AnswererStats, error)
}
