package index

import (
	"bytes"
	"fmt"
	"slices"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/lang/fr"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/token/porter"
	"github.com/blevesearch/bleve/v2/analysis/token/stop"
	unicodetokenizer "github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/analysis/tokenmap"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/registry"

	"github.com/nextdesk/nextdesk/knowledge"
)

// Every text is analysed once, by one analyzer that keeps both languages'
// stems: each word becomes its English (Porter) stem and, when it differs,
// its French (light) stem, at the same position. "certificats" and
// "certificates" then share a term, and "renewing" finds "renew", without
// guessing the language and without analysing and indexing every text
// twice, as two analyzers in two fields would (that second copy cost about
// half of the index's CPU and size).
//
// The analyzer drops the function words of both languages, so that a query
// made only of them finds nothing and no query walks a posting list as
// long as the index for no gain in relevance.
//
// It is defined in the mapping, so an index keeps analysing text the way it
// was built even if bleve's own filters change; the bilingual stemming
// filter is nextdesk's and registered below.
const (
	analyzerName = "nextdesk_bilingual"

	frFunctionMap    = "nextdesk_fr_function_words"
	frFunctionFilter = "nextdesk_stop_fr_function_words"
	biStemFilterName = "nextdesk_stem_en_fr"
	marksFilter      = "nextdesk_marks"
	capitalsFilter   = "nextdesk_capitals"
)

// frFunctionWords are the function words the analyzer drops beside
// bleve's English stop list: the
// frequent ones of bleve's French stop list, less those that mean something
// in English or at work ("ai", "eu", "es", "été", "avions", single letters
// such as C), which would otherwise vanish.
//
// Both languages' question and modal words are dropped too, as English
// "would" and "could" already are: "can", "may", "comment", "pourquoi",
// "faire"… say that something is asked, not what. So are the French
// prepositions whose English the English list drops ("avant", "après",
// "chez", "depuis", "durant", "contre", "jusqu'à", "à travers",
// "au-dessus", "en dessous": before, after, at, from, during, against,
// until, through, above, below): kept, "depuis" was a rare word of
// "Comment se connecter au VPN depuis chez soi ?" that "How do I connect
// to the VPN from home?" lacked. And the other little words whose
// English the list drops: "ensuite", "quelques", "peu", "seulement",
// "aucun", "lequel", "celui" (then, some, few, only, no, which, that);
// not "chacun", which is "everyone" as much as "each", nor "tel", a
// phone number in English.
var frFunctionWords = []any{
	"can", "may", "might", "must", "shall", "will",
	"alors", "ainsi", "après", "aussi", "autre", "autres", "avant",
	"chaque", "chez", "combien", "comme", "comment", "dois", "doit", "donc",
	"contre", "depuis", "dessous", "dessus", "durant", "jusqu", "jusque", "travers",
	"ensuite", "quelque", "quelques", "peu", "seulement", "telle", "tels", "telles",
	"aucun", "aucune", "lequel", "laquelle", "lesquels", "lesquelles",
	"celui", "celle", "ceux", "celles",
	"encore", "entre", "fais", "fait", "faire", "lorsque", "si", "puisque",
	"faut", "ici", "là", "moins", "même", "pendant", "peut", "peux",
	"pourquoi", "pourrait", "pouvez", "puis", "quand", "quoi", "sous",
	"tout", "toute", "toutes", "tous", "très", "trop", "vers",
	"sommes", "êtes", "étions", "étiez", "étaient", "sera", "serait",
	"seront", "serais", "avoir", "aura", "aurait", "pouvons",
	"peuvent", "pu", "devons", "devez", "doivent", "dû", "soit", "soient", "sois",
	"à", "au", "aux", "avec", "avais", "avait", "avez", "avons", "ça", "ce",
	"ceci", "cela", "ces", "cet", "cette", "dans", "de", "des", "du", "elle",
	"elles", "en", "est", "et", "étais", "était", "être", "il", "ils", "je",
	"la", "le", "les", "leur", "leurs", "lui", "ma", "mais", "mes", "moi",
	"mon", "ne", "nos", "notre", "nous", "ont", "ou", "où", "par", "pas",
	"pour", "qu", "que", "quel", "quelle", "quelles", "quels", "qui", "sa",
	"sans", "se", "ses", "son", "sont", "suis", "sur", "ta", "te", "tes",
	"toi", "ton", "tu", "un", "une", "vos", "votre", "vous", "y",
}

func init() {
	if err := registry.RegisterTokenFilter(biStemFilterName, func(map[string]any, *registry.Cache) (analysis.TokenFilter, error) {
		return biStemFilter{}, nil
	}); err != nil {
		panic(err)
	}
	if err := registry.RegisterTokenFilter(capitalsFilter, func(map[string]any, *registry.Cache) (analysis.TokenFilter, error) {
		return capitals{}, nil
	}); err != nil {
		panic(err)
	}
	if err := registry.RegisterCharFilter(marksFilter, func(map[string]any, *registry.Cache) (analysis.CharFilter, error) {
		return marks{}, nil
	}); err != nil {
		panic(err)
	}
}

// capitals keeps the acronyms of work that are function words in small
// letters: "IT" (the department) and "US" (the country) are not "it" and
// "us", which the stop list drops, so that "Who handles IT onboarding?"
// asked "Who handles onboarding?" and "the US office" "the office". Written
// in capitals in a text that is not, each becomes a term the stop lists do
// not hold, its small letters and a point, which no word the tokenizer cuts
// can be. A text all in capitals shouts, and its "IT" is the pronoun.
type capitals struct{}

// keptCapitals are the acronyms capitals keeps, by their term.
var keptCapitals = map[string][]byte{"IT": []byte("it."), "US": []byte("us.")}

// Filter implements analysis.TokenFilter.
func (capitals) Filter(input analysis.TokenStream) analysis.TokenStream {
	shouting, words := true, 0
	for _, t := range input {
		if bytes.IndexFunc(t.Term, unicode.IsLetter) < 0 {
			continue
		}
		words++
		shouting = shouting && !bytes.ContainsFunc(t.Term, unicode.IsLower)
	}
	if shouting && words > 1 {
		return input
	}
	for _, t := range input {
		if term, ok := keptCapitals[string(t.Term)]; ok {
			t.Term, t.KeyWord = term, true
		}
	}
	return input
}

// biStemFilter replaces each word by its English and French stems, the
// French one only when it differs, both at the word's position, and both
// without accents: "symptômes" then meets "symptoms", and "sécurité"
// "security", through the stems the two languages share. A keyword token
// is kept as it is.
type biStemFilter struct{}

// undoubled are the forms of the English verbs whose base ends in a
// doubled consonant, which Porter's stemmer undoubles after taking off
// -ed or -ing as it rightly does for "stopped" and "hopping": "added"
// became "ad", the stem of "ads", and no longer found "add". The stemmer
// spares l, s and z ("called", "passed", "buzzed"), which leaves these.
var undoubled = map[string]string{
	"added": "add", "adding": "add",
	"erred": "err", "erring": "err",
}

var (
	porterStemmer = porter.NewPorterStemmer()
	frStemmer     = fr.NewFrenchLightStemmerFilter()
)

// Filter implements analysis.TokenFilter.
func (biStemFilter) Filter(input analysis.TokenStream) analysis.TokenStream {
	out := make(analysis.TokenStream, 0, len(input)+len(input)/2)
	for _, t := range input {
		if t.KeyWord {
			out = append(out, t)
			continue
		}
		// Both stemmers build a new term and leave the input's bytes
		// alone, so one token can be stemmed twice.
		frTok := *t
		frStemmer.Filter(analysis.TokenStream{&frTok})
		base, isUndoubled := undoubled[string(t.Term)]
		porterStemmer.Filter(analysis.TokenStream{t})
		if isUndoubled {
			t.Term = []byte(base)
		}
		t.Term, frTok.Term = foldTerm(t.Term), foldTerm(frTok.Term)
		out = append(out, t)
		if string(frTok.Term) != string(t.Term) {
			out = append(out, &frTok)
		}
	}
	return out
}

// marks rewrites the marks written inside or after a word that make no
// word of their own, in place and keeping every other byte where it was
// (the index reads words' offsets in the text):
//
//   - the t French puts between a verb and the pronoun after it, "a-t-il",
//     "va-t-on", "y a-t-il", is a sound, not a word: kept, it would be a
//     rare term every such question shares with any text holding a T. It
//     is blanked out, hyphens included;
//   - the e of electronic, "e-mail", "e-learning", is one word with what
//     it prefixes, as "email" is: the hyphen moves to the end of the word,
//     as a space;
//   - the space French writes between a number's thousands, "5 000",
//     is the comma English writes, "5,000", which keeps the number one
//     word;
//   - the endings French inclusive writing adds after a middle dot, a
//     point or in brackets, "salarié·e·s", "salarié.e.s", "ami(e)s",
//     "directeur·rice", and English's "file(s)", are the word they follow,
//     whose stem finds its other forms: kept, "(e)s" gave every such text
//     the rare terms "e" and "s", and a middle dot joined the endings to
//     the word ("salarie·e·"), which then matched nothing. They are blanked
//     out.
//
// Most texts hold none of these and are returned as they are.
type marks struct{}

// euphonicPronouns follow the euphonic t.
var euphonicPronouns = []string{"il", "elle", "on", "ils", "elles"}

// inclusiveEndings are the endings inclusive writing adds to a word, its
// feminine and plural: "salarié·e·s", "citoyen·ne", "acteur·rice",
// "serveur·euse", "premier·ère", "sportif·ve".
var inclusiveEndings = []string{
	"e", "es", "ne", "nes", "le", "les", "te", "tes", "se", "ses", "ve", "ves",
	"rice", "rices", "trice", "trices", "euse", "euses", "ère", "ères",
}

// Filter implements analysis.CharFilter.
func (marks) Filter(input []byte) []byte {
	b, copied := input, false
	// own makes b a copy before its first change: the input is the
	// caller's.
	own := func() {
		if !copied {
			b, copied = slices.Clone(input), true
		}
	}
	for i := 0; i < len(b); i++ {
		switch {
		case b[i] == '-':
			switch {
			case euphonicTAt(b, i):
				own()
				copy(b[i:i+3], "   ")
				i += 2
			case i > 0 && (b[i-1] == 'e' || b[i-1] == 'E') && !letterBefore(b, i-1):
				if n := lettersAt(b, i+1); n > 0 {
					own()
					copy(b[i:], b[i+1:i+1+n])
					b[i+n] = ' '
					i += n
				}
			}
		case b[i] == ' ' && thousandsAt(b, i):
			own()
			b[i] = ','
		case b[i] == '(' || b[i] == '.' || b[i] == middleDot[0]:
			if n := inclusiveEndingAt(b, i); n > 0 {
				own()
				copy(b[i:i+n], bytes.Repeat([]byte(" "), n))
				i += n - 1
			}
		}
	}
	return b
}

// inclusiveEndingAt returns how many bytes of b, from the mark at i, are an
// ending of inclusive writing after a word of two letters or more: the
// mark, the ending, and the plural after a second mark ("·e·s", ".e.s")
// or after the bracket ("(e)s"); 0 when there is none.
func inclusiveEndingAt(b []byte, i int) int {
	r, size := utf8.DecodeLastRune(b[:i])
	if !unicode.IsLetter(r) || !letterBefore(b, i-size) {
		return 0
	}
	mark := markAt(b, i)
	if mark == "" {
		return 0
	}
	j := i + len(mark)
	ending := b[j : j+lettersAt(b, j)]
	if !slices.ContainsFunc(inclusiveEndings, func(e string) bool { return bytes.EqualFold(ending, []byte(e)) }) &&
		!(mark == "(" && plural(ending)) { // "file(s)"
		return 0
	}
	j += len(ending)
	if mark == "(" {
		if !bytes.HasPrefix(b[j:], []byte(")")) {
			return 0
		}
		j++
		mark = "" // the plural follows the bracket: "(e)s"
	}
	if k := j + len(mark); bytes.HasPrefix(b[j:], []byte(mark)) && plural(b[k:k+lettersAt(b, k)]) {
		j = k + 1
	}
	if lettersAt(b, j) > 0 {
		return 0 // "(e)x…" is no ending
	}
	return j - i
}

// markAt returns the mark of inclusive writing at b[i:], "" for none.
func markAt(b []byte, i int) string {
	for _, m := range []string{"(", ".", middleDot} {
		if bytes.HasPrefix(b[i:], []byte(m)) {
			return m
		}
	}
	return ""
}

// middleDot is inclusive writing's usual mark, U+00B7.
const middleDot = "·"

func plural(ending []byte) bool { return len(ending) == 1 && ending[0]|0x20 == 's' }

// euphonicTAt reports whether the hyphen at i begins "-t-" followed by a
// pronoun that ends there, after a letter.
func euphonicTAt(b []byte, i int) bool {
	if i+3 >= len(b) || b[i+1]|0x20 != 't' || b[i+2] != '-' || !letterBefore(b, i) {
		return false
	}
	rest := b[i+3:]
	for _, p := range euphonicPronouns {
		if len(rest) >= len(p) && bytes.EqualFold(rest[:len(p)], []byte(p)) && lettersAt(rest, len(p)) == 0 {
			return true
		}
	}
	return false
}

// thousandsAt tells whether the space at i separates the thousands of a
// number, as French writes them: one to three digits before it, after no
// digit, and three digits after it, before no digit ("5 000", "12 500").
func thousandsAt(b []byte, i int) bool {
	before := 0
	for before < i && isDigit(b[i-1-before]) {
		before++
	}
	if before == 0 || before > 3 || i+4 > len(b) {
		return false
	}
	for _, c := range b[i+1 : i+4] {
		if !isDigit(c) {
			return false
		}
	}
	return i+4 == len(b) || !isDigit(b[i+4])
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// letterBefore reports whether a letter ends b[:i].
func letterBefore(b []byte, i int) bool {
	r, _ := utf8.DecodeLastRune(b[:i])
	return i > 0 && unicode.IsLetter(r)
}

// lettersAt returns how many bytes of letters begin b[i:].
func lettersAt(b []byte, i int) int {
	n := 0
	for i+n < len(b) {
		r, size := utf8.DecodeRune(b[i+n:])
		if !unicode.IsLetter(r) {
			break
		}
		n += size
	}
	return n
}

// foldTerm returns term without accents, reusing its bytes when it has none.
func foldTerm(term []byte) []byte {
	for _, c := range term {
		if c >= utf8.RuneSelf {
			return []byte(knowledge.FoldAccents(string(term)))
		}
	}
	return term
}

// addAnalyzers defines analyzerName in m.
func addAnalyzers(m *mapping.IndexMappingImpl) error {
	if err := m.AddCustomTokenMap(frFunctionMap, map[string]any{
		"type":   tokenmap.Name,
		"tokens": frFunctionWords,
	}); err != nil {
		return fmt.Errorf("define %s: %w", frFunctionMap, err)
	}
	if err := m.AddCustomTokenFilter(frFunctionFilter, map[string]any{
		"type":           stop.Name,
		"stop_token_map": frFunctionMap,
	}); err != nil {
		return fmt.Errorf("define %s: %w", frFunctionFilter, err)
	}
	// French elision (l', d', qu'… never start an English word) and
	// English possessives, then both languages' function words, then both
	// stems.
	if err := m.AddCustomAnalyzer(analyzerName, map[string]any{
		"type":         custom.Name,
		"char_filters": []any{marksFilter},
		"tokenizer":    unicodetokenizer.Name,
		"token_filters": []any{
			capitalsFilter, lowercase.Name, fr.ElisionName, en.PossessiveName,
			en.StopName, frFunctionFilter, biStemFilterName,
		},
	}); err != nil {
		return fmt.Errorf("define %s: %w", analyzerName, err)
	}
	return nil
}
