package knowledge

import (
	"strings"
	"unicode"
)

// thanksPhrases say, in English or French, that an answer helped. They are
// matched as whole words on text folded to lower case without accents, so
// "Merci !", "ÇA MARCHE" and "thanks!!" match and "thankful" does not.
var thanksPhrases = phrases(
	"thanks", "thank", "thx", "thnx", "thanx", "ty", "tyvm", "tysm", "cheers",
	"that worked", "it worked", "this worked", "works now", "did the trick",
	"solved", "fixed it",
	"merci", "parfait", "nickel", "resolu",
	"ca marche", "ca fonctionne", "ca a marche", "ca a fonctionne",
)

// notThanksPhrases, anywhere in a message, say the problem is not solved
// or the thanks came before any help. Missing a thanks costs less than
// crediting an answer that did not help.
var notThanksPhrases = phrases(
	"still", "in advance", "not solved",
	"doesn't work", "does not work", "didn't work", "did not work", "don't work",
	"not working", "isn't working", "no luck",
	"toujours pas", "d'avance", "par avance", "pas resolu",
	"marche pas", "fonctionne pas", "ne marche", "ne fonctionne",
)

// butPhrases take back a thanks they follow ("thanks, but …"); before it
// they do not ("but thank you anyway").
var butPhrases = phrases("but", "however", "mais", "cependant", "par contre")

func phrases(list ...string) [][]string {
	out := make([][]string, len(list))
	for i, p := range list {
		out[i] = strings.Fields(p)
	}
	return out
}

// Thanks reports whether plain text, written by an asker after a reply,
// thanks someone or says the problem is solved, without a word that takes
// it back ("thanks, but it still fails"). It is a weaker signal than an
// explicit acceptance.
func Thanks(plain string) bool {
	words := wordsOf(plain)
	i := indexPhrase(words, thanksPhrases)
	return i >= 0 && indexPhrase(words, notThanksPhrases) < 0 && indexPhrase(words[i:], butPhrases) < 0
}

// checkReactions are the reactions by which an asker marks the reply that
// solved the question.
var checkReactions = map[string]bool{
	"white_check_mark": true, "heavy_check_mark": true, "ballot_box_with_check": true, "check": true,
}

// CheckMark reports whether a reaction name (without colons) is a check
// mark, whatever its skin tone ("white_check_mark::skin-tone-2").
func CheckMark(reaction string) bool {
	name, _, _ := strings.Cut(strings.Trim(reaction, ":"), "::")
	return checkReactions[name]
}

// wordsOf splits text into lower-case, accent-free words. Apostrophes stay
// inside words, so "doesn't" and "d'avance" are one word each.
func wordsOf(text string) []string {
	var b strings.Builder
	for _, r := range strings.ToLower(text) {
		switch {
		case r == '\'' || r == '’':
			b.WriteByte('\'')
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		default:
			b.WriteByte(' ')
		}
	}
	words := strings.Fields(FoldAccents(b.String()))
	for i, w := range words {
		words[i] = strings.Trim(w, "'")
	}
	return words
}

// indexPhrase returns the index in words of the first phrase of list, or -1.
func indexPhrase(words []string, list [][]string) int {
	for i := range words {
		for _, p := range list {
			if phraseAt(words, i, p) {
				return i
			}
		}
	}
	return -1
}
