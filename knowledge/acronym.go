package knowledge

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// An acronym is the phrase its letters begin: "PTO" is "paid time off",
// "WFH" "work from home", "MFA" "multi-factor authentication", "RTT"
// "réduction du temps de travail". One question writes the acronym, the
// other the phrase, and each missed the other's rarest words. The letters
// are read against the words as written, little words included, since an
// acronym may take their letter ("off", "from") or skip it ("du", "de");
// every word that carries meaning in the phrase takes its letter.
//
// A word may be an acronym when no dictionary lists it, it is made of
// letters, two to six, and a word of two is written in capitals: "PR" may
// be a pull request, "pr" too many things. A word of two in capitals is
// one even where a dictionary lists it, unless the whole text is in
// capitals ("PO", "IT"). An acronym in capitals with a small s is its
// plural: "PRs" are pull requests.

// minAcronym and maxAcronym bound the letters of a word read as an
// acronym.
const (
	minAcronym = 2
	maxAcronym = 6
)

// withText returns b with the words of text, the text b's words were read
// from, as written, so that an acronym can be read against them, and with
// the letters of its words that may be acronyms.
func (b bag) withText(text string) bag {
	capitals := make(map[string]string)
	tokens := strings.FieldsFunc(text, betweenWords)
	b.phrase = phrase{initials: make([]rune, len(tokens)), meaning: make([]bool, len(tokens))}
	for i, t := range tokens {
		lower := strings.ToLower(t)
		if singular, plural := strings.CutSuffix(t, "s"); plural && len(singular) >= minAcronym && inCapitals(singular) {
			capitals[lower] = strings.ToLower(singular)
		} else if inCapitals(t) {
			capitals[lower] = lower
		}
		tokens[i] = lower
		b.phrase.initials[i] = initial(lower)
		b.phrase.meaning[i] = b.written[lower]
	}
	b.phrase.tokens = tokens
	b.senses, b.saysSense = verbSensesIn(tokens)
	sentences := sentencesOf(text)
	b.asking, b.reaching = askingWords(sentences), reachingWords(sentences)
	b.named = namedKinds(sentences)
	b.negating, b.negates = negatingWords(sentences), negated(tokens)
	b.grammatical = grammaticalWords(sentences)
	b.names = namesIn(text)
	b.failing = failingIn(tokens)
	b.employer = employerWordsIn(tokens)
	b.acronyms = make(map[int][]rune)
	shouting := inCapitals(text)
	for i, w := range b.words {
		if letters, ok := b.vocabulary.acronym(w, capitals, shouting); ok {
			b.acronyms[i] = []rune(FoldAccents(letters))
		}
	}
	return b
}

// inCapitals tells whether s has capitals and no small letters.
func inCapitals(s string) bool {
	capitals := false
	for _, r := range s {
		if unicode.IsLower(r) {
			return false
		}
		capitals = capitals || unicode.IsUpper(r)
	}
	return capitals
}

// initial returns the first letter of word without its accent.
func initial(word string) rune {
	r, _ := utf8.DecodeRuneInString(word)
	if r >= utf8.RuneSelf {
		r, _ = utf8.DecodeRuneInString(FoldAccents(string(r)))
	}
	return r
}

// acronym returns the letters of w when it may be an acronym; capitals
// are the letters of the words written in capitals, and shouting tells
// whether the whole text is (then a word in capitals says nothing). A
// word of two letters in capitals is one even where a dictionary lists
// it: "PO" is a purchase order, though German's dictionary has "Po".
func (v vocabulary) acronym(w Word, capitals map[string]string, shouting bool) (letters string, ok bool) {
	letters, capitalised := capitals[w.Text]
	if !capitalised {
		letters = w.Text
	}
	n := utf8.RuneCountInString(letters)
	if v.lexicon == nil || n < minAcronym || n > maxAcronym || (n == minAcronym && !capitalised) {
		return "", false
	}
	if !lettersOnly(letters) {
		return "", false
	}
	return letters, n == minAcronym && !shouting || !v.lists(w)
}

// phrase is a question's text read for acronyms: its words as written,
// little ones included, lower-cased; their first letters without accents;
// and whether each carries meaning.
type phrase struct {
	tokens   []string
	initials []rune
	meaning  []bool
}

// spells tells whether a phrase of b's text spells from's i-th word,
// an acronym.
func (b bag) spells(from bag, i int) bool {
	letters, ok := from.acronyms[i]
	if !ok {
		return false
	}
	for start := range b.phrase.tokens {
		if _, ok := b.phrase.spelt(letters, start); ok {
			return true
		}
	}
	return false
}

// spellingAcronymsOf returns the words of from's text that are in a phrase
// spelling one of b's acronyms; nil when there is none.
func (b bag) spellingAcronymsOf(from bag) map[string]bool {
	var words map[string]bool
	for _, letters := range b.acronyms {
		for start := range from.phrase.tokens {
			if end, ok := from.phrase.spelt(letters, start); ok {
				if words == nil {
					words = make(map[string]bool)
				}
				for _, t := range from.phrase.tokens[start:end] {
					words[t] = true
				}
			}
		}
	}
	return words
}

// spelt tells whether the words of p from start on spell letters with
// their first letters, and where the phrase ends. The phrase has at most
// twice as many words as the acronym letters: "réduction du temps de
// travail" is as long as they come, and a longer phrase made of little
// words would be tried in too many ways. Nor does it open with the
// acronym itself: "IP in the prod security group" spells no IP, and read
// so, "prod" was found in "the staging security group" by its IP.
func (p phrase) spelt(letters []rune, start int) (end int, ok bool) {
	if !p.meaning[start] || p.writes(start, letters) {
		return 0, false
	}
	limit := min(len(p.tokens), start+2*len(letters))
	return p.spellFrom(letters, start, limit)
}

// writes tells whether p's i-th word is the acronym letters, in the
// singular or the plural.
func (p phrase) writes(i int, letters []rune) bool {
	w := FoldAccents(p.tokens[i])
	return w == string(letters) || w == string(letters)+"s"
}

// spellFrom matches letters against p's words from the k-th on, up to
// limit: each letter takes the first letter of the next word, and a little
// word that does not begin with it may be skipped.
func (p phrase) spellFrom(letters []rune, k, limit int) (end int, ok bool) {
	if len(letters) == 0 {
		return k, true
	}
	if k == limit {
		return 0, false
	}
	if p.initials[k] == letters[0] {
		if end, ok := p.spellFrom(letters[1:], k+1, limit); ok {
			return end, true
		}
	}
	if !p.meaning[k] {
		return p.spellFrom(letters, k+1, limit)
	}
	return 0, false
}
