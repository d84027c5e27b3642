package eval

import (
	"context"
	"testing"

	"github.com/nextdesk/nextdesk/knowledge"
)

// textMatcher proposes, for each text asked, one past question.
type textMatcher map[string]Candidate

func (m textMatcher) Match(_ context.Context, q knowledge.Question) ([]Candidate, error) {
	if c, ok := m[q.Text]; ok {
		return []Candidate{c}, nil
	}
	return nil, nil
}

// A question handed back counts once per direction; it is right only when
// it is the asked question's own translation.
func TestCrossLangCountsWhatIsHandedBack(t *testing.T) {
	pairs := []TranslationPair{
		{ID: "1", English: "Where is the printer?", French: "Où est l'imprimante ?"},
		{ID: "2", English: "Who fixes the coffee machine?", French: "Qui répare la machine à café ?"},
		{ID: "3", English: "Is the canteen open?", French: "La cantine est-elle ouverte ?"},
	}
	build := func(_ context.Context, history knowledge.Batch) (Matcher, func(), error) {
		return textMatcher{
			// French asking: one twin handed back, one wrong question
			// handed back, one twin found but not sure.
			"Où est l'imprimante ?":          {ID: "1", Confidence: 0.9, Sure: true},
			"Qui répare la machine à café ?": {ID: "3", Confidence: 0.6, Sure: true},
			"La cantine est-elle ouverte ?":  {ID: "3", Confidence: 0.3},
			// English asking: nothing sure.
			"Where is the printer?": {ID: "1", Confidence: 0.4},
		}, func() {}, nil
	}
	rep, err := EvaluateCrossLang(context.Background(), "test", pairs, build)
	if err != nil {
		t.Fatal(err)
	}
	if got := rep.FrenchToEnglish; got.HandedBack != 2 || got.Right != 1 || got.Hit1 != 2.0/3 {
		t.Errorf("French asking: %+v, want 2 handed back, 1 right, hit@1 2/3", got)
	}
	if got := rep.EnglishToFrench; got.HandedBack != 0 || got.Right != 0 || got.Hit1 != 1.0/3 {
		t.Errorf("English asking: %+v, want none handed back, hit@1 1/3", got)
	}
}
