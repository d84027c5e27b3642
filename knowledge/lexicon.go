package knowledge

import (
	"slices"
	"strings"
)

// A Lexicon translates words between French and English, so that a
// question in one language finds past questions and experts in the other
// without a translation model: each word of the question is looked up, and
// its translations are searched beside it, each weighing less the more
// translations the word has (an unambiguous word such as "imprimante"
// brings "printer" at full weight; "temps" shares its weight among "time"
// and "weather").
type Lexicon struct {
	// byText finds the entry of a headword as written (lower-cased);
	// byTerm the entries whose headword has a term, for the forms a
	// dictionary does not list.
	byText map[string][]int
	byTerm map[string][]int
	// entries hold each headword's translations, analysed.
	entries [][]Word
	// terms are each entry's headword terms, to skip a translation that is
	// the word itself.
	terms [][]string
}

// Pair is one translation: a French word and an English equivalent, which
// may be a few words ("pouvoir", "be able to").
type Pair struct {
	French, English string
}

// maxTranslations bounds the translations kept for one headword: the first
// ones, which dictionaries list most common sense first. A word with more
// is too ambiguous for its tail to help.
const maxTranslations = 8

// NewLexicon builds a lexicon from translation pairs, read both ways,
// analysing every word with analyse (the index's Words, so that a word and
// its translations are looked up and searched by the same stems). Pairs
// whose headword is several words are skipped: questions are looked up
// word by word.
func NewLexicon(pairs []Pair, analyse func(string) []Word) *Lexicon {
	l := &Lexicon{byText: make(map[string][]int), byTerm: make(map[string][]int)}
	type key struct {
		head   string
		french bool
	}
	heads := make(map[key]int) // headword in its language → entry
	add := func(from, to string, french bool) {
		from = strings.ToLower(strings.TrimSpace(from))
		head := analyse(from)
		if len(head) != 1 || len(strings.Fields(from)) != 1 {
			return
		}
		target := analyse(to)
		if len(target) == 0 {
			return
		}
		k := key{from, french}
		i, ok := heads[k]
		if !ok {
			i = len(l.entries)
			heads[k] = i
			l.entries = append(l.entries, nil)
			l.terms = append(l.terms, head[0].Terms)
			l.byText[head[0].Text] = append(l.byText[head[0].Text], i)
			for _, t := range head[0].Terms {
				l.byTerm[t] = append(l.byTerm[t], i)
			}
		}
		for _, w := range target {
			if len(l.entries[i]) == maxTranslations {
				break
			}
			if !slices.ContainsFunc(l.entries[i], func(x Word) bool { return x.Terms[0] == w.Terms[0] }) {
				l.entries[i] = append(l.entries[i], w)
			}
		}
	}
	for _, p := range pairs {
		add(p.French, p.English, true)
		add(p.English, p.French, false)
	}
	return l
}

// Len returns the number of headwords the lexicon knows, in both languages.
func (l *Lexicon) Len() int {
	if l == nil {
		return 0
	}
	return len(l.entries)
}

// Translate returns the translations of w, each weighted by how surely it
// means w: the weight of one word is shared among its distinct
// translations. A translation that is the word itself (a shared stem such
// as "date" or "client") is left out: the word already finds it.
func (l *Lexicon) Translate(w Word) []QueryWord {
	if l == nil {
		return nil
	}
	// A word is looked up as written; then, for a French verb the
	// dictionary lists only in the infinitive, as the infinitives it may
	// be a form of; and only then by its stems, which also find the
	// headwords of the other language that share them.
	found := l.byText[w.Text]
	if len(found) == 0 {
		for _, lemma := range frenchInfinitives(w.Text) {
			found = append(found, l.byText[lemma]...)
		}
	}
	if len(found) == 0 {
		for _, t := range w.Terms {
			for _, i := range l.byTerm[t] {
				if !slices.Contains(found, i) {
					found = append(found, i)
				}
			}
		}
	}
	seen := make(map[string]bool)
	var out []QueryWord
	for _, i := range found {
		for _, tr := range l.entries[i] {
			if seen[tr.Terms[0]] || sharesTerm(tr.Terms, w.Terms) {
				continue
			}
			seen[tr.Terms[0]] = true
			out = append(out, QueryWord{Terms: tr.Terms})
		}
	}
	for i := range out {
		out[i].Weight = 1 / float64(len(out))
	}
	return out
}

// frenchVerbEndings are the endings of French conjugated forms and
// participles, longest first, each with the infinitive endings it may come
// from: "cherchez" may be "chercher", "entendu" "entendre", "finissons"
// "finir".
var frenchVerbEndings = []struct {
	ending      string
	infinitives []string
}{
	{"issons", []string{"ir"}}, {"issez", []string{"ir"}}, {"issent", []string{"ir"}},
	{"eront", []string{"er"}}, {"erons", []string{"er"}}, {"erez", []string{"er"}},
	{"erais", []string{"er"}}, {"erait", []string{"er"}}, {"eraient", []string{"er"}},
	{"iront", []string{"ir", "re"}}, {"irons", []string{"ir", "re"}}, {"irez", []string{"ir", "re"}},
	{"ront", []string{"re"}}, {"rons", []string{"re"}}, {"rez", []string{"re"}},
	{"aient", []string{"er", "re", "ir"}}, {"ions", []string{"er", "re", "ir"}}, {"iez", []string{"er", "re", "ir"}},
	{"ais", []string{"er", "re", "ir"}}, {"ait", []string{"er", "re", "ir"}},
	{"ons", []string{"er", "re", "ir"}}, {"ez", []string{"er", "re", "ir"}}, {"ent", []string{"er", "re", "ir"}},
	{"ées", []string{"er"}}, {"és", []string{"er"}}, {"ée", []string{"er"}}, {"é", []string{"er"}},
	{"ies", []string{"ir"}}, {"is", []string{"ir", "re"}}, {"it", []string{"ir", "re"}}, {"ie", []string{"ir"}}, {"i", []string{"ir"}},
	{"ues", []string{"re", "oir"}}, {"us", []string{"re", "oir"}}, {"ue", []string{"re", "oir"}}, {"u", []string{"re", "oir"}},
	{"es", []string{"er"}}, {"e", []string{"er"}}, {"s", []string{"re", "ir"}}, {"d", []string{"dre"}}, {"t", []string{"tre"}},
}

// frenchInfinitives returns the infinitives word may be a form of, by its
// ending: candidates to look up, most of which no dictionary lists.
func frenchInfinitives(word string) []string {
	var out []string
	for _, e := range frenchVerbEndings {
		stem, ok := strings.CutSuffix(word, e.ending)
		if !ok || len([]rune(stem)) < 2 {
			continue
		}
		for _, inf := range e.infinitives {
			out = append(out, stem+inf)
		}
	}
	return out
}

func sharesTerm(a, b []string) bool {
	for _, t := range a {
		if slices.Contains(b, t) {
			return true
		}
	}
	return false
}

// translate returns the translations of words through the engine's
// lexicon, at most one word's weight for each word.
func (e *Engine) translate(words []Word) []QueryWord {
	if e.Lexicon == nil {
		return nil
	}
	var out []QueryWord
	for _, w := range words {
		out = append(out, e.Lexicon.Translate(w)...)
	}
	return out
}

// searchWords returns the question's own words at full weight and their
// translations at theirs.
func searchWords(words []Word, translations []QueryWord) []QueryWord {
	out := make([]QueryWord, 0, len(words)+len(translations))
	for _, w := range words {
		out = append(out, QueryWord{Terms: w.Terms, Weight: 1})
	}
	return append(out, translations...)
}
