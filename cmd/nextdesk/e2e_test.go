package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nextdesk/nextdesk/internal/fakeslack"
	"github.com/nextdesk/nextdesk/knowledge"
)

// Button action ids the bot's messages carry (bot/blocks.go).
const (
	actionSolved   = "nextdesk_solved"
	actionNeedHelp = "nextdesk_need_help"
	actionTake     = "nextdesk_take"
	actionPass     = "nextdesk_pass"
	actionAlready  = "nextdesk_already"
	actionAccept   = "nextdesk_accept"

	actionAskAnonymously  = "nextdesk_anon_next"
	actionCancelAnonymous = "nextdesk_anon_cancel"
)

// rollback is a question the history cannot answer for sure, but whose
// experts it knows: carol first, then dave. Its restriction ("without
// downtime") is what no past question asks: without it, it would ask what
// "deployment rollback in kubernetes staging cluster" asks.
const rollback = "How can I roll back a kubernetes deployment without downtime?"

// TestE2E runs the bot's flows through the real `nextdesk serve` wiring
// (settings, Slack client, store, index, bot, dispatcher, transport)
// against the fake Slack, each scenario once in Socket Mode and once over
// the HTTP Events API, on a data directory seeded with history.
func TestE2E(t *testing.T) {
	scenarios := []struct {
		name     string
		env      map[string]string
		httpOnly bool // about the HTTP transport alone
		run      func(*testing.T, *e2e)
	}{
		{name: "slash ask answered from knowledge", run: e2eInstantAnswer},
		{name: "slash ask routed, answered, accepted, then reused", run: e2eRoutedCapturedReused},
		{name: "mention", run: e2eMention},
		{name: "DM to the bot asks in a group DM", run: e2eDirectMessage},
		{name: "not me reaches the next expert", run: e2eNotMe},
		{
			name: "timeout escalates to the fallback channel",
			env:  map[string]string{"NEXTDESK_ANSWER_TIMEOUT": "1s", "NEXTDESK_FALLBACK_CHANNEL": "ask-anyone"},
			run:  e2eTimeoutEscalates,
		},
		{name: "one delivery three times routes once", run: e2eDeliveredThreeTimes},
		{name: "restart mid-flow", run: e2eRestartMidFlow},
		{name: "burst of 429s delays but delivers", run: e2eRateLimited},
		{name: "a message Slack refuses is given up and counted", run: e2eMessageRefused},
		{name: "bad signature gets 401 and stores nothing", httpOnly: true, run: e2eBadSignature},
		{name: "French user answered in French", run: e2eFrench},
		{name: "private answer never offered to a non-member", run: e2ePrivateAnswer},
		{name: "bad input ignored or answered, never fatal", run: e2eBadInput},
		{name: "I'll take it reminds instead of passing on", env: map[string]string{"NEXTDESK_ANSWER_TIMEOUT": "1s"}, run: e2eTakeRemindsInsteadOfPassingOn},
		{name: "already answered picks an earlier thread", run: e2eAlreadyAnsweredPicks},
		{name: "eval live beside serve", run: e2eEvalLiveBesideServe},
		{name: "a mention in a thread asks the thread's question", run: e2eThreadMentionAsksTheThreadsQuestion},
		{name: "a reply calling the bot is no answer", run: e2eThreadMentionIsNoAnswer},
		{name: "given up says what happened", env: map[string]string{"NEXTDESK_FALLBACK_CHANNEL": "ask-anyone"}, run: e2eGivenUpSaysWhatHappened},
		{name: "a reactivated person is routable again", run: e2eReactivatedPersonIsRoutable},
		{name: "a 429 on presence means unknown", run: e2eRateLimitedPresenceIsUnknown},
		{name: "imported e-mails outlive the bot's reads", run: e2eImportedEmailsOutliveTheBot},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			for _, tr := range e2eTransports {
				if sc.httpOnly && tr.socket {
					continue
				}
				t.Run(tr.name, func(t *testing.T) {
					t.Parallel()
					sc.run(t, newE2E(t, tr, sc.env))
				})
			}
		})
	}
}

func e2eInstantAnswer(t *testing.T, e *e2e) {
	cmd := e.ask(alice, general, "How do I reset my VPN password?")
	posts := e.waitPosts(general, 2)
	question, answer := posts[0], posts[1]
	if !strings.Contains(question.Blocks, "<@"+alice+"> asks") || question.Thread != "" {
		t.Errorf("question post = %+v, want a root message saying alice asks", question)
	}
	if answer.Thread != question.TS {
		t.Errorf("answer in thread %q, want the question's thread %q", answer.Thread, question.TS)
	}
	for _, want := range []string{"vpn.example.com/reset", "<@" + carol + ">", actionSolved, actionNeedHelp, "/archives/" + general + "/p"} {
		if !strings.Contains(answer.Blocks, want) {
			t.Errorf("instant answer lacks %q: %s", want, answer.Blocks)
		}
	}

	// "This solves it": the buttons go, and the old answer is thanked.
	url := e.click(alice, answer, actionSolved)
	rs := e.slack.WaitResponses(t, url, 1, e2eWait)
	if blocks := fakeslack.Readable(rs[0].Blocks); !rs[0].ReplaceOriginal || strings.Contains(blocks, actionSolved) || !strings.Contains(rs[0].Text, "Glad it helped") {
		t.Errorf("reply to the click = %+v (blocks %s), want the answer replaced, without buttons, saying it helped", rs[0], blocks)
	}
	e.waitIdle()
	if n := len(e.slack.CallsTo("users.getPresence")); n != 0 {
		t.Errorf("%d presence checks for a question answered at once, want none", n)
	}
	if offered, accepted := e.metric("nextdesk_instant_answers_total", ""), e.metric("nextdesk_instant_answers_accepted_total", ""); offered != 1 || accepted != 1 {
		t.Errorf("metrics: %v instant answers offered, %v accepted; want 1 and 1", offered, accepted)
	}
	if n := deliveredDMs(e.slack); n != 0 {
		t.Errorf("%d DMs for a question answered at once, want none", n)
	}

	db := e.finish()
	a := askOf(t, db, "ask:"+cmd.TriggerID)
	if a.Status != knowledge.StatusSolved || a.Channel != general || a.Thread != question.TS {
		t.Errorf("ask = %+v, want solved, in #general's thread %s", a, question.TS)
	}
	past, err := db.Question(context.Background(), knowledge.Anonymous, e.past("How do I reset my VPN password?"))
	if err != nil {
		t.Fatal(err)
	}
	if got := past.Answers[0].Thanks; got != 1 || a.Offered != past.Answers[0].ID {
		t.Errorf("offered %q, thanks on it %d; want %q thanked once", a.Offered, got, past.Answers[0].ID)
	}
}

func e2eRoutedCapturedReused(t *testing.T, e *e2e) {
	cmd := e.ask(alice, general, rollback)
	qid := "ask:" + cmd.TriggerID
	dm := e.waitPosts(carol, 1)[0]
	for _, want := range []string{actionTake, actionPass, actionAlready, "roll back a kubernetes deployment", "rollback", "/archives/" + general + "/p"} {
		if !strings.Contains(dm.Blocks, want) {
			t.Errorf("carol's DM lacks %q: %s", want, dm.Blocks)
		}
	}
	thread := e.waitPosts(general, 2)
	root, note := thread[0], thread[1]
	if note.Thread != root.TS || !strings.Contains(note.Text, "<@"+carol+">") {
		t.Fatalf("#general = %+v, want the question and, in its thread, that carol was asked", thread)
	}

	// carol answers in the thread: captured, and alice asked privately
	// whether it solved her question.
	reply, _ := e.posts(general, fakeslack.Message{User: carol, Text: "Run `kubectl rollout undo deployment/web` and check *rollout status*.", ThreadTS: root.TS})
	e.eventually("the accept prompt to alice", func() bool { return len(e.ephemerals(alice)) > 0 })
	if prompt := e.ephemerals(alice)[0]; prompt.Params["channel"] != general || !strings.Contains(prompt.Params["blocks"], actionAccept) {
		t.Errorf("accept prompt = %v, want one in #general with a Solved button", prompt.Params)
	}

	// alice's check mark accepts it.
	e.reacts(alice, general, reply.TS, "white_check_mark")
	e.waitIdle()

	// frank asks it in other words: the captured answer comes at once.
	again := e.ask(frank, general, "how do I roll back a Kubernetes deployment without any downtime")
	e.waitPosts(general, 4)
	e.waitIdle()
	var frankRoot, instant botMessage
	for _, m := range e.botPosts(general) {
		if strings.Contains(m.Blocks, "<@"+frank+"> asks") {
			frankRoot = m
		}
	}
	for _, m := range e.botPosts(general) {
		if frankRoot.TS != "" && m.Thread == frankRoot.TS {
			instant = m
		}
	}
	if !strings.Contains(instant.Blocks, "kubectl rollout undo deployment/web") || !strings.Contains(instant.Blocks, actionSolved) {
		t.Errorf("reply to frank = %+v, want carol's captured answer with buttons", instant)
	}
	if n := len(e.botPosts(carol)); n != 1 {
		t.Errorf("carol got %d DMs, want 1: the second question was answered at once", n)
	}

	db := e.finish()
	if diff := cmp.Diff(routesOf(t, db, qid), []string{carol + ":answered"}); diff != "" {
		t.Errorf("routes (-got +want):\n%s", diff)
	}
	if a := askOf(t, db, qid); a.Status != knowledge.StatusSolved {
		t.Errorf("first question %s, want solved", a.Status)
	}
	q, err := db.Question(context.Background(), knowledge.Anonymous, qid)
	if err != nil {
		t.Fatal(err)
	}
	type answerView struct {
		ID, Answerer, Text string
		Accepted           bool
	}
	var got []answerView
	for _, a := range q.Answers {
		got = append(got, answerView{a.ID, a.Answerer, a.Text, a.Accepted})
	}
	want := []answerView{{"slack:" + general + ":" + reply.TS, carol, "Run kubectl rollout undo deployment/web and check rollout status.", true}}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("captured answers (-got +want):\n%s", diff)
	}
	if a := askOf(t, db, "ask:"+again.TriggerID); a.Status != knowledge.StatusOffered || a.Offered != want[0].ID {
		t.Errorf("second question = %+v, want offered carol's captured answer %s", a, want[0].ID)
	}
}

func e2eMention(t *testing.T, e *e2e) {
	// Answered from knowledge, in the mention's thread; the message event
	// that comes with the mention asks nothing more.
	msg, ids := e.posts(general, fakeslack.Message{User: alice, Text: "<@" + fakeslack.BotUserID + "> how do I reset my VPN password?"})
	if len(ids) != 2 {
		t.Fatalf("a mention sent %d events, want a message and an app_mention", len(ids))
	}
	e.waitPosts(general, 1)
	e.waitIdle()
	posts := e.botPosts(general)
	if len(posts) != 1 || posts[0].Thread != msg.TS || !strings.Contains(posts[0].Blocks, "vpn.example.com/reset") || !strings.Contains(posts[0].Blocks, actionSolved) {
		t.Fatalf("bot posted %+v, want the past answer, with buttons, in the mention's thread", posts)
	}

	// Routed: carol's DM links to the mention's thread.
	routed, _ := e.posts(general, fakeslack.Message{User: alice, Text: "<@" + fakeslack.BotUserID + "> " + rollback})
	dm := e.waitPosts(carol, 1)[0]
	link := "/archives/" + general + "/p" + strings.ReplaceAll(routed.TS, ".", "")
	if !strings.Contains(dm.Blocks, link) || !strings.Contains(dm.Blocks, actionTake) {
		t.Errorf("carol's DM lacks the link %s or the buttons: %s", link, dm.Blocks)
	}
	e.waitPosts(general, 2)
	e.waitIdle()

	db := e.finish()
	if a := askOf(t, db, "slack:"+general+":"+msg.TS); a.Status != knowledge.StatusOffered || a.Thread != msg.TS {
		t.Errorf("first mention = %+v, want offered, in its own thread", a)
	}
	if diff := cmp.Diff(routesOf(t, db, "slack:"+general+":"+routed.TS), []string{carol + ":pending"}); diff != "" {
		t.Errorf("routes of the second mention (-got +want):\n%s", diff)
	}
}

func e2eDirectMessage(t *testing.T, e *e2e) {
	msg, _ := e.posts(aliceDM, fakeslack.Message{User: alice, Text: rollback})
	qid := "slack:" + aliceDM + ":" + msg.TS
	var group string
	e.eventually("a message in a group DM", func() bool {
		for _, c := range e.slack.CallsTo("chat.postMessage") {
			if ch, ok := e.slack.Channel(c.Params["channel"]); ok && ch.MPIM && c.Error == "" {
				group = ch.ID
				return true
			}
		}
		return false
	})
	ch, _ := e.slack.Channel(group)
	if diff := cmp.Diff(ch.Members, []string{fakeslack.BotUserID, alice, carol}); diff != "" {
		t.Errorf("group DM members (-got +want):\n%s", diff)
	}
	inGroup := e.waitPosts(group, 1)
	if len(inGroup) != 1 || !strings.Contains(inGroup[0].Blocks, actionTake) || !strings.Contains(inGroup[0].Blocks, "roll back") {
		t.Fatalf("group DM holds %+v, want the question with carol's buttons", inGroup)
	}
	told := e.waitPosts(aliceDM, 1)
	if told[0].Thread != msg.TS || !strings.Contains(told[0].Text, "<@"+carol+">") {
		t.Errorf("alice was told %+v, want, in her message's thread, that carol was asked", told[0])
	}

	// carol answers in the group DM: captured, visible to the two of them
	// only. She answers once the bot has recorded where its message went,
	// as a person reading it would: a reply racing that record is not
	// captured (see the report of these tests).
	e.waitIdle()
	e.posts(group, fakeslack.Message{User: carol, Text: "kubectl rollout undo, then check the pods.", ThreadTS: inGroup[0].TS})
	e.waitIdle()
	if n := len(e.botPosts(carol)); n != 0 {
		t.Errorf("carol got %d DMs besides the group DM, want none", n)
	}

	db := e.finish()
	if a := askOf(t, db, qid); a.Channel != group || !a.Private {
		t.Errorf("ask = %+v, want private, in group DM %s", a, group)
	}
	for _, c := range []struct {
		viewer  string
		answers int // -1: the question is hidden
	}{{alice, 1}, {carol, 1}, {dave, -1}, {frank, -1}, {"", -1}} {
		got := -1
		if q, err := db.Question(context.Background(), knowledge.Viewer{PersonID: c.viewer}, qid); err == nil {
			got = len(q.Answers)
		} else if knowledge.ErrorCode(err) != knowledge.ENOTFOUND {
			t.Fatal(err)
		}
		if got != c.answers {
			t.Errorf("viewer %q sees %d answers (-1: no question), want %d", c.viewer, got, c.answers)
		}
	}
}

func e2eNotMe(t *testing.T, e *e2e) {
	cmd := e.ask(alice, general, rollback)
	qid := "ask:" + cmd.TriggerID
	first := e.waitPosts(carol, 1)[0]
	passed := e.click(carol, first, actionPass)
	next := e.waitPosts(dave, 1)[0]
	for _, want := range []string{actionTake, actionPass, actionAlready, "roll back a kubernetes deployment"} {
		if !strings.Contains(next.Blocks, want) {
			t.Errorf("dave's DM lacks %q: %s", want, next.Blocks)
		}
	}
	if rs := e.slack.WaitResponses(t, passed, 1, e2eWait); !rs[0].ReplaceOriginal || strings.Contains(fakeslack.Readable(rs[0].Blocks), actionTake) {
		t.Errorf("carol's DM after the click = %+v, want it replaced without buttons", rs[0])
	}

	// dave takes it: the thread says so.
	e.click(dave, next, actionTake)
	e.waitPosts(general, 4)
	e.waitIdle()
	var notes []string
	for _, m := range e.botPosts(general)[1:] {
		notes = append(notes, m.Text)
	}
	want := []string{
		"I've asked <@" + carol + ">, who answered similar questions before. I'll keep you posted here.",
		"<@" + carol + "> passed it on, so I've asked <@" + dave + ">.",
		"<@" + dave + "> is on it.",
	}
	if diff := cmp.Diff(notes, want); diff != "" {
		t.Errorf("notes in the thread (-got +want):\n%s", diff)
	}
	if n := len(e.botPosts(carol)); n != 1 {
		t.Errorf("carol got %d DMs, want 1", n)
	}

	db := e.finish()
	if diff := cmp.Diff(routesOf(t, db, qid), []string{carol + ":passed", dave + ":taken"}); diff != "" {
		t.Errorf("routes (-got +want):\n%s", diff)
	}
}

// e2eTimeoutEscalates waits for the server's own escalation task: with a
// one-second answer timeout the route is stale at once, and the task runs
// every ten seconds (its shortest interval), so the fallback channel hears
// of it within about ten seconds of the start.
func e2eTimeoutEscalates(t *testing.T, e *e2e) {
	cmd := e.ask(alice, general, "Who can fix the printer when A3 sheets are blocked?")
	qid := "ask:" + cmd.TriggerID
	e.waitPosts(erin, 1)
	var fallback []botMessage
	e.eventuallyWithin(30*time.Second, "a post in the fallback channel", func() bool {
		fallback = e.botPosts(askAnyone)
		return len(fallback) > 0
	})
	root := e.botPosts(general)[0]
	link := "/archives/" + general + "/p" + strings.ReplaceAll(root.TS, ".", "")
	if !strings.Contains(fallback[0].Text, "<@"+alice+">") || !strings.Contains(fallback[0].Blocks, link) || !strings.Contains(fallback[0].Blocks, "printer") {
		t.Errorf("fallback post = %+v, want alice's question with a link to %s", fallback[0], link)
	}
	e.waitPosts(general, 3)
	e.waitIdle()
	if got := e.metric("nextdesk_escalations_total", ""); got != 1 {
		t.Errorf("escalations = %v, want 1", got)
	}
	last := e.botPosts(general)[2]
	if last.Thread != root.TS || !strings.Contains(last.Text, "#ask-anyone") {
		t.Errorf("alice was told %+v, want, in her thread, that #ask-anyone was asked", last)
	}

	db := e.finish()
	if diff := cmp.Diff(routesOf(t, db, qid), []string{erin + ":expired"}); diff != "" {
		t.Errorf("routes (-got +want):\n%s", diff)
	}
	if a := askOf(t, db, qid); a.Status != knowledge.StatusUnanswered {
		t.Errorf("question %s, want unanswered (a knowledge gap)", a.Status)
	}
}

func e2eDeliveredThreeTimes(t *testing.T, e *e2e) {
	// A mention, then Slack's two retries of it.
	msg, ids := e.posts(general, fakeslack.Message{User: alice, Text: "<@" + fakeslack.BotUserID + "> " + rollback})
	e.redeliver(ids[1], 1)
	e.redeliver(ids[1], 2)
	// A slash command three times, with the same trigger id.
	cmd := e.ask(frank, general, rollback)
	e.resendCommand(cmd)
	e.resendCommand(cmd)

	e.waitPosts(carol, 2)
	e.waitPosts(general, 3) // the note in the mention's thread, frank's question and its note
	e.waitIdle()
	if got := e.metric("nextdesk_inbound_rejected_total", `reason="duplicate"`); got != 4 {
		t.Errorf("duplicates counted: %v, want 4", got)
	}
	if n := len(e.botPosts(carol)); n != 2 {
		t.Errorf("carol got %d DMs, want 2: one per question", n)
	}
	if n := len(e.botPosts(general)); n != 3 {
		t.Errorf("%d bot messages in #general, want 3", n)
	}

	db := e.finish()
	for _, qid := range []string{"slack:" + general + ":" + msg.TS, "ask:" + cmd.TriggerID} {
		if diff := cmp.Diff(routesOf(t, db, qid), []string{carol + ":pending"}); diff != "" {
			t.Errorf("routes of %s (-got +want):\n%s", qid, diff)
		}
	}
}

// e2eRestartMidFlow stops the server while Slack refuses its messages: the
// question was acknowledged and handled, and the messages wait in the
// outbox for the next start, which sends each once.
func e2eRestartMidFlow(t *testing.T, e *e2e) {
	e.slack.FailNext("chat.postMessage", 50, http.StatusInternalServerError, 0)
	cmd := e.ask(alice, general, rollback)
	e.eventually("a refused chat.postMessage", func() bool {
		for _, c := range e.slack.CallsTo("chat.postMessage") {
			if c.Status == http.StatusInternalServerError {
				return true
			}
		}
		return false
	})
	e.stop()
	drainFaults(t, e.slack, "chat.postMessage")
	if n := len(e.botPosts(general)) + deliveredDMs(e.slack); n != 0 {
		t.Fatalf("%d messages delivered while Slack failed, want none", n)
	}

	e.start()
	e.waitPosts(carol, 1)
	e.waitPosts(general, 2)
	e.waitIdle()
	if n := len(e.botPosts(carol)); n != 1 {
		t.Errorf("carol got %d DMs, want 1", n)
	}
	if n := len(e.botPosts(general)); n != 2 {
		t.Errorf("%d bot messages in #general, want the question and the note", n)
	}

	db := e.finish()
	if diff := cmp.Diff(routesOf(t, db, "ask:"+cmd.TriggerID), []string{carol + ":pending"}); diff != "" {
		t.Errorf("routes (-got +want):\n%s", diff)
	}
}

// e2eRateLimited has Slack refuse the first messages with 429 and a
// Retry-After longer than the delivery loop's one-second tick, so a retry
// that ignored it would show.
func e2eRateLimited(t *testing.T, e *e2e) {
	const (
		limited    = 3
		retryAfter = 2 * time.Second
	)
	e.slack.FailNext("chat.postMessage", limited, http.StatusTooManyRequests, retryAfter)
	e.ask(alice, general, "How do I reset my VPN password?")
	e.posts(general, fakeslack.Message{User: frank, Text: "<@" + fakeslack.BotUserID + "> " + rollback})
	e.eventually("the outbox gauge counting the messages held up", func() bool { return e.metric("nextdesk_outbox_pending", "") > 0 })
	e.waitPosts(carol, 1)
	// alice's question and its answer, and the note in frank's thread.
	e.waitPosts(general, 3)
	e.waitIdle()
	e.eventually("the outbox gauge back to 0", func() bool { return e.metric("nextdesk_outbox_pending", "") == 0 })

	var refused, sent []fakeslack.Call
	for _, c := range e.slack.CallsTo("chat.postMessage") {
		switch {
		case c.Status == http.StatusTooManyRequests:
			refused = append(refused, c)
		case c.Error == "":
			sent = append(sent, c)
		}
	}
	if len(refused) != limited || len(sent) != 4 {
		t.Fatalf("%d calls refused and %d messages sent, want %d and 4 (each once)", len(refused), len(sent), limited)
	}
	for _, r := range refused {
		var retried *fakeslack.Call
		for i, s := range sent {
			if s.Params["channel"] == r.Params["channel"] && s.Params["text"] == r.Params["text"] {
				retried = &sent[i]
			}
		}
		if retried == nil {
			t.Errorf("the message refused at %v (%q) was never sent", r.Time, r.Params["text"])
		} else if wait := retried.Time.Sub(r.Time); wait < retryAfter {
			t.Errorf("a message was retried %v after a 429 with Retry-After %v, want no sooner", wait, retryAfter)
		}
	}
	if got := e.metric("nextdesk_slack_api_call_seconds_count", `method="chat.postMessage",outcome="rate_limited"`); got != limited {
		t.Errorf("chat.postMessage calls counted rate limited: %v, want %d", got, limited)
	}
	e.finish()
}

// e2eMessageRefused has Slack refuse the first message for good (a 400):
// the outbox gives it up with the reply that was to go in its thread, and
// /metrics shows both, the refused call, and nothing left waiting.
func e2eMessageRefused(t *testing.T, e *e2e) {
	e.expectErrors("notice not delivered, giving up")
	e.slack.FailNext("chat.postMessage", 1, http.StatusBadRequest, 0)
	e.ask(alice, general, "How do I reset my VPN password?")
	e.eventually("the refused message and its reply counted failed", func() bool { return e.metric("nextdesk_outbox_failed_total", "") == 2 })
	e.waitIdle()
	if got := e.metric("nextdesk_slack_api_call_seconds_count", `method="chat.postMessage",outcome="refused"`); got != 1 {
		t.Errorf("chat.postMessage calls counted refused: %v, want 1", got)
	}
	if n := len(e.slack.CallsTo("chat.postMessage")); n != 1 {
		t.Errorf("%d chat.postMessage calls, want the refused one only (never retried, its reply never sent)", n)
	}
	e.eventually("the outbox gauge at 0", func() bool { return e.metric("nextdesk_outbox_pending", "") == 0 })
	e.finish()
}

func e2eBadSignature(t *testing.T, e *e2e) {
	forgedCmd := e.slack.SlashCommandForm(fakeslack.SlashCommand{Command: "/ask", Text: "Who owns billing?", UserID: alice, ChannelID: general, TriggerID: "trigger-forged"})
	forgedEvent := fakeslack.EventCallback(fakeslack.TeamID, "EvForged", fakeslack.AppMentionEvent(
		fakeslack.Channel{ID: general, Name: "general"}, fakeslack.Message{TS: "1768469400.000100", User: alice, Text: "<@" + fakeslack.BotUserID + "> who owns billing?"}))
	forgedClick := e.slack.BlockActionsPayload(fakeslack.BlockActions{
		User: alice, Channel: general, MessageTS: "1768469400.000200", TriggerID: "trigger-forged-click",
		Actions: []fakeslack.Action{{ActionID: actionNeedHelp, Value: "ask:trigger-forged"}},
	})
	requests := []struct {
		name string
		post func(secret string, opts ...fakeslack.PostOption) *http.Response
	}{
		{"command", func(s string, o ...fakeslack.PostOption) *http.Response {
			return fakeslack.PostSlashCommand(t, e.run.base+"/slack/commands", s, forgedCmd, o...)
		}},
		{"event", func(s string, o ...fakeslack.PostOption) *http.Response {
			return fakeslack.PostEvent(t, e.run.base+"/slack/events", s, forgedEvent, o...)
		}},
		{"interaction", func(s string, o ...fakeslack.PostOption) *http.Response {
			return fakeslack.PostInteraction(t, e.run.base+"/slack/interactivity", s, forgedClick, o...)
		}},
	}
	before := len(e.slack.Calls())
	for _, r := range requests {
		for _, attempt := range []struct {
			how    string
			secret string
			opts   []fakeslack.PostOption
		}{
			{"signed with another secret", "not-the-signing-secret", nil},
			{"signed ten minutes ago", serveSecret, []fakeslack.PostOption{fakeslack.SignedAt(time.Now().Add(-10 * time.Minute))}},
		} {
			resp := r.post(attempt.secret, attempt.opts...)
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != http.StatusUnauthorized || len(b) != 0 {
				t.Errorf("%s %s: status %d body %q, want a bare 401", r.name, attempt.how, resp.StatusCode, b)
			}
		}
	}
	if got := e.metric("nextdesk_inbound_rejected_total", `reason="signature"`); got != 3 {
		t.Errorf("refused for their signature: %v, want 3", got)
	}
	if got := e.metric("nextdesk_inbound_rejected_total", `reason="stale"`); got != 3 {
		t.Errorf("refused for their timestamp: %v, want 3", got)
	}

	// A genuine request after them is served: the server was listening.
	e.ask(alice, general, "How do I reset my VPN password?")
	e.waitPosts(general, 2)
	e.waitIdle()
	for _, c := range e.slack.Calls()[before:] {
		if strings.Contains(fmt.Sprint(c.Params), "billing") {
			t.Errorf("Slack called about a refused request: %s %v", c.Method, c.Params)
		}
	}

	db := e.finish()
	ctx := context.Background()
	for _, key := range []string{"trigger-forged", "EvForged", "trigger-forged-click"} {
		if seen, err := db.Handled(ctx, key); err != nil || seen {
			t.Errorf("refused delivery %s recorded as handled: %v (err %v)", key, seen, err)
		}
	}
	counts, err := db.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := len(e.history) + 1; counts.Questions != want {
		t.Errorf("store holds %d questions, want the %d seeded and the genuine one", counts.Questions, want)
	}
}

func e2eFrench(t *testing.T, e *e2e) {
	// bruno asks in French: the question and the answer are in French.
	e.ask(bruno, general, "Comment réinitialiser mon mot de passe VPN ?")
	posts := e.waitPosts(general, 2)
	if !strings.Contains(posts[0].Blocks, "<@"+bruno+"> demande") {
		t.Errorf("question post %s, want it to say in French that bruno asks", posts[0].Blocks)
	}
	for _, want := range []string{"<@" + carol + "> a déjà répondu à cette question", "vpn.example.com/reset", "C'est résolu", "J'ai encore besoin d'aide"} {
		if !strings.Contains(posts[1].Blocks, want) {
			t.Errorf("instant answer lacks %q: %s", want, posts[1].Blocks)
		}
	}

	// bruno asks in English: still told in French, while carol (en-GB)
	// is asked in English.
	e.ask(bruno, general, rollback)
	dm := e.waitPosts(carol, 1)[0]
	for _, want := range []string{"A question for you", "I'll take it", "Not me, pass it on"} {
		if !strings.Contains(dm.Blocks, want) {
			t.Errorf("carol's DM lacks %q: %s", want, dm.Blocks)
		}
	}
	posts = e.waitPosts(general, 4)
	e.waitIdle()
	if note := posts[3]; note.Thread != posts[2].TS || note.Text != "J'ai demandé à <@"+carol+">, qui a déjà répondu à des questions proches. Je vous tiens au courant ici." {
		t.Errorf("note to bruno = %+v, want it in French, in his question's thread", note)
	}
	e.finish()
}

func e2ePrivateAnswer(t *testing.T, e *e2e) {
	const question = "What is the budget code for project nightingale?"
	leaked := func() bool {
		for _, c := range e.slack.Calls() {
			if strings.Contains(fmt.Sprint(c.Params), secretAnswer) {
				return true
			}
		}
		return false
	}
	// frank is not in #finance: neither in a public channel nor in his DM
	// with the bot is he told what was said there. Nor is alice, who is,
	// when she asks in #general, where frank would read it.
	var asked []fakeslack.SlashCommand
	asked = append(asked, e.ask(frank, general, question))
	e.posts(frankDM, fakeslack.Message{User: frank, Text: question})
	asked = append(asked, e.ask(alice, general, question))
	e.waitPosts(general, 4)
	e.waitPosts(frankDM, 1)
	e.waitIdle()
	if leaked() {
		t.Errorf("the answer given in #finance was shown outside it")
	}
	for _, cmd := range asked {
		for _, r := range e.slack.Responses(cmd.ResponseURL) {
			if strings.Contains(string(r.Body), secretAnswer) {
				t.Errorf("the answer given in #finance was sent to %s's response_url", cmd.UserID)
			}
		}
	}

	// alice, in #finance itself, gets it: the check above can fail.
	e.ask(alice, finance, question)
	posts := e.waitPosts(finance, 2)
	if !strings.Contains(posts[1].Blocks, secretAnswer) {
		t.Errorf("alice in #finance got %s, want the answer given there", posts[1].Blocks)
	}
	e.waitIdle()
	e.finish()
}

func e2eBadInput(t *testing.T, e *e2e) {
	// /ask with nothing to ask: the usage, to the asker alone.
	empty := e.ask(alice, general, "  ")
	if rs := e.slack.WaitResponses(t, empty.ResponseURL, 1, e2eWait); rs[0].ResponseType != "ephemeral" || !strings.Contains(rs[0].Text, "/ask your question") {
		t.Errorf("reply to an empty /ask = %+v, want the usage, ephemeral", rs[0])
	}

	// An event type the bot does not handle, and a mention in a channel it
	// cannot see: handled by ignoring them.
	e.deliverPayload(fakeslack.EventCallback(fakeslack.TeamID, "EvPinAdded", json.RawMessage(
		`{"type":"pin_added","user":"`+alice+`","channel_id":"`+general+`","item":{"type":"message"},"event_ts":"1768469400.000300"}`)))
	e.deliverPayload(fakeslack.EventCallback(fakeslack.TeamID, "EvHidden", fakeslack.AppMentionEvent(
		fakeslack.Channel{ID: "C404", Name: "hidden"}, fakeslack.Message{TS: "1768469400.000400", User: alice, Text: "<@" + fakeslack.BotUserID + "> who owns billing?"})))

	// An event whose inner event is not an object: refused as malformed.
	malformed := fakeslack.EventCallback(fakeslack.TeamID, "EvMalformed", json.RawMessage(`{"type":"app_mention","text":`))
	if e.socket {
		e.slack.WaitAck(t, e.slack.SendEvent(t, malformed), e2eWait)
	} else if resp := fakeslack.PostEvent(t, e.run.base+"/slack/events", serveSecret, malformed); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("a malformed event answered %d, want 400", resp.StatusCode)
	}
	e.eventually("the malformed event counted", func() bool {
		return e.metric("nextdesk_inbound_rejected_total", `reason="malformed"`) == 1
	})

	// The server still serves.
	e.ask(alice, general, "How do I reset my VPN password?")
	e.waitPosts(general, 2)
	e.waitIdle()
	for _, c := range e.slack.Calls() {
		if strings.Contains(fmt.Sprint(c.Params), "billing") {
			t.Errorf("Slack called about a mention in a channel the bot cannot see: %s %v", c.Method, c.Params)
		}
	}
	if n := len(e.botPosts(general)); n != 2 {
		t.Errorf("%d bot messages in #general, want the genuine question and its answer", n)
	}
	e.finish()
}
