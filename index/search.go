package index

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
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
// field and term (see termQueries). On the synthetic million-question
// benchmark corpus, a question searched with 60% of its words in random
// order was found first as often with a bound of 30,000 as with none
// (98.5%, and 100% in the top 10), at a tenth of the cost, when every
// text was indexed in two fields (one per language), so that most terms
// were counted twice; 20,000 now holds as many terms as 40,000 did then.
// It is a variable so that tests can make a small index behave as a large
// one.
var maxPostings uint64 = 20000

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

// Search returns the questions closest to q.Words (or, when it is empty,
// to the words of q.Text), best first, among public questions (unless
// q.Restricted) and those of q.Conversations. Text is only ever analysed as words (never parsed as
// query syntax), and at most the first maxQueryTerms words count, and as
// many translations. A search with no term in the index finds nothing.
//
// Each word weighs its weight, shared among its terms: a word whose
// English and French stems differ matches a document holding the same word
// through both, and counts once, like a word whose stems agree.
//
// Search returns a knowledge.EINVALID error if q.AnswerWeight or a word's
// weight is negative or not a number, or if q.Conversations lists more
// than 10,000 conversations; an error wrapping context.DeadlineExceeded if
// the search outlives ctx's deadline (2 s when ctx has none); an error
// wrapping bleve.ErrorIndexClosed after Close; and bleve's error
// otherwise.
func (ix *Index) Search(ctx context.Context, q knowledge.SearchQuery) ([]knowledge.Hit, error) {
	w := q.AnswerWeight
	if !validWeight(w) {
		return nil, knowledge.Errorf(knowledge.EINVALID, "The answer weight must be a finite number at least 0, not %v.", w)
	}
	if len(q.Conversations) > maxConversations {
		return nil, knowledge.Errorf(knowledge.EINVALID, "A search may include at most %d private conversations, not %d.", maxConversations, len(q.Conversations))
	}
	words := q.Words
	if len(words) == 0 {
		for _, w := range ix.Words(q.Text) {
			words = append(words, knowledge.QueryWord{Terms: w.Terms, Weight: 1})
		}
	}
	for _, w := range words {
		if !validWeight(w.Weight) {
			return nil, knowledge.Errorf(knowledge.EINVALID, "A word's weight must be a finite number at least 0, not %v.", w.Weight)
		}
	}
	if len(words) == 0 || q.Restricted && len(q.Conversations) == 0 {
		return nil, nil // nothing to look for, or nowhere to look
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
	fields := []field{{fieldQ, 1}}
	if w > 0 {
		fields = append(fields, field{fieldA, w})
	}
	match, err := ix.termQueries(ctx, words, fields)
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
	bq.AddFilter(visibleIn(q.Conversations, !q.Restricted))

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

func validWeight(w float64) bool { return w >= 0 && !math.IsNaN(w) && !math.IsInf(w, 0) }

// field is one indexed field a search looks in, with its weight.
type field struct {
	name  string
	boost float64
}

// termQueries returns one term query per field and term of words, each
// boosted by its word's weight (the highest, for a term of several words)
// shared among the word's terms.
//
// bleve scores every document that holds any query term, and BM25 gives a
// term found in many documents little weight: in a large index, the common
// words of a question would cost nearly all of the search and change
// almost none of the ranking. So the terms are taken by what they can add
// to a score (rarity times weight: the rarest first, a question's own
// words before translations), as long as the documents they bring stay
// within maxPostings; the first one is always taken. A small index (or a
// short question) is searched with all its terms, so this changes nothing
// there.
func (ix *Index) termQueries(ctx context.Context, words []knowledge.QueryWord, fields []field) ([]query.Query, error) {
	docFreq, docs, closeReader, err := ix.docFreqs(ctx)
	if err != nil {
		return nil, err
	}
	defer closeReader()
	weight := make(map[string]float64)
	translates := make(map[string]int) // the word a term translates, 0 for the question's own
	var order []string
	own := 0
	for _, w := range words {
		if w.Weight >= 1 { // the question's own words, not translations
			if own == maxQueryTerms {
				continue
			}
			own++
		}
		for _, t := range w.Terms {
			share := w.Weight / float64(len(w.Terms))
			if _, ok := weight[t]; !ok {
				order = append(order, t)
			}
			if share > weight[t] {
				weight[t], translates[t] = share, w.Translates
			}
		}
	}
	type term struct {
		field field
		text  string
		df    uint64
	}
	// The translations of one word share its rarity: the documents that
	// hold the word, as its translations tell, are those holding each
	// translation in the share of the word it weighs (Darwish and Oard's
	// probabilistic structured queries). Scored each by its own rarity, a
	// rare translation the dictionary lists among others ("quiconque" for
	// "anyone", beside "quelqu'un") would outweigh the common one that is
	// meant, and more so the larger the history.
	type translated struct {
		field string
		word  int
	}
	weightOf, docsOf := make(map[translated]float64), make(map[translated]float64)
	var terms []term
	for _, f := range fields {
		for _, t := range order {
			if weight[t] == 0 {
				continue
			}
			df, err := docFreq(f.name, t)
			if err != nil {
				return nil, err
			}
			if df == 0 {
				continue
			}
			terms = append(terms, term{f, t, df})
			if word := translates[t]; word > 0 {
				k := translated{f.name, word}
				weightOf[k] += weight[t]
				docsOf[k] += weight[t] * float64(df)
			}
		}
	}
	idf := func(df float64) float64 { return knowledge.IDF(df, float64(docs)) }
	rarity := func(t term) float64 {
		if word := translates[t.text]; word > 0 {
			k := translated{t.field.name, word}
			return idf(docsOf[k] / weightOf[k])
		}
		return idf(float64(t.df))
	}
	// bleve counts a term's rarity twice: in the query's weight, how much
	// the question's word weighs, and in the document's score, how much
	// finding the term tells. The boost makes the first the rarity of the
	// word a translation stands for; the second stays the term's own.
	boost := func(t term) float64 {
		return t.field.boost * weight[t.text] * rarity(t) / idf(float64(t.df))
	}
	// The terms that weigh most in a score come first: the rarest, and a
	// question's own words before translations of the same rarity.
	value := func(t term) float64 { return t.field.boost * weight[t.text] * rarity(t) }
	slices.SortStableFunc(terms, func(a, b term) int { return cmp.Compare(value(b), value(a)) })
	var qs []query.Query
	var postings uint64
	for k, t := range terms {
		if k > 0 && postings+t.df > maxPostings || len(qs) == 4*maxQueryTerms {
			break
		}
		postings += t.df
		tq := query.NewTermQuery(t.text)
		tq.SetField(t.field.name)
		tq.SetBoost(boost(t))
		qs = append(qs, tq)
	}
	return qs, nil
}

// Rarity returns the number of questions whose text holds each of terms,
// and the number of questions. Counts come from a cache kept while the
// index grows by less than 1%, so they may be that stale. It returns an
// error wrapping bleve.ErrorIndexClosed after Close, and bleve's error.
func (ix *Index) Rarity(ctx context.Context, terms []string) (knowledge.TermStats, error) {
	ix.life.RLock()
	defer ix.life.RUnlock()
	if ix.closed {
		return knowledge.TermStats{}, fmt.Errorf("term statistics of index %s: %w", ix.dir, bleve.ErrorIndexClosed)
	}
	docFreq, docs, closeReader, err := ix.docFreqs(ctx)
	if err != nil {
		return knowledge.TermStats{}, fmt.Errorf("term statistics of index %s: %w", ix.dir, err)
	}
	defer closeReader()
	stats := knowledge.TermStats{DF: make(map[string]int, len(terms))}
	for _, t := range terms {
		if _, done := stats.DF[t]; done {
			continue
		}
		df, err := docFreq(fieldQ, t)
		if err != nil {
			return knowledge.TermStats{}, fmt.Errorf("term statistics of index %s: %w", ix.dir, err)
		}
		if df > 0 {
			stats.DF[t] = int(df)
		}
	}
	stats.Docs = int(docs)
	return stats, nil
}

// docFreqs returns a function that counts the documents holding term in
// field, the number of documents, and a function that releases what the
// counting holds.
func (ix *Index) docFreqs(ctx context.Context) (count func(field, term string) (uint64, error), docs uint64, release func(), err error) {
	adv, err := ix.bleve.Advanced()
	if err != nil {
		return nil, 0, nil, err
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, 0, nil, err
	}
	docs, err = r.DocCount()
	if err != nil {
		r.Close()
		return nil, 0, nil, err
	}
	count = func(field, term string) (uint64, error) {
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
	return count, docs, func() { r.Close() }, nil
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

// visibleIn matches the questions of the given conversations, and public
// questions when public is true.
func visibleIn(conversations []string, public bool) query.Query {
	var terms []query.Query
	if public {
		terms = append(terms, visTerm(visPublic))
	}
	seen := map[string]bool{visPublic: true, "": true}
	for _, c := range conversations {
		if !seen[c] {
			seen[c] = true
			terms = append(terms, visTerm(c))
		}
	}
	if len(terms) == 0 {
		// Only ids that name no conversation: a term no document holds.
		return visTerm("")
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

// Words returns the words of text the way the index sees them, in order:
// each word with its distinct terms, function words left out. Text is
// repaired and bounded as when it is indexed.
func (ix *Index) Words(text string) []knowledge.Word {
	text = indexedText(text)
	if text == "" {
		return nil
	}
	// A word is read as the analysis reads it: "e-mail" is "email". The
	// analysis rewrites the text again, and finds nothing left to rewrite.
	text = string(marks{}.Filter([]byte(text)))
	tokens := ix.text.Analyze([]byte(text))
	var words []knowledge.Word
	for i, t := range tokens {
		if i > 0 && t.Position == tokens[i-1].Position {
			last := &words[len(words)-1]
			last.Terms = append(last.Terms, string(t.Term))
			continue
		}
		words = append(words, knowledge.Word{
			Text:  withoutElision(strings.ToLower(text[t.Start:t.End])),
			Terms: []string{string(t.Term)},
		})
	}
	return words
}

// elided are the French words that lose their vowel before another word:
// "l'imprimante" is the word "imprimante".
var elided = map[string]bool{
	"l": true, "m": true, "t": true, "qu": true, "n": true, "s": true, "j": true, "d": true, "c": true,
	"jusqu": true, "quoiqu": true, "lorsqu": true, "puisqu": true,
}

// withoutElision returns word without an elided article or pronoun.
func withoutElision(word string) string {
	if i := strings.IndexAny(word, "'’"); i > 0 && elided[word[:i]] {
		_, size := utf8.DecodeRuneInString(word[i:])
		return word[i+size:]
	}
	return word
}

// Terms returns the distinct terms the index derives from text, sorted.
// Two texts sharing many terms are about the same thing in the index's
// eyes.
func (ix *Index) Terms(text string) []string {
	var terms []string
	for _, w := range ix.Words(text) {
		terms = append(terms, w.Terms...)
	}
	slices.Sort(terms)
	return slices.Compact(terms)
}
