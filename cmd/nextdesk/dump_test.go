package main

import (
	"context"
	"encoding/json"
	"os"
	"testing"
	"log/slog"

	"github.com/nextdesk/nextdesk/eval"
	"github.com/nextdesk/nextdesk/knowledge"
)

func TestDumpDup(t *testing.T) {
	dir := os.Getenv("DUMP_DUP")
	if dir == "" {
		t.Skip()
	}
	set, err := eval.ReadDuplicateSet(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	cfg := Config{DataDir: t.TempDir()}
	kb, err := openKnowledge(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer kb.Close()
	kb.Import(ctx, set.Batch())
	kb.Sync(ctx)
	out, _ := os.Create(os.Getenv("DUMP_OUT"))
	defer out.Close()
	enc := json.NewEncoder(out)
	for _, q := range set.Queries {
		ms, err := kb.Engine.Similar(ctx, q.Question(), knowledge.Viewer{})
		if err != nil {
			t.Fatal(err)
		}
		type row struct {
			Q, Title, Body string
			Dup, Rel, Irr []string
			M []map[string]any
		}
		r := row{Q: q.ID, Title: q.Title, Body: q.Body, Dup: q.Duplicates, Rel: q.Relevant, Irr: q.Irrelevant}
		for _, m := range ms[:min(8, len(ms))] {
			r.M = append(r.M, map[string]any{"id": m.Question.ID, "title": m.Question.Title, "body": m.Question.Text, "same": m.Sameness, "conf": m.Confidence})
		}
		enc.Encode(r)
	}
}
