package index

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"

	"github.com/nextdesk/nextdesk/knowledge"
)

// Bounds on one search, so that no input can make a search slow or large.
const (
	defaultLimit = 50
	maxLimit     = 1000
	// maxQueryTerms caps the terms each analyzer takes from the query text:
	// bleve scores every document holding any query term, so a pasted log
	// would otherwise scan most of the index. A question's first few
	// hundred words say what it is about.
	maxQueryTerms = 256
	// maxConversations caps the private conversations one search may
	// include; the engine passes the viewer's memberships.
	maxConversations = 10000
	// maxClauses bounds every disjunction bleve builds. The query's own
	// disjunctions are nested to stay below it.
	maxClauses = 1024
	// searchTimeout applies when the caller's context has no deadline.
	searchTimeout = 2 * time.Second
)

// maxPostings bounds the documents one search scores, counted once per
// field and term (see matchQueries). On the synthetic million-question
// benchmark corpus, a question searched with 60% of its words in random
// order was found first as often with a bound of 30,000 as with none
// (98.5%, and 100% in the top 10), at a tenth of the cost; 20,000 began
// to lose some. It is a variable so that tests can make a small index
// behave as a large one.
var maxPostings uint64 = 40000

// maxTermSearchers bounds the term searchers of one search: two match
// queries per analyzer, and one term per visible conversation.
const maxTermSearchers = 4*maxQueryTerms + maxConversations + 1

func init() {
	// bleve reads this global for every disjunction; set it unless the
	// program already chose a stricter bound.
	if searcher.DisjunctionMaxClauseCount == 0 || searcher.DisjunctionMaxClauseCount > maxClauses {
		searcher.DisjunctionMaxClauseCount = maxClauses
	}
}

// Search returns the questions closest to q.Text, best first, among public
// questions and those of q.Conversations. The text is only ever analysed as
// words (never parsed as query syntax), and at most the first
// maxQueryTerms terms of it count. Text with no searchable term (empty, or
// only stop words) finds nothing.
//
// Search returns a knowledge.EINVALID error if q.AnswerWeight is negative or
// not a number, or if q.Conversations lists more than 10,000 conversations;
// an error wrapping context.DeadlineExceeded if the search outlives ctx's
// deadline (2 s when ctx has none); an error wrapping
// bleve.ErrorIndexClosed after Close; and bleve's error otherwise.
func (ix *Index) Search(ctx context.Context, q knowledge.SearchQuery) ([]knowledge.Hit, error) {
	w := q.AnswerWeight
	if w < 0 || math.IsNaN(w) || math.IsInf(w, 0) {
		return nil, knowledge.Errorf(knowledge.EINVALID, "The answer weight must be a finite number at least 0, not %v.", w)
	}
	if len(q.Conversations) > maxConversations {
		return nil, knowledge.Errorf(knowledge.EINVALID, "A search may include at most %d private conversations, not %d.", maxConversations, len(q.Conversations))
	}
	text := ix.queryText(q.Text)
	if text == "" {
		return nil, nil
	}
	size := q.Limit
	if size <= 0 {
		size = defaultLimit
	}
	size = min(size, maxLimit)

	ix.life.RLock()
	defer ix.life.RUnlock()
	if ix.closed {
		return nil, fmt.Errorf("search index %s: %w", ix.dir, bleve.ErrorIndexClosed)
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, searchTimeout)
		defer cancel()
	}
	fields := []field{
		{fieldQEn, analyzerEn, ix.en, 1},
		{fieldQFr, analyzerFr, ix.fr, 1},
	}
	if w > 0 {
		fields = append(fields,
			field{fieldAEn, analyzerEn, ix.en, w},
			field{fieldAFr, analyzerFr, ix.fr, w})
	}
	match, err := ix.matchQueries(ctx, text, fields)
	if err != nil {
		return nil, fmt.Errorf("search index %s: %w", ix.dir, err)
	}
	if len(match) == 0 {
		// No query term is in the index. This must return here: bleve
		// treats a boolean query whose only clause matches nothing as
		// its filter alone, which would match every visible question.
		return nil, nil
	}
	// The visibility filter decides which documents count but adds nothing
	// to their scores: a conjunction would add the idf of the visibility
	// term, ranking questions of small private conversations higher.
	bq := query.NewBooleanQuery(nil, nil, nil)
	bq.Must = disjunction(match) // AddMust would wrap it in a needless conjunction
	bq.AddFilter(visibleIn(q.Conversations))

	// A few more hits than asked for, so that ties at the cut are broken
	// by id below rather than by bleve's segment order.
	req := bleve.NewSearchRequestOptions(bq, size+size/4+1, 0, false)
	ctx = context.WithValue(ctx, search.MaxTermSearchersKey, maxTermSearchers)
	res, err := ix.bleve.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("search index %s: %w", ix.dir, err)
	}
	hits := make([]knowledge.Hit, len(res.Hits))
	for i, h := range res.Hits {
		hits[i] = knowledge.Hit{QuestionID: h.ID, Score: h.Score}
	}
	// bleve leaves ties in segment order, which changes as segments merge;
	// ordering ties by id keeps results the same from one run to the next.
	slices.SortFunc(hits, func(a, b knowledge.Hit) int {
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		return cmp.Compare(a.QuestionID, b.QuestionID)
	})
	return hits[:min(size, len(hits))], nil
}

// field is one indexed field a search looks in.
type field struct {
	name         string
	analyzerName string
	analyzer     analysis.Analyzer
	boost        float64
}

// matchQueries returns one match query per field, each on text less the
// words whose term the search leaves out in that field.
//
// bleve scores every document that holds any query term, and BM25 gives a
// term found in many documents little weight: in a large index, the common
// words of a question would cost nearly all of the search and change
// almost none of the ranking. So the terms are taken rarest first, as long
// as the documents they bring stay within maxPostings; the rarest one is
// always taken. A small index (or a short question) is searched with all
// its terms, so this changes nothing there.
func (ix *Index) matchQueries(ctx context.Context, text string, fields []field) ([]query.Query, error) {
	docFreq, closeReader, err := ix.docFreqs(ctx)
	if err != nil {
		return nil, err
	}
	defer closeReader()
	type term struct {
		field int
		text  string
		df    uint64
	}
	var terms []term
	tokens := make([]analysis.TokenStream, len(fields))
	for i, f := range fields {
		tokens[i] = f.analyzer.Analyze([]byte(text))
		seen := make(map[string]bool)
		for _, t := range tokens[i] {
			if s := string(t.Term); !seen[s] {
				seen[s] = true
				df, err := docFreq(f.name, s)
				if err != nil {
					return nil, err
				}
				if df > 0 {
					terms = append(terms, term{i, s, df})
				}
			}
		}
	}
	slices.SortStableFunc(terms, func(a, b term) int { return cmp.Compare(a.df, b.df) })
	kept := make([]map[string]bool, len(fields))
	var postings uint64
	for k, t := range terms {
		if k > 0 && postings+t.df > maxPostings {
			break
		}
		postings += t.df
		if kept[t.field] == nil {
			kept[t.field] = make(map[string]bool)
		}
		kept[t.field][t.text] = true
	}
	var qs []query.Query
	for i, f := range fields {
		if kept[i] == nil {
			continue
		}
		words := []byte(text)
		for _, t := range tokens[i] {
			if !kept[i][string(t.Term)] {
				for j := t.Start; j < t.End; j++ {
					words[j] = ' '
				}
			}
		}
		m := query.NewMatchQuery(string(words))
		m.SetField(f.name)
		m.Analyzer = f.analyzerName
		m.SetBoost(f.boost)
		qs = append(qs, m)
	}
	return qs, nil
}

// docFreqs returns a function that counts the documents holding term in
// field, and a function that releases what the counting holds.
func (ix *Index) docFreqs(ctx context.Context) (func(field, term string) (uint64, error), func(), error) {
	adv, err := ix.bleve.Advanced()
	if err != nil {
		return nil, nil, err
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, nil, err
	}
	docs, err := r.DocCount()
	if err != nil {
		r.Close()
		return nil, nil, err
	}
	count := func(field, term string) (uint64, error) {
		key := dfKey{field, term}
		if df, ok := ix.dfs.get(docs, key); ok {
			return df, nil
		}
		tfr, err := r.TermFieldReader(ctx, []byte(term), field, false, false, false)
		if err != nil {
			return 0, err
		}
		defer tfr.Close()
		df := tfr.Count()
		ix.dfs.put(key, df)
		return df, nil
	}
	return count, func() { r.Close() }, nil
}

// dfCache keeps document frequencies between searches: reading one costs
// a lookup in every segment, and a question's terms come back again and
// again. Counts only decide which terms a search leaves out, so they may
// be a little stale: they are kept while the number of documents stays
// within 1% of what it was when they were read. A zero is never kept, so
// a new term is searched as soon as it is indexed.
type dfCache struct {
	mu    sync.Mutex
	docs  uint64 // documents in the index when the counts were read
	freqs map[dfKey]uint64
}

type dfKey struct{ field, term string }

// maxCachedFreqs bounds the cache, at a few megabytes.
const maxCachedFreqs = 100000

func (c *dfCache) get(docs uint64, k dfKey) (uint64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if diff := max(docs, c.docs) - min(docs, c.docs); diff*100 > c.docs || len(c.freqs) >= maxCachedFreqs {
		c.docs, c.freqs = docs, make(map[dfKey]uint64)
	}
	df, ok := c.freqs[k]
	return df, ok
}

func (c *dfCache) put(k dfKey, df uint64) {
	if df == 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.freqs != nil {
		c.freqs[k] = df
	}
}

// visibleIn matches public questions and those of the given conversations.
func visibleIn(conversations []string) query.Query {
	terms := []query.Query{visTerm(visPublic)}
	seen := map[string]bool{visPublic: true, "": true}
	for _, c := range conversations {
		if !seen[c] {
			seen[c] = true
			terms = append(terms, visTerm(c))
		}
	}
	return disjunction(terms)
}

func visTerm(v string) query.Query {
	t := query.NewTermQuery(v)
	t.SetField(fieldVis)
	return t
}

// disjunction returns a query matching any of qs: qs[0] itself if it is
// alone (bleve would wrap it in a disjunction searcher, which costs on every
// document), or disjunctions nested in groups of at most maxClauses.
func disjunction(qs []query.Query) query.Query {
	if len(qs) == 1 {
		return qs[0]
	}
	for len(qs) > maxClauses {
		var groups []query.Query
		for g := range slices.Chunk(qs, maxClauses) {
			groups = append(groups, query.NewDisjunctionQuery(g))
		}
		qs = groups
	}
	return query.NewDisjunctionQuery(qs)
}

// queryText returns the part of text that is searched: repaired, cut after
// maxQueryTerms terms of either analyzer, and empty when it has no term.
func (ix *Index) queryText(text string) string {
	text = indexedText(text)
	cut, found := len(text), false
	for _, a := range []analysis.Analyzer{ix.en, ix.fr} {
		tokens := a.Analyze([]byte(text))
		if len(tokens) > 0 {
			found = true
		}
		if len(tokens) > maxQueryTerms {
			cut = min(cut, tokens[maxQueryTerms-1].End)
		}
	}
	if !found {
		return ""
	}
	return text[:cut]
}

// Terms returns the distinct terms the index derives from text, the union
// of what the English and French analyzers make of it, sorted. Two texts
// sharing many terms are about the same thing in the index's eyes.
func (ix *Index) Terms(text string) []string {
	text = indexedText(text)
	if text == "" {
		return nil
	}
	seen := make(map[string]bool)
	var terms []string
	for _, a := range []analysis.Analyzer{ix.en, ix.fr} {
		for _, t := range a.Analyze([]byte(text)) {
			if s := string(t.Term); !seen[s] {
				seen[s] = true
				terms = append(terms, s)
			}
		}
	}
	slices.Sort(terms)
	return terms
}
