package main

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestLogFormats: NEXTDESK_LOG_FORMAT=json writes one object a line, with
// durations as people read them (as the text format does), not in
// nanoseconds; NEXTDESK_LOG_LEVEL drops what is below it.
func TestLogFormats(t *testing.T) {
	logLine := func(format string) string {
		var out bytes.Buffer
		m := &Main{Stderr: &out}
		log := m.logger(Config{LogFormat: format, LogLevel: slog.LevelWarn})
		log.Info("below the level")
		log.Warn("Slack cannot be reached", "in", 1500*time.Millisecond, slog.Group("report", "took", 2*time.Minute), "questions", 3)
		return out.String()
	}

	jsonOut := logLine("json")
	if n := strings.Count(jsonOut, "\n"); n != 1 {
		t.Fatalf("json: %d lines, want the warning alone:\n%s", n, jsonOut)
	}
	var line map[string]any
	if err := json.Unmarshal([]byte(jsonOut), &line); err != nil {
		t.Fatalf("json: %v in %q", err, jsonOut)
	}
	delete(line, "time")
	want := map[string]any{"level": "WARN", "msg": "Slack cannot be reached", "in": "1.5s", "report": map[string]any{"took": "2m0s"}, "questions": float64(3)}
	if diff := cmp.Diff(line, want); diff != "" {
		t.Errorf("json line (-got +want):\n%s", diff)
	}

	textOut := logLine("text")
	if !strings.Contains(textOut, "in=1.5s report.took=2m0s questions=3") || strings.Contains(textOut, "below the level") {
		t.Errorf("text line = %q", textOut)
	}
}
