package eval

import (
	"slices"
	"sort"

	"github.com/nextdesk/nextdesk/knowledge"
)

// SplitSlack splits Slack questions into history and tests.
//
// A question is a thread root by a person with at least one reply by
// another person; answers with no answerer or by the asker are ignored, and
// so are questions left with no answer. Questions are sorted by time (ties
// by ID): the first floor(0.8·n) are the history, the rest are the tests.
// A history question keeps its whole thread, as in the reference figures,
// even the replies that came after the first test question. The truth of a
// test is the set of distinct people who replied.
func SplitSlack(qs []knowledge.Question) (History, []Case) {
	var eligible []knowledge.Question
	for _, q := range qs {
		if q.Asker == "" {
			continue
		}
		q.Answers = repliesByOthers(q)
		if len(q.Answers) > 0 {
			eligible = append(eligible, q)
		}
	}
	sortChronologically(eligible)
	cut := len(eligible) * 4 / 5 // floor(0.8·n) without rounding surprises
	h := History{Questions: eligible[:cut:cut], Total: len(qs), Eligible: len(eligible)}
	if cut < len(eligible) {
		h.Cutoff = eligible[cut].Time
	}
	var cases []Case
	for _, q := range eligible[cut:] {
		truth := make([]string, 0, len(q.Answers))
		for _, a := range q.Answers {
			truth = append(truth, a.Answerer)
		}
		cases = append(cases, newCase(q, truth))
	}
	return h, cases
}

// repliesByOthers returns the replies to Slack question q by known people
// other than its asker: the answers the protocol counts.
func repliesByOthers(q knowledge.Question) []knowledge.Answer {
	return slices.DeleteFunc(slices.Clone(q.Answers), func(a knowledge.Answer) bool {
		return a.Answerer == "" || a.Answerer == q.Asker
	})
}

// SplitStackExchange splits Stack Exchange questions into history and
// tests.
//
// Eligible questions are those with an accepted answer whose owner is
// known. They are sorted by creation time (ties by ID); the first
// floor(0.8·n) fall in the history and the rest are the tests, whose truth
// is the accepted answer's owner. The history is every question, eligible or
// not, created before the first test question, with only the answers (by
// known owners) created before it: on a Q&A site answers keep coming for
// years, and a ranker must not learn from answers written after the
// questions it is tested on.
//
// A question its asker answered is a Stack Exchange answer like any other,
// and it stays so here: in the history, where the asker answered; and as a
// test, where its truth is the asker, whom no ranker may propose, so it
// scores 0 for every ranker. Nobody else gave the accepted answer, so no
// routing could have helped, and the reference figures count these tests
// the same way (3 of the 21 on coffee.stackexchange).
func SplitStackExchange(qs []knowledge.Question) (History, []Case) {
	all := slices.Clone(qs)
	sortChronologically(all)
	var eligible []int // indexes into all
	for i, q := range all {
		if len(acceptedOwners(q)) > 0 {
			eligible = append(eligible, i)
		}
	}
	cut := len(eligible) * 4 / 5
	h := History{Total: len(qs), Eligible: len(eligible)}
	end := len(all) // all[:end] is created before the first test question
	if cut < len(eligible) {
		end = eligible[cut]
		h.Cutoff = all[end].Time
	}
	for _, q := range all[:end] {
		q.Answers = slices.DeleteFunc(slices.Clone(q.Answers), func(a knowledge.Answer) bool {
			return a.Answerer == "" || (end < len(all) && !a.Time.Before(h.Cutoff))
		})
		h.Questions = append(h.Questions, q)
	}
	var cases []Case
	for _, i := range eligible[cut:] {
		cases = append(cases, newCase(all[i], acceptedOwners(all[i])))
	}
	return h, cases
}

// newCase returns q as a test: without its answers, with its truth sorted
// and without repeats. A true person who never answered in the history
// still makes a case, scored 0 by every ranker: dropping it would flatter
// every ranker and make figures depend on the history's reach, while
// keeping it measures what routing achieves on this history, the same way
// for all rankers and all versions.
func newCase(q knowledge.Question, truth []string) Case {
	truth = slices.Clone(truth)
	slices.Sort(truth)
	q.Answers = nil
	return Case{Question: q, Truth: slices.Compact(truth)}
}

// acceptedOwners returns the owners of the accepted answers of q (one on
// Stack Exchange) whose owner is known.
func acceptedOwners(q knowledge.Question) []string {
	var ids []string
	for _, a := range q.Answers {
		if a.Accepted && a.Answerer != "" {
			ids = append(ids, a.Answerer)
		}
	}
	return ids
}

// sortChronologically sorts qs by time, ties by ID, so a split never
// depends on the order an importer emitted the questions in.
func sortChronologically(qs []knowledge.Question) {
	sort.SliceStable(qs, func(i, j int) bool {
		if !qs[i].Time.Equal(qs[j].Time) {
			return qs[i].Time.Before(qs[j].Time)
		}
		return qs[i].ID < qs[j].ID
	})
}
