package knowledge

import (
	"strings"
	"unicode"
)

// Function words are the surest cheap sign of a language: every sentence
// has some, and the two lists barely overlap.
var (
	frenchWords  = wordSet("le la les un une des du de au aux et est sont pas ne que qui quoi quel quelle quels quelles comment pourquoi où je tu il elle nous vous ils elles on mon ma mes ton ta tes son sa ses notre votre leur leurs ce cet cette ces dans pour avec sur sans mais ou donc car y a ai avez avons faut peut peux veux bonjour merci svp stp est-ce c'est j'ai qu'il d'un d'une l'")
	englishWords = wordSet("the a an and is are was were not no do does did how what why where who which when i you he she we they it my your his her our their this that these those in for with on without but or so can could should would will have has had need want hello thanks please there here")
)

func wordSet(s string) map[string]bool {
	m := make(map[string]bool)
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// DetectLang guesses whether text is French ("fr") or English ("en") from
// its function words and accented letters, and returns "" when it cannot
// tell. Retrieval never depends on it (every text is indexed under both
// languages); it picks the language of a reply when the person's own
// locale is unknown, and spares translating a past question judged against
// a new one surely in the same language.
func DetectLang(text string) string {
	var fr, en float64
	words := strings.FieldsFunc(strings.ToLower(StraightApostrophes(text)), func(r rune) bool {
		return !unicode.IsLetter(r) && r != '\''
	})
	for _, w := range words {
		if frenchWords[w] {
			fr++
		}
		if englishWords[w] {
			en++
		}
		// Elided articles (l'équipe, d'accès, qu'on) are French.
		if len(w) > 2 && w[1] == '\'' && strings.ContainsRune("ldjcmnst", rune(w[0])) {
			fr++
		}
	}
	for _, r := range text {
		if strings.ContainsRune("éèêàçùûôîœ", unicode.ToLower(r)) {
			fr += 0.5
		}
	}
	switch {
	case fr == 0 && en == 0:
		return ""
	case fr > en:
		return "fr"
	case en > fr:
		return "en"
	}
	return ""
}
