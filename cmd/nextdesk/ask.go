package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/nextdesk/nextdesk/blockkit"
	"github.com/nextdesk/nextdesk/knowledge"
)

func (m *Main) ask(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("ask", flag.ContinueOnError)
	as := fs.String("as", "", "ask as this person (Slack user id): what they may see, and never routed to themselves")
	asJSON := fs.Bool("json", false, "print JSON")
	rest, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	text := strings.Join(rest, " ")
	if strings.TrimSpace(text) == "" {
		return usagef(`ask: give the question, e.g. nextdesk ask "How do I renew the staging certificate?"`)
	}
	cfg, err := m.config()
	if err != nil {
		return err
	}
	kb, err := openKnowledge(ctx, cfg, m.logger(cfg))
	if err != nil {
		return err
	}
	defer kb.Close()
	a, err := answer(ctx, kb.Engine, knowledge.Question{Asker: *as, Text: text}, knowledge.Viewer{PersonID: *as})
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(m.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(a)
	}
	a.write(m.Stdout)
	return nil
}

// answerView is what `ask` and `demo` show: a ready answer if one is sure,
// the close questions, and the people to ask with the reasons why.
type answerView struct {
	Question string        `json:"question"`
	Similar  []similarView `json:"similar"`
	Experts  []expertView  `json:"experts"`
}

type similarView struct {
	QuestionID string  `json:"question_id"`
	Question   string  `json:"question"`
	Answer     string  `json:"answer"`
	AnsweredBy string  `json:"answered_by"`
	Accepted   bool    `json:"accepted"`
	Confidence float64 `json:"confidence"`
	Sure       bool    `json:"sure"`
}

type expertView struct {
	ID           string         `json:"id"`
	Name         string         `json:"name"`
	Score        float64        `json:"score"`
	Answers      int            `json:"answers"`
	Accepted     int            `json:"accepted"`
	LastAnswer   time.Time      `json:"last_answer,omitzero"`
	Availability float64        `json:"availability"`
	Evidence     []evidenceView `json:"evidence"`
}

type evidenceView struct {
	QuestionID string `json:"question_id"`
	Question   string `json:"question"`
	Accepted   bool   `json:"accepted"`
}

func answer(ctx context.Context, e *knowledge.Engine, q knowledge.Question, v knowledge.Viewer) (answerView, error) {
	view := answerView{Question: q.Text, Similar: []similarView{}, Experts: []expertView{}}
	c, err := e.Consider(ctx, q, v)
	if err != nil {
		return view, err
	}
	similar, experts := c.Matches, c.Experts
	for _, s := range similar[:min(3, len(similar))] {
		by := displayName(s.AnsweredBy)
		if by == "" {
			by = s.Answer.Answerer
		}
		view.Similar = append(view.Similar, similarView{
			QuestionID: s.Question.ID, Question: s.Question.SearchText(), Answer: s.Answer.Text,
			AnsweredBy: by, Accepted: s.Answer.Accepted, Confidence: s.Confidence, Sure: s.Sure,
		})
	}
	for _, x := range experts[:min(5, len(experts))] {
		ev := expertView{
			ID: x.Person.ID, Name: displayName(x.Person), Score: x.Score,
			Answers: x.Stats.Answers, Accepted: x.Stats.Accepted, LastAnswer: x.Stats.Last,
			Availability: x.Availability, Evidence: []evidenceView{},
		}
		for _, d := range x.Evidence {
			ev.Evidence = append(ev.Evidence, evidenceView{QuestionID: d.QuestionID, Question: d.Text, Accepted: d.Accepted})
		}
		view.Experts = append(view.Experts, ev)
	}
	return view, nil
}

func displayName(p knowledge.Person) string {
	if p.Name != "" {
		return p.Name
	}
	return p.ID
}

func (a answerView) write(w io.Writer) {
	fmt.Fprintf(w, "Q: %s\n", blockkit.OneLine(a.Question, 200))
	if len(a.Similar) > 0 && a.Similar[0].Sure {
		s := a.Similar[0]
		fmt.Fprintf(w, "\nAlready answered (confidence %.2f):\n  %s\n  %s — %s\n", s.Confidence, blockkit.OneLine(s.Question, 120), s.AnsweredBy, blockkit.OneLine(s.Answer, 300))
	}
	if len(a.Similar) > 0 {
		fmt.Fprintln(w, "\nSimilar answered questions:")
		for _, s := range a.Similar {
			mark := ""
			if s.Accepted {
				mark = ", accepted"
			}
			fmt.Fprintf(w, "  [%.2f] %s\n         answer by %s%s: %s\n", s.Confidence, blockkit.OneLine(s.Question, 100), s.AnsweredBy, mark, blockkit.OneLine(s.Answer, 140))
		}
	}
	if len(a.Experts) == 0 {
		fmt.Fprintln(w, "\nNobody has answered anything close yet.")
		return
	}
	fmt.Fprintln(w, "\nPeople to ask:")
	for i, x := range a.Experts {
		fmt.Fprintf(w, "  %d. %s (score %.2f; %d answers, %d accepted; around now: %.0f%%)\n", i+1, x.Name, x.Score, x.Answers, x.Accepted, 100*x.Availability)
		for _, d := range x.Evidence {
			mark := ""
			if d.Accepted {
				mark = " (accepted)"
			}
			fmt.Fprintf(w, "       answered: %s%s\n", blockkit.OneLine(d.Question, 100), mark)
		}
	}
}
