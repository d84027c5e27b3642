package knowledge

import "strings"

// A question that says something is so reports a state, and asks how to
// get out of it or why it is so: "My Okta account is locked", "Why is my
// Slack channel archived?", "Mon compte Okta est verrouillé". One that asks
// how to do the thing asks the way into it: "How do I lock my Okta
// account?", "Comment verrouiller mon compte ?". The index reads "locked"
// and "lock" as one word, so the two kept the same words and were handed
// each other's answers.
//
// A state is a participle after a form of "be" or "get", or of "être"
// ("is locked", "got banned", "has been deleted", "est bloqué", "a été
// supprimé"), in a sentence that does not ask how: "How is the Figma
// invoice paid?" asks for the action in the passive. An action is the
// verb a question asking how opens with ("How do I lock…?", "How to
// delete…?", "Comment supprimer… ?"). Two questions are opposed when one
// says as a state what the other asks how to do, and neither says it the
// other way too: "My account is locked, how do I unlock it?" is not "How
// do I lock my account?", but "Docker is installed: how do I install the
// plugin?" says both.

// stateVerbs are the forms of "be", "get" and "être" a participle says a
// state after, without accents and split as phraseWords splits ("I'm" is
// "i m", "isn't" "isn t").
var stateVerbs = wordSet(`
	is are was were been am m s isn aren wasn weren get gets got gotten getting
	est sont suis es etait etaient ete`)

// beforeAState are the words that may stand between such a verb and its
// participle: adverbs, and the subject French inverts ("est-il bloqué").
var beforeAState = wordSet(`
	not t still now already always suddenly permanently accidentally just never also
	pas plus toujours encore deja soudain definitivement jamais aussi il elle ils elles on`)

// leadsToAVerb are the words that may stand between "how" or "comment"
// and the verb it asks how to do.
var leadsToAVerb = wordSet(`
	do does did can could should shall would may might must i we you one to
	puis je j peut on peux pouvez pouvons dois doit faut il est ce que qu vous nous
	faire pour se s me m`)

// Chat asks how to do something by saying the asker has to, or asking
// for help to: "need to cancel a time off request", "j'ai besoin de
// supprimer un post", "aide-moi à préparer mon entretien", "help me set
// up the VPN". The verb that follows asks what "How do I…?" asks, and the
// words before it only say that something is asked. needPhrases are
// those words, without accents and split as phraseWords splits, by their
// first word.
var needPhrases = func() map[string][][]string {
	m := make(map[string][][]string)
	for _, ph := range []string{
		"need to", "i need to", "we need to", "help me", "help me to", "help us", "help us to",
		"besoin de", "j ai besoin de", "on a besoin de", "nous avons besoin de",
		"aide moi a", "aidez moi a", "aide nous a", "aidez nous a",
	} {
		words := strings.Fields(ph)
		m[words[0]] = append(m[words[0]], words)
	}
	return m
}()

// needPhraseAt returns the length of the need phrase words open with at
// i, followed by the verb it asks how to do, or 0. "Do I need to tell
// the works council?" asks whether one must (modalOf), not how.
func needPhraseAt(words []string, i int) int {
	if i >= len(words) || modalOf(words) != 0 {
		return 0
	}
	for _, ph := range needPhrases[FoldAccents(words[i])] {
		if end := i + len(ph); end < len(words) && foldedPhraseAt(words, i, ph) && asAVerb(words[end], ph[0]) {
			return len(ph)
		}
	}
	return 0
}

// asAVerb tells whether word, after a need phrase opening with first,
// may be the verb it asks how to do: after "to" always, an infinitive in
// French, and no word of a phrase after "help me" ("help me with the
// VPN").
func asAVerb(word, first string) bool {
	switch first {
	case "need", "i", "we":
		return true
	case "help":
		return !helpMeWith[word]
	}
	return isInfinitive(FoldAccents(word))
}

var helpMeWith = wordSet("with on please pls out here understand")

// statesAndActions returns the verbs text says as states, each as the
// infinitives its participle may come from, and those its questions
// asking how open with, without accents.
func statesAndActions(text string) (states, actions map[string]bool) {
	// A question often follows a comma: "My account is locked, how do I
	// unlock it?".
	for words, i := range sentencesOf(strings.ReplaceAll(FoldAccents(text), ",", ".")).all() {
		if n := needPhraseAt(words, i); n > 0 {
			actions = addTo(actions, words[i+n])
			continue
		}
		if i < len(words) && (words[i] == "how" || words[i] == "comment") {
			j := i + 1
			for j < len(words) && leadsToAVerb[words[j]] {
				j++
			}
			// "How often", "how long" and "how many" ask no way of
			// doing; English asks one with an auxiliary or "to" between.
			if j < len(words) && (j > i+1 || words[i] == "comment") {
				actions = addTo(actions, words[j])
			}
			continue
		}
		if inverted(words, i) {
			for _, v := range participleOf(words[len(words)-1]) {
				states = addTo(states, v)
			}
		}
		for k := 0; k+1 < len(words); k++ {
			if !stateVerbs[words[k]] {
				continue
			}
			j := k + 1
			for j < len(words) && beforeAState[words[j]] {
				j++
			}
			if j < len(words) {
				for _, v := range participleOf(words[j]) {
					states = addTo(states, v)
				}
			}
		}
	}
	return states, actions
}

// inverted tells whether words, a sentence opening at i, asks whether or
// why something is so with its subject after a form of "be": "Is my VPN
// disabled?", "Why is my Slack channel archived?". Its participle then
// ends it. Asked where, when or by whom ("Where was the licence
// bought?"), it asks about the action.
func inverted(words []string, i int) bool {
	if i < len(words) && (words[i] == "why" || words[i] == "pourquoi") {
		i++
	}
	return i+1 < len(words) && stateVerbs[words[i]]
}

// participleOf returns the infinitives word may be the participle of:
// English's in -ed ("locked", "archived", "banned", "denied") and
// irregular ones ("broken", "sent"), French's in -é and -i without their
// accents ("bloqué", "supprimées", "banni").
func participleOf(word string) []string {
	var out []string
	if verb, ok := irregularEnglish[word]; ok {
		out = append(out, verb)
	}
	if stem, ok := strings.CutSuffix(word, "ied"); ok {
		out = append(out, stem+"y")
	} else if stem, ok := strings.CutSuffix(word, "ed"); ok {
		out = append(out, stem, stem+"e")
		if n := len(stem); n > 2 && stem[n-1] == stem[n-2] {
			out = append(out, stem[:n-1])
		}
	}
	for _, e := range frenchParticiples {
		if stem, ok := strings.CutSuffix(word, e.ending); ok && len(stem) > 2 {
			out = append(out, stem+e.infinitive)
			break
		}
	}
	return out
}

// frenchParticiples are the endings of French participles of the first
// and second groups without accents, longest first, with their
// infinitive's ending.
var frenchParticiples = []struct{ ending, infinitive string }{
	{"ees", "er"}, {"ee", "er"}, {"es", "er"}, {"e", "er"},
	{"ies", "ir"}, {"ie", "ir"}, {"is", "ir"}, {"i", "ir"},
}

// statedAgainstDone tells whether one of a and b says as a state what the
// other asks how to do, and neither says it the other way too.
func statedAgainstDone(a, b polarity) bool {
	return statesWhatIsDone(a, b) || statesWhatIsDone(b, a)
}

func statesWhatIsDone(a, b polarity) bool {
	for v := range b.actions {
		if a.states[v] && !a.actions[v] && !b.states[v] {
			return true
		}
	}
	return false
}

// statedAgainstDoneAcross is statedAgainstDone for two texts that may be
// in two languages, a's in aLang and b's in bLang: a verb said as a state
// in one is looked for among the translations of the verbs the other asks
// how to do ("My Okta account is locked", "Comment verrouiller mon compte
// Okta ?").
func (e *Engine) statedAgainstDoneAcross(a polarity, aLang string, b polarity, bLang string) bool {
	return e.statesWhatIsDoneAcross(a, b, bLang) || e.statesWhatIsDoneAcross(b, a, aLang)
}

func (e *Engine) statesWhatIsDoneAcross(a, b polarity, bLang string) bool {
	if e.Lexicon == nil || len(a.states) == 0 || len(b.actions) == 0 {
		return false
	}
	var states [][]string
	for s := range a.states {
		if w := e.Index.Words(s); len(w) == 1 && !a.actions[s] {
			states = append(states, w[0].Terms)
		}
	}
	for v := range b.actions {
		w := e.Index.Words(v)
		if len(w) != 1 {
			continue
		}
		for _, t := range e.Lexicon.Translate(w[0], bLang) {
			for _, s := range states {
				if sharesTerm(s, t.Terms) {
					return true
				}
			}
		}
	}
	return false
}
