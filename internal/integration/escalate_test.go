package integration_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nextdesk/nextdesk/knowledge"
)

// escalateNow runs the escalation task once, as serve does on its ticker.
func (h *harness) escalateNow(dryRun bool) {
	h.t.Helper()
	if err := h.tasks()["escalate"].Run(context.Background(), dryRun); err != nil {
		h.t.Fatalf("escalate: %v", err)
	}
	h.deliver()
}

func TestTimeoutEscalatesThenGivesUpToTheFallbackChannel(t *testing.T) {
	h := newHarness(t, func(c *config) { c.FallbackChannel = fallback })
	qid := h.routed()

	// Not yet: the timeout has not passed.
	h.clock.Advance(3 * time.Hour)
	h.escalateNow(false)
	if diff := cmp.Diff(h.routes(qid), []string{expert1 + ":pending"}); diff != "" {
		t.Fatalf("routes before the timeout (-got +want):\n%s", diff)
	}
	// A dry run changes nothing.
	h.clock.Advance(2 * time.Hour)
	h.escalateNow(true)
	if diff := cmp.Diff(h.routes(qid), []string{expert1 + ":pending"}); diff != "" {
		t.Fatalf("routes after a dry run (-got +want):\n%s", diff)
	}

	h.escalateNow(false)
	h.escalateNow(false) // a second run in the same period does nothing more
	if diff := cmp.Diff(h.routes(qid), []string{expert1 + ":expired", expert2 + ":pending"}); diff != "" {
		t.Errorf("routes after one timeout (-got +want):\n%s", diff)
	}
	h.clock.Advance(5 * time.Hour)
	h.escalateNow(false)
	h.clock.Advance(5 * time.Hour)
	h.escalateNow(false)
	want := []string{expert1 + ":expired", expert2 + ":expired", expert3 + ":expired"}
	if diff := cmp.Diff(h.routes(qid), want); diff != "" {
		t.Errorf("routes after three timeouts (-got +want):\n%s", diff)
	}
	if a := h.askOf(qid); a.Status != knowledge.StatusUnanswered {
		t.Errorf("status = %s, want unanswered (a knowledge gap)", a.Status)
	}
	fb := h.botPosts(fallback)
	if len(fb) != 1 || !strings.Contains(fb[0].Blocks, "roll back a kubernetes deployment") || !strings.Contains(fb[0].Blocks, "slack.com/archives/"+general) {
		t.Errorf("fallback channel got %q, want the question with a link to its thread", texts(fb))
	}
	// The asker was told each step, in the thread.
	var notes []string
	for _, m := range h.botPosts(general)[1:] {
		notes = append(notes, m.Text)
	}
	wantNotes := []string{
		"I've asked <@" + expert1 + ">",
		"<@" + expert1 + "> hasn't answered in time, so I've asked <@" + expert2 + ">",
		"<@" + expert2 + "> hasn't answered in time, so I've asked <@" + expert3 + ">",
		"I asked 3 people; none answered in time. I've asked in <#" + fallback + ">",
	}
	if len(notes) != len(wantNotes) {
		t.Fatalf("notes in the thread = %q, want %d", notes, len(wantNotes))
	}
	for i, w := range wantNotes {
		if !strings.Contains(notes[i], w) {
			t.Errorf("note %d = %q, want it to say %q", i, notes[i], w)
		}
	}
	if got := value(h.metrics.Escalations); got != 3 {
		t.Errorf("escalations = %v, want 3", got)
	}
}

func TestTakenRouteRemindsInsteadOfEscalating(t *testing.T) {
	h := newHarness(t, nil)
	qid := h.routed()
	h.clock.Advance(3 * time.Hour)
	h.handle(h.clickButton(expert1, h.botPosts(expert1)[0], actionTake))
	h.deliver()
	for i := 1; i <= 2; i++ {
		h.clock.Advance(4*time.Hour + time.Minute)
		h.escalateNow(false)
		if diff := cmp.Diff(h.routes(qid), []string{expert1 + ":taken"}); diff != "" {
			t.Fatalf("routes %d timeouts after taking it (-got +want):\n%s", i, diff)
		}
		dms := h.botPosts(expert1)
		if len(dms) != 1+i || !strings.Contains(dms[i].Text, "Reminder") || !strings.Contains(dms[i].Blocks, "slack.com/archives/"+general) {
			t.Fatalf("bob's DMs after %d timeouts = %q, want %d reminders with a link to the thread", i, texts(dms), i)
		}
	}
	h.clock.Advance(4*time.Hour + time.Minute)
	h.escalateNow(false)
	if diff := cmp.Diff(h.routes(qid), []string{expert1 + ":expired", expert2 + ":pending"}); diff != "" {
		t.Errorf("routes after the last reminder (-got +want):\n%s", diff)
	}
	thread := h.botPosts(general)
	if last := thread[len(thread)-1].Text; !strings.Contains(last, "took it but hasn't answered") {
		t.Errorf("alice told %q, want that bob took it but hasn't answered", last)
	}
	if card := h.botPosts(expert1)[0].Blocks; strings.Contains(card, actionPass) || !strings.Contains(card, "<@"+expert2+">") {
		t.Errorf("bob's card = %s, want it without buttons, saying carol was asked", card)
	}
}

func TestAnsweredQuestionIsNotEscalated(t *testing.T) {
	h := newHarness(t, nil)
	qid := h.routed()
	thread := h.botPosts(general)[0]
	_, ev := h.posts(general, fakeSlackReply(expert2, thread.TS, "kubectl rollout undo"))
	h.handle(ev)
	h.clock.Advance(10 * time.Hour)
	h.escalateNow(false)
	if diff := cmp.Diff(h.routes(qid), []string{expert1 + ":answered"}); diff != "" {
		t.Errorf("routes (-got +want):\n%s", diff)
	}
}
