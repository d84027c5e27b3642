package logctx_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nextdesk/nextdesk/internal/logctx"
)

func TestLinesCarryTheirContext(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(logctx.NewHandler(slog.NewJSONHandler(&buf, nil))).With("component", "test")
	ctx := logctx.Event(context.Background(), "Ev1")
	ctx = logctx.Question(ctx, "slack:C1:1.000100")
	ctx = logctx.Route(ctx, 42)
	ctx = logctx.Question(ctx, "slack:C1:2.000200") // a later id replaces the earlier one
	log.InfoContext(ctx, "routed", "expert", "U3")
	log.Info("no context")

	dec := json.NewDecoder(&buf)
	var lines []map[string]any
	for dec.More() {
		var m map[string]any
		if err := dec.Decode(&m); err != nil {
			t.Fatal(err)
		}
		delete(m, "time")
		lines = append(lines, m)
	}
	want := []map[string]any{
		{"level": "INFO", "msg": "routed", "component": "test", "expert": "U3", "event_id": "Ev1", "route_id": "42", "question_id": "slack:C1:2.000200"},
		{"level": "INFO", "msg": "no context", "component": "test"},
	}
	if diff := cmp.Diff(lines, want); diff != "" {
		t.Errorf("log lines (-got +want):\n%s", diff)
	}
}
