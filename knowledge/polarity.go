package knowledge

import (
	"slices"
	"strings"
)

// The analysis drops the little words of both languages, since they say
// little about a question's subject. A few of them say which way it goes:
// "expenses above 500 euros" and "expenses below 500 euros" are the same
// words to the index, and two questions. Sameness looks for these words in
// the texts themselves, and two questions that go opposite ways are never
// the same question, whatever else they share.

// pole is one way a question may go; poles come in opposite pairs.
type pole int

const (
	poleMore pole = iota
	poleLess
	poleBefore
	poleAfter
	poleWith
	poleWithout
	poleIn
	poleOut
	poleOn
	poleOff
	poleThisPeriod
	poleOtherPeriod
	poles
)

// opposite pairs each pole with its opposite: the even pole of a pair
// comes first.
func (p pole) opposite() pole { return p ^ 1 }

// poleWords gives, for each pole, the words or phrases that say it, in
// English and in French, lower-cased, without accents and split as
// phraseWords splits. "in" and "on" alone say nothing of a question's way
// ("in the Paris office"): only after the verbs that make them sign in or
// switch on.
//
// The period a question is about is a way too: "the budget for this year"
// and "the budget for next year" differ by a word the analysis drops
// ("this", "cette") against one it keeps ("next"), which sameness reads as
// a detail the new question leaves out, not as another question. "This"
// says a period only before one; "last", "next" and "previous" say
// another whatever follows, and "last" and "next" against each other are
// words each question lacks, which sameness already weighs.
var poleWords = map[pole][]string{
	poleMore:    {"above", "over", "more than", "greater than", "higher than", "exceeding", "au dessus", "plus de", "plus que", "superieur", "superieure", "superieurs", "superieures"},
	poleLess:    {"below", "under", "less than", "fewer than", "lower than", "beneath", "au dessous", "en dessous", "moins de", "moins que", "inferieur", "inferieure", "inferieurs", "inferieures"},
	poleBefore:  {"before", "prior to", "avant"},
	poleAfter:   {"after", "afterwards", "apres"},
	poleWith:    {"with", "avec"},
	poleWithout: {"without", "sans"},
	poleIn:      {"log in", "logged in", "logging in", "sign in", "signed in", "signing in", "log on", "sign on", "opt in"},
	poleOut:     {"log out", "logged out", "logging out", "sign out", "signed out", "signing out", "log off", "sign off", "opt out"},
	poleOn:      {"turn on", "turned on", "switch on", "switched on", "power on"},
	poleOff:     {"turn off", "turned off", "switch off", "switched off", "power off"},
	poleThisPeriod: {"this year", "this month", "this week", "this quarter", "this semester", "this sprint", "this weekend",
		"current year", "current month", "current week", "current quarter",
		"cette annee", "ce mois", "cette semaine", "ce trimestre", "ce semestre", "ce sprint", "ce week end", "en cours"},
	poleOtherPeriod: {"last", "next", "previous", "upcoming",
		"dernier", "derniere", "derniers", "dernieres", "prochain", "prochaine", "prochains", "prochaines",
		"precedent", "precedente", "precedents", "precedentes",
		"annee passee", "mois passe", "semaine passee", "trimestre passe"},
}

// poleOf finds each pole's phrases by their first word.
var poleOf = func() map[string][]polePhrase {
	m := make(map[string][]polePhrase)
	for p, phrases := range poleWords {
		for _, ph := range phrases {
			words := strings.Fields(ph)
			m[words[0]] = append(m[words[0]], polePhrase{words: words, pole: p})
		}
	}
	return m
}()

type polePhrase struct {
	words []string
	pole  pole
}

// polarity is the set of poles a text says.
type polarity [poles]bool

// polarityOf returns the poles text says.
func polarityOf(text string) polarity {
	var found polarity
	words := phraseWords(FoldAccents(text))
	for i, w := range words {
		for _, ph := range poleOf[w] {
			if i+len(ph.words) <= len(words) && slices.Equal(words[i:i+len(ph.words)], ph.words) {
				found[ph.pole] = true
			}
		}
	}
	return found
}

// opposed reports whether two texts go opposite ways: one says a pole and
// not its opposite, the other the opposite and not the pole. A text that
// says both ways (a long body often does) opposes nothing on that pair.
func (a polarity) opposed(b polarity) bool {
	for p := pole(0); p < poles; p += 2 {
		q := p.opposite()
		if a[p] && !a[q] && b[q] && !b[p] || a[q] && !a[p] && b[p] && !b[q] {
			return true
		}
	}
	return false
}
