package desk

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"time"

	"github.com/nextdesk/nextdesk/knowledge"
)

// Learning from the workspace: what people said of the instant answers
// tells how right they are here, and calibrating the threshold again from
// it keeps "sure" right TargetPrecision of the time.
//
// Only answers offered get the asker's word ("This solves it", "I still
// need help"); one not offered is judged only when an expert asked
// instead says "Already answered", which is far likelier on a question
// that was answered before than on one that was not. Counted alone, those
// picks would make the answers below the threshold look right and pull it
// down. So a question the engine matched below the threshold also teaches
// when a person answered it instead, as a wrong match: an answer written
// again is what an expert gives when the old thread does not answer the
// question (or when they did not look for it: a cautious count). And the
// threshold never goes below knowledge.MinSureConfidence.

// Calibration settings.
const (
	// TargetPrecision is how often an instant answer must be right.
	TargetPrecision = 0.8
	// LearnWindow is how far back outcomes count: long enough to gather
	// knowledge.MinOutcomes in a small workspace, short enough to follow
	// what it asks today.
	LearnWindow = 90 * 24 * time.Hour
	// calibrateEvery is how often the calibrate task runs: outcomes come
	// by the dozen a week, not by the minute.
	calibrateEvery = 24 * time.Hour
)

// TaskCalibrate is the name of the calibrate task.
const TaskCalibrate = "calibrate"

// OfferRecord is the best past answer the desk found for a question, and
// what became of it.
type OfferRecord struct {
	Offer
	// Outcome is what people said of it; empty until someone said.
	Outcome OfferOutcome
	// PickedMatch is the earlier question an expert picked when they said
	// "Already answered"; empty when none.
	PickedMatch string
	// Answered is true when someone answered the question itself.
	Answered bool
}

// Judged reports whether the asker said whether the answer offered solved
// their question.
func (o OfferRecord) Judged() bool {
	return o.Offered && (o.Outcome == OfferSolved || o.Outcome == OfferNeedHelp)
}

// Missed reports whether an expert said the question was answered before
// when nothing was offered at once: an instant answer missed.
func (o OfferRecord) Missed() bool {
	return !o.Offered && o.Outcome == OfferAlreadyAnswered
}

// Lesson is what the record teaches the threshold, and false when it
// teaches nothing: an answer offered and judged by its asker; a match not
// offered that an expert picked (right) or passed over for another (wrong)
// when saying "Already answered"; a match not offered on a question a
// person answered instead (wrong). Only offers scored by the current
// confidence model teach; an answer offered that nobody judged is neither
// right nor wrong.
func (o OfferRecord) Lesson() (knowledge.AnswerOutcome, bool) {
	if o.Model != knowledge.ConfidenceModel || o.Match == "" {
		return knowledge.AnswerOutcome{}, false
	}
	l := knowledge.AnswerOutcome{Confidence: o.Confidence}
	switch {
	case o.Offered:
		l.Right = o.Outcome == OfferSolved
		return l, o.Judged()
	case o.Outcome == OfferAlreadyAnswered:
		l.Right = o.PickedMatch == o.Match
		return l, o.PickedMatch != ""
	case o.Outcome == "":
		return l, o.Answered
	}
	return l, false
}

// RoutedQuestion is a question the desk sent to experts: its routes in
// the order they were made, who answered it, oldest first, and where it
// stands.
type RoutedQuestion struct {
	QuestionID string
	Routes     []knowledge.Route
	Answerers  []string
	Status     knowledge.Status
}

// CalibrationReason says why a threshold is in force.
type CalibrationReason string

// Calibration reasons.
const (
	// CalibrationLearned: enough outcomes, and the threshold is the lowest
	// that keeps them right TargetPrecision of the time (never below
	// knowledge.MinSureConfidence).
	CalibrationLearned CalibrationReason = "learned"
	// CalibrationTooFew: fewer than knowledge.MinOutcomes answers judged
	// by their askers in LearnWindow; the shipped threshold is in force.
	CalibrationTooFew CalibrationReason = "too_few"
	// CalibrationUnreached: enough outcomes, but no threshold keeps them
	// right TargetPrecision of the time; the threshold in force stays.
	CalibrationUnreached CalibrationReason = "unreached"
)

// Calibration is a decision on the threshold of instant answers: the
// threshold in force from At for the confidence model Model, why, and what
// it rests on.
type Calibration struct {
	At        time.Time
	Model     int
	Threshold float64
	Reason    CalibrationReason
	// Outcomes counts the lessons it was computed from, Judged the
	// answers offered and judged by their askers among them; Above counts
	// the lessons at or above Threshold and Right the right ones of those.
	Outcomes, Judged, Above, Right int
}

// Precision is the share of the lessons at or above the threshold that
// were right, and false when there were none.
func (c Calibration) Precision() (float64, bool) {
	if c.Above == 0 {
		return 0, false
	}
	return float64(c.Right) / float64(c.Above), true
}

// OutcomeReader reads what the live measures and the calibration need.
// *sqlite.DB implements it, also on a store opened read-only.
type OutcomeReader interface {
	// Offers returns the offers recorded since since, oldest first.
	Offers(ctx context.Context, since time.Time) ([]OfferRecord, error)
	// RoutedQuestions returns the questions first sent to an expert since
	// since.
	RoutedQuestions(ctx context.Context, since time.Time) ([]RoutedQuestion, error)
	// LatestCalibration returns the last calibration recorded, whatever
	// its model, or an ENOTFOUND error.
	LatestCalibration(ctx context.Context) (Calibration, error)
}

// Learning is the store the calibration reads and records to.
type Learning interface {
	OutcomeReader
	// RecordCalibration records a change of the threshold in force.
	RecordCalibration(ctx context.Context, c Calibration) error
}

// Threshold is the engine's confidence threshold for instant answers;
// *knowledge.Engine implements it.
type Threshold interface {
	// SetSureConfidence sets the threshold in force while the engine
	// serves; 0 restores the shipped one.
	SetSureConfidence(c float64)
}

// InForce returns the calibration in force: the last one recorded for the
// current confidence model, or, when there is none, the shipped threshold
// (found false). A threshold learned for an older model no longer holds.
func InForce(ctx context.Context, r OutcomeReader, shipped float64) (c Calibration, found bool, err error) {
	c, err = r.LatestCalibration(ctx)
	switch {
	case knowledge.ErrorCode(err) == knowledge.ENOTFOUND:
	case err != nil:
		return c, false, fmt.Errorf("read the threshold in force: %w", err)
	case c.Model == knowledge.ConfidenceModel:
		return c, true, nil
	}
	return Calibration{Model: knowledge.ConfidenceModel, Threshold: shipped, Reason: CalibrationTooFew}, false, nil
}

// Calibrator keeps the threshold of instant answers where the workspace's
// outcomes say it should be (see Calibrate).
type Calibrator struct {
	store   Learning
	engine  Threshold
	shipped float64
	now     func() time.Time
	log     *slog.Logger
}

// NewCalibrator returns a calibrator of engine's threshold, shipped at
// shipped, from store's outcomes, on the clock now (time.Now when nil). It
// returns an error when store or engine is nil or shipped is not a
// confidence.
func NewCalibrator(store Learning, engine Threshold, shipped float64, now func() time.Time, log *slog.Logger) (*Calibrator, error) {
	switch {
	case store == nil || engine == nil:
		return nil, errors.New("calibrate: a store and an engine are required")
	case shipped <= 0 || shipped > 1:
		return nil, fmt.Errorf("calibrate: the shipped threshold %v is not a confidence", shipped)
	}
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Calibrator{store: store, engine: engine, shipped: shipped, now: now, log: log}, nil
}

// Task returns the calibrate task: at start, then daily.
func (c *Calibrator) Task() Task {
	return Task{Name: TaskCalibrate, Every: calibrateEvery, Run: c.Calibrate}
}

// Restore sets the engine's threshold to the one in force in the store,
// before the first question: a restart keeps what was learned.
func (c *Calibrator) Restore(ctx context.Context) (Calibration, error) {
	cal, found, err := InForce(ctx, c.store, c.shipped)
	if err != nil {
		return cal, err
	}
	if !found || cal.Threshold == c.shipped {
		c.engine.SetSureConfidence(0)
		return cal, nil
	}
	c.engine.SetSureConfidence(cal.Threshold)
	c.log.Info("instant answers: the threshold learned from this workspace is in force",
		"threshold", round(cal.Threshold), "shipped", c.shipped, "since", cal.At.UTC().Format(time.DateOnly), "outcomes", cal.Outcomes)
	return cal, nil
}

// Calibrate computes the threshold again from the outcomes of the last
// LearnWindow (see Lesson) once knowledge.MinOutcomes answers offered
// were judged by their askers: the lowest that keeps them right
// TargetPrecision of the time (knowledge.CalibrateThreshold), never below
// knowledge.MinSureConfidence. With fewer, the shipped threshold is in
// force. A change is recorded, set on the engine and logged with what it
// rests on; dry, it is only logged.
func (c *Calibrator) Calibrate(ctx context.Context, dryRun bool) error {
	now := c.now()
	records, err := c.store.Offers(ctx, now.Add(-LearnWindow))
	if err != nil {
		return fmt.Errorf("calibrate: %w", err)
	}
	latest, err := c.store.LatestCalibration(ctx)
	found := err == nil
	if err != nil && knowledge.ErrorCode(err) != knowledge.ENOTFOUND {
		return fmt.Errorf("calibrate: %w", err)
	}
	prev := latest
	if !found || latest.Model != knowledge.ConfidenceModel {
		prev = Calibration{Model: knowledge.ConfidenceModel, Threshold: c.shipped, Reason: CalibrationTooFew}
	}

	var lessons []knowledge.AnswerOutcome
	next := Calibration{At: now, Model: knowledge.ConfidenceModel}
	for _, r := range records {
		if l, ok := r.Lesson(); ok {
			lessons = append(lessons, l)
			if r.Offered {
				next.Judged++
			}
		}
	}
	next.Outcomes = len(lessons)
	switch t, ok := knowledge.CalibrateThreshold(lessons, TargetPrecision); {
	case next.Judged < knowledge.MinOutcomes:
		next.Threshold, next.Reason = c.shipped, CalibrationTooFew
	case ok:
		next.Threshold, next.Reason = max(t, knowledge.MinSureConfidence), CalibrationLearned
	default:
		next.Threshold, next.Reason = prev.Threshold, CalibrationUnreached
	}
	next.Right, next.Above = knowledge.Precision(lessons, next.Threshold)

	if found && latest.Model == next.Model && latest.Threshold == next.Threshold && latest.Reason == next.Reason {
		c.log.Debug("instant answers: the threshold holds", "threshold", round(next.Threshold), "reason", next.Reason,
			"outcomes", next.Outcomes, "judged", next.Judged)
		return nil
	}
	c.report(prev, next, found && latest.Model != next.Model, dryRun)
	if dryRun {
		return nil
	}
	if err := c.store.RecordCalibration(ctx, next); err != nil {
		return fmt.Errorf("calibrate: %w", err)
	}
	if next.Threshold == c.shipped {
		c.engine.SetSureConfidence(0)
	} else {
		c.engine.SetSureConfidence(next.Threshold)
	}
	return nil
}

// report logs a change of calibration from prev to next; modelChanged
// says the last one recorded was for another confidence model.
func (c *Calibrator) report(prev, next Calibration, modelChanged, dryRun bool) {
	log := c.log.With("dry_run", dryRun)
	if modelChanged {
		log.Info("instant answers: the confidence model changed; outcomes of offers it did not score no longer count", "model", next.Model)
	}
	precision := func(cal Calibration) any {
		if p, ok := cal.Precision(); ok {
			return round(p)
		}
		return "none judged"
	}
	switch next.Reason {
	case CalibrationLearned:
		log.Info("instant answers: threshold recalibrated from this workspace's outcomes",
			"from", round(prev.Threshold), "to", round(next.Threshold), "outcomes", next.Outcomes, "judged", next.Judged,
			"precision", precision(next), "target", TargetPrecision, "floor", round(knowledge.MinSureConfidence))
	case CalibrationTooFew:
		log.Info("instant answers: too few judged by their askers to recalibrate; the shipped threshold is in force",
			"from", round(prev.Threshold), "to", round(next.Threshold), "judged", next.Judged, "needed", knowledge.MinOutcomes,
			"window_days", int(LearnWindow/(24*time.Hour)))
	case CalibrationUnreached:
		log.Warn("instant answers: no threshold keeps them right often enough here; the threshold in force stays",
			"threshold", round(next.Threshold), "outcomes", next.Outcomes, "judged", next.Judged,
			"precision", precision(next), "target", TargetPrecision)
	}
}

// round keeps three decimals of a confidence for the log.
func round(x float64) float64 { return math.Round(x*1000) / 1000 }
