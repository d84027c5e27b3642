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
	poleBefore:  {"before", "prior to", "within", "avant"},
	poleAfter:   {"after", "afterwards", "apres"},
	poleWith:    {"with", "avec"},
	poleWithout: {"without", "with no", "sans"},
	poleIn: {"log in", "logged in", "logging in", "sign in", "signed in", "signing in", "log on", "sign on", "opt in",
		"log into", "logged into", "logging into", "sign into", "signed into", "signing into", "log onto", "sign onto",
		"login", "logon", "signin", "se connecter", "me connecter", "vous connecter", "nous connecter"},
	poleOut: {"log out", "logged out", "logging out", "sign out", "signed out", "signing out", "log off", "sign off", "opt out",
		"logout", "logoff", "signout", "se deconnecter", "me deconnecter", "vous deconnecter", "nous deconnecter"},
	poleOn: {"turn on", "turned on", "switch on", "switched on", "power on",
		"enable", "enables", "enabled", "enabling", "activate", "activates", "activated", "activating",
		"activer", "activez", "activons", "activent"},
	poleOff: {"turn off", "turned off", "switch off", "switched off", "power off",
		"disable", "disables", "disabled", "disabling", "deactivate", "deactivates", "deactivated", "deactivating",
		"desactiver", "desactivez", "desactivons", "desactivent", "desactive", "desactivee", "desactives", "desactivees"},
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

// polarity is the set of poles a text says, what its questions ask for,
// and where it goes from and to.
type polarity struct {
	poles [poles]bool
	asks  asked
	route route
	// turns are the particles each word takes: the verbs they turn
	// ("scroll up", "roll back") and the things they say are up or down
	// ("Is the VPN down?").
	turns map[string]particleSet
	// states and actions are the verbs it says as a state and those it
	// asks how to do (state.go).
	states, actions map[string]bool
	// words are its words, without accents, and nons those "non"
	// negates ("non prioritaires", "non-urgent").
	words []string
	nons  map[string]bool
	// during is whether it says a period's inside ("during", "pendant").
	during bool
	// failing are its words that say something fails, each with whether
	// it says only that (failingIn), and negatesState whether it negates
	// a state (negatesState).
	failing      map[string]bool
	negatesState bool
}

// polarityOf returns the poles text says, what it asks for and its route.
func polarityOf(text string) polarity {
	var found polarity
	words := phraseWords(FoldAccents(text))
	for i, w := range words {
		for _, ph := range poleOf[w] {
			if phraseAt(words, i, ph.words) || particleAfterPronoun(words, i, ph.words) {
				found.poles[ph.pole] = true
			}
		}
	}
	found.asks = askedOf(text)
	found.route = routeOf(words)
	found.turns = turnedOf(words)
	found.states, found.actions = statesAndActions(text)
	found.words, found.nons = words, nonsOf(words)
	found.during = slices.ContainsFunc(words, func(w string) bool { return duringWords[w] })
	found.failing, found.negatesState = failingIn(words), negatesState(words)
	return found
}

// A period's inside is neither before nor after it: "notice period for
// resigning after probation?" was handed the answer of "Quel est le
// préavis de démission pendant la période d'essai ?" (0.95). duringWords
// say the inside, without accents; a text that says it goes another way
// from one that says before or after (poleBefore, poleAfter).
var duringWords = wordSet("during durant pendant")

// duringAgainstAround tells whether one of a and b says a period's
// inside and the other before or after, and neither both.
func duringAgainstAround(a, b polarity) bool {
	around := func(p polarity) bool { return p.poles[poleBefore] || p.poles[poleAfter] }
	return a.during && !around(a) && around(b) && !b.during || b.during && !around(b) && around(a) && !a.during
}

// "Non" before a word says its opposite, and the analysis drops it (or
// keeps it as a word of its own): "Le délai de première réponse sur les
// tickets Zendesk non prioritaires ?" was handed the answer of "…sur les
// tickets Zendesk prioritaires ?" (0.96). Two texts one of which says a
// word with "non" and the other without it go opposite ways. Not "non
// plus" (neither), nor a "non" that ends a sentence ("ou non ?").
//
// nonsOf returns the words of words that "non" negates; nil when there
// are none, as in most texts.
func nonsOf(words []string) map[string]bool {
	var nons map[string]bool
	for i, w := range words {
		if negatedByNon(words, i) {
			nons = addTo(nons, w)
		}
	}
	return nons
}

// negatedByNon tells whether "non" negates words[i].
func negatedByNon(words []string, i int) bool {
	return i > 0 && words[i-1] == "non" && words[i] != "plus"
}

// saysWithoutNon tells whether words say w where "non" does not negate it.
func saysWithoutNon(words []string, w string) bool {
	for i, x := range words {
		if x == w && x != "non" && !negatedByNon(words, i) {
			return true
		}
	}
	return false
}

// negatedOpposite tells whether one of a and b says with "non" a word the
// other says only without it.
func negatedOpposite(a, b polarity) bool {
	for w := range a.nons {
		if saysWithoutNon(b.words, w) && !b.nons[w] && !saysWithoutNon(a.words, w) {
			return true
		}
	}
	for w := range b.nons {
		if saysWithoutNon(a.words, w) && !a.nons[w] && !saysWithoutNon(b.words, w) {
			return true
		}
	}
	return false
}

// opposed reports whether two texts go opposite ways: one says a pole and
// not its opposite, the other the opposite and not the pole. A text that
// says both ways (a long body often does) opposes nothing on that pair.
// Two texts that ask for different things (a time and a person), or whose
// questions one negates and the other not, or that go between the same
// two places the other way round, or one of which says as a state what
// the other asks how to do, are opposed too.
func (a polarity) opposed(b polarity) bool {
	for p := pole(0); p < poles; p += 2 {
		q := p.opposite()
		if a.poles[p] && !a.poles[q] && b.poles[q] && !b.poles[p] || a.poles[q] && !a.poles[p] && b.poles[p] && !b.poles[q] {
			return true
		}
	}
	return a.asks.differs(b.asks) || a.route.reversed(b.route) || turnedOpposite(a, b) || statedAgainstDone(a, b) ||
		negatedOpposite(a, b) || duringAgainstAround(a, b) || negatedBesideFailure(a, b)
}

// A problem is said with or without a negation, and two questions asking
// with a question word, one negated, agree when the other says a failure
// (asked.differs). Not when the failure is one both say and the negation
// negates a state beside it: "What should I do if my broken laptop is no
// longer under warranty?" was handed the answer of "…if my broken laptop
// is under warranty?" (0.99). negatedBesideFailure tells whether a and b
// are so.
func negatedBesideFailure(a, b polarity) bool {
	if a.asks&b.asks&askOpen == 0 || (a.asks^b.asks)&askNegated == 0 {
		return false
	}
	plain, negated := a, b
	if a.asks&askNegated != 0 {
		plain, negated = b, a
	}
	if !negated.negatesState {
		return false
	}
	for w := range plain.failing {
		if _, both := negated.failing[w]; !both {
			return false
		}
	}
	return true
}

// negatesState tells whether words, a text's words without accents as
// phraseWords splits them, negate a verb of being before a state: "is no
// longer under warranty", "isn't covered", "n'est plus remboursé"; not
// before a verb in -ing, which says what fails ("is not loading"), nor a
// failing word ("isn't broken" tells no state of its own).
func negatesState(words []string) bool {
	for i := 1; i+1 < len(words); i++ {
		if !beingWords[words[i-1]] && !(words[i] == "t" && negatedBeing[words[i-1]]) || !stateNegations[words[i]] {
			continue
		}
		next := i + 1
		if words[i] == "no" && words[next] == "longer" {
			next++
		}
		if next < len(words) && !strings.HasSuffix(words[next], "ing") && !failingWords[words[next]] {
			return true
		}
	}
	return false
}

var (
	// negatedBeing are the forms of being "n't" is written after, as
	// phraseWords splits them: "isn", "t".
	negatedBeing   = wordSet("isn aren wasn weren")
	stateNegations = wordSet("not no t pas plus jamais")
)

// Particles are little words the analysis drops or reads as words of
// their own, and after the same word they make different verbs: "How do I
// scroll up in Excel?" is not "…scroll down…?", "How do I roll out a
// deploy?" not "…roll back…", "get into the building" not "get out of
// it", nor "Is the VPN up?" "Is the VPN down?". After different words
// they say nothing of each other ("set up" and "shut down" are each their
// own verb, compared as words). "In" and "on" turn only the verbs
// poleWords lists: elsewhere they say where.

// particleSet holds the particles a word takes, a bit each
// (turningParticles).
type particleSet uint8

// turningParticles are the particles read after a word, each a bit of a
// particleSet.
var turningParticles = map[string]particleSet{
	"up": 1 << 0, "down": 1 << 1, "out": 1 << 2, "off": 1 << 3, "back": 1 << 4, "away": 1 << 5, "into": 1 << 6,
}

// alikeParticles are the sets of particles that after one word most
// often say the same: "log out" and "log off", "shut down" and "shut
// off", "the Wi-Fi is out" and "…is down".
var alikeParticles = turningParticles["out"] | turningParticles["off"] | turningParticles["down"]

// objectPronouns stand between a verb and its particle: "turn it off" is
// "turn off" said of it.
var objectPronouns = wordSet("it them this that me him her us you")

// English puts a verb's particle after its object when the object is a
// pronoun: "turn it on", "set it up", "log me in". particleAfterPronoun
// tells whether words hold phrase, a verb and its particle, so from i
// on, the pronoun between.
func particleAfterPronoun(words []string, i int, phrase []string) bool {
	return len(phrase) == 2 && (particles[phrase[1]] || turningParticles[phrase[1]] != 0) && i+2 < len(words) &&
		words[i] == phrase[0] && objectPronouns[words[i+1]] && words[i+2] == phrase[1]
}

// turnedOf returns the particles each word of a text takes, the verb
// before an object pronoun taking the pronoun's.
func turnedOf(words []string) map[string]particleSet {
	var turns map[string]particleSet
	for i := 1; i < len(words); i++ {
		p := turningParticles[words[i]]
		if p == 0 {
			continue
		}
		w := i - 1
		if objectPronouns[words[w]] && w > 0 {
			w--
		}
		if turns == nil {
			turns = make(map[string]particleSet)
		}
		turns[words[w]] |= p
	}
	return turns
}

// addTo adds w to set, made when it is nil, and returns it.
func addTo(set map[string]bool, w string) map[string]bool {
	if set == nil {
		set = make(map[string]bool)
	}
	set[w] = true
	return set
}

// turnedOpposite tells whether a word takes in a and in b particles none
// of which the other text gives it, other than alike ones.
func turnedOpposite(a, b polarity) bool {
	for w, pa := range a.turns {
		pb := b.turns[w]
		if pb != 0 && pa&pb == 0 && (pa|pb)&^alikeParticles != 0 {
			return true
		}
	}
	return false
}

// route is where a text goes from and to, by the first word of each end:
// "How do I get from the airport to the office?" goes from "airport" to
// "office", "Comment passer d'Outlook à Gmail ?" from "outlook" to
// "gmail". The words that say it are dropped by the index, so the way
// back ("from the office to the airport", "from French to English")
// keeps the same words.
type route struct{ from, to string }

// routeFrom and routeTo are the words before each end, in English and
// in French, without accents; routeSkipped those between them and the
// end's word.
var (
	routeFrom    = map[string]bool{"from": true, "de": true, "du": true, "des": true, "d": true, "depuis": true}
	routeTo      = map[string]bool{"to": true, "into": true, "a": true, "au": true, "aux": true, "vers": true}
	routeSkipped = map[string]bool{
		"the": true, "a": true, "an": true, "my": true, "our": true, "your": true, "this": true, "that": true,
		"le": true, "la": true, "les": true, "l": true, "un": true, "une": true, "mon": true, "ma": true, "mes": true,
		"notre": true, "votre": true, "nos": true, "vos": true, "ce": true, "cette": true,
	}
)

// A route may say one end only: "Can I expense a taxi to the airport?"
// goes the other way from "…a taxi from the airport?", and "How do I
// migrate to Gmail?" from "How do I migrate from Gmail?". One end is read
// after the words that say a way and nothing else ("from", "depuis",
// "to", "into", "vers"): "de" and "à" also make compounds ("le modèle de
// contrat", "machine à café"), and "a" is the English article.
var (
	halfRouteFrom = map[string]bool{"from": true, "depuis": true}
	halfRouteTo   = map[string]bool{"to": true, "into": true, "vers": true}
)

// routeOf returns the route words say, folded and split as polarityOf
// splits them: the first end after a word of routeFrom, and the end after
// the first word of routeTo that follows it, or else the last before it
// ("switch to Gmail from Outlook"); or one end alone after a word of
// halfRouteFrom or halfRouteTo. The zero route when they say none.
func routeOf(words []string) route {
	end := func(i int) string {
		for ; i < len(words); i++ {
			if !routeSkipped[words[i]] {
				return words[i]
			}
		}
		return ""
	}
	for i, w := range words {
		if !routeFrom[w] {
			continue
		}
		from := end(i + 1)
		if from == "" {
			return route{}
		}
		for j := i + 2; j < len(words); j++ {
			if routeTo[words[j]] {
				if to := end(j + 1); to != "" {
					return route{from, to}
				}
			}
		}
		// Before the start, "a" is rather the English article ("a taxi
		// from the airport") than the French "à".
		for j := i - 1; j >= 0; j-- {
			if routeTo[words[j]] && words[j] != "a" {
				if to := end(j + 1); to != "" && to != from {
					return route{from, to}
				}
			}
		}
		if halfRouteFrom[w] {
			return route{from: from}
		}
		return route{}
	}
	for i, w := range words {
		if halfRouteTo[w] {
			if to := end(i + 1); to != "" {
				return route{to: to}
			}
		}
	}
	return route{}
}

// reversed reports whether b goes between a's two ends the other way, or
// from the one end a goes to, or to the one a goes from.
func (a route) reversed(b route) bool {
	if a.from == "" || a.to == "" {
		return a.from+a.to != "" && a.from == b.to && a.to == b.from
	}
	return a.from != a.to && a.from == b.to && a.to == b.from
}
