package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nextdesk/nextdesk/internal/fakeslack"
)

// e2eEvalLiveBesideServe: while serve runs (and holds the index), `nextdesk
// eval live` reads what people did from the store: an instant answer that
// solved it, a question the first expert asked answered. The calibrate
// task ran at start and said once that the shipped threshold stays.
func e2eEvalLiveBesideServe(t *testing.T, e *e2e) {
	e.ask(alice, general, "How do I reset my VPN password?")
	answer := e.waitPosts(general, 2)[1]
	e.slack.WaitResponses(t, e.click(alice, answer, actionSolved), 1, e2eWait)

	e.ask(alice, general, rollback)
	e.waitPosts(carol, 1)
	var root botMessage
	e.eventually("the rollback question posted", func() bool {
		for _, p := range e.botPosts(general) {
			if p.Thread == "" && strings.Contains(p.Blocks, "roll back a kubernetes deployment") {
				root = p
				return true
			}
		}
		return false
	})
	e.posts(general, fakeslack.Message{User: carol, Text: "kubectl rollout undo deployment/web", ThreadTS: root.TS})
	e.waitIdle()
	e.eventually("the calibrate task's first round", func() bool { return strings.Contains(e.run.log.String(), "too few judged") })

	run := func(args ...string) string {
		t.Helper()
		var out bytes.Buffer
		m := &Main{Stdin: strings.NewReader(""), Stdout: &out, Stderr: io.Discard, Env: e.env}
		if err := m.Run(context.Background(), args); err != nil {
			t.Fatalf("nextdesk %s beside serve: %v", strings.Join(args, " "), err)
		}
		return out.String()
	}
	var rep struct {
		Windows []struct {
			Days    int            `json:"days"`
			Instant map[string]any `json:"instant"`
			Routes  map[string]any `json:"routes"`
		} `json:"windows"`
		Threshold map[string]any `json:"threshold"`
	}
	if err := json.Unmarshal([]byte(run("eval", "live", "--json")), &rep); err != nil {
		t.Fatal(err)
	}
	instant := map[string]any{"offered": 1.0, "judged": 1.0, "solved": 1.0, "need_help": 0.0, "unjudged": 0.0, "precision": 1.0, "misses": 0.0}
	routes := map[string]any{
		"routed": 1.0, "first_expert": 1.0, "later_expert": 0.0, "not_answered": 0.0, "open": 0.0, "answered_by_others": 0.0,
		"first_expert_share": 1.0, "later_expert_share": 0.0, "not_answered_share": 0.0,
	}
	if len(rep.Windows) != 2 || rep.Windows[0].Days != 30 || rep.Windows[1].Days != 90 {
		t.Fatalf("windows = %+v, want the last 30 and 90 days", rep.Windows)
	}
	for _, w := range rep.Windows {
		if diff := cmp.Diff(w.Instant, instant); diff != "" {
			t.Errorf("last %d days, instant (-got +want):\n%s", w.Days, diff)
		}
		if diff := cmp.Diff(w.Routes, routes); diff != "" {
			t.Errorf("last %d days, routes (-got +want):\n%s", w.Days, diff)
		}
	}
	for key, want := range map[string]any{"in_force": 0.5, "shipped": 0.5, "learned": false, "reason": "too_few", "judged": 0.0, "min_outcomes": 50.0, "target": 0.8} {
		if got := rep.Threshold[key]; got != want {
			t.Errorf("threshold.%s = %v, want %v", key, got, want)
		}
	}
	text := run("eval", "live")
	for _, want := range []string{"this solves it", "answered by the first expert asked  1 (100%)", "Threshold in force: 0.50, shipped"} {
		if !strings.Contains(text, want) {
			t.Errorf("eval live's text lacks %q:\n%s", want, text)
		}
	}
	e.finish()
	if n := strings.Count(e.run.log.String(), "too few judged"); n != 1 {
		t.Errorf("the log says %d times that there are too few outcomes, want once", n)
	}
}
