package knowledge

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// A word one question writes may be written otherwise in the other: a
// number as an ordinal or in words, a British spelling, a compound open or
// closed, a word clipped, or misspelt. Each is read as the word it stands
// for when two questions are compared (bag.found); acronym.go reads
// acronyms.

// A number may be written as an ordinal: "the 3rd floor" is "floor 3",
// "le 1er mai" "May 1", "le 2ème étage" "le 2e étage". Each spelling is a
// rare word of its own, so two questions about the same floor or day
// missed each other on the very word they ask about. A bag holds the
// number of each ordinal it writes, and an ordinal is found by its
// number; another number stays another word. Only sameness reads it: read
// by the index, it also moved routing, and the fixed protocol's mean fell
// (the Julia export's MRR 0.462 → 0.460).

// ordinalEndings are the endings English and French write after a number
// to make it an ordinal. French "10e" may also be ten euros: ten all the
// same.
var ordinalEndings = []string{
	"st", "nd", "rd", "th",
	"e", "è", "ème", "eme", "es", "èmes", "emes", "er", "re", "ère", "ere", "ers", "res", "ères", "nde",
}

// ordinalNumber returns the number an ordinal is written with ("3rd" →
// "3", "1er" → "1"), "" for any other word.
func ordinalNumber(text string) string {
	digits := 0
	for digits < len(text) && '0' <= text[digits] && text[digits] <= '9' {
		digits++
	}
	if digits == 0 || digits == len(text) || !slices.Contains(ordinalEndings, strings.ToLower(text[digits:])) {
		return ""
	}
	return text[:digits]
}

// alsoSpelt returns the terms w has when spelt the other way: the number
// of an ordinal or of a number written in words, the American spelling of
// a British one, the infinitive of an irregular past, the singular of an
// irregular plural; or when said with another word of work meaning the
// same (saidAlike).
func (v vocabulary) alsoSpelt(w Word) []string {
	if n := ordinalNumber(w.Text); n != "" {
		return []string{n}
	}
	if n, ok := numberWords[w.Text]; ok {
		return []string{n}
	}
	if terms := v.baseTerms(w); terms != nil {
		return terms
	}
	if terms := v.americanTerms(w); terms != nil {
		return terms
	}
	return v.alikeTerms(w)
}

// Workplaces say some things with two English words as often as with one,
// and no dictionary we read gives the one for the other: a hotel "limit"
// is its "cap" or "maximum", a "customer" a "client", a "refund" a
// "reimbursement"; and in French, a badge that "ne marche plus" is one
// that "ne fonctionne plus". "What is the hotel cap in Paris?" missed
// "What is the hotel limit in Paris?", each lacking the other's rarest
// word. saidAlike are such words, in groups that mean one thing at work;
// a word of a group is also read as the others. Words with another common
// sense at work are left out ("pay" is also to pay an invoice, "holiday" a
// public one, "role" an access role).
var saidAlike = func() map[string][]string {
	m := make(map[string][]string)
	for group := range strings.SplitSeq(`limit cap maximum ceiling, refund reimbursement,
		bicycle bike, monitor screen, merge combine, colleague coworker teammate, manager boss,
		salary wage, fix repair, issue problem, quit resign, photo picture,
		policy rule guideline, customer client, supplier vendor, hire recruit,
		contractor freelancer, intern trainee, price cost, guide tutorial instruction,
		allowed permitted, yearly annual annually, sick ill, swap trade, transfer move, spot space,
		taxi cab, rota roster,
		undo revert, mandatory compulsory obligatory,
		marche fonctionne, marchent fonctionnent, marcher fonctionner`, ",") {
		words := strings.Fields(group)
		for _, w := range words {
			m[w] = words
		}
	}
	return m
}()

// alikeTerms returns the terms of the words said alike with w
// (saidAlike), in the singular or the plural, and nil when there are
// none.
func (v vocabulary) alikeTerms(w Word) []string {
	group, ok := saidAlike[w.Text]
	if !ok {
		group, ok = saidAlike[strings.TrimSuffix(w.Text, "s")]
	}
	if !ok || v.lexicon == nil {
		return nil
	}
	key := "alike " + w.Text
	if terms, ok := v.spelt[key]; ok {
		return terms
	}
	var terms []string
	for _, other := range group {
		if words := v.lexicon.analyse(other); len(words) == 1 && !sharesTerm(words[0].Terms, w.Terms) {
			terms = append(terms, words[0].Terms...)
		}
	}
	v.spelt[key] = terms
	return terms
}

// An irregular English past is its verb: "Where should invoices be sent?"
// asks what "Where do I send invoices?" asks, but the stemmer reads "sent"
// and "send" as two words, and each question missed the other's verb, a
// swap of rare words. So an irregular past is also read as its infinitive.
// Not the pasts that are words of their own as often: a side ("left"),
// lights ("LED"), a tool, a flower, fabric, a day ("Sat"), or an error's
// "not found". An irregular plural is its singular likewise: "Can my
// child join?" asks what "Can the children join?" does.
var pastsOfTheirOwn = wordSet("left led saw rose felt fell shot sat found")

// baseTerms returns the terms of w's infinitive when w is an irregular
// English past, of its singular when w is an irregular plural, and nil
// otherwise.
func (v vocabulary) baseTerms(w Word) []string {
	base, ok := irregularPlurals[w.Text]
	if !ok && !pastsOfTheirOwn[w.Text] {
		base, ok = irregularEnglish[w.Text]
	}
	if !ok || v.lexicon == nil {
		return nil
	}
	if terms, ok := v.spelt[w.Text]; ok {
		return terms
	}
	var terms []string
	if words := v.lexicon.analyse(base); len(words) == 1 {
		terms = words[0].Terms
	}
	v.spelt[w.Text] = terms
	return terms
}

// numberWords are the numbers people write in words as often as in
// figures: "two days" is "2 days", "le troisième étage" "le 3e étage".
// One and the first are left out, being also a pronoun, an article, a
// rank ("un", "first time"); so are "second" (of a minute), "premier" and
// "neuf" (new).
var numberWords = map[string]string{
	"two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
	"eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12",
	"third": "3", "fourth": "4", "fifth": "5", "sixth": "6", "seventh": "7",
	"eighth": "8", "ninth": "9", "tenth": "10", "eleventh": "11", "twelfth": "12",
	"deux": "2", "trois": "3", "quatre": "4", "cinq": "5", "sept": "7",
	"huit": "8", "dix": "10", "onze": "11", "douze": "12",
	"deuxième": "2", "troisième": "3", "quatrième": "4", "cinquième": "5", "sixième": "6",
	"septième": "7", "huitième": "8", "neuvième": "9", "dixième": "10", "onzième": "11", "douzième": "12",
	"deuxieme": "2", "troisieme": "3", "quatrieme": "4", "cinquieme": "5", "sixieme": "6",
	"septieme": "7", "huitieme": "8", "neuvieme": "9", "dixieme": "10", "onzieme": "11", "douzieme": "12",
}

// English is spelt the British way or the American way: "colour" and
// "color", "centre" and "center", "organise" and "organize", "licence" and
// "license". Colleagues taught either write either, and a question spelt
// one way missed the other's word. French spells these endings as British
// English does ("initialiser", "utilisation", "registre"), so read the
// same way a French word meets its American cognate ("initialize",
// "utilization", "register"). A word with a British ending is also read
// as its American spelling when the dictionary lists it as an English
// word (by its stems), or lists the American spelling and not the word as
// a French one: "prise" is no "prize". The stemmer already reads
// "travelled" as "traveled".

// britishEndings are the British endings and their American spellings.
var britishEndings = []struct{ british, american string }{
	{"tre", "ter"}, {"tres", "ters"}, {"tred", "tered"},
	{"ise", "ize"}, {"ised", "ized"}, {"ises", "izes"}, {"ising", "izing"},
	{"isation", "ization"}, {"isations", "izations"}, {"iser", "izer"}, {"isers", "izers"},
	{"yse", "yze"}, {"ysed", "yzed"}, {"yses", "yzes"}, {"ysing", "yzing"},
	{"ence", "ense"}, {"ences", "enses"},
	{"ogue", "og"}, {"ogues", "ogs"},
}

// americanTerms returns the terms of w's American spelling when w is spelt
// the British way, and nil otherwise.
func (v vocabulary) americanTerms(w Word) []string {
	if v.lexicon == nil {
		return nil
	}
	if terms, ok := v.spelt[w.Text]; ok {
		return terms
	}
	var terms []string
	if spellings := americanSpellings(w.Text); len(spellings) > 0 {
		_, english, french := v.lexicon.listedAs(w.Text)
		for _, spelling := range spellings {
			if american, listed, _ := v.lexicon.listedAs(spelling); english || listed && !french {
				terms = american.Terms
				break
			}
		}
	}
	v.spelt[w.Text] = terms
	return terms
}

// americanSpellings returns the ways word may be spelt the American way,
// if it is spelt the British way: "our" for "or" after two letters or more
// ("colour", "behaviours", not "hour" nor "tour"), or a British ending.
func americanSpellings(word string) []string {
	var spellings []string
	if i := strings.Index(word, "our"); i >= 2 {
		spellings = append(spellings, word[:i]+"or"+word[i+len("our"):])
	}
	for _, e := range britishEndings {
		if stem, ok := strings.CutSuffix(word, e.british); ok && len(stem) >= 2 {
			spellings = append(spellings, stem+e.american)
		}
	}
	return spellings
}

// A word may be written closed, hyphenated or open: "timesheet", "time
// sheet"; "username", "user name"; "wifi", "wi-fi"; "healthcare",
// "health care". Two words side by side in one question are the word of
// the other question they make together. The stemmers cut endings only,
// so the first word as written and the second's stem make the stem of
// the closed word ("sun glasses" and "sunglass"); a stemmer's rule that
// depends on the word's length may differ ("healthcare" loses its e,
// "care" keeps it), so the two as written are compared too.

// holdsApart tells whether two of b's words side by side make w.
func (b bag) holdsApart(w Word) bool {
	for k := 0; k+1 < len(b.words); k++ {
		first, second := b.words[k], b.words[k+1]
		if !strings.HasPrefix(w.Text, first.Text) || !compoundable(first, second) {
			continue
		}
		if rest, ok := strings.CutPrefix(w.Text, first.Text); ok && rest == second.Text {
			return true
		}
		for _, t := range w.Terms {
			if rest, ok := strings.CutPrefix(t, first.Text); ok && slices.Contains(second.Terms, rest) {
				return true
			}
		}
	}
	return false
}

// holdsTogether tells whether b holds the word that the i-th word of
// from makes with the word before or after it.
func (b bag) holdsTogether(from bag, i int) bool {
	for k := max(i-1, 0); k <= i && k+1 < len(from.words); k++ {
		first, second := from.words[k], from.words[k+1]
		if !compoundable(first, second) {
			continue
		}
		if b.written[first.Text+second.Text] {
			return true
		}
		for _, t := range second.Terms {
			if b.own[first.Text+t] {
				return true
			}
		}
	}
	return false
}

// compoundable tells whether two words may be the halves of one: each of
// two letters or more, and both words that carry meaning.
func compoundable(first, second Word) bool {
	return len(first.Terms) > 0 && len(second.Terms) > 0 &&
		utf8.RuneCountInString(first.Text) >= 2 && utf8.RuneCountInString(second.Text) >= 2
}

// A word may be written clipped: "prod" for "production", "config" for
// "configuration", "ordi" for "ordinateur", "récap" for "récapitulatif";
// or contracted, keeping its first and last letters and some between:
// "mgmt" for "management", "msg" for "message", "pwd" for "password",
// "dept" for "department". A word is read as a longer word of the other
// question that begins with it, or that begins and ends as it does and
// holds its letters in order, when no dictionary lists it: "pass" is a
// word of its own, not "password", nor "key" "keyboard". A contraction
// ends where the word does (a silent e aside: "msg", "message"), so "API"
// is no "application". It has three letters or more, and the longer word
// three more than it, so that a word's other forms ("repo" and "repos")
// are left to the stemmers.

// Some clippings are the workplace's own, and stand for one word, not
// every word they begin: "prod" is production, never a product, "app" an
// application, not an approval, "repo" a repository, not reporting.
// clippedAtWork gives each the words it stands for (and their other
// forms, which begin alike); a clipping listed here is read only as
// those, whether a dictionary lists it or not ("app" is an application
// too).
var clippedAtWork = map[string][]string{
	"prod":   {"production"},
	"perf":   {"performance"},
	"repo":   {"repositor"},
	"app":    {"application"},
	"apps":   {"application"},
	"admin":  {"administrat"},
	"auth":   {"authenticat", "authori", "authentificat"},
	"doc":    {"document"},
	"docs":   {"document"},
	"spec":   {"specification"},
	"specs":  {"specification"},
	"env":    {"environment"},
	"info":   {"information"},
	"stats":  {"statistic"},
	"config": {"configur"},
	"dev":    {"develop"},
	"db":     {"database"},
	"dbs":    {"database"},
	"devs":   {"develop"},
}

// holdsClipped tells whether w is one of b's words clipped or contracted,
// or one of b's words is w clipped or contracted.
func (b bag) holdsClipped(w Word) bool {
	for _, o := range b.words {
		if b.vocabulary.clips(w, o) || b.vocabulary.clips(o, w) {
			return true
		}
	}
	return false
}

// minClipped is the length of the shortest clipped word read, and of what
// it leaves out.
const minClipped = 3

// clips tells whether short may be long clipped or contracted.
func (v vocabulary) clips(short, long Word) bool {
	if v.lexicon == nil || len(short.Terms) == 0 || len(long.Terms) == 0 || short.Text == "" || long.Text == "" || short.Text[0] != long.Text[0] {
		return false
	}
	if words, ok := clippedAtWork[short.Text]; ok {
		return slices.ContainsFunc(words, func(w string) bool { return strings.HasPrefix(long.Text, w) })
	}
	n := utf8.RuneCountInString(short.Text)
	if n < minClipped || utf8.RuneCountInString(long.Text) < n+minClipped {
		return false
	}
	return (strings.HasPrefix(long.Text, short.Text) || contracts(short.Text, long.Text)) && lettersOnly(short.Text) && !v.lists(short)
}

// contracts tells whether short keeps long's first and last letters, a
// silent e aside, and holds only letters of long between, in order.
func contracts(short, long string) bool {
	s, l := []rune(short), []rune(strings.TrimSuffix(long, "e"))
	if len(s) < 2 || len(l) < 2 || s[0] != l[0] || s[len(s)-1] != l[len(l)-1] {
		return false
	}
	k := 1
	for _, r := range l[1 : len(l)-1] {
		if k < len(s)-1 && r == s[k] {
			k++
		}
	}
	return k == len(s)-1
}

// holdsMisspelt tells whether one of b's words is one edit away from w
// (see oneEdit) where either of the two may be misspelt: as written, or by
// their English stems, so that "recieved" is "receive". Not by their
// French stems, which write a doubled letter once: "offboarding" would be
// "ofboard", one letter from "onboard". A word written as a name (name,
// for w) is not misspelt: see namesIn.
func (b bag) holdsMisspelt(w Word, name bool) bool {
	wMisspelt := !name && b.vocabulary.misspelt(w)
	for i, o := range b.words {
		if !wMisspelt && (!b.misspelt[i] || b.isName(o.Text)) {
			continue
		}
		if oneEdit(w.Text, o.Text) || len(w.Terms) > 0 && len(o.Terms) > 0 && oneEdit(w.Terms[0], o.Terms[0]) {
			return true
		}
	}
	return false
}

// A word written with a capital inside a sentence is a name, a product's
// or a place's, written so on purpose, and no misspelling however close
// to a word it is: "How do I get access to Looker?" is not "…to a
// locker?". A sentence's first word, and a word in capitals (an
// acronym), tell nothing.

// namesIn returns the words of text, lower-cased, written as names: a
// capital then small letters, not opening a sentence. A sentence in title
// case ("Open Recent File", "Best Place To Buy A Bike"), whose words are
// capitalised more often than not, names nothing by it.
func namesIn(text string) map[string]bool {
	var names map[string]bool
	for sentence := range sentencesIn(text) {
		words := strings.FieldsFunc(sentence, betweenWords)
		words = words[min(1, len(words)):]
		var capitalised []string
		for _, w := range words {
			if first, size := utf8.DecodeRuneInString(w); unicode.IsUpper(first) && strings.ToLower(w[size:]) == w[size:] && size < len(w) {
				capitalised = append(capitalised, w)
			}
		}
		if 2*len(capitalised) > len(words) {
			continue
		}
		for _, w := range capitalised {
			names = addTo(names, strings.ToLower(w))
		}
	}
	return names
}

// misspelt tells whether w may be a word misspelt: a word of letters
// that no dictionary lists and at most one past question holds (the one
// it is written in). People type fast in chat ("dealine", "guidlines",
// "membeship"), and a misspelt word is the rarest of its question, so
// unmatched it would weigh the most against sameness: "How do I order
// busines cards?" would not be "How do I order business cards?". A word
// the history holds twice is the workspace's own (a product, a name), and
// without dictionaries nothing tells a misspelling from a word.
func (v vocabulary) misspelt(w Word) bool {
	if v.lexicon == nil || utf8.RuneCountInString(w.Text) < minMisspelt || len(w.Terms) == 0 {
		return false
	}
	if !lettersOnly(w.Text) {
		return false
	}
	for _, t := range w.Terms {
		if v.stats.DF[t] > 1 {
			return false
		}
	}
	return !v.lists(w)
}

// lettersOnly tells whether s is made of letters only.
func lettersOnly(s string) bool {
	for _, r := range s {
		if !unicode.IsLetter(r) {
			return false
		}
	}
	return true
}

// minMisspelt is the length of the shortest word read as maybe misspelt:
// one edit turns a short word into another ("mail", "main"). Stems,
// which may be a letter shorter than their word, are compared from
// minMisspelt-1 letters.
const minMisspelt = 5

// oneEdit tells whether stems a and b differ by one letter added,
// removed, changed, or two neighbours swapped: most misspellings (Damerau,
// 1964). Their first letters must agree, as they do in most misspellings
// and seldom between two words one edit apart ("gmail" and "email").
func oneEdit(a, b string) bool {
	if a == b || utf8.RuneCountInString(a) < minMisspelt-1 || utf8.RuneCountInString(b) < minMisspelt-1 {
		return false
	}
	ra, rb := []rune(a), []rune(b)
	if ra[0] != rb[0] {
		return false
	}
	if len(ra) < len(rb) {
		ra, rb = rb, ra
	}
	i := 0
	for i < len(rb) && ra[i] == rb[i] {
		i++
	}
	switch len(ra) - len(rb) {
	case 0:
		// One letter changed, or two neighbours swapped.
		if string(ra[i+1:]) == string(rb[i+1:]) {
			return true
		}
		return i+1 < len(ra) && ra[i] == rb[i+1] && ra[i+1] == rb[i] && string(ra[i+2:]) == string(rb[i+2:])
	case 1:
		return string(ra[i+1:]) == string(rb[i:])
	}
	return false
}
