package knowledge

import (
	"math"
	"sort"
)

// Confidence is the chance that a past question asks what the new one asks,
// as a logistic function of their sameness: sameness is a measure, not a
// probability, and the logistic turns it into one. Its two coefficients
// were fitted (maximum likelihood) on human-labelled duplicates
// (SemEval-2016 Task 3, the shared train split): the same question 14% of
// the time at a sameness of 0.2, 48% at 0.4, 84% at 0.6. The confidence
// that the answer helps is that chance times how sure the answer itself
// is: an answer the asker accepted or thanked for is a surer promise than
// one nobody confirmed, which counts 0.9.
//
// The workspace's own outcomes then tell how right the engine is there;
// CalibrateThreshold turns them into the threshold that keeps "sure"
// right at the target rate.
const (
	confidenceSlope     = 8.6
	confidenceIntercept = -3.5
	unconfirmedAnswer   = 0.9
)

// calibrate sets each match's Confidence and Sure from its sameness.
func (e *Engine) calibrate(matches []Match) {
	for i := range matches {
		m := &matches[i]
		m.Confidence = 1 / (1 + math.Exp(-(confidenceIntercept + confidenceSlope*m.Sameness)))
		if !m.Answer.Accepted && m.Answer.Thanks == 0 {
			m.Confidence *= unconfirmedAnswer
		}
		m.Sure = m.Confidence >= e.Policy.SureConfidence
	}
}

// AnswerOutcome is what became of one instant answer: its confidence, and
// whether the asker (or the expert who said "already answered") found it
// right.
type AnswerOutcome struct {
	Confidence float64
	Right      bool
}

// MinOutcomes is how many recorded outcomes CalibrateThreshold needs
// before it trusts them over the shipped calibration: with fewer, one
// outcome moves the measured precision by more than two points.
const MinOutcomes = 50

// CalibrateThreshold returns the lowest confidence threshold at which the
// instant answers recorded in outcomes were right at least target of the
// time (0.8 for "sure"), so that as many answers as possible are handed
// back at that precision. ok is false when there are fewer than
// MinOutcomes outcomes, or when no threshold reaches the target: then the
// caller keeps its threshold. Only outcomes at or above a threshold count
// for its precision, since only those would have been handed back.
func CalibrateThreshold(outcomes []AnswerOutcome, target float64) (threshold float64, ok bool) {
	if len(outcomes) < MinOutcomes {
		return 0, false
	}
	sorted := make([]AnswerOutcome, len(outcomes))
	copy(sorted, outcomes)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Confidence > sorted[j].Confidence })
	right := 0
	for i, o := range sorted {
		if o.Right {
			right++
		}
		// A threshold sits between distinct confidences: equal ones are
		// handed back together or not at all.
		if i+1 < len(sorted) && sorted[i+1].Confidence == o.Confidence {
			continue
		}
		if float64(right)/float64(i+1) >= target {
			threshold, ok = o.Confidence, true
		}
	}
	return threshold, ok
}
