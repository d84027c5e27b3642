package main

import (
	"encoding/json"
	"errors"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/nextdesk/nextdesk/lexicon"
)

// These tests hold the figures README.md reports on the shared real data:
// a change that makes nextdesk's judgement worse fails the build. Each
// floor is the figure measured when it was set, less a margin of about one
// test question; each gate on the baselines is one nextdesk cleared by at
// least 0.02 then. The replay protocol takes a few minutes over all the
// data sets: it runs when NEXTDESK_SLOW_EVAL is set.

type routingFloor struct {
	name, kind, path string
	// floor is nextdesk's lowest acceptable MRR under each protocol.
	fixed, replay float64
	// beats says whether nextdesk must beat every baseline's MRR, under
	// each protocol.
	beatsFixed, beatsReplay bool
}

var routingFloors = []routingFloor{
	{"julia", "slack-export", "slack/julia-community-export.zip", 0.450, 0.460, true, true},
	{"racket 2017", "slack-export", "slack/racket-general-2017-export.zip", 0.615, 0.585, true, true},
	{"racket 2018", "slack-export", "slack/racket-general-2018-export.zip", 0.535, 0.560, true, true},
	{"racket 2019", "slack-export", "slack/racket-general-2019-export.zip", 0.440, 0.480, true, true},
	{"ai", "stackexchange", "stackexchange/ai", 0.255, 0.290, false, true},
	{"beer", "stackexchange", "stackexchange/beer", 0.110, 0.180, true, true},
	{"coffee", "stackexchange", "stackexchange/coffee", 0.125, 0.290, true, true},
}

func TestEvalRoutingHoldsOnSharedData(t *testing.T) {
	protocols := []string{"fixed"}
	if os.Getenv("NEXTDESK_SLOW_EVAL") != "" {
		protocols = append(protocols, "replay")
	}
	for _, f := range routingFloors {
		for _, p := range protocols {
			t.Run(f.name+"/"+p, func(t *testing.T) {
				out := mustRun(t, map[string]string{}, "eval", f.kind, needShared(t, f.path), "--protocol", p, "--json")
				var rep struct {
					Protocol string `json:"protocol"`
					Rankers  map[string]struct {
						MRR float64 `json:"mrr"`
					} `json:"rankers"`
				}
				if err := json.Unmarshal([]byte(out), &rep); err != nil {
					t.Fatalf("eval --json: %v\n%s", err, out)
				}
				if rep.Protocol != p {
					t.Errorf("protocol = %q, want %q", rep.Protocol, p)
				}
				floor, beats := f.fixed, f.beatsFixed
				if p == "replay" {
					floor, beats = f.replay, f.beatsReplay
				}
				nd := rep.Rankers["nextdesk"].MRR
				if nd < floor {
					t.Errorf("nextdesk MRR %.3f fell below %.3f", nd, floor)
				}
				for _, base := range []string{"popularity", "profile", "documents"} {
					b, ok := rep.Rankers[base]
					if !ok {
						t.Fatalf("baseline %s missing from %s", base, out)
					}
					if beats && nd <= b.MRR {
						t.Errorf("nextdesk MRR %.3f no longer beats %s (%.3f)", nd, base, b.MRR)
					}
				}
			})
		}
	}
}

func TestEvalDuplicatesHoldsOnSharedData(t *testing.T) {
	out := mustRun(t, map[string]string{}, "eval", "duplicates", needShared(t, "duplicates/semeval2016-train1"), "--json")
	var rep struct {
		Queries               int     `json:"queries"`
		QueriesWithDuplicate  int     `json:"queries_with_duplicate"`
		HandedBack            int     `json:"handed_back"`
		Precision             float64 `json:"precision"`
		PrecisionSameText     float64 `json:"precision_same_text"`
		LenientPrecision      float64 `json:"lenient_precision"`
		Recall                float64 `json:"recall"`
		RecallSameText        float64 `json:"recall_same_text"`
		Wrong                 *int    `json:"wrong"`
		Top1Retrieval         float64 `json:"top1_retrieval"`
		Top1RetrievalSameText float64 `json:"top1_retrieval_same_text"`
		Thresholds            []struct {
			Threshold float64 `json:"threshold"`
		} `json:"thresholds"`
		Baseline struct {
			Name                  string  `json:"name"`
			Threshold             float64 `json:"threshold"`
			Precision             float64 `json:"precision"`
			PrecisionSameText     float64 `json:"precision_same_text"`
			Top1Retrieval         float64 `json:"top1_retrieval"`
			Top1RetrievalSameText float64 `json:"top1_retrieval_same_text"`
		} `json:"baseline"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("eval duplicates --json: %v\n%s", err, out)
	}
	if rep.Queries != 200 || rep.QueriesWithDuplicate != 85 {
		t.Errorf("queries %d with a duplicate %d, want 200 and 85", rep.Queries, rep.QueriesWithDuplicate)
	}
	if rep.Wrong == nil || len(rep.Thresholds) == 0 || rep.Baseline.Name != "bm25" {
		t.Errorf("report lacks wrong, thresholds or the baseline:\n%s", out)
	}
	// Two readings of "right" (see eval.Outcome): as labelled (a labelled
	// duplicate or its same_as twin), and counting a copy, word for word,
	// of one or of the query itself, which this data set holds 584 of,
	// unlabelled. Handed back at least 17 times (19 today, two of them
	// only since a misspelt word reads as the word), right by the second
	// at least 80% of the time: the promise "sure" makes.
	if rep.HandedBack < 17 || rep.PrecisionSameText < 0.8 || rep.RecallSameText < 0.14 {
		t.Errorf("handed back %d, same-text precision %.3f, recall %.3f; want at least 17, 0.8 and 0.14", rep.HandedBack, rep.PrecisionSameText, rep.RecallSameText)
	}
	if rep.Precision < 0.42 || rep.Recall < 0.09 {
		t.Errorf("precision %.3f, recall %.3f as labelled; want at least 0.42 and 0.09", rep.Precision, rep.Recall)
	}
	// 0.353 (0.482) today, when sameness orders the matches the search
	// finds about as close. Near-ties flip a query in 85 either way when
	// the reading of a word changes ("no-one", "dont", "thx"), so the
	// floor leaves them a query's room.
	if rep.Top1RetrievalSameText < 0.47 || rep.Top1RetrievalSameText <= rep.Baseline.Top1RetrievalSameText ||
		rep.Top1Retrieval < 0.35 || rep.Top1Retrieval <= rep.Baseline.Top1Retrieval {
		t.Errorf("top-1 retrieval %.3f (same text %.3f), BM25's %.3f (%.3f); want at least 0.35 (0.47) and above BM25",
			rep.Top1Retrieval, rep.Top1RetrievalSameText, rep.Baseline.Top1Retrieval, rep.Baseline.Top1RetrievalSameText)
	}
	if rep.Precision <= rep.Baseline.Precision || rep.PrecisionSameText <= rep.Baseline.PrecisionSameText {
		t.Errorf("precision %.3f (same text %.3f) does not beat BM25 at its best threshold (%.3f, %.3f)",
			rep.Precision, rep.PrecisionSameText, rep.Baseline.Precision, rep.Baseline.PrecisionSameText)
	}
}

func TestEvalCrossLangHoldsOnSharedData(t *testing.T) {
	if _, err := lexicon.Load(lexicon.DefaultDir); err != nil {
		t.Skipf("French–English matching needs the FreeDict dictionaries (.ci/run installs them): %v", err)
	}
	out := mustRun(t, map[string]string{}, "eval", "crosslang", needShared(t, "crosslang/fr-en-questions-dev.tsv"), "--json")
	var rep struct {
		Pairs int            `json:"pairs"`
		FrEn  crossLangRates `json:"french_to_english"`
		EnFr  crossLangRates `json:"english_to_french"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("eval crosslang --json: %v\n%s", err, out)
	}
	if rep.Pairs != 185 {
		t.Errorf("pairs = %d, want 185", rep.Pairs)
	}
	// 0.746 / 0.703 and 0.859 / 0.816 today.
	if rep.FrEn.Hit1 < 0.69 || rep.EnFr.Hit1 < 0.66 || rep.FrEn.Hit5 < 0.84 || rep.EnFr.Hit5 < 0.81 {
		t.Errorf("hit@1 %.3f / %.3f, hit@5 %.3f / %.3f (French asking / English asking); want at least 0.69 / 0.66 and 0.84 / 0.81", rep.FrEn.Hit1, rep.EnFr.Hit1, rep.FrEn.Hit5, rep.EnFr.Hit5)
	}
	// Instant answers across the languages: 147 of 164 handed back were
	// the twin today (76 of 84 and 71 of 80); many of the others are
	// rewordings of the twin under another id ("Who's your favorite
	// writer?" and "Who is your favorite author?").
	handed, right := rep.FrEn.HandedBack+rep.EnFr.HandedBack, rep.FrEn.Right+rep.EnFr.Right
	if right < 110 || float64(right) < 0.8*float64(handed) {
		t.Errorf("%d of %d handed back across the languages were the twin; want at least 110, and 80%%", right, handed)
	}
}

// TestEvalCrossLangHoldsAmongOtherQuestions asks the French questions
// among the English ones and the 1,368 titles of the shared SemEval
// history, other subjects asked in English: a larger workspace gives a
// question more look-alikes to be mistaken for its twin.
func TestEvalCrossLangHoldsAmongOtherQuestions(t *testing.T) {
	if _, err := lexicon.Load(lexicon.DefaultDir); err != nil {
		t.Skipf("French–English matching needs the FreeDict dictionaries (.ci/run installs them): %v", err)
	}
	f, err := os.Open(needShared(t, "duplicates/semeval2016-train1/history.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	titles := make(map[string]bool)
	for dec := json.NewDecoder(f); ; {
		var past struct{ Title string }
		if err := dec.Decode(&past); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		if title := strings.TrimSpace(past.Title); title != "" {
			titles[title] = true
		}
	}
	distractors := writeFile(t, "titles.txt", strings.Join(slices.Sorted(maps.Keys(titles)), "\n"))
	out := mustRun(t, map[string]string{}, "eval", "crosslang", needShared(t, "crosslang/fr-en-questions-dev.tsv"), "--distractors", distractors, "--json")
	var rep struct {
		Distractors int            `json:"distractors"`
		FrEn        crossLangRates `json:"french_to_english"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("eval crosslang --json: %v\n%s", err, out)
	}
	if rep.Distractors != len(titles) {
		t.Errorf("distractors = %d, want %d", rep.Distractors, len(titles))
	}
	// 0.719 and 0.838 today; 74 of the 82 handed back were the twin.
	if rep.FrEn.Hit1 < 0.67 || rep.FrEn.Hit5 < 0.815 {
		t.Errorf("French asking among other questions: hit@1 %.3f, hit@5 %.3f; want at least 0.67 and 0.815", rep.FrEn.Hit1, rep.FrEn.Hit5)
	}
	if float64(rep.FrEn.Right) < 0.8*float64(rep.FrEn.HandedBack) {
		t.Errorf("%d of %d handed back were the twin; want 80%%", rep.FrEn.Right, rep.FrEn.HandedBack)
	}
}

// crossLangRates is one direction of eval crosslang's JSON.
type crossLangRates struct {
	Hit1       float64 `json:"hit1"`
	Hit5       float64 `json:"hit5"`
	HandedBack int     `json:"handed_back"`
	Right      int     `json:"right"`
}

func TestEvalRejectsBadInput(t *testing.T) {
	bad := writeFile(t, "pairs.tsv", "id\ten\tfr\nq1\tonly two columns\n")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"eval", "stackexchange", "x", "--protocol", "sideways"}, "--protocol must be fixed or replay"},
		{[]string{"eval", "duplicates", "x", "--protocol", "replay"}, "--protocol applies to slack-export and stackexchange only"},
		{[]string{"eval", "crosslang", bad}, "pairs.tsv:2: want three tab-separated columns"},
		{[]string{"eval", "duplicates", "x", "--distractors", "titles.txt"}, "--distractors applies to crosslang only"},
		{[]string{"eval", "stackexchange", "x", "--distractors", "titles.txt"}, "--distractors applies to crosslang only"},
		{[]string{"eval", "duplicates", t.TempDir()}, "history.jsonl"},
	} {
		_, err := run(t, map[string]string{}, tc.args...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("nextdesk %s: error = %v, want one saying %q", strings.Join(tc.args, " "), err, tc.want)
		}
	}
}
