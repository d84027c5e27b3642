package synth

import (
	"math/rand/v2"
	"strings"
)

// Languages are indices into per-language tables.
const (
	en = 0
	fr = 1
)

var langCodes = [2]string{"en", "fr"}

// Function words, most frequent first: they carry no topic, so a search
// analyser must strip them, and their accents and elisions (l', d', qu')
// exercise the French one.
var functionWords = [2][]string{
	strings.Fields("the to a is it i in and of for on this that with we you my have do can but not how what from there an are be any our at or if by was does when why where is as just so all about should would could will has been some your they me also which"),
	strings.Fields("de la le et les des en un une du est que pour dans pas qui sur au avec il ce je on se ne plus mais ou nous vous par sont cette aux été être comme mon ma mes notre votre leur y a ai avez où déjà très après aussi même là quand ça si donc car tout tous sans quoi comment pourquoi"),
}

// elided maps a French function word to the form it takes before a vowel.
var elided = map[string]string{"le": "l'", "la": "l'", "de": "d'", "je": "j'", "ne": "n'", "que": "qu'", "se": "s'"}

// Openers start a message the way people do; empty ones let a message start
// on its own.
var (
	questionOpeners = [2][]string{
		{"Hi all, ", "Hey team, ", "Quick question: ", "Does anyone know ", "How do I ", "Has anyone seen ", "Is there a way to ", "Who knows ", "Any idea why ", "", "", ""},
		{"Bonjour à tous, ", "Salut, ", "Petite question : ", "Est-ce que quelqu'un sait ", "Comment ", "Quelqu'un a déjà vu ", "Y a-t-il un moyen de ", "Qui connaît ", "Une idée pourquoi ", "Hello, ", "", ""},
	}
	answerOpeners = [2][]string{
		{"You need to ", "Try ", "I think ", "Have a look at ", "We fixed it with ", "Yes, ", "You can ", "", ""},
		{"Il faut ", "Essaie ", "Je pense que ", "Regarde ", "On l'a corrigé avec ", "Oui, ", "Tu peux ", "", ""},
	}
	// Someone outside the topic answers with less certainty.
	guessOpeners = [2][]string{
		{"Not sure, but ", "Maybe ", "No idea, perhaps ", "I'd ask about "},
		{"Pas sûr, mais ", "Peut-être ", "Aucune idée, sinon ", "Demande pour "},
	}
	botReplies = [2][]string{
		{"Ticket created in the helpdesk queue, someone will follow up.", "I opened a ticket for this request.", "Reminder: check the runbook before paging on-call."},
		{"Ticket créé dans la file du support, quelqu'un va revenir vers vous.", "J'ai ouvert un ticket pour cette demande.", "Rappel : consultez la procédure avant d'appeler l'astreinte."},
	}
)

// Syllables for pseudo-words. English-looking words stay ASCII (they also
// name channels); French-looking ones carry accents and French spellings.
var (
	enOnsets = strings.Fields("b c d f g h k l m n p r s t v w z br cl cr dr fl gr pl pr sc sk sl sn sp st str tr th sh ch")
	enVowels = strings.Fields("a e i o u ai ea oo ou y a e i o")
	enCodas  = strings.Fields("- - - n r l s t ck nd rt st x m ng")
	frOnsets = strings.Fields("b c d f g j l m n p r s t v ch gr pl tr br cl qu")
	frVowels = strings.Fields("a e i o u é è ê ou eau ai au oi an on in eu é a i o")
	frCodas  = strings.Fields("- - - - r l s n t c")
)

// concept is one meaning with its surface forms in each language, the base
// form first and inflected forms after it, so a stemmer has work to do.
type concept struct {
	forms [2][]string
}

// vocabulary is every content word of the workspace.
type vocabulary struct {
	concepts []concept
	// words holds, per language, every form of every concept packed for
	// the hot loop: a map of scattered strings costs a cache miss per word.
	words [2]lexicon
	// common draws any concept by its Zipf frequency: the background words
	// of every conversation.
	common alias
	// function draws function words by frequency, per language.
	function [2]alias
}

// lexicon packs the forms of concepts in one arena: concept c's forms are
// numbered first[c] to first[c+1]-1, and form k is arena[start[k]:start[k+1]].
type lexicon struct {
	arena []byte
	first []uint32
	start []uint32
}

// seal packs the concepts into the lexicons, which replace them; call it
// once every concept is made.
func (v *vocabulary) seal() {
	for lang := range v.words {
		lx := &v.words[lang]
		lx.first = make([]uint32, 0, len(v.concepts)+1)
		for _, c := range v.concepts {
			lx.first = append(lx.first, uint32(len(lx.start)))
			for _, f := range c.forms[lang] {
				lx.start = append(lx.start, uint32(len(lx.arena)))
				lx.arena = append(lx.arena, f...)
			}
		}
		lx.first = append(lx.first, uint32(len(lx.start)))
		lx.start = append(lx.start, uint32(len(lx.arena)))
	}
	v.concepts = nil
}

// wordMaker invents pseudo-words, never the same twice and never a real
// function word.
type wordMaker struct {
	r    *rand.PCG
	seen map[string]bool
	b    strings.Builder
}

func newWordMaker(r *rand.PCG) *wordMaker {
	m := &wordMaker{r: r, seen: make(map[string]bool)}
	for _, ws := range functionWords {
		for _, w := range ws {
			m.seen[w] = true
		}
	}
	return m
}

// word returns a new word of 2 or 3 syllables in the given style.
func (m *wordMaker) word(lang int) string {
	onsets, vowels, codas := enOnsets, enVowels, enCodas
	if lang == fr {
		onsets, vowels, codas = frOnsets, frVowels, frCodas
	}
	for {
		m.b.Reset()
		syllables := 2 + intn(m.r, 2)
		for range syllables {
			m.b.WriteString(onsets[intn(m.r, len(onsets))])
			m.b.WriteString(vowels[intn(m.r, len(vowels))])
		}
		if c := codas[intn(m.r, len(codas))]; c != "-" {
			m.b.WriteString(c)
		}
		w := m.b.String()
		if !m.seen[w] {
			m.seen[w] = true
			return w
		}
	}
}

// concept invents a concept. A technical term (a product, a tool, an
// acronym-like name) is written the same in both languages, as it is at
// work; other words differ.
func (m *wordMaker) concept(technical bool) concept {
	var c concept
	if technical {
		base := m.word(en)
		c.forms[en] = inflectEN(base, m.r)
		c.forms[fr] = []string{base, base + "s"}
		return c
	}
	c.forms[en] = inflectEN(m.word(en), m.r)
	c.forms[fr] = inflectFR(m.word(fr), m.r)
	return c
}

// inflectEN gives a noun its plural, or a verb its -s, -ed and -ing forms.
func inflectEN(base string, r *rand.PCG) []string {
	if intn(r, 2) == 0 {
		return []string{base, base + "s"}
	}
	stem := strings.TrimSuffix(base, "e")
	return []string{base, base + "s", stem + "ed", stem + "ing"}
}

// inflectFR gives a noun its plural, an adjective its feminine and plural
// forms, or a verb its infinitive, participles and conjugations.
func inflectFR(base string, r *rand.PCG) []string {
	switch intn(r, 3) {
	case 0:
		plural := base + "s"
		if strings.HasSuffix(base, "eau") || strings.HasSuffix(base, "eu") {
			plural = base + "x"
		}
		return []string{base, plural}
	case 1:
		return []string{base, base + "e", base + "s", base + "es"}
	}
	stem := strings.TrimRight(base, "aeiouéèê")
	if stem == "" {
		stem = base
	}
	return []string{stem + "er", stem + "é", stem + "ée", stem + "és", stem + "ons", stem + "ez", stem + "e", stem + "ent", stem + "ement"}
}

// generalWords is how many of the most frequent concepts every topic shares
// (the words of "error", "access", "problem"); topics draw theirs from the
// ranks below.
const generalWords = 150

// newVocabulary invents n concepts ranked by frequency.
func newVocabulary(m *wordMaker, n int) *vocabulary {
	v := &vocabulary{concepts: make([]concept, n)}
	for i := range v.concepts {
		v.concepts[i] = m.concept(unit(m.r) < 0.45)
	}
	v.common = newAlias(zipf(n, 1.0))
	for lang, ws := range functionWords {
		v.function[lang] = newAlias(zipf(len(ws), 0.8))
	}
	return v
}

// form returns one surface form of concept c: the base form usually, an
// inflected one otherwise.
func (v *vocabulary) form(r *rand.PCG, lang, c int) []byte {
	lx := &v.words[lang]
	first, n := lx.first[c], lx.first[c+1]-lx.first[c]
	x := r.Uint64()
	const baseShare = 55 * (1 << 32) / 100 // 55% of uint32s
	k := first
	if uint32(x) >= baseShare && n > 1 {
		k += 1 + uint32((x>>32)*uint64(n-1)>>32)
	}
	return lx.arena[lx.start[k]:lx.start[k+1]]
}
