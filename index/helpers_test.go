package index

import (
	"context"
	"slices"
	"testing"

	"github.com/nextdesk/nextdesk/knowledge"
)

// MustOpenIndex opens a new index in a temporary directory and closes it
// when the test ends.
func MustOpenIndex(tb testing.TB) *Index {
	tb.Helper()
	return MustOpenIndexAt(tb, tb.TempDir())
}

// MustOpenIndexAt opens the index in dir and closes it when the test ends
// (Close errors from an index the test closed itself are ignored).
func MustOpenIndexAt(tb testing.TB, dir string) *Index {
	tb.Helper()
	ix, err := Open(dir)
	if err != nil {
		tb.Fatalf("Open(%q): %v", dir, err)
	}
	tb.Cleanup(func() { ix.Close() })
	return ix
}

// MustApply applies changes, failing the test on error.
func MustApply(tb testing.TB, ix *Index, changes ...knowledge.Change) {
	tb.Helper()
	if err := ix.Apply(context.Background(), changes); err != nil {
		tb.Fatalf("Apply: %v", err)
	}
}

// publicQ returns a change that indexes a public question with the given
// text and answers.
func publicQ(rev int64, id, text string, answers ...string) knowledge.Change {
	q := knowledge.Question{ID: id, Conversation: "C1", Text: text}
	for _, a := range answers {
		q.Answers = append(q.Answers, knowledge.Answer{Text: a})
	}
	return knowledge.Change{Rev: rev, Question: q, Public: true}
}

// privateQ returns a change that indexes a question of a non-public
// conversation.
func privateQ(rev int64, id, conversation, text string) knowledge.Change {
	return knowledge.Change{Rev: rev, Question: knowledge.Question{ID: id, Conversation: conversation, Text: text}}
}

// deleted returns a change that removes question id.
func deleted(rev int64, id string) knowledge.Change {
	return knowledge.Change{Rev: rev, Question: knowledge.Question{ID: id}, Deleted: true}
}

// searchIDs runs q and returns the ids of its hits, best first.
func searchIDs(tb testing.TB, ix *Index, q knowledge.SearchQuery) []string {
	tb.Helper()
	hits, err := ix.Search(context.Background(), q)
	if err != nil {
		tb.Fatalf("Search(%+v): %v", q, err)
	}
	ids := []string{}
	for _, h := range hits {
		ids = append(ids, h.QuestionID)
	}
	return ids
}

// changeLog is a store's change log in memory: every change ever made, in
// Rev order.
type changeLog []knowledge.Change

// ChangesSince implements knowledge.ChangeLog.
func (l changeLog) ChangesSince(_ context.Context, rev int64, limit int) ([]knowledge.Change, error) {
	i, _ := slices.BinarySearchFunc(l, rev+1, func(c knowledge.Change, r int64) int {
		switch {
		case c.Rev < r:
			return -1
		case c.Rev > r:
			return 1
		}
		return 0
	})
	return l[i:min(len(l), i+limit)], nil
}
