package eval

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/nextdesk/nextdesk/knowledge"
)

// t0 is the start of the hand-built histories.
var t0 = time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)

// at returns t0 plus m minutes.
func at(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }

// question returns a Slack-like question asked at minute m, answered one
// minute later (and a minute apart) by each of answerers.
func question(id, asker string, m int, text string, answerers ...string) knowledge.Question {
	q := knowledge.Question{ID: id, Asker: asker, Conversation: "C1", Text: text, Time: at(m)}
	for i, a := range answerers {
		q.Answers = append(q.Answers, knowledge.Answer{ID: id + "/" + a, Answerer: a, Time: at(m + i + 1)})
	}
	return q
}

// answer returns an answer by who at minute m, accepted or not.
func answer(id, who string, m int, accepted bool) knowledge.Answer {
	return knowledge.Answer{ID: id, Answerer: who, Time: at(m), Accepted: accepted}
}

// ids returns the ids of qs, in order.
func ids(qs []knowledge.Question) []string {
	var out []string
	for _, q := range qs {
		out = append(out, q.ID)
	}
	return out
}

// answerIDs returns, by question, the ids of the answers in qs.
func answerIDs(qs []knowledge.Question) map[string][]string {
	out := make(map[string][]string)
	for _, q := range qs {
		for _, a := range q.Answers {
			out[q.ID] = append(out[q.ID], a.ID)
		}
	}
	return out
}

// splitView is what a split decides, in comparable form.
type splitView struct {
	History  []string
	Answers  map[string][]string
	Cutoff   time.Time
	Total    int
	Eligible int
	Tests    []string
	Truth    map[string][]string
}

func view(h History, cases []Case) splitView {
	v := splitView{
		History: ids(h.Questions), Answers: answerIDs(h.Questions),
		Cutoff: h.Cutoff, Total: h.Total, Eligible: h.Eligible,
		Truth: make(map[string][]string),
	}
	for _, c := range cases {
		v.Tests = append(v.Tests, c.Question.ID)
		v.Truth[c.Question.ID] = c.Truth
	}
	return v
}

func TestSplitSlack(t *testing.T) {
	qs := []knowledge.Question{
		question("q6", "ana", 60, "", "bob", "cy", "bob"), // a test with two distinct repliers
		question("q2", "bob", 20, "", "ana"),
		question("q1", "ana", 10, "", "bob"),
		question("self", "dan", 15, "", "dan"), // only the asker replied: not a question
		question("none", "dan", 16, ""),        // no reply
		question("q3b", "cy", 30, "", "dan"),   // same time as q3a: ties by id
		question("q3a", "cy", 30, "", "ana", "cy"),
		question("q4", "dan", 40, "", "eve"),
		question("anon", "", 45, "", "ana"), // no asker: nobody to route for
		question("q5", "eve", 50, "", ""),   // a reply by nobody known
		question("q7", "bob", 70, "", "zed"),
	}
	// 7 questions remain (q1 q2 q3a q3b q4 q6 q7): floor(0.8·7) = 5 in the history.
	want := splitView{
		History: []string{"q1", "q2", "q3a", "q3b", "q4"},
		Answers: map[string][]string{
			"q1": {"q1/bob"}, "q2": {"q2/ana"}, "q3a": {"q3a/ana"}, // cy's own reply is gone
			"q3b": {"q3b/dan"}, "q4": {"q4/eve"},
		},
		Cutoff:   at(60),
		Total:    11,
		Eligible: 7,
		Tests:    []string{"q6", "q7"},
		Truth:    map[string][]string{"q6": {"bob", "cy"}, "q7": {"zed"}},
	}
	h, cases := SplitSlack(qs)
	if diff := cmp.Diff(view(h, cases), want, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("SplitSlack (-got +want):\n%s", diff)
	}
	for _, c := range cases {
		if len(c.Question.Answers) != 0 {
			t.Errorf("test question %s carries %d answers, want none", c.Question.ID, len(c.Question.Answers))
		}
	}
	if len(qs[0].Answers) != 3 || len(qs[6].Answers) != 2 {
		t.Errorf("SplitSlack changed its input")
	}

	// The split depends on the questions, not on the order they came in.
	shuffled := append([]knowledge.Question(nil), qs...)
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	h2, cases2 := SplitSlack(shuffled)
	if diff := cmp.Diff(view(h2, cases2), want, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("SplitSlack of shuffled input (-got +want):\n%s", diff)
	}
}

func TestSplitSlackSmall(t *testing.T) {
	for _, tc := range []struct {
		name string
		qs   []knowledge.Question
		want splitView
	}{
		{"nothing", nil, splitView{}},
		{"one question is a test with an empty history", []knowledge.Question{question("q1", "ana", 1, "", "bob")},
			splitView{Cutoff: at(1), Total: 1, Eligible: 1, Tests: []string{"q1"}, Truth: map[string][]string{"q1": {"bob"}}}},
		{"five questions: four and one", []knowledge.Question{
			question("q1", "a", 1, "", "b"), question("q2", "a", 2, "", "b"), question("q3", "a", 3, "", "b"),
			question("q4", "a", 4, "", "b"), question("q5", "a", 5, "", "c"),
		}, splitView{
			History: []string{"q1", "q2", "q3", "q4"},
			Answers: map[string][]string{"q1": {"q1/b"}, "q2": {"q2/b"}, "q3": {"q3/b"}, "q4": {"q4/b"}},
			Cutoff:  at(5), Total: 5, Eligible: 5, Tests: []string{"q5"}, Truth: map[string][]string{"q5": {"c"}},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(view(SplitSlack(tc.qs)), tc.want, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("(-got +want):\n%s", diff)
			}
		})
	}
}

func TestSplitStackExchange(t *testing.T) {
	qs := []knowledge.Question{
		// Eligible, in time order: e1 e2 e3 e4 e5 e6. floor(0.8·6) = 4, so
		// e5 (minute 50) is the first test question and the cutoff.
		{ID: "e1", Asker: "ana", Time: at(10), Answers: []knowledge.Answer{
			answer("e1a", "bob", 11, true),
			answer("e1b", "cy", 55, false), // after the cutoff: hidden
		}},
		{ID: "n1", Asker: "bob", Time: at(12), Answers: []knowledge.Answer{
			answer("n1a", "ana", 13, false), // no accepted answer: in the history, not eligible
			answer("n1b", "", 14, false),    // unknown owner: dropped
		}},
		{ID: "n2", Asker: "cy", Time: at(15), Answers: []knowledge.Answer{
			answer("n2a", "", 16, true), // accepted, but by nobody known: not eligible
		}},
		{ID: "e2", Asker: "bob", Time: at(20), Answers: []knowledge.Answer{answer("e2a", "ana", 21, true)}},
		{ID: "e3", Asker: "cy", Time: at(30), Answers: []knowledge.Answer{
			answer("e3a", "cy", 31, true),   // self-answered, in the history: kept
			answer("e3b", "dan", 50, false), // exactly at the cutoff: hidden
		}},
		{ID: "e4", Asker: "dan", Time: at(40), Answers: []knowledge.Answer{answer("e4a", "ana", 41, true)}},
		{ID: "n3", Asker: "eve", Time: at(45)}, // unanswered: in the history
		{ID: "e6", Asker: "eve", Time: at(60), Answers: []knowledge.Answer{
			answer("e6a", "eve", 61, true), // self-answered test: kept, scores 0
			answer("e6b", "bob", 62, false),
		}},
		{ID: "e5", Asker: "ana", Time: at(50), Answers: []knowledge.Answer{
			answer("e5a", "bob", 51, false),
			answer("e5b", "zed", 52, true),
		}},
		{ID: "n4", Asker: "ana", Time: at(50), Answers: []knowledge.Answer{answer("n4a", "bob", 49, false)}}, // same time as e5, later id: not before it
		{ID: "d0", Asker: "ana", Time: at(50), Answers: []knowledge.Answer{answer("d0a", "bob", 49, false)}}, // same time as e5, smaller id: before it
		{ID: "n5", Asker: "cy", Time: at(70), Answers: []knowledge.Answer{answer("n5a", "bob", 71, false)}},
	}
	want := splitView{
		History: []string{"e1", "n1", "n2", "e2", "e3", "e4", "n3", "d0"},
		Answers: map[string][]string{
			"e1": {"e1a"}, "n1": {"n1a"}, "e2": {"e2a"}, "e3": {"e3a"}, "e4": {"e4a"}, "d0": {"d0a"},
		},
		Cutoff:   at(50),
		Total:    12,
		Eligible: 6,
		Tests:    []string{"e5", "e6"},
		Truth:    map[string][]string{"e5": {"zed"}, "e6": {"eve"}},
	}
	h, cases := SplitStackExchange(qs)
	if diff := cmp.Diff(view(h, cases), want, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("SplitStackExchange (-got +want):\n%s", diff)
	}
	for _, c := range cases {
		if len(c.Question.Answers) != 0 {
			t.Errorf("test question %s carries %d answers, want none", c.Question.ID, len(c.Question.Answers))
		}
	}
	if len(qs[0].Answers) != 2 {
		t.Errorf("SplitStackExchange changed its input")
	}
}

func TestSplitStackExchangeNoTest(t *testing.T) {
	// No eligible question: nothing to test, and every answer is history.
	qs := []knowledge.Question{
		{ID: "n1", Asker: "ana", Time: at(1), Answers: []knowledge.Answer{answer("n1a", "bob", 90, false)}},
	}
	want := splitView{History: []string{"n1"}, Answers: map[string][]string{"n1": {"n1a"}}, Total: 1}
	if diff := cmp.Diff(view(SplitStackExchange(qs)), want, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}
}

func TestHistoryCandidatesAndBatch(t *testing.T) {
	h := History{
		Questions: []knowledge.Question{
			question("q1", "ana", 1, "", "cy", "bob"),
			question("q2", "dan", 2, "", "bob"),
			question("q3", "eve", 3, ""),
		},
	}.WithDirectory(
		[]knowledge.Person{{ID: "bob"}, {ID: "ana", Locale: "fr-FR"}, {ID: "cy"}},
		[]knowledge.Conversation{
			{ID: "C2", Kind: knowledge.KindPrivate, Members: []string{"ana"}},
			{ID: "C1", Kind: knowledge.KindPublic},
		},
	)
	if got, want := h.People["ana"].Locale, "fr-FR"; got != want {
		t.Errorf("People[ana].Locale = %q, want %q", got, want)
	}
	if diff := cmp.Diff(h.Candidates(), []string{"bob", "cy"}); diff != "" {
		t.Errorf("Candidates (-got +want):\n%s", diff)
	}
	want := knowledge.Batch{
		People:        []knowledge.Person{{ID: "ana", Locale: "fr-FR"}, {ID: "bob"}, {ID: "cy"}},
		Conversations: []knowledge.Conversation{{ID: "C1", Kind: knowledge.KindPublic}, {ID: "C2", Kind: knowledge.KindPrivate, Members: []string{"ana"}}},
		Questions:     h.Questions,
	}
	if diff := cmp.Diff(h.Batch(), want); diff != "" {
		t.Errorf("Batch (-got +want):\n%s", diff)
	}
}
