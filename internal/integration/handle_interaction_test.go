package integration_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nextdesk/nextdesk/bot"
	"github.com/nextdesk/nextdesk/internal/fakeslack"
	"github.com/nextdesk/nextdesk/knowledge"
)

// routed asks the Kubernetes question in #general and delivers it: it goes
// to expert1. It returns the question id.
func (h *harness) routed() string {
	h.t.Helper()
	in, _ := h.ask(asker, general, "How can I roll back a kubernetes deployment without downtime?")
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

// TestRefusalsAreToldOnceAndNotRetried checks the one place where a
// handling's error becomes what the person sees (Bot.settle): a request
// the desk turns down is answered in the person's language, counted, and
// handled (Handle returns nil, so the dispatcher does not try it again); a
// redelivery answers nothing more. Bad input to a command is such a
// request. An internal error (Slack down) is
// returned for the dispatcher to retry, and tells the person nothing.
func TestRefusalsAreToldOnceAndNotRetried(t *testing.T) {
	h := newHarness(t, nil)
	ctx := context.Background()
	h.routed()
	card := h.botPosts(expert1)[0]
	vpn, _ := h.ask(asker, general, "How do I reset my VPN password?")
	h.handle(vpn)
	h.deliver()
	posts := h.botPosts(general)
	instant := posts[len(posts)-1]

	snooze, _ := h.command(fakeslack.SlashCommand{Command: "/nextdesk", Text: "snooze forever", UserID: expert3, ChannelID: general})
	review, _ := h.command(fakeslack.SlashCommand{Command: "/nextdesk", Text: "team review 2026-13-45", UserID: expert3, ChannelID: general})
	for _, c := range []struct {
		name string
		in   bot.Inbound
		want string
	}{
		{"a snooze whose length is not one", snooze, "I can't read `forever` as a duration."},
		{"a review since a date that is not one", review, "2026-13-45"},
		{"a stranger's click on an expert's card", h.clickButton(expert2, card, actionPass),
			"This question was sent to <@" + expert1 + ">; only they can use these buttons."},
		{"someone else than the asker says an answer solves it", h.clickButton(french, instant, actionSolved),
			"Seule la personne qui a posé la question peut faire cela."},
	} {
		t.Run(c.name, func(t *testing.T) {
			refused := value(h.metrics.InboundRejected.WithLabelValues("refused"))
			url := replyURL(c.in)
			for range 2 { // delivered, then delivered again
				if err := h.bot.Handle(ctx, c.in); err != nil {
					t.Fatalf("Handle = %v, want nil: a refusal is handled, not retried", err)
				}
				h.deliver()
			}
			rs := h.srv.Responses(url)
			if len(rs) != 1 || !strings.Contains(rs[0].Text+string(rs[0].Blocks), c.want) {
				t.Errorf("replies = %+v, want one saying %q", rs, c.want)
			}
			if got := value(h.metrics.InboundRejected.WithLabelValues("refused")) - refused; got != 1 {
				t.Errorf("refusals counted = %v, want 1", got)
			}
		})
	}
	if diff := cmp.Diff(h.routes("ask:"+vpn.Key), []string(nil)); diff != "" {
		t.Errorf("routes of the VPN question after a stranger's 'Solved' (-got +want):\n%s", diff)
	}
	if a := h.askOf("ask:" + vpn.Key); a.Status != knowledge.StatusOffered {
		t.Errorf("VPN question %s after a stranger's 'Solved', want still offered to its asker", a.Status)
	}
	// Slack cannot say what #help-it is: internal, so nothing is told and
	// the delivery is tried again, which then asks.
	h.srv.FailNext("conversations.info", 1, 503, 0)
	in, url := h.ask(asker, helpdesk, "How do I reset my VPN password?")
	if err := h.bot.Handle(ctx, in); err == nil {
		t.Fatal("Handle with Slack down = nil, want an error for the dispatcher to retry")
	}
	h.deliver()
	if rs := h.srv.Responses(url); len(rs) != 0 {
		t.Errorf("replies while Slack was down = %+v, want none", rs)
	}
	h.handle(in)
	h.deliver()
	if a := h.askOf("ask:" + in.Key); a.Status != knowledge.StatusOffered {
		t.Errorf("question retried after Slack came back: %s, want offered", a.Status)
	}
}

// replyURL is the response_url of a command or a click.
func replyURL(in bot.Inbound) string {
	if in.Command != nil {
		return in.Command.ResponseURL
	}
	return in.Interaction.ResponseURL
}

// TestFollowUpDetailsReachTheNextExpert: what the asker adds in the
// question's thread before anyone answers is part of the question: kept
// with it, and on the card of the expert asked next.
func TestFollowUpDetailsReachTheNextExpert(t *testing.T) {
	h := newHarness(t, nil)
	qid := h.routed()
	thread := h.botPosts(general)[0]
	_, ev := h.posts(general, fakeSlackReply(asker, thread.TS, "It is the payments service; its pods keep restarting."))
	h.handle(ev)
	h.deliver()
	q, err := h.store.Question(context.Background(), knowledge.Anonymous, qid)
	if err != nil || !strings.Contains(q.Text, "roll back a kubernetes deployment") || !strings.Contains(q.Text, "payments service") {
		t.Errorf("question kept = %q (%v), want the question with the asker's detail", q.Text, err)
	}
	if len(q.Answers) != 0 {
		t.Errorf("answers = %+v, want none: the asker's detail is no answer", q.Answers)
	}
	h.handle(h.clickButton(expert1, h.botPosts(expert1)[0], actionPass))
	h.deliver()
	if dms := h.botPosts(expert2); len(dms) != 1 || !strings.Contains(dms[0].Blocks, "payments service") {
		t.Errorf("expert2 was asked %q, want the question with the asker's detail", texts(dms))
	}
}
