package eval

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/nextdesk/nextdesk/knowledge"
)

// rank calls r for a question by asker and fails the test on error.
func rank(tb testing.TB, r Ranker, asker, text string) []string {
	tb.Helper()
	got, err := r.Rank(context.Background(), knowledge.Question{ID: "test", Asker: asker, Text: text})
	if err != nil {
		tb.Fatalf("Rank: %v", err)
	}
	return got
}

func TestPopularity(t *testing.T) {
	h := History{Questions: []knowledge.Question{
		question("q1", "eve", 10, "", "ana", "bob"), // ana at 11, bob at 12
		question("q2", "eve", 20, "", "bob", "ana"),
		question("q3", "cy", 30, "", "ana", "bob"),
		{ID: "q4", Asker: "ana", Time: at(40), Answers: []knowledge.Answer{
			answer("q4d", "dan", 41, false), answer("q4c", "cy", 41, false),
		}},
	}}
	// ana and bob have 3 answers, ana's first came earlier; cy and dan have
	// one each, at the same minute: the id decides.
	p := NewPopularity(h)
	for _, tc := range []struct {
		asker string
		want  []string
	}{
		{"zed", []string{"ana", "bob", "cy", "dan"}},
		{"bob", []string{"ana", "cy", "dan"}},
		{"dan", []string{"ana", "bob", "cy"}},
	} {
		if diff := cmp.Diff(rank(t, p, tc.asker, "anything"), tc.want); diff != "" {
			t.Errorf("asker %s (-got +want):\n%s", tc.asker, diff)
		}
	}
	// Rank must not hand out its own order for callers to change.
	got := rank(t, p, "zed", "")
	got[0] = "mallory"
	if diff := cmp.Diff(rank(t, p, "zed", ""), []string{"ana", "bob", "cy", "dan"}); diff != "" {
		t.Errorf("after changing a result (-got +want):\n%s", diff)
	}
}

// TestProfile checks the profile scores against a computation by hand:
//
//	profiles: ana = q1 + q2 = "julia package install install plotting package" (6 words;
//	          her second reply to q2 adds nothing), bob = q2 (3 words), cy = q3 "gpu kernel" (2)
//	N = 3, avgdl = 11/3; query "gpu package"
//	idf(package) = ln(1.6), idf(gpu) = ln(8/3)
//	cy  = ln(8/3)·2.2/(1 + 1.2·(0.25 + 0.75·2·3/11))   = 1.204876544
//	ana = ln(1.6)·2·2.2/(2 + 1.2·(0.25 + 0.75·6·3/11)) = 0.548148811
//	bob = ln(1.6)·2.2/(1 + 1.2·(0.25 + 0.75·3·3/11))   = 0.507771778
func TestProfile(t *testing.T) {
	h := History{Questions: []knowledge.Question{
		question("q1", "eve", 10, "Julia package install", "ana"),
		question("q2", "eve", 20, "install plotting package", "bob", "ana", "ana"),
		question("q3", "dan", 30, "GPU kernel", "cy"),
	}}
	p := NewProfile(h)
	scores := make(map[string]float64)
	for _, hit := range p.index.search(tokens("gpu package"), 0) {
		scores[p.people[hit.doc]] = hit.score
	}
	want := map[string]float64{"cy": 1.204876544, "ana": 0.548148811, "bob": 0.507771778}
	if diff := cmp.Diff(scores, want, cmpopts.EquateApprox(0, 1e-9)); diff != "" {
		t.Errorf("profile scores (-got +want):\n%s", diff)
	}

	for _, tc := range []struct {
		asker, text string
		want        []string
	}{
		{"zed", "GPU package?", []string{"cy", "ana", "bob"}},
		{"cy", "GPU package?", []string{"ana", "bob"}},
		{"zed", "plotting", []string{"bob", "ana"}}, // bob's profile is shorter
		{"zed", "nothing in common", nil},
		{"zed", "", nil},
	} {
		if diff := cmp.Diff(rank(t, p, tc.asker, tc.text), tc.want, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("asker %s, %q (-got +want):\n%s", tc.asker, tc.text, diff)
		}
	}
}

func TestDocuments(t *testing.T) {
	h := History{Questions: []knowledge.Question{
		question("d0", "eve", 10, "GPU kernel launch", "cy", "dan", "cy"),
		question("d1", "eve", 20, "GPU memory", "dan"),
		question("d2", "eve", 30, "package install", "ana"),
	}}
	d := NewDocuments(h)
	// d0 matches both words, d1 one: dan collects both scores, cy only
	// d0's, once although cy replied twice.
	var s0, s1 float64
	for _, hit := range d.index.search(tokens("gpu kernel"), 0) {
		switch hit.doc {
		case 0:
			s0 = hit.score
		case 1:
			s1 = hit.score
		default:
			t.Errorf("unexpected hit on d%d", hit.doc)
		}
	}
	if !(s0 > s1 && s1 > 0) {
		t.Fatalf("scores d0 = %v, d1 = %v: want d0 > d1 > 0", s0, s1)
	}
	for _, tc := range []struct {
		asker, text string
		want        []string
	}{
		{"zed", "gpu kernel", []string{"dan", "cy"}},
		{"dan", "gpu kernel", []string{"cy"}},
		{"zed", "install", []string{"ana"}},
		{"zed", "unrelated words", nil},
	} {
		if diff := cmp.Diff(rank(t, d, tc.asker, tc.text), tc.want, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("asker %s, %q (-got +want):\n%s", tc.asker, tc.text, diff)
		}
	}
}

// TestDocumentsDepth checks that only the 50 closest questions vote: 60
// questions match, each longer (so weaker) than the one before.
func TestDocumentsDepth(t *testing.T) {
	var h History
	var want []string
	for i := range 60 {
		text := "topic" + strings.Repeat(" filler", i)
		who := fmt.Sprintf("p%02d", i)
		h.Questions = append(h.Questions, question(fmt.Sprintf("q%02d", i), "asker", i, text, who))
		if i < documentsDepth {
			want = append(want, who)
		}
	}
	if diff := cmp.Diff(rank(t, NewDocuments(h), "zed", "topic"), want); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}
}

func TestBaselinesEmptyHistory(t *testing.T) {
	for name, r := range Baselines(History{}) {
		if got := rank(t, r, "ana", "any question"); len(got) != 0 {
			t.Errorf("%s on an empty history = %v, want nobody", name, got)
		}
	}
}

func TestBaselinesUseTitle(t *testing.T) {
	// Stack Exchange questions are found by their title too.
	h := History{Questions: []knowledge.Question{
		{ID: "q1", Asker: "eve", Title: "Espresso grind", Text: "How fine?", Time: at(1), Answers: []knowledge.Answer{answer("a1", "ana", 2, true)}},
		{ID: "q2", Asker: "eve", Title: "Tea", Text: "Which water?", Time: at(3), Answers: []knowledge.Answer{answer("a2", "bob", 4, true)}},
	}}
	q := knowledge.Question{ID: "t", Asker: "zed", Title: "Grind size for espresso", Text: "Any advice?"}
	for _, name := range []string{"profile", "documents"} {
		got, err := Baselines(h)[name].Rank(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(got, []string{"ana"}); diff != "" {
			t.Errorf("%s (-got +want):\n%s", name, diff)
		}
	}
}
