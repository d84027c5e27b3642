package eval

import (
	"context"
	"testing"

	"github.com/nextdesk/nextdesk/knowledge"
)

// A question handed back counts once per direction; it is right only when
// it is the asked question's own translation.
func TestCrossLangCountsWhatIsHandedBack(t *testing.T) {
	pairs := []TranslationPair{
		{ID: "1", English: "Where is the printer?", French: "Où est l'imprimante ?"},
		{ID: "2", English: "Who fixes the coffee machine?", French: "Qui répare la machine à café ?"},
		{ID: "3", English: "Is the canteen open?", French: "La cantine est-elle ouverte ?"},
	}
	build := func(_ context.Context, history knowledge.Batch) (Matcher, func(), error) {
		// Each direction builds its own matcher on its own history:
		// French asking when the history is in English.
		if history.Questions[0].Text == pairs[0].English {
			// One twin handed back, one wrong question handed back,
			// one twin found but not sure.
			return fixedMatcher{
				"asked:1": {ID: "1", Confidence: 0.9, Sure: true},
				"asked:2": {ID: "3", Confidence: 0.6, Sure: true},
				"asked:3": {ID: "3", Confidence: 0.3},
			}, func() {}, nil
		}
		// English asking: nothing sure.
		return fixedMatcher{"asked:1": {ID: "1", Confidence: 0.4}}, func() {}, nil
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
