package knowledge

import (
	"iter"
	"maps"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The word a question begins with says what it asks for, and the index
// drops it with the other little words: "When are travel expenses
// approved?" and "Who approves travel expenses?" keep the same words, and
// ask for a time and a person. Five kinds of answer are told apart: a
// person, a time, a reason, a quantity (how much, how many, how long) and
// a place. "How", "what" and "which" ask for any of them ("What is the
// deadline?" is "When is the deadline?", "How do I get a parking badge?"
// is often "Who gives parking badges?") and for none in particular. A
// place and a person are asked alike: "Where do I get a parking badge?"
// asks who gives them as often as where; but not when ("When do I return
// my old laptop?" is not "Where do I return my old laptop?").
//
// A question that opens so and is negated asks for the others: "Which
// meeting rooms don't have a projector?" is not "Which meeting rooms have
// a projector?", and again the index keeps the same words. Only such
// questions are read for it: a problem is reported with or without a
// negation ("Is the printer not working?", "Is the printer working?").
// Two questions that ask why are opposed by a negation only when the one
// not negated says no failure in a word of its own: "Why doesn't the VPN
// connect?" asks what "Why does the VPN fail to connect?" asks, but "Why
// can I see the finance channel?" asks the opposite of "Why can't I see
// the finance channel?".
type asked uint16

const (
	askPerson asked = 1 << iota
	askTime
	askReason
	askQuantity
	askPlace
	// askOpen is set when a sentence opens with a question word, of a
	// kind or not; askNegated when such a sentence is negated.
	askOpen
	askNegated
	// askMay and askMust are set when a sentence opens by asking
	// whether one may, or must ("Can I…?", "Do I have to…?").
	askMay
	askMust
	// askFailing is set when a sentence says something fails in a word
	// of failure (failingWords).
	askFailing
	// askDuration and askCost are set when a sentence asks how long, or
	// how much something costs (quantityOf).
	askDuration
	askCost
	// askWhether is set when a sentence asks yes or no with an auxiliary
	// or "est-ce que" ("Is the canteen open on Saturday?", "Est-ce que
	// les stagiaires y ont droit ?").
	askWhether

	askKinds = askPerson | askTime | askReason | askQuantity | askPlace
)

// A yes-or-no question that opens with a modal asks whether one may or
// whether one must: "Can I work from home on Fridays?" and "Do I have to
// work from home on Fridays?" keep the same words, the index dropping the
// modals. Only at a sentence's opening, after a greeting: "How can I…"
// and "What can I do…" ask how, not whether one may. "Is it possible
// to…?", "C'est possible de… ?" and chat's bare "Possible de… ?" ask
// what "Can I…?" asks: counted as a word of meaning, "possible" was one
// every "Can I…?" lacked.
var modalWords = map[asked][]string{
	askMay: {"can i", "can we", "may i", "may we", "could i", "am i allowed", "are we allowed", "is it allowed",
		"puis je", "peut on", "est ce que je peux", "est ce qu on peut", "ai je le droit", "a t on le droit", "est il permis",
		"is it possible", "is it ok", "is it okay", "possible to", "est il possible", "est ce possible", "c est possible", "possible de"},
	askMust: {"must i", "must we", "do i have to", "do we have to", "do i need to", "do we need to", "have i got to",
		"is it mandatory", "is it compulsory", "is it required", "dois je", "doit on", "faut il", "est ce que je dois",
		"est ce qu on doit", "est il obligatoire", "est ce obligatoire", "suis je obligé", "suis je obligée"},
}

// French chat asks yes or no by its intonation alone, in the order of a
// statement: "Je peux poser un RTT la veille d'un jour férié ?", "On a le
// droit de partager des documents via Google Drive ?", "Il faut prévenir
// son manager ?". intonationModals are the modals that open such a
// question. Negated, the sentence rather says a problem ("Je peux pas me
// connecter au VPN"); with a question word after its verb, it asks that
// ("Je dois arriver à quelle heure ?").
var intonationModals = map[asked][]string{
	askMay:  {"je peux", "on peut", "j ai le droit", "on a le droit"},
	askMust: {"je dois", "on doit", "il faut"},
}

// modalPhrases and intonationPhrases are modalWords' and
// intonationModals' phrases, split as phraseWords splits.
var modalPhrases, intonationPhrases = phrasesOf(modalWords), phrasesOf(intonationModals)

// phrasesOf splits the phrases of words, by what each asks.
func phrasesOf(words map[asked][]string) []askPhrase {
	var out []askPhrase
	for a, phrases := range words {
		for _, ph := range phrases {
			out = append(out, askPhrase{words: phraseWords(ph), asks: a})
		}
	}
	return out
}

// greetings are the words a question may open with before its modal.
var greetings = map[string]bool{
	"hi": true, "hello": true, "hey": true, "all": true, "everyone": true, "team": true, "folks": true,
	"quick": true, "question": true, "please": true, "so": true, "and": true, "but": true,
	"bonjour": true, "bonsoir": true, "salut": true, "coucou": true, "à": true, "tous": true, "toutes": true,
	"petite": true, "svp": true, "et": true, "alors": true, "mais": true,
}

// afterGreetings returns the index of the first word of words, a
// sentence, that is not a greeting.
func afterGreetings(words []string) int {
	i := 0
	for i < len(words) && greetings[words[i]] {
		i++
	}
	return i
}

// modalOf returns whether words, a sentence, opens by asking whether one
// may or must.
func modalOf(words []string) asked { return modalAt(words).asks }

// modalPhraseOf returns the words of the modal words, a sentence, opens
// with.
func modalPhraseOf(words []string) []string { return modalAt(words).words }

// modalAt returns the modal phrase words opens with, after greetings, or
// none.
func modalAt(words []string) askPhrase {
	i := afterGreetings(words)
	for _, ph := range modalPhrases {
		if phraseAt(words, i, ph.words) {
			return ph
		}
	}
	if ph := othersModalAt(words, i); ph.asks != 0 {
		return ph
	}
	if negated(words) || holdsQuestionWord(words) {
		return askPhrase{}
	}
	for _, ph := range intonationPhrases {
		if phraseAt(words, i, ph.words) {
			return ph
		}
	}
	return askPhrase{}
}

// A question asks whether someone else may or must as "Can I…?" asks it
// of oneself: "Does my manager have to approve my internal transfer?"
// asks whether one must, and was handed the answer of "How long does an
// internal transfer take once it's approved?" (0.87), read as asking
// only yes or no. "Can my manager see my peers' feedback?", "Do
// contractors need to sign the NDA?", "Est-ce que mon manager doit
// valider ?". A call for help asks for none: "Can you…?", "Can someone…?".
//
// othersModalAt returns the modal phrase, without its subject, of words
// at i: "can", "could" or "may" before a subject named by a determiner
// or a plural; "do" or "does" before a subject of up to three words and
// "have to" or "need to"; "est-ce que" before one and a form of
// "pouvoir" or "devoir".
func othersModalAt(words []string, i int) askPhrase {
	if i+2 >= len(words) {
		return askPhrase{}
	}
	switch w, next := words[i], words[i+1]; {
	case mayAuxiliaries[w] && (othersDeterminers[next] || plural(next)):
		return askPhrase{words: []string{w}, asks: askMay}
	case w == "do" || w == "does":
		for k := i + 2; k <= i+4 && k+1 < len(words); k++ {
			if mustVerbs[words[k]] && words[k+1] == "to" {
				return askPhrase{words: []string{w, words[k], "to"}, asks: askMust}
			}
		}
	case estCeQueAt(words, i):
		start := i + 3
		if start >= len(words) || !othersDeterminers[words[start]] {
			return askPhrase{}
		}
		for k := start + 1; k <= start+3 && k < len(words); k++ {
			if ask := frenchModals[words[k]]; ask != 0 {
				return askPhrase{words: append(slices.Clone(words[i:start]), words[k]), asks: ask}
			}
		}
	}
	return askPhrase{}
}

var (
	mayAuxiliaries    = wordSet("can could may")
	mustVerbs         = wordSet("have has need needs")
	othersDeterminers = wordSet("my our the his her their a an mon ma mes notre nos le la les l un une son sa ses leur leurs")
	frenchModals      = map[string]asked{"peut": askMay, "peuvent": askMay, "doit": askMust, "doivent": askMust}
)

// plural tells whether word, lower-cased, is a noun in the plural that
// may be a subject: "interns", "contractors"; not a pronoun ("this",
// "us", "its").
func plural(word string) bool {
	return len(word) > 3 && strings.HasSuffix(word, "s") && !strings.HasSuffix(word, "ss") && !pluralLookalikes[word]
}

var pluralLookalikes = wordSet("this these those yours ours theirs always perhaps anyways")

// holdsQuestionWord tells whether one of words is a question word.
func holdsQuestionWord(words []string) bool {
	for i := range words {
		if asksAt(words, i) {
			return true
		}
	}
	return false
}

// askWords gives what each question word or phrase asks for, in English
// and in French, lower-cased and split as phraseWords splits. A length of
// time is a quantity, as "how many weeks" asks it.
var askWords = map[asked][]string{
	askPerson:   {"who", "whom", "whose", "qui"},
	askTime:     {"when", "what time", "what date", "which day", "what day", "since when", "quand", "depuis quand", "à quelle heure", "quel jour", "quelle date", "quelle heure"},
	askReason:   {"why", "how come", "pourquoi", "pour quelle raison"},
	askQuantity: {"how much", "how many", "how long", "combien", "combien de temps", "combien dure", "combien durent"},
	askPlace:    {"where", "où", "ou"}, // chat writes "ou" for "où": "ou est le planning ?"
	askOpen: {"what", "which", "how", "que", "qu", "quoi", "quel", "quelle", "quels", "quelles",
		"lequel", "laquelle", "lesquels", "lesquelles", "comment"},
}

// negations are the words that negate a sentence, as phraseWords splits
// them: French's "ne" and the "pas", "jamais", "aucun" and "rien" that
// follow it, and say it alone when chat drops the "ne" ("je peux pas").
var negations = map[string]bool{
	"not": true, "no": true, "never": true, "cannot": true,
	"ne": true, "pas": true, "jamais": true, "aucun": true, "aucune": true, "rien": true,
}

// negated reports whether words hold a negation: one of negations, the t
// of "don't" and "can't", which follows an n ("a-t-il" has a t that
// negates nothing), the French "n'" before a vowel ("je n'arrive plus à
// me connecter"), or the "plus" of chat French that drops its "ne" (see
// chatNoLonger).
func negated(words []string) bool {
	for i, w := range words {
		if negations[w] || w == "t" && i > 0 && strings.HasSuffix(words[i-1], "n") ||
			w == "n" && i+1 < len(words) && beforeElision(words[i+1]) ||
			w == "plus" && chatNoLonger(words, i) {
			return true
		}
	}
	return false
}

// negatingWords returns the words of ss that only negate, which negated
// reads: the "plus" of "ne… plus" and of chat French that drops its "ne"
// ("je ne peux plus valider", "ça marche plus"), and the "longer" of "no
// longer". Such a word missing from the other question is no miss: "I
// can't approve MFA prompts" negates with "can't", and "plus" counted as
// a word of meaning the English question lacked. Elsewhere "plus" is more
// ("plus de congés") and "longer" longer.
func negatingWords(ss sentences) map[string]bool {
	var found map[string]bool
	for words := range ss.all() {
		for i, w := range words {
			if w == "plus" && (neBefore(words, i) || chatNoLonger(words, i)) || w == "longer" && i > 0 && words[i-1] == "no" {
				found = addTo(found, w)
			}
		}
	}
	return found
}

// grammaticalWords returns the words of ss that only say a question's
// time is soon, or compare, which English says with words the analysis
// drops ("will", "more than", "before"): the forms of "aller" before an
// infinitive ("je vais être papa en mars", "on va déménager", "je vais
// m'inscrire"), the "going" of "going to" before a verb ("I'm going to be
// a dad"), and the words of the phrases that compare an amount, more or
// less, before or after (poleWords: "plus de 5 000 lignes", "supérieur à
// 500 euros"). Counted as words of meaning, "vais" was a rare word "I'm
// becoming a dad…" lacked, and "plus" one "more than 5,000 rows" lacked.
// "Ça va ?" and "going to Paris" say no time, and "plus de jours de
// congé" asks for more days, which "des jours de congé" does not. Which
// way a comparison goes is polarity's to read.
func grammaticalWords(ss sentences) map[string]bool {
	var found map[string]bool
	for words := range ss.all() {
		folded := make([]string, len(words))
		for i, w := range words {
			folded[i] = FoldAccents(w)
		}
		for i, w := range words {
			for _, ph := range poleOf[folded[i]] {
				end := i + len(ph.words)
				if !comparing[ph.pole] || !phraseAt(folded, i, ph.words) || !amountAt(words, end) {
					continue
				}
				for _, pw := range words[i:end] {
					found = addTo(found, pw)
				}
			}
			next := i + 1
			for next < len(words) && cliticPronouns[words[next]] {
				next++
			}
			if next == len(words) {
				continue
			}
			if formsOfAller[w] && isInfinitive(words[next]) || w == "going" && words[next] == "to" && next+1 < len(words) && !englishDeterminers[words[next+1]] {
				found = addTo(found, w)
			}
			if formsOfGet[w] && passiveAfterGet(words, i+1) {
				found = addTo(found, w)
			}
		}
	}
	return found
}

// English says the passive with "get" as well as "be": "How do I get
// added to the rota?", "When do we get paid?", and with an object
// between, what one has done: "How do I get my parking badge activated?",
// "…to get a contract signed electronically?". The participle says what
// is done; "get" says only that it is, where the other question writes a
// "be" the analysis drops ("When are payslips paid?"), an active verb
// ("Comment on m'ajoute au planning ?") or "se faire". Counted as a word
// of meaning, "get" was a rare verb every such rewording lacked.
var formsOfGet = wordSet("get gets got gotten getting")

// passiveAfterGet tells whether a participle follows a form of "get"
// ending at words[i-1]: directly, after a pronoun, or after a determiner
// and up to three words when it ends the phrase ("get a dedicated desk"
// gets a desk, whatever kind).
func passiveAfterGet(words []string, i int) bool {
	if i < len(words) && objectPronouns[words[i]] {
		i++
	}
	if i < len(words) && englishParticiple(words[i]) {
		return true
	}
	if i >= len(words) || !englishDeterminers[words[i]] {
		return false
	}
	for j := i + 1; j < len(words) && j <= i+3; j++ {
		if englishParticiple(words[j]) && (j+1 == len(words) || afterAnObject[words[j+1]]) {
			return true
		}
	}
	return false
}

// afterAnObject are the words that may follow a participle ending the
// phrase of "get" and its object: "get a feature flag turned on", "get
// my badge activated by security".
var afterAnObject = wordSet("to by for in on off out up back before after at from with into via through again asap please today tomorrow now quickly")

// englishParticiple tells whether word is written as an English past
// participle: an irregular one, or a word ending in "ed" ("need" and
// "speed" aside).
func englishParticiple(word string) bool {
	if _, ok := irregularEnglish[word]; ok {
		return true
	}
	stem, ok := strings.CutSuffix(word, "ed")
	return ok && len(stem) > 2 && !strings.HasSuffix(stem, "e")
}

// amountAt tells whether words[i], or the word after an "à" there, is a
// number: "plus de 5 000", "supérieur à 500".
func amountAt(words []string, i int) bool {
	if i < len(words) && (words[i] == "à" || words[i] == "a") {
		i++
	}
	return i < len(words) && words[i] != "" && isDigit(words[i][0])
}

// comparing are the poles that compare: more or less, before or after.
var comparing = map[pole]bool{poleMore: true, poleLess: true, poleBefore: true, poleAfter: true}

var (
	formsOfAller       = wordSet("vais vas va allons allez vont")
	cliticPronouns     = wordSet("me m te t se s le la les l lui leur y en nous vous")
	englishDeterminers = wordSet("the a an my your our their his her its this that these those")
)

// isInfinitive tells whether a French word is written as an infinitive.
func isInfinitive(word string) bool {
	for _, ending := range []string{"er", "ir", "re", "oir"} {
		if strings.HasSuffix(word, ending) && len(word) > len(ending)+1 {
			return true
		}
	}
	return false
}

// neBefore tells whether the "ne" or "n'" of a negation stands shortly
// before words[i] ("je ne peux plus", "ne m'y connecte plus").
func neBefore(words []string, i int) bool { return shortlyBefore(words, i, frenchNe) }

var frenchNe = wordSet("ne n")

// shortlyBefore tells whether one of set stands at most four words before
// words[i]: a negation's "ne" before its "plus", a form of being before
// its participle, with a pronoun or a subject between.
func shortlyBefore(words []string, i int, set map[string]bool) bool {
	for j := i - 1; j >= max(0, i-4); j-- {
		if set[words[j]] {
			return true
		}
	}
	return false
}

// beforeElision tells whether word opens with a vowel or an h, before
// which French elides "ne" to "n'".
func beforeElision(word string) bool {
	first, _ := utf8.DecodeRuneInString(FoldAccents(word))
	return strings.ContainsRune("aeiouyh", first)
}

// Chat French drops the "ne" of "ne… plus" ("ça marche plus", "je reçois
// plus les notifications"), where "plus" is no longer, not more. It is
// read so after a verb whose subject opens two to four words before ("je
// me connecte plus", "le VPN marche plus"), and where a sentence goes on
// after a verb: at its end, or before a determiner, a pronoun or a
// preposition. Before an adjective, "de" or "que", or after "être", it is
// more ("plus vite", "plus de congés", "il est plus cher").
var (
	frenchSubjects = wordSet("je j tu il elle on nous vous ils elles ça ca le la les l mon ma mes son sa ses ce cet cette")
	afterAVerb     = wordSet(`
		le la les l un une mon ma mes ton ta tes son sa ses notre nos votre vos leur leurs ce cet cette ces
		me m te t se s nous vous y en lui à au aux sur dans sous avec pour depuis chez rien personne jamais`)
	formsOfEtre = wordSet("suis es est sommes êtes sont étais était étaient sera seront")
)

// chatNoLonger tells whether the "plus" at words[i] says no longer.
func chatNoLonger(words []string, i int) bool {
	if i+1 < len(words) && !afterAVerb[words[i+1]] || i > 0 && formsOfEtre[words[i-1]] {
		return false
	}
	for j := i - 2; j >= max(0, i-4); j-- {
		if frenchSubjects[words[j]] {
			return true
		}
	}
	return false
}

// askPhrases are askWords' phrases by their first word, longest first, so
// that "what time" is read before any shorter one.
var askPhrases = func() map[string][]askPhrase {
	m := make(map[string][]askPhrase)
	for a, phrases := range askWords {
		for _, ph := range phrases {
			words := phraseWords(ph)
			m[words[0]] = append(m[words[0]], askPhrase{words: words, asks: a})
		}
	}
	for _, phrases := range m {
		slices.SortFunc(phrases, func(a, b askPhrase) int { return len(b.words) - len(a.words) })
	}
	return m
}()

type askPhrase struct {
	words []string
	asks  asked
}

// askOpeners are the words a question may open with before its question
// word ("Hi all, when…", "Does anyone know who…", "Bonjour, quelqu'un sait
// où…", "Quelqu'un peut m'expliquer comment…", "qqn peut me dire où…").
// A question word elsewhere is rather a conjunction or a relative
// ("it fails when I log in", "le collègue qui gère"), which asks nothing.
// They are the greetings, the words that ask who knows (someone,
// knowing), and the modals and pronouns between them.
var askOpeners = func() map[string]bool {
	m := maps.Clone(greetings)
	maps.Copy(m, someone)
	maps.Copy(m, knowing)
	for _, w := range []string{
		"does", "do", "would", "can", "could", "you", "me", "us",
		"quelqu", "un", "tu", "vous", "on", "peut", "peux", "pouvez", "pourrait", "pourriez", "pourrais", "m",
		"c", "est", // "C'est quand… ?", "c'est qui qui gère… ?"
	} {
		m[w] = true
	}
	return m
}()

// askedOf returns what the questions of text ask for: the question word
// each sentence opens with, after askOpeners, whether such a sentence is
// negated, and whether one asks if one may or must.
func askedOf(text string) asked {
	var found asked
	inverted := invertsSubject(text)
	for _, s := range sentencesOf(text) {
		words, i := s.words, s.ask
		found |= modalOf(words) | whetherOf(words)
		if _, n := somewhereAt(words); n > 0 {
			found |= askPlace
		}
		if len(failingIn(words)) > 0 {
			found |= askFailing
		}
		if i < len(words) {
			found |= askedAt(words, i, inverted || s.inSitu)
		}
		for _, kind := range addNamedKinds(nil, words, i) {
			found |= kind
		}
		found |= askedLast(words) | quantityOf(words)
	}
	return found
}

// A fragment asks with the noun of what it wants: "horaires salle de
// sport siège ?" asks when the gym is open, and was handed the answer of
// "Où se trouve la salle de sport du siège ?" (0.80); "gym address?"
// asks where. So does "What is…?" with the head of the noun after its
// verb of being: "What is the team lunch budget?" asks how much, and was
// handed the answer of "When is the team lunch?" (0.75); "What's the
// deadline for benefits enrollment?" asks when, as "When does benefits
// enrollment close?" does; "Quelle est l'adresse du bureau ?" where; "Quel
// est le délai de livraison ?" how long, as "How long does delivery
// take?" does. The head is the noun phrase's last word in English ("the
// code freeze date"), its first in French ("la date limite"): "the
// budget approval process" asks for no amount.
//
// namedKinds returns the words of ss that name the kind of answer their
// sentence asks for, each with that kind.
func namedKinds(ss sentences) map[string]asked {
	var found map[string]asked
	for words, ask := range ss.all() {
		found = addNamedKinds(found, words, ask)
	}
	return found
}

// addNamedKinds adds to found the words of words, a sentence whose
// question word (if any) stands at ask, that name the kind of answer it
// asks for, each with that kind, and returns found.
func addNamedKinds(found map[string]asked, words []string, ask int) map[string]asked {
	add := func(w string, kind asked) {
		if found == nil {
			found = make(map[string]asked)
		}
		found[w] |= kind
	}
	name := func(w string) {
		if kind := kindNouns[FoldAccents(w)]; kind != 0 {
			add(w, kind)
		}
	}
	// The unit of "how many days" names the answer's as "how long"
	// asks for it: "How many days does a refund take?" asks what "How
	// long does a refund take?" asks.
	for i := range words {
		if countsUnitOfTime(words, i) {
			add(words[i+2], askQuantity|askDuration)
		}
	}
	if asksAt(words, ask) {
		if ph, _ := askPhraseAt(words, ask); ph.asks == askOpen {
			if head := headAfterBeing(words, ask, ask+len(ph.words)); head != "" {
				name(head)
			}
		}
		return found
	}
	if askedLast(words) == 0 {
		for _, w := range words {
			name(w)
		}
	}
	return found
}

// headAfterBeing returns the head noun of the phrase after the verb of
// being that follows words' question word, "what", "quel" or "c'est
// quoi", which stands at i and ends before end; "" if there is none.
func headAfterBeing(words []string, i, end int) string {
	french := words[i] != "what"
	switch {
	case words[i] == "quoi" && afterCest(words, i):
	case (words[i] == "what" || quelWords[words[i]]) && end < len(words) && (beingWords[words[end]] || !french && words[end] == "s"):
		end++
	default:
		return ""
	}
	phrase := words[end:]
	if stop := slices.IndexFunc(phrase, func(w string) bool { return restrictingWords[w] || ofWords[w] }); stop >= 0 {
		phrase = phrase[:stop]
	}
	for len(phrase) > 0 && (englishDeterminers[phrase[0]] || frenchDeterminers[phrase[0]]) {
		phrase = phrase[1:]
	}
	for len(phrase) > 0 && afterthoughts[phrase[len(phrase)-1]] {
		phrase = phrase[:len(phrase)-1]
	}
	switch {
	case len(phrase) == 0:
		return ""
	case french:
		return phrase[0]
	}
	return phrase[len(phrase)-1]
}

var (
	beingWords        = wordSet("is are was were est sont")
	quelWords         = wordSet("quel quelle quels quelles")
	ofWords           = wordSet("of de du des d")
	frenchDeterminers = wordSet("le la les l un une mon ma mes ton ta tes son sa ses notre nos votre vos leur leurs ce cet cette ces")
	afterthoughts     = wordSet("again exactly now currently please pls already déjà deja svp stp")
)

var kindNouns = func() map[string]asked {
	m := make(map[string]asked)
	for kind, nouns := range map[asked]string{
		askTime:                   "hours horaire horaires deadline deadlines echeance echeances date dates",
		askPlace:                  "address addresses adresse adresses location emplacement",
		askQuantity | askCost:     "budget budgets price prices cost costs prix cout couts tarif tarifs montant",
		askQuantity | askDuration: "delai delais turnaround",
	} {
		for n := range strings.FieldsSeq(nouns) {
			m[n] = kind
		}
	}
	return m
}()

// Two questions asking how much may ask for different quantities:
// "Combien coûte la rétention des logs dans Datadog ?" asks a price,
// "Combien de temps on garde les logs dans Datadog ?" a length of time,
// and was handed its answer (0.57), both asking "combien". quantityOf
// reads which: a length of time by "how long", "combien de temps",
// "combien dure" or a count of units of time ("how many weeks",
// "combien de jours"); a price by a word of cost.
//
// It reads too that a sentence asks how much wherever its "combien", "how
// many" or "how much" stands: unlike the other question words, none is
// ever a conjunction or a relative. French chat asks with it late
// ("L'arrêt maladie, faut l'envoyer sous combien de jours ?"), and read
// as asking nothing, that sentence was handed the answer of "…faut
// l'envoyer à qui ?".
func quantityOf(words []string) asked {
	var found asked
	for i, w := range words {
		if w == "combien" || phraseAt(words, i, howMany) || phraseAt(words, i, howMuch) {
			found |= askQuantity
		}
		switch {
		case slices.ContainsFunc(durationPhrases, func(ph []string) bool { return phraseAt(words, i, ph) }),
			countsUnitOfTime(words, i):
			found |= askDuration
		case costWords[FoldAccents(w)]:
			found |= askCost
		}
	}
	return found
}

// countsUnitOfTime tells whether words ask from i how many of a unit of
// time: "how many weeks", "combien de jours".
func countsUnitOfTime(words []string, i int) bool {
	return (phraseAt(words, i, howMany) || phraseAt(words, i, combienDe)) && i+2 < len(words) && unitsOfTime[words[i+2]]
}

var (
	durationPhrases = [][]string{{"how", "long"}, {"combien", "de", "temps"}, {"combien", "dure"}, {"combien", "durent"}}
	howMany         = []string{"how", "many"}
	howMuch         = []string{"how", "much"}
	combienDe       = []string{"combien", "de"}
	unitsOfTime     = wordSet("minutes hours days weeks months years heures jours semaines mois ans années annees")
	costWords       = wordSet("cost costs costing price prices pricing prix cout couts coute coutent couter tarif tarifs")
)

// French chat asks with its question word last, or after "c'est": "Je dois
// déclarer un conflit d'intérêts, je passe par qui ?", "il faut le faire
// avant quand ?", "On fait quoi ?", "C'est quand le déménagement ?". Read
// as opening words only, "…avant quand ?" and "…par qui ?" asked nothing,
// and one was handed the other's answer.
var askedLastWords = map[string]asked{
	"qui": askPerson, "quand": askTime, "combien": askQuantity, "où": askPlace,
	"pourquoi": askReason, "quoi": 0, "comment": 0,
}

// French chat also asks with its question word right after its verb, the
// order of a statement: "Il est où l'organigramme ?", "Tu pars quand en
// congé ?", "On fait comment pour se faire rembourser ?", "Il faut
// contacter qui pour la clim ?", "Je dois arriver à quelle heure ?". Read
// from its opening words only, "Elle est où la trousse de secours ?"
// asked nothing, and a question asking when was no miss from it. The
// question word follows a subject pronoun and at most three words none of
// which opens a noun phrase: after a noun, "où" and "qui" are relatives
// ("Il y a une salle où on peut manger ?", "On a quelqu'un qui gère les
// badges ?").

// inSituAt returns where words, a sentence or a clause, holds a question
// word asked after its verb, -1 where it holds none.
func inSituAt(words []string) int {
	i := afterGreetings(words)
	if i >= len(words) || !subjectPronouns[words[i]] {
		return -1
	}
	for j := i + 1; j < len(words) && j <= i+4; j++ {
		switch {
		case inSituWords[words[j]] && asksAt(words, j) && (words[j] != "ou" || j+1 == len(words) || frenchDeterminers[words[j+1]]):
			return j
		case frenchDeterminers[words[j]] || nounPhraseOpeners[words[j]]:
			return -1
		}
	}
	return -1
}

// The question words are French's, "à" and "depuis" opening "à quelle
// heure" and "depuis quand"; not "que", there a conjunction ("Je pense
// que…"), nor "ou" unless the sentence ends or a noun phrase opens after
// it, where chat writes it for "où" ("Il est ou le planning ?"), not "or"
// ("Tu préfères mardi ou jeudi ?").
var (
	subjectPronouns   = wordSet("je j tu il elle on nous vous ils elles ça ca")
	inSituWords       = wordSet("où ou qui quand combien comment pourquoi quoi quel quelle quels quelles lequel laquelle à depuis")
	nounPhraseOpeners = wordSet("des du d quelqu que qu si")
)

// askedLast returns what the sentence words asks for with a French
// question word as its last word.
func askedLast(words []string) asked {
	n := len(words)
	if n < 2 {
		return 0
	}
	kind, ok := askedLastWords[words[n-1]]
	if !ok {
		return 0
	}
	found := kind | askOpen
	if negated(words) {
		found |= askNegated
	}
	return found
}

// invertsSubject tells whether text asks in French by putting the
// subject's pronoun after its verb, with a hyphen: "Quand le budget
// est-il validé ?", "Quand la paie est-elle versée ?". Then a "quand"
// before a subject asks when, as English "when" does before an
// auxiliary; otherwise it opens a clause ("Quand je me connecte, ça
// plante"). Not "-on", which English writes too ("add-on").
func invertsSubject(text string) bool {
	for rest := text; ; {
		i := strings.IndexByte(rest, '-')
		if i < 0 {
			return false
		}
		rest = rest[i+1:]
		word := rest
		if end := strings.IndexFunc(rest, func(r rune) bool { return !unicode.IsLetter(r) }); end >= 0 {
			word = rest[:end]
		}
		if invertedPronouns[strings.ToLower(word)] {
			return true
		}
	}
}

// invertedPronouns are the subjects French puts after a verb to ask.
var invertedPronouns = wordSet("il elle ils elles")

// sentences are a text's sentences, each as its words, with where its
// question word would stand: after askOpeners (len(words) when none is
// left). A text is split once and read by every reader of its
// questions.
type sentences []sentence

type sentence struct {
	words []string
	ask   int
	// inSitu tells whether its question word stands after its verb, as
	// French chat asks (inSituAt).
	inSitu bool
}

// sentencesOf splits text into its sentences. Chat often asks after a
// comma, a dash or an emoji: "my badge isn't working, who should I
// contact?", "mon badge marche plus, comment je fais ?". When a sentence
// does not open with a question, its question word is the one that opens
// a clause after a comma (opensQuestion); what the clause before says (a
// problem, a condition) stays in the sentence, as it does in "Qui
// contacter si mon badge ne marche plus ?".
func sentencesOf(text string) sentences {
	var found sentences
	for s := range sentencesIn(text) {
		words := phraseWords(s)
		ask, inSitu := opening(words), false
		if !asksAt(words, ask) {
			at := 0
			for clause := range strings.SplitSeq(clauseBreaksAsCommas(s), ",") {
				clauseWords := phraseWords(clause)
				if at > 0 && opensQuestion(clauseWords) {
					ask = at + opening(clauseWords)
					break
				}
				if i := inSituAt(clauseWords); i >= 0 {
					ask, inSitu = at+i, true
					break
				}
				at += len(clauseWords)
			}
		}
		found = append(found, sentence{words, ask, inSitu})
	}
	return found
}

// clauseBreaksAsCommas returns s with the other marks chat ends a clause
// with written as commas: a dash between spaces ("in Atlas rn - how do I
// share my screen?") and an emoji ("printer jammed again 🙄 who should I
// ping?").
func clauseBreaksAsCommas(s string) string {
	s = clauseDashes.Replace(s)
	if !strings.ContainsFunc(s, isSymbol) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isSymbol(r) {
			return ','
		}
		return r
	}, s)
}

var clauseDashes = strings.NewReplacer(" - ", ", ", " – ", ", ", " — ", ", ")

// isSymbol tells whether r is a symbol of the kind emoji are.
func isSymbol(r rune) bool { return r > unicode.MaxASCII && unicode.Is(unicode.So, r) }

// A chat message often tells its situation before it asks, or after:
// "J'ai un atelier avec 8 personnes jeudi au bureau de Paris. Comment je
// réserve une salle de réunion ?", "Can I bring my dog to the office? He
// hates being alone at home." What it asks is in the sentence that asks;
// the others say why. Read whole, every rare word of the situation
// ("atelier", "jeudi") was a word of meaning the old question lacked, and
// the message was no longer the same question as "How do I book a
// meeting room in the Paris office?" (0.04).

// askingSentences returns the sentences of text that ask, when it has
// others that only tell and none of them refers back to those
// (refersBack): the sentences ending in a question mark, or, when none
// does, those that open with a question or ask with their last word. A
// full stop ends a sentence only before a space and after no
// abbreviation, so that "api.example.com", "m5.large" and "Mt. Fuji" stay
// whole.
func askingSentences(text string) (string, bool) {
	marked := strings.ContainsRune(text, '?')
	var asking, telling []string
	add := func(s string, endsMarked bool) {
		words := phraseWords(s)
		switch {
		case len(words) == 0:
		case marked && endsMarked || !marked && (opensQuestion(words) || askedLast(words) != 0):
			asking = append(asking, strings.TrimSpace(s))
		default:
			telling = append(telling, s)
		}
	}
	start := 0
	for i, r := range text {
		end := i + utf8.RuneLen(r)
		if r == '\n' || strings.ContainsRune(".!?", r) && (end == len(text) || unicode.IsSpace(rune(text[end]))) &&
			(r != '.' || !abbreviated(text[start:i])) {
			add(text[start:end], r == '?')
			start = end
		}
	}
	add(text[start:], false)
	if len(asking) == 0 || len(telling) == 0 || slices.ContainsFunc(asking, refersBack) {
		return "", false
	}
	return strings.Join(asking, " "), true
}

// abbreviated tells whether before, a sentence so far, ends with an
// abbreviation, whose full stop ends no sentence: a letter ("e.g.", "M.
// Dupont") or a title ("Mt. Fuji", "Dr. Martin").
func abbreviated(before string) bool {
	words := phraseWords(before)
	if len(words) == 0 {
		return false
	}
	last := words[len(words)-1]
	r, size := utf8.DecodeRuneInString(last)
	return size == len(last) && unicode.IsLetter(r) || abbreviations[last]
}

var abbreviations = wordSet("mr mrs ms dr st mt jr sr vs cf mme mlle")

// refersBack tells whether sentence names what it asks about by a
// pronoun ("How do I get it repaired?", "Comment je le réinitialise ?",
// "Ça marche comment ?"): what it asks is then in the sentences that say
// what the pronoun stands for. French "le", "la", "les" and "l'" are
// pronouns after a subject, a negation or a modal ("je le", "doit le"),
// or before an infinitive ("pour le signer"); articles elsewhere.
func refersBack(sentence string) bool {
	words := phraseWords(sentence)
	for i, w := range words {
		switch w {
		case "it", "them", "ça", "ca", "cela", "celui", "celle", "ceux", "celles":
			return true
		case "le", "la", "les", "l", "lui", "leur":
			if i > 0 && objectBefore[FoldAccents(words[i-1])] || i+1 < len(words) && isInfinitive(words[i+1]) {
				return true
			}
		}
	}
	return false
}

// objectBefore are the words after which French puts an object's pronoun:
// subjects, "ne", and the modals.
var objectBefore = wordSet(`je j tu il elle on nous vous ils elles ne n
	peux peut pouvez pouvons peuvent dois doit devez devons doivent faut veux veut voulez voudrais`)

// opening returns where the question word of words would stand: after
// askOpeners.
func opening(words []string) int {
	i := 0
	for i < len(words) && askOpeners[words[i]] {
		i++
	}
	return i
}

// opensQuestion tells whether words, a clause after a comma, open with a
// question: a question word, after askOpeners, that no relative pronoun
// is spelt as, or one followed by an auxiliary or a subject ("who should
// I", "where do we", "qui contacter", "où est"). "Which didn't help",
// "who works in HR" and "où je travaille" describe what came before, and
// "quand je me connecte, ça plante" says when.
func opensQuestion(words []string) bool {
	i := opening(words)
	if !asksAt(words, i) {
		return false
	}
	ph, _ := askPhraseAt(words, i)
	if !relatives[ph.words[0]] || len(ph.words) > 1 {
		return true
	}
	return i+1 < len(words) && askingAfterRelative[words[i+1]]
}

// relatives are the question words also spelt as relative pronouns or
// conjunctions, and askingAfterRelative the words after which they ask.
var (
	relatives           = wordSet("who whom whose which where when what qui où ou quand que qu quel quelle quels quelles")
	askingAfterRelative = wordSet(`
		do does did can could should would will shall may might must is are was were am have has
		est sont faut dois doit peut peux puis contacter appeler voir demander trouver aller faire`)
)

// all yields each sentence's words and where its question word would
// stand.
func (ss sentences) all() iter.Seq2[[]string, int] {
	return func(yield func([]string, int) bool) {
		for _, s := range ss {
			if !yield(s.words, s.ask) {
				return
			}
		}
	}
}

// askPhraseAt returns the question word or phrase of words at i, the
// longest, if there is one.
func askPhraseAt(words []string, i int) (askPhrase, bool) {
	for _, ph := range askPhrases[words[i]] {
		if phraseAt(words, i, ph.words) {
			return ph, true
		}
	}
	return askPhrase{}, false
}

// questionPhrases yields the question word or phrase each sentence opens
// with (see sentences), with the words of the sentence after it.
func (ss sentences) questionPhrases() iter.Seq2[askPhrase, []string] {
	return func(yield func(askPhrase, []string) bool) {
		for words, i := range ss.all() {
			if i == len(words) {
				continue
			}
			if ph, ok := askPhraseAt(words, i); ok && !yield(ph, words[i+len(ph.words):]) {
				return
			}
		}
	}
}

// askingWords returns the words of ss that only say what its questions
// ask for: those after the first word of a question phrase of several
// words at a sentence's opening ("time" of "what time", "heure" of "à
// quelle heure", "long" of "how long", "dure" of "combien dure"). What
// they ask for is compared on its own (askedOf), so such a word missing
// from the other question is no miss: counted as one, it made "Combien
// dure le congé parental ?" another question than "How long is parental
// leave?", "dure" and "long" each missing from the other.
func askingWords(ss sentences) map[string]bool {
	var found map[string]bool
	for ph := range ss.questionPhrases() {
		if len(ph.words) < 2 {
			continue
		}
		for _, w := range ph.words[1:] {
			found = addTo(found, w)
		}
	}
	for words, ask := range ss.all() {
		for i := 1; i+1 < len(words); i++ {
			if waysOfDoing[words[i]] && waysBefore[words[i-1]] && waysAfter[words[i+1]] {
				found = addTo(found, words[i])
			}
		}
		if verb := durationVerb(words); verb != "" {
			found = addTo(found, verb)
		}
		for _, w := range happeningWords(words) {
			found = addTo(found, w)
		}
		// "Does anyone know where the template is?" and "Quelqu'un
		// sait où est le template ?" ask what "Where is the template?"
		// asks: among the openers before a question word, the words
		// that ask who knows say only that the room is asked. Before
		// anything else they may ask for a person ("Does anyone know
		// Terraform?").
		// So do they before "if", "whether" and "si" ("Does anyone
		// know if there is a referral bonus?", "Quelqu'un sait s'il y a
		// une prime de cooptation ?"), which ask what "Is there a
		// referral bonus?" asks; and the word itself only says so.
		whether := whetherAt(words, ask)
		if whether {
			found = addTo(found, words[ask])
		}
		if asksAt(words, ask) || whether {
			for j := ask - 1; j >= 0 && askOpeners[words[j]]; j-- {
				if who, n := someoneAt(words, j); n > 0 {
					found = addTo(found, who)
				} else if knowing[words[j]] {
					found = addTo(found, words[j])
				}
			}
		}
		// "need to" and "aide-moi à" ask how (needPhrases).
		for _, w := range words[ask : ask+needPhraseAt(words, ask)] {
			found = addTo(found, w)
		}
		// "somewhere" asks where (somewhereAt).
		if at, n := somewhereAt(words); n > 0 {
			for _, w := range words[at : at+n] {
				found = addTo(found, w)
			}
		}
		// "Do I need to…?", "Is it mandatory to…?" and "Est-il
		// obligatoire de… ?" ask whether one must, which modalOf
		// reads.
		for _, w := range modalPhraseOf(words) {
			found = addTo(found, w)
		}
		for i, w := range words {
			// "Can someone help?" and "Quelqu'un peut m'aider ?" call for
			// help, and "Does anyone have the link?", "Quelqu'un a le
			// lien ?" ask the room for what someone has: the someone they
			// call is not what the question is about.
			if who, n := someoneAt(words, i); n > 0 && (callsForHelp(words[i+n:]) || i+n < len(words) && having[words[i+n]]) {
				found = addTo(found, who)
			}
			// "Does anyone have the link to the org chart?" and
			// "Quelqu'un a le lien vers les slides ?" ask where it is, as
			// "Where do I find the slides?" does: the link says only
			// where.
			if linkWords[w] && (i == 0 || beforeALink[words[i-1]]) && i+1 < len(words) && afterALink[words[i+1]] {
				found = addTo(found, w)
			}
			// "Please", "stp" and "asap" say how one asks, not what.
			if manners[w] {
				found = addTo(found, w)
			}
			// "Are we supposed to…?" asks what "do we have to…?" and
			// "doit-on… ?" ask, whose modals the analysis drops.
			if w == "supposed" && i+1 < len(words) && words[i+1] == "to" {
				found = addTo(found, w)
			}
		}
	}
	return found
}

// linkWords, between beforeALink and afterALink, ask for a link to
// something ("a link to", "le lien vers"); having are the verbs of the
// someone asked who has it.
var (
	linkWords   = wordSet("link links lien liens url")
	beforeALink = wordSet("the a any our your le la un les des")
	afterALink  = wordSet("to for of vers pour de du des d")
	having      = wordSet("have has got a as aurait")
)

// manners are the words of politeness and urgency chat adds to a
// question.
var manners = wordSet("please pls plz thanks thank thx merci stp svp asap")

// whetherAt tells whether words hold, at i, a word that opens a question
// asked of yes or no inside another: "if", "whether", "si", and the "s"
// of "s'il".
func whetherAt(words []string, i int) bool {
	return i < len(words) && (words[i] == "if" || words[i] == "whether" || words[i] == "si" ||
		words[i] == "s" && i+1 < len(words) && (words[i+1] == "il" || words[i+1] == "ils"))
}

// someoneAt returns the word for "someone" words hold at i, as the
// analysis writes it, and how many of words it takes: one ("anyone"), two
// ("quelqu un", as phraseWords splits "quelqu'un"), or none.
func someoneAt(words []string, i int) (string, int) {
	switch {
	case words[i] == "quelqu" && i+1 < len(words) && words[i+1] == "un":
		return "quelqu'un", 2
	case someone[words[i]]:
		return words[i], 1
	}
	return "", 0
}

// callsForHelp tells whether words, after "someone", call for help: a
// modal or a pronoun, then "help" or "aider".
func callsForHelp(words []string) bool {
	for _, w := range words {
		switch {
		case w == "help" || w == "aider":
			return true
		case !helpLeadIns[w]:
			return false
		}
	}
	return false
}

// someone and knowing are the words of askOpeners that ask who knows,
// and helpLeadIns those between "someone" and "help".
var (
	someone     = wordSet("anyone anybody someone somebody qqn")
	knowing     = wordSet("know knows tell explain sait sais savez dire expliquer indiquer")
	helpLeadIns = wordSet("can could would please peut pourrait pourriez m me moi nous us")
)

// asksAt tells whether words hold a question word or phrase at i.
func asksAt(words []string, i int) bool {
	if i >= len(words) {
		return false
	}
	_, ok := askPhraseAt(words, i)
	return ok
}

// "What's the process for ordering a laptop?", "Is there a way to retry a
// job?" and "C'est quoi la démarche pour…?" ask how to do it, as "How do
// I…?" does: the way, process or steps to do something only say that
// the question asks how. Such a word between an article and "to", "for"
// or "pour" is an asking word; elsewhere it may be what is asked about
// ("How do I kill a process?"). So is the "supposed" of "supposed to".
var (
	waysOfDoing = wordSet("way process procedure steps démarche démarches procédure marche")
	waysBefore  = wordSet("the a la une les")
	waysAfter   = wordSet("to for of pour de d à")
)

// A question asking for a person often says how the asker will reach
// them: "Who do I ask for a parking spot?", "Who should I contact about
// payroll?", "Qui contacter pour une place de parking ?", "À qui
// m'adresser pour la mutuelle ?". Askers pick the verb freely, so two
// such questions agree on it whichever each picked: counted as words of
// meaning, "ask" and "contacter" made them a swap. reachingVerbs are
// those verbs, and reachingLeadIns the words that may stand between the
// question word and the verb (a modal, a subject, "to"); a verb after
// anything else ("Who is on call…?", "Who approves…?") says what the
// person does.
var (
	reachingVerbs = map[string]bool{
		"ask": true, "contact": true, "talk": true, "speak": true, "reach": true, "call": true, "email": true,
		"ping": true, "message": true, "see": true, "go": true, "turn": true, "approach": true, "write": true,
		"tell": true, "notify": true, "inform": true, "alert": true,
		"contacter": true, "joindre": true, "demander": true, "adresser": true, "appeler": true, "parler": true,
		"voir": true, "écrire": true, "solliciter": true, "interroger": true,
		"prévenir": true, "informer": true, "avertir": true, "alerter": true,
	}
	reachingLeadIns = map[string]bool{
		"do": true, "does": true, "should": true, "shall": true, "can": true, "could": true, "must": true,
		"would": true, "i": true, "we": true, "one": true, "to": true,
		"dois": true, "doit": true, "devons": true, "faut": true, "il": true, "je": true, "on": true,
		"peut": true, "peux": true, "puis": true, "pouvons": true, "m": true, "me": true, "nous": true,
		"s": true, "se": true, "est": true, "ce": true, "que": true, "qu": true,
	}
)

// durationVerb returns the verb of a sentence asking how long something
// takes (quantityOf) that only says it takes time: "take" in "How long
// does legal take to review a contract?", "met" in "Le juridique met
// combien de temps pour relire un contrat ?", "faut" in "Il faut combien
// de temps pour… ?". English and French each say the duration with a verb
// the other lacks, which counted as a word of meaning each missed. The
// first such verb only, and not an infinitive: "Combien de temps je peux
// prendre ?" asks how long one may take off, the verb's own sense.
func durationVerb(words []string) string {
	if quantityOf(words)&askDuration == 0 {
		return ""
	}
	for _, w := range words {
		if durationVerbs[w] {
			return w
		}
	}
	return ""
}

// happeningWords returns the words of a sentence asking when or where
// something is that only say it happens, or where it is kept: "Quand a
// lieu la prochaine réunion générale ?" asks what "When is the next
// all-hands?" asks, and "take place", "be held", "avoir lieu", "se tenir"
// and "se dérouler" say nothing "is" does not; nor do the "lives" of
// "where the on-call rota lives", "located", "stored" and "se trouve",
// nor "keep" and "store" in "Where do we keep the Terraform state?", nor
// "find" and "available" ("Where do I find my payslip?", "Where are
// payslips available?", "Où trouver le modèle de NDA ?").
func happeningWords(words []string) []string {
	if !slices.ContainsFunc(words, func(w string) bool { return askedWhenOrWhere[w] }) {
		return nil
	}
	var found []string
	for i, w := range words {
		for _, ph := range happeningPhrases[FoldAccents(w)] {
			if foldedPhraseAt(words, i, ph) {
				found = append(found, words[i:i+len(ph)]...)
			}
		}
	}
	return found
}

var askedWhenOrWhere = wordSet("when where quand où ou")

// happeningPhrases are the phrases saying that something happens, by
// their first word, as phraseWords splits them, without accents.
var happeningPhrases = func() map[string][][]string {
	m := make(map[string][][]string)
	for _, ph := range []string{
		"take place", "takes place", "took place", "taking place",
		"held", // "is held", "will be held"
		"a lieu", "ont lieu", "aura lieu", "auront lieu", "avoir lieu",
		"se tient", "se tiennent", "se tiendra", "se déroule", "se déroulent", "se déroulera",
		"live", "lives", "located", "stored", "kept", "keep", "keeps", "store", "stores",
		"se trouve", "se trouvent", "situé", "située", "situés", "situées",
		"find", "available", "trouver", "trouve", "disponible", "disponibles", "dispo", "dispos",
	} {
		words := strings.Fields(FoldAccents(ph))
		m[words[0]] = append(m[words[0]], words)
	}
	return m
}()

var durationVerbs = wordSet("take takes took taking met mettent mettra mettront prend prennent prendra prendront faut")

// reachingWords returns the verbs of ss (reachingVerbs) by which its
// questions for a person say how to reach them: after the question word
// at a sentence's opening and reachingLeadIns only.
func reachingWords(ss sentences) map[string]bool {
	var found map[string]bool
	for ph, after := range ss.questionPhrases() {
		if ph.asks != askPerson {
			continue
		}
		j := 0
		for j < len(after) && reachingLeadIns[after[j]] {
			j++
		}
		if j < len(after) && reachingVerbs[after[j]] {
			found = addTo(found, after[j])
		}
		// "Who's the contact for payroll?", "C'est qui le référent
		// RGPD ?" name the person to reach by a noun instead, and
		// English may say what for before it: "Who's the HR person for
		// Lyon?".
		k := 0
		for k < len(after) && contactLeadIns[after[k]] {
			k++
		}
		if k > 0 && k+1 < len(after) && !contactNouns[after[k]] && contactNouns[after[k+1]] {
			k++
		}
		if k > 0 && k < len(after) && contactNouns[after[k]] {
			found = addTo(found, after[k])
		}
	}
	// French chat asks "who" last too: "je dois voir avec qui ?", "je
	// demande à qui ?".
	for words := range ss.all() {
		if len(words) < 2 || words[len(words)-1] != "qui" {
			continue
		}
		j := len(words) - 2
		for j > 0 && reachingBeforeWho[words[j]] {
			j--
		}
		if verb := words[j]; reachingVerbs[verb] || slices.ContainsFunc(frenchInfinitives(verb), func(inf string) bool { return reachingVerbs[inf] }) {
			found = addTo(found, verb)
		}
	}
	return found
}

// contactLeadIns are the words that may stand between the question word
// and a noun naming the person to reach (contactNouns): "who's the go-to
// person for", "qui est la bonne personne pour", "c'est qui le contact".
var (
	contactLeadIns = wordSet("is s the right best go to est c le la l bon bonne")
	contactNouns   = wordSet("contact contacts person people referent référent referente référente interlocuteur interlocutrice poc")
)

// reachingBeforeWho are the words between a verb and the "qui" that ends a
// French question: "voir avec qui", "s'adresser auprès de qui".
var reachingBeforeWho = wordSet("à a avec auprès aupres de d au")

// askedAt returns what the sentence words asks for with the question word
// at i, if it is one; afterVerb tells whether a verb stands before it, by
// inverting a French subject (invertsSubject) or in the order of a
// statement (inSituAt): then "quand" before a noun asks when ("Elle
// commence quand la formation ?"), though before a pronoun it still opens
// a clause ("Je peux venir quand je veux ?").
func askedAt(words []string, i int, afterVerb bool) asked {
	ph, ok := askPhraseAt(words, i)
	if !ok {
		return 0
	}
	end := i + len(ph.words)
	switch {
	case ph.asks == askTime && len(ph.words) == 1 && end < len(words) && clauseSubjects[words[i]][words[end]] && (!afterVerb || subjectPronouns[words[end]]) && !afterCest(words, i):
		return 0
	case ph.asks == askPerson:
		// "Who can help?" asks for nobody in particular; "Who knows
		// why…?" asks why.
		j := end
		for j < len(words) && helpCalls[words[j]] {
			j++
		}
		switch {
		case j == len(words):
			return 0
		case j > end && len(askPhrases[words[j]]) > 0:
			return askedAt(words, j, afterVerb)
		}
	}
	found := ph.asks | askOpen
	if negated(words) {
		found |= askNegated
	}
	return found
}

// afterCest tells whether the word at i follows "c'est": "C'est quand le
// séminaire ?" asks when, as "C'est où le séminaire ?" asks where, though
// "quand le" opens a clause elsewhere ("Quand le VPN coupe, …").
func afterCest(words []string, i int) bool {
	return i >= 2 && words[i-2] == "c" && words[i-1] == "est"
}

// clauseSubjects are, by the question word, the words after which
// "when" or "quand" opens a clause, not a question: "When I open Outlook,
// it crashes" says when it crashes, and asks nothing; "When does the
// office close?" asks. Each question word's are its own language's: "a"
// is the English article ("When a laptop is lost, …") but French's "has"
// ("Quand a lieu la session d'onboarding ?" asks when). English's take
// "on" too: "When on call, …".
var clauseSubjects = map[string]map[string]bool{
	"when":  wordSet("i we you he she they it there my our your their the a an this that on"),
	"quand": wordSet("je j on nous tu vous il elle ils elles le la les l mon ma mes un une ce c ça"),
}

// helpCalls are the words after "who" of a sentence that calls for help
// rather than asks: "Who can help?", "Who knows?", "Qui peut m'aider ?"
// ask for nobody in particular, and the question is elsewhere, or after
// them ("Who knows why…?").
var helpCalls = map[string]bool{
	"can": true, "could": true, "help": true, "me": true, "us": true, "know": true, "knows": true,
	"here": true, "please": true, "peut": true, "pourrait": true, "m": true, "nous": true, "aider": true,
	"sait": true, "ici": true, "svp": true,
}

// failingWords are the words that say something fails, in English and in
// French, as phraseWords splits them: said so, a problem needs no
// negation ("Why does the VPN fail to connect?", "Pourquoi la connexion
// échoue ?").
var failingWords = func() map[string]bool {
	const words = failingInGeneralWords + `
		unable impossible broken broke crash crashes crashed crashing
		error errors stuck refuse refuses refused freeze freezes froze frozen denied
		incapable erreur erreurs plante plantent planté
		bloqué bloquée cassé cassée refuse refusent panne refusé refusée`
	// Chat often writes French without its accents.
	return wordSet(words + " " + FoldAccents(words))
}()

// failingInGeneral are the failing words that say only that something
// fails, not how: a question saying it so asks what one saying how asks
// ("Docker build fails with permission denied", "Permission denied when
// building the Docker image"), as a verb of getting asks what a way to
// get does. Two ways to fail are no more alike than before: a crash is
// not an error. A problem with something says it fails: "Qui contacter
// pour un problème d'imprimante ?" asks what "Who should I contact about
// a broken printer?" asks ("issue" is a ticket as often).
var failingInGeneral = wordSet(failingInGeneralWords + " " + FoldAccents(failingInGeneralWords))

const failingInGeneralWords = `fail fails failed failing failure échoue échouent échouer échoué échec
	problem problems problème problèmes souci soucis`

// failingPhrases say that something does not work, or no longer does,
// without saying how: "My badge stopped working" asks what "My badge
// doesn't work", "Mon badge ne marche plus" and "My badge fails" ask.
// Their words say failing in general where the phrase is written, and only
// there: "working" alone is work, "plus" more. Each is split as
// phraseWords splits ("doesn't" is "doesn" and "t"), and listed by its
// first word.
var failingPhrases = func() map[string][][]string {
	phrases := make(map[string][][]string)
	add := func(phrase string) {
		words := phraseWords(phrase)
		phrases[words[0]] = append(phrases[words[0]], words)
	}
	for _, work := range []string{"work", "works", "working"} {
		for _, before := range []string{"stopped", "stops", "stop", "not", "no longer",
			"doesn't", "don't", "didn't", "won't", "isn't", "aren't", "wasn't"} {
			add(before + " " + work)
		}
	}
	for _, work := range []string{"marche", "marchent", "fonctionne", "fonctionnent"} {
		for _, negation := range []string{"plus", "pas"} {
			add(work + " " + negation)
		}
	}
	return phrases
}()

// failingIn returns the words of tokens, a text's words as written and
// lower-cased, that say something fails, each with whether it says only
// that (failingInGeneral, failingPhrases); nil when there are none.
func failingIn(tokens []string) map[string]bool {
	var failing map[string]bool
	mark := func(t string, general bool) {
		if failing == nil {
			failing = make(map[string]bool)
		}
		failing[t] = failing[t] || general
	}
	for i, t := range tokens {
		if failingWords[t] {
			mark(t, failingInGeneral[t])
		}
		for _, p := range failingPhrases[t] {
			if phraseAt(tokens, i, p) {
				for _, w := range p {
					mark(w, true)
				}
			}
		}
	}
	return failing
}

// asksWhenHowMuchOrWhy tells whether a asks when, how much or why.
func (a asked) asksWhenHowMuchOrWhy() bool { return a&(askTime|askQuantity|askReason) != 0 }

// onlyYesOrNo tells whether a asks for no kind of answer, only yes or no
// in one of the ways of yesOrNo.
func (a asked) onlyYesOrNo(yesOrNo asked) bool { return a&askKinds == 0 && a&yesOrNo != 0 }

// whetherOf returns askWhether when words, a sentence, opens after its
// greetings with an auxiliary asking yes or no ("Is…", "Do…", "Are…") or
// with "est-ce que", and holds no question word after it. A French
// question asked by its intonation alone is not read so ("La cantine est
// ouverte le samedi ?"): a statement is written the same.
func whetherOf(words []string) asked {
	i := afterGreetings(words)
	switch {
	case estCeQueAt(words, i):
		i += 3
	case i < len(words) && yesNoOpeners[words[i]]:
		i++
	default:
		return 0
	}
	if holdsQuestionWord(words[i:]) {
		return 0
	}
	return askWhether
}

// "Is there a list of public holidays somewhere?" asks what "Where can I
// find the list of public holidays?" asks: a question asking yes or no
// whether something is somewhere asks where it is. somewhereAt tells
// where in such a sentence the word or phrase saying so stands, and how
// long it is (0 when the sentence is none).
func somewhereAt(words []string) (at, n int) {
	if whetherOf(words) == 0 {
		return 0, 0
	}
	for i, w := range words {
		switch {
		case w == "somewhere" || w == "anywhere":
			return i, 1
		case w == "quelque" && i+1 < len(words) && words[i+1] == "part":
			return i, 2
		}
	}
	return 0, 0
}

// estCeQueAt tells whether words hold "est-ce que" or "est-ce qu'" from
// i on, as phraseWords splits them: three words either way.
func estCeQueAt(words []string, i int) bool {
	return i+2 < len(words) && words[i] == "est" && words[i+1] == "ce" && (words[i+2] == "que" || words[i+2] == "qu")
}

// yesNoOpeners are the auxiliaries an English question asking yes or no
// opens with, as phraseWords splits them ("isn't" is "isn" and "t").
var yesNoOpeners = wordSet("is are was were do does did will has have isn aren doesn don didn")

// differs reports whether a, a new question, asks for another thing than
// b, an old one: each asks for a kind of answer and none the other asks
// for, a place and a person asked alike; one asks whether one may and the
// other whether one must; one asks when, how much or why, and the other
// only whether one may or must, which does not tell it ("Les RTT, faut
// les poser avant quand ?" and "Je peux poser un RTT la veille d'un jour
// férié ?"); the new one asks when, how much or why, and the old one only
// whether something is so: "Is the gym open on Sundays?" answered yes
// tells no hours, though the hours that answer "When is the gym open on
// Sundays?" tell whether it is; one asks how long and the other what it
// costs; or both open with a question word and one is negated, the other
// not, unless the one not negated says a failure (a problem said two
// ways: "Why doesn't the VPN connect?" and "Why does the VPN fail to
// connect?", "Mon badge ne marche plus, je contacte qui ?" and "My badge
// stopped working, who do I contact?").
func (a asked) differs(b asked) bool {
	ka, kb := a&askKinds, b&askKinds
	if ka != 0 && kb != 0 && ka&kb == 0 && ka|kb != askPerson|askPlace {
		return true
	}
	if ma, mb := a&(askMay|askMust), b&(askMay|askMust); ma != 0 && mb != 0 && ma&mb == 0 {
		return true
	}
	if a.asksWhenHowMuchOrWhy() && b.onlyYesOrNo(askMay|askMust|askWhether) || b.asksWhenHowMuchOrWhy() && a.onlyYesOrNo(askMay|askMust) {
		return true
	}
	if qa, qb := a&(askDuration|askCost), b&(askDuration|askCost); qa != 0 && qb != 0 && qa&qb == 0 {
		return true
	}
	if a&b&askOpen == 0 || (a^b)&askNegated == 0 {
		return false
	}
	plain := a
	if a&askNegated != 0 {
		plain = b
	}
	return plain&askFailing == 0
}
