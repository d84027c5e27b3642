package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/nextdesk/nextdesk/knowledge"
	"github.com/nextdesk/nextdesk/knowledge/desk"
	"github.com/nextdesk/nextdesk/knowledge/sqlite"
)

// TestAskUsesTheLearnedThreshold: what the calibration kept in the store
// decides what `nextdesk ask` calls sure, as it does for the bot; a
// threshold learned for another confidence model does not.
func TestAskUsesTheLearnedThreshold(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	at := time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)
	db, err := sqlite.Open(storePath(dir))
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.Import(ctx, knowledge.Batch{
		People:        []knowledge.Person{{ID: "UA", Name: "Alice"}, {ID: "UB", Name: "Bob"}},
		Conversations: []knowledge.Conversation{{ID: "C1", Name: "general", Kind: knowledge.KindPublic}},
		Questions: []knowledge.Question{{
			ID: "slack:C1:1", Asker: "UA", Conversation: "C1", Text: "How do I reset my VPN password?", Time: at,
			Answers: []knowledge.Answer{{ID: "slack:C1:2", Answerer: "UB", Text: "vpn.example.com/reset", Time: at.Add(time.Hour), Accepted: true}},
		}},
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"NEXTDESK_DATA_DIR": dir}
	ask := func() similarView {
		t.Helper()
		var a answerView
		if err := json.Unmarshal([]byte(mustRun(t, env, "ask", "--json", "How do I reset my VPN password?")), &a); err != nil {
			t.Fatal(err)
		}
		if len(a.Similar) == 0 {
			t.Fatal("nothing similar")
		}
		return a.Similar[0]
	}
	first := ask()
	if !first.Sure {
		t.Fatalf("with the shipped threshold: %+v, want sure", first)
	}
	learn := func(model int, threshold float64) {
		t.Helper()
		db, err := sqlite.Open(storePath(dir))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if err := db.RecordCalibration(ctx, desk.Calibration{At: at, Model: model, Threshold: threshold, Reason: desk.CalibrationLearned}); err != nil {
			t.Fatal(err)
		}
	}
	above := (first.Confidence + 1) / 2
	learn(knowledge.ConfidenceModel, above)
	if got := ask(); got.Sure {
		t.Errorf("with a learned threshold of %.4f: %+v, want not sure", above, got)
	}
	learn(knowledge.ConfidenceModel-1, above)
	if got := ask(); !got.Sure {
		t.Errorf("with a threshold learned for an older model: %+v, want the shipped threshold", got)
	}
}

func TestEvalLiveBadInput(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"NEXTDESK_DATA_DIR": dir}
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"eval", "live"}, 2, "no store at"},
		{[]string{"eval", "live", "extra"}, 2, "usage: nextdesk eval live [--json]"},
		{[]string{"eval", "live", "--days", "7"}, 2, "days"},
	} {
		_, err := run(t, env, tc.args...)
		if code := exitCode(err); code != tc.code || err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("nextdesk %s: exit %d, %v; want %d and %q", strings.Join(tc.args, " "), code, err, tc.code, tc.msg)
		}
	}
}
