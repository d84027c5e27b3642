package knowledge

import (
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Whether a past question asks the same thing as a new one is judged on
// the words that carry meaning, both ways: what the new question asks must
// be in the old one, and the old one must ask nothing the new one does not.
// "Reconnect the printer after the certificate expired" and "reconnect the
// VPN after the certificate expired" share most of their words, but the
// word each lacks (printer, VPN) is among the rarest in the whole history,
// so each misses a large share of the other's meaning.
//
// A word's weight is its rarity in the history (its inverse document
// frequency, as BM25 weighs it), and a word may be matched through a
// translation, either question's: a French question's words are found in
// an English one through the French words' translations, and the English
// one's in the French one through theirs (see held). The few little words
// that say which way a question goes (above or below, with or without) are
// read from the texts themselves (polarity.go).

// sameness is the agreement of two questions' meaning-bearing words, from 0
// (nothing in common) to 1 (every word of each found in the other), with
// what each misses.
type sameness struct {
	// Asked is the weighted share of the new question's words found in
	// the old one; Covered the weighted share of the old one's words found
	// in the new one.
	Asked, Covered float64
	// Conflict is the share of meaning of the heaviest word each question
	// lacks from the other, the smaller of the two: a word swapped for
	// another ("printer" for "VPN", "staff" for "senior"); or, if more,
	// a part of the heaviest word the new question adds (addedWordShare),
	// or of the heaviest of the old one's that a new question telling its
	// situation never says (compareTold).
	Conflict float64
	// Swapped is set when both those words are missing entirely, not even
	// found through an uncertain translation: a true swap, not a doubt.
	Swapped bool
	// Overlap is the harmonic mean of Asked and Covered: high only when
	// both are.
	Overlap float64
}

// asks is how surely two questions ask the same thing, judged on what
// each asks in short (a title, or a one-line message): their overlap,
// where a swapped word weighs decisively. In a question of four words that
// carry meaning, changing one changes the question.
func (s sameness) asks() float64 {
	power := doubtPower
	if s.Swapped {
		power = swapPower
	}
	return s.Overlap * math.Pow(1-s.Conflict, power)
}

// doubtPower is how hard the heaviest words the two questions miss count
// against sameness when one of them is only partly found, through a
// translation the dictionaries give among others: doubt about a word.
// swapPower is how hard they count when each question has a word the
// other lacks entirely: the factor squared, since a swap changes what is
// asked, whatever the words' rarity. In a history of two thousand
// questions, "training expenses above 500 euros" against "travel
// expenses…" has five words of close rarity and one swapped: the doubt's
// factor left it at a confidence of 0.52; the swap's at 0.15.
const (
	doubtPower = 4.0
	swapPower  = 2 * doubtPower
)

// bag is a question's words ready to be compared: their weights and, per
// term, how surely the question holds it (1 for its own words, less for a
// translation of one).
type bag struct {
	words   []Word
	weights []float64
	// distinct are the indexes in words of the words that count, each
	// once however often it is written (by its first term); meaning is
	// each one's weight by that term, and total their sum.
	distinct []int
	meaning  map[string]float64
	total    float64
	holds    map[string]float64
	own      map[string]bool // the terms of its own words
	// translationHolds is how surely it holds each term through its
	// words' translations alone.
	translationHolds map[string]float64
	written          map[string]bool // its own words as written
	// phrase is its text read for acronyms, and acronyms the letters of
	// its words, by index, that may be acronyms (see withText).
	phrase   phrase
	acronyms map[int][]rune
	// senses are the words of its text that are verbs asking what other
	// verbs ask alike, and saysSense which senses it asks (verbs.go).
	senses    map[string]verbSense
	saysSense [verbSenses]bool
	// asking are the words of its text that only say what it asks for
	// (see askingWords), and reaching the verbs it says how to reach a
	// person with (see reachingWords); asks is what its questions ask for
	// (askedOf), as its text's polarity read it.
	asking, reaching map[string]bool
	asks             asked
	// named are the nouns of its text that name the kind of answer it
	// asks for, each with that kind (namedKinds).
	named map[string]asked
	// negating are the words of its text that only negate (see
	// negatingWords), and negates whether its text negates at all.
	negating map[string]bool
	negates  bool
	// grammatical are the words of its text that only say its time is
	// soon or compare, which the other language says in words the
	// analysis drops (see grammaticalWords).
	grammatical map[string]bool
	// translated holds each word's own translations, when the other
	// question may be in the other language (see withTranslations).
	translated [][]QueryWord
	// vocabulary tells which words may be misspelt, and misspelt which
	// of its own words may be.
	vocabulary vocabulary
	misspelt   []bool
	// names are its words written as names (namesIn), never misspelt.
	names map[string]bool
	// failing are its words that say something fails, each with
	// whether it says only that (failingIn).
	failing map[string]bool
	// employer are its words that say something is the employer's
	// (employerWordsIn).
	employer map[string]bool
	// actions are the verbs its questions asking how ask how to do
	// (statesAndActions), as its text's polarity read them.
	actions map[string]bool
}

// withWay returns b with what its text's polarity, p, reads that
// sameness needs: the verbs its questions asking how ask to do, and what
// they ask for.
func (b bag) withWay(p polarity) bag {
	b.actions, b.asks = p.actions, p.asks
	return b
}

// saysFailing tells whether word is one of b's that say something fails.
func (b bag) saysFailing(word string) bool {
	_, ok := b.failing[word]
	return ok
}

// failsInGeneral tells whether b says that something fails without
// saying how (failingInGeneral).
func (b bag) failsInGeneral() bool {
	for _, general := range b.failing {
		if general {
			return true
		}
	}
	return false
}

// courtesies are the words that greet, ask kindly, apologise or thank, and
// say nothing of what is asked: "Hi, how do I renew my badge? Thanks!"
// asks what "How do I renew my badge?" asks. The index keeps them, and a
// question is found by them as by any word, but they do not count in its
// meaning: in a young history, "please" was as rare as "badge".
var courtesies = map[string]bool{
	"hi": true, "hello": true, "hey": true, "please": true, "pls": true, "plz": true,
	"thanks": true, "thank": true, "thx": true, "cheers": true, "regards": true,
	"bonjour": true, "bonsoir": true, "salut": true, "coucou": true, "merci": true,
	"svp": true, "stp": true, "cordialement": true, "sorry": true, "désolé": true, "desole": true,
}

// fillers are the adverbs and prepositions the index keeps that say how a
// question is put, not what it asks: "How to rebase onto main?" asks what
// "How do I rebase my branch on main?" asks, "Why is Outlook still
// crashing?" what "Why is Outlook crashing?" asks. Like courtesies, they
// do not count in a question's meaning: in a young history, "onto" was as
// rare as "rebase". So are the words that ask for help or hedge ("locked
// out of okta, help?", "I think I clicked a phishing link", "qqn peut
// m'aider ?"), which say that the asker needs an answer, not which, and
// the adverbs of habit ("usually", "normalement"), which ask what is
// done, as the question without them does. "Whole" and "entire" say
// "all", which the analysis drops, as it drops the "toute" of "toute
// l'équipe". Words that restrict ("within", "since", "until"), negate
// ("nothing", "nobody") or say when ("now": "Are you having a fever now?"
// is not "How high is your fever?") are not among them.
var fillers = wordSet(`
	onto upon towards toward unto also just even still already really actually quite rather
	somehow anyway anyways basically however though although hence thus therefore maybe perhaps
	yet currently simply help think guess suppose anymore whole entire via aider
	usually typically normally generally
	déjà deja vraiment juste actuellement simplement toujours sinon pourtant cependant bref voilà
	voila également egalement plutôt plutot franchement
	généralement generalement normalement habituellement`)

// newBag weighs words by rarity; translations add terms the question holds
// less surely (see held).
func newBag(words []Word, v vocabulary, translations []QueryWord) bag {
	b := bag{
		words: words, weights: make([]float64, len(words)), meaning: make(map[string]float64, len(words)),
		holds: make(map[string]float64, 2*len(words)), own: make(map[string]bool, 2*len(words)),
		written: make(map[string]bool, len(words)), vocabulary: v, misspelt: make([]bool, len(words)),
	}
	for i, w := range words {
		b.weights[i] = v.rarity(w)
		b.misspelt[i] = v.misspelt(w)
		b.written[w.Text] = true
		for _, t := range w.Terms {
			b.holds[t] = 1
			b.own[t] = true
		}
		for _, t := range v.alsoSpelt(w) {
			b.holds[t] = 1
			b.own[t] = true
		}
		if len(w.Terms) == 0 || courtesies[w.Text] || fillers[w.Text] {
			continue
		}
		if _, seen := b.meaning[w.Terms[0]]; !seen {
			b.meaning[w.Terms[0]] = b.weights[i]
			b.distinct = append(b.distinct, i)
			b.total += b.weights[i]
		}
	}
	b.translationHolds = make(map[string]float64, len(translations))
	for _, tr := range translations {
		for _, t := range tr.Terms {
			b.holds[t] = math.Max(b.holds[t], held(tr.Weight))
			b.translationHolds[t] = math.Max(b.translationHolds[t], held(tr.Weight))
		}
	}
	return b
}

// A name is the word written, not whatever shares its stem: "Will you
// marry me?" is not "Sais-tu où habite Mary ?", though "marry" and "Mary"
// share the French stem "mari", nor "Teams" a team. So a stem shared by
// two words written otherwise, one a name and the other not, counts for
// nothing; two names sharing a stem are one name in two languages
// ("Italie", "Italy"), and a name is still found as written, misspelt,
// or through a translation of a name ("Londres", "London").

// heldAsName tells whether b holds term t of w, a word of the other
// question written as a name or not (name), only through words written
// otherwise of which one only is a name.
func (b bag) heldAsName(t string, w Word, name bool) bool {
	if !name && len(b.names) == 0 {
		return false // most questions: no name on either side
	}
	written, shared := asWritten(w.Text), false
	for _, x := range b.words {
		if !slices.Contains(x.Terms, t) {
			continue
		}
		if asWritten(x.Text) == written || name == b.isName(x.Text) {
			return false
		}
		shared = true
	}
	return shared
}

// withTranslations returns b with each word's translations (as
// Lexicon.TranslateWords gives them, a phrase's for its words), so that a
// word is found in a question in the other language through its own
// translations too, not only through the other's: the dictionaries are
// not symmetric. "vu" translates to "see", while "see" has seven
// translations, of which "voir" (whose form "vu" is) weighs a seventh:
// found through its own, "vu" is in "did you see anyone"; found through
// the other's alone, hardly. And "mot" and "passe" of "mot de passe" are
// found in "password" as the phrase, not as "word" and "pass".
func (b bag) withTranslations(translations [][]QueryWord) bag {
	b.translated = translations
	return b
}

// held is how surely a question holds a translation of one of its words
// that weighs weight in the search, when the other question has it: the
// square root of its share of the word. The search shares a word among all
// its translations, since it cannot tell which sense is meant; the other
// question holding one of them is evidence for that sense ("mot de passe"
// has four translations, and a question that has "password" settles it),
// but not proof, since dictionaries list rare senses beside common ones.
// The root lies between the two: a translation of one of four counts half,
// one of two 0.71.
func held(weight float64) float64 { return math.Sqrt(weight) }

// found is how surely b holds word w: the best of its terms and of the
// terms w has when spelt the other way (an ordinal's number, a British
// spelling's American one; see alsoSpelt), or surely when one of b's words
// is w misspelt, clipped or contracted, or w one of them so, or when two
// of b's words side by side make w (spelling.go).
func (b bag) found(w Word, name bool) float64 {
	best := 0.0
	for _, t := range w.Terms {
		if b.own[t] && b.heldAsName(t, w, name) {
			best = math.Max(best, b.translationHolds[t])
			continue
		}
		best = math.Max(best, b.holds[t])
	}
	for _, t := range b.vocabulary.alsoSpelt(w) {
		best = math.Max(best, b.holds[t])
	}
	if best == 0 && (b.holdsMisspelt(w, name) || b.holdsApart(w) || b.holdsClipped(w)) {
		return 1
	}
	return best
}

// foundVia is how surely b holds the word whose translations are
// translations, a word of from: through the best of them that is one of
// b's own words and none of from's, or through the parts b holds of
// translations of several words (QueryWord.Part), which add up. "Combien
// de jours de congé ?" is "day off" twice over, and "What a wonderful
// day" holds half of it, not all; "laver" of "machine à laver" has
// "washing machine", whose "machine" is from's own word too, and finds
// nothing of "laver" in "Who fixes the coffee machine?". A cognate
// (QueryWord.Cognate) is held as the whole word: "statut" has five
// senses in the dictionary, and held at a fifth by "status" it made "Elle
// est où la page de statut ?" another question than "Where's the status
// page?".
func (b bag) foundVia(translations []QueryWord, from bag, name bool) float64 {
	best, parts := 0.0, 0.0
	for _, tr := range translations {
		if !slices.ContainsFunc(tr.Terms, func(t string) bool { return b.own[t] && !from.own[t] && (name || !b.onlyNamesHold(t)) }) {
			continue
		}
		weight := tr.Weight
		if tr.Cognate {
			weight = 1
		}
		if tr.Part == 0 {
			best = math.Max(best, held(weight))
		} else {
			parts += held(weight) * tr.Part
		}
	}
	return math.Max(best, math.Min(1, parts))
}

// asWritten is a word as a name is written, whatever its accents and
// possessive: "Tom's" names Tom, "Hôtel" and "Hotel" one hotel.
func asWritten(text string) string { return FoldAccents(withoutPossessive(text)) }

// withoutPossessive is text without the possessive English adds to a
// name: "Tom's" is Tom's, and namesIn, which splits at the apostrophe,
// keeps "tom".
func withoutPossessive(text string) string {
	for _, possessive := range []string{"'s", "’s"} {
		text = strings.TrimSuffix(text, possessive)
	}
	return text
}

// isName tells whether b writes the word text as a name (namesIn), with
// its accents and without its possessive.
func (b bag) isName(text string) bool { return b.names[withoutPossessive(text)] }

// onlyNamesHold tells whether the words of b holding term t are all
// written as names: a translation of a word that is no name does not find
// them.
func (b bag) onlyNamesHold(t string) bool {
	if len(b.names) == 0 {
		return false
	}
	shared := false
	for _, x := range b.words {
		if slices.Contains(x.Terms, t) {
			if !b.isName(x.Text) {
				return false
			}
			shared = true
		}
	}
	return shared
}

// addedWordShare is how much a word the new question asks and the old one
// lacks counts as a conflict, against 1 for a swapped word: a question
// with a word added asks something narrower ("a new laptop charger"
// against "a new laptop"), which the old answer may not cover, but the
// added word often only says more of the same problem ("the Python
// version"). Without it, any question that shares one word with a
// question of one word ("Did someone die?" and "Were you with anyone?",
// "Beaches") matched as surely as a rewording.
const addedWordShare = 0.3

// A verb the new question adds where the old one says no verb of a sense
// (verbs.go) is what it asks, not more of the same: "Who approves expense
// reports over $5,000?" against "Comment je fais une note de frais ?",
// whose "faire" the analysis drops, was 0.50. It counts as a word swapped,
// not one added. Not a verb of getting, finding or viewing: "How many
// weeks of paternity leave do we get?" asks what "How long is paternity
// leave?" asks, "Where can I find the template?" what "Where is the
// template?" asks, and "Where can I see my payslips?" what "Where are my
// payslips?" asks.

// asksToDo tells whether word is the verb b's question asks how to do
// ("How do I reset…?", "Comment réinitialiser… ?"), not a participle
// ("Comment s'est passé le voyage ?" asks how it went).
func (b bag) asksToDo(word string) bool {
	for _, done := range []string{"é", "ée", "és", "ées"} {
		if strings.HasSuffix(word, done) {
			return false
		}
	}
	return b.actions[FoldAccents(word)]
}

// A question may ask to do something to what another asks how to do,
// saying that as done: "need to delete a scheduled LinkedIn post" against
// "How do I schedule a LinkedIn post?", "need to cancel a time off
// request" against "How do I request time off?", "cmt on revert une PR
// déjà mergée" against "Comment merger une PR ?". The old question's verb
// is found in the new one, and the verb the new one asks how to do is one
// word the old one lacks among others, which often only says more of the
// same: it counts as a word swapped. So does a verb that undoes, where the
// new question names the old one's verb by its noun: "Comment j'annule une
// réservation de bureau ?" against "Comment je réserve un bureau ?" (0.93
// before), "cancel my registration" against "register". Another verb
// before such a noun often says the same as the old one's ("passer une
// commande", "poser une demande de congé", "file an expense claim"), so
// only a verb that undoes counts.

// And the other way round: an old question may ask to do something to what
// the new one asks how to do. "How do I cancel a meeting room booking for
// tomorrow?" was handed back for "How do I book a meeting room for
// tomorrow?" (0.98), and "Comment annuler la réservation d'une salle…"
// for "Comment réserver une salle…": the new question's verb is found in
// the old one ("booking", "réservation"), whose own verb the new one
// lacks, one word among the old one's. The verb an old question asks how
// to do, missing from a new one that asks how to do a verb the old one
// holds, counts as a word swapped too.

// addsVerb tells whether w, a word of b that in lacks, is a verb that
// changes what is asked: a verb of a sense where in says none (above
// compare), or the verb b asks how to do where in asks how to do nothing
// (asksToDo) or something b says as done (saysDone).
func (b bag) addsVerb(in bag, w Word, inSaysNone bool) bool {
	sense := b.senses[w.Text]
	toDo := sense == noSense && b.asksToDo(w.Text)
	return inSaysNone && (sense > viewing || toDo && len(in.actions) == 0) ||
		toDo && (b.saysDone(in.actions) || undoingVerbs[FoldAccents(w.Text)] && b.namesAction(in))
}

// undoingVerbs are the forms of the verbs that undo what was done, without
// accents.
var undoingVerbs = wordSet(`
	cancel cancels cancelled canceled cancelling canceling undo undoes delete deletes
	withdraw withdraws revoke revokes unsubscribe unsubscribes
	annuler annule annules annulez annulons annulent supprimer supprime supprimez
	revoquer revoque revoquez resilier resilie resiliez desinscrire desinscris desinscrit desinscrivez`)

// The verb of a question asking how to do something by its noun, where
// the other question asks it by its verb, is no miss when it only says
// doing: "How do I place an order for a new headset?" asks what "How do I
// order a new headset?" asks, "Comment passer une commande… ?" what
// "Comment commander… ?" asks (0.06 before: the verb counted as one
// swapped, above).
var lightVerbs = wordSet(`
	place places placing make makes making file files filing raise raises raising lodge
	submit submits submitting
	passer passe passes passez faire fais fait faites effectuer effectue effectuez
	poser pose posez deposer depose deposez formuler formule formulez`)

// doesByNoun tells whether word is a light verb (lightVerbs) that b asks
// how to do before the noun of a verb in asks how to do.
func (b bag) doesByNoun(word string, in bag) bool {
	return lightVerbs[FoldAccents(word)] && b.asksToDo(word) && b.namesAction(in)
}

// namesAction tells whether b holds, otherwise than as a verb it asks how
// to do, one of the verbs in asks how to do: "une réservation" holds the
// "réserve" of "Comment je réserve un bureau ?".
func (b bag) namesAction(in bag) bool {
	for _, i := range in.distinct {
		w := in.words[i]
		if in.asksToDo(w.Text) && !b.asksToDo(w.Text) && b.found(w, false) > 0 {
			return true
		}
	}
	return false
}

// saysDone tells whether b says one of actions, verbs another question
// asks how to do, other than as a verb it asks how to do: as written or as
// a participle ("scheduled", "mergée").
func (b bag) saysDone(actions map[string]bool) bool {
	for _, t := range b.phrase.tokens {
		t = FoldAccents(t)
		if actions[t] && !b.actions[t] || slices.ContainsFunc(participleOf(t), func(v string) bool { return actions[v] && !b.actions[v] }) {
			return true
		}
	}
	return false
}

// compare measures how much of asked's meaning is in old and the other
// way round. Each word counts once, however often it is written.
func compare(asked, old bag) sameness { return compareTold(asked, asked, old) }

// compareTold is compare where the new question tells more than it asks
// (askingSentences): what it asks (asked) must be in the old one, and the
// old one's words may be found anywhere in what it tells (told). "How do I
// book a meeting room in the Paris office?" is asked by "J'ai un atelier
// jeudi au bureau de Paris. Comment je réserve une salle de réunion ?",
// whose office is in the situation it tells. A message that tells its
// situation is no terse rewording, though: a word of the old question it
// never says counts against sameness as a word it adds does, so that
// "Je voudrais repasser à temps plein. Comment je fais la demande ?" is
// not "Comment demander une mutation ?".
func compareTold(asked, told, old bag) sameness {
	// share returns the weighted share of from's words found in in, the
	// share of the heaviest one missed, whether it is missing entirely,
	// the share of the words missing from in that change what is asked
	// (changes: a verb, see addsVerb), and whether in holds a verb from
	// asks how to do.
	share := func(from, in bag, changes func(Word) bool) (found, heaviestMissed float64, absent bool, verbs float64, actionFound bool) {
		spellingAcronyms, read := map[string]bool(nil), false
		total := from.total
		for _, i := range from.distinct {
			w := from.words[i]
			f := in.found(w, from.isName(w.Text))
			if f == 0 && !read {
				spellingAcronyms, read = in.spellingAcronymsOf(from), true
			}
			// A verb asking what one of in's asks is found whole, even
			// where a translation among others found it in part:
			// "commander" is one of "order"'s many French senses, but
			// both ask to buy.
			if f == 0 && (in.holdsTogether(from, i) || in.spells(from, i) || spellingAcronyms[w.Text]) || f < 1 && in.asksAlike(from, w) {
				f = 1
			}
			// Across the languages, a word is found through in's
			// translations and through its own: two dictionaries'
			// entries, one each way, and each is evidence for the sense
			// both questions share, so they add up as independent
			// evidence does. "partager" is one of four senses of
			// "share" and "share" one of four of "partager", each
			// found at half; together at three quarters.
			if from.translated != nil {
				f = 1 - (1-f)*(1-in.foundVia(from.translated[i], from, from.isName(w.Text)))
			}
			// Two questions for a person agree on how to reach them,
			// whichever verb each says it with: "ask" and "contacter";
			// and the one to reach about something is the one who
			// handles it ("Who should I talk to about payroll?", "Who
			// handles payroll?").
			if f < 1 && (from.reaching[w.Text] && (len(in.reaching) > 0 || in.saysSense[managing] && in.asks&askPerson != 0) ||
				from.senses[w.Text] == managing && from.asks&askPerson != 0 && len(in.reaching) > 0) {
				f = 1
			}
			// Where everyone works for the same employer, its phone is
			// a "work phone", a "company phone" or a "téléphone pro",
			// and travel for it is "business travel" or "travelling
			// for work": each word saying so agrees with the others.
			if f < 1 && from.employer[w.Text] && len(in.employer) > 0 {
				f = 1
			}
			// Saying that something fails agrees with saying how it
			// fails (failingInGeneral).
			if f < 1 && (from.failing[w.Text] && len(in.failing) > 0 || from.saysFailing(w.Text) && in.failsInGeneral()) {
				f = 1
			}
			// A word that says what is asked ("time" of "what
			// time") agrees when the other holds it, and is no miss
			// when it does not: "When…?" asks for a time too. So
			// does a word that only says the time is soon or compares
			// (grammaticalWords); and a word that only negates, when
			// the other negates too or says something fails: "ne se
			// connecte plus" and "won't connect". Against a text that
			// does neither ("Mon badge ne marche plus", "My badge
			// works"), it is the difference.
			if f < 1 && from.grammatical[w.Text] && len(in.grammatical) > 0 {
				f = 1 // both say it: "Who's going to pay?", "Qui va payer ?"
			}
			// A noun naming the kind of answer asked is no miss from a
			// question asking for that kind with its question word:
			// "What's the address of the Lyon office?" asks what
			// "Where is the Lyon office?" asks.
			if f < 1 && (from.asking[w.Text] || from.named[w.Text]&in.asks&askKinds != 0 || from.grammatical[w.Text] ||
				from.negating[w.Text] && (in.negates || len(in.failing) > 0) || from.doesByNoun(w.Text, in)) {
				total -= from.weights[i]
				continue
			}
			found += from.weights[i] * f
			if missed := from.weights[i] * (1 - f); missed > heaviestMissed {
				heaviestMissed, absent = missed, f == 0
			}
			if f == 0 && changes(w) {
				verbs += from.weights[i]
			}
			actionFound = actionFound || f > 0 && from.asksToDo(w.Text)
		}
		if total <= 0 {
			return 0, 0, false, 0, actionFound
		}
		return found / total, heaviestMissed / total, absent, verbs / total, actionFound
	}
	var s sameness
	var missedAsked, missedCovered, verbAdded, oldVerbAdded float64
	var absentAsked, absentCovered, actionInOld bool
	oldSaysNone := !slices.Contains(old.saysSense[:], true)
	s.Asked, missedAsked, absentAsked, verbAdded, actionInOld = share(asked, old, func(w Word) bool {
		return asked.addsVerb(old, w, oldSaysNone)
	})
	s.Covered, missedCovered, absentCovered, oldVerbAdded, _ = share(old, told, func(w Word) bool {
		return actionInOld && old.asksToDo(w.Text)
	})
	s.Conflict = max(math.Min(missedAsked, missedCovered), addedWordShare*missedAsked, verbAdded, oldVerbAdded)
	if told.total > asked.total {
		s.Conflict = max(s.Conflict, addedWordShare*missedCovered)
		// Where what is asked holds a word the old question lacks, an
		// old word only the rest of the message says is set against it,
		// not told beside it: "Comment accéder aux logs de staging dans
		// Kibana ? j'ai l'accès prod mais pas staging" swaps "prod" for
		// "staging" in what it asks. The two are compared as a question
		// without a situation would be.
		if absentAsked {
			if _, missedInAsked, absentInAsked, _, _ := share(old, asked, func(Word) bool { return false }); absentInAsked {
				s.Conflict = max(s.Conflict, math.Min(missedAsked, missedInAsked))
				absentCovered = true
			}
		}
	}
	s.Swapped = s.Conflict > 0 && absentAsked && absentCovered
	if s.Asked+s.Covered > 0 {
		s.Overlap = 2 * s.Asked * s.Covered / (s.Asked + s.Covered)
	}
	return s
}

// A question may say what it asks about in a phrase the other question
// lacks altogether: "How long is parental leave for fathers?" against "How
// long is parental leave?", "How do I restart the staging cluster after
// an outage?" against "How do I restart the staging cluster?". The words
// of such a phrase are few and the rest agree, so overlap alone keeps the
// two close (0.98 and 0.86); but the phrase restricts what is asked, to
// fathers or to after an outage, and the answer to one may not answer the
// other. A restriction is a phrase opened by one of restrictingWords whose
// every word the other question lacks, and it counts against sameness as
// a doubt does (doubtPower) for its share of the question's meaning.
// So does a condition ("if I refer an intern", "si je recommande un
// stagiaire"): the answer to the question without it may not hold under
// it.
//
// "Of" and "de" open no restriction: they make compounds ("days of
// holiday", "salle de réunion", "mot de passe") that a question may name
// in short ("holidays", "une salle"), except before a possessive, where
// they say whose ("le mariage de mon frère"; see whose). "À" opens one
// only where it says where (see atPlace). Nor does a phrase none of whose
// words weighs as much as the question's words on average: "in Qatar" in
// a forum about living in Qatar, or "in Slack" in a workspace, is the
// place many questions are asked in, not a restriction.
var restrictingWords = map[string]bool{
	"for": true, "with": true, "in": true, "on": true, "at": true, "after": true, "before": true,
	"during": true, "about": true, "from": true, "to": true, "without": true,
	"over": true, "above": true, "under": true, "below": true, "beyond": true, "within": true,
	"since": true, "until": true, "except": true, "if": true, "unless": true,
	"pour": true, "avec": true, "dans": true, "sur": true, "chez": true, "après": true, "avant": true,
	"pendant": true, "sans": true, "en": true, "depuis": true, "sauf": true, "hors": true, "si": true, "s'il": true, "s'ils": true,
}

// whose tells whether words[i], a text's words split at spaces, opens a
// complement saying whose: "of" or "de" before a possessive ("le mariage
// de mon frère", "the manager of my team"). Before a bare noun they make
// a compound ("jours de congé"), which opens no restriction (above); and
// before an article they say much else ("plus d'une fois", "à cause
// d'une fusion").
func whose(words []string, i int) bool {
	return (words[i] == "of" || words[i] == "de") && i+1 < len(words) && possessives[words[i+1]]
}

// ofName tells whether words[i] is "of" or "de" before a name, as
// written: "la salle serveur de Nantes", "l'équipe de Bordeaux" say where
// or whose. It opens a restriction where none is open, and inside one it
// is part of it: "dans les locaux de Paris" restricts to the premises in
// Paris, and cut at "de", "les locaux" was a restriction of its own that
// "in the Paris office" lacked. An acronym is rather a compound's noun:
// "un jour de RTT", "le modèle de NDA".
func ofName(words, written []string, i int) bool {
	return (words[i] == "of" || words[i] == "de") && i+1 < len(words) && named(written[i+1]) && !inCapitals(written[i+1])
}

var possessives = wordSet("my your his her our their mon ma mes ton ta tes son sa ses notre nos votre vos leur leurs")

// restrictions returns the restrictions of text, each as the words the
// index's analysis (analyse) gives it.
func restrictions(text string, analyse func(string) []Word) [][]Word {
	var out [][]Word
	// A clause is split at spaces only, so that the analysis reads each
	// restriction's words as it reads the question's: "$5,000" is one.
	// French's "on" is a pronoun ("on a droit à", "on s'inscrit"), not
	// English's preposition.
	french := DetectLang(text) == "fr"
	// A phone types "s’il" for "s'il".
	text = StraightApostrophes(text)
	// written are a clause's words as written, words the same lower-cased.
	restricting := func(written, words []string, i int) bool {
		w := strings.Trim(words[i], "\"'()«»“”")
		return restrictingWords[w] && !(french && w == "on") && !infinitiveAt(words, i) || whose(words, i) || atPlace(words, written, i) ||
			french && onPeriod(words, i)
	}
	for _, part := range clauses(text) {
		written := strings.Fields(part)
		words := strings.Fields(strings.ToLower(part))
		for i := 0; i < len(words); i++ {
			if !restricting(written, words, i) && !ofName(words, written, i) {
				continue
			}
			end := i + 1
			for end < len(words) && !restricting(written, words, end) && !periodAt(words, end) {
				end++
			}
			for _, span := range atPossessive(words[i+1 : end]) {
				if phrase := analyse(strings.Join(span, " ")); len(phrase) > 0 {
					out = append(out, phrase)
				}
			}
			i = end - 1
		}
	}
	return out
}

// atPossessive splits a restriction's words after an English possessive
// ("employees'", "my manager's"), which says whose: the noun it owns
// restricts of its own. Read as one restriction, "for foreign employees'
// spouses" was held by "foreign employees" alone, and "Does the company
// pay for French classes for foreign employees?" answered the question
// about their spouses.
func atPossessive(words []string) [][]string {
	var out [][]string
	start := 0
	for i, w := range words[:max(0, len(words)-1)] {
		if possessive(w) {
			out = append(out, words[start:i+1])
			start = i + 1
		}
	}
	return append(out, words[start:])
}

// possessive tells whether an English word, lower-cased, owns the next
// one: "employees'", "the team's", but not a word with "is" contracted
// ("what's", "it's", "there's").
func possessive(word string) bool {
	word = strings.Trim(word, "\"()«»“”")
	if strings.HasSuffix(word, "s'") {
		return true
	}
	owner, ok := strings.CutSuffix(word, "'s")
	return ok && owner != "" && !contractsIs[owner]
}

var contractsIs = wordSet("it that there here what who where when how why he she let this")

// infinitiveAt tells whether words[i] is the "to" of an infinitive after
// a verb or a question word ("have to give", "need to", "how to"), which
// says what is done, not where or for whom: read as a restriction, "to
// give" made "How much notice do I have to give if I resign?" another
// question than "J'ai combien de préavis si je démissionne ?".
func infinitiveAt(words []string, i int) bool {
	return words[i] == "to" && i > 0 && beforeInfinitive[words[i-1]]
}

var beforeInfinitive = wordSet("have has had need needs want wants going able supposed allowed ought used try trying how what where when who which way")

// onPeriod tells whether words[i] is French's article before a day or a
// part of it, which says when as English's "on" or "in" does: "déployer
// en prod le vendredi" deploys on Fridays, "la nuit" at night. Read as
// part of "en prod", the day was held by "prod", and "How do I deploy to
// production?" was handed the answer of "Est-ce qu'on a le droit de
// déployer en prod le vendredi ?" (0.89).
func onPeriod(words []string, i int) bool {
	return (words[i] == "le" || words[i] == "la") && i+1 < len(words) && frenchPeriods[words[i+1]]
}

var frenchPeriods = wordSet("lundi mardi mercredi jeudi vendredi samedi dimanche week-end weekend matin soir midi nuit")

// atPlace tells whether words[i] is French's "à" before a name or a
// number, written: "à Lyon", "au 5e étage" say where. Elsewhere "à"
// completes a verb or a noun ("droit à", "adhérer à la mutuelle") and
// restricts nothing: read as a restriction everywhere, it made "adhérer"
// one of "pour adhérer à la mutuelle", and "à qui" one of "À qui dois-je
// parler pour la paie ?".
func atPlace(words, written []string, i int) bool {
	if w := words[i]; (w != "à" && w != "au" && w != "aux") || i+1 >= len(words) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(written[i+1])
	return named(written[i+1]) || unicode.IsDigit(r)
}

// named tells whether a word, as written, is a name: it opens with a
// capital.
func named(word string) bool {
	r, _ := utf8.DecodeRuneInString(word)
	return unicode.IsUpper(r)
}

// periodAt tells whether a phrase of several words saying a period
// ("this month", "cette année") opens at words[i]. It ends a restriction:
// "at the Lyon site this month" restricts to the site, and when the
// question asks about is polarity's to compare. Read as one restriction,
// its words were not all missing from "Are we having a fire drill this
// month?", which then answered the question about Lyon.
func periodAt(words []string, i int) bool {
	for _, ph := range poleOf[FoldAccents(words[i])] {
		if len(ph.words) > 1 && (ph.pole == poleThisPeriod || ph.pole == poleOtherPeriod) && foldedPhraseAt(words, i, ph.words) {
			return true
		}
	}
	return false
}

// clauses returns text split where a clause ends, at a point, a comma or
// a question mark, but not at the comma or point of a number: "over
// $5,000" restricts by all of its amount, not by "$5".
func clauses(text string) []string {
	var out []string
	start := 0
	for i, r := range text {
		if !strings.ContainsRune(".,?!:;\n", r) {
			continue
		}
		if (r == ',' || r == '.') && i > 0 && isDigit(text[i-1]) && i+1 < len(text) && isDigit(text[i+1]) {
			continue
		}
		if i > start {
			out = append(out, text[start:i])
		}
		start = i + 1
	}
	if start < len(text) {
		out = append(out, text[start:])
	}
	return out
}

func isDigit(b byte) bool { return '0' <= b && b <= '9' }

// A restriction that says an amount is held only with its amount: "pendant
// six mois" is not "pendant un mois", though both say "mois", nor "over
// $10,000" "over $1,000".
//
// isAmount tells whether word is a number, in digits or in words
// (numberWords).
func isAmount(word string) bool {
	_, inWords := numberWords[word]
	return word != "" && isDigit(word[0]) || inWords
}

// unrestricted returns the share of from's meaning (its words by weight)
// that lies in its restrictions (as restrictions gives them) that in
// lacks.
func unrestricted(restrictions [][]Word, from, in bag) float64 {
	if len(restrictions) == 0 || from.total == 0 {
		return 0
	}
	average := from.total / float64(len(from.distinct))
	var missing float64
	for _, phrase := range restrictions {
		var share, heaviest float64
		held, amountMissed := false, false
		for _, w := range phrase {
			if len(w.Terms) == 0 {
				continue
			}
			found := in.found(w, from.isName(w.Text)) > 0 || in.foundThrough(from, w)
			held = held || found
			amountMissed = amountMissed || !found && isAmount(w.Text)
			share += from.meaning[w.Terms[0]]
			heaviest = math.Max(heaviest, from.meaning[w.Terms[0]])
		}
		if (!held || amountMissed) && heaviest >= average {
			missing += share
		}
	}
	return math.Min(1, missing/from.total)
}

// employerWordsIn returns the words of tokens, a text's words
// lower-cased, that say something is the employer's or done for it
// (employerWords).
func employerWordsIn(tokens []string) map[string]bool {
	var found map[string]bool
	for _, t := range tokens {
		if employerWords[FoldAccents(t)] {
			found = addTo(found, t)
		}
	}
	return found
}

// employerWords say, in English and in French without accents, that
// something is the employer's or done for it. Not "business", which names
// things of their own as often ("business card", "business class", "carte
// de visite"): read so, "How do I order business cards?" answered "How do
// I order a company credit card?".
var employerWords = wordSet("company work corporate professional entreprise boite societe pro professionnel professionnelle professionnels professionnelles boulot taf")

// foundThrough tells whether b, a question in the other language than
// from, holds one of the translations of w, a word of from, or a word one
// of whose translations is w.
func (b bag) foundThrough(from bag, w Word) bool {
	if from.translated != nil {
		if i := slices.IndexFunc(from.words, func(o Word) bool { return o.Text == w.Text }); i >= 0 && b.foundVia(from.translated[i], from, from.isName(w.Text)) > 0 {
			return true
		}
	}
	for _, translations := range b.translated {
		for _, tr := range translations {
			if sharesTerm(tr.Terms, w.Terms) {
				return true
			}
		}
	}
	return false
}

// IDF is BM25's inverse document frequency of a term found in df of docs
// questions, as bleve scores it: a word in every question weighs almost
// nothing, one in none the most. df may be an average, as for the
// translations of one word.
func IDF(df, docs float64) float64 {
	df = min(df, docs) // counts may be a little stale
	return math.Log(1 + (docs-df+0.5)/(df+0.5))
}

// vocabulary is what the history and the dictionaries tell of the words
// two questions are compared on. listed keeps, by word as written, what
// the dictionaries said of it: a new question's word is compared with
// every match judged, and looked up once.
type vocabulary struct {
	stats   TermStats
	lexicon *Lexicon
	listed  map[string]bool
	// spelt keeps, by word as written, the terms of its other spelling:
	// American (americanTerms) or the infinitive or singular (baseTerms).
	spelt map[string][]string
}

func newVocabulary(stats TermStats, lexicon *Lexicon) vocabulary {
	return vocabulary{stats: stats, lexicon: lexicon, listed: make(map[string]bool), spelt: make(map[string][]string)}
}

// rarity is the weight of a word: the mean idf of its stems.
func (v vocabulary) rarity(w Word) float64 {
	if len(w.Terms) == 0 {
		return 0
	}
	sum := 0.0
	for _, t := range w.Terms {
		sum += IDF(float64(v.stats.DF[t]), float64(v.stats.Docs))
	}
	return sum / float64(len(w.Terms))
}

// lists tells whether a dictionary lists w, asking them once per word.
func (v vocabulary) lists(w Word) bool {
	listed, ok := v.listed[w.Text]
	if !ok {
		listed = v.lexicon.lists(w)
		v.listed[w.Text] = listed
	}
	return listed
}

// meaningful tells whether b holds a word of meaning beside those that
// only say what is asked, how to reach a person, or that the room is
// asked (askingTheRoom).
func (b bag) meaningful() bool {
	for _, i := range b.distinct {
		if w := b.words[i].Text; !b.asking[w] && !b.reaching[w] && !askingTheRoom[w] {
			return true
		}
	}
	return false
}

// askingTheRoom are the words with which a message asks its readers for
// what they know about the situation it told: "Who knows why?", "Any
// idea?", "Des idées ?", "Un conseil ?".
var askingTheRoom = wordSet(`
	know knows idea ideas thought thoughts suggestion suggestions advice tip tips clue pointer pointers
	sait sais savez savoir idée idées idee idees conseil conseils piste pistes aide`)
