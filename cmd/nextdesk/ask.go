package main

import (
	"context"
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
	if text == "-" {
		if text, err = readQuestion(m.Stdin); err != nil {
			return err
		}
		if strings.TrimSpace(text) == "" {
			return usagef(`ask: no question on standard input (ask - reads it there, e.g. pbpaste | nextdesk ask -)`)
		}
	}
	if strings.TrimSpace(text) == "" {
		return usagef(`ask: give the question, e.g. nextdesk ask "How do I renew the staging certificate?", or - to read it from standard input`)
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
	if a.Unchecked, err = kb.DB.UntrustedMemberships(ctx, *as); err != nil {
		return err
	}
	a.ttl = cfg.MembershipTTL
	if *as != "" {
		_, err := kb.DB.Person(ctx, *as)
		if a.Unknown = knowledge.ErrorCode(err) == knowledge.ENOTFOUND; err != nil && !a.Unknown {
			return err
		}
	}
	if *asJSON {
		return printJSON(m.Stdout, a)
	}
	a.write(m.Stdout)
	return nil
}

// maxQuestion bounds a question read from standard input. The engine
// reads only its first 16 KiB; the bound keeps a wrong pipe (a log file,
// /dev/zero) from filling memory.
const maxQuestion = 4 << 20

// readQuestion reads `nextdesk ask -`'s question from r: a question too
// long for a command line (pasted logs, a whole e-mail).
func readQuestion(r io.Reader) (string, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxQuestion+1))
	if err != nil {
		return "", fmt.Errorf("ask: read the question from standard input: %w", err)
	}
	if len(data) > maxQuestion {
		return "", usagef("ask: the question on standard input is longer than %d MiB", maxQuestion>>20)
	}
	return string(data), nil
}

// answerView is what `ask` and `demo` show: a ready answer if one is sure,
// the close questions, and the people to ask with the reasons why.
type answerView struct {
	Question string        `json:"question"`
	Similar  []similarView `json:"similar"`
	Experts  []expertView  `json:"experts"`
	// Unchecked counts the private channels the viewer is listed in whose
	// members were not read from Slack recently enough to be trusted: what
	// was said there is left out.
	Unchecked int `json:"unchecked_private_channels,omitempty"`
	// Unknown is set when nextdesk has never met the viewer: they may be
	// a guest or of another organisation, so public knowledge is left out.
	Unknown bool `json:"unknown_person,omitempty"`
	ttl     time.Duration
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
	// Asked is true when the expert asked the question (someone else
	// answered it) rather than answered it.
	Asked bool `json:"asked"`
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
			ev.Evidence = append(ev.Evidence, evidenceView{QuestionID: d.QuestionID, Question: d.Text, Accepted: d.Accepted, Asked: d.Asked})
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
	defer a.writeUnchecked(w)
	if len(a.Experts) == 0 {
		fmt.Fprintln(w, "\nNobody has answered anything close yet.")
		return
	}
	fmt.Fprintln(w, "\nPeople to ask:")
	for i, x := range a.Experts {
		fmt.Fprintf(w, "  %d. %s (score %.2f; %d answers, %d accepted; around now: %.0f%%)\n", i+1, x.Name, x.Score, x.Answers, x.Accepted, 100*x.Availability)
		for _, d := range x.Evidence {
			role, mark := "answered", ""
			if d.Asked {
				role = "asked"
			}
			if d.Accepted {
				mark = " (accepted)"
			}
			fmt.Fprintf(w, "       %s: %s%s\n", role, blockkit.OneLine(d.Question, 100), mark)
		}
	}
}

// writeUnchecked says what was left out for want of a recent member list,
// or of knowing the person.
func (a answerView) writeUnchecked(w io.Writer) {
	if a.Unknown {
		fmt.Fprintln(w, "\nLeft out: public channels. nextdesk has not met this person yet; until Slack says who they are (not a guest, nor of another organisation), they see only what was said where they are.")
	}
	if a.Unchecked == 0 {
		return
	}
	channels := "1 private channel"
	if a.Unchecked > 1 {
		channels = fmt.Sprintf("%d private channels", a.Unchecked)
	}
	fmt.Fprintf(w, "\nLeft out: what was said in %s whose members were not read from Slack in the last %s (nextdesk serve reads them again).\n", channels, a.ttl)
}
