package integration_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nextdesk/nextdesk/knowledge"
)

func TestTasksRunAloneAndDry(t *testing.T) {
	h := newHarness(t, nil)
	in, _ := h.ask(asker, general, "How can I roll back a kubernetes deployment without downtime?")
	h.handle(in)
	tasks := h.tasks()
	var names []string
	for name, task := range tasks {
		names = append(names, name)
		if task.Every <= 0 {
			t.Errorf("task %s runs every %v", task.Name, task.Every)
		}
	}
	slices.Sort(names)
	if diff := cmp.Diff(names, []string{"deliver", "escalate", "membership", "people", "promises", "prune"}); diff != "" {
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
	if seen, _ := h.store.Handled(ctx, in.Key); seen {
		t.Error("prune kept a week-old key")
	}
	if a := h.askOf("ask:" + in.Key); a.Status != knowledge.StatusOpen {
		t.Errorf("prune touched the question: %+v", a)
	}
}
