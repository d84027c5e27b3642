package knowledge

import (
	"iter"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// A Lexicon translates words between French and English, so that a
// question in one language finds past questions and experts in the other
// without a translation model: each word of the question is looked up, and
// its translations are searched beside it, each weighing less the more
// translations the word has (an unambiguous word such as "imprimante"
// brings "printer" at full weight; "temps" shares its weight among "time"
// and "weather").
type Lexicon struct {
	// byText finds the entry of a headword as written (lower-cased);
	// byTerm the entries whose headword has a term, for the forms a
	// dictionary does not list; byPhrase the entries of a headword of
	// several words ("tout le monde", "mot de passe"), by its words
	// joined by spaces (see phraseWords).
	byText   map[string][]int
	byTerm   map[string][]int
	byPhrase map[string][]int
	// byLoosePhrase holds the entries of the phrases whose words'
	// singulars (see loosePhrase) are written otherwise, by those: a
	// phrase in the plural is looked up by them, there and in byPhrase
	// ("jours fériés" is "jour férié", "bases de données" "base de
	// données").
	byLoosePhrase map[string][]int
	// analyse is the index's analysis, for the cognates of a word no
	// dictionary lists.
	analyse func(string) []Word
	// Fallback, when set, is a larger, less careful lexicon behind this
	// smaller, surer one: consulted for a word or a phrase this one does
	// not know, before its cognates are guessed, and adding its senses to
	// a word both know (see Translate).
	Fallback *Lexicon
	// entries hold each headword's translations.
	entries [][]translation
	// terms are each entry's headword terms, to skip a translation that is
	// the word itself.
	terms [][]string
	// french tells, for each entry, whether its headword is French.
	french []bool
	// silent counts, for each entry, the support of its translations made
	// of function words only ("il y a" is "there is" more often than
	// "ago"; "est-ce que" is "is … ?" and nothing else). They are no
	// terms to search, but they are senses of the word: the others share
	// its weight with them, and a headword that has only them asks
	// nothing, so the fallback is not asked for it either (through
	// German, "est-ce que" would be "whether" and "on account of", and
	// every French question that begins so would look for accounts).
	silent []int
}

// translation is one translation of a headword, analysed: the forms it may
// take in a question (a French verb's conjugated forms), and how many
// dictionary entries give it. A translation both dictionaries give
// ("voir" for "see", and "see" for "voir") is surer than one only one of
// them lists among many senses.
type translation struct {
	forms   [][]string // each form's terms
	support int
	// mass is what those entries weigh among the headword's senses: a
	// translation of several words ("carte de visite" is "business
	// card") is one sense, so each of its words carries the sense whole
	// and counts for its share of it. Split as two senses, "business" and
	// "card" each held half the phrase, and a question that says
	// "business cards" held it no better than one that says "card".
	// inPhrases is the part of mass those translations of several words
	// give.
	mass, inPhrases float64
	// part is the largest share of a translation this word is, counting
	// the particles the analysis drops: 1 when it is a translation alone,
	// ½ for "salle" of "salle de réunion" and for "day" of "day off".
	part float64
	// fromFrench is set when only pairs read from French to English give
	// it (Pair.FromFrench).
	fromFrench bool
}

// Pair is one translation: a French word and an English equivalent, which
// may be a few words ("pouvoir", "be able to").
type Pair struct {
	French, English string
	// NotVerb is set when the dictionaries say the French word is no
	// verb (a noun, an adjective): its ending then is no infinitive's,
	// and it has no conjugated forms (see frenchForms).
	NotVerb bool
	// FromFrench is set when the pair is read from French to English
	// only: the English word is not looked up as the French one, nor does
	// an English word the lexicon lists no sense of take it from the
	// French word of its stem.
	FromFrench bool
}

// maxTranslations bounds the translations kept for one headword: the first
// ones, which dictionaries list most common sense first. A word with more
// is too ambiguous for its tail to help.
const maxTranslations = 8

// maxPhraseWords bounds the words of a headword looked up as a phrase:
// longer ones are examples, not expressions a question uses.
const maxPhraseWords = 4

// NewLexicon builds a lexicon from translation pairs, read both ways,
// analysing every word with analyse (the index's Words, so that a word and
// its translations are looked up and searched by the same stems). A
// headword of two to four words is a phrase, looked up in a question's
// text as a whole: "tout le monde" is "everybody", not "all the world".
// English words spelt two ways ("anyone", "anybody") are given both ways.
func NewLexicon(pairs []Pair, analyse func(string) []Word) *Lexicon {
	l := &Lexicon{byText: make(map[string][]int), byTerm: make(map[string][]int), byPhrase: make(map[string][]int), byLoosePhrase: make(map[string][]int), analyse: analyse}
	type key struct {
		head   string
		french bool
	}
	heads := make(map[key]int) // headword in its language → entry
	// A lexicon holds hundreds of thousands of terms, most of them many
	// times over: each is kept once, and a French word's forms are
	// analysed once for all the headwords it translates.
	terms := make(map[string]string)
	intern := func(ts []string) []string {
		out := make([]string, len(ts))
		for i, t := range ts {
			if u, ok := terms[t]; ok {
				out[i] = u
			} else {
				terms[t], out[i] = t, t
			}
		}
		return out
	}
	type formsKey struct {
		text   string
		french bool
	}
	formsOf := make(map[formsKey][][]string)
	// A French verb's form spelt as an English word ("attend" of
	// "attendre", to wait; "part" of "partir", to leave; "sent" of
	// "sentir", to feel) would find that English word in a history in
	// English, not the verb: it is left to the verb's other forms.
	english := make(map[string]bool)
	for _, p := range pairs {
		english[strings.ToLower(strings.TrimSpace(p.English))] = true
	}
	for form := range irregularEnglish {
		english[form] = true
	}
	for form := range irregularPlurals {
		english[form] = true
	}
	// "père", "fichier" and "centre" end as infinitives do, and
	// conjugated as verbs they would be other words: "pe" and "pes",
	// "cent" (a hundred), "mes" of "mère", "ai" of "aire", which a
	// question in French has for "j'ai".
	notVerb := make(map[string]bool)
	// An imperfect or subjunctive spelt as a French headword or its
	// plural is more often that word: "voie" is a way before it is "voir",
	// "peigne" a comb before it is "peindre". One whose ending the
	// stemmers cut from an English word would find that word, accents
	// aside: "sortes" (sortir) is "sort", "partes" (partir) "part",
	// "résolve" (résoudre) "resolve".
	frenchHead := make(map[string]bool)
	otherWord := func(form string) bool {
		for _, ending := range []string{"", "s", "es", "e"} {
			if one, ok := strings.CutSuffix(form, ending); ok && (frenchHead[one] || english[one] || english[FoldAccents(one)]) {
				return true
			}
		}
		return false
	}
	for _, p := range pairs {
		french := strings.ToLower(strings.TrimSpace(p.French))
		if p.NotVerb {
			notVerb[french] = true
		}
		frenchHead[french] = true
	}
	// formsOfWord returns the terms of the forms a translation may take
	// in a question: a French verb's conjugated forms, an English
	// irregular verb's past ("saw", "seen"), which no stemmer finds.
	formsOfWord := func(w Word, french bool) [][]string {
		k := formsKey{w.Text, french}
		if f, ok := formsOf[k]; ok {
			return f
		}
		f := [][]string{intern(w.Terms)}
		forms := slices.Concat(irregularEnglishForms[w.Text], irregularPluralForms[w.Text])
		switch {
		case french && notVerb[w.Text]:
			forms = nil
		case french:
			forms = frenchForms(w.Text)
		}
		for _, form := range forms {
			if french && (english[form] || laterTenses[form] && otherWord(form)) {
				continue
			}
			if fw := analyse(form); len(fw) == 1 && !sharesTerm(fw[0].Terms, w.Terms) {
				f = append(f, intern(fw[0].Terms))
			}
		}
		formsOf[k] = f
		return f
	}
	add := func(from, to string, french, fromFrench bool) {
		from = strings.ToLower(strings.TrimSpace(from))
		k := key{from, french}
		i, ok := heads[k]
		var head []Word
		var phrase []string
		if !ok {
			head, phrase = analyse(from), phraseWords(from)
			switch {
			// A headword is one word only when the analysis keeps all of
			// it: "sous-entendu" analyses as "entendu" alone (its
			// function word dropped), and "no-one" as "one", which
			// would give "entendu" (heard) the translation "innuendo"
			// and "one" "personne". Such a headword is a phrase.
			case len(head) == 1 && strings.Join(phraseWords(head[0].Text), "") == strings.Join(phrase, ""):
				phrase = nil
			// But "be" before a word is the word said as a verb: "naître"
			// is "be born", and a question asks "Where were you born?".
			case !french && len(head) == 1 && len(phrase) == 2 && phrase[0] == "be" && phrase[1] == head[0].Text:
				phrase = nil
			case len(phrase) < 2 || len(phrase) > maxPhraseWords:
				return
			}
		}
		target := analyse(to)
		if !ok {
			i = len(l.entries)
			heads[k] = i
			l.entries = append(l.entries, nil)
			var own []string
			for _, w := range head {
				own = append(own, w.Terms...)
			}
			l.terms = append(l.terms, intern(own))
			l.french = append(l.french, french)
			l.silent = append(l.silent, 0)
			if phrase != nil {
				p := strings.Join(phrase, " ")
				l.byPhrase[p] = append(l.byPhrase[p], i)
				if lp := loosePhrase(phrase); lp != p {
					l.byLoosePhrase[lp] = append(l.byLoosePhrase[lp], i)
				}
			} else {
				l.byText[head[0].Text] = append(l.byText[head[0].Text], i)
				for _, t := range intern(head[0].Terms) {
					l.byTerm[t] = append(l.byTerm[t], i)
				}
			}
		}
		if len(target) == 0 {
			l.silent[i]++
			return
		}
		share, inPhrase := 1/float64(len(target)), 0.0
		if len(target) > 1 {
			inPhrase = share
		}
		part := 1 / float64(len(target)+droppedParticles(to, target))
		for _, w := range target {
			if j := slices.IndexFunc(l.entries[i], func(x translation) bool { return x.forms[0][0] == w.Terms[0] }); j >= 0 {
				l.entries[i][j].support++
				l.entries[i][j].mass += share
				l.entries[i][j].inPhrases += inPhrase
				l.entries[i][j].part = max(l.entries[i][j].part, part)
				l.entries[i][j].fromFrench = l.entries[i][j].fromFrench && fromFrench
				continue
			}
			if len(l.entries[i]) == maxTranslations {
				break
			}
			// french tells the headword's language: the translation is
			// in the other.
			l.entries[i] = append(l.entries[i], translation{forms: formsOfWord(w, !french), support: 1, mass: share, inPhrases: inPhrase, part: part, fromFrench: fromFrench})
		}
	}
	for _, p := range pairs {
		english := []string{p.English}
		if alike, ok := englishAlike[strings.ToLower(strings.TrimSpace(p.English))]; ok {
			english = append(english, alike)
		}
		// English writes many compounds hyphenated and solid alike: the
		// dictionary's "week-end" is a question's "weekend", its "set-up"
		// a "setup".
		if en := strings.TrimSpace(p.English); strings.Contains(en, "-") && !strings.Contains(en, " ") {
			english = append(english, strings.ReplaceAll(en, "-", ""))
		}
		for _, en := range english {
			add(p.French, en, true, p.FromFrench)
			if !p.FromFrench {
				add(en, p.French, false, false)
			}
		}
	}
	return l
}

// englishAlike pairs the English pronouns written two ways with the same
// meaning: a dictionary lists one, a question may use the other.
var englishAlike = func() map[string]string {
	m := make(map[string]string)
	for _, p := range []string{"any", "every", "some", "no"} {
		one, body := p+"one", p+"body"
		if p == "no" {
			one = "no one"
		}
		m[one], m[body] = body, one
	}
	return m
}()

// phraseWords returns the words of s as a phrase is looked up: lower-cased,
// split at anything but a letter or a digit, so that "l'étranger",
// "chauves-souris" and the same words in a dictionary's headword agree.
func phraseWords(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), betweenWords)
}

// phraseAt tells whether words hold phrase from i on.
func phraseAt(words []string, i int, phrase []string) bool {
	end := i + len(phrase)
	return end <= len(words) && slices.Equal(words[i:end], phrase)
}

// foldedPhraseAt tells whether words, read without accents, hold phrase,
// written without accents, from i on.
func foldedPhraseAt(words []string, i int, phrase []string) bool {
	end := i + len(phrase)
	return end <= len(words) && slices.EqualFunc(words[i:end], phrase, func(w, p string) bool { return FoldAccents(w) == p })
}

// betweenWords tells whether r stands between words: anything but a
// letter or a digit.
func betweenWords(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }

// sentencesIn yields the sentences of text, split where one ends.
func sentencesIn(text string) iter.Seq[string] {
	return strings.FieldsFuncSeq(text, func(r rune) bool { return strings.ContainsRune(".?!:;\n", r) })
}

// Len returns the number of headwords the lexicon knows, in both languages.
func (l *Lexicon) Len() int {
	if l == nil {
		return 0
	}
	return len(l.entries)
}

// Translate returns the translations of w, a word of a text in lang ("fr",
// "en", or "" when DetectLang cannot tell), each weighted by how surely it
// means w: the weight of one word is shared among its distinct
// translations. A translation that is the word itself (a shared stem such
// as "date" or "client") is left out: the word already finds it.
func (l *Lexicon) Translate(w Word, lang string) []QueryWord {
	if l == nil {
		return nil
	}
	// A word this lexicon does not know is looked up in the fallback,
	// and only then guessed at by its cognates.
	if len([]rune(w.Text)) < 2 {
		return nil // a letter left by elision or a split word
	}
	listed := l.lookup(w, false, lang == "fr")
	found := ownLanguage(listed, l.french, lang)
	// The fallback is read by up to two of the steps below, for a word
	// neither lexicon lists: it is looked up once.
	var inFallback []int
	fallbackRead := false
	fallback := func() []int {
		if !fallbackRead {
			inFallback, fallbackRead = l.Fallback.lookup(w, false, false), true
		}
		return inFallback
	}
	// A French word this lexicon lists only under another word of its
	// stem ("validation" under "valide", "installation" under
	// "installer") is taken as the fallback lists it, when it does:
	// the word itself, not a relative, and "utiliser", which FreeDict
	// lacks, is to use and not "utilisateur", a user. An English word
	// spelt as a French one the fallback lists ("machine", "place")
	// would gain senses it does not have.
	if len(found) == 0 && lang == "fr" && l.Fallback != nil {
		if more := l.Fallback.frenchEntries(fallback()); len(more) > 0 {
			return weigh(w.Terms, source{l.Fallback, more, 1, false})
		}
	}
	if len(listed) == 0 {
		found = ownLanguage(l.stemEntries(w), l.french, lang)
	}
	if len(found) > 0 {
		// Two dictionaries list more senses than one: FreeDict's
		// French–English knows "serveur" as "waiter" only, the pairs
		// through German as "server" too, and "frais" as "fresh" and
		// "fee", the pairs as "charges" too. The surer lexicon's
		// translations count twice. Only a French word's, in a French
		// text: the pairs through German go from French to English, and
		// read the other way they give an English word every French
		// word one of whose German senses it translates; and an English
		// text's words spelt as French ones ("machine", "place") would
		// gain senses they do not have.
		if lang == "fr" && l.Fallback != nil && slices.ContainsFunc(found, func(i int) bool { return l.french[i] }) {
			if senses := l.Fallback.frenchEntries(fallback()); len(senses) > 0 {
				return weigh(w.Terms, source{l, found, 2, false}, source{l.Fallback, senses, 1, false})
			}
		}
		// An English word the lexicon lists no sense of takes the senses
		// of the French word of its stem, but not those read from French
		// only: "done" is no "donnée", and no data.
		return weigh(w.Terms, source{l, found, 1, lang == "en"})
	}
	if l.Fallback != nil {
		// A noisier lexicon is trusted for a word it lists as written
		// (or as its infinitive), not for whatever shares a stem with
		// one of its headwords.
		if more := fallback(); len(more) > 0 {
			return weigh(w.Terms, source{l.Fallback, more, 1, false})
		}
	}
	if again := l.again(w, lang); len(again) > 0 {
		return again
	}
	if more := l.comparative(w, lang); len(more) > 0 {
		return more
	}
	return l.cognates(w)
}

// comparative translates an English comparative or superlative the
// dictionaries lack as its adjective: "older" is "old" said more, as French
// says "plus âgé", and "bigger", "easier", "larger", "cheapest" are "big",
// "easy", "large" and "cheap". Only a word no dictionary lists, and only
// when one lists the adjective: "printer" and "user" are words of their
// own.
func (l *Lexicon) comparative(w Word, lang string) []QueryWord {
	if lang == "fr" || l.analyse == nil {
		return nil
	}
	for _, ending := range []string{"er", "est"} {
		stem, ok := strings.CutSuffix(w.Text, ending)
		if !ok || len(stem) < 3 {
			continue
		}
		bases := []string{stem, stem + "e"}
		if n := len(stem); stem[n-1] == stem[n-2] {
			bases = append(bases, stem[:n-1]) // "bigger"
		}
		if before, ok := strings.CutSuffix(stem, "i"); ok {
			bases = append(bases, before+"y") // "easier"
		}
		for _, base := range bases {
			found := slices.DeleteFunc(slices.Clone(l.byText[base]), l.isFrench)
			if len(found) == 0 {
				continue
			}
			if words := l.analyse(base); len(words) == 1 {
				return weigh(words[0].Terms, source{l, found, 1, false})
			}
		}
	}
	return nil
}

// ownLanguage keeps, of the entries found for a word of a text in lang,
// those whose headword is in that language when there is one: a word of
// an English text spelt as both an English and a French word is the
// English one. The French "sale" is dirty, and "sales" in "Who manages
// the sales team?" is no dirt; but "mutuelle" in an English question is
// the French word, which no English one is spelt as.
func ownLanguage(found []int, french []bool, lang string) []int {
	other := func(i int) bool { return french[i] != (lang == "fr") }
	if lang == "" || !slices.ContainsFunc(found, other) {
		return found // most words: nothing to copy
	}
	own := slices.DeleteFunc(slices.Clone(found), other)
	if len(own) == 0 {
		return found
	}
	return own
}

// again translates a word the dictionaries lack that is a verb they know
// with "re" before it, which both languages put before a verb to say it
// is done again: "redémarrer" is "démarrer" (start) again, so "restart";
// "reinstall" is "install" again, so "réinstaller". Its translations are
// the verb's, each term with "re" before it: the stemmers cut endings
// only, so "re" and a stem are the stem of "re" and the word. A
// translation that is no word ("reouvrir", French says "rouvrir") finds
// nothing.
func (l *Lexicon) again(w Word, lang string) []QueryWord {
	rest, ok := strings.CutPrefix(w.Text, "re")
	if !ok {
		rest, ok = strings.CutPrefix(w.Text, "ré")
	}
	if !ok || len([]rune(rest)) < 4 || l.analyse == nil {
		return nil
	}
	verb := l.analyse(rest)
	if len(verb) != 1 {
		return nil
	}
	var base []QueryWord
	if found := l.lookup(verb[0], false, lang == "fr"); len(found) > 0 {
		base = weigh(verb[0].Terms, source{l, found, 1, false})
	} else if l.Fallback != nil {
		if more := l.Fallback.lookup(verb[0], false, false); len(more) > 0 {
			base = weigh(verb[0].Terms, source{l.Fallback, more, 1, false})
		}
	}
	out := make([]QueryWord, len(base))
	for i, q := range base {
		terms := make([]string, len(q.Terms))
		for j, t := range q.Terms {
			terms[j] = "re" + t
		}
		out[i] = QueryWord{Terms: terms, Weight: q.Weight, Part: q.Part}
	}
	return out
}

// lists tells whether either dictionary knows w: as written, as a form
// of a word it lists, or by a stem.
func (l *Lexicon) lists(w Word) bool {
	return len(l.lookup(w, true, false)) > 0 || l.Fallback != nil && len(l.Fallback.lookup(w, true, false)) > 0
}

// listedAs returns text analysed, and whether the dictionary lists it as
// an English word and as a French one, in any of their forms.
func (l *Lexicon) listedAs(text string) (w Word, english, french bool) {
	words := l.analyse(text)
	if len(words) != 1 {
		return Word{}, false, false
	}
	for _, i := range l.lookup(words[0], true, false) {
		english, french = english || !l.french[i], french || l.french[i]
	}
	return words[0], english, french
}

// isFrench tells whether entry's headword is French.
func (l *Lexicon) isFrench(entry int) bool { return l.french[entry] }

// frenchEntries returns those of entries whose headword is French.
func (l *Lexicon) frenchEntries(entries []int) []int {
	var out []int
	for _, i := range entries {
		if l.french[i] {
			out = append(out, i)
		}
	}
	return out
}

// lookup returns the entries of w: as written, or as the singular of a
// plural; then, for a French verb the dictionary lists only in the
// infinitive (or for any word of a French text, frenchText), as the
// infinitives it may be a form of; and only then, when byStems, by its
// stems, which also find the headwords of the other language that share
// them.
func (l *Lexicon) lookup(w Word, byStems, frenchText bool) []int {
	// Clipped, so that appending the verb's entries copies the lexicon's
	// list instead of writing past its end, which questions translated
	// at once would share.
	found := slices.Clip(l.byText[w.Text])
	if inf, ok := irregularFrench[w.Text]; ok && len(found) == 0 {
		found = slices.Clip(l.byText[inf])
	}
	if inf, ok := irregularEnglish[w.Text]; ok && len(found) == 0 {
		found = slices.Clip(l.byText[inf])
	}
	if one, ok := irregularPlurals[w.Text]; ok && len(found) == 0 {
		found = slices.Clip(l.byText[one])
	}
	if m, ok := frenchBeforeVowel[w.Text]; ok && frenchText && len(found) == 0 {
		found = slices.Clip(l.byText[m])
	}
	// A plural is listed in the singular: "invités" is "invité", a guest,
	// before it may be a form of "inviter"; "réseaux" is "réseau". In a
	// French text, so is a plural spelt as an English word the French
	// dictionary lacks: "mains" is hands, not water mains.
	if len(found) == 0 || frenchText && !slices.ContainsFunc(found, l.isFrench) {
		for _, one := range singulars(w.Text) {
			found = appendNew(found, l.byText[one])
		}
	}
	// A French word may be a noun the dictionary lists and a form of a
	// verb it lists too: "marche" is a step and "marcher", "porte" a door
	// and "porter", "livre" a book and "livrer". In a French text both
	// are looked up; elsewhere the verb only for a word the dictionary
	// lacks, since an English word spelt as a French verb's form
	// ("place", "passe") is no form of it.
	if len(found) == 0 || frenchText {
		for _, lemma := range frenchInfinitives(w.Text) {
			found = appendNew(found, l.byText[lemma])
		}
	}
	if len(found) == 0 && byStems {
		found = l.stemEntries(w)
	}
	return found
}

// stemEntries returns the entries whose headwords share a stem with w.
func (l *Lexicon) stemEntries(w Word) []int {
	var found []int
	for _, t := range w.Terms {
		found = appendNew(found, l.byTerm[t])
	}
	return found
}

// appendNew appends to found the entries of more it does not hold yet.
func appendNew(found, more []int) []int {
	for _, i := range more {
		if !slices.Contains(found, i) {
			found = append(found, i)
		}
	}
	return found
}

// TranslateText returns the translations of text, whose words (as the
// index sees them) are words: first of the phrases the lexicon knows in
// it, longest first, then of each word no phrase took. Each phrase, like
// each word, weighs at most one word's weight, and its translations are
// numbered as one (QueryWord.Translates).
func (l *Lexicon) TranslateText(text string, words []Word) []QueryWord {
	if l == nil {
		return nil
	}
	var out []QueryWord
	translated := 0 // the words and phrases translated so far
	add := func(translations []QueryWord) {
		if len(translations) == 0 {
			return
		}
		translated++
		for _, tr := range translations {
			tr.Translates = translated
			out = append(out, tr)
		}
	}
	phrases, taken := l.phrasesIn(text)
	for _, p := range phrases {
		add(p)
	}
	lang := DetectLang(text)
	for _, w := range words {
		if allTaken(phraseWords(w.Text), taken) {
			continue
		}
		add(l.Translate(w, lang))
	}
	return out
}

// TranslateWords returns the translations of each of words, the words of
// text: a word of a phrase the lexicon knows has the phrase's ("mot" and
// "passe" of "mot de passe" are "password", not "word" and "pass"), the
// others their own.
func (l *Lexicon) TranslateWords(text string, words []Word) [][]QueryWord {
	if l == nil {
		return make([][]QueryWord, len(words))
	}
	phrases, taken := l.phrasesIn(text)
	lang := DetectLang(text)
	out := make([][]QueryWord, len(words))
	for i, w := range words {
		if parts := phraseWords(w.Text); allTaken(parts, taken) {
			out[i] = phrases[taken[parts[0]]]
			continue
		}
		out[i] = l.Translate(w, lang)
	}
	return out
}

// phrasesIn returns the translations of the phrases the lexicon knows in
// text, longest first, and the words they take, each to the index of its
// phrase.
func (l *Lexicon) phrasesIn(text string) (phrases [][]QueryWord, taken map[string]int) {
	if len(l.byPhrase) == 0 && (l.Fallback == nil || len(l.Fallback.byPhrase) == 0) {
		return nil, nil
	}
	ws := phraseWords(text)
	for i := 0; i < len(ws); {
		n := min(maxPhraseWords, len(ws)-i)
		for ; n >= 2; n-- {
			p := ws[i : i+n]
			tr := l.phrase(p)
			if len(tr) > 0 {
				if taken == nil {
					taken = make(map[string]int)
				}
				for _, x := range p {
					taken[x] = len(phrases)
				}
				phrases = append(phrases, tr)
				break
			}
		}
		i += max(n, 1)
	}
	return phrases, taken
}

// phrase returns the translations of the phrase of words, as written or
// else by its words' singulars, from the fallback when this lexicon does
// not know it.
func (l *Lexicon) phrase(words []string) []QueryWord {
	p := strings.Join(words, " ")
	if found := l.phraseEntries(p, words); len(found) > 0 {
		return weigh(nil, source{l, found, 1, false})
	}
	if l.Fallback != nil {
		// The pairs through German go from French to English: read the
		// other way, an English phrase takes the translation of a French
		// word one of whose German senses it translates ("coffee
		// machine" would be "cafetière" alone, never "machine à café").
		if found := l.Fallback.frenchEntries(l.Fallback.phraseEntries(p, words)); len(found) > 0 {
			return weigh(nil, source{l.Fallback, found, 1, false})
		}
	}
	return nil
}

// phraseEntries returns the entries of the phrase p, of words, as written
// or else by its words' singulars.
func (l *Lexicon) phraseEntries(p string, words []string) []int {
	if found := l.byPhrase[p]; len(found) > 0 {
		return found
	}
	lp := loosePhrase(words)
	if found := l.byPhrase[lp]; len(found) > 0 && lp != p {
		return found
	}
	return l.byLoosePhrase[lp]
}

// loosePhrase returns the words of a phrase joined as its key, each of
// four letters or more without its final s or x, so that a phrase and its
// plural ("carte de visite", "cartes de visite") have one key. The words
// of three letters keep theirs: "les", "des" and "mes" are no plurals of
// a word, and "bus" is one. A word in the singular that ends so ("frais",
// "temps", "prix") is cut alike in the dictionary and in the question.
func loosePhrase(words []string) string {
	var b strings.Builder
	for i, w := range words {
		if i > 0 {
			b.WriteByte(' ')
		}
		if utf8.RuneCountInString(w) >= 4 && !strings.HasSuffix(w, "ss") && (strings.HasSuffix(w, "s") || strings.HasSuffix(w, "x")) {
			w = w[:len(w)-1]
		}
		b.WriteString(w)
	}
	return b.String()
}

func allTaken(words []string, taken map[string]int) bool {
	for _, w := range words {
		if _, ok := taken[w]; !ok {
			return false
		}
	}
	return len(words) > 0
}

// source is the entries one lexicon found for a word, and how many times
// the support of each of their translations counts.
type source struct {
	lexicon *Lexicon
	found   []int
	times   int
	// english is set when the word is an English text's: translations
	// read from French only are not its.
	english bool
}

// weigh returns the translations of the entries sources found for a word
// whose own terms are own. A translation several entries of one lexicon
// give counts once; one both lexicons give adds their support. A
// translation that shares a stem with the word, or with a headword that
// shares one with the word, is left out: the word finds it already. One
// that shares a stem with a headword reached otherwise is kept: "paid"
// does not find "payer", which shares "pai" with "pay".
func weigh(own []string, sources ...source) []QueryWord {
	index := make(map[string]int) // first term → its place in translations
	var translations []translation
	mass := 0.0
	for _, src := range sources {
		seen, counted := make(map[string]bool), make(map[string]bool)
		for _, i := range src.found {
			mass += float64(src.lexicon.silent[i] * src.times)
			for _, tr := range src.lexicon.entries[i] {
				first := tr.forms[0][0]
				if seen[first] || tr.fromFrench && src.english {
					continue
				}
				if sharesTerm(tr.forms[0], own) || sharesTerm(tr.forms[0], src.lexicon.terms[i]) && sharesTerm(own, src.lexicon.terms[i]) {
					// A phrase the word is part of still counts as
					// one sense: "pandémie" is "pandemic disease",
					// and "disease" is half of it.
					if !counted[first] {
						counted[first] = true
						mass += tr.inPhrases * float64(src.times)
					}
					continue
				}
				seen[first] = true
				s := tr.support * src.times
				mass += tr.mass * float64(src.times)
				if j, ok := index[first]; ok {
					translations[j].support += s
					translations[j].part = max(translations[j].part, tr.part)
					continue
				}
				index[first] = len(translations)
				tr.support = s
				translations = append(translations, tr)
			}
		}
	}
	// Each translation weighs its share of the word: the share of the
	// word's senses it is part of. Each of its forms weighs as much, since
	// a question holds one of them.
	var out []QueryWord
	ownFolded := foldedRunes(own)
	for _, tr := range translations {
		cognate := spelledAlike(ownFolded, foldedRunes(tr.forms[0]))
		for _, f := range tr.forms {
			out = append(out, QueryWord{Terms: f, Weight: float64(tr.support) / mass, Part: partOf(tr.part), Cognate: cognate})
		}
	}
	return out
}

// spelledAlike tells whether a term of a word and one of its translation's
// are spelt alike, without accents, up to the end of the shorter but for
// its last letter: "statut" and "statu" (status), "septembr" and
// "septemb", "deploi" and "deploiement". Terms of fewer than five letters
// share their first letters too often by chance ("cas" and "case").
// Both come as foldedRunes gives them.
func spelledAlike(word, translation [][]rune) bool {
	for _, a := range word {
		for _, b := range translation {
			n := min(len(a), len(b))
			if n < 5 {
				continue
			}
			shared := 0
			for shared < n && a[shared] == b[shared] {
				shared++
			}
			if shared >= n-1 && shared >= 5 {
				return true
			}
		}
	}
	return false
}

// foldedRunes returns terms without their accents, as runes.
func foldedRunes(terms []string) [][]rune {
	out := make([][]rune, len(terms))
	for i, t := range terms {
		out[i] = []rune(FoldAccents(t))
	}
	return out
}

// partOf returns a translation's part as QueryWord.Part says it: 0 for
// the whole.
func partOf(part float64) float64 {
	if part >= 1 {
		return 0
	}
	return part
}

// particles are the adverbs that make a phrase of a word and change what
// it means: a "day off" is no day, to be "on call" is not to call, to
// "log in" not to log. The analysis drops them as it drops function
// words.
var particles = map[string]bool{
	"off": true, "on": true, "up": true, "out": true, "in": true, "down": true, "over": true, "away": true,
}

// droppedParticles counts the particles of translation, as written, that
// its analysis (target) does not keep: each is a word of its meaning that
// no question holds.
func droppedParticles(translation string, target []Word) int {
	n := 0
	for _, w := range phraseWords(translation) {
		if particles[w] && !slices.ContainsFunc(target, func(t Word) bool { return t.Text == w }) {
			n++
		}
	}
	return n
}

// cognateEndings are the regular correspondences between French and
// English word endings, each way: "thoracique" is "thoracic",
// "similaire" "similar", "nerveux" "nervous", "intentionnellement"
// "intentionally". A word no dictionary lists (a technical or medical
// term, most often) is searched as its cognates too.
var cognateEndings = []struct{ from, to string }{
	// French to English.
	{"iques", "ic"}, {"ique", "ic"}, {"aires", "ary"}, {"aires", "ar"}, {"aire", "ary"}, {"aire", "ar"},
	{"euses", "ous"}, {"euse", "ous"}, {"eux", "ous"},
	{"nnellement", "nally"}, {"ellement", "ally"}, {"ement", "ly"},
	{"nnelles", "nal"}, {"nnelle", "nal"}, {"nnels", "nal"}, {"nnel", "nal"},
	{"elles", "al"}, {"elle", "al"}, {"els", "al"}, {"el", "al"},
	{"ies", "y"}, {"ie", "y"}, {"ifs", "ive"}, {"if", "ive"}, {"oires", "ory"}, {"oire", "ory"},
	{"eurs", "or"}, {"eur", "or"}, {"ités", "ity"}, {"ité", "ity"},
	{"ées", "ed"}, {"ée", "ed"}, {"és", "ed"}, {"é", "ed"},
	{"isations", "izations"}, {"isation", "ization"}, {"iser", "ize"}, {"ise", "ize"},
	{"isées", "ized"}, {"isée", "ized"}, {"isés", "ized"}, {"isé", "ized"},
	{"ismes", "isms"}, {"isme", "ism"}, {"istes", "ists"}, {"iste", "ist"},
	{"logie", "logy"}, {"tres", "ters"}, {"tre", "ter"},
	// English to French.
	{"ics", "iques"}, {"ic", "ique"}, {"ary", "aire"}, {"ous", "eux"},
	{"nally", "nnellement"}, {"ally", "ellement"}, {"ly", "ement"}, {"nal", "nnel"}, {"al", "el"},
	{"ity", "ité"}, {"y", "ie"}, {"ive", "if"}, {"ory", "oire"}, {"or", "eur"}, {"ed", "é"},
	{"izations", "isations"}, {"ization", "isation"}, {"ized", "isé"}, {"ize", "iser"},
	{"isms", "ismes"}, {"ism", "isme"}, {"ists", "istes"}, {"ist", "iste"},
	{"logy", "logie"}, {"ters", "tres"}, {"ter", "tre"},
}

// minCognateStem is the shortest stem a cognate ending is taken off: a
// shorter word is too likely to end so by chance.
const minCognateStem = 4

// cognates returns the words w may be in the other language by the
// regular correspondences of endings, sharing one word's weight.
func (l *Lexicon) cognates(w Word) []QueryWord {
	if l.analyse == nil {
		return nil
	}
	var forms [][]string
	for _, e := range cognateEndings {
		stem, ok := strings.CutSuffix(w.Text, e.from)
		if !ok || len([]rune(stem)) < minCognateStem {
			continue
		}
		c := l.analyse(stem + e.to)
		if len(c) != 1 || sharesTerm(c[0].Terms, w.Terms) || slices.ContainsFunc(forms, func(f []string) bool { return sharesTerm(f, c[0].Terms) }) {
			continue
		}
		forms = append(forms, c[0].Terms)
	}
	out := make([]QueryWord, len(forms))
	for i, f := range forms {
		out[i] = QueryWord{Terms: f, Weight: 1 / float64(len(forms))}
	}
	return out
}

// frenchVerbEndings are the endings of French conjugated forms and
// participles, longest first, each with the infinitive endings it may come
// from: "cherchez" may be "chercher", "entendu" "entendre", "finissons"
// "finir".
var frenchVerbEndings = []struct {
	ending      string
	infinitives []string
}{
	{"issons", []string{"ir"}}, {"issez", []string{"ir"}}, {"issent", []string{"ir"}},
	{"eront", []string{"er"}}, {"erons", []string{"er"}}, {"erez", []string{"er"}},
	{"erais", []string{"er"}}, {"erait", []string{"er"}}, {"eraient", []string{"er"}},
	{"iront", []string{"ir", "re"}}, {"irons", []string{"ir", "re"}}, {"irez", []string{"ir", "re"}},
	{"ront", []string{"re"}}, {"rons", []string{"re"}}, {"rez", []string{"re"}},
	{"aient", []string{"er", "re", "ir"}}, {"ions", []string{"er", "re", "ir"}}, {"iez", []string{"er", "re", "ir"}},
	{"ais", []string{"er", "re", "ir"}}, {"ait", []string{"er", "re", "ir"}},
	{"ons", []string{"er", "re", "ir"}}, {"ez", []string{"er", "re", "ir"}}, {"ent", []string{"er", "re", "ir"}},
	{"ées", []string{"er"}}, {"és", []string{"er"}}, {"ée", []string{"er"}}, {"é", []string{"er"}},
	{"ies", []string{"ir"}}, {"is", []string{"ir", "re"}}, {"it", []string{"ir", "re"}}, {"ie", []string{"ir"}}, {"i", []string{"ir"}},
	{"ues", []string{"re", "oir"}}, {"us", []string{"re", "oir"}}, {"ue", []string{"re", "oir"}}, {"u", []string{"re", "oir"}},
	{"es", []string{"er"}}, {"e", []string{"er"}}, {"s", []string{"re", "ir"}}, {"d", []string{"dre"}}, {"t", []string{"tre"}},
}

// irregularFrench maps the forms of the commonest irregular French verbs
// to their infinitive, and irregularForms each infinitive to its forms:
// the verbs conjugated like no other, then the families of frenchFamilies.
// laterTenses are the imperfects and subjunctives among the forms.
// "être", "avoir", "pouvoir", "devoir" and "faire" are function words, as
// their English equivalents are, and never looked up.
var irregularFrench, irregularForms, laterTenses = func() (map[string]string, map[string][]string, map[string]bool) {
	m, forms, later := make(map[string]string), make(map[string][]string), make(map[string]bool)
	add := func(inf, list string) {
		for f := range strings.FieldsSeq(list) {
			m[f] = inf
			forms[inf] = append(forms[inf], f)
		}
	}
	addLater := func(inf string, list []string) {
		add(inf, strings.Join(list, " "))
		for _, f := range list {
			later[f] = true
		}
	}
	for inf, list := range map[string]string{
		"aller":   "vais vas va allons allez vont allé allée allés allées irai ira irons irez iront irais irait aille ailles",
		"savoir":  "sais sait savons savez savent su sue sus saurai saura saurais saurait sache saches sachent",
		"vouloir": "veux veut voulons voulez veulent voulu voudrais voudrait voudrions voudriez veuille veuilles",
		"dire":    "dis dit disons dites disent dite dits dirai dira",
		"croire":  "crois croit croyons croyez croient cru crue crus",
		"lire":    "lis lit lisons lisez lisent lu lue lus lues",
		"mourir":  "meurs meurt mourons mourez meurent mort morte morts mortes",
		"naître":  "nais naît naissons naissez naissent né née nés nées",
		"boire":   "bois boit buvons buvez boivent bu bue bus bues",
	} {
		add(inf, list)
	}
	for _, f := range frenchFamilies {
		endings := strings.Fields(f.forms)
		// A family's present comes first, "ils" after "vous".
		vous := slices.IndexFunc(endings, func(e string) bool { return strings.HasSuffix(e, "ez") })
		later := imperfectAndSubjunctive(endings[vous-1], endings[vous+1])
		for verb := range strings.FieldsSeq(f.verbs) {
			stem := strings.TrimSuffix(verb, f.ending)
			var list []string
			for _, e := range endings {
				list = append(list, stem+e)
			}
			add(verb, strings.Join(list, " "))
			list = list[:0]
			for _, e := range later {
				list = append(list, stem+e)
			}
			addLater(verb, list)
		}
	}
	// The verbs conjugated like no other take their imperfect from
	// "nous" and their subjunctive from "ils", unless it is written out
	// above ("sache", "veuille", "aille").
	for inf, present := range map[string]string{
		"savoir": "savons", "vouloir": "voulons", "aller": "allons", "dire": "disons disent",
		"croire": "croyons croient", "lire": "lisons lisent", "mourir": "mourons meurent",
		"naître": "naissons naissent", "boire": "buvons boivent",
	} {
		nous, ils, _ := strings.Cut(present, " ")
		addLater(inf, imperfectAndSubjunctive(nous, ils))
	}
	return m, forms, later
}()

// imperfectAndSubjunctive returns the forms a French verb's present gives
// it: the imperfect from the stem of "nous" ("prenons", "prenait";
// "conduisons", "conduisait") and, when "ils" is given, the subjunctive
// from its stem ("prennent", "qu'il prenne"; "mentent", "qu'il mente"),
// which "Se pourrait-il qu'il mente ?" asks in. Questions ask in both as
// often as in the present. Both may be endings, as a family's forms are.
func imperfectAndSubjunctive(nous, ils string) []string {
	var out []string
	if stem, ok := strings.CutSuffix(nous, "ons"); ok {
		for _, e := range []string{"ais", "ait", "ions", "iez", "aient"} {
			out = append(out, stem+e)
		}
	}
	if stem, ok := strings.CutSuffix(ils, "ent"); ok {
		out = append(out, stem+"e", stem+"es")
	}
	return out
}

// frenchFamilies are the irregular French verbs conjugated alike, by the
// ending of their infinitive: a compound is conjugated as its base
// ("reconnaissez" as "connaissez", "obtenu" as "tenu"), so each family
// lists its commonest members and the forms of its ending.
var frenchFamilies = []struct{ ending, forms, verbs string }{
	{"aître", "ais ait aît aissons aissez aissent u ue us ues", "connaître reconnaître méconnaître paraître apparaître disparaître"},
	{"prendre", "prends prend prenons prenez prennent pris prise prises", "prendre apprendre comprendre reprendre surprendre entreprendre"},
	{"mettre", "mets met mettons mettez mettent mis mise mises", "mettre admettre permettre promettre remettre soumettre transmettre commettre"},
	{"venir", "viens vient venons venez viennent venu venue venus venues viendrai viendra viendrait", "venir devenir revenir souvenir prévenir convenir intervenir parvenir"},
	{"tenir", "tiens tient tenons tenez tiennent tenu tenue tenus tenues tiendrai tiendra", "tenir obtenir contenir maintenir retenir appartenir soutenir détenir entretenir"},
	{"voir", "vois voit voyons voyez voient vu vue vus vues verrai verra verrait", "voir revoir entrevoir"},
	{"cevoir", "çois çoit cevons cevez çoivent çu çue çus çues", "recevoir apercevoir décevoir concevoir percevoir"},
	{"crire", "cris crit crivons crivez crivent crite crits crites", "écrire décrire inscrire prescrire souscrire transcrire"},
	{"rir", "re res rons rez rent ert erte erts ertes", "ouvrir rouvrir couvrir découvrir recouvrir offrir souffrir"},
	{"tir", "s t tons tez tent ti tie tis ties", "partir repartir sortir ressortir sentir ressentir consentir mentir démentir"},
	{"mir", "s t mons mez ment mi", "dormir endormir"},
	{"vir", "s t vons vez vent vi vie vis vies", "servir desservir"},
	{"uire", "uis uit uisons uisez uisent uite uits uites", "conduire construire produire traduire détruire réduire introduire reproduire"},
	{"indre", "ins int ignons ignez ignent inte ints intes", "craindre plaindre contraindre peindre éteindre atteindre joindre rejoindre"},
	{"soudre", "sous sout solvons solvez solvent solu solue solus solues", "résoudre"},
	{"vivre", "vis vit vivons vivez vivent vécu vécue vécus vécues", "vivre survivre revivre"},
	{"clure", "clus clut cluons cluez cluent clu clue clues cluse cluses", "conclure inclure exclure"},
}

// irregularEnglish maps the past forms of the commonest irregular English
// verbs to their infinitive, which dictionaries list and the stemmer does
// not reach ("seen" is no form of "see" to it, nor "lying" of "lie"), and
// irregularEnglishForms each infinitive to its forms; "be", "have", "do"
// and the modals are function words, never looked up.
var irregularEnglish, irregularEnglishForms = baseAndForms("begin began begun,break broke broken,bring brought,build built," +
	"buy bought,catch caught,choose chose chosen,come came,draw drew drawn,drink drank drunk," +
	"drive drove driven,eat ate eaten,fall fell fallen,feel felt,fight fought,find found,fly flew flown," +
	"forget forgot forgotten,forgive forgave forgiven,freeze froze frozen,get got gotten,give gave given," +
	"go went gone,grow grew grown,hang hung,hear heard,hide hid hidden,hold held,keep kept," +
	"know knew known,lay laid,lead led,leave left,lend lent,lose lost,make made,mean meant,meet met," +
	"pay paid,ride rode ridden,ring rang rung,rise rose risen,run ran,say said,see saw seen," +
	"seek sought,sell sold,send sent,shake shook shaken,shoot shot,show shown,sing sang sung," +
	"sink sank sunk,sit sat,sleep slept,speak spoke spoken,spend spent,stand stood,steal stole stolen," +
	"stick stuck,strike struck,swim swam swum,take took taken,teach taught,tear tore torn,tell told," +
	"think thought,throw threw thrown,understand understood,wake woke woken,wear wore worn,win won," +
	"write wrote written,lie lying,die dying,tie tying")

// irregularPlurals maps the English plurals no stemmer brings back to
// their singular ("children" is no form of "child" to Porter, "knives" of
// "knife", "criteria" of "criterion") to the singular dictionaries list,
// and irregularPluralForms each singular to its plural: "enfant" is
// "child", and a question asks about "children". Not the plurals that are
// as often a verb's form ("lives", "leaves") or another word's plural
// ("bases", "axes").
var irregularPlurals, irregularPluralForms = baseAndForms("child children,man men,woman women,foot feet,tooth teeth," +
	"mouse mice,goose geese,wife wives,knife knives,half halves,shelf shelves,wolf wolves," +
	"thief thieves,loaf loaves,calf calves,criterion criteria,phenomenon phenomena," +
	"analysis analyses,crisis crises,thesis theses,hypothesis hypotheses,diagnosis diagnoses," +
	"index indices,matrix matrices,appendix appendices,vertex vertices")

// baseAndForms reads list, words separated by commas each written as a
// base and its forms ("see saw seen"), into a map from each form to its
// base and one from each base to its forms.
func baseAndForms(list string) (map[string]string, map[string][]string) {
	m, forms := make(map[string]string), make(map[string][]string)
	for words := range strings.SplitSeq(list, ",") {
		fs := strings.Fields(words)
		for _, f := range fs[1:] {
			m[f] = fs[0]
			forms[fs[0]] = append(forms[fs[0]], f)
		}
	}
	return m, forms
}

// frenchBeforeVowel maps the forms five French adjectives take before a
// vowel to the form dictionaries list: "un nouvel ordinateur" is new, and
// "nouvel" is no stem of "nouvelle", a short story.
var frenchBeforeVowel = map[string]string{
	"nouvel": "nouveau", "bel": "beau", "vieil": "vieux", "fol": "fou", "mol": "mou",
}

// singulars returns the singulars word may be the plural of, in either
// language: less its s or its x, "-aux" as "-al" ("journaux"), and less
// the "es" English adds after a hiss ("bonuses").
func singulars(word string) []string {
	if len(word) < 4 || strings.HasSuffix(word, "ss") {
		return nil
	}
	var out []string
	for _, p := range []struct{ plural, one string }{{"s", ""}, {"x", ""}, {"aux", "al"}} {
		if stem, ok := strings.CutSuffix(word, p.plural); ok {
			out = append(out, stem+p.one)
		}
	}
	// English adds "es" after a hiss: "bonuses", "taxes", "patches",
	// whose stem the stemmer cuts unlike the singular's ("bonus" is
	// "bonu", "bonuses" "bonus").
	if stem, ok := strings.CutSuffix(word, "es"); ok {
		for _, hiss := range []string{"s", "x", "z", "ch", "sh"} {
			if strings.HasSuffix(stem, hiss) {
				out = append(out, stem)
				break
			}
		}
	}
	return out
}

// frenchForms returns the forms a French word may take if it is a regular
// verb in the infinitive: the present, the past participle and the
// imperfect, which questions use most. A stem of two letters is a stem
// ("tuer", "nier", "lier"); of one, the word is rather a noun ("mer",
// "fer").
func frenchForms(word string) []string {
	if forms, ok := irregularForms[word]; ok {
		return forms
	}
	var endings []string
	var stem string
	switch {
	case strings.HasSuffix(word, "er") && len(word) > 3:
		stem, endings = word[:len(word)-2], []string{"e", "es", "ons", "ez", "ent", "é", "ée", "és", "ais", "ait"}
	case strings.HasSuffix(word, "ir") && len(word) > 3:
		stem, endings = word[:len(word)-2], []string{"is", "it", "issons", "issez", "issent", "i", "ie"}
	case strings.HasSuffix(word, "re") && len(word) > 3:
		stem, endings = word[:len(word)-2], []string{"s", "", "ons", "ez", "ent", "u", "ue"}
	}
	forms := make([]string, len(endings))
	for i, e := range endings {
		forms[i] = stem + e
	}
	// The y of "envoyer", "essayer", "appuyer" is an i before a mute
	// ending: "envoie", "essaient".
	if before, ok := strings.CutSuffix(stem, "y"); ok && strings.HasSuffix(word, "er") {
		for _, e := range []string{"e", "es", "ent"} {
			forms = append(forms, before+"i"+e)
		}
	}
	return forms
}

// frenchInfinitives returns the infinitives word may be a form of, by its
// ending: candidates to look up, most of which no dictionary lists.
func frenchInfinitives(word string) []string {
	var out []string
	for _, e := range frenchVerbEndings {
		stem, ok := strings.CutSuffix(word, e.ending)
		if !ok || len([]rune(stem)) < 2 {
			continue
		}
		for _, s := range infinitiveStems(stem) {
			for _, inf := range e.infinitives {
				out = append(out, s+inf)
			}
		}
	}
	return out
}

// infinitiveStems returns the stems an infinitive may have for a form's
// stem: itself and, for the verbs whose last vowel changes before a mute
// ending, the infinitive's: "gère" is "gérer", "achète" "acheter",
// "appelle" "appeler", "jette" "jeter".
func infinitiveStems(stem string) []string {
	out := []string{stem}
	if i := strings.LastIndex(stem, "è"); i >= 0 {
		rest := stem[i+len("è"):]
		out = append(out, stem[:i]+"é"+rest, stem[:i]+"e"+rest)
	}
	if before, ok := strings.CutSuffix(stem, "i"); ok {
		out = append(out, before+"y")
	}
	for _, double := range []string{"ll", "tt"} {
		if single, ok := strings.CutSuffix(stem, double); ok && strings.HasSuffix(single, "e") {
			out = append(out, single+double[:1])
		}
	}
	return out
}

func sharesTerm(a, b []string) bool {
	for _, t := range a {
		if slices.Contains(b, t) {
			return true
		}
	}
	return false
}

// translate returns the translations of text, whose words are words,
// through the engine's lexicon: at most one word's weight for each word or
// phrase.
func (e *Engine) translate(text string, words []Word) []QueryWord {
	return e.Lexicon.TranslateText(text, words)
}

// searchWords returns the question's own words at full weight, those of
// its title at titleWeight, and their translations at theirs.
func searchWords(words []Word, translations []QueryWord, title []Word, titleWeight float64) []QueryWord {
	var inTitle map[string]bool // nil for a question without a title, most
	if len(title) > 0 {
		inTitle = make(map[string]bool)
	}
	for _, w := range title {
		for _, t := range w.Terms {
			inTitle[t] = true
		}
	}
	out := make([]QueryWord, 0, len(words)+len(translations))
	for _, w := range words {
		weight := 1.0
		if slices.ContainsFunc(w.Terms, func(t string) bool { return inTitle[t] }) {
			weight = max(weight, titleWeight)
		}
		out = append(out, QueryWord{Terms: w.Terms, Weight: weight})
	}
	return append(out, translations...)
}
