package bot

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nextdesk/nextdesk/knowledge"
)

func TestNewChecksItsConfig(t *testing.T) {
	h := newHarness(t, nil)
	reindex := func(context.Context) error { return nil }
	for name, c := range map[string]struct {
		cfg   Config
		store Store
	}{
		"no bot user":      {Config{}, h.db},
		"unknown language": {Config{BotUserID: "U1", Lang: "de"}, h.db},
		"negative timeout": {Config{BotUserID: "U1", AnswerTimeout: -time.Hour}, h.db},
		"no store":         {Config{BotUserID: "U1"}, nil},
	} {
		if _, err := New(c.cfg, c.store, h.engine, reindex, h.api, nil, nil); err == nil {
			t.Errorf("%s: New succeeded, want an error", name)
		}
	}
	b, err := New(Config{BotUserID: "U1", Lang: " FR "}, h.db, h.engine, reindex, h.api, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := Config{BotUserID: "U1", Lang: "fr", AnswerTimeout: 4 * time.Hour, MaxOpen: 3, Workers: 4}
	if diff := cmp.Diff(b.cfg, want); diff != "" {
		t.Errorf("defaults (-got +want):\n%s", diff)
	}
}

func TestTasksRunAloneAndDry(t *testing.T) {
	h := newHarness(t, nil)
	in, _ := h.ask(asker, general, "How can I roll back a kubernetes deployment?")
	h.handle(in)
	tasks := map[string]Task{}
	var names []string
	for _, task := range h.bot.Tasks() {
		tasks[task.Name] = task
		names = append(names, task.Name)
		if task.Every <= 0 {
			t.Errorf("task %s runs every %v", task.Name, task.Every)
		}
	}
	if diff := cmp.Diff(names, []string{"deliver", "escalate", "prune"}); diff != "" {
		t.Errorf("tasks (-got +want):\n%s", diff)
	}
	ctx := context.Background()
	for _, name := range names {
		if err := tasks[name].Run(ctx, true); err != nil {
			t.Errorf("%s dry: %v", name, err)
		}
	}
	if n := len(h.srv.CallsTo("chat.postMessage")); n != 0 || h.pending() != 3 {
		t.Errorf("after dry runs: %d posts and %d pending, want nothing sent", n, h.pending())
	}
	if err := tasks["deliver"].Run(ctx, false); err != nil {
		t.Fatal(err)
	}
	if h.pending() != 0 {
		t.Errorf("deliver left %d pending", h.pending())
	}
	h.clock.Advance(8 * 24 * time.Hour)
	if err := tasks["prune"].Run(ctx, false); err != nil {
		t.Fatal(err)
	}
	if seen, _ := h.db.Handled(ctx, in.Key); seen {
		t.Error("prune kept a week-old key")
	}
	if a := h.askOf("ask:" + in.Key); a.Status != knowledge.StatusOpen {
		t.Errorf("prune touched the question: %+v", a)
	}
}
