package index

import (
	"fmt"

	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/lang/fr"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/token/porter"
	"github.com/blevesearch/bleve/v2/analysis/token/stop"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/analysis/tokenmap"
	"github.com/blevesearch/bleve/v2/mapping"
)

// The two analyzers every text is indexed with. They are bleve's en and fr
// with one change each, because every text goes through both: each also
// drops the other language's function words. With bleve's en and fr as
// they are, "the" and "is" would be terms of the French fields, and "de"
// and "la" terms of the English ones: a query made only of stop words
// would find half the index, and every query holding one would walk a
// posting list as long as the index, for no gain in relevance.
//
// They are defined in the mapping, so an index keeps analysing text the
// way it was built even if bleve's own analyzers change.
const (
	analyzerEn = "nextdesk_en"
	analyzerFr = "nextdesk_fr"

	frFunctionMap    = "nextdesk_fr_function_words"
	frFunctionFilter = "nextdesk_stop_fr_function_words"
)

// frFunctionWords are the French function words the English analyzer
// drops: the frequent ones of bleve's French stop list, less those that
// mean something in English or at work ("ai", "eu", "es", "été", "avions",
// single letters such as C), which would otherwise vanish from both fields.
var frFunctionWords = []any{
	"à", "au", "aux", "avec", "avais", "avait", "avez", "avons", "ça", "ce",
	"ceci", "cela", "ces", "cet", "cette", "dans", "de", "des", "du", "elle",
	"elles", "en", "est", "et", "étais", "était", "être", "il", "ils", "je",
	"la", "le", "les", "leur", "leurs", "lui", "ma", "mais", "mes", "moi",
	"mon", "ne", "nos", "notre", "nous", "ont", "ou", "où", "par", "pas",
	"pour", "qu", "que", "quel", "quelle", "quelles", "quels", "qui", "sa",
	"sans", "se", "ses", "son", "sont", "suis", "sur", "ta", "te", "tes",
	"toi", "ton", "tu", "un", "une", "vos", "votre", "vous", "y",
}

// addAnalyzers defines analyzerEn and analyzerFr in m.
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
	// English: bleve's en, plus French elision (l', d', qu'… never start an
	// English word) and French function words.
	if err := m.AddCustomAnalyzer(analyzerEn, map[string]any{
		"type":      custom.Name,
		"tokenizer": unicode.Name,
		"token_filters": []any{
			lowercase.Name, fr.ElisionName, en.PossessiveName,
			en.StopName, frFunctionFilter, porter.Name,
		},
	}); err != nil {
		return fmt.Errorf("define %s: %w", analyzerEn, err)
	}
	// French: bleve's fr, plus English stop words.
	if err := m.AddCustomAnalyzer(analyzerFr, map[string]any{
		"type":      custom.Name,
		"tokenizer": unicode.Name,
		"token_filters": []any{
			lowercase.Name, fr.ElisionName, fr.StopName, en.StopName, fr.LightStemmerName,
		},
	}); err != nil {
		return fmt.Errorf("define %s: %w", analyzerFr, err)
	}
	return nil
}
