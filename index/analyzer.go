package index

import "fmt"

// Analyzer analyses text the way the index does, without an index: for
// the commands and tasks that must match text against words (a team's
// topics) while the server holds the index, or with no index at all.
type Analyzer struct {
	// ix holds only the bilingual analyzer: Terms is the index's own, so
	// the two analyses can never drift apart.
	ix *Index
}

// NewAnalyzer returns the analysis of the index's mapping: its bilingual
// analyzer.
func NewAnalyzer() (*Analyzer, error) {
	m, err := newMapping()
	if err != nil {
		return nil, fmt.Errorf("index analysis: %w", err)
	}
	text := m.AnalyzerNamed(analyzerName)
	if text == nil {
		return nil, fmt.Errorf("index analysis: the mapping lacks the %s analyzer", analyzerName)
	}
	return &Analyzer{ix: &Index{text: text}}, nil
}

// Terms returns the distinct terms the index derives from text (see
// Index.Terms).
func (a *Analyzer) Terms(text string) []string { return a.ix.Terms(text) }
