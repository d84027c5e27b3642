package eval

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/nextdesk/nextdesk/knowledge"
)

// Instant answers are measured on human-labelled duplicate questions: a
// history of past questions and new questions, each labelled with the past
// ones that ask the same thing (duplicates), the related ones whose answers
// may help (relevant), and look-alikes that a search engine proposed but
// that ask something else (irrelevant). The layout is that of
// SemEval-2016 Task 3 subtask B as converted in the shared data:
// history.jsonl and queries.jsonl in one directory.

// DuplicateSet is a labelled duplicates data set.
type DuplicateSet struct {
	History []PastQuestion
	Queries []DuplicateQuery
}

// PastQuestion is one question of the history.
type PastQuestion struct {
	ID       string  `json:"id"`
	Title    string  `json:"title"`
	Body     string  `json:"body"`
	Created  string  `json:"created"`
	Asker    *string `json:"asker"`
	Answer   *string `json:"answer"`
	Answerer *string `json:"answerer"`
	// SameAs is the id of the same thread under another id, or empty.
	SameAs string `json:"same_as"`
}

// DuplicateQuery is one new question with its labels.
type DuplicateQuery struct {
	ID         string   `json:"id"`
	Title      string   `json:"title"`
	Body       string   `json:"body"`
	Duplicates []string `json:"duplicates"`
	Relevant   []string `json:"relevant"`
	Irrelevant []string `json:"irrelevant"`
}

// ReadDuplicateSet reads history.jsonl and queries.jsonl from dir. It
// returns an error naming the file and line of anything it cannot read,
// and an EINVALID error when either file holds nothing.
func ReadDuplicateSet(dir string) (DuplicateSet, error) {
	var set DuplicateSet
	if err := readJSONL(filepath.Join(dir, "history.jsonl"), &set.History); err != nil {
		return DuplicateSet{}, err
	}
	if err := readJSONL(filepath.Join(dir, "queries.jsonl"), &set.Queries); err != nil {
		return DuplicateSet{}, err
	}
	if len(set.History) == 0 || len(set.Queries) == 0 {
		return DuplicateSet{}, knowledge.Errorf(knowledge.EINVALID, "%s holds no history or no queries.", dir)
	}
	return set, nil
}

func readJSONL[T any](path string, out *[]T) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	r := bufio.NewReader(f)
	for line := 1; ; line++ {
		b, err := r.ReadBytes('\n')
		if len(b) > 0 && len(bytesTrim(b)) > 0 {
			var v T
			if jerr := json.Unmarshal(b, &v); jerr != nil {
				return fmt.Errorf("%s:%d: %w", path, line, jerr)
			}
			*out = append(*out, v)
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s:%d: %w", path, line, err)
		}
	}
}

func bytesTrim(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r' || b[len(b)-1] == ' ') {
		b = b[:len(b)-1]
	}
	return b
}

// historyEpoch is when the history of a set without dates is said to have
// been asked, and queryTime when the queries are: any time works as long as
// the history comes first.
var (
	historyEpoch = time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC)
	queryTime    = time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC)
)

// Batch returns the history as one import batch: every past question is
// answered (by its labelled answer, or by a placeholder when the set has
// none: what is measured is whether the right question is found, not what
// its answer says), public, in one conversation.
func (s DuplicateSet) Batch() knowledge.Batch {
	const conv = "duplicates"
	b := knowledge.Batch{Conversations: []knowledge.Conversation{{ID: conv, Name: conv, Kind: knowledge.KindPublic}}}
	for i, p := range s.History {
		asker, answerer, answer := "asker:"+p.ID, "answerer:"+p.ID, "(answered)"
		if p.Asker != nil && *p.Asker != "" {
			asker = *p.Asker
		}
		if p.Answerer != nil && *p.Answerer != "" {
			answerer = *p.Answerer
		}
		if p.Answer != nil && *p.Answer != "" {
			answer = *p.Answer
		}
		at := historyEpoch.Add(time.Duration(i) * time.Minute)
		b.Questions = append(b.Questions, knowledge.Question{
			ID: p.ID, Asker: asker, Conversation: conv, Title: p.Title, Text: p.Body, Time: at,
			Answers: []knowledge.Answer{{ID: p.ID + "/answer", Answerer: answerer, Text: answer, Time: at.Add(time.Minute)}},
		})
	}
	return b
}

// Question returns query q as a new question asked in the set's
// conversation after the whole history.
func (q DuplicateQuery) Question() knowledge.Question {
	return knowledge.Question{ID: q.ID, Asker: "asker:" + q.ID, Conversation: "duplicates", Title: q.Title, Text: q.Body, Time: queryTime}
}

// Matcher finds the past questions that may ask what q asks, most
// confident first, with the confidence it would hand the first back with.
type Matcher interface {
	Match(ctx context.Context, q knowledge.Question) ([]Candidate, error)
}

// Candidate is a past question a matcher proposes.
type Candidate struct {
	ID         string
	Confidence float64
	// Sure is set when the matcher would hand its answer back without
	// asking anyone.
	Sure bool
}

// DuplicatesReport is what `nextdesk eval duplicates` measures.
type DuplicatesReport struct {
	Dataset string `json:"dataset"`
	// Queries and QueriesWithDuplicate count the new questions, and those
	// labelled with at least one duplicate.
	Queries              int `json:"queries"`
	QueriesWithDuplicate int `json:"queries_with_duplicate"`
	// SureConfidence is the confidence from which nextdesk hands an
	// answer back; the figures below are at that threshold.
	SureConfidence float64 `json:"sure_confidence"`
	Outcome
	// Top1Retrieval is the share of queries with a duplicate whose first
	// match is one, whatever its confidence; Top1RetrievalSameText also
	// counts a copy of one word for word.
	Top1Retrieval         float64 `json:"top1_retrieval"`
	Top1RetrievalSameText float64 `json:"top1_retrieval_same_text"`
	// Thresholds are the same figures at other confidence thresholds.
	Thresholds []Outcome `json:"thresholds"`
	// Baseline is plain BM25's first match over title and body, at the
	// single threshold that scores best (highest F1) on the data itself.
	Baseline BaselineOutcome `json:"baseline"`
}

// Outcome is what handing back the first match from a confidence
// threshold on gives.
type Outcome struct {
	Threshold float64 `json:"threshold"`
	// HandedBack counts the queries answered without asking anyone.
	HandedBack int `json:"handed_back"`
	// Right counts those whose handed-back question is a labelled
	// duplicate or the same thread under another id as the data set
	// names it (same_as).
	Right int `json:"right"`
	// RightSameText also counts a question whose title and body are those
	// of a labelled duplicate, or of the query itself, word for word: the
	// same question posted again under another id, which a data set whose
	// labels cover only a few candidates per query leaves unlabelled.
	RightSameText int `json:"right_same_text"`
	// Wrong counts those whose handed-back question is labelled
	// irrelevant: a look-alike that asks something else.
	Wrong int `json:"wrong"`
	// Precision is Right / HandedBack, PrecisionSameText RightSameText /
	// HandedBack; LenientPrecision also counts a question labelled
	// relevant as right.
	Precision         float64 `json:"precision"`
	PrecisionSameText float64 `json:"precision_same_text"`
	LenientPrecision  float64 `json:"lenient_precision"`
	// Recall is the share of the queries with a duplicate that were
	// handed back a right one, RecallSameText the same with
	// RightSameText's rule.
	Recall         float64 `json:"recall"`
	RecallSameText float64 `json:"recall_same_text"`
}

// BaselineOutcome is the baseline's outcome at its best threshold, with
// its own first-match retrieval.
type BaselineOutcome struct {
	Name string `json:"name"`
	Outcome
	Top1Retrieval         float64 `json:"top1_retrieval"`
	Top1RetrievalSameText float64 `json:"top1_retrieval_same_text"`
}

// thresholdGrid are the confidence thresholds every report shows.
var thresholdGrid = []float64{0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7, 0.8}

// EvaluateDuplicates asks m every query of set and measures its first
// matches from threshold sure on, at thresholdGrid, and the BM25 baseline
// at its best threshold. It returns m's error, wrapped with the query id.
func EvaluateDuplicates(ctx context.Context, dataset string, set DuplicateSet, m Matcher, sure float64) (DuplicatesReport, error) {
	labels := newLabels(set)
	firsts := make([]Candidate, len(set.Queries))
	for i, q := range set.Queries {
		if err := ctx.Err(); err != nil {
			return DuplicatesReport{}, err
		}
		cands, err := m.Match(ctx, q.Question())
		if err != nil {
			return DuplicatesReport{}, fmt.Errorf("query %s: %w", q.ID, err)
		}
		if len(cands) > 0 {
			firsts[i] = cands[0]
		}
	}
	rep := DuplicatesReport{Dataset: dataset, Queries: len(set.Queries), SureConfidence: sure}
	for _, q := range set.Queries {
		if len(q.Duplicates) > 0 {
			rep.QueriesWithDuplicate++
		}
	}
	rep.Outcome = labels.outcome(set.Queries, firsts, sure)
	rep.Top1Retrieval = labels.top1(set.Queries, firsts, false)
	rep.Top1RetrievalSameText = labels.top1(set.Queries, firsts, true)
	for _, t := range thresholdGrid {
		rep.Thresholds = append(rep.Thresholds, labels.outcome(set.Queries, firsts, t))
	}
	rep.Baseline = labels.baseline(set)
	return rep, nil
}

// labels answers whether a handed-back question was right for a query.
//
// The same thread may sit in the history under several ids: the data set
// names some twins (same_as). A question whose title and body are those of
// another, word for word, is the same question too, and a query may even
// be in the history itself, unlabelled: the same-text figures count
// handing back such a copy as right, the others do not.
type labels struct {
	text map[string]string // id → its normalised title and body
	twin map[string]string // id → the same thread under another id
}

func newLabels(set DuplicateSet) labels {
	l := labels{text: make(map[string]string), twin: make(map[string]string)}
	for _, p := range set.History {
		l.text[p.ID] = sameTextOf(p.Title, p.Body)
		if p.SameAs != "" {
			l.twin[p.ID] = p.SameAs
			l.twin[p.SameAs] = p.ID
		}
	}
	return l
}

// sameTextOf is what two questions must share, word for word, to be the
// same.
func sameTextOf(title, body string) string {
	return strings.Join(strings.Fields(strings.ToLower(title+"\n"+body)), " ")
}

// in reports whether id, or its twin, is among ids; with sameText, also
// whether a question of the same text is.
func (l labels) in(id string, ids []string, sameText bool) bool {
	if id == "" {
		return false
	}
	for _, x := range ids {
		if x == id || l.twin[id] == x || sameText && l.text[x] != "" && l.text[x] == l.text[id] {
			return true
		}
	}
	return false
}

// right reports whether handing back id answers q: id is a labelled
// duplicate or its twin, or with sameText a copy of one, or of q itself,
// word for word.
func (l labels) right(id string, q DuplicateQuery, sameText bool) bool {
	return l.in(id, q.Duplicates, sameText) || sameText && id != "" && l.text[id] == sameTextOf(q.Title, q.Body)
}

func (l labels) outcome(qs []DuplicateQuery, firsts []Candidate, threshold float64) Outcome {
	o := Outcome{Threshold: threshold}
	lenient, withDup, recalled, recalledSameText := 0, 0, 0, 0
	for i, q := range qs {
		if len(q.Duplicates) > 0 {
			withDup++
		}
		c := firsts[i]
		if c.ID == "" || c.Confidence < threshold {
			continue
		}
		o.HandedBack++
		if l.right(c.ID, q, true) {
			o.RightSameText++
			if len(q.Duplicates) > 0 {
				recalledSameText++
			}
		}
		switch {
		case l.right(c.ID, q, false):
			o.Right++
			lenient++
			if len(q.Duplicates) > 0 {
				recalled++
			}
		case l.in(c.ID, q.Relevant, false):
			lenient++
		case l.in(c.ID, q.Irrelevant, false):
			o.Wrong++
		}
	}
	if o.HandedBack > 0 {
		o.Precision = float64(o.Right) / float64(o.HandedBack)
		o.PrecisionSameText = float64(o.RightSameText) / float64(o.HandedBack)
		o.LenientPrecision = float64(lenient) / float64(o.HandedBack)
	}
	if withDup > 0 {
		o.Recall = float64(recalled) / float64(withDup)
		o.RecallSameText = float64(recalledSameText) / float64(withDup)
	}
	return o
}

func (l labels) top1(qs []DuplicateQuery, firsts []Candidate, sameText bool) float64 {
	right, withDup := 0, 0
	for i, q := range qs {
		if len(q.Duplicates) == 0 {
			continue
		}
		withDup++
		if l.right(firsts[i].ID, q, sameText) {
			right++
		}
	}
	if withDup == 0 {
		return 0
	}
	return float64(right) / float64(withDup)
}

// baseline ranks the history by plain BM25 over title and body and hands
// back the first match from the threshold (on its raw score) with the best
// F1 on this very data: a generous baseline, since it is fitted to what it
// is measured on.
func (l labels) baseline(set DuplicateSet) BaselineOutcome {
	texts := make([][]string, len(set.History))
	for i, p := range set.History {
		texts[i] = tokens(p.Title + "\n" + p.Body)
	}
	x := newBM25(texts)
	firsts := make([]Candidate, len(set.Queries))
	var scores []float64
	for i, q := range set.Queries {
		if hits := x.search(tokens(q.Title+"\n"+q.Body), 1); len(hits) > 0 {
			firsts[i] = Candidate{ID: set.History[hits[0].doc].ID, Confidence: hits[0].score}
			scores = append(scores, hits[0].score)
		}
	}
	best := BaselineOutcome{Name: "bm25", Top1Retrieval: l.top1(set.Queries, firsts, false), Top1RetrievalSameText: l.top1(set.Queries, firsts, true)}
	bestF1 := -1.0
	sort.Float64s(scores)
	for _, t := range slices.Compact(scores) {
		o := l.outcome(set.Queries, firsts, t)
		f1 := 0.0
		if o.Precision+o.Recall > 0 {
			f1 = 2 * o.Precision * o.Recall / (o.Precision + o.Recall)
		}
		if f1 > bestF1 {
			bestF1, best.Outcome = f1, o
		}
	}
	return best
}

// WriteJSON writes r as one indented JSON object. It returns w's error.
func (r DuplicatesReport) WriteJSON(w io.Writer) error { return writeJSON(w, r) }

// WriteTable writes r for a person. It returns w's error.
func (r DuplicatesReport) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "dataset %s: %d queries, %d with a labelled duplicate\n", r.Dataset, r.Queries, r.QueriesWithDuplicate)
	fmt.Fprintf(tw, "nextdesk first match is a duplicate for %.3f of them, or a copy of one for %.3f (BM25: %.3f, %.3f)\n",
		r.Top1Retrieval, r.Top1RetrievalSameText, r.Baseline.Top1Retrieval, r.Baseline.Top1RetrievalSameText)
	fmt.Fprint(tw, "right: a labelled duplicate or its same_as twin; same text: also a copy, word for word, of one or of the query\n\n")
	fmt.Fprint(tw, "\tthreshold\thanded back\tright\twrong\tprecision\tlenient\trecall\tsame text: right\tprecision\trecall\n")
	row := func(name string, o Outcome) {
		fmt.Fprintf(tw, "%s\t%.2f\t%d\t%d\t%d\t%.3f\t%.3f\t%.3f\t%d\t%.3f\t%.3f\n", name, o.Threshold, o.HandedBack, o.Right, o.Wrong,
			o.Precision, o.LenientPrecision, o.Recall, o.RightSameText, o.PrecisionSameText, o.RecallSameText)
	}
	row("nextdesk (sure)", r.Outcome)
	for _, o := range r.Thresholds {
		row("nextdesk", o)
	}
	row("bm25 (best F1)", r.Baseline.Outcome)
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return nil
}
