package knowledge_test

import (
	"testing"

	"github.com/nextdesk/nextdesk/knowledge"
)

func TestCalibrateThreshold(t *testing.T) {
	// outcomes returns n outcomes at each confidence, right k times.
	outcomes := func(spec ...[3]float64) []knowledge.AnswerOutcome {
		var out []knowledge.AnswerOutcome
		for _, s := range spec {
			for i := range int(s[1]) {
				out = append(out, knowledge.AnswerOutcome{Confidence: s[0], Right: i < int(s[2])})
			}
		}
		return out
	}
	for _, tc := range []struct {
		name     string
		outcomes []knowledge.AnswerOutcome
		want     float64
		ok       bool
	}{
		{"too few", outcomes([3]float64{0.9, 49, 49}), 0, false},
		{"all right", outcomes([3]float64{0.9, 30, 30}, [3]float64{0.6, 30, 30}), 0.6, true},
		// From 0.7 up: 40 of 40 right; at 0.5, 40+10 of 60: 0.83; at
		// 0.3, 50 of 80: 0.625, below the target.
		{"lowest that holds", outcomes([3]float64{0.7, 40, 40}, [3]float64{0.5, 20, 10}, [3]float64{0.3, 20, 0}), 0.5, true},
		{"never holds", outcomes([3]float64{0.9, 60, 30}), 0, false},
	} {
		got, ok := knowledge.CalibrateThreshold(tc.outcomes, 0.8)
		if got != tc.want || ok != tc.ok {
			t.Errorf("%s: CalibrateThreshold = %v, %v; want %v, %v", tc.name, got, ok, tc.want, tc.ok)
		}
	}
}

func TestConfidenceIsMonotoneInSameness(t *testing.T) {
	// Matches of the same past question whose sameness grows get a
	// confidence that grows, so one threshold applies to all.
	e := mustWorkplace(t)
	var last float64
	for _, text := range []string{
		"VPN",
		"reconnect the VPN",
		"reconnect the VPN after the certificate expired",
	} {
		ms, err := e.Similar(t.Context(), knowledge.Question{Asker: "someone", Text: text}, knowledge.Anonymous)
		if err != nil {
			t.Fatal(err)
		}
		var c float64
		for _, m := range ms {
			if m.Question.Text == workplace[0] {
				c = m.Confidence
			}
		}
		if c <= last {
			t.Errorf("%q: confidence %.3f in %q, not above %.3f for fewer shared words", text, c, workplace[0], last)
		}
		last = c
	}
}
