package eval

import (
	"container/heap"
	"math"
	"strings"
	"sync"
	"unicode"
)

// The BM25 parameters of the protocol: the usual defaults, not fitted to any
// data, so the baselines stay comparable with outside references.
const (
	bm25K1 = 1.2
	bm25B  = 0.75
)

// tokens returns the lower-cased words of s: runs of letters and digits (and
// the combining marks of decomposed accents), with no stemming and no stop
// words, as the protocol's baselines define them.
func tokens(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r)
	})
}

// bm25 is an Okapi BM25 index over token lists, with postings by term id so
// a query touches only the documents that share a term with it.
type bm25 struct {
	vocab    map[string]int32
	postings [][]posting // by term id
	idf      []float64   // by term id
	// norm is k1·(1 − b + b·len/avgLen) by document: the part of the term
	// weight that depends on the document only.
	norm    []float64
	scratch sync.Pool // of *accumulator, so concurrent searches share nothing
}

type posting struct {
	doc int32
	tf  int32
}

// hit is a document that matched a query.
type hit struct {
	doc   int32
	score float64
}

// newBM25 indexes docs, a list of token lists; document ids are indexes
// into docs.
func newBM25(docs [][]string) *bm25 {
	x := &bm25{vocab: make(map[string]int32), norm: make([]float64, len(docs))}
	total := 0
	tf := make(map[int32]int32)
	for d, doc := range docs {
		clear(tf)
		for _, t := range doc {
			id, ok := x.vocab[t]
			if !ok {
				id = int32(len(x.postings))
				x.vocab[t] = id
				x.postings = append(x.postings, nil)
			}
			tf[id]++
		}
		for id, n := range tf {
			x.postings[id] = append(x.postings[id], posting{doc: int32(d), tf: n})
		}
		total += len(doc)
	}
	avg := 1.0
	if total > 0 {
		avg = float64(total) / float64(len(docs))
	}
	for d, doc := range docs {
		x.norm[d] = bm25K1 * (1 - bm25B + bm25B*float64(len(doc))/avg)
	}
	n := float64(len(docs))
	x.idf = make([]float64, len(x.postings))
	for id, ps := range x.postings {
		df := float64(len(ps))
		x.idf[id] = math.Log(1 + (n-df+0.5)/(df+0.5))
	}
	return x
}

// accumulator holds the scores of one search: dense by document, with the
// list of documents touched so resetting costs what the search cost.
type accumulator struct {
	scores  []float64
	touched []int32
}

// search returns the documents sharing a term with query, best first (ties
// by document id), at most limit of them unless limit is 0. A term repeated
// in the query counts once: the query is a bag of distinct words.
func (x *bm25) search(query []string, limit int) []hit {
	acc, _ := x.scratch.Get().(*accumulator)
	if acc == nil {
		acc = &accumulator{scores: make([]float64, len(x.norm))}
	}
	defer x.scratch.Put(acc)

	seen := make(map[int32]bool, len(query))
	for _, t := range query {
		id, ok := x.vocab[t]
		if !ok || seen[id] {
			continue
		}
		seen[id] = true
		idf := x.idf[id]
		for _, p := range x.postings[id] {
			if acc.scores[p.doc] == 0 {
				acc.touched = append(acc.touched, p.doc)
			}
			tf := float64(p.tf)
			acc.scores[p.doc] += idf * tf * (bm25K1 + 1) / (tf + x.norm[p.doc])
		}
	}

	top := topHits{limit: limit}
	for _, d := range acc.touched {
		top.offer(hit{doc: d, score: acc.scores[d]})
		acc.scores[d] = 0
	}
	acc.touched = acc.touched[:0]
	return top.sorted()
}

// better orders hits best first, ties by document id so results never
// depend on map order.
func better(a, b hit) bool {
	if a.score != b.score {
		return a.score > b.score
	}
	return a.doc < b.doc
}

// topHits keeps the best limit hits offered (all of them when limit is 0)
// in a heap whose root is the worst kept, so a search over a large history
// costs O(n log limit) rather than a full sort.
type topHits struct {
	limit int
	hits  []hit
}

func (t *topHits) Len() int           { return len(t.hits) }
func (t *topHits) Less(i, j int) bool { return better(t.hits[j], t.hits[i]) }
func (t *topHits) Swap(i, j int)      { t.hits[i], t.hits[j] = t.hits[j], t.hits[i] }
func (t *topHits) Push(v any)         { t.hits = append(t.hits, v.(hit)) }
func (t *topHits) Pop() any {
	v := t.hits[len(t.hits)-1]
	t.hits = t.hits[:len(t.hits)-1]
	return v
}

func (t *topHits) offer(h hit) {
	switch {
	case t.limit == 0 || len(t.hits) < t.limit:
		heap.Push(t, h)
	case better(h, t.hits[0]):
		t.hits[0] = h
		heap.Fix(t, 0)
	}
}

// sorted returns the kept hits, best first.
func (t *topHits) sorted() []hit {
	out := make([]hit, len(t.hits))
	for i := len(out) - 1; i >= 0; i-- {
		out[i] = heap.Pop(t).(hit)
	}
	return out
}
