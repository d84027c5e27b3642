package eval

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/nextdesk/nextdesk/knowledge"
)

// fixed ranks from a table by question id, and fails if a question comes
// with its answers.
type fixed map[string][]string

func (f fixed) Rank(_ context.Context, q knowledge.Question) ([]string, error) {
	if len(q.Answers) > 0 {
		return nil, fmt.Errorf("question %s carries its answers", q.ID)
	}
	return f[q.ID], nil
}

// failing always fails.
type failing struct{ err error }

func (f failing) Rank(context.Context, knowledge.Question) ([]string, error) { return nil, f.err }

// crafted is a history where ana, bob, cy, dan and eve answered, and the
// cases of a hand-scored ranking.
func crafted() (History, []Case) {
	h := History{
		Questions: []knowledge.Question{question("h1", "zed", 1, "", "ana", "bob", "cy", "dan", "eve")},
		Total:     9, Eligible: 8,
		Cutoff: at(10),
	}
	c := func(id, asker string, truth ...string) Case {
		// A case may arrive with its answers: Run must strip them.
		q := question(id, asker, 10, "", truth...)
		return Case{Question: q, Truth: truth}
	}
	return h, []Case{
		c("first", "zed", "ana"),
		c("third", "zed", "cy", "eve"),       // the better placed of the two counts
		c("fifth", "zed", "eve"),             // on the edge of hit@5
		c("absent", "zed", "bob"),            // not ranked
		c("unreachable", "zed", "newcomer"),  // never answered in the history
		c("self", "ana", "ana"),              // the asker: nobody may propose them
		c("filtered", "bob", "cy"),           // asker, outsider and repeat removed first
		c("deep", "zed", "p12"),              // not a candidate: ranked, but filtered
		c("missed", "zed", "ana", "nobody1"), // ranked nowhere
	}
}

func TestRunMetrics(t *testing.T) {
	h, cases := crafted()
	// Candidates are ana, bob, cy, dan, eve; the rankings name outsiders
	// (x…) that Run removes before scoring.
	r := fixed{
		"first":       {"ana", "bob"},
		"third":       {"bob", "dan", "eve", "cy"},
		"fifth":       {"x1", "x2", "ana", "bob", "cy", "dan", "x3", "eve"},    // eve is 5th once outsiders go
		"absent":      {"ana", "cy"},                                           // hit nothing
		"unreachable": {"ana", "bob", "cy", "dan", "eve", "newcomer"},          // newcomer is not a candidate
		"self":        {"ana", "bob"},                                          // ana removed: nothing true left
		"filtered":    {"bob", "x1", "dan", "dan", "cy"},                       // → dan, cy: rank 2
		"deep":        {"x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "p12"}, // none left
		"missed":      {"bob"},                                                 // ana absent
	}
	// Ranks: 1, 3, 5, 0, 0, 0, 2, 0, 0 over 9 cases.
	want := Metrics{
		Hit1:     1.0 / 9,
		Hit5:     4.0 / 9,
		Hit10:    4.0 / 9,
		MRR:      (1 + 1.0/3 + 1.0/5 + 1.0/2) / 9,
		Unranked: 1, // "deep" keeps nobody once outsiders go
	}

	rep, err := Run(context.Background(), "crafted", h, cases, map[string]Ranker{"fixed": r})
	if err != nil {
		t.Fatal(err)
	}
	wantRep := Report{
		Protocol: Fixed, ProtocolVersion: ProtocolVersion, Dataset: "crafted",
		Questions: 9, Eligible: 8, History: 1, Tests: 9, Candidates: 5,
		Unreachable: 3, // unreachable (newcomer), self (the asker), deep (p12)
		Cutoff:      at(10),
		Rankers:     map[string]Metrics{"fixed": want},
	}
	if diff := cmp.Diff(rep, wantRep, cmpopts.EquateApprox(0, 1e-12)); diff != "" {
		t.Errorf("Run (-got +want):\n%s", diff)
	}
}

func TestRunHitBoundaries(t *testing.T) {
	var h History
	var cands []string
	for i := 1; i <= 12; i++ {
		cands = append(cands, fmt.Sprintf("p%02d", i))
	}
	h.Questions = []knowledge.Question{question("h", "zed", 0, "", cands...)}
	for _, tc := range []struct {
		rank int
		want Metrics
	}{
		{1, Metrics{Hit1: 1, Hit5: 1, Hit10: 1, MRR: 1}},
		{2, Metrics{Hit5: 1, Hit10: 1, MRR: 0.5}},
		{5, Metrics{Hit5: 1, Hit10: 1, MRR: 0.2}},
		{6, Metrics{Hit10: 1, MRR: 1.0 / 6}},
		{10, Metrics{Hit10: 1, MRR: 0.1}},
		{11, Metrics{MRR: 1.0 / 11}},
		{12, Metrics{MRR: 1.0 / 12}},
	} {
		truth := cands[tc.rank-1]
		cases := []Case{{Question: knowledge.Question{ID: "t", Asker: "zed"}, Truth: []string{truth}}}
		rep, err := Run(context.Background(), "b", h, cases, map[string]Ranker{"r": fixed{"t": cands}})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(rep.Rankers["r"], tc.want, cmpopts.EquateApprox(0, 1e-12)); diff != "" {
			t.Errorf("truth at rank %d (-got +want):\n%s", tc.rank, diff)
		}
	}
}

func TestRunErrors(t *testing.T) {
	h, cases := crafted()
	ok := map[string]Ranker{"ok": fixed{}}
	boom := errors.New("boom")
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	for _, tc := range []struct {
		name    string
		ctx     context.Context
		cases   []Case
		rankers map[string]Ranker
		code    string
		is      error
	}{
		{"no case", context.Background(), nil, ok, knowledge.EINVALID, nil},
		{"no ranker", context.Background(), cases, nil, knowledge.EINVALID, nil},
		{"empty name", context.Background(), cases, map[string]Ranker{"": fixed{}}, knowledge.EINVALID, nil},
		{"nil ranker", context.Background(), cases, map[string]Ranker{"nil": nil}, knowledge.EINVALID, nil},
		{"no truth", context.Background(), []Case{{Question: knowledge.Question{ID: "t"}}}, ok, knowledge.EINVALID, nil},
		{"ranker fails", context.Background(), cases, map[string]Ranker{"a": fixed{}, "b": failing{boom}}, knowledge.EINTERNAL, boom},
		{"canceled", canceled, cases, ok, knowledge.EINTERNAL, context.Canceled},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Run(tc.ctx, "d", h, tc.cases, tc.rankers)
			if err == nil {
				t.Fatal("Run succeeded, want an error")
			}
			if got := knowledge.ErrorCode(err); got != tc.code {
				t.Errorf("code = %q, want %q (%v)", got, tc.code, err)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error %v does not wrap %v", err, tc.is)
			}
		})
	}
	// A ranker's error names the ranker and the question.
	_, err := Run(context.Background(), "d", h, cases, map[string]Ranker{"bad": failing{boom}})
	if err == nil || !strings.Contains(err.Error(), "bad") || !strings.Contains(err.Error(), cases[0].Question.ID) {
		t.Errorf("error %v should name the ranker and the question", err)
	}
}

func TestEvaluate(t *testing.T) {
	h, cases := crafted()
	var built History
	nextdesk := func(_ context.Context, h History) (Ranker, error) {
		built = h
		return fixed{"first": {"ana"}}, nil
	}
	rep, err := Evaluate(context.Background(), "crafted", h, cases, map[string]Builder{"nextdesk": nextdesk})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for name := range rep.Rankers {
		names = append(names, name)
	}
	if diff := cmp.Diff(names, []string{"documents", "nextdesk", "popularity", "profile"}, cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" {
		t.Errorf("rankers (-got +want):\n%s", diff)
	}
	if diff := cmp.Diff(ids(built.Questions), ids(h.Questions)); diff != "" {
		t.Errorf("builder saw another history (-got +want):\n%s", diff)
	}
	if got, want := rep.Rankers["nextdesk"].Hit1, 1.0/9; got != want {
		t.Errorf("nextdesk hit@1 = %v, want %v", got, want)
	}

	boom := errors.New("no index")
	for _, tc := range []struct {
		name     string
		builders map[string]Builder
		code     string
	}{
		{"nil builder", map[string]Builder{"x": nil}, knowledge.EINVALID},
		{"baseline name", map[string]Builder{"profile": nextdesk}, knowledge.EINVALID},
		{"builder fails", map[string]Builder{"x": func(context.Context, History) (Ranker, error) { return nil, boom }}, knowledge.EINTERNAL},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Evaluate(context.Background(), "crafted", h, cases, tc.builders)
			if got := knowledge.ErrorCode(err); got != tc.code {
				t.Errorf("code = %q, want %q (%v)", got, tc.code, err)
			}
		})
	}
}

func TestRunDeterministic(t *testing.T) {
	h, cases := crafted()
	first, err := Evaluate(context.Background(), "crafted", h, cases, nil)
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	if err := first.WriteJSON(&want); err != nil {
		t.Fatal(err)
	}
	for range 5 {
		rep, err := Evaluate(context.Background(), "crafted", h, cases, nil)
		if err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		if err := rep.WriteJSON(&got); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(got.String(), want.String()); diff != "" {
			t.Fatalf("second run differs (-got +want):\n%s", diff)
		}
	}
}

func sampleReport() Report {
	return Report{
		Protocol: Fixed, ProtocolVersion: ProtocolVersion, Dataset: "slack-export julia.zip",
		Questions: 2805, Eligible: 2805, History: 2244, Tests: 561, Candidates: 600, Unreachable: 40,
		Cutoff: at(0),
		Rankers: map[string]Metrics{
			"popularity": {Hit1: 0.1, Hit5: 0.303, Hit10: 0.4, MRR: 0.183},
			"nextdesk":   {Hit1: 0.25, Hit5: 0.5, Hit10: 0.6, MRR: 0.35, Unranked: 3},
			"documents":  {Hit1: 0.2, Hit5: 0.428, Hit10: 0.5, MRR: 0.313},
		},
	}
}

func TestWriteJSON(t *testing.T) {
	var buf bytes.Buffer
	if err := sampleReport().WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	// One object, read the way a script comparing versions reads it.
	dec := json.NewDecoder(&buf)
	var got struct {
		Protocol  string `json:"protocol"`
		Version   int    `json:"protocol_version"`
		Dataset   string `json:"dataset"`
		Questions int    `json:"questions"`
		History   int    `json:"history"`
		Tests     int    `json:"tests"`
		Rankers   map[string]map[string]float64
	}
	if err := dec.Decode(&got); err != nil {
		t.Fatal(err)
	}
	if dec.More() {
		t.Error("more than one JSON value")
	}
	want := got
	want.Protocol, want.Version, want.Dataset, want.Questions, want.History, want.Tests = Fixed, ProtocolVersion, "slack-export julia.zip", 2805, 2244, 561
	want.Rankers = map[string]map[string]float64{
		"popularity": {"hit1": 0.1, "hit5": 0.303, "hit10": 0.4, "mrr": 0.183, "unranked": 0},
		"nextdesk":   {"hit1": 0.25, "hit5": 0.5, "hit10": 0.6, "mrr": 0.35, "unranked": 3},
		"documents":  {"hit1": 0.2, "hit5": 0.428, "hit10": 0.5, "mrr": 0.313, "unranked": 0},
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("JSON (-got +want):\n%s", diff)
	}
}

func TestWriteTable(t *testing.T) {
	var buf bytes.Buffer
	if err := sampleReport().WriteTable(&buf); err != nil {
		t.Fatal(err)
	}
	want := `dataset slack-export julia.zip (protocol fixed, version 1)
questions 2805, eligible 2805, history 2244 (before 2024-03-01T09:00:00Z), tests 561, candidates 600, unreachable tests 40

ranker      hit@1  hit@5  hit@10  MRR    unranked
nextdesk    0.250  0.500  0.600   0.350  3
documents   0.200  0.428  0.500   0.313  0
popularity  0.100  0.303  0.400   0.183  0
`
	if diff := cmp.Diff(buf.String(), want); diff != "" {
		t.Errorf("table (-got +want):\n%s", diff)
	}
}

// failWriter fails every write.
type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteErrors(t *testing.T) {
	if err := sampleReport().WriteJSON(failWriter{}); err == nil {
		t.Error("WriteJSON on a failing writer succeeded")
	}
	if err := sampleReport().WriteTable(failWriter{}); err == nil {
		t.Error("WriteTable on a failing writer succeeded")
	}
}
