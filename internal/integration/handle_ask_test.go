package integration_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nextdesk/nextdesk/internal/fakeslack"
	"github.com/nextdesk/nextdesk/knowledge"
)

func TestSlashAskAnsweredFromKnowledge(t *testing.T) {
	h := newHarness(t, nil)
	in, _ := h.ask(asker, general, "How do I reset my VPN password?")
	h.handle(in)
	h.deliver()

	msgs := h.botPosts(general)
	if len(msgs) != 2 {
		t.Fatalf("bot posted %d messages in #general, want the question and the answer: %q", len(msgs), texts(msgs))
	}
	question, answer := msgs[0], msgs[1]
	if !strings.Contains(question.Blocks, "<@"+asker+"> asks") || question.Thread != "" {
		t.Errorf("question post = %+v, want a root message saying who asks", question)
	}
	if answer.Thread != question.TS {
		t.Errorf("answer in thread %q, want the question's thread %q", answer.Thread, question.TS)
	}
	for _, want := range []string{"vpn.example.com/reset", "<@" + expert1 + ">", actionSolved, actionNeedHelp, "slack.com/archives/" + general} {
		if !strings.Contains(answer.Blocks, want) {
			t.Errorf("answer blocks lack %q: %s", want, answer.Blocks)
		}
	}
	qid := "ask:" + in.Key
	if a := h.askOf(qid); a.Status != knowledge.StatusOffered || a.Thread != question.TS {
		t.Errorf("ask = %+v, want offered, in the question's thread", a)
	}
	if got := value(h.metrics.InstantAnswers); got != 1 {
		t.Errorf("instant answers metric = %v, want 1", got)
	}
	if n := len(h.srv.CallsTo("users.getPresence")); n != 0 {
		t.Errorf("%d presence checks for a question answered at once, want none", n)
	}

	// The asker says it solves it: solved, and the old answer thanked.
	h.handle(h.clickButton(asker, answer, actionSolved))
	h.deliver()
	if a := h.askOf(qid); a.Status != knowledge.StatusSolved {
		t.Errorf("status after 'This solves it' = %s, want solved", a.Status)
	}
	qs, err := h.store.Questions(context.Background(), knowledge.Anonymous, []string{"slack:C0GENERAL1:1700000001.000100"})
	if err != nil || len(qs) != 1 {
		t.Fatalf("past question: %v", err)
	}
	if got := qs[0].Answers[0].Thanks; got != 1 {
		t.Errorf("thanks on the reused answer = %d, want 1", got)
	}
	if updated := h.botPosts(general)[1]; strings.Contains(updated.Blocks, actionSolved) {
		t.Errorf("the answer still has its buttons after the click: %s", updated.Blocks)
	}
}

func TestAskRoutedCapturedAcceptedThenReused(t *testing.T) {
	h := newHarness(t, nil)
	in, _ := h.ask(asker, general, "How can I roll back a kubernetes deployment without downtime?")
	h.handle(in)
	h.deliver()
	qid := "ask:" + in.Key

	dms := h.botPosts(expert1)
	if len(dms) != 1 {
		t.Fatalf("expert1 got %d DMs, want 1: %q", len(dms), texts(dms))
	}
	for _, want := range []string{actionTake, actionPass, actionAlready, "roll back a kubernetes deployment", "rollback", "slack.com/archives/" + general} {
		if !strings.Contains(dms[0].Blocks, want) {
			t.Errorf("expert DM lacks %q: %s", want, dms[0].Blocks)
		}
	}
	thread := h.botPosts(general)
	if len(thread) != 2 || !strings.Contains(thread[1].Text, "<@"+expert1+">") || thread[1].Thread != thread[0].TS {
		t.Fatalf("#general = %q, want the question and, in its thread, who was asked", texts(thread))
	}
	if diff := cmp.Diff(h.routes(qid), []string{expert1 + ":pending"}); diff != "" {
		t.Errorf("routes (-got +want):\n%s", diff)
	}

	// The expert answers in the thread: captured, route answered, and the
	// asker privately asked whether it solved it.
	reply, ev := h.posts(general, fakeslack.Message{User: expert1, Text: "Run `kubectl rollout undo deployment/web` and check *rollout status*.", ThreadTS: thread[0].TS})
	h.handle(ev)
	h.deliver()
	if diff := cmp.Diff(h.routes(qid), []string{expert1 + ":answered"}); diff != "" {
		t.Errorf("routes after the answer (-got +want):\n%s", diff)
	}
	prompts := h.srv.CallsTo("chat.postEphemeral")
	if len(prompts) != 1 || prompts[0].Params["user"] != asker || !strings.Contains(fakeslack.Readable([]byte(prompts[0].Params["blocks"])), actionAccept) {
		t.Errorf("accept prompts = %+v, want one to the asker with a Solved button", prompts)
	}

	// The asker's check mark accepts it.
	envs := h.srv.UserReacts(t, asker, general, reply.TS, "white_check_mark")
	h.handle(h.eventFromEnvelope(envs[0]))
	q, err := h.store.Question(context.Background(), knowledge.Anonymous, qid)
	if err != nil {
		t.Fatal(err)
	}
	want := []knowledge.Answer{{
		ID: "slack:" + general + ":" + reply.TS, Answerer: expert1, Accepted: true,
		Text: "Run kubectl rollout undo deployment/web and check rollout status.", Time: tsTime(reply.TS),
	}}
	if diff := cmp.Diff(q.Answers, want); diff != "" {
		t.Errorf("captured answers (-got +want):\n%s", diff)
	}
	if a := h.askOf(qid); a.Status != knowledge.StatusSolved {
		t.Errorf("status = %s, want solved", a.Status)
	}

	// Someone else asks it in other words: the captured answer comes back
	// at once.
	again, _ := h.ask(other, general, "how do I roll back a Kubernetes deployment without any downtime")
	h.handle(again)
	h.deliver()
	posts := h.botPosts(general)
	last := posts[len(posts)-1]
	if !strings.Contains(last.Blocks, "kubectl rollout undo deployment/web") || !strings.Contains(last.Blocks, actionSolved) {
		t.Errorf("second question's reply = %s, want the captured answer with buttons", last.Blocks)
	}
	if len(h.botPosts(expert1)) != 1 {
		t.Errorf("expert1 was asked again for a question answered at once")
	}
	if got := value(h.metrics.AnswersCaptured); got != 1 {
		t.Errorf("answers captured = %v, want 1", got)
	}
}
