package digest

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/nextdesk/nextdesk/knowledge"
	"github.com/nextdesk/nextdesk/org"
)

// How a person's topics are found: the terms of the latest questions they
// asked or answered, the most frequent first.
const (
	personalHistory = 200
	personalTopics  = 30
)

// ComposePersonal reads person's own digest of opts.Week (opts.Viewer is
// replaced by person): the week's answered questions that person may see,
// in the topics of the questions they asked or answered, leaving out the
// ones they asked or answered themselves. The questions sharing most of
// their topics come first. The digest is Empty when nothing matches. It
// returns the store's errors, wrapped.
func ComposePersonal(ctx context.Context, src Source, person string, opts Options) (*Digest, error) {
	opts = opts.withDefaults()
	opts.Viewer = knowledge.Viewer{PersonID: person}
	d := &Digest{
		Week:     opts.Week,
		From:     opts.Week.Start(opts.Location),
		To:       opts.Week.End(opts.Location),
		Personal: true,
	}
	history, err := src.QuestionsOf(ctx, opts.Viewer, person, personalHistory)
	if err != nil {
		return nil, fmt.Errorf("personal digest %s of %s: history: %w", d.Week, person, err)
	}
	mine := newTopicCounts()
	for _, q := range history {
		mine.add(q.SearchText())
	}
	interests := make(map[string]int)
	keys := mine.recurring(1)
	for _, k := range keys[:min(len(keys), personalTopics)] {
		interests[k] = mine.questions[k]
	}
	if len(interests) == 0 {
		return d, nil
	}

	qs, err := src.QuestionsAsked(ctx, opts.Viewer, d.From, d.To)
	if err != nil {
		return nil, fmt.Errorf("personal digest %s of %s: questions: %w", d.Week, person, err)
	}
	scores := make(map[string]int)
	var picked []knowledge.Question
	for _, q := range qs {
		if !q.Answered() || involves(q, person) {
			continue
		}
		score := 0
		for k := range terms(q.SearchText()) {
			score += interests[k]
		}
		if score > 0 {
			scores[q.ID] = score
			picked = append(picked, q)
		}
	}
	if len(picked) == 0 {
		return d, nil
	}
	w, err := readWeek(ctx, src, picked)
	if err != nil {
		return nil, fmt.Errorf("personal digest %s of %s: %w", d.Week, person, err)
	}
	w.byUsefulness(picked)
	slices.SortStableFunc(picked, func(a, b knowledge.Question) int { return scores[b.ID] - scores[a.ID] })
	d.Knowledge, d.MoreKnowledge = w.items(picked, opts.Limit)
	if err := w.link(ctx, opts.Links, d.Knowledge); err != nil {
		return nil, fmt.Errorf("personal digest %s of %s: %w", d.Week, person, err)
	}
	return d, nil
}

// involves reports whether person asked or answered q.
func involves(q knowledge.Question, person string) bool {
	if q.Asker == person {
		return true
	}
	for _, a := range q.Answers {
		if a.Answerer == person {
			return true
		}
	}
	return false
}

// HandOffSource is what HandOffsOf reads; *sqlite.DB implements it.
type HandOffSource interface {
	OrgChart(ctx context.Context) (map[string]string, error)
	// FirstAnswerAskers counts, per asker, the questions answerer answered
	// directly.
	FirstAnswerAskers(ctx context.Context, answerer string) (map[string]int, error)
}

// HandOffsOf returns what person's direct answers saved, over all the
// questions they answered first (and, when the bot routed the question,
// were the first expert asked): for /nextdesk me. ok is false when no org
// chart was imported, and the figure must then be left out. It returns the
// store's errors, wrapped.
func HandOffsOf(ctx context.Context, src HandOffSource, person string) (h HandOffs, ok bool, err error) {
	managers, err := src.OrgChart(ctx)
	if err != nil {
		return HandOffs{}, false, fmt.Errorf("hand-offs of %s: org chart: %w", person, err)
	}
	if len(managers) == 0 {
		return HandOffs{}, false, nil
	}
	chart, _ := org.New(managers) // the import broke and reported cycles
	askers, err := src.FirstAnswerAskers(ctx, person)
	if err != nil {
		return HandOffs{}, false, fmt.Errorf("hand-offs of %s: %w", person, err)
	}
	for _, asker := range slices.Sorted(maps.Keys(askers)) {
		if n, known := chart.Hops(asker, person); known && n > 0 {
			h.Questions += askers[asker]
			h.HandOffs += n * askers[asker]
		}
	}
	return h, true, nil
}
