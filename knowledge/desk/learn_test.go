package desk_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nextdesk/nextdesk/knowledge"
	"github.com/nextdesk/nextdesk/knowledge/desk"
)

// learning is the store's side of calibration, in memory.
type learning struct {
	offers []desk.OfferRecord
	cals   []desk.Calibration
}

func (l *learning) Offers(_ context.Context, since time.Time) ([]desk.OfferRecord, error) {
	var out []desk.OfferRecord
	for _, o := range l.offers {
		if !o.At.Before(since) {
			out = append(out, o)
		}
	}
	return out, nil
}

func (l *learning) RoutedQuestions(context.Context, time.Time) ([]desk.RoutedQuestion, error) {
	return nil, nil
}

func (l *learning) LatestCalibration(context.Context) (desk.Calibration, error) {
	if len(l.cals) == 0 {
		return desk.Calibration{}, knowledge.Errorf(knowledge.ENOTFOUND, "none")
	}
	return l.cals[len(l.cals)-1], nil
}

func (l *learning) RecordCalibration(_ context.Context, c desk.Calibration) error {
	l.cals = append(l.cals, c)
	return nil
}

// threshold is the engine's threshold: 0 for the shipped one.
type threshold struct{ set float64 }

func (t *threshold) SetSureConfidence(c float64) { t.set = c }

var learnNow = time.Date(2026, 6, 30, 9, 0, 0, 0, time.UTC)

// offers returns n records at confidence c, made a day ago by the current
// model, as made by each: "solved" and "need_help" offered and judged,
// "offered" offered and never judged, "picked" and "passed over" not
// offered and picked or not by an expert, "answered" not offered and
// answered by a person.
func offers(n int, c float64, as string) []desk.OfferRecord {
	var out []desk.OfferRecord
	for i := range n {
		o := desk.OfferRecord{Offer: desk.Offer{
			QuestionID: fmt.Sprintf("q-%s-%.2f-%d", as, c, i), Match: "m", Answer: "a",
			Confidence: c, At: learnNow.Add(-24 * time.Hour), Model: knowledge.ConfidenceModel,
		}}
		switch as {
		case "solved", "need_help":
			o.Offered, o.Outcome = true, desk.OfferOutcome(as)
		case "offered":
			o.Offered = true
		case "picked":
			o.Outcome, o.PickedMatch = desk.OfferAlreadyAnswered, "m"
		case "passed over":
			o.Outcome, o.PickedMatch = desk.OfferAlreadyAnswered, "other"
		case "answered":
			o.Answered = true
		}
		out = append(out, o)
	}
	return out
}

func TestOfferLessons(t *testing.T) {
	one := func(as string) desk.OfferRecord { return offers(1, 0.6, as)[0] }
	type lesson struct {
		Right, OK bool
	}
	for _, tc := range []struct {
		name string
		rec  desk.OfferRecord
		want lesson
	}{
		{"solved", one("solved"), lesson{true, true}},
		{"still need help", one("need_help"), lesson{false, true}},
		{"offered, nobody said", one("offered"), lesson{false, false}},
		{"picked by an expert", one("picked"), lesson{true, true}},
		{"another thread picked", one("passed over"), lesson{false, true}},
		{"answered afresh", one("answered"), lesson{false, true}},
		{"not offered, not answered", one(""), lesson{false, false}},
		{"a miss with nothing to pick", func() desk.OfferRecord { o := one("picked"); o.PickedMatch = ""; return o }(), lesson{false, false}},
		{"nothing matched", func() desk.OfferRecord { o := one("picked"); o.Match = ""; return o }(), lesson{false, false}},
		{"another model", func() desk.OfferRecord { o := one("solved"); o.Model = 0; return o }(), lesson{false, false}},
		{"offered, then an expert's pick after need help", func() desk.OfferRecord { o := one("need_help"); o.PickedMatch = "m"; return o }(), lesson{false, true}},
	} {
		l, ok := tc.rec.Lesson()
		if got := (lesson{l.Right, ok}); got != tc.want {
			t.Errorf("%s: lesson %+v, want %+v", tc.name, got, tc.want)
		}
		if ok && l.Confidence != tc.rec.Confidence {
			t.Errorf("%s: lesson at %v, want the offer's confidence", tc.name, l.Confidence)
		}
	}
}

// calibrator returns a calibrator on store, shipped at 0.5, logging to
// the buffer returned.
func calibrator(t *testing.T, store *learning, th *threshold) (*desk.Calibrator, *bytes.Buffer) {
	t.Helper()
	var buf bytes.Buffer
	c, err := desk.NewCalibrator(store, th, 0.5, func() time.Time { return learnNow }, slog.New(slog.NewTextHandler(&buf, nil)))
	if err != nil {
		t.Fatal(err)
	}
	return c, &buf
}

func TestCalibrate(t *testing.T) {
	ctx := context.Background()
	concat := func(parts ...[]desk.OfferRecord) []desk.OfferRecord {
		var out []desk.OfferRecord
		for _, p := range parts {
			out = append(out, p...)
		}
		return out
	}
	for _, tc := range []struct {
		name   string
		offers []desk.OfferRecord
		want   desk.Calibration
		log    string
	}{
		{
			name:   "too few",
			offers: concat(offers(49, 0.9, "solved"), offers(40, 0.9, "offered"), offers(30, 0.4, "answered")),
			want:   desk.Calibration{Threshold: 0.5, Reason: desk.CalibrationTooFew, Outcomes: 79, Judged: 49, Above: 49, Right: 49},
			log:    "too few judged",
		},
		{
			name:   "old outcomes and another model's teach nothing",
			offers: concat(offers(30, 0.9, "solved"), stale(offers(30, 0.9, "solved")), otherModel(offers(30, 0.9, "solved"))),
			want:   desk.Calibration{Threshold: 0.5, Reason: desk.CalibrationTooFew, Outcomes: 30, Judged: 30, Above: 30, Right: 30},
			log:    "too few judged",
		},
		{
			// From 0.7 up: 45 of 50 right; at 0.6, 50 of 70: 0.71.
			name:   "raised",
			offers: concat(offers(45, 0.8, "solved"), offers(5, 0.7, "need_help"), offers(5, 0.6, "solved"), offers(15, 0.6, "need_help")),
			want:   desk.Calibration{Threshold: 0.7, Reason: desk.CalibrationLearned, Outcomes: 70, Judged: 70, Above: 50, Right: 45},
			log:    "threshold recalibrated",
		},
		{
			// Experts picked what the engine found below the threshold,
			// and nobody had to answer such questions afresh.
			name:   "lowered, down to the floor",
			offers: concat(offers(50, 0.6, "solved"), offers(20, 0.46, "picked"), offers(10, 0.2, "picked")),
			want:   desk.Calibration{Threshold: knowledge.MinSureConfidence, Reason: desk.CalibrationLearned, Outcomes: 80, Judged: 50, Above: 70, Right: 70},
			log:    "threshold recalibrated",
		},
		{
			// The same picks, but as many questions matched as closely
			// were answered afresh: the picks alone flattered the matches
			// not offered.
			name:   "selection bias",
			offers: concat(offers(50, 0.6, "solved"), offers(20, 0.46, "picked"), offers(20, 0.46, "answered")),
			want:   desk.Calibration{Threshold: 0.6, Reason: desk.CalibrationLearned, Outcomes: 90, Judged: 50, Above: 50, Right: 50},
			log:    "threshold recalibrated",
		},
		{
			name:   "unreached",
			offers: concat(offers(30, 0.9, "solved"), offers(30, 0.9, "need_help")),
			want:   desk.Calibration{Threshold: 0.5, Reason: desk.CalibrationUnreached, Outcomes: 60, Judged: 60, Above: 60, Right: 30},
			log:    "no threshold keeps them right",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			store, th := &learning{offers: tc.offers}, &threshold{set: -1}
			c, log := calibrator(t, store, th)
			if err := c.Calibrate(ctx, true); err != nil {
				t.Fatal(err)
			}
			if len(store.cals) != 0 || th.set != -1 || !strings.Contains(log.String(), "dry_run=true") {
				t.Fatalf("a dry run recorded %v, set %v, logged %q", store.cals, th.set, log)
			}
			log.Reset()
			if err := c.Calibrate(ctx, false); err != nil {
				t.Fatal(err)
			}
			want := tc.want
			want.At, want.Model = learnNow, knowledge.ConfidenceModel
			if len(store.cals) != 1 {
				t.Fatalf("calibrations recorded: %+v, want one", store.cals)
			}
			if diff := cmp.Diff(store.cals[0], want); diff != "" {
				t.Errorf("calibration (-got +want):\n%s", diff)
			}
			wantSet := want.Threshold
			if wantSet == 0.5 {
				wantSet = 0 // the shipped one
			}
			if th.set != wantSet {
				t.Errorf("engine threshold set to %v, want %v", th.set, wantSet)
			}
			if !strings.Contains(log.String(), tc.log) {
				t.Errorf("log %q does not say %q", log, tc.log)
			}
			// Said once: the next day, nothing changed, nothing is said.
			log.Reset()
			if err := c.Calibrate(ctx, false); err != nil {
				t.Fatal(err)
			}
			if len(store.cals) != 1 || strings.Contains(log.String(), "level=INFO") || strings.Contains(log.String(), "level=WARN") {
				t.Errorf("a second round recorded %d calibrations and logged %q", len(store.cals), log)
			}
		})
	}
}

// stale moves records out of the learning window.
func stale(rs []desk.OfferRecord) []desk.OfferRecord {
	for i := range rs {
		rs[i].At = learnNow.Add(-desk.LearnWindow - time.Hour)
	}
	return rs
}

// otherModel marks records as scored by another confidence model.
func otherModel(rs []desk.OfferRecord) []desk.OfferRecord {
	for i := range rs {
		rs[i].Model = knowledge.ConfidenceModel + 1
	}
	return rs
}

func TestCalibrationLogsTheChange(t *testing.T) {
	ctx := context.Background()
	store, th := &learning{offers: offers(60, 0.8, "solved")}, &threshold{}
	store.cals = []desk.Calibration{{At: learnNow.Add(-48 * time.Hour), Model: knowledge.ConfidenceModel, Threshold: 0.5, Reason: desk.CalibrationTooFew}}
	c, log := calibrator(t, store, th)
	if err := c.Calibrate(ctx, false); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"from=0.5", "to=0.8", "outcomes=60", "judged=60", "precision=1", "target=0.8"} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("log %q does not say %s", log, want)
		}
	}
	// Three months on, those outcomes are too old: the shipped threshold
	// is back, and the log says so.
	log.Reset()
	c2, log2 := calibrator(t, store, th)
	store.offers = stale(store.offers)
	if err := c2.Calibrate(ctx, false); err != nil {
		t.Fatal(err)
	}
	if last := store.cals[len(store.cals)-1]; last.Reason != desk.CalibrationTooFew || last.Threshold != 0.5 || th.set != 0 {
		t.Errorf("after the outcomes aged: %+v, engine at %v; want the shipped threshold", last, th.set)
	}
	if !strings.Contains(log2.String(), "from=0.8 to=0.5") {
		t.Errorf("log %q does not say the threshold went back", log2)
	}
}

func TestRestoreCalibration(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		cals []desk.Calibration
		want float64
	}{
		{"none", nil, 0},
		{"learned", []desk.Calibration{{Model: knowledge.ConfidenceModel, Threshold: 0.62, Reason: desk.CalibrationLearned}}, 0.62},
		{"learned for another model", []desk.Calibration{{Model: knowledge.ConfidenceModel - 1, Threshold: 0.62, Reason: desk.CalibrationLearned}}, 0},
		{"back to shipped", []desk.Calibration{
			{Model: knowledge.ConfidenceModel, Threshold: 0.62, Reason: desk.CalibrationLearned},
			{Model: knowledge.ConfidenceModel, Threshold: 0.5, Reason: desk.CalibrationTooFew},
		}, 0},
	} {
		th := &threshold{set: -1}
		c, _ := calibrator(t, &learning{cals: tc.cals}, th)
		if _, err := c.Restore(ctx); err != nil {
			t.Fatal(err)
		}
		if th.set != tc.want {
			t.Errorf("%s: engine threshold %v, want %v", tc.name, th.set, tc.want)
		}
	}
}
