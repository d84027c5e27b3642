package knowledge_test

import (
	"math"
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

func TestReconstructedAnswersAreTrustedLess(t *testing.T) {
	// The same question, answered the same way, once in a real thread and
	// once reconstructed from a channel without threads (written a little
	// differently: word for word, they would be one match).
	threaded := answered("q-thread", "C1", "ann", "bob", "How do I rotate the staging database password?", day0)
	flat := answered("q-flat", "C2", "ann", "cyd", "how do I rotate the staging database password", day0)
	flat.Reconstructed = true
	e, _ := mustEngine(t, knowledge.Batch{Questions: []knowledge.Question{threaded, flat}})
	e.SetSureConfidence(knowledge.MinSureConfidence) // the lowest a workspace may teach
	ms, err := e.Similar(t.Context(), knowledge.Question{Asker: "dan", Text: "rotate the staging database password"}, knowledge.Viewer{PersonID: "dan"})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]knowledge.Match{}
	for _, m := range ms {
		got[m.Question.ID] = m
	}
	th, fl := got["q-thread"], got["q-flat"]
	if th.Sameness == 0 || th.Sameness != fl.Sameness {
		t.Fatalf("sameness %v and %v: want the twins equally close", th.Sameness, fl.Sameness)
	}
	if want := th.Confidence / 3; math.Abs(fl.Confidence-want) > 1e-9 {
		t.Errorf("reconstructed confidence = %.4f, want a third of the thread's %.4f", fl.Confidence, th.Confidence)
	}
	if !th.Sure || fl.Sure {
		t.Errorf("sure: thread %v, reconstructed %v; want only the thread handed back", th.Sure, fl.Sure)
	}
	if ms[0].Question.ID != "q-thread" {
		t.Errorf("first match = %s, want the real thread", ms[0].Question.ID)
	}
}

func TestLearnedThreshold(t *testing.T) {
	e := mustWorkplace(t)
	best := func(text string) knowledge.Match {
		t.Helper()
		ms, err := e.Similar(t.Context(), knowledge.Question{Asker: "someone", Text: text}, knowledge.Viewer{PersonID: "someone"})
		if err != nil || len(ms) == 0 {
			t.Fatalf("%q: %v, %d matches", text, err, len(ms))
		}
		return ms[0]
	}
	rewording, nearMiss := "Reset Okta password", "How do I book a meeting room in the Lyon office?"
	if m := best(rewording); !m.Sure || e.SureConfidence() != e.Policy.SureConfidence {
		t.Fatalf("shipped: %q sure %v at %.3f", rewording, m.Sure, m.Confidence)
	}
	c := best(rewording).Confidence
	e.SetSureConfidence(math.Nextafter(c, 1))
	if m := best(rewording); m.Sure {
		t.Errorf("threshold just above %.3f: %q still sure", c, rewording)
	}
	// However low the outcomes say, the floor holds the near-misses back.
	e.SetSureConfidence(0.05)
	if got := e.SureConfidence(); got != knowledge.MinSureConfidence {
		t.Errorf("threshold set to 0.05 = %v, want the floor %v", got, knowledge.MinSureConfidence)
	}
	if m := best(nearMiss); m.Sure {
		t.Errorf("at the floor, the near-miss %q is handed back (%.3f)", nearMiss, m.Confidence)
	}
	e.SetSureConfidence(0)
	if got := e.SureConfidence(); got != e.Policy.SureConfidence {
		t.Errorf("after reset: %v, want the policy's %v", got, e.Policy.SureConfidence)
	}
}

func TestPrecision(t *testing.T) {
	outcomes := []knowledge.AnswerOutcome{{0.9, true}, {0.7, false}, {0.7, true}, {0.5, true}, {0.3, false}}
	for _, tc := range []struct {
		threshold    float64
		right, above int
	}{{0.95, 0, 0}, {0.7, 2, 3}, {0.5, 3, 4}, {0, 3, 5}} {
		if r, a := knowledge.Precision(outcomes, tc.threshold); r != tc.right || a != tc.above {
			t.Errorf("Precision at %v = %d of %d, want %d of %d", tc.threshold, r, a, tc.right, tc.above)
		}
	}
}
