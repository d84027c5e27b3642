package eval

import (
	"context"
	"os"
	"path/filepath"
	"slices"
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
	rep, err := EvaluateCrossLang(context.Background(), "test", pairs, nil, build)
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

// Distractors join the English history the French questions are asked
// against, after the pairs' own questions, and no other.
func TestCrossLangDistractorsJoinTheEnglishHistory(t *testing.T) {
	pairs := []TranslationPair{{ID: "1", English: "Where is the printer?", French: "Où est l'imprimante ?"}}
	distractors := []string{"Where is the scanner?", "Who fixes the printer?"}
	var histories [][]string
	build := func(_ context.Context, history knowledge.Batch) (Matcher, func(), error) {
		var texts []string
		ids := make(map[string]bool)
		for _, q := range history.Questions {
			if ids[q.ID] {
				t.Errorf("two past questions have the id %q", q.ID)
			}
			ids[q.ID] = true
			texts = append(texts, q.Text)
		}
		histories = append(histories, texts)
		return fixedMatcher{}, func() {}, nil
	}
	rep, err := EvaluateCrossLang(context.Background(), "test", pairs, distractors, build)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"Where is the printer?", "Where is the scanner?", "Who fixes the printer?"},
		{"Où est l'imprimante ?"},
	}
	if !slices.EqualFunc(histories, want, slices.Equal) {
		t.Errorf("histories = %q, want %q", histories, want)
	}
	if rep.Distractors != 2 {
		t.Errorf("Distractors = %d, want 2", rep.Distractors)
	}
}

func TestReadQuestions(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "questions.txt")
	if err := os.WriteFile(path, []byte("Where is the printer?\n\n  Who fixes the coffee machine?  \n"), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := ReadQuestions(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"Where is the printer?", "Who fixes the coffee machine?"}; !slices.Equal(got, want) {
		t.Errorf("ReadQuestions = %q, want %q", got, want)
	}
	empty := filepath.Join(dir, "empty.txt")
	if err := os.WriteFile(empty, []byte("\n \n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadQuestions(empty); knowledge.ErrorCode(err) != knowledge.EINVALID {
		t.Errorf("ReadQuestions of blank lines: error = %v, want EINVALID", err)
	}
}
