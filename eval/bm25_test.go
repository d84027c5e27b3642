package eval

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestTokens(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"How do I use Pkg.add()?", []string{"how", "do", "i", "use", "pkg", "add"}},
		{"Ça marche, l'équipe ÉTÉ 2021!", []string{"ça", "marche", "l", "équipe", "été", "2021"}},
		{"snake_case x86-64 1.5e3", []string{"snake", "case", "x86", "64", "1", "5e3"}},
		{"e\u0301te\u0301 décomposé", []string{"e\u0301te\u0301", "décomposé"}}, // combining accents stay in the word
		{"日本語 テキスト", []string{"日本語", "テキスト"}},
		{"<@U123|ana> :+1: ```code```", []string{"u123", "ana", "1", "code"}},
		{"\xff\xfeok", []string{"ok"}}, // invalid UTF-8 is a separator, never a panic
	} {
		if diff := cmp.Diff(tokens(tc.in), tc.want, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("tokens(%q) (-got +want):\n%s", tc.in, diff)
		}
	}
}

// TestBM25HandComputed checks the scores of a three-document index against
// a computation by hand:
//
//	docs: d0 = "go test go" (3 words), d1 = "test bench" (2), d2 = "slack bot" (2)
//	N = 3, avgdl = 7/3
//	idf(go)   = ln(1 + (3 − 1 + 0.5)/(1 + 0.5)) = ln(8/3) = 0.980829253
//	idf(test) = ln(1 + (3 − 2 + 0.5)/(2 + 0.5)) = ln(1.6) = 0.470003629
//	K(d0) = 1.2·(0.25 + 0.75·3/(7/3)) = 1.457142857
//	K(d1) = 1.2·(0.25 + 0.75·2/(7/3)) = 1.071428571
//	query "go test":
//	d0 = 0.980829253·2·2.2/(2 + 1.457142857) + 0.470003629·2.2/(1 + 1.457142857) = 1.669145343
//	d1 = 0.470003629·2.2/(1 + 1.071428571) = 0.499176268
//	d2 shares no word and is not returned.
func TestBM25HandComputed(t *testing.T) {
	x := newBM25([][]string{
		{"go", "test", "go"},
		{"test", "bench"},
		{"slack", "bot"},
	})
	for _, tc := range []struct {
		name  string
		query []string
		limit int
		want  []hit
	}{
		{"two words", []string{"go", "test"}, 0, []hit{{0, 1.669145343}, {1, 0.499176268}}},
		{"a repeated word counts once", []string{"go", "test", "test", "go"}, 0, []hit{{0, 1.669145343}, {1, 0.499176268}}},
		{"limit keeps the best", []string{"go", "test"}, 1, []hit{{0, 1.669145343}}},
		{"unknown words", []string{"nothing", "here"}, 0, nil},
		{"empty query", nil, 0, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := x.search(tc.query, tc.limit)
			opts := cmp.Options{cmp.AllowUnexported(hit{}), cmpopts.EquateApprox(0, 1e-9), cmpopts.EquateEmpty()}
			if diff := cmp.Diff(got, tc.want, opts); diff != "" {
				t.Errorf("search(%q, %d) (-got +want):\n%s", tc.query, tc.limit, diff)
			}
		})
	}
}

// TestBM25Order checks ties go to the smaller document id and that the
// bounded heap keeps exactly the best hits whatever their arrival order.
func TestBM25Order(t *testing.T) {
	docs := [][]string{
		{"a"},           // 0: ties with 2
		{"a", "b", "c"}, // 1: longest, weakest on "a"
		{"a"},           // 2
		{"b"},           // 3: no "a"
		{"a", "a"},      // 4: best on "a"
	}
	x := newBM25(docs)
	docIDs := func(hs []hit) []int32 {
		var ids []int32
		for _, h := range hs {
			ids = append(ids, h.doc)
		}
		return ids
	}
	for _, tc := range []struct {
		limit int
		want  []int32
	}{
		{0, []int32{4, 0, 2, 1}},
		{3, []int32{4, 0, 2}},
		{2, []int32{4, 0}},
		{10, []int32{4, 0, 2, 1}},
	} {
		if diff := cmp.Diff(docIDs(x.search([]string{"a"}, tc.limit)), tc.want); diff != "" {
			t.Errorf("limit %d (-got +want):\n%s", tc.limit, diff)
		}
	}
}

func TestBM25Empty(t *testing.T) {
	x := newBM25(nil)
	if got := x.search([]string{"a"}, 0); len(got) != 0 {
		t.Errorf("search on an empty index = %v, want nothing", got)
	}
	y := newBM25([][]string{{}, {"a"}})
	got := y.search([]string{"a"}, 0)
	if len(got) != 1 || got[0].doc != 1 || math.IsNaN(got[0].score) || got[0].score <= 0 {
		t.Errorf("search with an empty document = %v, want one positive hit on doc 1", got)
	}
}
