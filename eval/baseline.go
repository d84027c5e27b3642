package eval

import (
	"context"
	"sort"
	"time"

	"github.com/nextdesk/nextdesk/knowledge"
)

// documentsDepth is how many similar past questions the documents baseline
// sums over, fixed by the protocol.
const documentsDepth = 50

// Baselines returns the three reference rankers built on h, by name:
// "popularity", "profile" and "documents".
func Baselines(h History) map[string]Ranker {
	return map[string]Ranker{
		"popularity": NewPopularity(h),
		"profile":    NewProfile(h),
		"documents":  NewDocuments(h),
	}
}

// Popularity ranks people by how many answers they gave in the history,
// whatever the question: the floor any text-aware ranker must clear.
type Popularity struct {
	order []string // best first
}

// NewPopularity returns the popularity ranker of h. Ties go to the person
// who answered first, then to the smaller id, so the order is the same on
// every run.
func NewPopularity(h History) *Popularity {
	type tally struct {
		answers int
		first   time.Time
	}
	by := make(map[string]*tally)
	for _, q := range h.Questions {
		for _, a := range q.Answers {
			t := by[a.Answerer]
			if t == nil {
				t = &tally{first: a.Time}
				by[a.Answerer] = t
			}
			t.answers++
			if a.Time.Before(t.first) {
				t.first = a.Time
			}
		}
	}
	p := &Popularity{order: make([]string, 0, len(by))}
	for id := range by {
		p.order = append(p.order, id)
	}
	sort.Slice(p.order, func(i, j int) bool {
		a, b := by[p.order[i]], by[p.order[j]]
		switch {
		case a.answers != b.answers:
			return a.answers > b.answers
		case !a.first.Equal(b.first):
			return a.first.Before(b.first)
		}
		return p.order[i] < p.order[j]
	})
	return p
}

// Rank returns every person who answered in the history but the asker,
// most answers first. It never returns an error.
func (p *Popularity) Rank(_ context.Context, q knowledge.Question) ([]string, error) {
	return without(p.order, q.Asker), nil
}

// Profile ranks people by the BM25 relevance of the question to the
// concatenation of every history question they answered: the
// candidate-centred model of expert finding.
type Profile struct {
	people []string // by document id
	index  *bm25
}

// NewProfile returns the profile ranker of h. A question a person answered
// several times enters their profile once.
func NewProfile(h History) *Profile {
	docs := make(map[string][]string)
	for _, q := range h.Questions {
		var words []string
		answered := make(map[string]bool, len(q.Answers))
		for _, a := range q.Answers {
			if answered[a.Answerer] {
				continue
			}
			answered[a.Answerer] = true
			if words == nil {
				words = tokens(q.SearchText())
			}
			docs[a.Answerer] = append(docs[a.Answerer], words...)
		}
	}
	p := &Profile{people: make([]string, 0, len(docs))}
	for id := range docs {
		p.people = append(p.people, id)
	}
	sort.Strings(p.people)
	texts := make([][]string, len(p.people))
	for i, id := range p.people {
		texts[i] = docs[id]
	}
	p.index = newBM25(texts)
	return p
}

// Rank returns the people whose profile shares a word with the question,
// most relevant first, ties by id, without the asker. It never returns an
// error.
func (p *Profile) Rank(_ context.Context, q knowledge.Question) ([]string, error) {
	hits := p.index.search(tokens(q.SearchText()), 0)
	ids := make([]string, 0, len(hits))
	for _, h := range hits {
		if id := p.people[h.doc]; id != q.Asker {
			ids = append(ids, id)
		}
	}
	return ids, nil
}

// Documents ranks people by the BM25 relevance of the past questions they
// answered: the 50 history questions closest to the question vote for
// their answerers with their score. This is the document-centred model of
// expert finding, the one nextdesk's engine refines.
type Documents struct {
	answerers [][]string // distinct answerers by document id
	index     *bm25
}

// NewDocuments returns the documents ranker of h.
func NewDocuments(h History) *Documents {
	d := &Documents{answerers: make([][]string, len(h.Questions))}
	texts := make([][]string, len(h.Questions))
	for i, q := range h.Questions {
		texts[i] = tokens(q.SearchText())
		seen := make(map[string]bool, len(q.Answers))
		for _, a := range q.Answers {
			if !seen[a.Answerer] {
				seen[a.Answerer] = true
				d.answerers[i] = append(d.answerers[i], a.Answerer)
			}
		}
	}
	d.index = newBM25(texts)
	return d
}

// Rank returns the answerers of the closest past questions, highest summed
// score first, ties by id, without the asker. It never returns an error.
func (d *Documents) Rank(_ context.Context, q knowledge.Question) ([]string, error) {
	score := make(map[string]float64)
	for _, h := range d.index.search(tokens(q.SearchText()), documentsDepth) {
		for _, id := range d.answerers[h.doc] {
			score[id] += h.score
		}
	}
	delete(score, q.Asker)
	ids := make([]string, 0, len(score))
	for id := range score {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool {
		if score[ids[i]] != score[ids[j]] {
			return score[ids[i]] > score[ids[j]]
		}
		return ids[i] < ids[j]
	})
	return ids, nil
}

// without returns a copy of ids without id.
func without(ids []string, id string) []string {
	out := make([]string, 0, len(ids))
	for _, x := range ids {
		if x != id {
			out = append(out, x)
		}
	}
	return out
}
