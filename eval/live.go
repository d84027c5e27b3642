package eval

import (
	"context"
	"fmt"
	"io"
	"slices"
	"text/tabwriter"
	"time"

	"github.com/nextdesk/nextdesk/knowledge"
	"github.com/nextdesk/nextdesk/knowledge/desk"
)

// LiveWindows are the spans, in days, `nextdesk eval live` measures:
// the last month, and the last quarter (the calibration's window).
var LiveWindows = []int{30, 90}

// LiveReport is how instant answers and routes did in a workspace, as its
// store recorded what people said and did.
type LiveReport struct {
	// At is when it was measured.
	At        time.Time     `json:"at"`
	Windows   []LiveWindow  `json:"windows"`
	Threshold LiveThreshold `json:"threshold"`
}

// LiveWindow is what happened in the last Days days (from Since).
type LiveWindow struct {
	Days    int            `json:"days"`
	Since   time.Time      `json:"since"`
	Instant InstantFigures `json:"instant"`
	Routes  RouteFigures   `json:"routes"`
}

// InstantFigures measure the answers handed back without asking anyone,
// from the offers made in a window.
type InstantFigures struct {
	// Offered counts the instant answers; Judged those whose asker said
	// "This solves it" (Solved) or "I still need help" (NeedHelp), and
	// Unjudged the others, neither right nor wrong.
	Offered  int `json:"offered"`
	Judged   int `json:"judged"`
	Solved   int `json:"solved"`
	NeedHelp int `json:"need_help"`
	Unjudged int `json:"unjudged"`
	// Precision is Solved / Judged; null when nothing was judged.
	Precision *float64 `json:"precision"`
	// Misses counts the questions an expert said were answered before
	// ("Already answered") when nothing was offered.
	Misses int `json:"misses"`
}

// RouteFigures measure the questions sent to experts, by when the first
// expert was asked.
type RouteFigures struct {
	// Routed counts the questions; each is answered by the first expert
	// asked (FirstExpert: in its thread, or by pointing to an earlier
	// answer), else by an expert asked later (LaterExpert), else by no
	// expert asked (NotAnswered).
	Routed      int `json:"routed"`
	FirstExpert int `json:"first_expert"`
	LaterExpert int `json:"later_expert"`
	NotAnswered int `json:"not_answered"`
	// Open counts the questions of NotAnswered still waiting for an
	// expert; AnsweredByOthers those someone not asked answered.
	Open             int `json:"open"`
	AnsweredByOthers int `json:"answered_by_others"`
	// The shares of Routed; null when nothing was routed.
	FirstExpertShare *float64 `json:"first_expert_share"`
	LaterExpertShare *float64 `json:"later_expert_share"`
	NotAnsweredShare *float64 `json:"not_answered_share"`
}

// LiveThreshold is the confidence threshold of instant answers in force,
// and what it rests on.
type LiveThreshold struct {
	// InForce is the threshold the bot and `nextdesk ask` use; Shipped is
	// nextdesk's own, Floor the lowest a workspace's outcomes may set,
	// Target the precision calibration keeps.
	InForce float64 `json:"in_force"`
	Shipped float64 `json:"shipped"`
	Floor   float64 `json:"floor"`
	Target  float64 `json:"target"`
	// Learned is true when InForce was learned from this workspace's
	// outcomes. Reason is the last calibration's (learned, too_few,
	// unreached), empty when none ran yet for the current confidence
	// Model; CalibratedAt is when it ran.
	Learned      bool       `json:"learned"`
	Reason       string     `json:"reason"`
	CalibratedAt *time.Time `json:"calibrated_at"`
	Model        int        `json:"model"`
	// Outcomes counts what the last calibration learned from, Judged the
	// instant answers their askers judged among them (it needs
	// MinOutcomes), and Precision is the share of those at or above
	// InForce that were right; null when none were.
	Outcomes    int      `json:"outcomes"`
	Judged      int      `json:"judged"`
	MinOutcomes int      `json:"min_outcomes"`
	Precision   *float64 `json:"precision"`
}

// Live measures, from what r recorded up to now, the instant answers and
// routes of each of LiveWindows, and the threshold in force (shipped
// until a calibration set another).
func Live(ctx context.Context, r desk.OutcomeReader, now time.Time, shipped float64) (LiveReport, error) {
	rep := LiveReport{At: now}
	longest := slices.Max(LiveWindows)
	from := now.AddDate(0, 0, -longest)
	offers, err := r.Offers(ctx, from)
	if err != nil {
		return rep, fmt.Errorf("live: %w", err)
	}
	routed, err := r.RoutedQuestions(ctx, from)
	if err != nil {
		return rep, fmt.Errorf("live: %w", err)
	}
	for _, days := range LiveWindows {
		since := now.AddDate(0, 0, -days)
		w := LiveWindow{Days: days, Since: since}
		for _, o := range offers {
			if !o.At.Before(since) {
				w.Instant.add(o)
			}
		}
		w.Instant.Precision = share(w.Instant.Solved, w.Instant.Judged)
		for _, q := range routed {
			if len(q.Routes) > 0 && !q.Routes[0].AskedAt.Before(since) {
				w.Routes.add(q)
			}
		}
		w.Routes.FirstExpertShare = share(w.Routes.FirstExpert, w.Routes.Routed)
		w.Routes.LaterExpertShare = share(w.Routes.LaterExpert, w.Routes.Routed)
		w.Routes.NotAnsweredShare = share(w.Routes.NotAnswered, w.Routes.Routed)
		rep.Windows = append(rep.Windows, w)
	}
	cal, found, err := desk.InForce(ctx, r, shipped)
	if err != nil {
		return rep, fmt.Errorf("live: %w", err)
	}
	rep.Threshold = LiveThreshold{
		InForce: cal.Threshold, Shipped: shipped, Floor: knowledge.MinSureConfidence, Target: desk.TargetPrecision,
		Learned: found && cal.Threshold != shipped, Model: knowledge.ConfidenceModel, MinOutcomes: knowledge.MinOutcomes,
	}
	if found {
		at := cal.At
		rep.Threshold.Reason, rep.Threshold.CalibratedAt = string(cal.Reason), &at
		rep.Threshold.Outcomes, rep.Threshold.Judged = cal.Outcomes, cal.Judged
		rep.Threshold.Precision = share(cal.Right, cal.Above)
	}
	return rep, nil
}

// add counts one offer.
func (f *InstantFigures) add(o desk.OfferRecord) {
	switch {
	case o.Offered:
		f.Offered++
		switch o.Outcome {
		case desk.OfferSolved:
			f.Solved++
		case desk.OfferNeedHelp:
			f.NeedHelp++
		default:
			f.Unjudged++
		}
		if o.Judged() {
			f.Judged++
		}
	case o.Missed():
		f.Misses++
	}
}

// add counts one routed question.
func (f *RouteFigures) add(q desk.RoutedQuestion) {
	f.Routed++
	answered := func(r knowledge.Route) bool {
		return r.Outcome == knowledge.RouteDup || slices.Contains(q.Answerers, r.Expert)
	}
	switch {
	case answered(q.Routes[0]):
		f.FirstExpert++
	case slices.ContainsFunc(q.Routes[1:], answered):
		f.LaterExpert++
	default:
		f.NotAnswered++
		if q.Status.Waiting() {
			f.Open++
		} else if len(q.Answerers) > 0 {
			f.AnsweredByOthers++
		}
	}
}

// share is n / of, or nil when of is 0.
func share(n, of int) *float64 {
	if of == 0 {
		return nil
	}
	s := float64(n) / float64(of)
	return &s
}

// WriteJSON writes r to w as one indented JSON object. It returns w's
// error.
func (r LiveReport) WriteJSON(w io.Writer) error { return writeJSON(w, r) }

// WriteTable writes r for a person: each window side by side, then the
// threshold in force. It returns w's error.
func (r LiveReport) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "Measured from the store at %s\n\n", r.At.UTC().Format("2006-01-02 15:04 MST"))
	row := func(label string, cell func(LiveWindow) string) {
		fmt.Fprint(tw, label)
		for _, win := range r.Windows {
			fmt.Fprint(tw, "\t"+cell(win))
		}
		fmt.Fprintln(tw)
	}
	count := func(f func(LiveWindow) int) func(LiveWindow) string {
		return func(win LiveWindow) string { return fmt.Sprint(f(win)) }
	}
	ratio := func(f func(LiveWindow) *float64) func(LiveWindow) string {
		return func(win LiveWindow) string {
			if p := f(win); p != nil {
				return fmt.Sprintf("%.2f", *p)
			}
			return "-"
		}
	}
	withShare := func(n func(LiveWindow) int, s func(LiveWindow) *float64) func(LiveWindow) string {
		return func(win LiveWindow) string {
			if p := s(win); p != nil {
				return fmt.Sprintf("%d (%.0f%%)", n(win), 100**p)
			}
			return fmt.Sprint(n(win))
		}
	}
	row("Instant answers", func(win LiveWindow) string { return fmt.Sprintf("last %d days", win.Days) })
	row("  offered", count(func(win LiveWindow) int { return win.Instant.Offered }))
	row("  judged by the asker", count(func(win LiveWindow) int { return win.Instant.Judged }))
	row("    this solves it", count(func(win LiveWindow) int { return win.Instant.Solved }))
	row("    I still need help", count(func(win LiveWindow) int { return win.Instant.NeedHelp }))
	row("  not judged", count(func(win LiveWindow) int { return win.Instant.Unjudged }))
	row("  precision", ratio(func(win LiveWindow) *float64 { return win.Instant.Precision }))
	row("  missed (already answered, nothing offered)", count(func(win LiveWindow) int { return win.Instant.Misses }))
	fmt.Fprintln(tw)
	row("Routes", func(win LiveWindow) string { return fmt.Sprintf("last %d days", win.Days) })
	row("  questions routed", count(func(win LiveWindow) int { return win.Routes.Routed }))
	row("  answered by the first expert asked", withShare(
		func(win LiveWindow) int { return win.Routes.FirstExpert }, func(win LiveWindow) *float64 { return win.Routes.FirstExpertShare }))
	row("  answered by an expert asked later", withShare(
		func(win LiveWindow) int { return win.Routes.LaterExpert }, func(win LiveWindow) *float64 { return win.Routes.LaterExpertShare }))
	row("  not answered by an expert asked", withShare(
		func(win LiveWindow) int { return win.Routes.NotAnswered }, func(win LiveWindow) *float64 { return win.Routes.NotAnsweredShare }))
	row("    still open", count(func(win LiveWindow) int { return win.Routes.Open }))
	row("    answered by someone not asked", count(func(win LiveWindow) int { return win.Routes.AnsweredByOthers }))
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	t := r.Threshold
	var err error
	switch {
	case t.Reason == string(desk.CalibrationUnreached):
		source := "shipped"
		if t.Learned {
			source = "learned before"
		}
		_, err = fmt.Fprintf(w, "\nThreshold in force: %.2f, %s: on %s no threshold kept the %d outcomes right %.0f%% of the time (precision %s at it)\n",
			t.InForce, source, t.CalibratedAt.UTC().Format(time.DateOnly), t.Outcomes, 100*t.Target, ratioText(t.Precision))
	case t.Learned:
		_, err = fmt.Fprintf(w, "\nThreshold in force: %.2f, learned on %s from %d outcomes (%d judged by their askers), precision %s (target %.2f); shipped %.2f, floor %.2f\n",
			t.InForce, t.CalibratedAt.UTC().Format(time.DateOnly), t.Outcomes, t.Judged, ratioText(t.Precision), t.Target, t.Shipped, t.Floor)
	default:
		_, err = fmt.Fprintf(w, "\nThreshold in force: %.2f, shipped: it is learned from this workspace once %d instant answers of the last %d days are judged by their askers (%d at the last calibration)\n",
			t.InForce, t.MinOutcomes, int(desk.LearnWindow/(24*time.Hour)), t.Judged)
	}
	if err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return nil
}

// ratioText is a share with two decimals, or "none".
func ratioText(p *float64) string {
	if p == nil {
		return "none"
	}
	return fmt.Sprintf("%.2f", *p)
}
