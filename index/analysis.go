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
	hyphensFilter    = "nextdesk_hyphens"
)

// frFunctionWords are the function words the analyzer drops beside
// bleve's English stop list: the
// frequent ones of bleve's French stop list, less those that mean something
// in English or at work ("ai", "eu", "es", "été", "avions", single letters
// such as C), which would otherwise vanish.
//
// Both languages' question and modal words are dropped too, as English
// "would" and "could" already are: "can", "may", "comment", "pourquoi",
// "faire"… say that something is asked, not what.
var frFunctionWords = []any{
	"can", "may", "might", "must", "shall", "will",
	"alors", "ainsi", "après", "aussi", "autre", "autres", "avant",
	"chaque", "chez", "combien", "comme", "comment", "dois", "doit", "donc",
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
	if err := registry.RegisterCharFilter(hyphensFilter, func(map[string]any, *registry.Cache) (analysis.CharFilter, error) {
		return hyphens{}, nil
	}); err != nil {
		panic(err)
	}
}

// biStemFilter replaces each word by its English and French stems, the
// French one only when it differs, both at the word's position, and both
// without accents: "symptômes" then meets "symptoms", and "sécurité"
// "security", through the stems the two languages share. A keyword token
// is kept as it is.
type biStemFilter struct{}

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
		porterStemmer.Filter(analysis.TokenStream{t})
		t.Term, frTok.Term = foldTerm(t.Term), foldTerm(frTok.Term)
		out = append(out, t)
		if string(frTok.Term) != string(t.Term) {
			out = append(out, &frTok)
		}
	}
	return out
}

// hyphens rewrites two hyphenated forms whose parts are not words, in
// place and keeping every other byte where it was (the index reads words'
// offsets in the text):
//
//   - the t French puts between a verb and the pronoun after it, "a-t-il",
//     "va-t-on", "y a-t-il", is a sound, not a word: kept, it would be a
//     rare term every such question shares with any text holding a T. It
//     is blanked out, hyphens included;
//   - the e of electronic, "e-mail", "e-learning", is one word with what
//     it prefixes, as "email" is: the hyphen moves to the end of the word,
//     as a space.
//
// Most texts hold no hyphen and are returned as they are.
type hyphens struct{}

// euphonicPronouns follow the euphonic t.
var euphonicPronouns = []string{"il", "elle", "on", "ils", "elles"}

// Filter implements analysis.CharFilter.
func (hyphens) Filter(input []byte) []byte {
	i := bytes.IndexByte(input, '-')
	if i < 0 {
		return input
	}
	out := slices.Clone(input)
	for ; i >= 0 && i < len(out); i = nextHyphen(out, i+1) {
		switch {
		case euphonicTAt(out, i):
			copy(out[i:i+3], "   ")
			i += 2
		case i > 0 && (out[i-1] == 'e' || out[i-1] == 'E') && !letterBefore(out, i-1):
			if n := lettersAt(out, i+1); n > 0 {
				copy(out[i:], out[i+1:i+1+n])
				out[i+n] = ' '
				i += n
			}
		}
	}
	return out
}

func nextHyphen(b []byte, from int) int {
	if j := bytes.IndexByte(b[from:], '-'); j >= 0 {
		return from + j
	}
	return -1
}

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
		"char_filters": []any{hyphensFilter},
		"tokenizer":    unicodetokenizer.Name,
		"token_filters": []any{
			lowercase.Name, fr.ElisionName, en.PossessiveName,
			en.StopName, frFunctionFilter, biStemFilterName,
		},
	}); err != nil {
		return fmt.Errorf("define %s: %w", analyzerName, err)
	}
	return nil
}
