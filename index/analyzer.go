package index

import "fmt"

// Analyzer analyses text the way the index does, without an index: for
// the commands and tasks that must match text against words (a team's
// topics) while the server holds the index, or with no index at all.
type Analyzer struct {
	// ix holds only the two analyzers: Terms is the index's own, so the
	// two analyses can never drift apart.
	ix *Index
}

// NewAnalyzer returns the analysis of the index's mapping: its English and
// French analyzers.
func NewAnalyzer() (*Analyzer, error) {
	m, err := newMapping()
	if err != nil {
		return nil, fmt.Errorf("index analysis: %w", err)
	}
	en, fr := m.AnalyzerNamed(analyzerEn), m.AnalyzerNamed(analyzerFr)
	if en == nil || fr == nil {
		return nil, fmt.Errorf("index analysis: the mapping lacks the %s and %s analyzers", analyzerEn, analyzerFr)
	}
	return &Analyzer{ix: &Index{en: en, fr: fr}}, nil
}

// Terms returns the distinct terms the index derives from text (see
// Index.Terms).
func (a *Analyzer) Terms(text string) []string { return a.ix.Terms(text) }
