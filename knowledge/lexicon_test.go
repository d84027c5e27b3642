package knowledge_test

import (
	"strings"
	"testing"

	"github.com/nextdesk/nextdesk/knowledge"
)

// words analyses like the index, crudely: lower-cased words, each its own
// term, less a final s.
func words(text string) []knowledge.Word {
	var out []knowledge.Word
	for _, w := range strings.Fields(strings.ToLower(text)) {
		out = append(out, knowledge.Word{Text: w, Terms: []string{strings.TrimSuffix(w, "s")}})
	}
	return out
}

func translations(l *knowledge.Lexicon, word string) map[string]float64 {
	out := make(map[string]float64)
	for _, q := range l.Translate(words(word)[0]) {
		out[q.Terms[0]] = q.Weight
	}
	return out
}

func TestLexiconWeighsTranslationsByAmbiguity(t *testing.T) {
	l := knowledge.NewLexicon([]knowledge.Pair{
		{French: "imprimante", English: "printer"},
		{French: "temps", English: "time"},
		{French: "temps", English: "weather"},
		{French: "temps", English: "time"}, // the other dictionary agrees
		{French: "chercher", English: "search"},
		{French: "pomme de terre", English: "potato"},
		{French: "date", English: "date"},
	}, words)
	if got := translations(l, "imprimante"); got["printer"] != 1 || len(got) != 1 {
		t.Errorf("imprimante → %v, want printer alone, at full weight", got)
	}
	if got := translations(l, "printers"); got["imprimante"] != 1 {
		t.Errorf("printers → %v, want imprimante at full weight (by its stem)", got)
	}
	// Both dictionaries give "time": it weighs twice what "weather" does.
	if got := translations(l, "temps"); got["time"] != 2.0/3 || got["weather"] != 1.0/3 {
		t.Errorf("temps → %v, want time 2/3, weather 1/3", got)
	}
	// A conjugated form finds its infinitive.
	if got := translations(l, "cherchez"); got["search"] != 1 {
		t.Errorf("cherchez → %v, want search (from chercher)", got)
	}
	// An English verb brings the French forms a question may hold, each
	// at the translation's weight: a question holds one of them.
	if got := translations(l, "search"); got["cherchez"] != 1 || got["chercher"] != 1 {
		t.Errorf("search → %v, want chercher and its forms such as cherchez", got)
	}
	// Questions are looked up word by word: a headword of several words
	// is never one.
	if got := translations(l, "pomme"); len(got) != 0 {
		t.Errorf("pomme → %v, want nothing", got)
	}
	// A word spelt alike in both languages needs no translation.
	if got := translations(l, "date"); len(got) != 0 {
		t.Errorf("date → %v, want nothing", got)
	}
	var none *knowledge.Lexicon
	if got := none.Translate(words("imprimante")[0]); got != nil {
		t.Errorf("a nil lexicon translated %v", got)
	}
}
