package knowledge

import (
	"context"
	"time"
)

// Index finds past questions by their text. The index package implements it
// with bleve; it is derived from the store and can be rebuilt at any time.
type Index interface {
	// Search returns the questions closest to q.Text, best first, among
	// public questions (unless q.Restricted) and those of
	// q.Conversations. It never interprets query syntax in the text.
	Search(ctx context.Context, q SearchQuery) ([]Hit, error)
	// Words returns the words of text the way the index sees them: each
	// word (lower-cased, function words left out) with its distinct
	// terms, its English and French stems, in the order of the text.
	Words(text string) []Word
	// Rarity returns how many indexed questions hold each of terms in
	// their question text, and how many questions there are: the term
	// statistics that say which words carry a question's meaning.
	Rarity(ctx context.Context, terms []string) (TermStats, error)
}

// Word is one word of a text as the index analyses it.
type Word struct {
	// Text is the word as written, lower-cased.
	Text string
	// Terms are its stems in the two languages, one when they agree.
	Terms []string
}

// QueryWord is one word a search looks for, with its weight: 1 for a word
// of the question (more for a word of its title), less for a translation
// of one, by how ambiguous the translation is.
type QueryWord struct {
	Terms  []string
	Weight float64
	// Translates numbers, from 1, the word or phrase of the question a
	// translation stands for; 0 for the question's own words. The
	// translations of one word share one rarity in the search: the
	// rarity of the word they stand for, not each its own (see
	// Index.Search).
	Translates int
	// Part is the share of a translation of several words that this
	// one is, as a question holds it: "salle" is half of "salle de
	// réunion", and "day" half of "day off", whose "off" no analysis
	// keeps. 0 is the whole translation, as for a translation of one
	// word. The search weighs each word of a translation as the whole
	// of it; judging sameness, a question that holds one word of it
	// holds only that part (see bag.foundVia).
	Part float64
	// Cognate is set when the translation is spelt as the word is, up to
	// the end of the shorter ("statut" and "status", "déploiement" and
	// "deploy"): the dictionary lists it among the word's senses, and the
	// spelling says it is the one both languages share. The search
	// weighs it by its share of the senses, as any; judging sameness, it
	// is the whole word (see bag.foundVia).
	Cognate bool
}

// TermStats are document frequencies of some terms in the question texts
// of an index.
type TermStats struct {
	// Docs is the number of questions in the index.
	Docs int
	// DF holds, for each term asked about, the number of questions whose
	// text holds it; a term no question holds is absent.
	DF map[string]int
}

// SearchQuery is one similarity search.
type SearchQuery struct {
	// Text is the question's text, analysed by the index when Words is
	// empty.
	Text string
	// Words, when given, are searched instead of Text: the question's own
	// words and, with less weight, their translations.
	Words []QueryWord
	// Conversations lists the non-public conversations whose questions may
	// be returned; public questions are searchable too, unless Restricted.
	Conversations []string
	// Restricted searches Conversations only, leaving public questions
	// out: the search of a viewer who may read only the conversations
	// they are in (see Scope). Filtering public hits away after the
	// search would leave such a viewer with fewer hits than asked for, or
	// none, when public questions outrank theirs.
	Restricted bool
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

// Scope is what one viewer's searches may reach, as the store decides it.
type Scope struct {
	// Conversations are the ids of the non-public conversations the viewer
	// belongs to, as far as their member lists are trusted.
	Conversations []string
	// Restricted is true for a viewer who may read only the conversations
	// they are in: a guest, a person of another organisation, or a person
	// the store has not met yet. Public questions are not theirs to read.
	Restricted bool
}

// Source is what the engine reads from the store.
type Source interface {
	// Scope returns what v may search: the anonymous viewer public
	// questions only, a person of the organisation public questions and
	// their conversations, a restricted person their conversations only.
	Scope(ctx context.Context, v Viewer) (Scope, error)
	// Consult reads, in one read of the store, what the engine weighs to
	// answer and route one question (see Consultation and Reading).
	Consult(ctx context.Context, v Viewer, c Consultation) (Reading, error)
}
