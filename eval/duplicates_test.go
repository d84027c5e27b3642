package eval

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nextdesk/nextdesk/knowledge"
)

// fixedMatcher hands back, for each query id, one past question at a
// confidence.
type fixedMatcher map[string]Candidate

func (m fixedMatcher) Match(_ context.Context, q knowledge.Question) ([]Candidate, error) {
	if c, ok := m[q.ID]; ok {
		return []Candidate{c}, nil
	}
	return nil, nil
}

// Right follows the labels and the twins the data set names; the
// same-text figures also count a copy, word for word, of a labelled
// duplicate or of the query itself.
func TestDuplicatesRightIsWhatTheLabelsSay(t *testing.T) {
	set := DuplicateSet{
		History: []PastQuestion{
			{ID: "dup", Title: "Visa extension", Body: "How do I extend a visit visa?"},
			{ID: "copy", Title: "visa extension", Body: "How do I  extend a visit visa?"},
			{ID: "twin", Title: "Extending visas", Body: "Same thread, other id", SameAs: "dup2"},
			{ID: "dup2", Title: "Extending visas", Body: "Same thread"},
			{ID: "self", Title: "Where to buy oil", Body: "For massage?"},
			{ID: "rel", Title: "Visa rules", Body: "Which visas are there?"},
			{ID: "irr", Title: "Visa card", Body: "Which bank gives one?"},
		},
		Queries: []DuplicateQuery{
			{ID: "q1", Title: "Extend visa", Body: "visit visa longer", Duplicates: []string{"dup"}, Relevant: []string{"rel"}, Irrelevant: []string{"irr"}},
			{ID: "q2", Title: "Extend visa", Body: "visit visa longer", Duplicates: []string{"dup"}},
			{ID: "q3", Title: "Extend visa", Body: "visit visa longer", Duplicates: []string{"dup2"}},
			{ID: "q4", Title: "Where to buy oil", Body: "For massage?"},
			{ID: "q5", Title: "Extend visa", Body: "visit visa longer", Duplicates: []string{"dup"}, Relevant: []string{"rel"}},
			{ID: "q6", Title: "Extend visa", Body: "visit visa longer", Duplicates: []string{"dup"}, Irrelevant: []string{"irr"}},
		},
	}
	m := fixedMatcher{
		"q1": {ID: "dup", Confidence: 0.9},  // right
		"q2": {ID: "copy", Confidence: 0.9}, // a copy of the duplicate: right by its text only
		"q3": {ID: "twin", Confidence: 0.9}, // its same_as twin: right
		"q4": {ID: "self", Confidence: 0.9}, // the query itself: right by its text only
		"q5": {ID: "rel", Confidence: 0.9},  // relevant: lenient only
		"q6": {ID: "irr", Confidence: 0.2},  // wrong, and below the threshold
	}
	rep, err := EvaluateDuplicates(context.Background(), "test", set, m, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	want := Outcome{
		Threshold: 0.5, HandedBack: 5, Right: 2, RightSameText: 4, Wrong: 0,
		Precision: 2.0 / 5, PrecisionSameText: 4.0 / 5, LenientPrecision: 3.0 / 5,
		Recall: 2.0 / 5, RecallSameText: 3.0 / 5,
	}
	if diff := cmp.Diff(rep.Outcome, want); diff != "" {
		t.Errorf("outcome (-got +want):\n%s", diff)
	}
	if rep.Top1Retrieval != 2.0/5 || rep.Top1RetrievalSameText != 3.0/5 {
		t.Errorf("top-1 retrieval %v, same text %v; want 0.4 and 0.6", rep.Top1Retrieval, rep.Top1RetrievalSameText)
	}
	low := rep.Thresholds[0] // 0.3: q6 is still below it
	if low.Wrong != 0 || low.HandedBack != 5 {
		t.Errorf("at %.2f: handed back %d, wrong %d; want 5 and 0", low.Threshold, low.HandedBack, low.Wrong)
	}
	m["q6"] = Candidate{ID: "irr", Confidence: 0.9}
	if rep, err = EvaluateDuplicates(context.Background(), "test", set, m, 0.5); err != nil || rep.Wrong != 1 {
		t.Errorf("an irrelevant question handed back: wrong %d, err %v; want 1", rep.Wrong, err)
	}
}
