package integration_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nextdesk/nextdesk/knowledge"
)

// routed asks the Kubernetes question in #general and delivers it: it goes
// to expert1. It returns the question id.
func (h *harness) routed() string {
	h.t.Helper()
	in, _ := h.ask(asker, general, "How can I roll back a kubernetes deployment?")
	h.handle(in)
	h.deliver()
	return "ask:" + in.Key
}

func TestNotMeReachesTheNextExpert(t *testing.T) {
	h := newHarness(t, nil)
	qid := h.routed()
	dm := h.botPosts(expert1)[0]

	// Someone else cannot use expert1's buttons.
	h.handle(h.clickButton(expert2, dm, actionPass))
	h.deliver()
	if diff := cmp.Diff(h.routes(qid), []string{expert1 + ":pending"}); diff != "" {
		t.Errorf("routes after a stranger's click (-got +want):\n%s", diff)
	}

	h.handle(h.clickButton(expert1, dm, actionPass))
	h.deliver()
	if diff := cmp.Diff(h.routes(qid), []string{expert1 + ":passed", expert2 + ":pending"}); diff != "" {
		t.Errorf("routes after 'Not me' (-got +want):\n%s", diff)
	}
	if dms := h.botPosts(expert2); len(dms) != 1 || !strings.Contains(dms[0].Blocks, actionTake) {
		t.Errorf("expert2 got %q, want the question with buttons", texts(dms))
	}
	thread := h.botPosts(general)
	if last := thread[len(thread)-1]; !strings.Contains(last.Text, "<@"+expert1+"> passed it on") || !strings.Contains(last.Text, "<@"+expert2+">") {
		t.Errorf("the asker was told %q, want who passed and who is asked now", last.Text)
	}
	if got := h.botPosts(expert1)[0]; strings.Contains(got.Blocks, actionPass) {
		t.Errorf("expert1's DM still has buttons after passing: %s", got.Blocks)
	}
	// A second click changes nothing.
	h.handle(h.clickButton(expert1, dm, actionPass))
	h.deliver()
	if n := len(h.routes(qid)); n != 2 {
		t.Errorf("a second 'Not me' made %d routes, want 2", n)
	}
	if got := value(h.metrics.Escalations); got != 1 {
		t.Errorf("escalations = %v, want 1", got)
	}
}

func TestTakeTellsTheAskerAndLeavesAWayOut(t *testing.T) {
	h := newHarness(t, nil)
	qid := h.routed()
	h.handle(h.clickButton(expert1, h.botPosts(expert1)[0], actionTake))
	h.deliver()
	if diff := cmp.Diff(h.routes(qid), []string{expert1 + ":taken"}); diff != "" {
		t.Errorf("routes (-got +want):\n%s", diff)
	}
	thread := h.botPosts(general)
	if last := thread[len(thread)-1]; last.Thread != thread[0].TS || !strings.Contains(last.Text, "<@"+expert1+"> is on it") {
		t.Errorf("thread note = %q, want who took it in the question's thread", last.Text)
	}
	dm := h.botPosts(expert1)[0]
	if strings.Contains(dm.Blocks, actionTake) || !strings.Contains(dm.Blocks, actionPass) || !strings.Contains(dm.Blocks, "slack.com/archives/"+general) {
		t.Errorf("expert's DM after the click = %s, want only the button to hand it back, and a link to the thread", dm.Blocks)
	}
	// Handing it back asks the next expert.
	h.handle(h.clickButton(expert1, h.botPosts(expert1)[0], actionPass))
	h.deliver()
	if diff := cmp.Diff(h.routes(qid), []string{expert1 + ":passed", expert2 + ":pending"}); diff != "" {
		t.Errorf("routes after handing it back (-got +want):\n%s", diff)
	}
}

func TestInstantAnswerThatDoesNotHelpIsRouted(t *testing.T) {
	h := newHarness(t, nil)
	in, _ := h.ask(asker, general, "How do I reset my VPN password?")
	h.handle(in)
	h.deliver()
	answer := h.botPosts(general)[1]

	// Only the asker may say so.
	h.handle(h.clickButton(other, answer, actionNeedHelp))
	h.deliver()
	qid := "ask:" + in.Key
	if a := h.askOf(qid); a.Status != knowledge.StatusOffered {
		t.Errorf("status after a stranger's click = %s, want offered", a.Status)
	}

	h.handle(h.clickButton(asker, answer, actionNeedHelp))
	h.deliver()
	if a := h.askOf(qid); a.Status != knowledge.StatusOpen {
		t.Errorf("status = %s, want open", a.Status)
	}
	if diff := cmp.Diff(h.routes(qid), []string{expert1 + ":pending"}); diff != "" {
		t.Errorf("routes (-got +want):\n%s", diff)
	}
	if dms := h.botPosts(expert1); len(dms) != 1 {
		t.Errorf("expert1 got %d DMs, want 1", len(dms))
	}
}
