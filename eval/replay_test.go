package eval

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/nextdesk/nextdesk/knowledge"
)

// oracle remembers every answer it is shown and ranks, for a question, the
// people who answered that very question: it scores only if it sees the
// question's own thread. It also notes the latest answerer it has seen.
type oracle struct {
	answerers map[string][]string // question id → answerers seen
	latest    string
}

func newOracle(h History) *oracle {
	o := &oracle{answerers: make(map[string][]string)}
	o.learn(h.Questions)
	return o
}

func (o *oracle) learn(qs []knowledge.Question) {
	for _, q := range qs {
		o.answerers[q.ID] = nil
		for _, a := range q.Answers {
			o.answerers[q.ID] = append(o.answerers[q.ID], a.Answerer)
			o.latest = a.Answerer
		}
	}
}

func (o *oracle) Learn(_ context.Context, qs []knowledge.Question) error {
	o.learn(qs)
	return nil
}

func (o *oracle) Rank(_ context.Context, q knowledge.Question) ([]string, error) {
	return append(slices.Clone(o.answerers[q.ID]), o.latest), nil
}

// replayData is a Slack-like history of eight questions, each answered
// within minutes by someone else, the last two the tests. The first test's
// answer comes before the second test is asked.
func replayData() ([]knowledge.Question, History, []Case) {
	qs := []knowledge.Question{
		question("h1", "zed", 0, "", "ana"),
		question("h2", "zed", 10, "", "bob"),
		question("h3", "zed", 20, "", "cy"),
		question("h4", "zed", 30, "", "dan"),
		question("h5", "zed", 40, "", "ana"),
		question("h6", "zed", 50, "", "bob"),
		question("t1", "zed", 60, "", "eve"),
		question("t2", "zed", 70, "", "eve"),
	}
	h, cases := SplitSlack(qs)
	return ReplaySlack(qs), h, cases
}

func TestReplayNeverShowsATestItsOwnThread(t *testing.T) {
	all, h, cases := replayData()
	if len(cases) != 2 {
		t.Fatalf("%d tests, want 2", len(cases))
	}
	build := func(_ context.Context, h History) (Ranker, error) { return newOracle(h), nil }
	rep, err := RunReplay(context.Background(), "replay", all, h, cases, map[string]Builder{"oracle": build})
	if err != nil {
		t.Fatal(err)
	}
	// The oracle never sees a test's own answers, so it cannot rank eve
	// first for t1: she had never answered. For t2 it has seen her answer
	// t1 a minute before, a thread that is history by then, and ranks
	// her as the latest answerer: first, among the admissible.
	if got, want := rep.Rankers["oracle"].Hit1, 0.5; got != want {
		t.Errorf("oracle hit@1 = %v, want %v (t1 missed, t2 found through t1's answer)", got, want)
	}
	if rep.Protocol != Replay || rep.Unreachable != 1 {
		t.Errorf("protocol %q, unreachable %d; want replay, 1 (eve had not answered before t1)", rep.Protocol, rep.Unreachable)
	}
}

func TestReplayCatchesAPlantedLeak(t *testing.T) {
	all, h, cases := replayData()
	honest := reveal
	t.Cleanup(func() { reveal = honest })
	for name, plant := range map[string]func(history []knowledge.Question, c Case) []knowledge.Question{
		// A bug that reveals the test question's own thread.
		"own thread": func(history []knowledge.Question, c Case) []knowledge.Question {
			for _, q := range all {
				if q.ID == c.Question.ID {
					history = append(history, q)
				}
			}
			return history
		},
		// A bug that reveals an answer given after the test question.
		"answer from the future": func(history []knowledge.Question, c Case) []knowledge.Question {
			last := &history[len(history)-1]
			last.Answers = append(last.Answers, knowledge.Answer{ID: "late", Answerer: "eve", Time: c.Question.Time.Add(1)})
			return history
		},
	} {
		reveal = func(s *replayState, c Case) (history, changed []knowledge.Question) {
			history, changed = honest(s, c)
			return plant(history, c), changed
		}
		build := func(_ context.Context, h History) (Ranker, error) { return newOracle(h), nil }
		_, err := RunReplay(context.Background(), "replay", all, h, cases, map[string]Builder{"oracle": build})
		if err == nil || !strings.Contains(err.Error(), "leak") {
			t.Errorf("%s: RunReplay error = %v, want a leak reported", name, err)
		}
	}
}
