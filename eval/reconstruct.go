package eval

import (
	"github.com/nextdesk/nextdesk/knowledge"
)

// PairReport compares the question → answerer pairs a reconstruction
// inferred from flat history with those of the real threads.
type PairReport struct {
	Dataset string `json:"dataset"`
	// Truth counts the real pairs: each thread's question with each other
	// person who replied in it; Found those of the reconstruction; Right
	// those found that are real.
	Truth int `json:"truth_pairs"`
	Found int `json:"found_pairs"`
	Right int `json:"right_pairs"`
	// Precision is Right/Found (how many found pairs are real), Recall
	// Right/Truth (how many real pairs come back).
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	// Questions counts the real questions and those found; RightQuestions
	// the questions found that are real thread roots.
	Questions      int `json:"truth_questions"`
	FoundQuestions int `json:"found_questions"`
	RightQuestions int `json:"right_questions"`
}

// ComparePairs scores found, the questions reconstructed from flat history,
// against truth, the questions of the same history's threads. A pair is a
// question id with one answerer, so it is right only when the same
// message was taken for the question and the same person for one who
// answered it.
func ComparePairs(dataset string, truth, found []knowledge.Question) PairReport {
	r := PairReport{Dataset: dataset, Questions: len(truth), FoundQuestions: len(found)}
	type pair struct{ question, answerer string }
	real := make(map[pair]bool)
	roots := make(map[string]bool, len(truth))
	for _, q := range truth {
		roots[q.ID] = true
		for _, a := range q.Answers {
			real[pair{q.ID, a.Answerer}] = true
		}
	}
	r.Truth = len(real)
	seen := make(map[pair]bool)
	for _, q := range found {
		if roots[q.ID] {
			r.RightQuestions++
		}
		for _, a := range q.Answers {
			p := pair{q.ID, a.Answerer}
			if seen[p] {
				continue
			}
			seen[p] = true
			if real[p] {
				r.Right++
			}
		}
	}
	r.Found = len(seen)
	if r.Found > 0 {
		r.Precision = float64(r.Right) / float64(r.Found)
	}
	if r.Truth > 0 {
		r.Recall = float64(r.Right) / float64(r.Truth)
	}
	return r
}
