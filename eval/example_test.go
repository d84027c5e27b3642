package eval_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/nextdesk/nextdesk/eval"
	"github.com/nextdesk/nextdesk/knowledge"
)

// expertOnly is a stand-in for the nextdesk ranker: it always proposes the
// same person.
type expertOnly string

func (e expertOnly) Rank(context.Context, knowledge.Question) ([]string, error) {
	return []string{string(e)}, nil
}

// Example shows the command's wiring: split the imported questions, add the
// directory, build nextdesk's ranker on the history only, and report it
// next to the baselines.
func Example() {
	t0 := time.Date(2021, 1, 4, 9, 0, 0, 0, time.UTC)
	ask := func(id, asker, text string, day int, answerers ...string) knowledge.Question {
		q := knowledge.Question{ID: id, Asker: asker, Conversation: "C1", Text: text, Time: t0.AddDate(0, 0, day)}
		for _, a := range answerers {
			q.Answers = append(q.Answers, knowledge.Answer{ID: id + a, Answerer: a, Time: q.Time.Add(time.Hour)})
		}
		return q
	}
	qs := []knowledge.Question{
		ask("q1", "ana", "How do I add a package?", 0, "bob"),
		ask("q2", "cy", "Plots are blank in VS Code", 1, "dan"),
		ask("q3", "ana", "Package registry is slow", 2, "bob"),
		ask("q4", "eve", "Plot backend for VS Code?", 3, "dan", "bob"),
		ask("q5", "cy", "Which plot backend in VS Code?", 4, "dan"),
	}
	h, cases := eval.SplitSlack(qs)
	h = h.WithDirectory([]knowledge.Person{{ID: "ana"}, {ID: "bob"}, {ID: "cy"}, {ID: "dan"}, {ID: "eve"}},
		[]knowledge.Conversation{{ID: "C1", Name: "general", Kind: knowledge.KindPublic}})
	nextdesk := func(ctx context.Context, h eval.History) (eval.Ranker, error) {
		return expertOnly("bob"), nil // the real builder loads h.Batch() into a store and an index
	}
	rep, err := eval.Evaluate(context.Background(), "example", h, cases, map[string]eval.Builder{"nextdesk": nextdesk})
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := rep.WriteTable(os.Stdout); err != nil {
		fmt.Println(err)
	}
	// Output:
	// dataset example (protocol fixed, version 1)
	// questions 5, eligible 5, history 4 (before 2021-01-08T09:00:00Z), tests 1, candidates 2, unreachable tests 0
	//
	// ranker      hit@1  hit@5  hit@10  MRR    unranked
	// documents   1.000  1.000  1.000   1.000  0
	// profile     1.000  1.000  1.000   1.000  0
	// popularity  0.000  1.000  1.000   0.500  0
	// nextdesk    0.000  0.000  0.000   0.000  0
}
