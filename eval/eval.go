// Package eval measures, on real history nobody here wrote, how well a ranker
// routes a question to the person who answered it.
//
// The protocol is a contract: its figures must compare across versions of
// nextdesk and with references computed outside the project, so it is fixed
// here and versioned by Protocol. Questions are split chronologically, the
// oldest 80% forming the history a ranker may learn from and the newest 20%
// the tests (SplitSlack, SplitStackExchange). Each ranker then ranks the
// candidates (the people who answered in the history) for every test
// question, and Run scores the rankings against the people who really
// answered: hit@1, hit@5, hit@10 and the mean reciprocal rank. Three small
// baselines (NewPopularity, NewProfile, NewDocuments) run alongside, so a
// figure for nextdesk always comes with the figures it must beat.
package eval

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/nextdesk/nextdesk/knowledge"
)

// ProtocolVersion is the version of the evaluation protocols. It changes
// whenever a change to the split, the truth, the candidates or the metrics
// would move the figures, so that figures are only compared under the same
// version.
const ProtocolVersion = 1

// The two protocols: Fixed ranks every test question with the same history
// (the oldest 80%), so that figures compare with references computed
// outside the project; Replay ranks each test question with everything that
// happened before it, as the live bot would (see Replay).
const (
	Fixed  = "fixed"
	Replay = "replay"
)

// Ranker ranks candidate answerers for a test question, best first. It may
// name anyone: Run keeps only the candidates, in the order given.
type Ranker interface {
	Rank(ctx context.Context, q knowledge.Question) ([]string, error)
}

// Builder makes a ranker that knows only the history.
type Builder func(ctx context.Context, h History) (Ranker, error)

// History is what a ranker may learn from: the questions asked before the
// first test question, with the answers the protocol lets it see.
type History struct {
	// Questions are in chronological order (ties by ID).
	Questions []knowledge.Question
	// People and Conversations are the directory a ranker may use (names,
	// time zones, visibility). The split functions see questions only and
	// leave them nil: the caller adds them from the import with
	// WithDirectory. Nothing in a directory says who answered what, so it
	// cannot leak the truth.
	People        map[string]knowledge.Person
	Conversations map[string]knowledge.Conversation
	// Cutoff is the time of the first test question; zero when there is
	// no test question.
	Cutoff time.Time
	// Total is the number of questions given to the split and Eligible the
	// number the 80/20 cut was made on; they are reported, not used.
	Total    int
	Eligible int
}

// WithDirectory returns h with people and conversations, as an import
// lists them, keyed by id for the rankers that use them.
func (h History) WithDirectory(people []knowledge.Person, conversations []knowledge.Conversation) History {
	h.People = make(map[string]knowledge.Person, len(people))
	for _, p := range people {
		h.People[p.ID] = p
	}
	h.Conversations = make(map[string]knowledge.Conversation, len(conversations))
	for _, c := range conversations {
		h.Conversations[c.ID] = c
	}
	return h
}

// Candidates returns the people who answered at least once in h, sorted:
// the only people the protocol lets a ranker propose.
func (h History) Candidates() []string {
	seen := make(map[string]bool)
	for _, q := range h.Questions {
		for _, a := range q.Answers {
			seen[a.Answerer] = true
		}
	}
	ids := make([]string, 0, len(seen))
	for id := range seen {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// Batch returns h as one import batch, people and conversations sorted by
// id, so that a Builder can load the history into a store the way an
// importer would.
func (h History) Batch() knowledge.Batch {
	b := knowledge.Batch{Questions: h.Questions}
	for _, p := range h.People {
		b.People = append(b.People, p)
	}
	sort.Slice(b.People, func(i, j int) bool { return b.People[i].ID < b.People[j].ID })
	for _, c := range h.Conversations {
		b.Conversations = append(b.Conversations, c)
	}
	sort.Slice(b.Conversations, func(i, j int) bool { return b.Conversations[i].ID < b.Conversations[j].ID })
	return b
}

// Case is one test question and the people who truly answered it.
type Case struct {
	// Question carries no answers, so no ranker can read the truth from it.
	Question knowledge.Question
	// Truth holds the ids of the people who truly answered, sorted. It
	// names the asker only for a self-answered Stack Exchange question,
	// which then scores 0: no ranker may propose the asker.
	Truth []string
}

// Metrics are the routing quality of one ranker over the test questions.
type Metrics struct {
	Hit1  float64 `json:"hit1"`  // share of tests with a true person ranked first
	Hit5  float64 `json:"hit5"`  // … within the first five
	Hit10 float64 `json:"hit10"` // … within the first ten
	MRR   float64 `json:"mrr"`   // mean reciprocal rank of the first true person, 0 when absent
	// Unranked counts the tests for which the ranker proposed no
	// candidate at all, which tells "found nobody" from "found the wrong
	// people".
	Unranked int `json:"unranked"`
}

// Report is the outcome of one evaluation run.
type Report struct {
	// Protocol is Fixed or Replay.
	Protocol        string `json:"protocol"`
	ProtocolVersion int    `json:"protocol_version"`
	Dataset         string `json:"dataset"`
	Questions       int    `json:"questions"` // given to the split
	Eligible        int    `json:"eligible"`  // the 80/20 cut was made on these
	History         int    `json:"history"`   // questions in the history
	Tests           int    `json:"tests"`
	// Candidates is the number of people who answered in the history.
	Candidates int `json:"candidates"`
	// Unreachable counts the tests none of whose true answerers (other
	// than the asker) answered in the history: no ranker can score on them.
	Unreachable int                `json:"unreachable"`
	Cutoff      time.Time          `json:"cutoff"`
	Rankers     map[string]Metrics `json:"rankers"`
}

// Run asks every ranker to rank the candidates for every case and scores
// the rankings. Each ranking is first reduced to what the protocol allows,
// so that all rankers are measured alike: people who did not answer in the
// history and the asker are removed, and a person named twice keeps the
// first place. Rankers run one after the other, cases in order, so a ranker
// need not be safe for concurrent use.
//
// Run returns an error of code knowledge.EINVALID when there is no case, no
// ranker, a ranker with an empty name or a nil ranker, or a case with no
// truth; a ranker's error, wrapped with its name and the question id; and
// ctx's error when ctx ends.
func Run(ctx context.Context, dataset string, h History, cases []Case, rankers map[string]Ranker) (Report, error) {
	if len(cases) == 0 {
		return Report{}, knowledge.Errorf(knowledge.EINVALID, "Dataset %q has no test question: too few eligible questions, or only self-answered ones.", dataset)
	}
	if len(rankers) == 0 {
		return Report{}, knowledge.Errorf(knowledge.EINVALID, "No ranker to evaluate.")
	}
	names := make([]string, 0, len(rankers))
	for name, r := range rankers {
		if name == "" {
			return Report{}, knowledge.Errorf(knowledge.EINVALID, "A ranker has an empty name.")
		}
		if r == nil {
			return Report{}, knowledge.Errorf(knowledge.EINVALID, "Ranker %q is nil.", name)
		}
		names = append(names, name)
	}
	sort.Strings(names)

	candidates := h.Candidates()
	isCandidate := make(map[string]bool, len(candidates))
	for _, id := range candidates {
		isCandidate[id] = true
	}
	rep := Report{
		Protocol:        Fixed,
		ProtocolVersion: ProtocolVersion,
		Dataset:         dataset,
		Questions:       h.Total,
		Eligible:        h.Eligible,
		History:         len(h.Questions),
		Tests:           len(cases),
		Candidates:      len(candidates),
		Cutoff:          h.Cutoff,
		Rankers:         make(map[string]Metrics, len(rankers)),
	}
	for _, c := range cases {
		if len(c.Truth) == 0 {
			return Report{}, knowledge.Errorf(knowledge.EINVALID, "Test question %s has no true answerer.", c.Question.ID)
		}
		reachable := false
		for _, id := range c.Truth {
			reachable = reachable || (isCandidate[id] && id != c.Question.Asker)
		}
		if !reachable {
			rep.Unreachable++
		}
	}

	for _, name := range names {
		var sum Metrics
		for _, c := range cases {
			if err := ctx.Err(); err != nil {
				return Report{}, err
			}
			q := c.Question
			q.Answers = nil
			ranked, err := rankers[name].Rank(ctx, q)
			if err != nil {
				return Report{}, fmt.Errorf("ranker %s on question %s: %w", name, q.ID, err)
			}
			ranked = admissible(ranked, q.Asker, isCandidate)
			if len(ranked) == 0 {
				sum.Unranked++
			}
			r := firstTrue(ranked, c.Truth)
			sum.add(r)
		}
		n := float64(len(cases))
		rep.Rankers[name] = Metrics{
			Hit1:     sum.Hit1 / n,
			Hit5:     sum.Hit5 / n,
			Hit10:    sum.Hit10 / n,
			MRR:      sum.MRR / n,
			Unranked: sum.Unranked,
		}
	}
	return rep, nil
}

// Evaluate builds the three baselines and every builder's ranker on h, then
// runs them all on cases (see Run). It returns an error of code
// knowledge.EINVALID when a builder is nil or takes a baseline's name, and
// a builder's error wrapped with its name.
func Evaluate(ctx context.Context, dataset string, h History, cases []Case, builders map[string]Builder) (Report, error) {
	rankers := Baselines(h)
	names := make([]string, 0, len(builders))
	for name := range builders {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		build := builders[name]
		if build == nil {
			return Report{}, knowledge.Errorf(knowledge.EINVALID, "Builder %q is nil.", name)
		}
		if _, taken := rankers[name]; taken {
			return Report{}, knowledge.Errorf(knowledge.EINVALID, "Ranker name %q is taken by a baseline.", name)
		}
		r, err := build(ctx, h)
		if err != nil {
			return Report{}, fmt.Errorf("build ranker %s: %w", name, err)
		}
		rankers[name] = r
	}
	return Run(ctx, dataset, h, cases, rankers)
}

// admissible returns ranked without the asker, non-candidates and repeats.
func admissible(ranked []string, asker string, isCandidate map[string]bool) []string {
	out := make([]string, 0, len(ranked))
	seen := make(map[string]bool, len(ranked))
	for _, id := range ranked {
		if id == asker || !isCandidate[id] || seen[id] {
			continue
		}
		seen[id] = true
		out = append(out, id)
	}
	return out
}

// firstTrue returns the 1-based rank of the first person of truth in
// ranked, or 0 when none is there.
func firstTrue(ranked, truth []string) int {
	for i, id := range ranked {
		for _, t := range truth {
			if id == t {
				return i + 1
			}
		}
	}
	return 0
}

// add counts one test whose first true person was at rank r (0: absent).
func (m *Metrics) add(r int) {
	if r == 0 {
		return
	}
	if r <= 1 {
		m.Hit1++
	}
	if r <= 5 {
		m.Hit5++
	}
	if r <= 10 {
		m.Hit10++
	}
	m.MRR += 1 / float64(r)
}
