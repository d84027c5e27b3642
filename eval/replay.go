package eval

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/nextdesk/nextdesk/knowledge"
)

// The replay protocol ranks each test question with everything that
// happened before it, as the live bot sees it: every question asked
// earlier (test questions included), each with the answers given before
// the test question was asked, and nothing of the test question's own
// thread. The test questions and their truth are those of the fixed
// protocol, so the two compare; the baselines are rebuilt for every test
// question on what was known then.

// Learner is a ranker that learns what happened since it was built, so the
// replay protocol need not rebuild it for every test question.
type Learner interface {
	Ranker
	// Learn takes the questions asked or answered since the last call (or
	// since the ranker was built), each as it now stands, with every
	// answer given so far.
	Learn(ctx context.Context, changed []knowledge.Question) error
}

// ReplaySlack returns Slack questions as the replay protocol sees them
// happen: every question by a known asker, with the replies by other
// people (as SplitSlack counts them), answered or not.
func ReplaySlack(qs []knowledge.Question) []knowledge.Question {
	var out []knowledge.Question
	for _, q := range qs {
		if q.Asker == "" {
			continue
		}
		q.Answers = repliesByOthers(q)
		out = append(out, q)
	}
	return out
}

// ReplayStackExchange returns Stack Exchange questions as the replay
// protocol sees them happen: every question, with the answers by known
// owners.
func ReplayStackExchange(qs []knowledge.Question) []knowledge.Question {
	out := make([]knowledge.Question, len(qs))
	for i, q := range qs {
		q.Answers = slices.DeleteFunc(slices.Clone(q.Answers), func(a knowledge.Answer) bool { return a.Answerer == "" })
		out[i] = q
	}
	return out
}

// replayState is what the replay has revealed so far.
type replayState struct {
	questions []knowledge.Question // every question, chronological
	answers   []answerEvent        // every answer, chronological
	nextQ     int                  // questions[:nextQ] are asked
	nextA     int                  // answers[:nextA] are given, if their question is asked
	visible   map[string]*knowledge.Question
	order     []string // visible question ids, in the order they were asked
	changed   map[string]bool
}

type answerEvent struct {
	question string
	answer   knowledge.Answer
	at       time.Time
}

func newReplayState(all []knowledge.Question) *replayState {
	s := &replayState{visible: make(map[string]*knowledge.Question), changed: make(map[string]bool)}
	s.questions = slices.Clone(all)
	sortChronologically(s.questions)
	for _, q := range s.questions {
		for _, a := range q.Answers {
			at := a.Time
			if at.IsZero() || at.Before(q.Time) {
				at = q.Time // an answer never comes before its question
			}
			s.answers = append(s.answers, answerEvent{question: q.ID, answer: a, at: at})
		}
	}
	sort.SliceStable(s.answers, func(i, j int) bool { return s.answers[i].at.Before(s.answers[j].at) })
	return s
}

// advance reveals every question asked and every answer given before t.
func (s *replayState) advance(t time.Time) {
	for ; s.nextQ < len(s.questions) && s.questions[s.nextQ].Time.Before(t); s.nextQ++ {
		q := s.questions[s.nextQ]
		q.Answers = nil
		s.visible[q.ID] = &q
		s.order = append(s.order, q.ID)
		s.changed[q.ID] = true
	}
	for ; s.nextA < len(s.answers) && s.answers[s.nextA].at.Before(t); s.nextA++ {
		e := s.answers[s.nextA]
		if q := s.visible[e.question]; q != nil {
			q.Answers = append(q.Answers, e.answer)
			s.changed[e.question] = true
		}
	}
}

// snapshot returns the visible questions as a history, chronological.
func (s *replayState) snapshot() []knowledge.Question {
	out := make([]knowledge.Question, len(s.order))
	for i, id := range s.order {
		out[i] = *s.visible[id]
		out[i].Answers = slices.Clone(out[i].Answers)
	}
	return out
}

// takeChanged returns the questions changed since the last call.
func (s *replayState) takeChanged() []knowledge.Question {
	var out []knowledge.Question
	for _, id := range s.order {
		if s.changed[id] {
			q := *s.visible[id]
			q.Answers = slices.Clone(q.Answers)
			out = append(out, q)
		}
	}
	clear(s.changed)
	return out
}

// leak returns an error if history holds anything the test question c
// must not see: its own thread, or anything from its time on.
func leak(c Case, history []knowledge.Question) error {
	t := c.Question.Time
	for _, q := range history {
		if q.ID == c.Question.ID || (q.Thread != "" && q.Thread == c.Question.Thread && q.Conversation == c.Question.Conversation) {
			return fmt.Errorf("replay leak: test question %s would see its own thread", c.Question.ID)
		}
		if !q.Time.Before(t) {
			return fmt.Errorf("replay leak: test question %s (at %s) would see question %s asked at %s", c.Question.ID, t.Format(time.RFC3339), q.ID, q.Time.Format(time.RFC3339))
		}
		for _, a := range q.Answers {
			if !a.Time.IsZero() && !a.Time.Before(t) {
				return fmt.Errorf("replay leak: test question %s (at %s) would see answer %s given at %s", c.Question.ID, t.Format(time.RFC3339), a.ID, a.Time.Format(time.RFC3339))
			}
		}
	}
	return nil
}

// reveal gives a ranker what happened before a test question. It is a
// variable so that a test can plant a leak and see it caught.
var reveal = func(s *replayState, c Case) (history, changed []knowledge.Question) {
	s.advance(c.Question.Time)
	return s.snapshot(), s.takeChanged()
}

// RunReplay evaluates the baselines and every builder's ranker on cases
// under the replay protocol. all holds every question of the data set as
// ReplaySlack or ReplayStackExchange return them; fixed is the fixed
// protocol's history (for its counts, and the directory of people and
// conversations). A builder's ranker is built on what happened before the
// first test question, then taught what happens before each next one if it
// is a Learner, and rebuilt otherwise.
//
// RunReplay returns an error of code knowledge.EINVALID as Run does; an
// error if a ranker would see anything of a test question's own thread or
// of its future; and a builder's or ranker's error, wrapped.
func RunReplay(ctx context.Context, dataset string, all []knowledge.Question, fixed History, cases []Case, builders map[string]Builder) (Report, error) {
	if len(cases) == 0 {
		return Report{}, knowledge.Errorf(knowledge.EINVALID, "Dataset %q has no test question: too few eligible questions, or only self-answered ones.", dataset)
	}
	names := []string{"documents", "popularity", "profile"}
	for name, b := range builders {
		if b == nil {
			return Report{}, knowledge.Errorf(knowledge.EINVALID, "Builder %q is nil.", name)
		}
		if slices.Contains(names, name) {
			return Report{}, knowledge.Errorf(knowledge.EINVALID, "Ranker name %q is taken by a baseline.", name)
		}
		names = append(names, name)
	}
	sort.Strings(names)
	cases = slices.Clone(cases)
	sort.SliceStable(cases, func(i, j int) bool {
		a, b := cases[i].Question, cases[j].Question
		if !a.Time.Equal(b.Time) {
			return a.Time.Before(b.Time)
		}
		return a.ID < b.ID
	})

	rep := Report{
		Protocol: Replay, ProtocolVersion: ProtocolVersion, Dataset: dataset,
		Questions: fixed.Total, Eligible: fixed.Eligible, Tests: len(cases), Cutoff: fixed.Cutoff,
		Rankers: make(map[string]Metrics, len(names)),
	}
	sums := make(map[string]*Metrics, len(names))
	for _, n := range names {
		sums[n] = &Metrics{}
	}
	built := make(map[string]Ranker)
	state := newReplayState(all)
	for i, c := range cases {
		if err := ctx.Err(); err != nil {
			return Report{}, err
		}
		if len(c.Truth) == 0 {
			return Report{}, knowledge.Errorf(knowledge.EINVALID, "Test question %s has no true answerer.", c.Question.ID)
		}
		history, changed := reveal(state, c)
		if err := leak(c, history); err != nil {
			return Report{}, err
		}
		if err := leak(c, changed); err != nil {
			return Report{}, err
		}
		h := History{Questions: history, People: fixed.People, Conversations: fixed.Conversations, Cutoff: c.Question.Time}
		if i == 0 {
			rep.History = len(history)
		}
		candidates := h.Candidates()
		rep.Candidates = len(candidates)
		isCandidate := make(map[string]bool, len(candidates))
		for _, id := range candidates {
			isCandidate[id] = true
		}
		reachable := false
		for _, id := range c.Truth {
			reachable = reachable || (isCandidate[id] && id != c.Question.Asker)
		}
		if !reachable {
			rep.Unreachable++
		}

		rankers := Baselines(h)
		for name, build := range builders {
			r := built[name]
			learner, learns := r.(Learner)
			switch {
			case r != nil && learns:
				if err := learner.Learn(ctx, changed); err != nil {
					return Report{}, fmt.Errorf("ranker %s learning before question %s: %w", name, c.Question.ID, err)
				}
			default:
				var err error
				if r, err = build(ctx, h); err != nil {
					return Report{}, fmt.Errorf("build ranker %s: %w", name, err)
				}
				built[name] = r
			}
			rankers[name] = r
		}
		q := c.Question
		q.Answers = nil
		for _, name := range names {
			ranked, err := rankers[name].Rank(ctx, q)
			if err != nil {
				return Report{}, fmt.Errorf("ranker %s on question %s: %w", name, q.ID, err)
			}
			ranked = admissible(ranked, q.Asker, isCandidate)
			if len(ranked) == 0 {
				sums[name].Unranked++
			}
			sums[name].add(firstTrue(ranked, c.Truth))
		}
	}
	n := float64(len(cases))
	for name, sum := range sums {
		rep.Rankers[name] = Metrics{Hit1: sum.Hit1 / n, Hit5: sum.Hit5 / n, Hit10: sum.Hit10 / n, MRR: sum.MRR / n, Unranked: sum.Unranked}
	}
	return rep, nil
}
