package knowledge

import (
	"slices"
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
// be a pull request, "pr" too many things. An acronym in capitals with a
// small s is its plural: "PRs" are pull requests.

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
	b.tokens = strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	for i, t := range b.tokens {
		lower := strings.ToLower(t)
		if singular, plural := strings.CutSuffix(t, "s"); plural && len(singular) >= minAcronym && inCapitals(singular) {
			capitals[lower] = strings.ToLower(singular)
		} else if inCapitals(t) {
			capitals[lower] = lower
		}
		b.tokens[i] = lower
	}
	b.acronyms = make(map[int]string)
	for i, w := range b.words {
		if letters, ok := b.vocabulary.acronym(w, capitals); ok {
			b.acronyms[i] = letters
		}
	}
	return b
}

func inCapitals(s string) bool { return strings.ToUpper(s) == s && strings.ToLower(s) != s }

// acronym returns the letters of w when it may be an acronym; capitals
// are the letters of the words written in capitals.
func (v vocabulary) acronym(w Word, capitals map[string]string) (letters string, ok bool) {
	letters, inCapitals := capitals[w.Text]
	if !inCapitals {
		letters = w.Text
	}
	n := utf8.RuneCountInString(letters)
	if v.lexicon == nil || n < minAcronym || n > maxAcronym || (n == minAcronym && !inCapitals) {
		return "", false
	}
	for _, r := range letters {
		if !unicode.IsLetter(r) {
			return "", false
		}
	}
	return letters, !v.lists(w)
}

// spells tells whether a phrase of b's text spells from's i-th word,
// an acronym.
func (b bag) spells(from bag, i int) bool {
	letters, ok := from.acronyms[i]
	return ok && b.spelt(letters, "")
}

// spellsAcronymOf tells whether from's i-th word is in a phrase of from's
// text that spells one of b's words, an acronym.
func (b bag) spellsAcronymOf(from bag, i int) bool {
	for _, letters := range b.acronyms {
		if from.spelt(letters, from.words[i].Text) {
			return true
		}
	}
	return false
}

// spelt tells whether a phrase of b's text spells acronym with the first
// letters of its words, one holding the word within when within is not "".
// The phrase has at most twice as many words as the acronym letters:
// "réduction du temps de travail" is as long as they come, and a longer
// phrase made of little words would be tried in too many ways.
func (b bag) spelt(acronym, within string) bool {
	letters := []rune(FoldAccents(acronym))
	for start := range b.tokens {
		phrase := b
		phrase.tokens = b.tokens[start:min(len(b.tokens), start+2*len(letters))]
		if end, ok := phrase.spellFrom(letters, 0, true); ok && (within == "" || slices.Contains(phrase.tokens[:end], within)) {
			return true
		}
	}
	return false
}

// spellFrom matches letters against b's words from the k-th on: each
// letter takes the first letter of the next word, and a little word that
// does not begin with it may be skipped. The phrase begins with a word
// that carries meaning (first); end is where it ends.
func (b bag) spellFrom(letters []rune, k int, first bool) (end int, ok bool) {
	if len(letters) == 0 {
		return k, true
	}
	if k == len(b.tokens) {
		return 0, false
	}
	token := b.tokens[k]
	meaning := b.written[token]
	if first && !meaning {
		return 0, false
	}
	if initial, _ := utf8.DecodeRuneInString(FoldAccents(token)); initial == letters[0] {
		if end, ok := b.spellFrom(letters[1:], k+1, false); ok {
			return end, true
		}
	}
	if !first && !meaning {
		return b.spellFrom(letters, k+1, false)
	}
	return 0, false
}
