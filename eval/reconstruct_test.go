package eval_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nextdesk/nextdesk/eval"
	"github.com/nextdesk/nextdesk/knowledge"
)

func TestComparePairs(t *testing.T) {
	q := func(id string, answerers ...string) knowledge.Question {
		out := knowledge.Question{ID: id}
		for _, a := range answerers {
			out.Answers = append(out.Answers, knowledge.Answer{Answerer: a})
		}
		return out
	}
	truth := []knowledge.Question{q("q1", "A", "B"), q("q2", "C"), q("q3", "D")}
	found := []knowledge.Question{
		q("q1", "A", "A", "E"), // A right (counted once), E invented
		q("q2", "C"),           // right
		q("x9", "D"),           // not a real question: invented
	}
	got := eval.ComparePairs("t", truth, found)
	want := eval.PairReport{Dataset: "t", Truth: 4, Found: 4, Right: 2, Precision: 0.5, Recall: 0.5,
		Questions: 3, FoundQuestions: 3, RightQuestions: 2}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("ComparePairs (-got +want):\n%s", diff)
	}
	if empty := eval.ComparePairs("e", nil, nil); empty.Precision != 0 || empty.Recall != 0 {
		t.Errorf("empty comparison = %+v", empty)
	}
}
