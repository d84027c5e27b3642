package slackexport

import (
	"regexp"
	"slices"
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
// or the thanks came before any help. Missing an acceptance costs less
// than crediting an answer that did not help.
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

// thanks reports whether plain text thanks someone or says a problem is
// solved, without a word that takes it back.
func thanks(plain string) bool {
	words := wordsOf(plain)
	i := indexPhrase(words, thanksPhrases)
	return i >= 0 && indexPhrase(words, notThanksPhrases) < 0 && indexPhrase(words[i:], butPhrases) < 0
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
			b.WriteString(fold(r))
		default:
			b.WriteByte(' ')
		}
	}
	words := strings.Fields(b.String())
	for i, w := range words {
		words[i] = strings.Trim(w, "'")
	}
	return words
}

// fold drops the accents of the letters French and its neighbours use.
func fold(r rune) string {
	switch r {
	case 'à', 'â', 'ä', 'á', 'ã':
		return "a"
	case 'ç':
		return "c"
	case 'é', 'è', 'ê', 'ë':
		return "e"
	case 'î', 'ï', 'í', 'ì':
		return "i"
	case 'ô', 'ö', 'ó', 'ò', 'õ':
		return "o"
	case 'ù', 'û', 'ü', 'ú':
		return "u"
	case 'ÿ':
		return "y"
	case 'œ':
		return "oe"
	case 'æ':
		return "ae"
	}
	return string(r)
}

// indexPhrase returns the index in words of the first phrase of list, or -1.
func indexPhrase(words []string, list [][]string) int {
	for i := range words {
		for _, p := range list {
			if i+len(p) <= len(words) && slices.Equal(words[i:i+len(p)], p) {
				return i
			}
		}
	}
	return -1
}

// checkReactions are the reactions by which an asker marks a reply as the
// one that solved the question.
var checkReactions = map[string]bool{
	"white_check_mark": true, "heavy_check_mark": true, "ballot_box_with_check": true, "check": true,
}

// isCheck reports whether reaction name is a check mark, whatever its skin
// tone ("white_check_mark::skin-tone-2").
func isCheck(name string) bool {
	name, _, _ = strings.Cut(name, "::")
	return checkReactions[name]
}

var mentionRE = regexp.MustCompile(`<@([UW][A-Z0-9]+)(?:\|[^>]*)?>`)

// mentions returns the user ids that raw Slack text mentions, once each.
func mentions(raw string) []string {
	var ids []string
	for _, m := range mentionRE.FindAllStringSubmatch(raw, -1) {
		if !slices.Contains(ids, m[1]) {
			ids = append(ids, m[1])
		}
	}
	return ids
}
